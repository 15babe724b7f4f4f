// Unsigned 128-bit fixed point for the coinbase and the pool: U96F32 and U64F64 are u128
// values in substrate-fixed, and their products and quotients need 256-bit intermediates.
// A u128 travels as two u64 words (hi, lo); results come back in the globals `wHi`, `wLo`.
// Products are floored and saturate (flagging `wOver`); quotients are floored and checked.

import { divlu, hi128, lo128, umul128 } from "./fixed";

export let wHi: u64 = 0;
export let wLo: u64 = 0;
/** Set by mulShr when the result did not fit 128 bits (the value is then saturated). */
export let wOver: bool = false;

const U64_MAX: u64 = 0xffff_ffff_ffff_ffff;

// 256-bit scratch, little-endian 64-bit words: p0 lowest.
let p0: u64 = 0, p1: u64 = 0, p2: u64 = 0, p3: u64 = 0;

/** (a_hi, a_lo) × (b_hi, b_lo) → the 256-bit product in p0..p3. */
function mul256(ahi: u64, alo: u64, bhi: u64, blo: u64): void {
  umul128(alo, blo);
  p0 = lo128;
  let c1 = hi128, c2: u64 = 0, c3: u64 = 0;
  if (ahi != 0 || bhi != 0) {
    umul128(alo, bhi);
    let s = c1 + lo128;
    c2 = hi128 + (s < c1 ? 1 : 0);
    c1 = s;
    umul128(ahi, blo);
    s = c1 + lo128;
    let carry: u64 = s < c1 ? 1 : 0;
    c1 = s;
    s = c2 + hi128;
    c3 = s < c2 ? 1 : 0;
    c2 = s + carry;
    if (c2 < s) c3++;
    umul128(ahi, bhi);
    s = c2 + lo128;
    carry = s < c2 ? 1 : 0;
    c2 = s;
    c3 += hi128 + carry;
  }
  p1 = c1;
  p2 = c2;
  p3 = c3;
}

/**
 * ⌊a·b / 2^shift⌋ for shift in 0..=128 (32 for U96F32, 64 for U64F64): the fixed-point
 * product, rounded toward −∞ as substrate-fixed does for unsigned values, saturated at
 * 2^128 − 1 (`saturating_mul`; `wOver` says it saturated).
 */
export function mulShr(ahi: u64, alo: u64, bhi: u64, blo: u64, shift: u32): void {
  mul256(ahi, alo, bhi, blo);
  let r0: u64, r1: u64, r2: u64, r3: u64;
  if (shift >= 128) {
    r0 = p2; r1 = p3; r2 = 0; r3 = 0;
    shift -= 128;
  } else if (shift >= 64) {
    r0 = p1; r1 = p2; r2 = p3; r3 = 0;
    shift -= 64;
  } else {
    r0 = p0; r1 = p1; r2 = p2; r3 = p3;
  }
  if (shift != 0) {
    const s = <u64>shift, t = <u64>(64 - shift);
    r0 = (r0 >> s) | (r1 << t);
    r1 = (r1 >> s) | (r2 << t);
    r2 = (r2 >> s) | (r3 << t);
    r3 = r3 >> s;
  }
  if (r2 != 0 || r3 != 0) {
    wHi = U64_MAX;
    wLo = U64_MAX;
    wOver = true;
  } else {
    wHi = r1;
    wLo = r0;
    wOver = false;
  }
}

// Knuth's algorithm D on 32-bit digits for the general case (a divisor of more than 64 bits).
const un = new StaticArray<u32>(10);
const vn = new StaticArray<u32>(4);
const qn = new StaticArray<u32>(9);
const dd = new StaticArray<u32>(4);
const nd = new StaticArray<u32>(8);

