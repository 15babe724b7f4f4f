// Stake-weighted median per column, as subtensor's `weighted_median` /
// `weighted_median_col_sparse`: the same value, computed by a faster selection (the proof
// that the chain's result does not depend on pivots or order is at `selectWeighted`).

import { ssub } from "./fixed";
import { allocRaw, allocZeroed, getI32, getI64, getU32, setI32, setI64, setU32 } from "./mem";
import { Csr, colAt, inplace_normalize, rowLen, rowStart, sum, valAt } from "./sparse";

// Testing aids (never set by the API): force the sort fallback after `fallbackAfter`
// partition passes (-1: automatic), force the column-bucket gather, and count the pairs the
// selections visit (and the voter cursors the blocked gather looks at), so tests can check cost and both paths against the chain's algorithm.
let fallbackAfter: i32 = -1;
let forceBuckets: bool = false;
let visits: u64 = 0;

export function setMedianTuning(fallback: i32, buckets: bool): void {
  fallbackAfter = fallback;
  forceBuckets = buckets;
}

export function medianVisits(): u64 {
  return visits;
}

@inline function swapPairs(a: usize, b: usize): void {
  const s = load<i64>(a), w = load<i64>(a, 8);
  store<i64>(a, load<i64>(b));
  store<i64>(a, load<i64>(b, 8), 8);
  store<i64>(b, s);
  store<i64>(b, w, 8);
}

function siftDown(base: usize, root: i32, n: i32): void {
  while (true) {
    let child = (root << 1) + 1;
    if (child >= n) return;
    if (child + 1 < n && load<i64>(base + (<usize>(child + 1) << 4)) > load<i64>(base + (<usize>child << 4))) child++;
    const r = base + (<usize>root << 4), c = base + (<usize>child << 4);
    if (load<i64>(r) >= load<i64>(c)) return;
    swapPairs(r, c);
    root = child;
  }
}

/**
 * The fallback when quickselect keeps picking bad pivots (adversarial orderings): heapsort the
 * partition's pairs by score, O(n log n) whatever the order, then walk the scores upwards to
 * v* = the smallest score whose cumulative stake (with `below`) exceeds the minority, or the
 * largest score if none does: the value `selectWeighted`'s loop converges to.
 */
function selectBySort(cur: usize, n: i32, below: i64, minority: i64): i64 {
  for (let i = (n >> 1) - 1; i >= 0; i--) siftDown(cur, i, n);
  for (let end = n - 1; end > 0; end--) {
    swapPairs(cur, cur + (<usize>end << 4));
    siftDown(cur, 0, end);
  }
  visits += <u64>n * <u64>(32 - clz<i32>(n));
  let acc = below;
  let i = 0;
  while (i < n) {
    const s = load<i64>(cur + (<usize>i << 4));
    while (i < n && load<i64>(cur + (<usize>i << 4)) == s) {
      acc += load<i64>(cur + (<usize>i << 4), 8);
      i++;
    }
    if (acc > minority) return s;
  }
  return load<i64>(cur + (<usize>(n - 1) << 4));
}

/**
 * The value the chain's `weighted_median` returns, found by a different (faster) route.
 *
 * Reading the chain's loop: with pivot p it moves to the lower partition iff W(< p) >
 * minority (and that partition is not empty), to the upper one iff W(<= p) <= minority (and
 * that one is not empty), else returns p; W(.) is the exact (never saturating: the stakes
 * are normalised, so every partial sum is <= 1) stake of all voters with a score below / at
 * most p, because `lo`/`hi` carry the stake left behind on each side. By induction the
 * current partition always holds v* = the smallest score v with W(<= v) > minority (the
 * largest score if there is none), and the loop ends on v* whichever pivots it takes. So
 * the result depends only on the multiset of (score, stake) pairs, not on their order, and
 * any selection algorithm that finds v* returns the same bits.
 *
 * Here: 3-way quickselect on (score, stake) pairs stored contiguously, branch-free
 * partitioning into two buffers. `cur` holds `len` pairs (16 bytes each: score, stake) whose
 * stakes sum to `total`; `bufL`, `bufU` have room for `len` pairs; `cur` is overwritten.
 */
