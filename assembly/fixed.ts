// Fixed-point arithmetic with the exact semantics of the `substrate-fixed` crate (v0.6.0)
// as the chain uses it. I32F32 is an i64 holding value·2^32; I64F64 / I96F32 only appear
// in a few places and are handled there with the 128-bit helpers below.
//
// WebAssembly has no 128-bit integers, so products and wide divisions are built from
// 32-bit limbs. Results that need two words are returned through the globals `hi128`,
// `lo128`; operations that can overflow report it through `overflowed`.

export const ONE: i64 = 1 << 32;
export const HALF: i64 = 1 << 31;
export const U16_MAX_FIXED: i64 = <i64>65535 << 32;
const MASK32: u64 = 0xffff_ffff;

export let hi128: u64 = 0;
export let lo128: u64 = 0;
export let overflowed: bool = false;

/** Unsigned 64×64 → 128 product into (hi128, lo128). */
// @ts-ignore: decorator
@inline
export function umul128(a: u64, b: u64): void {
  const a0 = a & MASK32, a1 = a >> 32, b0 = b & MASK32, b1 = b >> 32;
  const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  const mid = (p00 >> 32) + (p01 & MASK32) + (p10 & MASK32);
  lo128 = (mid << 32) | (p00 & MASK32);
  hi128 = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
}

/**
 * Unsigned (u1·2^64 + u0) / v for u1 < v: 64-bit quotient, remainder in `lo128`.
 * Knuth's algorithm D on 32-bit digits (Hacker's Delight `divlu`).
 */
export function divlu(u1: u64, u0: u64, v: u64): u64 {
  const b: u64 = 1 << 32;
  const s = <i32>clz(v);
  v <<= s;
  const vn1 = v >> 32, vn0 = v & MASK32;
  const un32 = s == 0 ? u1 : (u1 << s) | (u0 >> (64 - s));
  const un10 = u0 << s;
  const un1 = un10 >> 32, un0 = un10 & MASK32;
  let q1 = un32 / vn1;
  let rhat = un32 - q1 * vn1;
  while (q1 >= b || q1 * vn0 > ((rhat << 32) | un1)) {
    q1 -= 1;
    rhat += vn1;
    if (rhat >= b) break;
  }
  const un21 = (un32 << 32) + un1 - q1 * v;
  let q0 = un21 / vn1;
  rhat = un21 - q0 * vn1;
  while (q0 >= b || q0 * vn0 > ((rhat << 32) | un0)) {
    q0 -= 1;
    rhat += vn1;
    if (rhat >= b) break;
  }
  lo128 = ((un21 << 32) + un0 - q0 * v) >> s;
  return (q1 << 32) | q0;
}

/** Unsigned 128 / 64 → 128 quotient into (hi128, lo128). v ≠ 0. */
export function udiv128(nhi: u64, nlo: u64, v: u64): void {
  if (nhi == 0) {
    hi128 = 0;
    lo128 = nlo / v;
    return;
  }
  const qhi = nhi / v;
  const qlo = divlu(nhi % v, nlo, v);
  hi128 = qhi;
  lo128 = qlo;
}

/** Two's-complement negation of (hi128, lo128). */
// @ts-ignore: decorator
@inline
function neg128(): void {
  const lo = ~lo128 + 1;
  hi128 = ~hi128 + (lo == 0 ? 1 : 0);
  lo128 = lo;
}

/** Signed 64×64 → 128 product into (hi128, lo128). */
export function imul128(a: i64, b: i64): void {
  const ua: u64 = a < 0 ? <u64>(-a) : <u64>a;
  const ub: u64 = b < 0 ? <u64>(-b) : <u64>b;
  umul128(ua, ub);
  if ((a ^ b) < 0 && (hi128 | lo128) != 0) neg128();
}

/**
 * I32F32 product: ⌊a·b / 2^32⌋ (rounds toward −∞, like the crate's widening multiply).
 * Sets `overflowed` when the result does not fit; the returned value is then the
 * saturated one (what `saturating_mul` gives).
 */
