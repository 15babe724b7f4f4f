// Chain-like epoch: the float64 image of subtensor's epoch (run_epoch.rs / math.rs) on a dense
// V×N subnet where every validator is active and permitted and nothing is masked.
//
//   weights row-normalised (zero rows stay zero), stake normalised;
//   consensus: per server the stake-weighted κ-quantile of the weights — the smallest weight
//     w such that the stake on weights ≤ w exceeds Σs − κ (the chain's `weighted_median`),
//     over validators with positive stake;
//   clipping at the (unnormalised) consensus, ranks, incentive = normalised ranks;
//   W_b = W + β·(W_clipped − W) (the chain's `interpolate`);
//   Yuma 2: bonds column-normalised before and after the EMA with ΔB = colnorm(S∘W_b) (the old
//     bonds are normalised already: the epoch that made them normalised them);
//   Yuma 3: B = α·W_b + (1 − α)·B_old, or with liquid alpha (from the first epoch on, whenever
//     some consensus is non-zero) min(1, (1 − α_ij)·B_old + max(0, α_ij·W_b)), α_ij from the
//     sigmoid of the distance to consensus; dividends ∝ S_i·Σ_j colnorm(B)_ij·I_j.
//   Bond resets (the epoch's reset mask): the chain's `do_reset_bonds` removes the reset uid's
//     entries from every validator's bond row before the next epoch reads bonds, so the column
//     is zeroed at the start of the epoch, before the bond update, in every version (Yuma 1
//     does not read old bonds, so nothing changes there).
// Plain float64 arithmetic, row sums in four interleaved partial sums (sum4), and x/0 → 0
// wherever the chain's safe division would give 0.

import { ld, st } from "./mem";
import {
  epochsDone, FLAG_LIQUID, FLAG_WTA, flags, inS, inW, mA, mB, MODE_MIXED, MODE_PREVIOUS, mode,
  candKey, candSum, colStake, vCraw, stColB, colStride, colT, hist, histRanges, mWb, mWn, mX, N, qInsert, qKey, qStake, outC, outD, outI, outP, P_ALPHA_HIGH, P_ALPHA_LOW, P_BMA,
  P_BOND_PENALTY, P_CAPACITY_ALPHA, P_DECAY, P_EMISSION, P_KAPPA, P_RATIO, P_STEEPNESS,
  P_SUBNET_STAKE, param, resetBondColumns, sortEntries, bucketPrepareFrom, bucketNext, orderIdx, orderKey, FLAG_REFERENCE, listIdx, listKey, GATHER_BLOCK, vCol2, vTmp, sortIdx, sortKey, stB, stC, stW, V, vC, vCl, vCol, vD, version,
  vI, vR, vRow, vSn, YUMA1, YUMA2, YUMA2B, YUMA2C, YUMA3, YUMA3_LIQUID,
} from "./state";
import { exp2d, exp2dNear } from "./vexp";
import {
  block8, candidateSums, columnHistogram, columnList, columnRange, lanesMin, listHi, listLo, rangeCandidates, rangeRows, transposeBlock, ZERO_SLOT,
} from "./crossing";

/**
 * The quotient of these kernels for x / c, a value over a sum c of non-negative values (the
 * normalisations): x · (1/c), a multiplication where V×N divisions would be — one rounding
 * more, far inside the agreement bound with the exact engine. Where 1/c is not a normal
 * number (c below 2^-1024 or above 2^1022: it overflows, or lost precision), x / c.
 */
// @ts-ignore: decorator
@inline function quotient(x: f64, c: f64, r: f64): f64 {
  return normal(r) ? x * r : x / c;
}

/** quotient, two lanes. */
// @ts-ignore: decorator
@inline function quotient2(x: v128, c: v128, r: v128): v128 {
  const ok = v128.and(f64x2.ge(r, f64x2.splat(MIN_NORMAL)), f64x2.lt(r, f64x2.splat(Infinity)));
  return v128.bitselect(f64x2.mul(x, r), f64x2.div(x, c), ok);
}

/** A positive r is a normal finite number. */
// @ts-ignore: decorator
@inline function normal(r: f64): bool {
  return r >= MIN_NORMAL && r < Infinity;
}
const MIN_NORMAL: f64 = 2.2250738585072014e-308; // 2^-1022

/** A row's quotient: quotient, and exactly 1 for x = c (a row with one non-zero weight
 *  normalises to 1, as by a division). */
// @ts-ignore: decorator
@inline function rowQuotient(x: f64, c: f64, r: f64): f64 {
  return x == c ? 1 : quotient(x, c, r);
}

// @ts-ignore: decorator
@inline function safeDiv(a: f64, b: f64): f64 {
  return b == 0 ? 0 : a / b;
}

// Two lanes at a time (the SIMD build): the same IEEE operations per element as the scalar
// loops, so both builds give the same bits. Sums along a row are in four interleaved partial
// sums (sum4), in both builds: no carried dependency through one accumulator.

/**
 * Column sums as divisors: a zero sum becomes 1. The summed values are non-negative, so a zero
 * sum means every value in the column is 0, and 0 / 1 is safeDiv's 0: the plain division then
 * gives safeDiv's result without its test per entry.
 */
function asDivisors(v: usize, n: i32): void {
  for (let j = 0; j < n; j++) if (ld<f64>(v, j) == 0) st<f64>(v, j, 1);
}

/** The divisors at v (asDivisors) replaced by their reciprocals when every reciprocal is a
 *  normal number (the passes then multiply by them, `reciprocal` in byColumn); whether they
 *  were. */
function asReciprocals(v: usize, n: i32): bool {
  for (let j = 0; j < n; j++) if (!normal(1 / ld<f64>(v, j))) return false;
  for (let j = 0; j < n; j++) st<f64>(v, j, 1 / ld<f64>(v, j));
  return true;
}

/** quotient(x, c) by a column's reciprocal d (`reciprocal`) or divisor d, two lanes. */
// @ts-ignore: decorator
@inline function byColumn2(x: v128, d: v128, reciprocal: bool): v128 {
  return reciprocal ? f64x2.mul(x, d) : quotient2(x, d, f64x2.div(f64x2.splat(1), d));
}
// @ts-ignore: decorator
@inline function byColumn(x: f64, d: f64, reciprocal: bool): f64 {
  return reciprocal ? x * d : quotient(x, d, 1 / d);
}

