// The TAO-flow share rule (subtensor @14bc6f9f9 `coinbase/subnet_emissions.rs`
// `get_shares_flow`, the rule from late 2025 to June 2026, still in the source): per subnet
// EMAs of user and protocol TAO flows (I64F64), net flow = user − min(Σuser⁺/Σprotocol⁺, 1)·
// protocol⁺, offsets above the lower limit (0 with the default cutoff), then
// `inplace_pow_normalize` with exponent 1: scale to max 1, a `checked_sqrt` factor, and
// safe_pow = exp(1·ln(·)) in I32F32 — so the shares are ∝ the offsets only up to I32F32
// rounding. The BigInt oracle is test/reference/coinbase.ts (`updateEmaFlow`, `flowOffsets`,
// `inplacePowNormalize`, `getSharesFlow`).

import { expFixed, hi128, lo128, overflowed, udiv128, umul128 } from "./fixed";
import { addSat, divShl, lt128, mulFull, mulShr, subSat, wHi, wLo, x0, x1 } from "./wide";

const I128_MAX_HI: u64 = 0x7fff_ffff_ffff_ffff;
const ONE32: i64 = 1 << 32;

// ---- signed 128-bit values (two's complement in (hi, lo)); results in (sHi, sLo)
let sHi: u64 = 0, sLo: u64 = 0;

// @ts-ignore: decorator
@inline function isNeg(hi: u64): bool {
  return <i64>hi < 0;
}

function negate(hi: u64, lo: u64): void {
  sLo = ~lo + 1;
  sHi = ~hi + (sLo == 0 ? 1 : 0);
}

/** Saturating i128 addition. */
function addS(ahi: u64, alo: u64, bhi: u64, blo: u64): void {
  const lo = alo + blo;
  const hi = ahi + bhi + (lo < alo ? 1 : 0);
  // Overflow iff a and b have the same sign and the sum's sign differs.
  if (isNeg(ahi) == isNeg(bhi) && isNeg(hi) != isNeg(ahi)) {
    if (isNeg(ahi)) { sHi = 0x8000_0000_0000_0000; sLo = 0; } else { sHi = I128_MAX_HI; sLo = 0xffff_ffff_ffff_ffff; }
    return;
  }
  sHi = hi;
  sLo = lo;
}

/** Saturating i128 subtraction. */
function subS(ahi: u64, alo: u64, bhi: u64, blo: u64): void {
  if (bhi == 0x8000_0000_0000_0000 && blo == 0) {
    // −MIN overflows: a − MIN saturates unless a is negative.
    if (isNeg(ahi)) { addS(ahi, alo, I128_MAX_HI, 0xffff_ffff_ffff_ffff); addS(sHi, sLo, 0, 1); } else { sHi = I128_MAX_HI; sLo = 0xffff_ffff_ffff_ffff; }
    return;
  }
  negate(bhi, blo);
  addS(ahi, alo, sHi, sLo);
}

/** I64F64 saturating product: ⌊a·b / 2^64⌋ toward −∞. */
function mulS(ahi: u64, alo: u64, bhi: u64, blo: u64): void {
  const an = isNeg(ahi), bn = isNeg(bhi);
  let mahi = ahi, malo = alo, mbhi = bhi, mblo = blo;
  if (an) { negate(ahi, alo); mahi = sHi; malo = sLo; }
  if (bn) { negate(bhi, blo); mbhi = sHi; mblo = sLo; }
  mulFull(mahi, malo, mbhi, mblo);
  const inexact = x0 != 0;
  mulShr(mahi, malo, mbhi, mblo, 64);
  let mHi = wHi, mLo = wLo;
  const negative = an != bn && (mHi != 0 || mLo != 0 || inexact);
  if (negative) {
    if (inexact) {
      mLo++;
      if (mLo == 0) mHi++;
    }
    if (mHi > 0x8000_0000_0000_0000 || (mHi == 0x8000_0000_0000_0000 && mLo != 0)) { sHi = 0x8000_0000_0000_0000; sLo = 0; return; }
    negate(mHi, mLo);
    return;
  }
  if (mHi > I128_MAX_HI) { sHi = I128_MAX_HI; sLo = 0xffff_ffff_ffff_ffff; return; }
  sHi = mHi;
  sLo = mLo;
}

/** `get_ema_flow` / `update_ema_protocol_flow`: ema' = (1 − f)·ema + f·flow, I64F64. */
export let flowHi: u64 = 0, flowLo: u64 = 0;
export function updateEmaFlow(emaHi: u64, emaLo: u64, blockFlow: i64, smoothing: u64): void {
  // f = smoothing / i64::MAX, both positive I64F64: ⌊smoothing·2^64 / (2^63 − 1)⌋.
  divShl(0, smoothing, 0, 0x7fff_ffff_ffff_ffff, 64);
  const fHi = wHi, fLo = wLo;
  subSat(1, 0, fHi, fLo); // 1 − f (positive)
  mulS(wHi, wLo, emaHi, emaLo);
  const aHi = sHi, aLo = sLo;
  mulS(fHi, fLo, <u64>blockFlow, 0); // flow as I64F64: flow·2^64 (hi word = flow, sign-extended)
  addS(aHi, aLo, sHi, sLo);
  flowHi = sHi;
  flowLo = sLo;
}