export function mul(a: i64, b: i64): i64 {
  // Fast path: both operands in [0, 1): the product fits in 64 bits.
  if (<u64>a < <u64>ONE && <u64>b < <u64>ONE) {
    overflowed = false;
    return <i64>((<u64>a * <u64>b) >> 32);
  }
  imul128(a, b);
  const top = (<i64>hi128) >> 31;
  if (top != 0 && top != -1) {
    overflowed = true;
    return (a ^ b) < 0 ? i64.MIN_VALUE : i64.MAX_VALUE;
  }
  overflowed = false;
  return <i64>((hi128 << 32) | (lo128 >> 32));
}

/** `saturating_mul` on I32F32. */
// @ts-ignore: decorator
@inline
export function smul(a: i64, b: i64): i64 {
  return mul(a, b);
}

/** `checked_mul(..).unwrap_or_default()` on I32F32: 0 on overflow. */
export function cmul(a: i64, b: i64): i64 {
  const r = mul(a, b);
  return overflowed ? 0 : r;
}

/**
 * I32F32 quotient: (a·2^32) / b truncated toward zero, computed with the wide numerator.
 * Sets `overflowed` on a zero divisor or when the quotient does not fit in i64; the
 * returned value is then the saturated one (sign of a/b), or 0 for a zero divisor.
 */
export function div(a: i64, b: i64): i64 {
  if (b == 0) {
    overflowed = true;
    return 0;
  }
  // Fast path: 0 <= a < 1, b > 0: the numerator fits in 64 bits (the quotient may still
  // exceed i64 when b is tiny).
  if (<u64>a < <u64>ONE && b > 0) {
    const q = (<u64>a << 32) / <u64>b;
    if (q > <u64>i64.MAX_VALUE) {
      overflowed = true;
      return i64.MAX_VALUE;
    }
    overflowed = false;
    return <i64>q;
  }
  const neg = (a ^ b) < 0;
  const ua: u64 = a < 0 ? <u64>(-a) : <u64>a;
  const ub: u64 = b < 0 ? <u64>(-b) : <u64>b;
  // ⌊ua·2^32 / ub⌋ as q1·2^32 + q0 with q1 = ⌊ua/ub⌋ and q0 = ⌊r1·2^32 / ub⌋ < 2^32 from
  // the remainder r1 < ub: native 64-bit divisions, the 128-bit one only when r1 ≥ 2^32.
  const q1 = ua / ub;
  const limit: u64 = neg ? (<u64>1 << 63) : (<u64>1 << 63) - 1;
  if (q1 > (<u64>1 << 31)) {
    overflowed = true;
    return neg ? i64.MIN_VALUE : i64.MAX_VALUE;
  }
  const r1 = ua - q1 * ub;
  const q0: u64 = r1 < (<u64>1 << 32) ? (r1 << 32) / ub : divlu(r1 >> 32, r1 << 32, ub);
  const q = (q1 << 32) | q0;
  if (q > limit) {
    overflowed = true;
    return neg ? i64.MIN_VALUE : i64.MAX_VALUE;
  }
  overflowed = false;
  return neg ? -<i64>q : <i64>q;
}

/** The chain's `safe_div`: `checked_div(..).unwrap_or_default()`, i.e. 0 on /0 and on overflow. */
export function safeDiv(a: i64, b: i64): i64 {
  const r = div(a, b);
  return overflowed ? 0 : r;
}

/** `saturating_div` (the divisor is never zero where the chain uses it). */
// @ts-ignore: decorator
@inline
export function sdiv(a: i64, b: i64): i64 {
  return div(a, b);
}

/**
 * `saturating_mul` with the common case (both operands in [0, 1)) inline; the rest goes to
 * `mul`. Same value as `smul`; `overflowed` is not updated on the fast path.
 */
// @ts-ignore: decorator
@inline
export function smulFast(a: i64, b: i64): i64 {
  if ((<u64>a | <u64>b) < <u64>ONE) return <i64>((<u64>a * <u64>b) >> 32);
  return mul(a, b);
}

/**
 * `saturating_mul` for 0 <= a, b <= 1 (proportions): no wide product, no branch, no call.
 * (a·b < 2^64 unless a = b = 1; a = 1 gives b.)
 */