/**
 * Σ x[k] for k < n, the order every row sum of these kernels uses: partial sums s_r of the
 * x[k] with k ≡ r (mod 4) below n rounded down to 4 (each sequential), then
 * (s_0 + s_2) + (s_1 + s_3), then the last n mod 4 entries in order. (The SIMD build's two
 * accumulators hold (s_0, s_1) and (s_2, s_3).)
 */
function sum4(x: usize, n: i32): f64 {
  const n4 = n & ~3;
  let t: f64;
  if (ASC_FEATURE_SIMD) {
    let a = f64x2.splat(0), b = f64x2.splat(0);
    for (let k = 0; k < n4; k += 4) {
      const p = x + (<usize>k << 3);
      a = f64x2.add(a, v128.load(p));
      b = f64x2.add(b, v128.load(p + 16));
    }
    t = lanes4(a, b);
  } else {
    let s0: f64 = 0, s1: f64 = 0, s2: f64 = 0, s3: f64 = 0;
    for (let k = 0; k < n4; k += 4) {
      s0 += ld<f64>(x, k);
      s1 += ld<f64>(x, k + 1);
      s2 += ld<f64>(x, k + 2);
      s3 += ld<f64>(x, k + 3);
    }
    t = (s0 + s2) + (s1 + s3);
  }
  for (let k = n4; k < n; k++) t += ld<f64>(x, k);
  return t;
}

/** (s_0 + s_2) + (s_1 + s_3) of the accumulators (s_0, s_1), (s_2, s_3). */
// @ts-ignore: decorator
@inline function lanes4(a: v128, b: v128): f64 {
  const c = f64x2.add(a, b);
  return f64x2.extract_lane(c, 0) + f64x2.extract_lane(c, 1);
}

/** Σ_j m[i][j]·I_j (the dividend of row i), in sum4's order. */
function rowDotIncentive(m: usize, i: i32): f64 {
  const row = m + (<usize>(i * N) << 3);
  for (let j = 0; j < N; j++) st<f64>(vTmp, j, ld<f64>(row, j) * ld<f64>(vI, j));
  return sum4(vTmp, N);
}

/**
 * Σ_j (B[i][j] / div[j])·I_j for the carried bonds B (stB): row i's dividend from the
 * column-normalised bonds, div the column sums (asDivisors), in sum4's order — the SIMD
 * build's two accumulators, without the terms stored.
 */
// @ts-ignore: decorator
@inline function normalisedDividend(i: i32, div: usize, reciprocal: bool): f64 {
  const row = stB + (<usize>(i * N) << 3);
  if (ASC_FEATURE_SIMD) {
    let a = f64x2.splat(0), c = f64x2.splat(0);
    let j0 = 0;
    for (; j0 + 4 <= N; j0 += 4) {
      const p = row + (<usize>j0 << 3), q = <usize>j0 << 3;
      const b0 = byColumn2(v128.load(p), v128.load(div + q), reciprocal);
      const b1 = byColumn2(v128.load(p, 16), v128.load(div + q, 16), reciprocal);
      a = f64x2.add(a, f64x2.mul(b0, v128.load(vI + q)));
      c = f64x2.add(c, f64x2.mul(b1, v128.load(vI + q, 16)));
    }
    let d = lanes4(a, c);
    for (let j = j0; j < N; j++) d += byColumn(ld<f64>(row, j), ld<f64>(div, j), reciprocal) * ld<f64>(vI, j);
    return d;
  }
  for (let j = 0; j < N; j++) st<f64>(vTmp, j, byColumn(ld<f64>(row, j), ld<f64>(div, j), reciprocal) * ld<f64>(vI, j));
  return sum4(vTmp, N);
}

/**
 * x / Σx (quotient) for `count` non-negative finite values at src, into dst (0s if the sum is 0). If
 * the sum overflows to Infinity (values near f64's maximum), the values are divided by their
 * maximum first, so the sum is at most `count` and the result that of the scaled-down input;
 * otherwise (every ordinary input) the sum (sum4) of the values.
 */
function normaliseInto(src: usize, dst: usize, count: i32): void {
  normaliseWith(src, dst, count, sum4(src, count));
}

/** normaliseInto with the sum (sum4) of the values given. */
function normaliseWith(src: usize, dst: usize, count: i32, total: f64): void {
  if (isFinite(total)) {
    const r = 1 / total;
    let k0 = 0;
    if (ASC_FEATURE_SIMD) {
      const t2 = f64x2.splat(total), r2 = f64x2.splat(r);
      if (total == 0) for (; k0 + 2 <= count; k0 += 2) v128.store(dst + (<usize>k0 << 3), f64x2.splat(0));
      else if (normal(r)) {
        const one = f64x2.splat(1);
        for (; k0 + 2 <= count; k0 += 2) {
          const x = v128.load(src + (<usize>k0 << 3));
          v128.store(dst + (<usize>k0 << 3), v128.bitselect(one, f64x2.mul(x, r2), f64x2.eq(x, t2)));
        }
      } else for (; k0 + 2 <= count; k0 += 2) v128.store(dst + (<usize>k0 << 3), f64x2.div(v128.load(src + (<usize>k0 << 3)), t2)); // (x = total gives 1)
    }
    for (let k = k0; k < count; k++) st<f64>(dst, k, total == 0 ? 0 : rowQuotient(ld<f64>(src, k), total, r));
    return;
  }
  let top: f64 = 0;
  for (let k = 0; k < count; k++) top = max(top, ld<f64>(src, k));
  total = 0;
  for (let k = 0; k < count; k++) total += ld<f64>(src, k) / top;
  const r = 1 / total;
  for (let k = 0; k < count; k++) st<f64>(dst, k, total == 0 ? 0 : rowQuotient(ld<f64>(src, k) / top, total, r));
}

/**
 * The weights' rows normalised (normaliseInto), two rows' sums in one loop: each sum is a chain
 * of dependent additions, and two chains side by side take the time of one.
 */
