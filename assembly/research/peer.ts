// Peer-compatible epoch: the Yuma variants of bactensor/yuma-simulation 0.1.1
// (yuma_simulation/_internal/yumas.py, driven as simulation_utils._run_simulation drives
// them), reproduced operation by operation in the reference's element type T.
//
// The reference builds its tensors with torch's default dtype, float32 (T = f32; T = f64 is
// the same program on float64 tensors). Every tensor operation is one IEEE operation in T:
// a Python float meeting a tensor is first rounded to T (so `(1 - x) * B` rounds the double
// 1 − x once), sums follow torch's CPU order (torch.ts), `cumsum` accumulates in double and
// stores T, `.int()` truncates (NaN and out-of-range give INT32_MIN, as on x86), and
// `int_tensor / 65535` yields float32 (the default dtype) whatever T is.
//
// Bond resets (the epoch's reset mask) as simulation_utils._call_yuma applies a case's
// reset_bonds_index at reset_bonds_epoch: `B_state[:, j] = 0.0` on the state carried from the
// previous epoch, before the Yuma function runs — only for YUMA2C, YUMA3 and YUMA3_LIQUID, and
// only once there is a state (not in the first epoch, where B_state is None).

import { ld, st } from "./mem";
import {
  epochsDone, FLAG_LIQUID, FLAG_WTA, flags, inS, inW, mA, mB, MODE_MIXED, MODE_PREVIOUS, mode, mW,
  mWb, mWc, mWn, mX, N, outC, outD, outI, outP, P_ALPHA_HIGH, P_ALPHA_LOW, P_BMA,
  P_BOND_PENALTY, P_CAPACITY_ALPHA, P_DECAY, P_EMISSION, P_KAPPA, P_RATIO, P_STEEPNESS,
  P_SUBNET_STAKE, param, candKey, candSum, colStake, colStride, colT, hist, histRanges, qInsert, qKey, qStake, resetBondColumns, sortEntries, bucketPrepareFrom, bucketNext, listIdx, listKey, GATHER_BLOCK, orderIdx, orderKey, FLAG_REFERENCE, sortIdx, sortKey, stB, stC, stW, V, vC, vCl, vCol, vCraw, vD,
  version, vI, vR, vRow, vS, vSn, vTmp, widen, YUMA1, YUMA2, YUMA2B, YUMA2C, YUMA3, YUMA3_LIQUID,
} from "./state";
import {
  block8, candidateSums, colHi, columnHistogram, columnList, columnRange, lanesMax, listHi, listLo, rangeCandidates, rangeRows, transposeBlock,
} from "./crossing";
import { colSums, innerSum, rowSums } from "./torch";
import { exp2d, exp2dNear, expf4, expf4Near } from "./vexp";

// @ts-ignore: decorator
@inline function maxValue<T>(): T {
  return sizeof<T>() == 4 ? <T>f32.MAX_VALUE : <T>f64.MAX_VALUE;
}

/** torch.nan_to_num with defaults: NaN → 0, ±inf → ±largest finite. */
// @ts-ignore: decorator
@inline function nanToNum<T>(x: T): T {
  if (isNaN<T>(x)) return <T>0;
  if (x == <T>Infinity) return maxValue<T>();
  if (x == <T>-Infinity) return -maxValue<T>();
  return x;
}

/** torch.clamp(x, min=lo): NaN stays NaN. */
// @ts-ignore: decorator
@inline function clampMin<T>(x: T, lo: T): T {
  return x < lo ? lo : x;
}

/** torch.clamp(x, max=hi): NaN stays NaN. */
// @ts-ignore: decorator
@inline function clampMax<T>(x: T, hi: T): T {
  return x > hi ? hi : x;
}

// Lane operations of the kernel's element type (four float32 or two float64 lanes), so that a
// vector loop is written once for both.
// @ts-ignore: decorator
@inline function vecOf<T>(x: T): v128 {
  return sizeof<T>() == 4 ? f32x4.splat(<f32>x) : f64x2.splat(<f64>x);
}
// @ts-ignore: decorator
@inline function vAdd<T>(a: v128, b: v128): v128 {
  return sizeof<T>() == 4 ? f32x4.add(a, b) : f64x2.add(a, b);
}
// @ts-ignore: decorator
@inline function vSub<T>(a: v128, b: v128): v128 {
  return sizeof<T>() == 4 ? f32x4.sub(a, b) : f64x2.sub(a, b);
}
// @ts-ignore: decorator
@inline function vMul<T>(a: v128, b: v128): v128 {
  return sizeof<T>() == 4 ? f32x4.mul(a, b) : f64x2.mul(a, b);
}
// @ts-ignore: decorator
@inline function vDiv<T>(a: v128, b: v128): v128 {
  return sizeof<T>() == 4 ? f32x4.div(a, b) : f64x2.div(a, b);
}
/** Lanes where a ≥ b (all ones), else zero. */
// @ts-ignore: decorator
@inline function vGe<T>(a: v128, b: v128): v128 {
  return sizeof<T>() == 4 ? f32x4.ge(a, b) : f64x2.ge(a, b);
}
/** Pseudo-minimum / -maximum (b < a ? b : a, a < b ? b : a): the clamps where no NaN reaches. */
// @ts-ignore: decorator
@inline function vMin<T>(a: v128, b: v128): v128 {
  return sizeof<T>() == 4 ? f32x4.pmin(a, b) : f64x2.pmin(a, b);
}
// @ts-ignore: decorator
@inline function vMax<T>(a: v128, b: v128): v128 {
  return sizeof<T>() == 4 ? f32x4.pmax(a, b) : f64x2.pmax(a, b);
}