// ---- I32F32 log2 / ln / safe_pow (substrate-fixed transcendental, as the oracle transcribes it)

const LOG2_E_I32F32: u64 = 6196327936; // (LOG2_E U1F127 0xb8aa3b… >> 104) << 9: 23 fraction bits widened

function log2Inner(x: u64): i64 {
  const two: u64 = 2 << 32;
  let result: i64 = 0;
  while (x >= two) {
    result++;
    x = (x >> 1) + (x & 1);
  }
  if (x == <u64>ONE32) return result << 32;
  for (let i = 0; i < 32; i++) {
    umul128(x, x);
    x = (hi128 << 32) | (lo128 >> 32);
    result <<= 1;
    if (x >= two) {
      result |= 1;
      x = (x >> 1) + (x & 1);
    }
  }
  return result;
}

let lnFailed = false;

/** `ln` of an I32F32 (lnFailed for x ≤ 0 or when 1/x overflows). */
function lnI32F32(x: i64): i64 {
  lnFailed = false;
  if (x <= 0) { lnFailed = true; return 0; }
  let l: i64;
  if (x < ONE32) {
    // 1/x = 2^64 / x must fit an i64.
    const q = (<u64>1 << 63) / <u64>x; // = 2^63/x; 2^64/x ≥ 2^63 ⇔ q ≥ 2^62
    if (q >= (<u64>1 << 62)) { lnFailed = true; return 0; }
    udiv128(1, 0, <u64>x);
    l = -log2Inner(lo128);
  } else {
    l = log2Inner(<u64>x);
  }
  // (l << 32) / LOG2_E in 128 bits, truncating toward zero, then wrapped to 64 bits.
  const neg = l < 0;
  const m = <u64>(neg ? -l : l);
  udiv128(m >> 32, m << 32, LOG2_E_I32F32);
  const q = <i64>lo128;
  return neg ? -q : q;
}

/** `safe_pow(val, 1)` = exp(1·ln(val)) in I32F32, back to U64F64 into (wHi, wLo). */
function safePow1(vHi: u64, vLo: u64): void {
  // U64F64 → I32F32: drop 32 fraction bits, clamp to the i64 range.
  const int = vHi >> 32 != 0 ? 0x7fff_ffff_ffff_ffff : (vHi << 32) | (vLo >> 32);
  const x = int > 0x7fff_ffff_ffff_ffff ? i64.MAX_VALUE : <i64>int;
  const l = lnI32F32(x);
  if (lnFailed) { wHi = 0; wLo = 0; return; }
  let e = expFixed(l); // I32F32(1)·l = l exactly
  if (overflowed) e = <i64>0x7fff_ffff << 32;
  const u = e < 0 ? 0 : <u64>e;
  wHi = u >> 32;
  wLo = u << 32;
}

/** safe_math `checked_sqrt(eps)` on U64F64 by bisection (at most 129 rounds). */
function checkedSqrt(xHi: u64, xLo: u64, eps: u64): void {
  let hHi: u64, hLo: u64, lHi: u64, lLo: u64;
  if (lt128(1, 0, xHi, xLo)) { hHi = xHi; hLo = xLo; lHi = 0; lLo = 0; } else { hHi = 1; hLo = 0; lHi = xHi; lLo = xLo; }
  addSat(hHi, hLo, lHi, lLo);
  let mHi = wHi >> 1, mLo = (wLo >> 1) | (wHi << 63);
  let cHi: u64 = 0, cLo: u64 = 0;
  if (divShl(xHi, xLo, mHi, mLo, 64)) { cHi = wHi; cLo = wLo; }
  let it = 0;
  for (;;) {
    const cBelow = lt128(cHi, cLo, mHi, mLo);
    if (cBelow) subSat(mHi, mLo, cHi, cLo); else subSat(cHi, cLo, mHi, mLo);
    if (!(wHi != 0 || wLo > eps)) break;
    if (cBelow) { hHi = mHi; hLo = mLo; } else { lHi = mHi; lLo = mLo; }
    addSat(hHi, hLo, lHi, lLo);
    mHi = wHi >> 1;
    mLo = (wLo >> 1) | (wHi << 63);
    cHi = 0;
    cLo = 0;
    if (divShl(xHi, xLo, mHi, mLo, 64)) { cHi = wHi; cLo = wLo; }
    it++;
    if (it > 128) break;
  }
  wHi = mHi;
  wLo = mLo;
}

/**
 * `get_shares_flow` after the EMAs: user and protocol EMAs (I64F64 as (lo, hi) u64 pairs, 16
 * bytes per subnet) of the m emitting subnets → U64F64 shares into (outHi, outLo).
 */