function normaliseRows(): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const n4 = N & ~3, row = <usize>N << 3;
    for (; i + 2 <= V; i += 2) {
      const x = inW + (<usize>(i * N) << 3), y = x + row;
      let a = f64x2.splat(0), b = f64x2.splat(0), c = f64x2.splat(0), d = f64x2.splat(0);
      for (let k = 0; k < n4; k += 4) {
        const p = <usize>k << 3;
        a = f64x2.add(a, v128.load(x + p));
        b = f64x2.add(b, v128.load(x + p, 16));
        c = f64x2.add(c, v128.load(y + p));
        d = f64x2.add(d, v128.load(y + p, 16));
      }
      let ta = lanes4(a, b), tb = lanes4(c, d);
      for (let k = n4; k < N; k++) {
        ta += ld<f64>(x, k);
        tb += ld<f64>(y, k);
      }
      normaliseWith(x, mWn + (<usize>(i * N) << 3), N, ta);
      normaliseWith(y, mWn + (<usize>((i + 1) * N) << 3), N, tb);
    }
  }
  for (; i < V; i++) normaliseInto(inW + (<usize>(i * N) << 3), mWn + (<usize>(i * N) << 3), N);
}

/** Column sums of m, rows in order, into out. */
function colSumsInto(m: usize, out: usize): void {
  for (let j = 0; j < N; j++) st<f64>(out, j, 0);
  for (let i = 0; i < V; i++) {
    for (let j = 0; j < N; j++) st<f64>(out, j, ld<f64>(out, j) + ld<f64>(m, i * N + j));
  }
}

/** Columns of m scaled to sum 1 (zero columns stay zero), into out (may alias m). */
function colNormalise(m: usize, out: usize): void {
  colSumsInto(m, vCol);
  // The reciprocals once per column (vCol2: free outside the fused passes).
  for (let j = 0; j < N; j++) st<f64>(vCol2, j, 1 / ld<f64>(vCol, j));
  for (let i = 0; i < V; i++) {
    for (let j = 0; j < N; j++) {
      const c = ld<f64>(vCol, j);
      st<f64>(out, i * N + j, c == 0 ? 0 : quotient(ld<f64>(m, i * N + j), c, ld<f64>(vCol2, j)));
    }
  }
}

/**
 * The chain's weighted median per column, on positive-stake validators: walking the weights
 * in ascending order (groups of equal weights at once), the first weight at which the
 * cumulative stake exceeds Σs − κ; the largest weight if none does (κ ≤ 0). Zero weights come
 * first as one group; only the non-zero ones are sorted.
 */
function consensus(Wn: usize, Sn: usize, out: usize): void {
  if ((flags & FLAG_REFERENCE) != 0) {
    consensusReference(Wn, Sn, out);
    return;
  }
  const kappa = param(P_KAPPA);
  let total: f64 = 0;
  for (let i = 0; i < V; i++) {
    const s = ld<f64>(Sn, i);
    if (s > 0) total += s;
  }
  const minority = total - kappa;
  // Any two summation orders of ≤ V non-negative stakes differ by at most 2γ_V·total
  // (γ_n = n·u/(1 − n·u), u = 2^-53); twice that, so a partial sum further than this from
  // the minority is on the same side of it as the walk's sequential sum.
  const margin = <f64>(2 * V + 8) * 2.220446049250313e-16 * total;
  // Stakes by row for the histograms: the validators without positive stake add nothing.
  for (let i = 0; i < V; i++) {
    const s = ld<f64>(Sn, i);
    st<f64>(colStake, i, s > 0 ? s : 0);
  }
  for (let j0 = 0; j0 < N; j0 += GATHER_BLOCK) {
    const width = min<i32>(GATHER_BLOCK, N - j0);
    transposeBlock<f64>(Wn, j0, width, colT);
    for (let c = 0; c < width; c++) {
      const col = colT + (<usize>(c * colStride) << 3);
      const m = columnRange<f64>(col);
      columnHistogram<f64>(col, m);
      // The zero weights' stake, summed in validator order as the chain's walk starts it.
      const zeros = ld<f64>(hist, ZERO_SLOT);
      let value: f64 = 0;
      if (m > 0 && !(zeros > 0 && zeros > minority)) {
        const v = crossingByHistogram(col, zeros, minority, margin);
        if (!isNaN(v)) {
          chainSelectionColumns++;
          st<f64>(out, j0 + c, v);
          continue;
        }
        // Ascending walk in the stable-sort order, a bucket sorted at a time (equal keys
        // share a bucket, so a group never spans two).
        const mm = columnList<f64>(col, Sn, true);
        bucketPrepareFrom(listKey, listIdx, mm, false, listLo, listHi);
        let end = 0;
        let cum = zeros;
        let r = 0;
        while (r < mm) {
          if (r == end) end = bucketNext();
          const w = ld<f64>(orderKey, r);
          while (r < mm) {
            if (r == end) end = bucketNext();
            if (ld<f64>(orderKey, r) != w) break;
            cum += ld<f64>(Sn, load<i32>(orderIdx + (<usize>r << 2)));
            r++;
          }
          value = w;
          if (cum > minority) break;
        }
      }
      st<f64>(out, j0 + c, value);
    }
  }
}

/** Columns whose consensus crossingByHistogram decided (the tests check the path is taken). */
export let chainSelectionColumns: i64 = 0;

/**
 * The consensus of one column without ordering it, when no ordering can change the answer:
 * stakes summed per weight range (a monotone map, so equal weights share a range), the ranges
 * walked upwards from the zero weights' stake to the one that crosses the minority, then that
 * range's weight groups in order. Every decision is taken only when the partial sum is more
 * than `margin` from the minority, so the walk's own sequential sum (in the sorted order) is
 * on the same side; otherwise NaN, and the caller walks in order.
 */
