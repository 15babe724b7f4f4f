// safe-bigmath `SafeInt::pow_ratio_scaled(bn, bd, en, ed, precision, scale)`: ⌊(bn/bd)^(en/ed)·scale⌋
// as the swap pallet computes it (balancer.rs `exp_scaled`, `calculate_*_delta_in`), bit for
// bit: an integer root when the reduced exponent is small, else log/exp Taylor series at
// `precision` + 24 guard bits with the library's floors, guard rounding and stopping rules
// (the BigInt transcription is test/reference/swap.ts `powRatioScaled`).
//
// The series needs ~300-bit (precision 256) or ~1050-bit (precision 1024) signed integers:
// `Big` is a fixed-capacity sign-magnitude integer on 64-bit limbs, and the registers below
// are allocated once (the runtime never frees). A fast path (`powFast`) gets the same floor
// from 112-bit fixed point when the true value is provably not near an integer boundary.

import { divlu, hi128, lo128, umul128 } from "./fixed";
import { addSat, divShl, mulShr, subSat, wHi, wLo, wOver } from "./wide";

const CAP = 40; // limbs: products of two 1048-bit numbers (precision 1024) fit

class Big {
  neg: bool = false;
  len: i32 = 0; // limbs in use; 0 for zero
  d: StaticArray<u64> = new StaticArray<u64>(CAP);
}

function setU128(r: Big, hi: u64, lo: u64): void {
  unchecked(r.d[0] = lo);
  unchecked(r.d[1] = hi);
  r.len = hi != 0 ? 2 : lo != 0 ? 1 : 0;
  r.neg = false;
}

function copy(r: Big, a: Big): void {
  for (let i = 0; i < a.len; i++) unchecked(r.d[i] = unchecked(a.d[i]));
  r.len = a.len;
  r.neg = a.neg;
}

function trim(r: Big): void {
  while (r.len > 0 && unchecked(r.d[r.len - 1]) == 0) r.len--;
  if (r.len == 0) r.neg = false;
}

