// subtensor `epoch_mechanism` (pallets/subtensor/src/epoch/run_epoch.rs), the sparse path,
// as a sequence of the kernels in sparse.ts / median.ts / bonds.ts. Integer fixed point only.
//
// JS writes an EpochParams block and the input arrays into linear memory, calls `epoch`, and
// reads the EpochOutput block it returns. Everything lives on the bump heap until the next
// reset, so one epoch allocates nothing that the next one keeps.

import { fixedTimesRao, ONE, proportionToU16, shareOf, ssub, u16ToProportion } from "./fixed";
import {
  allocRaw, allocZeroed, getI64, getU16, getU32, getU64, getU8, setI64, setU16, setU32, setU64, setU8,
} from "./mem";
import {
  bonds_prepare, clip_trust_ranks, col_clip_sparse, col_normalize_dividends_max, col_upscale, colAt, Csr, csrClone,
  inplace_col_max_upscale_sparse, inplace_col_normalize_sparse, inplace_col_normalize_sparse_int,
  inplace_col_normalize_sparse_unit, inplace_mask_vector, inplace_normalize, inplace_normalize_using_sum,
  inplace_row_normalize_sparse, interpolate_sparse, mask_diag_sparse, mask_rows_sparse, matmul_sparse,
  matmul_transpose_sparse, normalized_bond_totals, row_hadamard_sparse, row_scaled, row_sum_mat_vec_mul_sparse,
  row_scaled_col_sums, row_sum_sparse, rowLen, rowStart, scalar_vec_mask_sparse_matrix, sum, valAt, vec_mask_sparse_matrix, vec_mul,
  weights_prepare, weightsUnit,
} from "./sparse";
import { weighted_median_col_sparse } from "./median";
import { mat_ema_alpha_sparse_liquid, mat_ema_sparse, mat_ema_yuma2, setLiquidAlphaParams } from "./bonds";

// EpochParams layout (byte offsets); keep in sync with src/layout.ts.
export const FLAG_YUMA3: u32 = 1;
export const FLAG_LIQUID: u32 = 2;
export const FLAG_COMMIT_REVEAL: u32 = 4;
export const FLAG_OWNER: u32 = 8;
export const FLAG_TRACE: u32 = 16;

const P_N = 0, P_FLAGS = 4, P_KAPPA = 8, P_BONDS_PENALTY = 12, P_ALPHA_LOW = 16, P_ALPHA_HIGH = 20,
  P_STEEPNESS = 24, P_MAX_VALIDATORS = 28, P_OWNER = 32, P_LAST_UPDATE_LEN = 36,
  P_CURRENT_BLOCK = 40, P_TEMPO = 48, P_ACTIVITY_CUTOFF = 56, P_BMA = 64, P_STAKE_THRESHOLD = 72,
  P_LMS = 80, P_RAO = 88,
  P_STAKE = 96, P_LAST_UPDATE = 100, P_REGISTRATION = 104, P_PERMIT = 108, P_COMMIT = 112,
  P_W_START = 116, P_W_COL = 120, P_W_VAL = 124, P_B_START = 128, P_B_COL = 132, P_B_VAL = 136;
export const PARAMS_SIZE: i32 = 144;

// EpochOutput layout: u32 pointers.
const O_ACTIVE = 0, O_STAKE_WEIGHT = 4, O_CONSENSUS = 8, O_INCENTIVE = 12, O_DIVIDENDS = 16,
  O_TRUST = 20, O_PERMIT = 24, O_SERVER = 28, O_VALIDATOR = 32, O_EMISSION = 36,
  O_BONDS_START = 40, O_BONDS_COL = 44, O_BONDS_VAL = 48,
  O_T_STAKE = 52, O_T_ACTIVE_STAKE = 56, O_T_W_START = 60, O_T_W_COL = 64, O_T_W_VAL = 68,
  O_T_CONSENSUS = 72, O_T_TRUST = 76, O_T_INCENTIVE = 80, O_T_DIVIDENDS = 84,
  O_T_B_START = 88, O_T_B_COL = 92, O_T_B_VAL = 96,
  // The normalised emission shares (I32F32 raw, i64[n]) the three emissions are floored from.
  O_SERVER_SHARE = 100, O_VALIDATOR_SHARE = 104, O_COMBINED_SHARE = 108;