/** torch.minimum / torch.maximum: NaN propagates. */
// @ts-ignore: decorator
@inline function tmin<T>(a: T, b: T): T {
  return isNaN<T>(a) || isNaN<T>(b) ? <T>NaN : (a < b ? a : b);
}
// @ts-ignore: decorator
@inline function tmax<T>(a: T, b: T): T {
  return isNaN<T>(a) || isNaN<T>(b) ? <T>NaN : (a > b ? a : b);
}

// @ts-ignore: decorator
@inline function texp<T>(x: T): T {
  if (sizeof<T>() == 4) return <T>Mathf.exp(<f32>x);
  return <T>Math.exp(<f64>x);
}

/** Tensor `.int()`: truncation toward zero; NaN and out-of-range values give INT32_MIN. */
function toInt32(x: f64): i32 {
  if (isNaN<f64>(x) || x >= 2147483648.0 || x <= -2147483649.0) return i32.MIN_VALUE;
  return <i32>x;
}

/**
 * `optimized_compute_consensus_weights`: per server, the weights sorted in descending
 * order with the stakes in the same order, the cumulative stake (`cumsum`: double
 * accumulator, stored in T), and the weight at the first position whose cumulative stake
 * is ≥ kappa; position 0 (the largest weight) when there is none (argmax of an all-false
 * mask). Zero weights sort last and all yield 0, so only the non-zero ones are sorted.
 */
function consensusRaw<T>(Wn: usize, Sn: usize, out: usize): void {
  if ((flags & FLAG_REFERENCE) != 0) {
    consensusRawReference<T>(Wn, Sn, out);
    return;
  }
  const kappa = <T>param(P_KAPPA);
  // When every partial sum of the stakes is exact in f64, whatever the order, the crossing does
  // not depend on the order the reference walks in: a histogram of stake over weight ranges
  // finds its range, and only that range's entries are ordered. Otherwise (or when one range
  // holds too many entries) the walk in the reference's order below.
  const exact = stakeSumsExact<T>(Sn);
  let totalAll: f64 = 0;
  if (exact) for (let i = 0; i < V; i++) totalAll += <f64>ld<T>(Sn, i);
  for (let i = 0; i < V; i++) st<f64>(colStake, i, <f64>ld<T>(Sn, i));
  for (let j0 = 0; j0 < N; j0 += GATHER_BLOCK) {
    const width = min<i32>(GATHER_BLOCK, N - j0);
    transposeBlock<T>(Wn, j0, width, colT);
    for (let c = 0; c < width; c++) {
      const j = j0 + c;
      const col = colT + (<usize>(c * colStride) << alignof<T>());
      if (exact) {
        const m = columnRange<T>(col);
        const v = crossingByHistogram<T>(col, m, kappa);
        if (v != -1) {
          selectionColumns++;
          // No non-zero weight crosses: the zero weights' stakes may (value 0), or nothing does
          // (the largest weight: position 0 of an all-false mask).
          st<T>(out, j, isNaN(v) ? (<T>totalAll >= kappa ? <T>0 : <T>colHi) : <T>v);
          continue;
        }
      }
      // The walk in the reference's order (descending, ties by validator), sorted a bucket
      // at a time only as far as the κ crossing.
      const m = columnList<T>(col, Sn, false);
      const top = listHi;
      bucketPrepareFrom(listKey, listIdx, m, true, listLo, top);
      let end = 0;
      let cum: f64 = 0;
      let value: f64 = top; // when no position qualifies: the largest weight (position 0)
      let found = false;
      for (let r = 0; r < m; r++) {
        if (r == end) end = bucketNext();
        cum += <f64>ld<T>(Sn, load<i32>(orderIdx + (<usize>r << 2)));
        if (<T>cum >= kappa) {
          value = ld<f64>(orderKey, r);
          found = true;
          break;
        }
      }
      if (!found) {
        for (let i = 0; i < V; i++) {
          if (ld<T>(col, i) != <T>0) continue;
          cum += <f64>ld<T>(Sn, i);
          if (<T>cum >= kappa) {
            value = 0;
            break;
          }
        }
      }
      st<T>(out, j, <T>value);
    }
  }
}

/** Testing aid: columns whose crossing the histogram answered, since instantiation. */
export let selectionColumns: i64 = 0;

/** The value of the lowest mantissa bit a T value has at its exponent (its ulp), as f64. */
// @ts-ignore: decorator
@inline function ulpOf<T>(s: f64): f64 {
  if (sizeof<T>() == 4) {
    const e = <i32>((reinterpret<u32>(<f32>s) >> 23) & 0xff);
    return reinterpret<f64>(<u64>(max(e, 1) - 127 - 23 + 1023) << 52);
  }
  const e = <i32>((reinterpret<u64>(s) >> 52) & 0x7ff);
  const k = max(e, 1) - 1023 - 52;
  return k >= -1022 ? reinterpret<f64>(<u64>(k + 1023) << 52) : reinterpret<f64>(<u64>1 << <u64>(k + 1074));
}