function selectWeighted(cur: usize, len: i32, total: i64, minority: i64, bufL: usize, bufU: usize): i64 {
  let below: i64 = 0; // W(score < every score in cur)
  let n = len;
  // Introselect: a fair run needs about log2(len) passes; past twice that (+ slack) the
  // pivots are being defeated, and the sort bounds the cost at O(len log len).
  const budget = fallbackAfter >= 0 ? fallbackAfter : ((32 - clz<i32>(len)) << 1) + 4;
  let passes = 0;
  while (true) {
    if (n == 1) return load<i64>(cur);
    if (passes++ >= budget) return selectBySort(cur, n, below, minority);
    visits += <u64>n;
    let pivot = load<i64>(cur + (<usize>(n >> 1) << 4));
    if (n >= 16) {
      // Median of the first, middle and last scores (fewer passes on average).
      const a = load<i64>(cur), c = load<i64>(cur + (<usize>(n - 1) << 4));
      const lo = select<i64>(a, pivot, a < pivot), hi = select<i64>(pivot, a, a < pivot);
      pivot = select<i64>(lo, select<i64>(hi, c, hi < c), c < lo);
    }
    let wl: i64 = 0, wg: i64 = 0;
    // Pointer-stepping, mask arithmetic: the fewest instructions per visit.
    let pl = bufL, pu = bufU;
    const end = cur + (<usize>n << 4);
    for (let q = cur; q < end; q += 16) {
      const s = load<i64>(q), w = load<i64>(q, 8);
      store<i64>(pl, s); store<i64>(pl, w, 8);
      store<i64>(pu, s); store<i64>(pu, w, 8);
      const lt = <i64>(s < pivot), gt = <i64>(s > pivot); // 0 or 1
      wl += w & -lt;
      wg += w & -gt;
      pl += <usize>(lt << 4);
      pu += <usize>(gt << 4);
    }
    const nl = <i32>((pl - bufL) >> 4), nu = <i32>((pu - bufU) >> 4);
    const we = total - wl - wg; // `total`: the stake of the current partition
    if (below + wl > minority) {
      if (nl == 0) return pivot;
      const f = cur; cur = bufL; bufL = f; n = nl;
      total = wl;
    } else if (below + wl + we > minority) {
      return pivot;
    } else {
      if (nu == 0) return pivot;
      below += wl + we;
      const f = cur; cur = bufU; bufU = f; n = nu;
      total = wg;
    }
  }
  return 0;
}

/** Whether every voting row has strictly ascending columns, all below `columns`. */
function votingRowsAscending(m: Csr, voterOf: usize, columns: i32): bool {
  const rows = m.rows, start = m.start, len = m.len, col = m.col;
  for (let i = 0; i < rows; i++) {
    if (getI32(voterOf, i) < 0) continue;
    const s = <i32>getU32(start, i), e1 = s + <i32>getU32(len, i);
    let prev = -1;
    for (let e = s; e < e1; e++) {
      const c = <i32>load<u16>(col + (<usize>e << 1));
      if (c <= prev) return false;
      prev = c;
    }
    if (prev >= columns) return false;
  }
  return true;
}

/** Columns per block of `medianBlocked`: ~256 KiB of (k + 1)-slot buckets, 1..=64. */
function blockWidth(k: i32): i32 {
  let block = <i32>((<usize>1 << 18) / (<usize>(k + 1) << 4));
  if (block < 1) block = 1;
  if (block > 64) block = 64;
  return block;
}

function blockPasses(k: i32, columns: i32): i32 {
  const b = blockWidth(k);
  return (columns + b - 1) / b;
}

/** Stored entries of the voting rows. */
function votingEntries(m: Csr, voterOf: usize): u64 {
  let t: u64 = 0;
  for (let i = 0; i < m.rows; i++) if (getI32(voterOf, i) >= 0) t += <u64>getU32(m.len, i);
  return t;
}

/**
 * The median for sorted voting rows, a block of columns at a time: each voter's cursor
 * advances through its row, so the (score, stake) buckets of one block (k + 1 slots per
 * column) stay in cache from the gather through the selections.
 */
function medianBlocked(
  m: Csr, voterOf: usize, useStake: usize, k: i32, stakeSum: i64, minority: i64, columns: i32, out: usize,
): void {
  const rows = m.rows, start = m.start, len = m.len, col = m.col, val = m.val;
  // Cursor and end of each voting row, in voter order.
  const cur = allocRaw(<usize>k << 2), end = allocRaw(<usize>k << 2);
  for (let i = 0; i < rows; i++) {
    const v = getI32(voterOf, i);
    if (v < 0) continue;
    const s = getU32(start, i);
    setU32(cur, v, s);
    setU32(end, v, s + getU32(len, i));
  }
  const slot = <usize>(k + 1) << 4; // bytes per column bucket
  const block = blockWidth(k);
  const buckets = allocRaw(slot * <usize>block);
  const cnt = allocRaw(<usize>block << 2);
  const colW = allocRaw(<usize>block << 3);
  const bufL = allocRaw(slot), bufU = allocRaw(slot);
  for (let c0 = 0; c0 < columns; c0 += block) {
    const c1 = min(c0 + block, columns);
    const width = c1 - c0;
    memory.fill(cnt, 0, <usize>width << 2);
    memory.fill(colW, 0, <usize>width << 3);
    visits += <u64>k; // every voter's cursor is looked at once per block
    for (let v = 0; v < k; v++) {
      let e = <i32>getU32(cur, v);
      const e1 = <i32>getU32(end, v);
      const w = getI64(useStake, v);
      while (e < e1) {
        const c = <i32>load<u16>(col + (<usize>e << 1));
        if (c >= c1) break;
        const j = c - c0;
        const at = getU32(cnt, j);
        setU32(cnt, j, at + 1);
        setI64(colW, j, getI64(colW, j) + w);
        const p = buckets + <usize>j * slot + (<usize>at << 4);
        store<i64>(p, load<i64>(val + (<usize>e << 3)));
        store<i64>(p, w, 8);
        e++;
      }
      setU32(cur, v, e);
    }
    for (let j = 0; j < width; j++) {
      let n = <i32>getU32(cnt, j);
      if (n == 0) {
        setI64(out, c0 + j, 0); // an all-zero column
        continue;
      }
      const base = buckets + <usize>j * slot;
      if (n < k) {
        const p = base + (<usize>n << 4);
        store<i64>(p, 0);
        store<i64>(p, stakeSum - getI64(colW, j), 8);
        n++;
      }
      setI64(out, c0 + j, selectWeighted(base, n, n > <i32>getU32(cnt, j) ? stakeSum : getI64(colW, j), minority, bufL, bufU));
    }
  }
}

