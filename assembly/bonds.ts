// Bond updates: the EMA of subtensor's `mat_ema_sparse` (Yuma 2, and Yuma 3 without liquid
// alpha) and `mat_ema_alpha_sparse` with per-entry liquid alpha (Yuma 3).

import {
  EXP_MAX, EXP_MIN, expFixed, expSafe, expSeries4, HALF, ONE, oneOver, sadd, sdiv, series0, series1, series2, series3,
  divUnitBy, mulUnit, smul, smulFast, ssub,
} from "./fixed";
import { allocRaw, allocZeroed, getI32, getI64, getU16, getU32, getU64, setI32, setI64, setU16, setU32 } from "./mem";
import { Csr, csrWithSlots, recipTable, rowLen, rowStart, slotsEnd } from "./sparse";

/**
 * `mat_ema_sparse(new, old, alpha)`: per row, alpha·new + (1 − alpha)·old accumulated
 * densely with saturating adds, re-emitted in ascending column order keeping values > 0.
 * (Merging sorted rows instead measured no faster.) `dense` is i64[columns] scratch, zero on
 * entry and exit. If `colSums` is not 0, it receives the saturating column sums of the result (what
 * `inplace_col_normalize_sparse` would compute next).
 */
export function mat_ema_sparse(
  neu: Csr, old: Csr, alpha: i64, columns: i32, dense: usize, colSums: usize, unitIn: bool,
): Csr {
  // Inputs and alpha in [0, 1]: products by mulUnit, and no sum can saturate (a cell is at
  // most a few units, a column sum at most rows·2).
  const unit = unitIn && alpha >= 0 && alpha <= ONE;
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
    if (unit) {
      for (let e = sn; e < en; e++) {
        const c = <i32>getU16(nCol, e);
        if (c < columns) setI64(dense, c, getI64(dense, c) + mulUnit(alpha, getI64(nVal, e)));
      }
      for (let e = so; e < eo; e++) {
        const c = <i32>getU16(oCol, e);
        if (c < columns) setI64(dense, c, getI64(dense, c) + mulUnit(oneMinusAlpha, getI64(oVal, e)));
      }
    } else {
      for (let e = sn; e < en; e++) {
        const c = <i32>getU16(nCol, e);
        if (c < columns) setI64(dense, c, sadd(getI64(dense, c), smulFast(alpha, getI64(nVal, e))));
      }
      for (let e = so; e < eo; e++) {
        const c = <i32>getU16(oCol, e);
        if (c < columns) setI64(dense, c, sadd(getI64(dense, c), smulFast(oneMinusAlpha, getI64(oVal, e))));
      }
    }
    for (let j = 0; j < columns; j++) {
      const v = getI64(dense, j);
      if (v == 0) continue;
      if (v > 0) {
        setU16(outCol, w, <u32>j);
        setI64(outVal, w, v);
        w++;
        if (colSums != 0) setI64(colSums, j, unit ? getI64(colSums, j) + v : sadd(getI64(colSums, j), v));
      }
      setI64(dense, j, 0);
    }
    setU32(outLen, i, <u32>(w - s));
  }
  return out;
}

/**
 * Yuma 2's bond EMA with its inputs normalised on the fly, for proportions (see the caller):
 *   delta = inplace_col_normalize_sparse(row_hadamard_sparse(weights, stake)),
 *   old = inplace_col_normalize_sparse(stored bonds as whole numbers),
 *   mat_ema_sparse(delta, old, alpha)
 * without materialising delta or rewriting the bonds: delta_ij = mulUnit(stake_i, w_ij)
 * over its column sum `deltaSums[c]` (entry <= sum), an old entry v·2^32 over its column's
 * V·2^32 = v·2^32 / V with V = `bondSums[c]` < 2^31 (the caller checks), by divUnitBy.
 * Columns whose sum is 0 hold only zeros, which normalisation leaves as they are.
 * `colSums` receives the output's column sums.
 */