function crossingByHistogram(col: usize, zeros: f64, minority: f64, margin: f64): f64 {
  const B = histRanges;
  const above = minority + margin, below = minority - margin;
  let acc = zeros;
  let at = -1;
  let b = 0;
  // Eight ranges at a time while the sum at a block's end stays at most `below`: no partial
  // sum inside the block (the stakes are non-negative) is then near or past the minority.
  for (; b + 8 <= B; b += 8) {
    const next = acc + block8(hist + (<usize>b << 3));
    if (next > below) break;
    acc = next;
  }
  if (b + 8 <= B) {
    // The block whose end is past `below`: the first range whose end is past it is the count
    // of the walk's sums at or below it (they only grow), and the sum before that range the
    // same additions with the later ranges' stakes multiplied by 0 — no branch on where in the
    // block it is. (None past it, as the block summed in its own order can be: the ordered walk
    // decides.)
    let sum = acc, before = acc, low = 0;
    for (let k = 0; k < 8; k++) {
      const h = ld<f64>(hist, b + k);
      sum += h;
      const le = sum <= below;
      low += <i32>le;
      before += h * <f64>le;
    }
    if (low == 8) return NaN;
    at = b + low;
    acc = before;
    if (!(acc + ld<f64>(hist, at) > above)) return NaN; // too close to tell at its end
  } else for (; b < B; b++) {
    const next = acc + ld<f64>(hist, b);
    if (next > above) {
      at = b;
      break;
    }
    if (next > below) return NaN; // too close to tell at this range's end
    acc = next;
  }
  if (at < 0) return NaN; // nothing crosses (κ ≤ 0): the walk's answer is the largest weight
  if (ASC_FEATURE_SIMD && rangeCandidates<f64>(col, at, Infinity) >= 0) {
    // A few entries: the walk's first group past `below` is the smallest weight g whose sum
    // acc + (stake at or below g) is past it (the sums grow with g: one order, more terms);
    // its answer is g if that sum is past `above` too. The padding (+∞) never wins.
    candidateSums(false);
    const a2 = f64x2.splat(acc), b2 = f64x2.splat(below), inf = f64x2.splat(Infinity);
    const p01 = f64x2.add(a2, v128.load(candSum)), p23 = f64x2.add(a2, v128.load(candSum, 16));
    const ok01 = f64x2.gt(p01, b2), ok23 = f64x2.gt(p23, b2);
    const g = lanesMin(v128.bitselect(v128.load(candKey), inf, ok01), v128.bitselect(v128.load(candKey, 16), inf, ok23));
    const p = lanesMin(v128.bitselect(p01, inf, ok01), v128.bitselect(p23, inf, ok23));
    return p > above && g != Infinity ? g : NaN;
  }
  // More entries: sorted ascending by insertion (equal weights adjacent).
  const c = rangeRows(at, listIdx, 64);
  if (c < 0) return NaN;
  for (let r = 0; r < c; r++) {
    const row = load<i32>(listIdx + (<usize>r << 2));
    qInsert(r, ld<f64>(col, row), ld<f64>(colStake, row), false);
  }
  // (Rows without positive stake add 0: such a group never crosses — the sum before it is
  // at most `below`.)
  let r = 0;
  while (r < c) {
    const g = ld<f64>(qKey, r);
    while (r < c && ld<f64>(qKey, r) == g) acc += ld<f64>(qStake, r++);
    if (acc > above) return g;
    if (acc > below) return NaN;
  }
  return NaN;
}

/** The reference for consensus: a full stable sort of every column (kept for the tests). */
function consensusReference(Wn: usize, Sn: usize, out: usize): void {
  const kappa = param(P_KAPPA);
  let total: f64 = 0;
  for (let i = 0; i < V; i++) {
    const s = ld<f64>(Sn, i);
    if (s > 0) total += s;
  }
  const minority = total - kappa;
  for (let j = 0; j < N; j++) {
    let zeros: f64 = 0;
    let m = 0;
    for (let i = 0; i < V; i++) {
      const s = ld<f64>(Sn, i);
      if (!(s > 0)) continue;
      const w = ld<f64>(Wn, i * N + j);
      if (w == 0) zeros += s;
      else {
        st<f64>(sortKey, m, w);
        store<i32>(sortIdx + (<usize>m << 2), i);
        m++;
      }
    }
    let value: f64 = 0;
    if (!(zeros > 0 && zeros > minority)) {
      sortEntries(m, false);
      let cum = zeros;
      let r = 0;
      while (r < m) {
        const w = ld<f64>(sortKey, r);
        while (r < m && ld<f64>(sortKey, r) == w) {
          cum += ld<f64>(Sn, load<i32>(sortIdx + (<usize>r << 2)));
          r++;
        }
        value = w;
        if (cum > minority) break;
      }
    }
    st<f64>(out, j, value);
  }
}

/** Yuma 3's bonds move by liquid alpha this epoch: the version or flag asks for it and some
 *  consensus is non-zero. */
function liquidAlphaOn(): bool {
  if (version != YUMA3_LIQUID && (flags & FLAG_LIQUID) == 0) return false;
  for (let j = 0; j < N; j++) if (ld<f64>(vC, j) != 0) return true;
  return false;
}

/** The consensus liquid alpha measures against, into vCl: this epoch's, the previous one's
 *  (this epoch's in the first), or the larger of the two, as the mode says. */
function liquidConsensus(): void {
  for (let j = 0; j < N; j++) {
    const now = ld<f64>(vC, j);
    const before = epochsDone > 0 ? ld<f64>(stC, j) : now;
    st<f64>(vCl, j, mode == MODE_PREVIOUS ? before : mode == MODE_MIXED ? max(now, before) : now);
  }
}

/** Liquid alpha of the chain (`alpha_sigmoid`), per entry, into mA. */
function liquidAlpha(Wb: usize, Bold: usize, C: usize): void {
  const low = param(P_ALPHA_LOW), high = param(P_ALPHA_HIGH), steep = param(P_STEEPNESS);
  for (let i = 0; i < V; i++) {
    for (let j = 0; j < N; j++) {
      const k = i * N + j;
      st<f64>(mA, k, alphaAt(ld<f64>(Wb, k), ld<f64>(Bold, k), ld<f64>(C, j), low, high, steep));
    }
  }
}