const OUTPUT_SIZE: usize = 112;

// @ts-ignore: decorator
@inline function ptr(p: usize, off: i32): usize { return <usize>load<u32>(p + off); }

// @ts-ignore: decorator
@inline function satAddU64(a: u64, b: u64): u64 { const s = a + b; return s < a ? u64.MAX_VALUE : s; }
// @ts-ignore: decorator
@inline function satSubU64(a: u64, b: u64): u64 { return a > b ? a - b : 0; }

function vecI64(n: i32): usize { return allocZeroed(<usize>n << 3); }
function copyI64(src: usize, n: i32): usize {
  const d = allocRaw(<usize>n << 3);
  memory.copy(d, src, <usize>n << 3);
  return d;
}

// The step-by-step sequence of single kernels (as the chain's code reads), kept as the
// reference the fused / fast paths are tested against: `setReferenceKernels(true)` runs it.
let referenceKernels = false;

/** Testing aid: run the single-step reference kernels instead of the fused fast paths. */
export function setReferenceKernels(on: bool): void {
  referenceKernels = on;
}

/** Wrap a compact CSR written by JS (offsets u32[n+1], cols u16[], u16 values) as a Csr whose
 *  values are whole numbers (v·2^32) or u16 proportions. (Reference path.) */
function csrFromInput(n: i32, start: usize, cols: usize, vals: usize, proportion: bool): Csr {
  const m = changetype<Csr>(allocRaw(offsetof<Csr>()));
  m.rows = n;
  m.start = start;
  m.len = allocRaw(<usize>n << 2);
  for (let i = 0; i < n; i++) setU32(m.len, i, getU32(start, i + 1) - getU32(start, i));
  const total = <i32>getU32(start, n);
  m.col = cols;
  m.val = allocRaw(<usize>total << 3);
  for (let e = 0; e < total; e++) {
    const v = getU16(vals, e);
    setI64(m.val, e, proportion ? u16ToProportion(v) : <i64>v << 32);
  }
  return m;
}

/** Compact a Csr into offsets/cols/values for JS; values as u16 proportions or raw i64. */
function emitCsr(m: Csr, out: usize, offStart: i32, offCol: i32, offVal: i32, asU16: bool, rowMask: usize): void {
  const n = m.rows;
  const start = allocRaw((<usize>n + 1) << 2);
  let total: u32 = 0;
  for (let i = 0; i < n; i++) {
    setU32(start, i, total);
    if (rowMask == 0 || getU8(rowMask, i) != 0) total += <u32>rowLen(m, i);
  }
  setU32(start, n, total);
  const cols = allocRaw(<usize>total << 1);
  const vals = allocRaw(<usize>total << (asU16 ? 1 : 3));
  let w = 0;
  for (let i = 0; i < n; i++) {
    if (rowMask != 0 && getU8(rowMask, i) == 0) continue;
    const s = rowStart(m, i), l = rowLen(m, i);
    for (let e = s; e < s + l; e++) {
      setU16(cols, w, <u32>colAt(m, e));
      if (asU16) setU16(vals, w, proportionToU16(valAt(m, e)));
      else setI64(vals, w, valAt(m, e));
      w++;
    }
  }
  store<u32>(out + offStart, <u32>start);
  store<u32>(out + offCol, <u32>cols);
  store<u32>(out + offVal, <u32>vals);
}

function emitU16(x: usize, n: i32, out: usize, off: i32): void {
  const v = allocRaw(<usize>n << 1);
  for (let i = 0; i < n; i++) setU16(v, i, proportionToU16(getI64(x, i)));
  store<u32>(out + off, <u32>v);
}

/** The epoch's emission split: `v[i] = floor(share[i] · rao)` (`fixedTimesRao`), u64[n]. */
function raoByShares(x: usize, n: i32, rao: u64, v: usize): void {
  for (let i = 0; i < n; i++) setU64(v, i, fixedTimesRao(getI64(x, i), rao));
}