/**
 * `weighted_median_col_sparse(stake, score, columns, majority)` into out (i64[columns]).
 * Only rows with positive stake vote; their stake is renormalised. Each column's voting
 * entries are gathered as (score, stake) pairs instead of the chain's dense columns × voters
 * table; the voters without an entry in a column (score 0 on chain) are one pair (0, their
 * total stake). By `selectWeighted`'s argument this gives the same value. A duplicate
 * column in a row resolves like the chain (the last write wins).
 */
export function weighted_median_col_sparse(
  stake: usize, m: Csr, columns: i32, majority: i64, out: usize,
): void {
  const n = m.rows;
  let k = 0;
  for (let i = 0; i < n; i++) if (getI64(stake, i) > 0) k++;
  if (k == 0) {
    // The chain's loop returns 0 for an empty partition.
    memory.fill(out, 0, <usize>columns << 3);
    return;
  }
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

  // The blocked gather walks every voter once per block of columns: worth it only while that
  // costs no more than the entries themselves (many voters and sparse rows make blocks of
  // one column and a columns × voters scan; the buckets below are O(entries + columns)).
  if (!forceBuckets && <u64>blockPasses(k, columns) * <u64>k <= (votingEntries(m, voterOf) << 1) + <u64>columns
      && votingRowsAscending(m, voterOf, columns)) {
    medianBlocked(m, voterOf, useStake, k, stakeSum, minority, columns, out);
    return;
  }

  // Rows not sorted (or a column out of range): gather every column's entries at once.
  // Column buckets of voting entries, one spare slot per column for the absent voters.
  const colStart = allocZeroed((<usize>columns + 1) << 2);
  for (let i = 0; i < n; i++) {
    if (getI32(voterOf, i) < 0) continue;
    const s = rowStart(m, i), l = rowLen(m, i);
    for (let e = s; e < s + l; e++) {
      const c = colAt(m, e);
      if (c < columns) setU32(colStart, c + 1, getU32(colStart, c + 1) + 1);
    }
  }
  let maxLen: u32 = 0;
  for (let c = 0; c < columns; c++) {
    const cnt = getU32(colStart, c + 1);
    if (cnt > maxLen) maxLen = cnt;
    setU32(colStart, c + 1, cnt + 1 + getU32(colStart, c));
  }
  const total = getU32(colStart, columns);
  const fill = allocRaw(<usize>columns << 2);
  memory.copy(fill, colStart, <usize>columns << 2);
  const lastVoter = allocRaw(<usize>columns << 2);
  memory.fill(lastVoter, 0xff, <usize>columns << 2);
  const colW = allocZeroed(<usize>columns << 3); // stake of the voters present per column
  const pairs = allocRaw(<usize>total << 4);
  for (let i = 0; i < n; i++) {
    const v = getI32(voterOf, i);
    if (v < 0) continue;
    const w = getI64(useStake, v);
    const s = rowStart(m, i), l = rowLen(m, i);
    for (let e = s; e < s + l; e++) {
      const c = colAt(m, e);
      if (c >= columns) continue;
      let at = getU32(fill, c);
      if (getI32(lastVoter, c) == v) {
        at--; // the same column twice in this row: overwrite (stake already counted)
      } else {
        setU32(fill, c, at + 1);
        setI32(lastVoter, c, v);
        setI64(colW, c, getI64(colW, c) + w);
      }
      const p = pairs + (<usize>at << 4);
      store<i64>(p, valAt(m, e));
      store<i64>(p, w, 8);
    }
  }

  const room = <usize>(maxLen + 1) << 4;
  const bufL = allocRaw(room), bufU = allocRaw(room);
  for (let c = 0; c < columns; c++) {
    const a = getU32(colStart, c);
    let len = <i32>(getU32(fill, c) - a);
    if (len == 0) {
      // An all-zero column: every partition step keeps the pivot 0.
      setI64(out, c, 0);
      continue;
    }
    const base = pairs + (<usize>a << 4);
    if (len < k) {
      const p = base + (<usize>len << 4);
      store<i64>(p, 0);
      store<i64>(p, stakeSum - getI64(colW, c), 8);
      len++;
    }
    setI64(out, c, selectWeighted(base, len, len > <i32>(getU32(fill, c) - a) ? stakeSum : getI64(colW, c), minority, bufL, bufU));
  }
}