/** One entry of liquidAlpha. */
// @ts-ignore: decorator
@inline function alphaAt(w: f64, b: f64, c: f64, low: f64, high: f64, steep: f64): f64 {
  const d = w >= b ? min(max(w - c, 0.0), 1.0) : min(max(b - w, 0.0), 1.0);
  const sig = 1.0 / (1.0 + Math.exp(-steep * (d - 0.5)));
  const a = low + sig * (high - low);
  return max(min(a, high), low);
}

/**
 * Yuma 2's EMA as factors per column, so that B_ij = x_ij·fX_j + b_ij·fB_j (emaY2Value) is
 * already column-normalised: x the numerators of ΔB (s_i·W_b) with column sums sumX, b the old
 * bonds with column sums sumB (stColB: 1, or 0 for a zero column — the epoch that made them
 * normalised them, so they enter as they are), fX = shareX / sumX and fB = shareB / sumB.
 * The shares are (α, 1 − α) where both columns are non-zero (the normalised terms' column sums
 * α + (1 − α) = 1); where one is zero the other alone, (1, 0) or (0, 1), as normalising α·ΔB or
 * (1 − α)·B_old would give — (0, 0) if its weight (α or 1 − α) is 0 —; (0, 0) where both
 * are. Returns whether every factor is finite; if not (a column sum so small that share / sum
 * overflows), fX and fB hold the shares and the sums are divisors (asDivisors), for
 * emaY2Value's quotient form.
 */
function emaFactors(sumX: usize, sumB: usize, alpha: f64, fX: usize, fB: usize): bool {
  let finite = true;
  for (let j = 0; j < N; j++) {
    const x = ld<f64>(sumX, j), b = ld<f64>(sumB, j);
    const qx = x != 0 ? emaShare(alpha, b != 0) / x : 0, qb = b != 0 ? emaShare(1 - alpha, x != 0) / b : 0;
    finite = finite && isFinite(qx) && isFinite(qb);
    st<f64>(fX, j, qx);
    st<f64>(fB, j, qb);
  }
  if (finite) return true;
  for (let j = 0; j < N; j++) {
    const x = ld<f64>(sumX, j) != 0, b = ld<f64>(sumB, j) != 0;
    st<f64>(fX, j, x ? emaShare(alpha, b) : 0);
    st<f64>(fB, j, b ? emaShare(1 - alpha, x) : 0);
  }
  asDivisors(sumX, N);
  asDivisors(sumB, N);
  return false;
}

/** A non-zero column's share (emaFactors) of its term with weight w (α or 1 − α): w when the
 *  other term's column is non-zero too (the weights add to 1); alone, 1 — or 0 when w is 0
 *  (α = 0 or 1: normalising 0·ΔB or 0·B_old leaves a zero column). */
// @ts-ignore: decorator
@inline function emaShare(w: f64, otherNonZero: bool): f64 {
  return otherNonZero ? w : w > 0 ? 1 : 0;
}

/** stColB after the EMA: a column of the new bonds is non-zero where either of its factors
 *  (or shares) is. */
function nonZeroColumns(fX: usize, fB: usize): void {
  for (let j = 0; j < N; j++) st<f64>(stColB, j, ld<f64>(fX, j) != 0 || ld<f64>(fB, j) != 0 ? 1 : 0);
}

/** One new Yuma 2 bond from its ΔB numerator x and old bond b: with `factors`, x·fX + b·fB;
 *  else (fX, fB the shares) fX·(x / sX) + fB·(b / sB). */
// @ts-ignore: decorator
@inline function emaY2Value(x: f64, b: f64, fX: f64, fB: f64, sX: f64, sB: f64, factors: bool): f64 {
  return factors ? x * fX + b * fB : fX * (x / sX) + fB * (b / sB);
}

/** emaY2Value, two lanes: the ΔB numerators at mX + k, the old bonds at stB + k, the
 *  columns' factors (or shares) fx, fb and sums sx, sb (read by the caller once for all rows). */
// @ts-ignore: decorator
@inline function emaY2Lanes(k: usize, fx: v128, fb: v128, sx: v128, sb: v128, factors: bool): v128 {
  const x = v128.load(mX + k), b = v128.load(stB + k);
  if (factors) return f64x2.add(f64x2.mul(x, fx), f64x2.mul(b, fb));
  return f64x2.add(f64x2.mul(fx, f64x2.div(x, sx)), f64x2.mul(fb, f64x2.div(b, sb)));
}

/** One entry of emaY2: the new bond, stored, and returned. */
// @ts-ignore: decorator
@inline function emaY2Entry(k: i32, j: i32, fX: usize, fB: usize, sX: usize, sB: usize, factors: bool): f64 {
  const v = emaY2Value(ld<f64>(mX, k), ld<f64>(stB, k), ld<f64>(fX, j), ld<f64>(fB, j), ld<f64>(sX, j), ld<f64>(sB, j), factors);
  st<f64>(stB, k, v);
  return v;
}

/**
 * The fused Yuma 2 EMA (emaFactors: its result is normalised) and the dividends: B ←
 * emaY2Value(x, B) in place, x the numerators of ΔB the clipping pass stored in mX, and
 * vD_i = Σ_j B_ij·I_j in sum4's order.
 */
