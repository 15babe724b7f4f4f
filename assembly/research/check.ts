// The range check of the weights JS wrote into linear memory. The feed copies plain rows with a
// type test per entry only; this pass, a few vector instructions per entry, finds the first
// entry that is not an ordinary weight, and JS checks the rows from that one on as before
// (its refusals, and its rule for the rare −0 and large entries, are unchanged).

/**
 * Index of the first of the n values of T at p outside [+0, small] — sign bit set (−0, any
 * negative, −NaN), NaN, or above small (with T = f32: above the largest f32 not past small) —
 * or −1 when there is none.
 */
export function firstOutside<T>(p: usize, n: i32, small: f64): i32 {
  let limit = <T>small;
  if (sizeof<T>() == 4 && <f64>limit > small) limit = <T>reinterpret<f32>(reinterpret<u32>(<f32>limit) - 1);
  let k = 0;
  if (ASC_FEATURE_SIMD) {
    // Sixteen (f32) or eight (f64) entries a step, one test of the step's flags.
    const step = 64 / sizeof<T>();
    for (; k + step <= n; k += step) {
      const at = p + (<usize>k << alignof<T>());
      const out = v128.or(
        v128.or(outside4<T>(v128.load(at), limit), outside4<T>(v128.load(at, 16), limit)),
        v128.or(outside4<T>(v128.load(at, 32), limit), outside4<T>(v128.load(at, 48), limit)),
      );
      if (v128.any_true(out)) break; // the scalar loop finds which
    }
  }
  for (; k < n; k++) {
    const x = load<T>(p + (<usize>k << alignof<T>()));
    const negative = sizeof<T>() == 4 ? reinterpret<i32>(<f32>x) < 0 : reinterpret<i64>(<f64>x) < 0;
    if (negative || !(x <= limit)) return k;
  }
  return -1;
}

/** Lanes of v (T) outside [+0, limit], as all-ones. */
// @ts-ignore: decorator
@inline function outside4<T>(v: v128, limit: T): v128 {
  if (sizeof<T>() == 4) return v128.or(i32x4.lt_s(v, i32x4.splat(0)), v128.not(f32x4.le(v, f32x4.splat(<f32>limit))));
  return v128.or(i64x2.lt_s(v, i64x2.splat(0)), v128.not(f64x2.le(v, f64x2.splat(<f64>limit))));
}
