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
    // Sixteen (f32) or eight (f64) entries a step, one test of the step's flags. For values
    // with the sign bit clear, the float order is the order of their bits as integers (NaN
    // above +∞): an entry is above the limit (or NaN) when its bits are, as signed integers too;
    // the sign bits are collected by or-ing the entries themselves.
    const step = 64 / sizeof<T>();
    const L = sizeof<T>() == 4 ? i32x4.splat(reinterpret<i32>(<f32>limit)) : i64x2.splat(reinterpret<i64>(<f64>limit));
    for (; k + step <= n; k += step) {
      const at = p + (<usize>k << alignof<T>());
      const a = v128.load(at), b = v128.load(at, 16), c = v128.load(at, 32), d = v128.load(at, 48);
      const signs = v128.or(v128.or(a, b), v128.or(c, d));
      const above = sizeof<T>() == 4
        ? v128.or(v128.or(i32x4.gt_s(a, L), i32x4.gt_s(b, L)), v128.or(i32x4.gt_s(c, L), i32x4.gt_s(d, L)))
        : v128.or(v128.or(i64x2.gt_s(a, L), i64x2.gt_s(b, L)), v128.or(i64x2.gt_s(c, L), i64x2.gt_s(d, L)));
      const out = v128.or(above, v128.and(signs, sizeof<T>() == 4 ? i32x4.splat(0x80000000) : i64x2.splat(0x8000000000000000)));
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