// @ts-ignore: decorator
@inline function emaY2(fX: usize, fB: usize, sX: usize, sB: usize, factors: bool): void {
  const n4 = N & ~3;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    // Per row the dividend's two accumulators of sum4 (columns 4k, 4k + 1 and 4k + 2,
    // 4k + 3), the last N mod 4 columns added in order after them; two rows at a time (their
    // sums' chains side by side; a last odd row by the scalar loop below).
    for (; i + 2 <= V; i += 2) {
      const at = <usize>(i * N) << 3, bt = at + (<usize>N << 3);
      let a0 = f64x2.splat(0), a1 = f64x2.splat(0), b0 = f64x2.splat(0), b1 = f64x2.splat(0);
      for (let j0 = 0; j0 < n4; j0 += 4) {
        const o = <usize>j0 << 3;
        const fx0 = v128.load(fX + o), fb0 = v128.load(fB + o), fx1 = v128.load(fX + o, 16), fb1 = v128.load(fB + o, 16);
        const sx0 = factors ? fx0 : v128.load(sX + o), sb0 = factors ? fb0 : v128.load(sB + o);
        const sx1 = factors ? fx1 : v128.load(sX + o, 16), sb1 = factors ? fb1 : v128.load(sB + o, 16);
        const va = emaY2Lanes(at + o, fx0, fb0, sx0, sb0, factors);
        const wa = emaY2Lanes(at + o + 16, fx1, fb1, sx1, sb1, factors);
        const vb = emaY2Lanes(bt + o, fx0, fb0, sx0, sb0, factors);
        const wb = emaY2Lanes(bt + o + 16, fx1, fb1, sx1, sb1, factors);
        v128.store(stB + at + o, va); // in place: the old bond here is read above only
        v128.store(stB + at + o, wa, 16);
        v128.store(stB + bt + o, vb);
        v128.store(stB + bt + o, wb, 16);
        const i01 = v128.load(vI + o), i23 = v128.load(vI + o, 16);
        a0 = f64x2.add(a0, f64x2.mul(va, i01));
        a1 = f64x2.add(a1, f64x2.mul(wa, i23));
        b0 = f64x2.add(b0, f64x2.mul(vb, i01));
        b1 = f64x2.add(b1, f64x2.mul(wb, i23));
      }
      let da = lanes4(a0, a1), db = lanes4(b0, b1);
      for (let j = n4; j < N; j++) {
        da += emaY2Entry(i * N + j, j, fX, fB, sX, sB, factors) * ld<f64>(vI, j);
        db += emaY2Entry((i + 1) * N + j, j, fX, fB, sX, sB, factors) * ld<f64>(vI, j);
      }
      st<f64>(vD, i, da);
      st<f64>(vD, i + 1, db);
    }
  }
  for (; i < V; i++) {
    // sum4's partial sums (the SIMD build's accumulators hold (s0, s1) and (s2, s3)).
    let s0: f64 = 0, s1: f64 = 0, s2: f64 = 0, s3: f64 = 0;
    const row = i * N;
    for (let j = 0; j < n4; j += 4) {
      s0 += emaY2Entry(row + j, j, fX, fB, sX, sB, factors) * ld<f64>(vI, j);
      s1 += emaY2Entry(row + j + 1, j + 1, fX, fB, sX, sB, factors) * ld<f64>(vI, j + 1);
      s2 += emaY2Entry(row + j + 2, j + 2, fX, fB, sX, sB, factors) * ld<f64>(vI, j + 2);
      s3 += emaY2Entry(row + j + 3, j + 3, fX, fB, sX, sB, factors) * ld<f64>(vI, j + 3);
    }
    let d = (s0 + s2) + (s1 + s3);
    for (let j = n4; j < N; j++) d += emaY2Entry(row + j, j, fX, fB, sX, sB, factors) * ld<f64>(vI, j);
    st<f64>(vD, i, d);
  }
}

/**
 * alphaAt and the liquid bond update (min(1, (1 − α)·B_old + max(0, α·W_b))) of two lanes, exp
 * by exp2d (Math.exp's bits; exp2dNear when `near`); min/max as pseudo-min/max (pmin/pmax: the
 * same values, no NaN or −0 reaches here).
 */
// @ts-ignore: decorator
@inline function liquidLanes(wb: v128, old: v128, cl: v128, low: f64, high: f64, steep: f64, near: bool): v128 {
  const zero2 = f64x2.splat(0), one2 = f64x2.splat(1), half2 = f64x2.splat(0.5);
  const dw = f64x2.pmin(f64x2.pmax(zero2, f64x2.sub(wb, cl)), one2);
  const db = f64x2.pmin(f64x2.pmax(zero2, f64x2.sub(old, wb)), one2);
  const x = f64x2.mul(f64x2.splat(-steep), f64x2.sub(v128.bitselect(dw, db, f64x2.ge(wb, old)), half2));
  const sig = f64x2.div(one2, f64x2.add(one2, near ? exp2dNear(x) : exp2d(x)));
  const a = f64x2.pmax(f64x2.pmin(f64x2.add(f64x2.splat(low), f64x2.mul(sig, f64x2.splat(high - low))), f64x2.splat(high)), f64x2.splat(low));
  return f64x2.pmin(f64x2.add(f64x2.mul(f64x2.sub(one2, a), old), f64x2.pmax(zero2, f64x2.mul(a, wb))), one2);
}

/**
 * The clipping pass of the fused versions, two rows at a time: per server the ranks
 * Σ_i s_i·min(w, C) into vR and, per entry, W_b = w + β·(min(w, C) − w) taken on at once —
 * Yuma 2: ΔB's numerator s·W_b stored (mX, for emaY2) and summed per column into acc; Yuma 3
 * with liquid alpha (`liquid`): the entry's bond updated (liquidLanes) and the new bonds summed
 * per column into acc. The column sums are added row after row, as one row at a time would
 * (the same order per column), each loaded and stored once per two rows. Called with literal
 * flags: one loop compiled per kind.
 */
// @ts-ignore: decorator
@inline function clipFused(Wsrc: usize, bp: f64, acc: usize, liquid: bool, low: f64, high: f64, steep: f64, near: bool): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) for (; i + 2 <= V; i += 2) {
    const bp2 = f64x2.splat(bp);
    const sa = f64x2.splat(ld<f64>(vSn, i)), sb = f64x2.splat(ld<f64>(vSn, i + 1));
    const at = <usize>(i * N) << 3, bt = at + (<usize>N << 3);
    let j0 = 0;
    for (; j0 + 2 <= N; j0 += 2) {
      const o = <usize>j0 << 3;
      const cv = v128.load(vC + o);
      const wa = v128.load(Wsrc + at + o), wb = v128.load(Wsrc + bt + o);
      const ca = f64x2.pmin(cv, wa), cb = f64x2.pmin(cv, wb); // min(w, C): no NaN or −0 here
      v128.store(vR + o, f64x2.add(f64x2.add(v128.load(vR + o), f64x2.mul(sa, ca)), f64x2.mul(sb, cb)));
      const ba = f64x2.add(wa, f64x2.mul(bp2, f64x2.sub(ca, wa))), bb = f64x2.add(wb, f64x2.mul(bp2, f64x2.sub(cb, wb)));
      let va: v128, vb: v128;
      if (liquid) {
        const cl = v128.load(vCl + o);
        va = liquidLanes(ba, v128.load(stB + at + o), cl, low, high, steep, near);
        vb = liquidLanes(bb, v128.load(stB + bt + o), cl, low, high, steep, near);
        v128.store(stB + at + o, va);
        v128.store(stB + bt + o, vb);
      } else {
        va = f64x2.mul(sa, ba);
        vb = f64x2.mul(sb, bb);
        v128.store(mX + at + o, va);
        v128.store(mX + bt + o, vb);
      }
      v128.store(acc + o, f64x2.add(f64x2.add(v128.load(acc + o), va), vb));
    }
    for (let j = j0; j < N; j++) {
      clipEntry(Wsrc, bp, acc, liquid, low, high, steep, i, j);
      clipEntry(Wsrc, bp, acc, liquid, low, high, steep, i + 1, j);
    }
  }
  for (; i < V; i++) for (let j = 0; j < N; j++) clipEntry(Wsrc, bp, acc, liquid, low, high, steep, i, j);
}