export function mat_ema_yuma2(
  weights: Csr, stake: usize, deltaSums: usize, old: Csr, bondSums: usize, alpha: i64, columns: i32,
  dense: usize, colSums: usize,
): Csr {
  const out = csrWithSlots(weights.rows, 0, weights.len, old.len);
  const oneMinusAlpha = ONE - alpha;
  const nStart = weights.start, nLen = weights.len, nCol = weights.col, nVal = weights.val;
  const oStart = old.start, oLen = old.len, oCol = old.col, oVal = old.val;
  const outStart = out.start, outLen = out.len, outCol = out.col, outVal = out.val;
  const dRecip = recipTable(deltaSums, columns), bRecip = recipTable(bondSums, columns);
  memory.fill(colSums, 0, <usize>columns << 3);
  for (let i = 0; i < weights.rows; i++) {
    const sn = <i32>getU32(nStart, i), en = sn + <i32>getU32(nLen, i);
    const so = <i32>getU32(oStart, i), eo = so + <i32>getU32(oLen, i);
    if (sn == en && so == eo) continue;
    const scale = getI64(stake, i);
    for (let e = sn; e < en; e++) {
      const c = <i32>getU16(nCol, e);
      if (c >= columns) continue;
      const d = getI64(deltaSums, c);
      const x = mulUnit(scale, getI64(nVal, e));
      const xn = d != 0 ? divUnitBy(x, d, getU64(dRecip, c)) : x;
      setI64(dense, c, getI64(dense, c) + mulUnit(alpha, xn));
    }
    for (let e = so; e < eo; e++) {
      const c = <i32>getU16(oCol, e);
      if (c >= columns) continue;
      const ws = <i64>getU64(bondSums, c);
      const v = getI64(oVal, e) >> 32;
      const vn = ws != 0 ? divUnitBy(v, ws, getU64(bRecip, c)) : v << 32;
      setI64(dense, c, getI64(dense, c) + mulUnit(oneMinusAlpha, vn));
    }
    const s = <i32>getU32(outStart, i);
    let w = s;
    for (let j = 0; j < columns; j++) {
      const v = getI64(dense, j);
      if (v == 0) continue;
      if (v > 0) {
        setU16(outCol, w, <u32>j);
        setI64(outVal, w, v);
        w++;
        setI64(colSums, j, getI64(colSums, j) + v);
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

export function setLiquidAlphaParams(low: i64, high: i64, steepness: i32): void {
  alphaLow = low;
  alphaHigh = high;
  steepnessScaled = sdiv(<i64>steepness << 32, <i64>-100 << 32);
}

/** The argument of `exp_safe` in the sigmoid: steepness·(diff − 0.5), then clamped to ±20. */
// @ts-ignore: decorator
@inline
function sigmoidArg(diff: i64): i64 {
  let x = smul(steepnessScaled, ssub(diff, HALF));
  if (x < EXP_MIN) x = EXP_MIN;
  else if (EXP_MAX < x) x = EXP_MAX;
  return x;
}

/** `exp_safe(x)` for a clamped x, given the series value of |x| (unused for x = 0 or 1). */
// @ts-ignore: decorator
@inline
function expFromSeries(x: i64, series: u64): i64 {
  if (x == 0) return ONE;
  if (x == ONE) return expFixed(x);
  return x < 0 ? oneOver(series) : <i64>series;
}

/** Liquid alpha from exp: 1 / (1 + e) (the sigmoid), alpha_low + sig·(high − low), clamped. */
// @ts-ignore: decorator
@inline
function alphaFromExp(e: i64): i64 {
  // sdiv(ONE, sadd(ONE, e)); e >= 0, so the divisor is >= 1: ⌊2^64 / divisor⌋.
  const sig = oneOver(<u64>sadd(ONE, e));
  const alpha = sadd(alphaLow, smul(sig, ssub(alphaHigh, alphaLow)));
  return clamp(alpha, alphaLow, alphaHigh);
}

/** `alpha_sigmoid(consensus, weight, bond, low, high, steepness)` (single evaluation). */
export function alpha_sigmoid(consensus: i64, weight: i64, bond: i64): i64 {
  const x = sigmoidArg(combinedDiff(consensus, weight, bond));
  return alphaFromExp(expSafe(x));
}

/** The distance alpha_sigmoid feeds to the sigmoid. */
// @ts-ignore: decorator
@inline
function combinedDiff(consensus: i64, weight: i64, bond: i64): i64 {
  // Branch-free: which side applies is data-dependent (about half the entries each way).
  const diffBuy = clamp(ssub(weight, consensus), 0, ONE);
  const diffSell = clamp(ssub(bond, weight), 0, ONE);
  return select<i64>(diffBuy, diffSell, weight >= bond);
}

/** `clamp_value`: min with high first, then max with low. */
// @ts-ignore: decorator
@inline
function clamp(v: i64, low: i64, high: i64): i64 {
  const a = select<i64>(v, high, v < high);
  return select<i64>(a, low, a > low);
}

/** Whether entries [s, e1) have strictly ascending columns, all below `columns`. */
function ascendingRow(col: usize, s: i32, e1: i32, columns: i32): bool {
  let prev = -1;
  for (let e = s; e < e1; e++) {
    const c = <i32>getU16(col, e);
    if (c <= prev) return false;
    prev = c;
  }
  return prev < columns;
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
  const col = m.col, val = m.val;
  let next = 0; // lowest column the cursor can still match
  for (let e = s; e < s + l; e++) {
    const c = <i32>getU16(col, e);
    if (c < next) continue;
    if (c >= columns) break;
    setI64(dense, c, getI64(val, e));
    setI32(stamp, c, tag);
    next = c + 1;
  }
}

/**
 * Yuma 3 with liquid alpha: `mat_ema_alpha_sparse(new, old, alphas)` where alphas come from
 * `compute_liquid_alpha_values_sparse`. Alpha is only needed where `new` has an entry (the
 * only entries the EMA emits), so it is evaluated there and nowhere else, and only once per
 * distinct sigmoid input: entries are first reduced to their distance (`combinedDiff`),
 * distinct distances are collected in a hash set, their exact exps computed four at a time,
 * then the EMA is applied. Output rows follow the order of `new`'s rows; values are clamped
 * to [0, 1] and kept when > 0. If `colSums` is not 0 it receives the saturating column sums
 * of the result. Scratch: i64[columns] ×3, i32[columns] ×3 (stamps), all zero-initialised
 * by the caller.
 */
export function mat_ema_alpha_sparse_liquid(
  neu: Csr, old: Csr, consensus: usize, columns: i32,
  wSeen: usize, bSeen: usize, oldDense: usize, wStamp: usize, bStamp: usize, oStamp: usize,
  colSums: usize, unit: bool,
): Csr {
  const rows = neu.rows;
  const out = csrWithSlots(rows, 0, neu.len, 0);
  const nStart = neu.start, nLen = neu.len, nCol = neu.col, nVal = neu.val;
  const cap = <i32>slotsEnd(neu);
  // Per slot of `new`: the distance (−1: column out of range, no output), and the old bond
  // at that column (−1: none; stored bonds are >= 0).
  const key = allocRaw(<usize>cap << 3);
  const oldAt = allocRaw(<usize>cap << 3);
  let nonzero = 0;
  for (let i = 0; i < rows; i++) {
    const sn = <i32>getU32(nStart, i), en = sn + <i32>getU32(nLen, i);
    if (sn == en) continue;
    const so = rowStart(old, i), eo = so + rowLen(old, i);
    const oCol = old.col, oVal = old.val;
    if (ascendingRow(nCol, sn, en, columns) && ascendingRow(oCol, so, eo, columns)) {
      // Both rows strictly ascending (the usual case): the chain's walk sees every entry,
      // so the weight is the entry itself and the bond / old value the old row's entry at
      // that column, found by merging.
      let b = so;
      for (let e = sn; e < en; e++) {
        const c = <i32>getU16(nCol, e);
        while (b < eo && <i32>getU16(oCol, b) < c) b++;
        const has = b < eo && <i32>getU16(oCol, b) == c;
        const ov = has ? getI64(oVal, b) : 0;
        const d = combinedDiff(getI64(consensus, c), getI64(nVal, e), ov);
        setI64(key, e, d);
        nonzero += <i32>(d != 0);
        setI64(oldAt, e, select<i64>(ov, -1, has));
      }
      continue;
    }
    const tag = i + 1;
    walkSeen(neu, i, columns, wSeen, wStamp, tag);
    walkSeen(old, i, columns, bSeen, bStamp, tag);
    for (let e = so; e < eo; e++) {
      const c = <i32>getU16(oCol, e);
      if (c < columns) { setI64(oldDense, c, getI64(oVal, e)); setI32(oStamp, c, tag); }
    }
    for (let e = sn; e < en; e++) {
      const c = <i32>getU16(nCol, e);
      if (c >= columns) { setI64(key, e, -1); continue; }
      const weight = select<i64>(getI64(wSeen, c), 0, getI32(wStamp, c) == tag);
      const bond = select<i64>(getI64(bSeen, c), 0, getI32(bStamp, c) == tag);
      const d = combinedDiff(getI64(consensus, c), weight, bond);
      setI64(key, e, d);
      nonzero += <i32>(d != 0);
      setI64(oldAt, e, select<i64>(getI64(oldDense, c), -1, getI32(oStamp, c) == tag));
    }
  }

  // Distinct non-zero distances, exactly: the (distance − 1, slot) pairs packed in a u64 are
  // radix-sorted on the distance (LSD, 11 + 11 + 10 bits, stable), then equal distances are
  // adjacent; an entry's key becomes the index of its distance in `uniq` plus 1 (0 stands
  // for distance 0). Sequential passes over 8-byte items: far fewer cache misses than a hash
  // set of that size.
  const items = allocRaw(<usize>nonzero << 3), tmp = allocRaw(<usize>nonzero << 3);
  const hist = allocZeroed(<usize>(2048 + 2048 + 1024) << 2);
  const h0 = hist, h1 = hist + (2048 << 2), h2 = hist + (4096 << 2);
  let m = 0;
  let anyZero = false;
  for (let i = 0; i < rows; i++) {
    const sn = <i32>getU32(nStart, i), en = sn + <i32>getU32(nLen, i);
    for (let e = sn; e < en; e++) {
      const d = getI64(key, e);
      if (d <= 0) { anyZero = anyZero || d == 0; continue; }
      const k = <u32>(d - 1); // distance in (0, 1]: d − 1 fits in 32 bits
      store<u64>(items + (<usize>m << 3), (<u64>k << 32) | <u64>e);
      setU32(h0, k & 2047, getU32(h0, k & 2047) + 1);
      setU32(h1, (k >> 11) & 2047, getU32(h1, (k >> 11) & 2047) + 1);
      setU32(h2, k >> 22, getU32(h2, k >> 22) + 1);
      m++;
    }
  }
  radixPass(items, tmp, m, h0, 2048, 32);
  radixPass(tmp, items, m, h1, 2048, 43);
  radixPass(items, tmp, m, h2, 1024, 54);
  const uniq = allocRaw((<usize>nonzero + 4) << 3);
  let count = 0;
  let prev: u64 = u64.MAX_VALUE;
  for (let t = 0; t < m; t++) {
    const it = load<u64>(tmp + (<usize>t << 3));
    const k = it >> 32;
    if (k != prev) {
      setI64(uniq, count, <i64>k + 1);
      count++;
      prev = k;
    }
    setI64(key, <i32>(it & 0xffff_ffff), count);
  }

  // alpha per distinct distance (slot 0: distance 0), exps four at a time.
  const alphas = allocRaw((<usize>count + 1) << 3);
  if (anyZero) setI64(alphas, 0, alphaFromExp(expSafe(sigmoidArg(0))));
  for (let u = count; u < count + 4; u++) setI64(uniq, u, 0); // padding
  for (let u = 0; u < count; u += 4) {
    const x0 = sigmoidArg(getI64(uniq, u)), x1 = sigmoidArg(getI64(uniq, u + 1));
    const x2 = sigmoidArg(getI64(uniq, u + 2)), x3 = sigmoidArg(getI64(uniq, u + 3));
    expSeries4(absU(x0), absU(x1), absU(x2), absU(x3));
    setI64(alphas, u + 1, alphaFromExp(expFromSeries(x0, series0)));
    if (u + 1 < count) setI64(alphas, u + 2, alphaFromExp(expFromSeries(x1, series1)));
    if (u + 2 < count) setI64(alphas, u + 3, alphaFromExp(expFromSeries(x2, series2)));
    if (u + 3 < count) setI64(alphas, u + 4, alphaFromExp(expFromSeries(x3, series3)));
  }

  // The EMA: alpha·new + (1 − alpha)·old, clamped to [0, 1], kept when > 0.
  const outStart = out.start, outLen = out.len, outCol = out.col, outVal = out.val;
  if (colSums != 0) memory.fill(colSums, 0, <usize>columns << 3);
  for (let i = 0; i < rows; i++) {
    const sn = <i32>getU32(nStart, i), en = sn + <i32>getU32(nLen, i);
    if (sn == en) continue;
    const s = <i32>getU32(outStart, i);
    let w = s;
    for (let e = sn; e < en; e++) {
      const k = getI64(key, e);
      if (k < 0) continue;
      const a = getI64(alphas, <i32>k); // in [alpha_low, alpha_high], within [0, 1]
      const o = getI64(oldAt, e); // a stored bond (proportion) or −1
      let v: i64;
      if (unit) {
        // New values in [0, 1] too: plain arithmetic, and v <= 2.
        v = select<i64>(mulUnit(ONE - a, o), 0, o >= 0) + mulUnit(a, getI64(nVal, e));
      } else {
        const decayed: i64 = o >= 0 ? smulFast(ssub(ONE, a), o) : 0;
        let inc = smulFast(a, getI64(nVal, e));
        if (inc < 0) inc = 0;
        v = sadd(decayed, inc);
      }
      if (v > ONE) v = ONE;
      if (v > 0) {
        const c = <i32>getU16(nCol, e);
        setU16(outCol, w, <u32>c);
        setI64(outVal, w, v);
        w++;
        if (colSums != 0) setI64(colSums, c, unit ? getI64(colSums, c) + v : sadd(getI64(colSums, c), v));
      }
    }
    setU32(outLen, i, <u32>(w - s));
  }
  return out;
}

/** One stable counting-sort pass of u64 items by the `bins`-wide digit at bit `shift`. */
function radixPass(src: usize, dst: usize, m: i32, hist: usize, bins: i32, shift: u64): void {
  let at: u32 = 0;
  for (let b = 0; b < bins; b++) {
    const c = getU32(hist, b);
    setU32(hist, b, at);
    at += c;
  }
  const mask = <u64>(bins - 1);
  for (let t = 0; t < m; t++) {
    const it = load<u64>(src + (<usize>t << 3));
    const b = <i32>((it >> shift) & mask);
    const pos = getU32(hist, b);
    setU32(hist, b, pos + 1);
    store<u64>(dst + (<usize>pos << 3), it);
  }
}

/** |x| of a clamped exp argument as the series operand. */
// @ts-ignore: decorator
@inline
function absU(x: i64): u64 {
  return x < 0 ? <u64>(-x) : <u64>x;
}