function divKnuth(n3: u64, n2: u64, n1: u64, n0: u64, dhi: u64, dlo: u64): bool {
  // Divisor digits, normalised so that the top digit has its high bit set.
  const d = dd;
  unchecked(d[0] = <u32>dlo);
  unchecked(d[1] = <u32>(dlo >> 32));
  unchecked(d[2] = <u32>dhi);
  unchecked(d[3] = <u32>(dhi >> 32));
  let m = 4;
  while (m > 0 && unchecked(d[m - 1]) == 0) m--;
  const s = clz<u32>(unchecked(d[m - 1]));
  for (let i = m - 1; i > 0; i--) {
    unchecked(vn[i] = s == 0 ? unchecked(d[i]) : (unchecked(d[i]) << s) | (unchecked(d[i - 1]) >> (32 - s)));
  }
  unchecked(vn[0] = unchecked(d[0]) << s);
  unchecked(nd[0] = <u32>n0);
  unchecked(nd[1] = <u32>(n0 >> 32));
  unchecked(nd[2] = <u32>n1);
  unchecked(nd[3] = <u32>(n1 >> 32));
  unchecked(nd[4] = <u32>n2);
  unchecked(nd[5] = <u32>(n2 >> 32));
  unchecked(nd[6] = <u32>n3);
  unchecked(nd[7] = <u32>(n3 >> 32));
  const n = 8;
  unchecked(un[n] = s == 0 ? 0 : unchecked(nd[n - 1]) >> (32 - s));
  for (let i = n - 1; i > 0; i--) {
    unchecked(un[i] = s == 0 ? unchecked(nd[i]) : (unchecked(nd[i]) << s) | (unchecked(nd[i - 1]) >> (32 - s)));
  }
  unchecked(un[0] = unchecked(nd[0]) << s);
  for (let i = 0; i < 9; i++) unchecked(qn[i] = 0);
  const b: u64 = 1 << 32;
  const vtop = <u64>unchecked(vn[m - 1]), vnext = <u64>unchecked(vn[m - 2]);
  for (let j = n - m; j >= 0; j--) {
    const num = (<u64>unchecked(un[j + m]) << 32) | <u64>unchecked(un[j + m - 1]);
    let qhat = num / vtop;
    let rhat = num - qhat * vtop;
    while (qhat >= b || qhat * vnext > ((rhat << 32) | <u64>unchecked(un[j + m - 2]))) {
      qhat--;
      rhat += vtop;
      if (rhat >= b) break;
    }
    // Multiply and subtract.
    let borrow: i64 = 0;
    let carry: u64 = 0;
    for (let i = 0; i < m; i++) {
      const p = qhat * <u64>unchecked(vn[i]) + carry;
      carry = p >> 32;
      const t = <i64>unchecked(un[i + j]) - borrow - <i64>(p & 0xffff_ffff);
      unchecked(un[i + j] = <u32>t);
      borrow = t < 0 ? 1 : 0;
    }
    const t = <i64>unchecked(un[j + m]) - borrow - <i64>carry;
    unchecked(un[j + m] = <u32>t);
    if (t < 0) {
      // Add back: qhat was one too large.
      qhat--;
      let c: u64 = 0;
      for (let i = 0; i < m; i++) {
        const sum = <u64>unchecked(un[i + j]) + <u64>unchecked(vn[i]) + c;
        unchecked(un[i + j] = <u32>sum);
        c = sum >> 32;
      }
      unchecked(un[j + m] = <u32>(<u64>unchecked(un[j + m]) + c));
    }
    unchecked(qn[j] = <u32>qhat);
  }
  // The quotient has at most 8 − m + 1 ≤ 6 digits; it must fit 128 bits.
  for (let i = 4; i < 9; i++) if (unchecked(qn[i]) != 0) return false;
  wLo = <u64>unchecked(qn[0]) | (<u64>unchecked(qn[1]) << 32);
  wHi = <u64>unchecked(qn[2]) | (<u64>unchecked(qn[3]) << 32);
  return true;
}

/**
 * ⌊a·2^shift / b⌋ for shift in 0..=128: the fixed-point quotient (`checked_div`).
 * Returns false, with (wHi, wLo) = 0, on a zero divisor or a quotient of 2^128 or more
 * (where the crate returns None); `safe_div` callers use the 0.
 */