/** One entry of clipFused. */
// @ts-ignore: decorator
@inline function clipEntry(Wsrc: usize, bp: f64, acc: usize, liquid: bool, low: f64, high: f64, steep: f64, i: i32, j: i32): void {
  const k = i * N + j, s = ld<f64>(vSn, i);
  const w = ld<f64>(Wsrc, k);
  const c = min(w, ld<f64>(vC, j));
  st<f64>(vR, j, ld<f64>(vR, j) + s * c);
  const wb = w + bp * (c - w);
  let v: f64;
  if (liquid) {
    const old = ld<f64>(stB, k);
    const a = alphaAt(wb, old, ld<f64>(vCl, j), low, high, steep);
    v = min((1 - a) * old + max(a * wb, 0.0), 1.0);
    st<f64>(stB, k, v);
  } else {
    v = s * wb;
    st<f64>(mX, k, v);
  }
  st<f64>(acc, j, ld<f64>(acc, j) + v);
}

export function chainStep(): void {
  const VN = V * N;
  resetBondColumns<f64>();
  // Stake and weights.
  normaliseInto(inS, vSn, V);
  normaliseRows();

  consensus(mWn, vSn, vC);

  // Clipping (Yuma 2B clips the previous epoch's weights), ranks, incentive.
  const Wsrc = version == YUMA2B && epochsDone > 0 ? stW : mWn;
  // Ranks: per server Σ_i s_i·clipped_ij, accumulated row by row (the same order per
  // server as a column walk, with contiguous reads).
  // The weights for bonds in the same pass: W_b = W + β·(W_clipped − W). For the fused Yuma 2
  // and liquid Yuma 3 (clipFused) this pass goes one step further: to ΔB's numerators s·W_b, or
  // to the new bonds, with their column sums (W_b itself is not kept).
  const bp = param(P_BOND_PENALTY);
  const fast = (flags & FLAG_REFERENCE) == 0;
  const fuseY2 = fast && (version == YUMA2 || version == YUMA2B);
  // Yuma 3 with liquid alpha, fused: each W_b entry goes into its bond's update as it is made
  // (W_b is not stored), the new bonds' column sums into colY3.
  const fuseY3 = fast && (version == YUMA3 || version == YUMA3_LIQUID);
  const liquidY3 = fuseY3 && liquidAlphaOn();
  const colX = vCol, colY3 = vCol;
  for (let j = 0; j < N; j++) {
    st<f64>(vR, j, 0);
    st<f64>(colX, j, 0);
  }
  const low = param(P_ALPHA_LOW), high = param(P_ALPHA_HIGH), steep = param(P_STEEPNESS);
  if (liquidY3) liquidConsensus();
  // |x| = |steep|·|d − 0.5| ≤ |steep|/2 (d is in [0, 1]): within exp2d's fast range for any
  // steepness up to 1000, where its per-vector test can go.
  const near = abs(steep) <= 1000;
  if (fuseY2) clipFused(Wsrc, bp, colX, false, 0, 0, 0, false);
  else if (liquidY3) clipFused(Wsrc, bp, colY3, true, low, high, steep, near);
  else for (let i = 0; i < V; i++) {
    // The other versions: the ranks, and W_b stored for the passes below.
    const s = ld<f64>(vSn, i);
    const row = i * N;
    let j0 = 0;
    if (ASC_FEATURE_SIMD) {
      const s2 = f64x2.splat(s), bp2 = f64x2.splat(bp);
      const at = <usize>row << 3;
      for (; j0 + 2 <= N; j0 += 2) {
        const o = <usize>j0 << 3;
        const w = v128.load(Wsrc + at + o);
        const c = f64x2.pmin(v128.load(vC + o), w); // min(w, C): no NaN or −0 here
        v128.store(vR + o, f64x2.add(v128.load(vR + o), f64x2.mul(s2, c)));
        v128.store(mWb + at + o, f64x2.add(w, f64x2.mul(bp2, f64x2.sub(c, w))));
      }
    }
    for (let j = j0; j < N; j++) {
      const w = ld<f64>(Wsrc, row + j);
      const c = min(w, ld<f64>(vC, j));
      st<f64>(vR, j, ld<f64>(vR, j) + s * c);
      st<f64>(mWb, row + j, w + bp * (c - w));
    }
  }
  if ((flags & FLAG_WTA) != 0) {
    let top: f64 = 0;
    for (let j = 0; j < N; j++) top = max(top, ld<f64>(vR, j));
    let ties = 0;
    for (let j = 0; j < N; j++) if (top > 0 && ld<f64>(vR, j) == top) ties++;
    for (let j = 0; j < N; j++) st<f64>(vI, j, top > 0 && ld<f64>(vR, j) == top ? 1.0 / <f64>ties : 0);
  } else {
    normaliseInto(vR, vI, N); // the ranks' sum in sum4's order, as the other normalisations
  }

  const alpha = 1 - param(P_BMA);
  if (fuseY2) {
    // The Yuma 2 passes below, fused (the same operations in the same order per element and
    // per dividend): ΔB's numerators (stored) with their column sums and the old bonds' column
    // sums in the clipping pass above; the EMA as factors per column (emaFactors), which is
    // the normalised result, with the dividends.
    const fX = vCol2, fB = vCraw; // (vCraw: the peer's raw consensus, unused here)
    const colB = vTmp;
    memory.copy(colB, stColB, <usize>N << 3); // (emaFactors may make them divisors)
    if (emaFactors(colX, colB, alpha, fX, fB)) emaY2(fX, fB, colX, colB, true);
    else emaY2(fX, fB, colX, colB, false);
    nonZeroColumns(fX, fB);
    if (version == YUMA2B) memory.copy(stW, mWn, <usize>VN << 3);
  } else if (fuseY3) {
    // The Yuma 3 passes below, fused: the bond update in place with its column sums (with
    // liquid alpha in the clipping pass above), then the dividends from the column-normalised
    // bonds.
    const colB = colY3;
    if (!liquidY3) {
      const keep = 1 - alpha;
      for (let i = 0; i < V; i++) {
        const row = i * N;
        let j0 = 0;
        if (ASC_FEATURE_SIMD) {
          const a2 = f64x2.splat(alpha), k2 = f64x2.splat(keep);
          const at = <usize>row << 3;
          for (; j0 + 2 <= N; j0 += 2) {
            const o = <usize>j0 << 3;
            const v = f64x2.add(f64x2.mul(a2, v128.load(mWb + at + o)), f64x2.mul(k2, v128.load(stB + at + o)));
            v128.store(stB + at + o, v);
            v128.store(colB + o, f64x2.add(v128.load(colB + o), v));
          }
        }
        for (let j = j0; j < N; j++) {
          const v = alpha * ld<f64>(mWb, row + j) + keep * ld<f64>(stB, row + j);
          st<f64>(stB, row + j, v);
          st<f64>(colB, j, ld<f64>(colB, j) + v);
        }
      }
    }
    asDivisors(colB, N);
    if (asReciprocals(colB, N)) for (let i = 0; i < V; i++) st<f64>(vD, i, ld<f64>(vSn, i) * normalisedDividend(i, colB, true));
    else for (let i = 0; i < V; i++) st<f64>(vD, i, ld<f64>(vSn, i) * normalisedDividend(i, colB, false));
  } else if (version == YUMA1 || version == YUMA2 || version == YUMA2B) {
    // ΔB = colnorm(S∘W_b); Yuma 1 keeps it, Yuma 2 takes colnorm(α·ΔB + (1 − α)·colnorm(B_old))
    // as emaFactors has it.
    for (let i = 0; i < V; i++) {
      const s = ld<f64>(vSn, i);
      for (let j = 0; j < N; j++) st<f64>(mX, i * N + j, s * ld<f64>(mWb, i * N + j));
    }
    if (version == YUMA1) {
      colNormalise(mX, mX);
      memory.copy(stB, mX, <usize>VN << 3);
    } else {
      // The column sums (vCraw, vCl) and the factors (vCol, vCol2) of emaFactors.
      colSumsInto(mX, vCraw);
      memory.copy(vCl, stColB, <usize>N << 3);
      const factors = emaFactors(vCraw, vCl, alpha, vCol, vCol2);
      for (let i = 0; i < V; i++) {
        for (let j = 0; j < N; j++) {
          const k = i * N + j;
          st<f64>(stB, k, emaY2Value(ld<f64>(mX, k), ld<f64>(stB, k), ld<f64>(vCol, j), ld<f64>(vCol2, j), ld<f64>(vCraw, j), ld<f64>(vCl, j), factors));
        }
      }
      nonZeroColumns(vCol, vCol2);
    }
    for (let i = 0; i < V; i++) st<f64>(vD, i, rowDotIncentive(stB, i));
    if (version == YUMA2B) memory.copy(stW, mWn, <usize>VN << 3);
  } else if (version == YUMA2C) {
    // Capacity bonds in units of stake: cap_i = S_i.
    const capAlpha = param(P_CAPACITY_ALPHA), keep = 1 - param(P_DECAY);
    for (let i = 0; i < V; i++) {
      const cap = ld<f64>(vSn, i);
      for (let j = 0; j < N; j++) {
        const k = i * N + j;
        const old = ld<f64>(stB, k);
        const purchase = min(capAlpha * cap, max(cap - old, 0.0)) * ld<f64>(mWn, k);
        st<f64>(stB, k, min(keep * old + purchase, cap));
      }
    }
    colNormalise(stB, mB);
    for (let i = 0; i < V; i++) st<f64>(vD, i, rowDotIncentive(mB, i));
  } else {
    if (liquidAlphaOn()) {
      liquidConsensus();
      liquidAlpha(mWb, stB, vCl);
      for (let k = 0; k < VN; k++) {
        const a = ld<f64>(mA, k);
        const v = (1 - a) * ld<f64>(stB, k) + max(a * ld<f64>(mWb, k), 0.0);
        st<f64>(stB, k, min(v, 1.0));
      }
    } else {
      for (let k = 0; k < VN; k++) st<f64>(stB, k, alpha * ld<f64>(mWb, k) + (1 - alpha) * ld<f64>(stB, k));
    }
    colNormalise(stB, mB);
    for (let i = 0; i < V; i++) st<f64>(vD, i, ld<f64>(vSn, i) * rowDotIncentive(mB, i));
  }

  let dTotal: f64 = 0;
  for (let i = 0; i < V; i++) dTotal += ld<f64>(vD, i);
  const ratio = param(P_RATIO), emission = param(P_EMISSION), subnet = param(P_SUBNET_STAKE);
  for (let i = 0; i < V; i++) {
    const dn = safeDiv(ld<f64>(vD, i), dTotal);
    st<f64>(outD, i, dn);
    const units = ld<f64>(vSn, i) * subnet / 1000.0;
    st<f64>(outP, i, units > 1e-6 ? ratio * dn * emission / units : 0);
  }
  memory.copy(outC, vC, <usize>N << 3);
  memory.copy(outI, vI, <usize>N << 3);
  memory.copy(stC, vC, <usize>N << 3);
}