function emitRao(x: usize, n: i32, rao: u64, out: usize, off: i32): void {
  const v = allocRaw(<usize>n << 3);
  raoByShares(x, n, rao, v);
  store<u32>(out + off, <u32>v);
}

/** Split `rao` by a share vector (I32F32 raw, i64[n], e.g. an epoch's server / validator /
 *  combined share) into `out` (u64[n]) with exactly the epoch's own emission arithmetic. */
export function emitShares(sharesPtr: usize, n: i32, rao: u64, outPtr: usize): void {
  raoByShares(sharesPtr, n, rao, outPtr);
}

/** `is_topk_nonzero(stake, k)`: non-zero entries, minus the n−k smallest under a stable
 *  ascending sort (ties: the lower uid sorts first and so loses). */
function is_topk_nonzero(x: usize, n: i32, k: i32, out: usize): void {
  for (let i = 0; i < n; i++) setU8(out, i, getI64(x, i) != 0 ? 1 : 0);
  if (n < k) return;
  const drop = n - k;
  if (drop == 0) return;
  // Stable merge sort of uids by value (bottom-up).
  let a = allocRaw(<usize>n << 2), b = allocRaw(<usize>n << 2);
  for (let i = 0; i < n; i++) setU32(a, i, i);
  for (let width = 1; width < n; width <<= 1) {
    for (let lo = 0; lo < n; lo += width << 1) {
      const mid = min(lo + width, n), hi = min(lo + (width << 1), n);
      let i = lo, j = mid, w = lo;
      while (i < mid && j < hi) {
        const ui = getU32(a, i), uj = getU32(a, j);
        if (getI64(x, <i32>uj) < getI64(x, <i32>ui)) { setU32(b, w++, uj); j++; }
        else { setU32(b, w++, ui); i++; }
      }
      while (i < mid) setU32(b, w++, getU32(a, i++));
      while (j < hi) setU32(b, w++, getU32(a, j++));
    }
    const t = a; a = b; b = t;
  }
  for (let t = 0; t < drop; t++) setU8(out, <i32>getU32(a, t), 0);
}