/**
 * Whether every sum of a subset of the stakes, in any order, is exact in f64: each is a multiple
 * of the smallest stake's ulp and at most V·max, so all are exact when V·max < 2^53·ulp. The
 * reference's double `cumsum` then equals the exact prefix sums whatever the order.
 */
function stakeSumsExact<T>(Sn: usize): bool {
  let minUlp: f64 = Infinity, maxS: f64 = 0;
  for (let i = 0; i < V; i++) {
    const s = <f64>ld<T>(Sn, i);
    if (!(s >= 0) || !isFinite(s)) return false;
    if (s == 0) continue;
    const u = ulpOf<T>(s);
    if (u < minUlp) minUlp = u;
    if (s > maxS) maxS = s;
  }
  return maxS == 0 || <f64>V * maxS < 9007199254740992.0 * minUlp;
}

/**
 * The κ crossing of the transposed column at col with m non-zero weights (needs
 * stakeSumsExact; columnRange run on it): the largest weight g with T(Σ stakes of the weights
 * ≥ g) ≥ κ — the reference's value, whichever of g's ties crosses. The ranges of
 * columnHistogram walked from the top find the crossing range; its entries alone are sorted
 * and walked. NaN when no non-zero weight crosses; −1 when the range holds too many entries to
 * sort here (the caller then walks in the reference's order).
 */
function crossingByHistogram<T>(col: usize, m: i32, kappa: T): f64 {
  if (m == 0) return NaN;
  columnHistogram<T>(col, m);
  const B = histRanges;
  let acc: f64 = 0;
  let at = -1;
  let b = B - 1;
  // Eight ranges at a time while their stake keeps the sum below κ (every partial sum is
  // exact here, so a block's total is the walk's sum at its end).
  for (; b >= 7; b -= 8) {
    const blk = block8(hist + (<usize>(b - 7) << 3));
    if (<T>(acc + blk) >= kappa) break;
    acc += blk;
  }
  if (b >= 7) {
    // The block that reaches κ: its crossing range is the count of its eight partial sums
    // below κ (they only grow), and the sum before it the same additions with the later
    // ranges' stakes multiplied by 0 — no branch on where in the block the crossing is.
    let sum = acc, before = acc, below = 0;
    for (let k = 0; k < 8; k++) {
      const h = ld<f64>(hist, b - k);
      sum += h;
      const lt = <T>sum < kappa;
      below += <i32>lt;
      before += h * <f64>lt;
    }
    if (below == 8) return -1; // (cannot happen with exact sums: the ordered walk if it did)
    at = b - below;
    acc = before;
  } else for (; b >= 0; b--) {
    const h = ld<f64>(hist, b);
    // (With κ ≤ 0 the top range crosses even at zero stake: its largest weight is the value.)
    if (<T>(acc + h) >= kappa) {
      at = b;
      break;
    }
    acc += h;
  }
  if (at < 0) return NaN;
  if (ASC_FEATURE_SIMD && rangeCandidates<T>(col, at, -1) >= 0) {
    // A few entries: the largest weight g with T(acc + stake at or above g) ≥ κ, each
    // candidate's sum taken at once (exact, so in any order); the padding (−1) never wins.
    candidateSums(true);
    const a2 = f64x2.splat(acc);
    const x01 = f64x2.add(a2, v128.load(candSum)), x23 = f64x2.add(a2, v128.load(candSum, 16));
    let ok01: v128, ok23: v128;
    if (sizeof<T>() == 4) {
      const k4 = f32x4.splat(<f32>kappa);
      ok01 = i64x2.extend_low_i32x4_s(f32x4.ge(f32x4.demote_f64x2_zero(x01), k4));
      ok23 = i64x2.extend_low_i32x4_s(f32x4.ge(f32x4.demote_f64x2_zero(x23), k4));
    } else {
      const k2 = f64x2.splat(<f64>kappa);
      ok01 = f64x2.ge(x01, k2);
      ok23 = f64x2.ge(x23, k2);
    }
    const none = f64x2.splat(-1);
    return lanesMax(v128.bitselect(v128.load(candKey), none, ok01), v128.bitselect(v128.load(candKey, 16), none, ok23));
  }
  // More entries: sorted descending by insertion.
  const c = rangeRows(at, listIdx, 64);
  if (c < 0) return -1;
  for (let r = 0; r < c; r++) {
    const row = load<i32>(listIdx + (<usize>r << 2));
    qInsert(r, <f64>ld<T>(col, row), ld<f64>(colStake, row), true);
  }
  // Walk the range's weight groups: the first whose cumulative stake crosses.
  let r = 0;
  while (r < c) {
    const g = ld<f64>(qKey, r);
    while (r < c && ld<f64>(qKey, r) == g) acc += ld<f64>(qStake, r++);
    if (<T>acc >= kappa) return g;
  }
  return -1; // κ reached on a zero-stake range: leave it to the ordered walk
}

