// Stake-weighted median per column, as subtensor's `weighted_median` /
// `weighted_median_col_sparse`. The pivot is the element at len/2 of the current partition
// and the partitions keep input order: a different (even correct) selection algorithm
// would return other bits on ties, so this follows the chain step by step.

import { sadd, ssub } from "./fixed";
import { allocRaw, allocZeroed, getI32, getI64, getU32, setI32, setI64, setU32 } from "./mem";
import { Csr, colAt, inplace_normalize, rowLen, rowStart, sum, valAt } from "./sparse";

/**
 * `weighted_median` over indices 0..k of (stake, score) with partition edges lo, hi.
 * `bufA`, `bufB`, `bufC` are i32[k] scratch.
 */
export function weighted_median(
  stake: usize, score: usize, k: i32, minority: i64, lo: i64, hi: i64,
  bufA: usize, bufB: usize, bufC: usize,
): i64 {
  let cur = bufA, lower = bufB, upper = bufC;
  let n = k;
  for (let t = 0; t < k; t++) setI32(cur, t, t);
  let iterations = 0;
  const limit = k;
  while (true) {
    if (n == 0) return 0;
    if (n == 1) return getI64(score, getI32(cur, 0));
    const pivot = getI64(score, getI32(cur, n >> 1));
    let loStake: i64 = 0, hiStake: i64 = 0;
    let nl = 0, nu = 0;
    for (let t = 0; t < n; t++) {
      const idx = getI32(cur, t);
      const s = getI64(score, idx);
      if (s == pivot) continue;
      if (s < pivot) {
        loStake = sadd(loStake, getI64(stake, idx));
        setI32(lower, nl++, idx);
      } else {
        hiStake = sadd(hiStake, getI64(stake, idx));
        setI32(upper, nu++, idx);
      }
    }
    if (minority < sadd(lo, loStake) && nl > 0) {
      hi = sadd(lo, loStake);
      const freed = cur; cur = lower; lower = freed; n = nl;
    } else if (ssub(hi, hiStake) <= minority && nu > 0) {
      lo = ssub(hi, hiStake);
      const freed = cur; cur = upper; upper = freed; n = nu;
    } else {
      return pivot;
    }
    iterations++;
    if (iterations > limit) break;
  }
  return 0;
}

/**
 * `weighted_median_col_sparse(stake, score, columns, majority)` into out (i64[columns]).
 * Only rows with positive stake vote; their stake is renormalised. Columns are gathered
 * through a column index of the voting entries instead of the chain's dense
 * columns × voters table (same values, memory O(nnz)).
 */
export function weighted_median_col_sparse(
  stake: usize, m: Csr, columns: i32, majority: i64, out: usize,
): void {
  const n = m.rows;
  let k = 0;
  for (let i = 0; i < n; i++) if (getI64(stake, i) > 0) k++;
  const useStake = allocRaw(<usize>k << 3);
  const voterOf = allocRaw(<usize>n << 2);
  k = 0;
  for (let i = 0; i < n; i++) {
    const s = getI64(stake, i);
    if (s > 0) { setI64(useStake, k, s); setI32(voterOf, i, k); k++; } else setI32(voterOf, i, -1);
  }
  inplace_normalize(useStake, k);
  const stakeSum = sum(useStake, k);
  const minority = ssub(stakeSum, majority);

  // Column index over voting rows: entries grouped by column, in (row, stored) order so
  // that a duplicate column in a row resolves like the chain (last write wins).
  const colStart = allocZeroed((<usize>columns + 1) << 2);
  for (let i = 0; i < n; i++) {
    if (getI32(voterOf, i) < 0) continue;
    const s = rowStart(m, i), l = rowLen(m, i);
    for (let e = s; e < s + l; e++) {
      const c = colAt(m, e);
      if (c < columns) setU32(colStart, c + 1, getU32(colStart, c + 1) + 1);
    }
  }
  for (let c = 0; c < columns; c++) setU32(colStart, c + 1, getU32(colStart, c + 1) + getU32(colStart, c));
  const total = <i32>getU32(colStart, columns);
  const fill = allocRaw(<usize>columns << 2);
  memory.copy(fill, colStart, <usize>columns << 2);
  const entVoter = allocRaw(<usize>total << 2);
  const entVal = allocRaw(<usize>total << 3);
  for (let i = 0; i < n; i++) {
    const v = getI32(voterOf, i);
    if (v < 0) continue;
    const s = rowStart(m, i), l = rowLen(m, i);
    for (let e = s; e < s + l; e++) {
      const c = colAt(m, e);
      if (c >= columns) continue;
      const at = <i32>getU32(fill, c);
      setI32(entVoter, at, v);
      setI64(entVal, at, valAt(m, e));
      setU32(fill, c, at + 1);
    }
  }

  const score = allocZeroed(<usize>k << 3);
  const bufA = allocRaw(<usize>k << 2), bufB = allocRaw(<usize>k << 2), bufC = allocRaw(<usize>k << 2);
  for (let c = 0; c < columns; c++) {
    const a = <i32>getU32(colStart, c), b = <i32>getU32(colStart, c + 1);
    if (a == b) {
      // An all-zero column: every partition step keeps the pivot 0.
      setI64(out, c, 0);
      continue;
    }
    for (let e = a; e < b; e++) setI64(score, getI32(entVoter, e), getI64(entVal, e));
    setI64(out, c, weighted_median(useStake, score, k, minority, 0, stakeSum, bufA, bufB, bufC));
    for (let e = a; e < b; e++) setI64(score, getI32(entVoter, e), 0);
  }
}