export function epoch(p: usize): usize {
  const n = <i32>load<u32>(p + P_N);
  const flags = load<u32>(p + P_FLAGS);
  const yuma3 = (flags & FLAG_YUMA3) != 0;
  const liquid = (flags & FLAG_LIQUID) != 0;
  const hasOwner = (flags & FLAG_OWNER) != 0;
  const trace = (flags & FLAG_TRACE) != 0;
  const ownerUid = hasOwner ? <i32>load<u32>(p + P_OWNER) : -1;
  const luLen = <i32>load<u32>(p + P_LAST_UPDATE_LEN);
  const currentBlock = load<u64>(p + P_CURRENT_BLOCK);
  const tempo = load<u64>(p + P_TEMPO);
  const cutoff = load<u64>(p + P_ACTIVITY_CUTOFF);
  const rao = load<u64>(p + P_RAO);
  const stakeIn = ptr(p, P_STAKE), lastUpdate = ptr(p, P_LAST_UPDATE), registration = ptr(p, P_REGISTRATION);
  const out = allocZeroed(OUTPUT_SIZE);

  // == Active & updated ==
  // `inactive` has one entry per stored LastUpdate; uids past its end count as inactive.
  const inactive = allocRaw(<usize>max(luLen, 1));
  const active = allocZeroed(<usize>n);
  for (let i = 0; i < luLen; i++) {
    const isInactive = satAddU64(getU64(lastUpdate, i), cutoff) < currentBlock;
    setU8(inactive, i, isInactive ? 1 : 0);
    if (i < n) setU8(active, i, isInactive ? 0 : 1);
  }
  store<u32>(out + O_ACTIVE, <u32>active);

  // == Stake ==
  // Threshold filter (the owner is exempt), then I64F64 normalisation narrowed to I32F32.
  const threshold = load<u64>(p + P_STAKE_THRESHOLD);
  const filtered = allocRaw(<usize>n << 3);
  let total: u64 = 0;
  for (let i = 0; i < n; i++) {
    let s = getU64(stakeIn, i);
    if (i != ownerUid && s < threshold) s = 0;
    setU64(filtered, i, s);
    total += s;
  }
  const stake = vecI64(n);
  for (let i = 0; i < n; i++) setI64(stake, i, shareOf(getU64(filtered, i), total));

  // == Validator permits ==
  const forbids = allocRaw(<usize>n);
  const permitIn = ptr(p, P_PERMIT);
  for (let i = 0; i < n; i++) setU8(forbids, i, i == ownerUid || getU8(permitIn, i) != 0 ? 0 : 1);
  const newPermit = allocRaw(<usize>n);
  is_topk_nonzero(stake, n, <i32>load<u32>(p + P_MAX_VALIDATORS), newPermit);
  if (ownerUid >= 0 && ownerUid < n) setU8(newPermit, ownerUid, 1);
  store<u32>(out + O_PERMIT, <u32>newPermit);

  // == Active stake ==
  const activeStake = copyI64(stake, n);
  inplace_mask_vector(inactive, luLen, activeStake, n);
  inplace_mask_vector(forbids, n, activeStake, n);
  inplace_normalize(activeStake, n);

  // == Weights ==
  // Stored weights → mask_rows_sparse(forbids) → mask_diag_sparse (owner exempt) →
  // outdated-weights mask → commit-reveal mask (if on) → inplace_row_normalize_sparse, fused.
  const ref = referenceKernels;
  let weights: Csr;
  if (ref) {
    weights = csrFromInput(n, ptr(p, P_W_START), ptr(p, P_W_COL), ptr(p, P_W_VAL), false);
    mask_rows_sparse(forbids, weights);
    mask_diag_sparse(weights, ownerUid);
    vec_mask_sparse_matrix(weights, lastUpdate, luLen, registration, n, true);
    if ((flags & FLAG_COMMIT_REVEAL) != 0) vec_mask_sparse_matrix(weights, ptr(p, P_COMMIT), n, registration, n, false);
    inplace_row_normalize_sparse(weights);
  } else {
    weights = weights_prepare(
      n, ptr(p, P_W_START), ptr(p, P_W_COL), ptr(p, P_W_VAL), forbids, ownerUid, lastUpdate, luLen, registration,
      (flags & FLAG_COMMIT_REVEAL) != 0 ? ptr(p, P_COMMIT) : 0,
    );
  }

  // == Consensus, validator trust ==
  const kappa = u16ToProportion(load<u32>(p + P_KAPPA));
  const consensus = vecI64(n);
  weighted_median_col_sparse(activeStake, weights, n, kappa, consensus);

  // == Ranks, trust, incentive ==
  // col_clip_sparse, row_sum_sparse (validator trust) and matmul_sparse (ranks) in one pass.
  const validatorTrust = vecI64(n);
  const incentive = vecI64(n);
  const unit = !ref && weightsUnit; // every weight in [0, 1]: the proportion fast paths apply
  let clipped: Csr;
  if (ref) {
    clipped = col_clip_sparse(weights, consensus, n);
    row_sum_sparse(clipped, validatorTrust);
    matmul_sparse(clipped, activeStake, n, incentive);
  } else {
    clipped = clip_trust_ranks(weights, consensus, n, activeStake, validatorTrust, incentive, unit);
  }
  inplace_normalize(incentive, n);

  // == Bonds and dividends ==
  const dense1 = vecI64(n), dense2 = vecI64(n), colScratch = vecI64(n);
  const bondsPenalty = u16ToProportion(load<u32>(p + P_BONDS_PENALTY));
  const weightsForBonds = interpolate_sparse(weights, clipped, n, bondsPenalty, dense1, dense2);
  const lms = load<u64>(p + P_LMS);
  const lastTempo: u64 = lms == 0 ? satSubU64(currentBlock, tempo) : satAddU64(lms, 1);
  // alpha = 1 − bma/1e6 (I64F64 quotient narrowed to I32F32 by truncation).
  const bmaFixed = <i64>((load<u64>(p + P_BMA) << 32) / 1_000_000);
  const alpha = ssub(ONE, bmaFixed);
  const dividends = vecI64(n);
  let emaBonds: Csr;
  if (yuma3) {
    let bonds: Csr;
    if (ref) {
      bonds = csrFromInput(n, ptr(p, P_B_START), ptr(p, P_B_COL), ptr(p, P_B_VAL), true);
      scalar_vec_mask_sparse_matrix(bonds, lastTempo, registration, n);
    } else {
      bonds = bonds_prepare(n, ptr(p, P_B_START), ptr(p, P_B_COL), ptr(p, P_B_VAL), true, lastTempo, registration, 0);
    }
    const bondSums = vecI64(n); // column sums of emaBonds, filled by the EMA
    let anyConsensus = false;
    for (let j = 0; j < n; j++) if (getI64(consensus, j) != 0) { anyConsensus = true; break; }
    if (liquid && anyConsensus) {
      setLiquidAlphaParams(
        u16ToProportion(load<u32>(p + P_ALPHA_LOW)), u16ToProportion(load<u32>(p + P_ALPHA_HIGH)),
        load<i32>(p + P_STEEPNESS),
      );
      const stamps = allocZeroed(<usize>n * 12);
      emaBonds = mat_ema_alpha_sparse_liquid(
        weightsForBonds, bonds, consensus, n, dense1, dense2, colScratch,
        stamps, stamps + (<usize>n << 2), stamps + (<usize>n << 3), bondSums, unit,
      );
      memory.fill(dense1, 0, <usize>n << 3);
      memory.fill(dense2, 0, <usize>n << 3);
    } else {
      emaBonds = mat_ema_sparse(weightsForBonds, bonds, alpha, n, dense1, bondSums, unit);
    }
    // emaBonds is in [0, 1] when its inputs and alpha were (liquid: always clamped to 1).
    const emaUnit = unit && alpha >= 0 && alpha <= ONE;
    // row_sum(mat_vec_mul(col_normalized(emaBonds), incentive)) without the normalised copy.
    const totalBonds = vecI64(n);
    if (ref) {
      const emaNorm = csrClone(emaBonds);
      inplace_col_normalize_sparse(emaNorm, n, colScratch);
      row_sum_mat_vec_mul_sparse(emaNorm, incentive, n, totalBonds);
    } else {
      normalized_bond_totals(emaBonds, n, bondSums, incentive, totalBonds, emaUnit);
    }
    vec_mul(totalBonds, activeStake, dividends, n);
    inplace_normalize(dividends, n);
  } else if (ref) {
    const bonds = csrFromInput(n, ptr(p, P_B_START), ptr(p, P_B_COL), ptr(p, P_B_VAL), false);
    scalar_vec_mask_sparse_matrix(bonds, lastTempo, registration, n);
    inplace_col_normalize_sparse(bonds, n, colScratch);
    const delta = csrClone(weightsForBonds);
    row_hadamard_sparse(delta, activeStake);
    inplace_col_normalize_sparse(delta, n, colScratch);
    emaBonds = mat_ema_sparse(delta, bonds, alpha, n, dense1, 0, false);
    inplace_col_normalize_sparse(emaBonds, n, colScratch);
    matmul_transpose_sparse(emaBonds, incentive, n, dividends);
    inplace_normalize(dividends, n);
    inplace_col_max_upscale_sparse(emaBonds, n, colScratch);
  } else {
    const bondSums = vecI64(n); // integer column sums of the stored bonds
    const bonds = bonds_prepare(n, ptr(p, P_B_START), ptr(p, P_B_COL), ptr(p, P_B_VAL), false, lastTempo, registration, bondSums);
    // The EMA inputs are column-normalised (each entry <= its column sum), so in [0, 1];
    // with alpha in [0, 1] so is the EMA, and with unit weights the incentive is too.
    const emaUnit = unit && alpha >= 0 && alpha <= ONE;
    let smallBondSums = true; // every column's sum V < 2^31: its saturating sum V·2^32 is exact
    for (let j = 0; j < n; j++) if (getU64(bondSums, j) >= (<u64>1 << 31)) { smallBondSums = false; break; }
    if (emaUnit && smallBondSums) {
      // Normalised delta and bonds computed inside the EMA (see mat_ema_yuma2).
      const deltaSums = vecI64(n);
      row_scaled_col_sums(weightsForBonds, activeStake, n, deltaSums);
      emaBonds = mat_ema_yuma2(weightsForBonds, activeStake, deltaSums, bonds, bondSums, alpha, n, dense1, colScratch);
    } else {
      inplace_col_normalize_sparse_int(bonds, n, colScratch); // stored u16 values: whole numbers
      const delta = row_scaled(weightsForBonds, activeStake, unit); // row_hadamard_sparse on a copy
      if (unit) inplace_col_normalize_sparse_unit(delta, n, colScratch);
      else inplace_col_normalize_sparse(delta, n, colScratch);
      emaBonds = mat_ema_sparse(delta, bonds, alpha, n, dense1, colScratch, emaUnit);
    }
    // inplace_col_normalize_sparse + matmul_transpose_sparse + the column maxima, then the
    // max-upscale.
    col_normalize_dividends_max(emaBonds, n, colScratch, incentive, dividends, dense2, emaUnit);
    inplace_normalize(dividends, n);
    col_upscale(emaBonds, n, dense2, emaUnit);
    memory.fill(dense2, 0, <usize>n << 3);
  }

  // == Emission ==
  const combined = vecI64(n);
  for (let i = 0; i < n; i++) {
    const a = getI64(incentive, i), b = getI64(dividends, i);
    const s = a + b;
    setI64(combined, i, ((a ^ s) & (b ^ s)) < 0 ? (a < 0 ? i64.MIN_VALUE : i64.MAX_VALUE) : s);
  }
  const emissionSum = sum(combined, n);
  const serverShare = copyI64(incentive, n);
  let validatorShare = copyI64(dividends, n);
  let combinedShare = copyI64(combined, n);
  inplace_normalize_using_sum(serverShare, n, emissionSum);
  inplace_normalize_using_sum(validatorShare, n, emissionSum);
  inplace_normalize(combinedShare, n);
  if (emissionSum == 0) {
    // No usable weights: emission follows (active) stake.
    const base = sum(activeStake, n) == 0 ? stake : activeStake;
    validatorShare = base;
    combinedShare = base;
  }
  emitRao(serverShare, n, rao, out, O_SERVER);
  emitRao(validatorShare, n, rao, out, O_VALIDATOR);
  emitRao(combinedShare, n, rao, out, O_EMISSION);
  store<u32>(out + O_SERVER_SHARE, <u32>serverShare);
  store<u32>(out + O_VALIDATOR_SHARE, <u32>validatorShare);
  store<u32>(out + O_COMBINED_SHARE, <u32>combinedShare);

  emitU16(stake, n, out, O_STAKE_WEIGHT);
  emitU16(consensus, n, out, O_CONSENSUS);
  emitU16(incentive, n, out, O_INCENTIVE);
  emitU16(dividends, n, out, O_DIVIDENDS);
  emitU16(validatorTrust, n, out, O_TRUST);
  // Bond rows are stored for uids with a new permit; every other row is stored empty.
  emitCsr(emaBonds, out, O_BONDS_START, O_BONDS_COL, O_BONDS_VAL, true, newPermit);

  if (trace) {
    store<u32>(out + O_T_STAKE, <u32>stake);
    store<u32>(out + O_T_ACTIVE_STAKE, <u32>activeStake);
    emitCsr(weights, out, O_T_W_START, O_T_W_COL, O_T_W_VAL, false, 0);
    store<u32>(out + O_T_CONSENSUS, <u32>consensus);
    store<u32>(out + O_T_TRUST, <u32>validatorTrust);
    store<u32>(out + O_T_INCENTIVE, <u32>incentive);
    store<u32>(out + O_T_DIVIDENDS, <u32>dividends);
    emitCsr(emaBonds, out, O_T_B_START, O_T_B_COL, O_T_B_VAL, false, 0);
  }
  return out;
}
