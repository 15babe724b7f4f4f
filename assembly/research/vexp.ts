// Mathf.exp four lanes at a time, bit for bit: AssemblyScript's float32 exp (musl's expf:
// a 32-entry table of 2^(i/32) and a cubic in float64) evaluated in two f64x2 halves with
// the same IEEE operations in the same order, the table read lane by lane. Lanes the scalar
// function special-cases (|x| ≳ 88, NaN, ±Inf) take the scalar function.

// 2^(i/32) as float64 bits, minus i << 47 (the exponent the index adds back): the table of
// the standard library's expf, so every lane is Mathf.exp's result.
// @ts-ignore: decorator
@lazy const EXP2F_TAB = memory.data<u64>([
  0x3FF0000000000000, 0x3FEFD9B0D3158574, 0x3FEFB5586CF9890F, 0x3FEF9301D0125B51,
  0x3FEF72B83C7D517B, 0x3FEF54873168B9AA, 0x3FEF387A6E756238, 0x3FEF1E9DF51FDEE1,
  0x3FEF06FE0A31B715, 0x3FEEF1A7373AA9CB, 0x3FEEDEA64C123422, 0x3FEECE086061892D,
  0x3FEEBFDAD5362A27, 0x3FEEB42B569D4F82, 0x3FEEAB07DD485429, 0x3FEEA47EB03A5585,
  0x3FEEA09E667F3BCD, 0x3FEE9F75E8EC5F74, 0x3FEEA11473EB0187, 0x3FEEA589994CCE13,
  0x3FEEACE5422AA0DB, 0x3FEEB737B0CDC5E5, 0x3FEEC49182A3F090, 0x3FEED503B23E255D,
  0x3FEEE89F995AD3AD, 0x3FEEFF76F2FB5E47, 0x3FEF199BDD85529C, 0x3FEF3720DCEF9069,
  0x3FEF5818DCFBA487, 0x3FEF7C97337B9B5F, 0x3FEFA4AFA2A490DA, 0x3FEFD0765B6E4540,
]);

/** exp of two float64 lanes holding float32 values in the fast range (not yet rounded). */
// @ts-ignore: decorator
@inline function expfHalf(xd: v128): v128 {
  const N: f64 = 32;
  const shift = reinterpret<f64>(0x4338000000000000);
  const invLn2N = reinterpret<f64>(0x3FF71547652B82FE) * N;
  const C0 = reinterpret<f64>(0x3FAC6AF84B912394) / N / N / N;
  const C1 = reinterpret<f64>(0x3FCEBFCE50FAC4F3) / N / N;
  const C2 = reinterpret<f64>(0x3FE62E42FF0C52D6) / N;
  // x·N/ln 2 = k + r, k rounded to nearest by the shift trick (k in the low bits of kd).
  const z = f64x2.mul(f64x2.splat(invLn2N), xd);
  const kd = f64x2.add(z, f64x2.splat(shift));
  const r = f64x2.sub(z, f64x2.sub(kd, f64x2.splat(shift)));
  const i0 = <usize>(i64x2.extract_lane(kd, 0) & 31), i1 = <usize>(i64x2.extract_lane(kd, 1) & 31);
  let t = i64x2.replace_lane(i64x2.splat(load<u64>(EXP2F_TAB + (i0 << 3))), 1, load<u64>(EXP2F_TAB + (i1 << 3)));
  t = i64x2.add(t, i64x2.shl(kd, 47)); // 2^(k/N) as float64 bits
  const p = f64x2.add(f64x2.mul(f64x2.splat(C0), r), f64x2.splat(C1));
  let y = f64x2.add(f64x2.mul(f64x2.splat(C2), r), f64x2.splat(1));
  y = f64x2.add(y, f64x2.mul(p, f64x2.mul(r, r)));
  return f64x2.mul(y, t);
}

/** Mathf.exp of each lane of x (f32x4), bit for bit. */
// @ts-ignore: decorator
@inline export function expf4(x: v128): v128 {
  // The scalar function's own test for its special cases: bits 20..30 of the float.
  const top = v128.and(i32x4.shr_u(x, 20), i32x4.splat(0x7FF));
  if (v128.any_true(i32x4.ge_u(top, i32x4.splat(0x42B)))) {
    let e = f32x4.splat(Mathf.exp(f32x4.extract_lane(x, 0)));
    e = f32x4.replace_lane(e, 1, Mathf.exp(f32x4.extract_lane(x, 1)));
    e = f32x4.replace_lane(e, 2, Mathf.exp(f32x4.extract_lane(x, 2)));
    return f32x4.replace_lane(e, 3, Mathf.exp(f32x4.extract_lane(x, 3)));
  }
  const lo = f32x4.demote_f64x2_zero(expfHalf(f64x2.promote_low_f32x4(x)));
  const hi = f32x4.demote_f64x2_zero(expfHalf(f64x2.promote_low_f32x4(v128.shuffle<f32>(x, x, 2, 3, 2, 3))));
  return v128.shuffle<f32>(lo, hi, 0, 1, 4, 5);
}
