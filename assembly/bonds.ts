// Bond updates: the EMA of subtensor's `mat_ema_sparse` (Yuma 2, and Yuma 3 without liquid
// alpha) and `mat_ema_alpha_sparse` with per-entry liquid alpha (Yuma 3).

import { expSafe, HALF, ONE, sadd, sdiv, smul, smulFast, ssub } from "./fixed";
import { allocZeroed, getI32, getI64, getU16, getU32, setI32, setI64, setU16, setU32 } from "./mem";
import { Csr, colAt, csrWithSlots, rowLen, rowStart, setEntry, setRowLen, valAt } from "./sparse";

/**
 * `mat_ema_sparse(new, old, alpha)`: per row, alpha·new + (1 − alpha)·old accumulated
 * densely with saturating adds, re-emitted in ascending column order keeping values > 0.
 * (Merging sorted rows instead measured no faster.) `dense` is i64[columns] scratch, zero on
 * entry and exit. If `colSums` is not 0, it receives the saturating column sums of the result (what
 * `inplace_col_normalize_sparse` would compute next).
 */
export function mat_ema_sparse(neu: Csr, old: Csr, alpha: i64, columns: i32, dense: usize, colSums: usize): Csr {
  const out = csrWithSlots(neu.rows, 0, neu.len, old.len);
  const oneMinusAlpha = ssub(ONE, alpha);
  const nStart = neu.start, nLen = neu.len, nCol = neu.col, nVal = neu.val;
  const oStart = old.start, oLen = old.len, oCol = old.col, oVal = old.val;
  const outStart = out.start, outLen = out.len, outCol = out.col, outVal = out.val;
  if (colSums != 0) memory.fill(colSums, 0, <usize>columns << 3);
  for (let i = 0; i < neu.rows; i++) {
    const sn = <i32>getU32(nStart, i), en = sn + <i32>getU32(nLen, i);
    const so = <i32>getU32(oStart, i), eo = so + <i32>getU32(oLen, i);
    if (sn == en && so == eo) continue;
    const s = <i32>getU32(outStart, i);
    let w = s;
    for (let e = sn; e < en; e++) {
      const c = <i32>getU16(nCol, e);
      if (c < columns) setI64(dense, c, sadd(getI64(dense, c), smulFast(alpha, getI64(nVal, e))));
    }
    for (let e = so; e < eo; e++) {
      const c = <i32>getU16(oCol, e);
      if (c < columns) setI64(dense, c, sadd(getI64(dense, c), smulFast(oneMinusAlpha, getI64(oVal, e))));
    }
    for (let j = 0; j < columns; j++) {
      const v = getI64(dense, j);
      if (v == 0) continue;
      if (v > 0) {
        setU16(outCol, w, <u32>j);
        setI64(outVal, w, v);
        w++;
        if (colSums != 0) setI64(colSums, j, sadd(getI64(colSums, j), v));
      }
      setI64(dense, j, 0);
    }
    setU32(outLen, i, <u32>(w - s));
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Liquid alpha

/** Liquid-alpha parameters of one epoch (I32F32). */
let alphaLow: i64 = 0;
let alphaHigh: i64 = 0;
let steepnessScaled: i64 = 0; // steepness / −100, as the chain computes it first

// A small direct-mapped cache of sigmoid(combined_diff): the exact `exp` costs ~30 wide
// multiplications and divisions, and many entries share a distance to consensus
// (every entry at or below consensus has distance 0).
const CACHE_BITS: i32 = 12;
const CACHE_SIZE: i32 = 1 << CACHE_BITS;
let cacheKeys: usize = 0;
let cacheVals: usize = 0;

export function setLiquidAlphaParams(low: i64, high: i64, steepness: i32): void {
  alphaLow = low;
  alphaHigh = high;
  steepnessScaled = sdiv(<i64>steepness << 32, <i64>-100 << 32);
  cacheKeys = allocZeroed(<usize>CACHE_SIZE << 3);
  cacheVals = allocZeroed(<usize>CACHE_SIZE << 3);
  // Key 0 is a valid distance: mark every slot empty with an impossible key.
  for (let i = 0; i < CACHE_SIZE; i++) setI64(cacheKeys, i, -1);
}

/** 1 / (1 + e^(−steepness·(diff − 0.5))) with the chain's operation order, cached by diff. */
function sigmoidOf(diff: i64): i64 {
  const h = <i32>((<u64>diff * 0x9E3779B97F4A7C15) >> (64 - CACHE_BITS));
  if (getI64(cacheKeys, h) == diff) return getI64(cacheVals, h);
  const x = smul(steepnessScaled, ssub(diff, HALF));
  const sig = sdiv(ONE, sadd(ONE, expSafe(x)));
  setI64(cacheKeys, h, diff);
  setI64(cacheVals, h, sig);
  return sig;
}

/** `alpha_sigmoid(consensus, weight, bond, low, high, steepness)`. */
export function alpha_sigmoid(consensus: i64, weight: i64, bond: i64): i64 {
  let diffBuy = ssub(weight, consensus);
  diffBuy = clamp(diffBuy, 0, ONE);
  let diffSell = ssub(bond, weight);
  diffSell = clamp(diffSell, 0, ONE);
  const diff = weight >= bond ? diffBuy : diffSell;
  const sig = sigmoidOf(diff);
  const alpha = sadd(alphaLow, smul(sig, ssub(alphaHigh, alphaLow)));
  return clamp(alpha, alphaLow, alphaHigh);
}

/** `clamp_value`: min with high first, then max with low. */
// @ts-ignore: decorator
@inline
function clamp(v: i64, low: i64, high: i64): i64 {
  const a = v < high ? v : high;
  return a > low ? a : low;
}

/**
 * Marks the entries that the chain's sorted-merge walk in `compute_liquid_alpha_values_sparse`
 * actually sees. The walk advances one cursor over the row while the target column rises
 * 0..columns−1, so on a row that is not sorted an entry whose column is not above the last
 * one seen is skipped (read as 0), and a column ≥ `columns` blocks the rest of the row.
 * Seen values go to dense[c] with stamp[c] = tag.
 */
function walkSeen(m: Csr, i: i32, columns: i32, dense: usize, stamp: usize, tag: i32): void {
  const s = rowStart(m, i), l = rowLen(m, i);
  let next = 0; // lowest column the cursor can still match
  for (let e = s; e < s + l; e++) {
    const c = colAt(m, e);
    if (c < next) continue;
    if (c >= columns) break;
    setI64(dense, c, valAt(m, e));
    setI32(stamp, c, tag);
    next = c + 1;
  }
}

/**
 * Yuma 3 with liquid alpha: `mat_ema_alpha_sparse(new, old, alphas)` where alphas come from
 * `compute_liquid_alpha_values_sparse`. Alpha is only needed where `new` has an entry (the
 * only entries the EMA emits), so it is evaluated there and nowhere else. Output rows follow
 * the order of `new`'s rows; values are clamped to [0, 1] and kept when > 0.
 * Scratch: i64[columns] ×3, i32[columns] ×3 (stamps), all zero-initialised by the caller.
 */
export function mat_ema_alpha_sparse_liquid(
  neu: Csr, old: Csr, consensus: usize, columns: i32,
  wSeen: usize, bSeen: usize, oldDense: usize, wStamp: usize, bStamp: usize, oStamp: usize,
): Csr {
  const out = csrWithSlots(neu.rows, 0, neu.len, 0);
  for (let i = 0; i < neu.rows; i++) {
    const sn = rowStart(neu, i), ln = rowLen(neu, i);
    if (ln == 0) continue;
    const tag = i + 1;
    walkSeen(neu, i, columns, wSeen, wStamp, tag);
    walkSeen(old, i, columns, bSeen, bStamp, tag);
    const so = rowStart(old, i), lo = rowLen(old, i);
    for (let e = so; e < so + lo; e++) {
      const c = colAt(old, e);
      if (c < columns) { setI64(oldDense, c, valAt(old, e)); setI32(oStamp, c, tag); }
    }
    const s = rowStart(out, i);
    let w = s;
    for (let e = sn; e < sn + ln; e++) {
      const c = colAt(neu, e);
      if (c >= columns) continue;
      const weight: i64 = getI32(wStamp, c) == tag ? getI64(wSeen, c) : 0;
      const bond: i64 = getI32(bStamp, c) == tag ? getI64(bSeen, c) : 0;
      const a = alpha_sigmoid(getI64(consensus, c), weight, bond);
      const decayed: i64 = getI32(oStamp, c) == tag ? smul(ssub(ONE, a), getI64(oldDense, c)) : 0;
      let inc = smul(a, valAt(neu, e));
      if (inc < 0) inc = 0;
      let v = sadd(decayed, inc);
      if (v > ONE) v = ONE;
      if (v > 0) { setEntry(out, w, c, v); w++; }
    }
    setRowLen(out, i, w - s);
  }
  return out;
}