/** The reference for consensusRaw: a full stable sort of every column (kept for the tests). */
function consensusRawReference<T>(Wn: usize, Sn: usize, out: usize): void {
  const kappa = <T>param(P_KAPPA);
  for (let j = 0; j < N; j++) {
    let m = 0;
    for (let i = 0; i < V; i++) {
      const w = ld<T>(Wn, i * N + j);
      if (w != <T>0) {
        st<f64>(sortKey, m, <f64>w);
        store<i32>(sortIdx + (<usize>m << 2), i);
        m++;
      }
    }
    sortEntries(m, true);
    let cum: f64 = 0;
    let value: f64 = m > 0 ? ld<f64>(sortKey, 0) : 0; // when no position qualifies
    let found = false;
    for (let r = 0; r < m; r++) {
      cum += <f64>ld<T>(Sn, load<i32>(sortIdx + (<usize>r << 2)));
      if (<T>cum >= kappa) {
        value = ld<f64>(sortKey, r);
        found = true;
        break;
      }
    }
    if (!found) {
      for (let i = 0; i < V; i++) {
        if (ld<T>(Wn, i * N + j) != <T>0) continue;
        cum += <f64>ld<T>(Sn, i);
        if (<T>cum >= kappa) {
          value = 0;
          break;
        }
      }
    }
    st<T>(out, j, <T>value);
  }
}

/**
 * `_compute_liquid_alpha(W, B, C, steepness, low, high)` into `out`:
 * buy where W ≥ B (distance clamp(W − C, 0, 1)), else sell (distance clamp(B − W, 0, 1));
 * alpha = clamp(low + sigmoid(−steepness·(d − 0.5))·(high − low), low, high).
 */
function liquidAlpha<T>(W: usize, B: usize, C: usize, out: usize): void {
  const low = param(P_ALPHA_LOW), high = param(P_ALPHA_HIGH);
  const lowT = <T>low, highT = <T>high, span = <T>(high - low);
  const negSteep = <T>(-param(P_STEEPNESS));
  for (let i = 0; i < V; i++) {
    for (let j = 0; j < N; j++) {
      const k = i * N + j;
      st<T>(out, k, alphaAt<T>(ld<T>(W, k), ld<T>(B, k), ld<T>(C, j), lowT, highT, span, negSteep));
    }
  }
}

/** The consensus liquid alpha measures against, into vCl (from the second epoch on): this
 *  epoch's, the previous one's, or the larger of the two, as the mode says. */
function liquidConsensus<T>(): void {
  for (let j = 0; j < N; j++) {
    const now = ld<T>(vC, j), before = ld<T>(stC, j);
    st<T>(vCl, j, mode == MODE_PREVIOUS ? before : mode == MODE_MIXED ? tmax<T>(now, before) : now);
  }
}

/** One entry of `_compute_liquid_alpha` (see liquidAlpha). */
// @ts-ignore: decorator
@inline function alphaAt<T>(w: T, b: T, c: T, lowT: T, highT: T, span: T, negSteep: T): T {
  const zero = <T>0, one = <T>1, half = <T>0.5;
  const d = w >= b ? clampMax<T>(clampMin<T>(w - c, zero), one) : clampMax<T>(clampMin<T>(b - w, zero), one);
  const e = texp<T>(negSteep * (d - half));
  const sig = one / (e + one);
  const a = sig * span + lowT;
  return clampMax<T>(clampMin<T>(a, lowT), highT);
}

/** D / (D.sum() + 1e-6) into the output, as f64. */
function normaliseDividends<T>(D: usize): void {
  const denom = innerSum<T>(D, V) + <T>1e-6;
  for (let i = 0; i < V; i++) st<f64>(outD, i, <f64>(ld<T>(D, i) / denom));
}

/** out_i = Σ_j M[i][j]·I[j] (`(M * I).sum(dim=1)`), through the scratch matrix mX. */
function bondsTimesIncentive<T>(M: usize, out: usize): void {
  for (let i = 0; i < V; i++) {
    for (let j = 0; j < N; j++) st<T>(mX, i * N + j, ld<T>(M, i * N + j) * ld<T>(vI, j));
  }
  rowSums<T>(mX, V, N, out);
}

/** W_b = (1 − β)·Wsrc + β·W_clipped. */
function weightsForBonds<T>(Wsrc: usize, out: usize): void {
  const bp = param(P_BOND_PENALTY);
  const keep = <T>(1 - bp), pen = <T>bp;
  for (let k = 0; k < V * N; k++) st<T>(out, k, keep * ld<T>(Wsrc, k) + pen * ld<T>(mWc, k));
}

/** B = nan_to_num((S·W_b) / (colsum(S·W_b) + eps)); eps is 1e-6 for Yuma 1, none for Yuma 2/2B. */
function instantBonds<T>(withEps: bool, out: usize): void {
  for (let i = 0; i < V; i++) {
    const s = ld<T>(vSn, i);
    for (let j = 0; j < N; j++) st<T>(mX, i * N + j, s * ld<T>(mWb, i * N + j));
  }
  colSums<T>(mX, V, N, vCol);
  const eps = withEps ? <T>1e-6 : <T>0;
  for (let i = 0; i < V; i++) {
    for (let j = 0; j < N; j++) {
      const k = i * N + j;
      const den = withEps ? ld<T>(vCol, j) + eps : ld<T>(vCol, j);
      st<T>(out, k, nanToNum<T>(ld<T>(mX, k) / den));
    }
  }
}

/** Yuma 1 / 2 / 2B: B_ema = α·B + (1 − α)·B_old (scalar or liquid α), or B in the first epoch. */
function emaBonds<T>(B: usize, alphaScalar: f64, useLiquid: bool, out: usize): void {
  if (epochsDone == 0) {
    memory.copy(out, B, <usize>V * <usize>N * sizeof<T>());
    return;
  }
  if (useLiquid) {
    liquidAlpha<T>(mWn, stB, vC, mA);
    for (let k = 0; k < V * N; k++) {
      const a = ld<T>(mA, k);
      st<T>(out, k, a * ld<T>(B, k) + (<T>1 - a) * ld<T>(stB, k));
    }
  } else {
    const a = <T>alphaScalar, b = <T>(1 - alphaScalar);
    for (let k = 0; k < V * N; k++) st<T>(out, k, a * ld<T>(B, k) + b * ld<T>(stB, k));
  }
}

