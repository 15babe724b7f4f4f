// The registration burn price of a subnet (subtensor @14bc6f9f9 `subnets/registration.rs`,
// `utils/misc.rs`): a continuous per-block decay by the factor f with f^BurnHalfLife = 1/2 (Q32,
// found by bisection exactly as the chain does), and a step ×BurnIncreaseMult (U64F64) after
// every registration, both clamped to [MinBurn, MaxBurn].

import { hi128, lo128, umul128 } from "./fixed";
import { mulShr, wHi, wLo, wOver } from "./wide";

const U64_MAX: u64 = 0xffff_ffff_ffff_ffff;
const ONE_Q32: u64 = 1 << 32;

/** `mul_by_q32`: ⌊value·factor / 2^32⌋ in u128, clamped to u64. */
export function mulByQ32(value: u64, factor: u64): u64 {
  umul128(value, factor);
  if ((hi128 >> 32) != 0) return U64_MAX;
  return (hi128 << 32) | (lo128 >> 32);
}

/** `pow_q32`: base^exp in Q32 by squaring, every product through mulByQ32. */
export function powQ32(base: u64, exp: u32): u64 {
  let result = ONE_Q32;
  let factor = base;
  let power = exp;
  while (power > 0) {
    if ((power & 1) == 1) result = mulByQ32(result, factor);
    power >>= 1;
    if (power > 0) factor = mulByQ32(factor, factor);
  }
  return result;
}

/** `decay_factor_q32`: the largest f in Q32 with pow_q32(f, halfLife) ≤ 1/2 (1.0 when halfLife = 0). */
export function decayFactorQ32(halfLife: u32): u64 {
  if (halfLife == 0) return ONE_Q32;
  const half: u64 = 1 << 31;
  let lo: u64 = 0;
  let hi: u64 = ONE_Q32;
  while (lo + 1 < hi) {
    const mid = lo + ((hi - lo) >> 1);
    if (powQ32(mid, halfLife) > half) hi = mid;
    else lo = mid;
  }
  return lo;
}

function clamp(v: u64, min: u64, max: u64): u64 {
  if (v < min) v = min;
  if (v > max) v = max;
  return v;
}

/**
 * `update_registration_prices_for_networks` for one subnet over `count` blocks first..first+count−1:
 * each block past block 1 multiplies by the decay factor (when the half-life is set), then the
 * price is clamped.
 */
export function burnDecay(burn: u64, factor: u64, halfLife: u32, min: u64, max: u64, first: u64, count: u64): u64 {
  for (let k: u64 = 0; k < count; k++) {
    if (halfLife > 0 && first + k > 1) burn = mulByQ32(burn, factor);
    burn = clamp(burn, min, max);
  }
  return burn;
}

/** `bump_registration_price_after_registration`: U64F64(burn)·max(mult, 1) saturating, to u64, clamped. */
export function burnBump(burn: u64, multHi: u64, multLo: u64, min: u64, max: u64): u64 {
  if (multHi == 0) {
    multHi = 1;
    multLo = 0;
  }
  // burn (an integer) times the U64F64 raw multiplier, shifted back by 64: the integer product.
  mulShr(0, burn, multHi, multLo, 64);
  const v = wOver || wHi != 0 ? U64_MAX : wLo;
  return clamp(v, min, max);
}

/** substrate-fixed `U64F64::from_num(x)` for a finite double in [1, 2^64): exact (a double has 53
 *  significant bits, U64F64 keeps 64 fraction bits). Result in u64f64Hi / u64f64Lo. */
export let u64f64Hi: u64 = 0;
export let u64f64Lo: u64 = 0;
export function u64f64FromF64(x: f64): void {
  const bits = reinterpret<u64>(x);
  const e = <i32>((bits >> 52) & 0x7ff) - 1075;
  const mant: u64 = (bits & 0xf_ffff_ffff_ffff) | (<u64>1 << 52);
  // value = mant·2^e; raw = mant·2^(e+64), a 128-bit shift left by s = e + 64 (12..=75 for [1, 2^64)).
  const s = e + 64;
  if (s >= 64) {
    u64f64Hi = mant << <u64>(s - 64);
    u64f64Lo = 0;
  } else if (s > 0) {
    u64f64Hi = mant >> <u64>(64 - s);
    u64f64Lo = mant << <u64>s;
  } else {
    u64f64Hi = 0;
    u64f64Lo = mant >> <u64>(-s);
  }
}