export function getSharesFlow(m: i32, userPtr: usize, protoPtr: usize, outHi: usize, outLo: usize): void {
  // Σ user⁺, Σ protocol⁺ (saturating, positive).
  let suHi: u64 = 0, suLo: u64 = 0, spHi: u64 = 0, spLo: u64 = 0;
  for (let k = 0; k < m; k++) {
    const uLo = load<u64>(userPtr + (<usize>k << 4)), uHi = load<u64>(userPtr + (<usize>k << 4) + 8);
    const pLo = load<u64>(protoPtr + (<usize>k << 4)), pHi = load<u64>(protoPtr + (<usize>k << 4) + 8);
    if (!isNeg(uHi)) { addS(suHi, suLo, uHi, uLo); suHi = sHi; suLo = sLo; }
    if (!isNeg(pHi)) { addS(spHi, spLo, pHi, pLo); spHi = sHi; spLo = sLo; }
  }
  // norm = min(Σuser⁺ / Σprotocol⁺, 1), 0 if Σprotocol⁺ = 0 (checked_div → 0).
  let nHi: u64 = 0, nLo: u64 = 0;
  if (spHi != 0 || spLo != 0) {
    if (divShl(suHi, suLo, spHi, spLo, 64) && !isNeg(wHi)) { nHi = wHi; nLo = wLo; }
    if (lt128(1, 0, nHi, nLo)) { nHi = 1; nLo = 0; }
  }
  // Offsets z = max(net, 0) (the lower limit is 0 with TaoFlowCutoff 0), and their max.
  let maxHi: u64 = 0, maxLo: u64 = 0;
  for (let k = 0; k < m; k++) {
    const uLo = load<u64>(userPtr + (<usize>k << 4)), uHi = load<u64>(userPtr + (<usize>k << 4) + 8);
    const pLo = load<u64>(protoPtr + (<usize>k << 4)), pHi = load<u64>(protoPtr + (<usize>k << 4) + 8);
    if (!isNeg(pHi) && (pHi != 0 || pLo != 0)) {
      mulS(nHi, nLo, pHi, pLo);
      subS(uHi, uLo, sHi, sLo);
    } else {
      subS(uHi, uLo, pHi, pLo);
    }
    let zHi = sHi, zLo = sLo;
    if (isNeg(zHi)) { zHi = 0; zLo = 0; }
    store<u64>(outHi + (<usize>k << 3), zHi);
    store<u64>(outLo + (<usize>k << 3), zLo);
    if (lt128(maxHi, maxLo, zHi, zLo)) { maxHi = zHi; maxLo = zLo; }
  }
  // inplace_scale: f0 = 1/max (safe_div), z ← f0·z; the new max.
  let f0Hi: u64 = 0, f0Lo: u64 = 0;
  if (divShl(1, 0, maxHi, maxLo, 64)) { f0Hi = wHi; f0Lo = wLo; }
  let smHi: u64 = 0, smLo: u64 = 0;
  for (let k = 0; k < m; k++) {
    const o = <usize>k << 3;
    mulShr(f0Hi, f0Lo, load<u64>(outHi + o), load<u64>(outLo + o), 64);
    store<u64>(outHi + o, wHi);
    store<u64>(outLo + o, wLo);
    if (lt128(smHi, smLo, wHi, wLo)) { smHi = wHi; smLo = wLo; }
  }
  mulShr(smHi, smLo, smHi, smLo, 64);
  mulShr(<u64>m, 0, wHi, wLo, 64); // n·max²
  const mtcHi = wHi, mtcLo = wLo;
  // precision_min = i32::MAX / u64::MAX as U64F64 = 2147483647 raw.
  if (lt128(mtcHi, mtcLo, 0, 2147483647)) return; // returned scaled, not normalised (as the source)
  let xHi: u64 = 0, xLo: u64 = 0;
  if (divShl(2147483647, 0, mtcHi, mtcLo, 64)) { xHi = wHi; xLo = wLo; }
  checkedSqrt(xHi, xLo, 18446744073709551); // ε = 1/1000 = ⌊2^64/1000⌋
  const fHi = wHi, fLo = wLo;
  let sumHi: u64 = 0, sumLo: u64 = 0; // wrapping sum
  for (let k = 0; k < m; k++) {
    const o = <usize>k << 3;
    mulShr(fHi, fLo, load<u64>(outHi + o), load<u64>(outLo + o), 64);
    safePow1(wHi, wLo);
    store<u64>(outHi + o, wHi);
    store<u64>(outLo + o, wLo);
    const lo = sumLo + wLo;
    sumHi = sumHi + wHi + (lo < sumLo ? 1 : 0);
    sumLo = lo;
  }
  for (let k = 0; k < m; k++) {
    const o = <usize>k << 3;
    divShl(load<u64>(outHi + o), load<u64>(outLo + o), sumHi, sumLo, 64); // safe_div: 0 on failure
    store<u64>(outHi + o, wHi);
    store<u64>(outLo + o, wLo);
  }
}