export function peerStep<T>(): void {
  const VN = V * N;
  const eps = <T>1e-6;
  const liquid = (flags & FLAG_LIQUID) != 0 && epochsDone > 0;
  // Fused passes (the same operations per element, fewer sweeps over V×N); the reference
  // passes run with FLAG_REFERENCE (differential tests).
  const fast = (flags & FLAG_REFERENCE) == 0;
  const fuseY2 = fast && (version == YUMA2 || version == YUMA2B);
  const fuseY3 = fast && (version == YUMA3 || version == YUMA3_LIQUID);

  if (epochsDone > 0 && (version == YUMA2C || version == YUMA3 || version == YUMA3_LIQUID)) resetBondColumns<T>();

  // Inputs, rounded to T (torch.tensor of Python floats).
  // W = (W.T / (W.sum(dim=1) + 1e-6)).T ; S = S / S.sum()
  if (fast) {
    // Row by row (JS wrote the weights rounded to T): sum, normalise.
    for (let i = 0; i < V; i++) {
      const row = i * N;
      const src = inW + (<usize>row << alignof<T>());
      const sum = innerSum<T>(src, N);
      st<T>(vRow, i, sum);
      const den = sum + eps;
      let j = 0;
      if (ASC_FEATURE_SIMD && sizeof<T>() == 4) {
        // Four lanes at a time: the same IEEE division per element.
        const d = f32x4.splat(<f32>den);
        const to = mWn + (<usize>row << 2);
        for (; j + 4 <= N; j += 4) v128.store(to + (<usize>j << 2), f32x4.div(v128.load(src + (<usize>j << 2)), d));
      }
      for (; j < N; j++) st<T>(mWn, row + j, ld<T>(inW, row + j) / den);
    }
  } else {
    for (let k = 0; k < VN; k++) st<T>(mW, k, ld<T>(inW, k));
    rowSums<T>(mW, V, N, vRow);
    for (let i = 0; i < V; i++) {
      const den = ld<T>(vRow, i) + eps;
      for (let j = 0; j < N; j++) st<T>(mWn, i * N + j, ld<T>(mW, i * N + j) / den);
    }
  }
  for (let i = 0; i < V; i++) st<T>(vS, i, <T>ld<f64>(inS, i));
  const sTotal = innerSum<T>(vS, V);
  for (let i = 0; i < V; i++) st<T>(vSn, i, ld<T>(vS, i) / sTotal);

  // C = (C / C.sum() * 65535).int() / 65535
  consensusRaw<T>(mWn, vSn, vCraw);
  const cTotal = innerSum<T>(vCraw, N);
  for (let j = 0; j < N; j++) {
    const q = (ld<T>(vCraw, j) / cTotal) * <T>65535;
    const c = <f32>toInt32(<f64>q) / <f32>65535;
    st<T>(vC, j, <T>c);
  }

  // Clipping (Yuma 2B clips the previous epoch's weights), ranks, incentive.
  const Wsrc = version == YUMA2B && epochsDone > 0 ? stW : mWn;
  const bp = param(P_BOND_PENALTY);
  if (fuseY2) {
    // The stake products of the clipped weights (ranks) and of the weights for bonds
    // W_b = (1 − β)·W + β·W_clipped (instantBonds' numerators, in mB), in one pass; the
    // clipped weights themselves are not kept (nothing else reads them here).
    const keep = <T>(1 - bp), pen = <T>bp;
    for (let i = 0; i < V; i++) {
      const s = ld<T>(vSn, i);
      const row = i * N;
      let j0 = 0;
      if (ASC_FEATURE_SIMD && sizeof<T>() == 4) {
        // The same per element: min(w, C) is pmin(C, w) (w < C ? w : C; no NaN reaches here),
        // then the products and the sum each rounded once.
        const s4 = f32x4.splat(<f32>s), k4 = f32x4.splat(<f32>keep), p4 = f32x4.splat(<f32>pen);
        const wp = Wsrc + (<usize>row << 2), xp = mX + (<usize>row << 2), bp4 = mB + (<usize>row << 2);
        for (; j0 + 4 <= N; j0 += 4) {
          const o = <usize>j0 << 2;
          const w = v128.load(wp + o);
          const c = f32x4.pmin(v128.load(vC + o), w);
          v128.store(xp + o, f32x4.mul(s4, c));
          v128.store(bp4 + o, f32x4.mul(s4, f32x4.add(f32x4.mul(k4, w), f32x4.mul(p4, c))));
        }
      }
      for (let j = j0; j < N; j++) {
        const w = ld<T>(Wsrc, row + j);
        const c = tmin<T>(w, ld<T>(vC, j));
        st<T>(mX, row + j, s * c);
        st<T>(mB, row + j, s * (keep * w + pen * c));
      }
    }
  } else if (fast) {
    // The clipped weights are kept only for Yuma 1's weights for bonds.
    const keepClipped = version == YUMA1;
    for (let i = 0; i < V; i++) {
      const s = ld<T>(vSn, i);
      const row = i * N;
      let j0 = 0;
      if (ASC_FEATURE_SIMD && sizeof<T>() == 4 && !keepClipped) {
        const s4 = f32x4.splat(<f32>s);
        const wp = Wsrc + (<usize>row << 2), xp = mX + (<usize>row << 2);
        for (; j0 + 4 <= N; j0 += 4) {
          const o = <usize>j0 << 2;
          v128.store(xp + o, f32x4.mul(s4, f32x4.pmin(v128.load(vC + o), v128.load(wp + o))));
        }
      }
      for (let j = j0; j < N; j++) {
        const c = tmin<T>(ld<T>(Wsrc, row + j), ld<T>(vC, j));
        if (keepClipped) st<T>(mWc, row + j, c);
        st<T>(mX, row + j, s * c);
      }
    }
  } else {
    for (let i = 0; i < V; i++) {
      for (let j = 0; j < N; j++) st<T>(mWc, i * N + j, tmin<T>(ld<T>(Wsrc, i * N + j), ld<T>(vC, j)));
    }
    for (let i = 0; i < V; i++) {
      const s = ld<T>(vSn, i);
      for (let j = 0; j < N; j++) st<T>(mX, i * N + j, s * ld<T>(mWc, i * N + j));
    }
  }
  colSums<T>(mX, V, N, vR);
  if ((flags & FLAG_WTA) != 0) {
    // Winner takes all: 1/k to each of the k servers tied at the maximum rank.
    let top = ld<T>(vR, 0);
    for (let j = 1; j < N; j++) top = tmax<T>(top, ld<T>(vR, j));
    let ties = 0;
    for (let j = 0; j < N; j++) if (ld<T>(vR, j) == top) ties++;
    const share = <T>(1.0 / <f64>ties);
    for (let j = 0; j < N; j++) st<T>(vI, j, ld<T>(vR, j) == top ? share : <T>0);
  } else {
    const rTotal = innerSum<T>(vR, N);
    for (let j = 0; j < N; j++) st<T>(vI, j, nanToNum<T>(ld<T>(vR, j) / rTotal));
  }

  const bma = param(P_BMA);
  if (version == YUMA1) {
    // Instantaneous bonds (alpha 1, or liquid), renormalised with the 1e-6 column epsilon.
    weightsForBonds<T>(mWn, mWb);
    instantBonds<T>(true, mB);
    if (epochsDone == 0) memory.copy(mA, mB, <usize>VN * sizeof<T>());
    else if (liquid) emaBonds<T>(mB, 1, true, mA);
    else for (let k = 0; k < VN; k++) st<T>(mA, k, ld<T>(mB, k) + <T>0 * ld<T>(stB, k));
    colSums<T>(mA, V, N, vCol);
    for (let i = 0; i < V; i++) {
      for (let j = 0; j < N; j++) {
        const k = i * N + j;
        st<T>(stB, k, nanToNum<T>(ld<T>(mA, k) / (ld<T>(vCol, j) + eps)));
      }
    }
    bondsTimesIncentive<T>(stB, vD);
  } else if (fuseY2 && !liquid) {
    // instantBonds (numerators already in mB), the EMA, the carried bonds, their product
    // with the incentive (row sums), row by row.
    colSums<T>(mB, V, N, vCol);
    const first = epochsDone == 0;
    const alpha = 1 - bma;
    const a = <T>alpha, b = <T>(1 - alpha);
    const rowBytes = <usize>N * sizeof<T>();
    for (let i = 0; i < V; i++) {
      const row = i * N;
      let j0 = 0;
      if (ASC_FEATURE_SIMD && sizeof<T>() == 4) {
        // Per element as below: the division, nan_to_num (NaN → 0, ±inf → ±max), the EMA.
        const a4 = f32x4.splat(<f32>a), b4 = f32x4.splat(<f32>b);
        const zero = f32x4.splat(0), big = f32x4.splat(f32.MAX_VALUE), nbig = f32x4.splat(-f32.MAX_VALUE);
        const pinf = f32x4.splat(Infinity), ninf = f32x4.splat(-Infinity);
        const mb = mB + (<usize>row << 2), sb = stB + (<usize>row << 2);
        for (; j0 + 4 <= N; j0 += 4) {
          const o = <usize>j0 << 2;
          let q = f32x4.div(v128.load(mb + o), v128.load(vCol + o));
          q = v128.bitselect(zero, q, f32x4.ne(q, q));
          q = v128.bitselect(big, q, f32x4.eq(q, pinf));
          q = v128.bitselect(nbig, q, f32x4.eq(q, ninf));
          const v = first ? q : f32x4.add(f32x4.mul(a4, q), f32x4.mul(b4, v128.load(sb + o)));
          v128.store(sb + o, v);
          v128.store(vTmp + o, f32x4.mul(v, v128.load(vI + o)));
        }
      }
      for (let j = j0; j < N; j++) {
        const inst = nanToNum<T>(ld<T>(mB, row + j) / ld<T>(vCol, j));
        const v = first ? inst : a * inst + b * ld<T>(stB, row + j);
        st<T>(stB, row + j, v);
        st<T>(vTmp, j, v * ld<T>(vI, j));
      }
      st<T>(vD, i, innerSum<T>(vTmp, N));
    }
    if (version == YUMA2B) memory.copy(stW, mWn, <usize>VN * sizeof<T>());
  } else if (version == YUMA2 || version == YUMA2B) {
    if (fuseY2) {
      // Liquid alpha: instantBonds from the numerators in mB, then the reference EMA.
      colSums<T>(mB, V, N, vCol);
      for (let k = 0; k < VN; k++) st<T>(mB, k, nanToNum<T>(ld<T>(mB, k) / ld<T>(vCol, k % N)));
      emaBonds<T>(mB, 1 - bma, liquid, mA);
      memory.copy(stB, mA, <usize>VN * sizeof<T>());
      bondsTimesIncentive<T>(stB, vD);
      if (version == YUMA2B) memory.copy(stW, mWn, <usize>VN * sizeof<T>());
    } else {
    weightsForBonds<T>(Wsrc, mWb);
    instantBonds<T>(false, mB);
    emaBonds<T>(mB, 1 - bma, liquid, mA);
    memory.copy(stB, mA, <usize>VN * sizeof<T>());
    bondsTimesIncentive<T>(stB, vD);
    if (version == YUMA2B) memory.copy(stW, mWn, <usize>VN * sizeof<T>());
    }
  } else if (version == YUMA2C) {
    // Capacity bonds: cap_i = S_i·(2^64 − 1), purchase min(capacity_alpha·cap_i, room)·W,
    // decay, capped at cap_i; dividends from column-normalised bonds.
    const maxint = <T>18446744073709551615.0;
    const capAlpha = <T>param(P_CAPACITY_ALPHA);
    const decay = <T>(1 - param(P_DECAY));
    const zero = <T>0;
    for (let i = 0; i < V; i++) {
      const cap = ld<T>(vSn, i) * maxint;
      const buy = capAlpha * cap;
      for (let j = 0; j < N; j++) {
        const k = i * N + j;
        const old = ld<T>(stB, k); // zero before the first epoch
        const room = clampMin<T>(cap - old, zero);
        const purchase = tmin<T>(buy, room) * ld<T>(mWn, k);
        st<T>(mB, k, tmin<T>(decay * old + purchase, cap));
      }
    }
    memory.copy(stB, mB, <usize>VN * sizeof<T>());
    colSums<T>(mB, V, N, vCol);
    for (let i = 0; i < V; i++) {
      for (let j = 0; j < N; j++) st<T>(mA, i * N + j, ld<T>(mB, i * N + j) / (ld<T>(vCol, j) + eps));
    }
    bondsTimesIncentive<T>(mA, vD);
  } else if (fuseY3) {
    // Yuma 3 fused: the bond update in place (liquid alpha per entry, as liquidAlpha), then
    // column normalisation and the product with the incentive (row sums).
    const zero = <T>0, one = <T>1;
    if (liquid) {
      liquidConsensus<T>();
      const low = param(P_ALPHA_LOW), high = param(P_ALPHA_HIGH);
      const lowT = <T>low, highT = <T>high, span = <T>(high - low);
      const negSteep = <T>(-param(P_STEEPNESS));
      // |x| = |negSteep|·|d − 0.5| ≤ |negSteep|/2 (d is in [0, 1]): within the vector exp's
      // fast range (float32 |x| < 88, float64 |x| < 512) for any steepness up to 170 / 1000,
      // where its per-vector test can go.
      const near = abs<T>(negSteep) <= <T>(sizeof<T>() == 4 ? 170 : 1000);
      for (let i = 0; i < V; i++) {
        const row = i * N;
        let j0 = 0;
        if (ASC_FEATURE_SIMD) {
          // alphaAt and the update a vector at a time (four float32 lanes, exp by expf4 —
          // Mathf.exp's bits —, or two float64 lanes, exp by exp2d — Math.exp's); the clamps as
          // pseudo-min/max (no NaN reaches here).
          const lanes = 16 / <i32>sizeof<T>();
          const zeroV = vecOf<T>(0), oneV = vecOf<T>(1), halfV = vecOf<T>(0.5);
          const lowV = vecOf<T>(lowT), highV = vecOf<T>(highT), spanV = vecOf<T>(span), steepV = vecOf<T>(negSteep);
          const wp = mWn + (<usize>row << alignof<T>()), sb = stB + (<usize>row << alignof<T>());
          for (; j0 + lanes <= N; j0 += lanes) {
            const o = <usize>j0 << alignof<T>();
            const w = v128.load(wp + o), old = v128.load(sb + o), c = v128.load(vCl + o);
            const dw = vMin<T>(vMax<T>(vSub<T>(w, c), zeroV), oneV);
            const db = vMin<T>(vMax<T>(vSub<T>(old, w), zeroV), oneV);
            const d = v128.bitselect(dw, db, vGe<T>(w, old));
            const x = vMul<T>(steepV, vSub<T>(d, halfV));
            const e = sizeof<T>() == 4 ? (near ? expf4Near(x) : expf4(x)) : (near ? exp2dNear(x) : exp2d(x));
            const sig = vDiv<T>(oneV, vAdd<T>(e, oneV));
            const a = vMin<T>(vMax<T>(vAdd<T>(vMul<T>(sig, spanV), lowV), lowV), highV);
            const decayed = vMul<T>(old, vSub<T>(oneV, a));
            const room = vMax<T>(vSub<T>(oneV, decayed), zeroV);
            const v = vAdd<T>(decayed, vMin<T>(room, vMul<T>(a, w)));
            v128.store(sb + o, vMin<T>(v, oneV));
          }
        }
        for (let j = j0; j < N; j++) {
          const w = ld<T>(mWn, row + j), old = ld<T>(stB, row + j);
          const a = alphaAt<T>(w, old, ld<T>(vCl, j), lowT, highT, span, negSteep);
          const decayed = old * (one - a);
          const room = clampMin<T>(one - decayed, zero);
          const v = decayed + tmin<T>(a * w, room);
          st<T>(stB, row + j, clampMax<T>(v, one));
        }
      }
    } else {
      const alpha = 1 - bma;
      const a = <T>alpha, keep = <T>(1 - alpha);
      let k0 = 0;
      if (ASC_FEATURE_SIMD && sizeof<T>() == 4) {
        // Per element as below, with the clamps as pseudo-min/max (no NaN reaches here):
        // clampMin(x, 0) = pmax(x, 0), min(a·w, room) = pmin(room, a·w), clampMax(v, 1) = pmin(v, 1).
        const a4 = f32x4.splat(<f32>a), keep4 = f32x4.splat(<f32>keep), one4 = f32x4.splat(1), zero4 = f32x4.splat(0);
        for (; k0 + 4 <= VN; k0 += 4) {
          const o = <usize>k0 << 2;
          const decayed = f32x4.mul(v128.load(stB + o), keep4);
          const room = f32x4.pmax(f32x4.sub(one4, decayed), zero4);
          const v = f32x4.add(decayed, f32x4.pmin(room, f32x4.mul(a4, v128.load(mWn + o))));
          v128.store(stB + o, f32x4.pmin(v, one4));
        }
      }
      for (let k = k0; k < VN; k++) {
        const decayed = ld<T>(stB, k) * keep;
        const room = clampMin<T>(one - decayed, zero);
        const v = decayed + tmin<T>(a * ld<T>(mWn, k), room);
        st<T>(stB, k, clampMax<T>(v, one));
      }
    }
    colSums<T>(stB, V, N, vCol);
    for (let j = 0; j < N; j++) st<T>(vCol, j, ld<T>(vCol, j) + eps);
    for (let i = 0; i < V; i++) {
      const row = i * N;
      let j0 = 0;
      if (ASC_FEATURE_SIMD && sizeof<T>() == 4) {
        const sb = stB + (<usize>row << 2);
        for (; j0 + 4 <= N; j0 += 4) {
          const o = <usize>j0 << 2;
          const v = v128.load(sb + o);
          v128.store(vTmp + o, f32x4.mul(f32x4.div(v, v128.load(vCol + o)), v128.load(vI + o)));
        }
      }
      for (let j = j0; j < N; j++) {
        const v = ld<T>(stB, row + j);
        st<T>(vTmp, j, (v / ld<T>(vCol, j)) * ld<T>(vI, j));
      }
      const r = innerSum<T>(vTmp, N);
      st<T>(vRow, i, r);
      st<T>(vD, i, ld<T>(vSn, i) * r);
    }
  } else {
    // Yuma 3: bonds move towards the raw weights by alpha (capped at 1 per entry).
    const zero = <T>0, one = <T>1;
    if (liquid) {
      liquidConsensus<T>();
      liquidAlpha<T>(mWn, stB, vCl, mA);
      for (let k = 0; k < VN; k++) {
        const a = ld<T>(mA, k);
        const decayed = ld<T>(stB, k) * (one - a);
        const room = clampMin<T>(one - decayed, zero);
        const v = decayed + tmin<T>(a * ld<T>(mWn, k), room);
        st<T>(mB, k, clampMax<T>(v, one));
      }
    } else {
      const alpha = 1 - bma;
      const a = <T>alpha, keep = <T>(1 - alpha);
      for (let k = 0; k < VN; k++) {
        const decayed = ld<T>(stB, k) * keep;
        const room = clampMin<T>(one - decayed, zero);
        const v = decayed + tmin<T>(a * ld<T>(mWn, k), room);
        st<T>(mB, k, clampMax<T>(v, one));
      }
    }
    memory.copy(stB, mB, <usize>VN * sizeof<T>());
    colSums<T>(mB, V, N, vCol);
    for (let i = 0; i < V; i++) {
      for (let j = 0; j < N; j++) st<T>(mA, i * N + j, ld<T>(mB, i * N + j) / (ld<T>(vCol, j) + eps));
    }
    bondsTimesIncentive<T>(mA, vRow);
    for (let i = 0; i < V; i++) st<T>(vD, i, ld<T>(vSn, i) * ld<T>(vRow, i));
  }
  normaliseDividends<T>(vD);

  // Dividends per 1000 TAO, as simulation_utils computes them: from the stake tensor the
  // case supplies (not re-normalised), `.item()` to Python floats, division in double.
  const ratio = <T>param(P_RATIO), emission = <T>param(P_EMISSION), subnet = <T>param(P_SUBNET_STAKE);
  for (let i = 0; i < V; i++) {
    const units = <f64>((ld<T>(vS, i) * subnet) / <T>1000.0);
    const paid = <f64>((ratio * <T>ld<f64>(outD, i)) * emission);
    st<f64>(outP, i, units > 1e-6 ? paid / units : 0);
  }

  widen<T>(vC, outC, N);
  widen<T>(vI, outI, N);
  memory.copy(stC, vC, <usize>N * sizeof<T>());
}