// @ts-ignore: decorator
@inline
export function mulUnit(a: i64, b: i64): i64 {
  return select<i64>(b, <i64>((<u64>a * <u64>b) >> 32), a == ONE);
}

/** ⌊(2^64 − 1) / d⌋ for d > 0: the reciprocal `divUnitBy` takes. */
// @ts-ignore: decorator
@inline
export function recipOf(d: u64): u64 {
  return u64.MAX_VALUE / d;
}

/**
 * `safe_div(a, d)` = ⌊a·2^32 / d⌋ for 0 <= a <= d, a <= 2^32, 0 < d < 2^61 (an entry over
 * its column sum or maximum: the quotient is <= 1, never overflows), given F = recipOf(d):
 * no division. For a < d, a·F < 2^64 and F >= 2^64/d − 1, so
 * q = ⌊a·F / 2^32⌋ is the quotient minus 0, 1 or 2; the remainder a·2^32 − q·d (< 3d, exact
 * in wrapping u64) says which. a = d gives 1.
 */
// @ts-ignore: decorator
@inline
export function divUnitBy(a: i64, d: i64, F: u64): i64 {
  const ua = <u64>a, ud = <u64>d;
  const q = (ua * F) >> 32;
  const r = (ua << 32) - q * ud;
  const res = q + <u64>(r >= ud) + <u64>(r >= (ud << 1));
  return select<i64>(ONE, <i64>res, ua >= ud);
}

/**
 * `safe_div` with the common case (0 <= a < 1, b > 0) inline; the rest goes to `safeDiv`.
 * Same value as `safeDiv`; `overflowed` is not updated on the fast path.
 */
// @ts-ignore: decorator
@inline
export function safeDivFast(a: i64, b: i64): i64 {
  if (<u64>a < <u64>ONE && b > 0) {
    const q = (<u64>a << 32) / <u64>b;
    return q > <u64>i64.MAX_VALUE ? 0 : <i64>q;
  }
  return safeDiv(a, b);
}

/** `saturating_add` on I32F32 / i64. */
// @ts-ignore: decorator
@inline
export function sadd(a: i64, b: i64): i64 {
  const r = a + b;
  // Overflow iff a and b share a sign and r does not.
  if (((a ^ r) & (b ^ r)) < 0) return a < 0 ? i64.MIN_VALUE : i64.MAX_VALUE;
  return r;
}

/** `saturating_sub` on I32F32 / i64. */
// @ts-ignore: decorator
@inline
export function ssub(a: i64, b: i64): i64 {
  const r = a - b;
  if (((a ^ b) & (a ^ r)) < 0) return a < 0 ? i64.MIN_VALUE : i64.MAX_VALUE;
  return r;
}

/** `checked_add`: sets `overflowed`. */
function cadd(a: i64, b: i64): i64 {
  const r = a + b;
  overflowed = ((a ^ r) & (b ^ r)) < 0;
  return r;
}

/**
 * A stored u16 as a proportion: `I32F32::from(v).safe_div(65535)` = ⌊v·2^32 / 65535⌋.
 * Since 2^32 = 65535·65537 + 1, that is v·65537 + ⌊v / 65535⌋ (no 64-bit division).
 */
// @ts-ignore: decorator
@inline
export function u16ToProportion(v: u32): i64 {
  return <i64>v * 65537 + <i64>(v / 65535);
}

/**
 * `fixed_proportion_to_u16`: ⌊x·65535⌋ clamped to 0..=65535. The I32F32 product
 * x·(65535·2^32) / 2^32 is exactly x·65535, so no wide multiply is needed.
 */
// @ts-ignore: decorator
@inline
export function proportionToU16(x: i64): u32 {
  if (x <= 0) return 0;
  if (x >= ONE) return 65535;
  return <u32>((<u64>x * 65535) >> 32);
}

/**
 * I96F32 rao amount: `I96F32::from(x).saturating_mul(I96F32::from(rao)).saturating_to_num::<u64>()`
 * = ⌊x·rao / 2^32⌋ clamped to u64 (0 for x ≤ 0).
 */