function cmpMag(a: Big, b: Big): i32 {
  if (a.len != b.len) return a.len < b.len ? -1 : 1;
  for (let i = a.len - 1; i >= 0; i--) {
    const x = unchecked(a.d[i]), y = unchecked(b.d[i]);
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}

function equal(a: Big, b: Big): bool {
  return a.neg == b.neg && cmpMag(a, b) == 0;
}

/** |r| = |a| + |b| (r may alias a). */
function addMag(r: Big, a: Big, b: Big): void {
  const n = a.len > b.len ? a.len : b.len;
  let c: u64 = 0;
  for (let i = 0; i < n; i++) {
    const x: u64 = i < a.len ? unchecked(a.d[i]) : 0, y: u64 = i < b.len ? unchecked(b.d[i]) : 0;
    const s = x + y;
    const s2 = s + c;
    c = (s < x ? 1 : 0) + (s2 < s ? 1 : 0);
    unchecked(r.d[i] = s2);
  }
  r.len = n;
  if (c != 0) {
    unchecked(r.d[n] = c);
    r.len = n + 1;
  }
}

/** |r| = |a| − |b| for |a| ≥ |b| (r may alias a). */
function subMag(r: Big, a: Big, b: Big): void {
  let br: u64 = 0;
  for (let i = 0; i < a.len; i++) {
    const x = unchecked(a.d[i]), y: u64 = i < b.len ? unchecked(b.d[i]) : 0;
    const s = x - y;
    const s2 = s - br;
    br = (x < y ? 1 : 0) + (s < br ? 1 : 0);
    unchecked(r.d[i] = s2);
  }
  r.len = a.len;
  trim(r);
}

const tmpAdd = new Big();

/** r = a + (negate ? −b : b), signed (r may alias a, not b). */
function addSigned(r: Big, a: Big, b: Big, negate: bool): void {
  const bneg = b.len == 0 ? false : negate ? !b.neg : b.neg;
  if (a.neg == bneg) {
    const s = a.neg;
    addMag(r, a, b);
    r.neg = s;
  } else if (cmpMag(a, b) >= 0) {
    const s = a.neg;
    subMag(r, a, b);
    r.neg = r.len == 0 ? false : s;
  } else {
    copy(tmpAdd, a);
    subMag(r, b, tmpAdd);
    r.neg = r.len == 0 ? false : bneg;
  }
}

/** r = a·b (r must not alias a or b). */
function mul(r: Big, a: Big, b: Big): void {
  if (a.len == 0 || b.len == 0) {
    r.len = 0;
    r.neg = false;
    return;
  }
  const n = a.len + b.len;
  for (let i = 0; i < n; i++) unchecked(r.d[i] = 0);
  for (let i = 0; i < a.len; i++) {
    const x = unchecked(a.d[i]);
    if (x == 0) continue;
    let c: u64 = 0;
    for (let j = 0; j < b.len; j++) {
      umul128(x, unchecked(b.d[j]));
      let lo = lo128, hi = hi128;
      const t = unchecked(r.d[i + j]);
      lo += t;
      if (lo < t) hi++;
      lo += c;
      if (lo < c) hi++;
      unchecked(r.d[i + j] = lo);
      c = hi;
    }
    unchecked(r.d[i + b.len] = c);
  }
  r.len = n;
  r.neg = a.neg != b.neg;
  trim(r);
}

/** r = a·m for a small m (r may alias a). */
function mulSmall(r: Big, a: Big, m: u64): void {
  let c: u64 = 0;
  for (let i = 0; i < a.len; i++) {
    umul128(unchecked(a.d[i]), m);
    let lo = lo128 + c;
    const hi = hi128 + (lo < c ? 1 : 0);
    unchecked(r.d[i] = lo);
    c = hi;
  }
  r.len = a.len;
  r.neg = a.neg;
  if (c != 0) unchecked(r.d[r.len++] = c);
  trim(r);
}

/** |a| >> k into r, returning whether any 1 bits were dropped (r may alias a). */
function shrMag(r: Big, a: Big, k: i32): bool {
  const w = k >> 6, b = k & 63;
  let lost = false;
  for (let i = 0; i < w && i < a.len; i++) if (unchecked(a.d[i]) != 0) lost = true;
  if (b != 0 && w < a.len && (unchecked(a.d[w]) << <u64>(64 - b)) != 0) lost = true;
  const n = a.len - w;
  if (n <= 0) {
    r.len = 0;
    r.neg = false;
    return lost;
  }
  for (let i = 0; i < n; i++) {
    let v = unchecked(a.d[i + w]) >> <u64>b;
    if (b != 0 && i + w + 1 < a.len) v |= unchecked(a.d[i + w + 1]) << <u64>(64 - b);
    unchecked(r.d[i] = v);
  }
  r.len = n;
  r.neg = a.neg;
  trim(r);
  return lost;
}

/** ⌊a / 2^k⌋ toward −∞ (num-bigint `div_floor` by a power of two); r may alias a. */
function shrFloor(r: Big, a: Big, k: i32): void {
  const neg = a.neg;
  const lost = shrMag(r, a, k);
  if (neg && lost) {
    // −⌈|a|/2^k⌉ = −(⌊|a|/2^k⌋ + 1)
    incMag(r);
    r.neg = true;
  }
}

function incMag(r: Big): void {
  let i = 0;
  while (i < r.len) {
    const v = unchecked(r.d[i]) + 1;
    unchecked(r.d[i] = v);
    if (v != 0) return;
    i++;
  }
  unchecked(r.d[r.len++] = 1);
}

/** r = a << k (magnitude; sign kept). r must not alias a. */
function shl(r: Big, a: Big, k: i32): void {
  const w = k >> 6, b = k & 63;
  for (let i = 0; i < w; i++) unchecked(r.d[i] = 0);
  let carry: u64 = 0;
  for (let i = 0; i < a.len; i++) {
    const v = unchecked(a.d[i]);
    unchecked(r.d[i + w] = b == 0 ? v : (v << <u64>b) | carry);
    carry = b == 0 ? 0 : v >> <u64>(64 - b);
  }
  r.len = a.len + w;
  if (carry != 0) unchecked(r.d[r.len++] = carry);
  r.neg = a.neg;
  trim(r);
}

/** ⌊a / d⌋ toward −∞ for d > 0 (r may alias a). */
function divSmallFloor(r: Big, a: Big, d: u64): void {
  let rem: u64 = 0;
  for (let i = a.len - 1; i >= 0; i--) {
    const q = divlu(rem, unchecked(a.d[i]), d);
    rem = lo128;
    unchecked(r.d[i] = q);
  }
  r.len = a.len;
  r.neg = a.neg;
  trim(r);
  if (a.neg && rem != 0) {
    incMag(r);
    r.neg = true;
  }
}

function bitLength(a: Big): i32 {
  if (a.len == 0) return 0;
  return (a.len << 6) - <i32>clz(unchecked(a.d[a.len - 1]));
}

const GUARD = 24;

/** safe-bigmath `round_to_precision`: drop the guard bits, rounding half away from zero. */
function roundGuard(r: Big, v: Big): void {
  const half = v.len > 0 && ((unchecked(v.d[0]) >> <u64>(GUARD - 1)) & 1) != 0;
  const neg = v.neg;
  shrMag(r, v, GUARD);
  if (half) incMag(r);
  r.neg = r.len == 0 ? false : neg;
}

// Registers of the series.
const term = new Big(), res = new Big(), prev = new Big(), rnd = new Big(), prod = new Big(), nxt = new Big();
const xv = new Big(), lnA = new Big(), lnB = new Big(), tmp = new Big(), m = new Big(), one = new Big();
const ln2A = new Big(), ln2B = new Big(); // allocated at start-up: nothing managed is allocated later
let ln2Bits0: i32 = -1, ln2Bits1: i32 = -1;

/** The magnitude of a Big compared with the guard scale 2^24. */
function belowGuard(a: Big): bool {
  return a.len == 0 || (a.len == 1 && unchecked(a.d[0]) < (<u64>1 << GUARD));
}

/** Taylor series of ln(1 + x) at fixed point 2^p into out (x is in xv). */
function ln1pFixed(out: Big, p: i32, maxIters: i32): void {
  copy(term, xv);
  copy(res, xv);
  roundGuard(prev, res);
  for (let n = 2; n <= maxIters; n++) {
    mul(prod, term, xv);
    shrFloor(term, prod, p);
    if (term.len == 0) break;
    divSmallFloor(nxt, term, <u64>n);
    if (nxt.len == 0) break;
    addSigned(res, res, nxt, (n & 1) == 0);
    roundGuard(rnd, res);
    if (belowGuard(nxt) || equal(rnd, prev)) break;
    copy(prev, rnd);
  }
  copy(out, res);
}

/** Taylor series of exp(x) at fixed point 2^p into out (x is in xv). */
function expFixed(out: Big, p: i32, maxIters: i32): void {
  setU128(term, 0, 0);
  shl(term, one, p);
  copy(res, term);
  roundGuard(prev, res);
  for (let n = 1; n <= maxIters; n++) {
    mul(prod, term, xv);
    shrFloor(prod, prod, p);
    divSmallFloor(term, prod, <u64>n);
    if (term.len == 0) break;
    addSigned(res, res, term, false);
    roundGuard(rnd, res);
    if (belowGuard(term) || equal(rnd, prev)) break;
    copy(prev, rnd);
  }
  copy(out, res);
}

/** ln 2 at fixed point 2^p (−ln(1 − 1/2)), cached for the two precisions in use. */
function ln2At(p: i32, maxIters: i32): Big {
  if (p == ln2Bits0) return ln2A;
  if (p == ln2Bits1) return ln2B;
  const slot = ln2Bits0 < 0 ? 0 : 1;
  const b = slot == 0 ? ln2A : ln2B;
  shl(tmp, one, p - 1);
  copy(xv, tmp);
  xv.neg = true;
  ln1pFixed(b, p, maxIters);
  b.neg = !b.neg;
  if (b.len == 0) b.neg = false;
  if (slot == 0) ln2Bits0 = p;
  else ln2Bits1 = p;
  return b;
}

/** ln of a positive integer (hi, lo) at fixed point 2^p into out: mantissa in [0.5, 1.5). */
function lnInteger(out: Big, hi: u64, lo: u64, p: i32, maxIters: i32): void {
  setU128(tmp, hi, lo);
  if (tmp.len == 0) {
    out.len = 0;
    out.neg = false;
    return;
  }
  let shift = bitLength(tmp) - 1;
  shl(m, tmp, p);
  shrMag(m, m, shift);
  // m ≥ 1.5·2^p → halve once more.
  shl(tmp, one, p);
  mulSmall(prod, tmp, 3);
  shrMag(prod, prod, 1);
  if (cmpMag(m, prod) >= 0) {
    shrMag(m, m, 1);
    shift++;
  }
  copy(xv, m);
  addSigned(xv, xv, tmp, true); // m − 2^p
  ln1pFixed(out, p, maxIters);
  const l2 = ln2At(p, maxIters);
  mulSmall(tmp, l2, <u64>shift);
  addSigned(out, out, tmp, false);
}

export let powNone: bool = false; // the library returned None
export let powWide: bool = false; // the result does not fit a u64 (callers treat it as 0 / saturate)
export let powSeriesCalls: u64 = 0; // calls that ran the full series (for tests and the bench)
export let fastOk: bool = false; // the last call's answer came from the fast path

function gcd(a: u64, b: u64): u64 {
  while (b != 0) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}

const SCALE: u64 = 1_000_000_000_000_000_000;

/**
 * pow_ratio_scaled(bn, bd, en, ed, precision, 10^18) for bn, bd up to 128 bits (U64F64 prices
 * in the limit path) and en, ed ≤ 10^18. Returns the u64 result; `powNone` / `powWide` say
 * when the library gives None or a value ≥ 2^64.
 */
export function powRatioScaled(bnHi: u64, bnLo: u64, bdHi: u64, bdLo: u64, en: u64, ed: u64, precision: i32): u64 {
  powNone = false;
  powWide = false;
  fastOk = false; // a flag per call: the exact-root and None paths never reach powFast
  if ((bdHi == 0 && bdLo == 0) || ed == 0) {
    powNone = true;
    return 0;
  }
  if (bnHi == 0 && bnLo == 0) return 0;
  if (en == 0) return SCALE;
  const g = gcd(en, ed);
  if (g > 1) {
    en /= g;
    ed /= g;
  }
  if (en <= 1024 && ed <= 1024) return exactRoot(bnHi, bnLo, bdHi, bdLo, en, ed);
  const fast = powFast(bnHi, bnLo, bdHi, bdLo, en, ed);
  if (fastOk) return fast;
  return powSeries(bnHi, bnLo, bdHi, bdLo, en, ed, precision);
}

/** The series path, always (exported for the differential tests of the fast path). */
export function powSeries(bnHi: u64, bnLo: u64, bdHi: u64, bdLo: u64, en: u64, ed: u64, precision: i32): u64 {
  powSeriesCalls++;
  powNone = false;
  powWide = false;
  fastOk = false;
  setU128(one, 0, 1);
  const requested = max(max(precision, 32), 60 + 8); // bits(10^18) = 60
  const p = requested + GUARD;
  const maxIters = min(4096, p + 128);
  lnInteger(lnA, bnHi, bnLo, p, maxIters);
  lnInteger(lnB, bdHi, bdLo, p, maxIters);
  addSigned(lnA, lnA, lnB, true);
  // ⌊lnBase·en / ed⌋ toward −∞ (ed may exceed 32 bits: long division by a u64 word).
  mulSmall(tmp, lnA, en);
  divSmallFloor(xv, tmp, ed);
  expFixed(res, p, maxIters);
  roundGuard(rnd, res);
  // ⌊e·10^18 / 2^requested⌋ (e > 0).
  mulSmall(prod, rnd, SCALE);
  shrFloor(prod, prod, requested);
  if (prod.len > 1) {
    powWide = true;
    return 0xffff_ffff_ffff_ffff;
  }
  return prod.len == 0 ? 0 : unchecked(prod.d[0]);
}

// ---- the exact path: ⌊(bn/bd)^(en/ed)·10^18⌋ = largest r with r^ed·bd^en ≤ bn^en·10^(18·ed)

const rootNum = new Big(), rootDen = new Big(), rootTry = new Big(), rootPow = new Big(), rootT = new Big();

function powBig(r: Big, base: Big, e: u64): void {
  setU128(r, 0, 1);
  for (let i: u64 = 0; i < e; i++) {
    mul(rootT, r, base);
    copy(r, rootT);
  }
}

function exactRoot(bnHi: u64, bnLo: u64, bdHi: u64, bdLo: u64, en: u64, ed: u64): u64 {
  if (en == 1 && ed == 1) {
    // ⌊bn·10^18 / bd⌋ when the product fits 128 bits (always, for u64 reserves).
    mulShr(bnHi, bnLo, 0, SCALE, 0);
    if (!wOver) {
      if (!divShl(wHi, wLo, bdHi, bdLo, 0) || wHi != 0) {
        powWide = true;
        return 0xffff_ffff_ffff_ffff;
      }
      return wLo;
    }
  }
  // Small ratios other than 1: bounded by the capacity (bn^en·10^(18·ed) within CAP limbs).
  if ((en + ed) * 128 > <u64>(CAP * 64) - 128) abort("pow_ratio_scaled: exponent ratio beyond the supported range");
  setU128(tmp, bnHi, bnLo);
  powBig(rootNum, tmp, en);
  setU128(tmp, 0, SCALE);
  powBig(rootPow, tmp, ed);
  mul(rootT, rootNum, rootPow);
  copy(rootNum, rootT);
  setU128(tmp, bdHi, bdLo);
  powBig(rootDen, tmp, en);
  // Binary search on r (at most 64 bits: a larger result is reported as wide).
  let lo: u64 = 0, hi: u64 = 0xffff_ffff_ffff_ffff;
  if (rootOk(hi, ed)) {
    powWide = true;
    return hi;
  }
  while (lo < hi) {
    const mid = lo + ((hi - lo) >> 1) + 1;
    if (rootOk(mid, ed)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function rootOk(r: u64, ed: u64): bool {
  setU128(rootTry, 0, r);
  powBig(rootPow, rootTry, ed);
  mul(rootT, rootPow, rootDen);
  return cmpMag(rootT, rootNum) <= 0;
}

// ---- the fast path: the same floor from 112-bit fixed point, when it is certain

const F: u32 = 112;

/**
 * (bn/bd)^(en/ed)·10^18 in fixed point with 2^−112 resolution: ln(1 + y) for y = (bn − bd)/bd,
 * |y| ≤ 1/16 (a trade small against its reserve), times en/ed, then exp by 2^−4 range reduction
 * and four squarings. The error stays below 2^−30 of a unit of the result; `fastOk` is set
 * only when the fractional part is farther than 2^−20 from an integer, so the floor equals the
 * exact floor of the real value — which the 280-bit series gives as well (its own error is
 * below 2^−200 relative). Otherwise the series runs.
 */
function powFast(bnHi: u64, bnLo: u64, bdHi: u64, bdLo: u64, en: u64, ed: u64): u64 {
  fastOk = false;
  if (bnHi != 0 || bdHi != 0) return 0;
  const bn = bnLo, bd = bdLo;
  const yNeg = bn < bd;
  const diff = yNeg ? bd - bn : bn - bd;
  // |y| ≤ 1/16 ⇔ 16·diff ≤ bd.
  if (diff == 0 || diff > (bd >> 4)) return 0;
  // |y| at 2^−112: ⌊diff·2^112 / bd⌋.
  if (!divShl(0, diff, 0, bd, F)) return 0;
  const yHi = wHi, yLo = wLo;
  // ln(1+y) = y − y²/2 + y³/3 …: positive and negative sums kept apart.
  let posHi: u64 = 0, posLo: u64 = 0, negHi: u64 = 0, negLo: u64 = 0;
  let pHi = yHi, pLo = yLo;
  for (let k: u64 = 1; k < 80; k++) {
    let tHi = pHi, tLo = pLo;
    if (k > 1) {
      // t = p / k (two-word by one-word division)
      tHi = pHi / k;
      tLo = divlu(pHi % k, pLo, k);
    }
    // sign of the term: y^k/k·(−1)^(k+1); with y < 0 every term is negative.
    const negative = yNeg || (k & 1) == 0;
    if (negative) {
      addSat(negHi, negLo, tHi, tLo);
      negHi = wHi;
      negLo = wLo;
    } else {
      addSat(posHi, posLo, tHi, tLo);
      posHi = wHi;
      posLo = wLo;
    }
    mulShr(pHi, pLo, yHi, yLo, F);
    pHi = wHi;
    pLo = wLo;
    if (pHi == 0 && pLo == 0) break;
  }
  const lnNeg = posHi < negHi || (posHi == negHi && posLo < negLo);
  if (lnNeg) subSat(negHi, negLo, posHi, posLo);
  else subSat(posHi, posLo, negHi, negLo);
  const lHi = wHi, lLo = wLo;
  // q = en/ed at 2^−112 (≤ 99 → < 2^119).
  if (!divShl(0, en, 0, ed, F)) return 0;
  mulShr(lHi, lLo, wHi, wLo, F);
  // z/16, then exp by Taylor (|z/16| < 0.42) and four squarings.
  const zHi = wHi >> 4, zLo = (wLo >> 4) | (wHi << 60);
  const oneHi: u64 = <u64>1 << (F - 64), oneLo: u64 = 0;
  let eHi = oneHi, eLo = oneLo, tHi = oneHi, tLo = oneLo;
  for (let k: u64 = 1; k < 40; k++) {
    mulShr(tHi, tLo, zHi, zLo, F);
    tLo = divlu(wHi % k, wLo, k);
    tHi = wHi / k;
    if (tHi == 0 && tLo == 0) break;
    addSat(eHi, eLo, tHi, tLo);
    eHi = wHi;
    eLo = wLo;
  }
  for (let s = 0; s < 4; s++) {
    mulShr(eHi, eLo, eHi, eLo, F);
    eHi = wHi;
    eLo = wLo;
  }
  // value·2^24: ⌊e·10^18 / 2^(112 − 24)⌋
  let vHi: u64, vLo: u64;
  if (lnNeg) {
    // 1/e at 2^−112 = ⌊2^224 / E⌋: ⌊2^112·2^112/E⌋ — as divShl(2^112, E, 112)
    divShl(oneHi, oneLo, eHi, eLo, F);
    eHi = wHi;
    eLo = wLo;
  }
  mulShr(eHi, eLo, 0, SCALE, F - 24);
  if (wOver) return 0;
  vHi = wHi;
  vLo = wLo;
  const frac = vLo & 0xff_ffff;
  if (frac < 16 || frac > 0xff_ffff - 16) return 0;
  const r = (vLo >> 24) | (vHi << 40);
  if ((vHi >> 24) != 0) return 0; // ≥ 2^64: let the series say so
  fastOk = true;
  return r;
}