export function divShl(ahi: u64, alo: u64, bhi: u64, blo: u64, shift: u32): bool {
  wHi = 0;
  wLo = 0;
  if (bhi == 0 && blo == 0) return false;
  // Numerator a << shift as four 64-bit words n3..n0.
  let n0 = alo, n1 = ahi, n2: u64 = 0, n3: u64 = 0;
  if (shift >= 128) {
    n2 = n0; n3 = n1; n0 = 0; n1 = 0;
    shift -= 128;
  } else if (shift >= 64) {
    n2 = n1; n1 = n0; n0 = 0;
    shift -= 64;
  }
  if (shift != 0) {
    const s = <u64>shift, t = <u64>(64 - shift);
    n3 = (n3 << s) | (n2 >> t);
    n2 = (n2 << s) | (n1 >> t);
    n1 = (n1 << s) | (n0 >> t);
    n0 = n0 << s;
  }
  return divWide(n3, n2, n1, n0, bhi, blo);
}

/** Saturating u128 addition. */
export function addSat(ahi: u64, alo: u64, bhi: u64, blo: u64): void {
  const lo = alo + blo;
  const c: u64 = lo < alo ? 1 : 0;
  const hi1 = ahi + bhi;
  const hi = hi1 + c;
  if (hi1 < ahi || hi < hi1) {
    wHi = U64_MAX;
    wLo = U64_MAX;
  } else {
    wHi = hi;
    wLo = lo;
  }
}

/** Saturating u128 subtraction (0 when b > a). */
export function subSat(ahi: u64, alo: u64, bhi: u64, blo: u64): void {
  if (bhi > ahi || (bhi == ahi && blo > alo)) {
    wHi = 0;
    wLo = 0;
    return;
  }
  wLo = alo - blo;
  wHi = ahi - bhi - (blo > alo ? 1 : 0);
}

/** a < b as u128. */
// @ts-ignore: decorator
@inline
export function lt128(ahi: u64, alo: u64, bhi: u64, blo: u64): bool {
  return ahi < bhi || (ahi == bhi && alo < blo);
}

/** `saturating_to_num::<u64>()` of a fixed value with `frac` fraction bits (floor, clamp). */
export function toU64(hi: u64, lo: u64, frac: u32): u64 {
  if (frac == 0) return hi != 0 ? U64_MAX : lo;
  if (frac == 64) return hi;
  const intHi = hi >> <u64>frac;
  if (intHi != 0) return U64_MAX;
  return (lo >> <u64>frac) | (hi << <u64>(64 - frac));
}

/** The full 256-bit product a·b into the exported words x3..x0 (x0 lowest). */
export let x0: u64 = 0, x1: u64 = 0, x2: u64 = 0, x3: u64 = 0;
export function mulFull(ahi: u64, alo: u64, bhi: u64, blo: u64): void {
  mul256(ahi, alo, bhi, blo);
  x0 = p0;
  x1 = p1;
  x2 = p2;
  x3 = p3;
}

/** ⌊(n3:n2:n1:n0) / (dhi:dlo)⌋ into (wHi, wLo); false (and 0) on a zero divisor or a quotient
 *  of 2^128 or more. */
export function divWide(n3: u64, n2: u64, n1: u64, n0: u64, dhi: u64, dlo: u64): bool {
  wHi = 0;
  wLo = 0;
  if (dhi == 0 && dlo == 0) return false;
  if (dhi == 0) {
    // One-word divisor: schoolbook long division by 64-bit words. The quotient fits 128
    // bits only if the top two words are below the divisor's reach.
    if (n3 != 0 || n2 >= dlo) return false;
    const q1 = divlu(n2, n1, dlo);
    const q0 = divlu(lo128, n0, dlo);
    wHi = q1;
    wLo = q0;
    return true;
  }
  return divKnuth(n3, n2, n1, n0, dhi, dlo);
}