export function fixedTimesRao(x: i64, rao: u64): u64 {
  if (x <= 0 || rao == 0) return 0;
  umul128(<u64>x, rao);
  if ((hi128 >> 32) != 0) return u64.MAX_VALUE;
  return (hi128 << 32) | (lo128 >> 32);
}

/** ⌊num·2^32 / den⌋ for 0 <= num <= den < 2^63: an I64F64 stake share narrowed to I32F32. */
export function shareOf(num: u64, den: u64): i64 {
  if (den == 0) return 0;
  udiv128(num >> 32, num << 32, den);
  return <i64>lo128;
}

export const EXP_MIN: i64 = -20 << 32;
export const EXP_MAX: i64 = 20 << 32;

// The I9F23 constant `e` that substrate-fixed returns for exp(1), widened to I32F32.
const E_FIXED: i64 = <i64>22802600 << 9;

// @ts-ignore: decorator
@inline
function seriesStep(term: u64, o1: u64, o0: u64): u64 {
  // ⌊term·op / 2^32⌋ from 32-bit halves (op = o1·2^32 + o0); exact while it fits in 64 bits.
  const t1 = term >> 32, t0 = term & MASK32;
  return ((t1 * o1) << 32) + t1 * o0 + t0 * o1 + ((t0 * o0) >> 32);
}

/**
 * The crate's Taylor series 1 + op + Σ_{i=2}^{31} term_i, term_i = ⌊⌊term_{i−1}·op / 2^32⌋ / i⌋,
 * for 0 <= op <= 20 (the `exp_safe` range), without the checked operations: none can fail
 * there (term_i <= op^i/i!·2^32 <= 20^20/20!·2^32 < 2^58, so term·op/2^32 < 2^63, and the sum
 * is <= e^20·2^32 < 2^61). Unrolled so that every division is by a constant (the engine
 * turns it into a multiplication); it stops once a term is 0, as every later term is 0 too.
 */
export function expSeries(op: u64): u64 {
  const o1 = op >> 32, o0 = op & MASK32;
  let result = op + <u64>ONE;
  let t = op;
  t = seriesStep(t, o1, o0) / 2; result += t;
  t = seriesStep(t, o1, o0) / 3; result += t;
  t = seriesStep(t, o1, o0) / 4; result += t;
  t = seriesStep(t, o1, o0) / 5; result += t;
  if (t == 0) return result;
  t = seriesStep(t, o1, o0) / 6; result += t;
  t = seriesStep(t, o1, o0) / 7; result += t;
  t = seriesStep(t, o1, o0) / 8; result += t;
  t = seriesStep(t, o1, o0) / 9; result += t;
  if (t == 0) return result;
  t = seriesStep(t, o1, o0) / 10; result += t;
  t = seriesStep(t, o1, o0) / 11; result += t;
  t = seriesStep(t, o1, o0) / 12; result += t;
  t = seriesStep(t, o1, o0) / 13; result += t;
  if (t == 0) return result;
  t = seriesStep(t, o1, o0) / 14; result += t;
  t = seriesStep(t, o1, o0) / 15; result += t;
  t = seriesStep(t, o1, o0) / 16; result += t;
  t = seriesStep(t, o1, o0) / 17; result += t;
  if (t == 0) return result;
  t = seriesStep(t, o1, o0) / 18; result += t;
  t = seriesStep(t, o1, o0) / 19; result += t;
  t = seriesStep(t, o1, o0) / 20; result += t;
  t = seriesStep(t, o1, o0) / 21; result += t;
  if (t == 0) return result;
  t = seriesStep(t, o1, o0) / 22; result += t;
  t = seriesStep(t, o1, o0) / 23; result += t;
  t = seriesStep(t, o1, o0) / 24; result += t;
  t = seriesStep(t, o1, o0) / 25; result += t;
  if (t == 0) return result;
  t = seriesStep(t, o1, o0) / 26; result += t;
  t = seriesStep(t, o1, o0) / 27; result += t;
  t = seriesStep(t, o1, o0) / 28; result += t;
  if (t == 0) return result;
  t = seriesStep(t, o1, o0) / 29; result += t;
  t = seriesStep(t, o1, o0) / 30; result += t;
  t = seriesStep(t, o1, o0) / 31; result += t;
  return result;
}

/** Results of `expSeries4`. */
export let series0: u64 = 0;
export let series1: u64 = 0;
export let series2: u64 = 0;
export let series3: u64 = 0;

/** `expSeries` of four arguments at once (independent chains interleave in the CPU). */
export function expSeries4(a: u64, b: u64, c: u64, d: u64): void {
  const a1 = a >> 32, a0 = a & MASK32, b1 = b >> 32, b0 = b & MASK32;
  const c1 = c >> 32, c0 = c & MASK32, d1 = d >> 32, d0 = d & MASK32;
  let ra = a + <u64>ONE, rb = b + <u64>ONE, rc = c + <u64>ONE, rd = d + <u64>ONE;
  let ta = a, tb = b, tc = c, td = d;
  do {
    ta = seriesStep(ta, a1, a0) / 2; tb = seriesStep(tb, b1, b0) / 2;
    tc = seriesStep(tc, c1, c0) / 2; td = seriesStep(td, d1, d0) / 2;
    ra += ta; rb += tb; rc += tc; rd += td;
    ta = seriesStep(ta, a1, a0) / 3; tb = seriesStep(tb, b1, b0) / 3;
    tc = seriesStep(tc, c1, c0) / 3; td = seriesStep(td, d1, d0) / 3;
    ra += ta; rb += tb; rc += tc; rd += td;
    ta = seriesStep(ta, a1, a0) / 4; tb = seriesStep(tb, b1, b0) / 4;
    tc = seriesStep(tc, c1, c0) / 4; td = seriesStep(td, d1, d0) / 4;
    ra += ta; rb += tb; rc += tc; rd += td;
    ta = seriesStep(ta, a1, a0) / 5; tb = seriesStep(tb, b1, b0) / 5;
    tc = seriesStep(tc, c1, c0) / 5; td = seriesStep(td, d1, d0) / 5;
    ra += ta; rb += tb; rc += tc; rd += td;
    if ((ta | tb | tc | td) == 0) break;
    ta = seriesStep(ta, a1, a0) / 6; tb = seriesStep(tb, b1, b0) / 6;
    tc = seriesStep(tc, c1, c0) / 6; td = seriesStep(td, d1, d0) / 6;
    ra += ta; rb += tb; rc += tc; rd += td;
    ta = seriesStep(ta, a1, a0) / 7; tb = seriesStep(tb, b1, b0) / 7;
    tc = seriesStep(tc, c1, c0) / 7; td = seriesStep(td, d1, d0) / 7;
    ra += ta; rb += tb; rc += tc; rd += td;
    ta = seriesStep(ta, a1, a0) / 8; tb = seriesStep(tb, b1, b0) / 8;
    tc = seriesStep(tc, c1, c0) / 8; td = seriesStep(td, d1, d0) / 8;
    ra += ta; rb += tb; rc += tc; rd += td;
    ta = seriesStep(ta, a1, a0) / 9; tb = seriesStep(tb, b1, b0) / 9;
    tc = seriesStep(tc, c1, c0) / 9; td = seriesStep(td, d1, d0) / 9;
    ra += ta; rb += tb; rc += tc; rd += td;
    if ((ta | tb | tc | td) == 0) break;
    ta = seriesStep(ta, a1, a0) / 10; tb = seriesStep(tb, b1, b0) / 10;
    tc = seriesStep(tc, c1, c0) / 10; td = seriesStep(td, d1, d0) / 10;
    ra += ta; rb += tb; rc += tc; rd += td;
    ta = seriesStep(ta, a1, a0) / 11; tb = seriesStep(tb, b1, b0) / 11;
    tc = seriesStep(tc, c1, c0) / 11; td = seriesStep(td, d1, d0) / 11;
    ra += ta; rb += tb; rc += tc; rd += td;
    ta = seriesStep(ta, a1, a0) / 12; tb = seriesStep(tb, b1, b0) / 12;
    tc = seriesStep(tc, c1, c0) / 12; td = seriesStep(td, d1, d0) / 12;
    ra += ta; rb += tb; rc += tc; rd += td;
    ta = seriesStep(ta, a1, a0) / 13; tb = seriesStep(tb, b1, b0) / 13;
    tc = seriesStep(tc, c1, c0) / 13; td = seriesStep(td, d1, d0) / 13;
    ra += ta; rb += tb; rc += tc; rd += td;
    if ((ta | tb | tc | td) == 0) break;
    ta = seriesStep(ta, a1, a0) / 14; tb = seriesStep(tb, b1, b0) / 14;
    tc = seriesStep(tc, c1, c0) / 14; td = seriesStep(td, d1, d0) / 14;
    ra += ta; rb += tb; rc += tc; rd += td;
    ta = seriesStep(ta, a1, a0) / 15; tb = seriesStep(tb, b1, b0) / 15;
    tc = seriesStep(tc, c1, c0) / 15; td = seriesStep(td, d1, d0) / 15;
    ra += ta; rb += tb; rc += tc; rd += td;
    ta = seriesStep(ta, a1, a0) / 16; tb = seriesStep(tb, b1, b0) / 16;
    tc = seriesStep(tc, c1, c0) / 16; td = seriesStep(td, d1, d0) / 16;
    ra += ta; rb += tb; rc += tc; rd += td;
    ta = seriesStep(ta, a1, a0) / 17; tb = seriesStep(tb, b1, b0) / 17;
    tc = seriesStep(tc, c1, c0) / 17; td = seriesStep(td, d1, d0) / 17;
    ra += ta; rb += tb; rc += tc; rd += td;
    if ((ta | tb | tc | td) == 0) break;
    ta = seriesStep(ta, a1, a0) / 18; tb = seriesStep(tb, b1, b0) / 18;
    tc = seriesStep(tc, c1, c0) / 18; td = seriesStep(td, d1, d0) / 18;
    ra += ta; rb += tb; rc += tc; rd += td;
    ta = seriesStep(ta, a1, a0) / 19; tb = seriesStep(tb, b1, b0) / 19;
    tc = seriesStep(tc, c1, c0) / 19; td = seriesStep(td, d1, d0) / 19;
    ra += ta; rb += tb; rc += tc; rd += td;
    ta = seriesStep(ta, a1, a0) / 20; tb = seriesStep(tb, b1, b0) / 20;
    tc = seriesStep(tc, c1, c0) / 20; td = seriesStep(td, d1, d0) / 20;
    ra += ta; rb += tb; rc += tc; rd += td;
    ta = seriesStep(ta, a1, a0) / 21; tb = seriesStep(tb, b1, b0) / 21;
    tc = seriesStep(tc, c1, c0) / 21; td = seriesStep(td, d1, d0) / 21;
    ra += ta; rb += tb; rc += tc; rd += td;
    if ((ta | tb | tc | td) == 0) break;
    ta = seriesStep(ta, a1, a0) / 22; tb = seriesStep(tb, b1, b0) / 22;
    tc = seriesStep(tc, c1, c0) / 22; td = seriesStep(td, d1, d0) / 22;
    ra += ta; rb += tb; rc += tc; rd += td;
    ta = seriesStep(ta, a1, a0) / 23; tb = seriesStep(tb, b1, b0) / 23;
    tc = seriesStep(tc, c1, c0) / 23; td = seriesStep(td, d1, d0) / 23;
    ra += ta; rb += tb; rc += tc; rd += td;
    ta = seriesStep(ta, a1, a0) / 24; tb = seriesStep(tb, b1, b0) / 24;
    tc = seriesStep(tc, c1, c0) / 24; td = seriesStep(td, d1, d0) / 24;
    ra += ta; rb += tb; rc += tc; rd += td;
    ta = seriesStep(ta, a1, a0) / 25; tb = seriesStep(tb, b1, b0) / 25;
    tc = seriesStep(tc, c1, c0) / 25; td = seriesStep(td, d1, d0) / 25;
    ra += ta; rb += tb; rc += tc; rd += td;
    if ((ta | tb | tc | td) == 0) break;
    ta = seriesStep(ta, a1, a0) / 26; tb = seriesStep(tb, b1, b0) / 26;
    tc = seriesStep(tc, c1, c0) / 26; td = seriesStep(td, d1, d0) / 26;
    ra += ta; rb += tb; rc += tc; rd += td;
    ta = seriesStep(ta, a1, a0) / 27; tb = seriesStep(tb, b1, b0) / 27;
    tc = seriesStep(tc, c1, c0) / 27; td = seriesStep(td, d1, d0) / 27;
    ra += ta; rb += tb; rc += tc; rd += td;
    ta = seriesStep(ta, a1, a0) / 28; tb = seriesStep(tb, b1, b0) / 28;
    tc = seriesStep(tc, c1, c0) / 28; td = seriesStep(td, d1, d0) / 28;
    ra += ta; rb += tb; rc += tc; rd += td;
    if ((ta | tb | tc | td) == 0) break;
    ta = seriesStep(ta, a1, a0) / 29; tb = seriesStep(tb, b1, b0) / 29;
    tc = seriesStep(tc, c1, c0) / 29; td = seriesStep(td, d1, d0) / 29;
    ra += ta; rb += tb; rc += tc; rd += td;
    ta = seriesStep(ta, a1, a0) / 30; tb = seriesStep(tb, b1, b0) / 30;
    tc = seriesStep(tc, c1, c0) / 30; td = seriesStep(td, d1, d0) / 30;
    ra += ta; rb += tb; rc += tc; rd += td;
    ta = seriesStep(ta, a1, a0) / 31; tb = seriesStep(tb, b1, b0) / 31;
    tc = seriesStep(tc, c1, c0) / 31; td = seriesStep(td, d1, d0) / 31;
    ra += ta; rb += tb; rc += tc; rd += td;
  } while (false);
  series0 = ra; series1 = rb; series2 = rc; series3 = rd;
}

/** ⌊2^64 / d⌋ for d >= 2^32, i.e. `div(ONE, d)` for such d, without a 128-bit division. */
// @ts-ignore: decorator
@inline
export function oneOver(d: u64): i64 {
  let q = u64.MAX_VALUE / d;
  if ((q + 1) * d == 0) q++; // d divides 2^64
  return <i64>q;
}

/**
 * substrate-fixed `transcendental::exp` for I32F32 → I32F32: a Taylor series with
 * truncating divisions, computed on |x| and inverted for negative inputs.
 * Returns the value; sets `overflowed` where the crate returns Err.
 */
export function expFixed(x: i64): i64 {
  overflowed = false;
  if (x == 0) return ONE;
  if (x == ONE) return E_FIXED;
  const negative = x < 0;
  let op = x;
  if (negative) {
    if (x == i64.MIN_VALUE) { overflowed = true; return 0; }
    op = -x;
  }
  if (op <= EXP_MAX) {
    // No step can fail here (see expSeries); 1/result: result > 1, so it is ⌊2^64/result⌋.
    const r = expSeries(<u64>op);
    return negative ? oneOver(r) : <i64>r;
  }
  let result = cadd(op, ONE);
  if (overflowed) return 0;
  let term = op;
  for (let i: i64 = 2; i < 32; i++) {
    term = mul(term, op);
    if (overflowed) return 0;
    // Division by the integer i: (term·2^32)/(i·2^32), i.e. a truncating integer division.
    term = term / i;
    result = cadd(result, term);
    if (overflowed) return 0;
  }
  if (negative) {
    result = div(ONE, result);
    if (overflowed) return 0;
  }
  return result;
}

/** The chain's `exp_safe`: input clamped to [−20, 20]; 0 / max on a series error. */
export function expSafe(input: i64): i64 {
  let x = input;
  if (x < EXP_MIN) x = EXP_MIN;
  else if (EXP_MAX < x) x = EXP_MAX;
  const r = expFixed(x);
  if (overflowed) {
    overflowed = false;
    return x <= 0 ? 0 : i64.MAX_VALUE;
  }
  return r;
}
