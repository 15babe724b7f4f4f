// Run configuration, buffers and the state carried from one epoch to the next.
// Layouts shared with src/research/wasm.ts (keep in sync).

import { allocRaw, allocZeroed, heapReset, st } from "./mem";
import { COL_BLOCK, setColumnScratch, setSimdBytes, VEC_ACC_BYTES } from "./torch";

// Versions.
export const YUMA1 = 0;
export const YUMA2 = 1;
export const YUMA2B = 2;
export const YUMA2C = 3;
export const YUMA3 = 4;
export const YUMA3_LIQUID = 5;

// Flags.
export const FLAG_PEER: i32 = 1;
export const FLAG_LIQUID: i32 = 2;
export const FLAG_WTA: i32 = 4;
export const FLAG_F64: i32 = 8;
// Use the reference kernels (full sort per consensus column) instead of the fast ones; for
// the differential tests (test/research/fast.test.ts).
export const FLAG_REFERENCE: i32 = 64;
// Liquid-alpha consensus mode in bits 4..5.
export const MODE_CURRENT = 0;
export const MODE_PREVIOUS = 1;
export const MODE_MIXED = 2;

// Parameter block (f64 slots).
export const P_KAPPA = 0;
export const P_BOND_PENALTY = 1;
export const P_BMA = 2;
export const P_ALPHA_LOW = 3;
export const P_ALPHA_HIGH = 4;
export const P_STEEPNESS = 5;
export const P_DECAY = 6;
export const P_CAPACITY_ALPHA = 7;
export const P_RATIO = 8;
export const P_EMISSION = 9;
export const P_SUBNET_STAKE = 10;
export const PARAM_SLOTS = 16;

// Pointer table returned by `init` (u32 slots).
const T_PARAMS = 0, T_W = 1, T_S = 2, T_C = 3, T_I = 4, T_B = 5, T_D = 6, T_P1000 = 7, T_R = 8;
const TABLE_SLOTS = 9;

export let V: i32 = 0;
export let N: i32 = 0;
export let version: i32 = 0;
export let flags: i32 = 0;
export let mode: i32 = 0;

// I/O (f64).
export let params: usize = 0;
export let inW: usize = 0;
export let inS: usize = 0;
export let inR: usize = 0; // u8 per server: 1 = every validator's bond on it is reset this epoch
export let outC: usize = 0;
export let outI: usize = 0;
export let outD: usize = 0;
export let outP: usize = 0;

// Carried state, in the kernel's element type.
export let stB: usize = 0; // bonds after the last epoch
export let stC: usize = 0; // consensus of the last epoch
/** Chain-like Yuma 2: the carried bonds' column sums — 1 where the column is non-zero (the
 *  epoch that made the bonds normalised them), 0 where it is all zero. */
export let stColB: usize = 0;
export let stW: usize = 0; // normalised weights of the last epoch (Yuma 2B)
export let epochsDone: i32 = 0;

// Scratch. V×N matrices in the kernel's element type (allocated per run as needed, not
// cleared); vectors in f64-sized slots, so the f32 kernels can use them too.
export let mW: usize = 0;
export let mWn: usize = 0;
export let mWc: usize = 0;
export let mWb: usize = 0;
export let mA: usize = 0;
export let mB: usize = 0;
export let mX: usize = 0;
export let vS: usize = 0;
export let vSn: usize = 0;
export let vRow: usize = 0;
export let vD: usize = 0;
export let vCraw: usize = 0;
export let vC: usize = 0;
export let vCl: usize = 0;
export let vR: usize = 0;
export let vI: usize = 0;
export let vCol: usize = 0;
export let vTmp: usize = 0; // one row of N (fused kernels)
export let vCol2: usize = 0; // column sums (fused kernels), reciprocals (colNormalise)
export let sortIdx: usize = 0;
export let sortTmp: usize = 0;
export let sortKey: usize = 0;
let sortKeyTmp: usize = 0;
// Bucketed order (bucketPrepare / bucketNext): keys and payloads in walk order.
export let orderKey: usize = 0;
export let orderIdx: usize = 0;
let bKey: usize = 0;
let bIdx: usize = 0;
let bStart: usize = 0; // i32 per bucket + 1: start of each bucket in walk order
let bBucket: usize = 0; // i32 per entry: its bucket
let bCount: i32 = 0;
let bPos: i32 = 0;
let bDesc: bool = false;
let bEntries: i32 = 0;
// Consensus columns are transposed GATHER_BLOCK at a time (crossing.ts). One column's
// non-zero entries listed for the ordered walk (columnList: keys, rows), V each; the rows of a
// crossing range (rangeRows) go into listIdx too.
export const GATHER_BLOCK = 16;
export let listKey: usize = 0;
export let listIdx: usize = 0;
// The κ crossing from a stake histogram: per-bucket stakes, and one bucket's entries.
export const HIST_BUCKETS = 128;
export let hist: usize = 0;
export let qKey: usize = 0;
export let qStake: usize = 0;
// A crossing range of at most CAND_MAX rows, resolved without ordering it (crossing.ts):
// its rows (i32), weights, stakes and sums (f64), CAND_SLOTS each (the slots past the count are
// scratch or padding), and the padding's weight (T) and stake (f64 0) for the loads.
export const CAND_MAX = 4;
export const CAND_SLOTS = 8;
export let candRow: usize = 0;
export let candKey: usize = 0;
export let candStake: usize = 0;
export let candSum: usize = 0;
export let candPad: usize = 0;

/** Ranges of the last columnHistogram (one per non-zero entry, 8..HIST_BUCKETS; below 256, so
 *  a range and the zero slot fit a byte). */
export let histRanges: i32 = HIST_BUCKETS;
export function setHistRanges(b: i32): void {
  histRanges = b;
}
// Transposed consensus blocks (crossing.ts): GATHER_BLOCK columns of colStride rows (V rounded
// up to 16; the padding rows stay zero), each row's weight range (u8), and the stakes by row in f64
// (the padding rows' zero).
export let colStride: i32 = 0;
export let colT: usize = 0;
export let colBkt: usize = 0;
export let colStake: usize = 0;

/** Insert (key, stake) into the first `count` entries of qKey/qStake, kept sorted by key
 *  (descending when `desc`), after the entries with an equal key. */
// @ts-ignore: decorator
@inline export function qInsert(count: i32, key: f64, stake: f64, desc: bool): void {
  let p = count;
  while (p > 0 && (desc ? load<f64>(qKey + (<usize>(p - 1) << 3)) < key : load<f64>(qKey + (<usize>(p - 1) << 3)) > key)) {
    store<f64>(qKey + (<usize>p << 3), load<f64>(qKey + (<usize>(p - 1) << 3)));
    store<f64>(qStake + (<usize>p << 3), load<f64>(qStake + (<usize>(p - 1) << 3)));
    p--;
  }
  store<f64>(qKey + (<usize>p << 3), key);
  store<f64>(qStake + (<usize>p << 3), stake);
}

/** A V×N matrix of the kernel's element type that every step writes before reading it:
 *  not cleared (memory reused from an earlier run holds stale values, never read). */
function scratch(bytes: usize): usize {
  return allocRaw(<usize>V * <usize>N * bytes);
}

/** Set up a run of V validators × N servers; returns the pointer table. */
export function init(v: i32, n: i32, ver: i32, fl: i32, simd: i32): usize {
  heapReset();
  V = v;
  N = n;
  version = ver;
  flags = fl;
  mode = (fl >> 4) & 3;
  setSimdBytes(simd);
  setColumnScratch(allocZeroed((<usize>(4 * COL_BLOCK) << 3) + VEC_ACC_BYTES), (fl & FLAG_REFERENCE) != 0);
  const peer = (fl & FLAG_PEER) != 0;
  const es: usize = peer && (fl & FLAG_F64) == 0 ? 4 : 8; // the kernel's element size
  const table = allocZeroed(TABLE_SLOTS << 2);
  params = allocZeroed(PARAM_SLOTS << 3);
  inW = scratch(es); // written by JS every epoch, in the kernel's element type
  inS = allocZeroed(<usize>v << 3);
  inR = allocZeroed(<usize>n);
  outC = allocZeroed(<usize>n << 3);
  outI = allocZeroed(<usize>n << 3);
  stB = allocZeroed(<usize>v * <usize>n * es); // zero before the first epoch
  outD = allocZeroed(<usize>v << 3);
  outP = allocZeroed(<usize>v << 3);
  stC = allocZeroed(<usize>n << 3);
  stColB = allocZeroed(<usize>n << 3);
  // Yuma 2B's previous weights: written at the end of an epoch, read from the second on.
  stW = ver == YUMA2B ? scratch(es) : 0;
  epochsDone = 0;
  mW = peer && (fl & FLAG_REFERENCE) != 0 ? scratch(es) : 0; // the reference passes only
  // Chain-like: the weights are normalised in place, in the input buffer.
  mWn = peer ? scratch(es) : inW;
  mWc = peer ? scratch(es) : 0; // chain-like: the clipped weights go straight into W_b
  mWb = scratch(es);
  mA = peer || ver == YUMA3 || ver == YUMA3_LIQUID ? scratch(es) : 0;
  mB = scratch(es);
  mX = scratch(es);
  vS = allocZeroed(<usize>v << 3);
  vSn = allocZeroed(<usize>v << 3);
  vRow = allocZeroed(<usize>v << 3);
  vD = allocZeroed(<usize>v << 3);
  vCraw = allocZeroed(<usize>n << 3);
  vC = allocZeroed(<usize>n << 3);
  vCl = allocZeroed(<usize>n << 3);
  vR = allocZeroed(<usize>n << 3);
  vI = allocZeroed(<usize>n << 3);
  vCol = allocZeroed(<usize>n << 3);
  vTmp = allocZeroed(<usize>n << 3);
  vCol2 = allocZeroed(<usize>n << 3);
  sortIdx = allocZeroed(<usize>v << 2);
  sortTmp = allocZeroed(<usize>v << 2);
  sortKey = allocZeroed(<usize>v << 3);
  sortKeyTmp = allocZeroed(<usize>v << 3);
  bKey = allocZeroed(<usize>v << 3);
  bIdx = allocZeroed(<usize>v << 2);
  bStart = allocZeroed(<usize>(v + 2) << 2);
  bBucket = allocZeroed(<usize>v << 2);
  listKey = allocRaw(<usize>v << 3);
  listIdx = allocRaw(<usize>v << 2);
  hist = allocZeroed((HIST_BUCKETS + 1) << 3);
  colStride = (v + 15) & ~15;
  colT = allocZeroed(<usize>(colStride * GATHER_BLOCK) << 3);
  colBkt = allocZeroed(<usize>colStride);
  colStake = allocZeroed(<usize>colStride << 3);
  qKey = allocRaw(<usize>v << 3);
  qStake = allocRaw(<usize>v << 3);
  candRow = allocZeroed(CAND_SLOTS << 2);
  candKey = allocZeroed(CAND_SLOTS << 3);
  candStake = allocZeroed(CAND_SLOTS << 3);
  candSum = allocZeroed(CAND_SLOTS << 3);
  candPad = allocZeroed(16);
  store<u32>(table + (T_PARAMS << 2), <u32>params);
  store<u32>(table + (T_W << 2), <u32>inW);
  store<u32>(table + (T_S << 2), <u32>inS);
  store<u32>(table + (T_C << 2), <u32>outC);
  store<u32>(table + (T_I << 2), <u32>outI);
  store<u32>(table + (T_B << 2), <u32>stB); // the carried bonds, read by JS in place
  store<u32>(table + (T_D << 2), <u32>outD);
  store<u32>(table + (T_P1000 << 2), <u32>outP);
  store<u32>(table + (T_R << 2), <u32>inR);
  return table;
}

export function param(slot: i32): f64 {
  return load<f64>(params + (<usize>slot << 3));
}

/**
 * Bond resets of this epoch: zero the column of every server marked in inR, in every
 * validator's row of the carried bonds (element type T), before the epoch reads them.
 */
export function resetBondColumns<T>(): void {
  for (let j = 0; j < N; j++) {
    if (load<u8>(inR + <usize>j) == 0) continue;
    for (let i = 0; i < V; i++) st<T>(stB, i * N + j, <T>0);
    st<f64>(stColB, j, 0);
  }
}

export function markEpochDone(): void {
  epochsDone++;
}

/**
 * Sort the first `count` entries (key sortKey[k], payload sortIdx[k]) by key, descending when
 * `desc`, ascending otherwise; keys and payloads move together. Insertion sort for short runs,
 * bottom-up merge sort above that. Stable.
 */
export function sortEntries(count: i32, desc: bool): void {
  if (count <= 24) {
    for (let k = 1; k < count; k++) {
      const key = load<f64>(sortKey + (<usize>k << 3)), idx = load<i32>(sortIdx + (<usize>k << 2));
      let h = k - 1;
      while (h >= 0) {
        const other = load<f64>(sortKey + (<usize>h << 3));
        if (desc ? other >= key : other <= key) break;
        store<f64>(sortKey + (<usize>(h + 1) << 3), other);
        store<i32>(sortIdx + (<usize>(h + 1) << 2), load<i32>(sortIdx + (<usize>h << 2)));
        h--;
      }
      store<f64>(sortKey + (<usize>(h + 1) << 3), key);
      store<i32>(sortIdx + (<usize>(h + 1) << 2), idx);
    }
    return;
  }
  let ka = sortKey, kb = sortKeyTmp, ia = sortIdx, ib = sortTmp;
  for (let width = 1; width < count; width <<= 1) {
    for (let lo = 0; lo < count; lo += width << 1) {
      const mid = min(lo + width, count), hi = min(lo + (width << 1), count);
      let i = lo, j = mid, w = lo;
      while (i < mid && j < hi) {
        const ki = load<f64>(ka + (<usize>i << 3)), kj = load<f64>(ka + (<usize>j << 3));
        if (desc ? kj > ki : kj < ki) {
          store<f64>(kb + (<usize>w << 3), kj);
          store<i32>(ib + (<usize>w << 2), load<i32>(ia + (<usize>j << 2)));
          j++;
        } else {
          store<f64>(kb + (<usize>w << 3), ki);
          store<i32>(ib + (<usize>w << 2), load<i32>(ia + (<usize>i << 2)));
          i++;
        }
        w++;
      }
      for (; i < mid; i++, w++) {
        store<f64>(kb + (<usize>w << 3), load<f64>(ka + (<usize>i << 3)));
        store<i32>(ib + (<usize>w << 2), load<i32>(ia + (<usize>i << 2)));
      }
      for (; j < hi; j++, w++) {
        store<f64>(kb + (<usize>w << 3), load<f64>(ka + (<usize>j << 3)));
        store<i32>(ib + (<usize>w << 2), load<i32>(ia + (<usize>j << 2)));
      }
    }
    let t = ka; ka = kb; kb = t;
    t = ia; ia = ib; ib = t;
  }
  if (ka != sortKey) {
    memory.copy(sortKey, ka, <usize>count << 3);
    memory.copy(sortIdx, ia, <usize>count << 2);
  }
}

/** Copy n elements of T into f64 slots (outputs). */
export function widen<T>(src: usize, dst: usize, n: i32): void {
  let k = 0;
  if (ASC_FEATURE_SIMD && sizeof<T>() == 4) {
    // Exact conversions, two lanes per store.
    for (; k + 4 <= n; k += 4) {
      const v = v128.load(src + (<usize>k << 2));
      v128.store(dst + (<usize>k << 3), f64x2.promote_low_f32x4(v));
      v128.store(dst + (<usize>k << 3) + 16, f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 2, 3)));
    }
  }
  for (; k < n; k++) st<f64>(dst, k, <f64>load<T>(src + (<usize>k << alignof<T>())));
}

/**
 * The order of sortEntries(count, desc), produced lazily: the `count` entries of
 * sortKey/sortIdx (finite keys) are distributed into value buckets (a monotone map of the key
 * onto `count` equal-width intervals between the smallest and largest key, walked in the
 * requested direction; a stable counting sort, so equal keys share a bucket in their original
 * order), and each bucket is sorted (stably) only when the walk reaches it: `bucketNext()`
 * sorts the next bucket and returns the end of the sorted prefix of orderKey/orderIdx. The
 * result is the same sequence as the stable sort; a consumer that stops early (the κ crossing)
 * never sorts the rest. Falls back to sortEntries for short or non-finite runs.
 */
export function bucketPrepare(count: i32, desc: bool): void {
  let lo = Infinity, hi = -Infinity;
  for (let k = 0; k < count; k++) {
    const x = load<f64>(sortKey + (<usize>k << 3));
    lo = min(lo, x);
    hi = max(hi, x);
  }
  bucketPrepareFrom(sortKey, sortIdx, count, desc, lo, hi);
}

/** bucketPrepare on entries at keys/idx (any buffers), whose smallest and largest keys are
 *  lo and hi (as min/max over them give). */
export function bucketPrepareFrom(keys: usize, idx: usize, count: i32, desc: bool, lo: f64, hi: f64): void {
  bEntries = count;
  bDesc = desc;
  bPos = 0;
  const scale = <f64>count / (hi - lo);
  if (count <= 32 || !isFinite(lo) || !isFinite(hi) || !(hi - lo >= 0) || !(scale >= 0)) {
    if (keys != sortKey) {
      memory.copy(sortKey, keys, <usize>count << 3);
      memory.copy(sortIdx, idx, <usize>count << 2);
    }
    sortEntries(count, desc);
    orderKey = sortKey;
    orderIdx = sortIdx;
    bCount = 0;
    return;
  }
  orderKey = bKey;
  orderIdx = bIdx;
  const nb = hi > lo && isFinite(scale) ? count : 1;
  const last = nb - 1;
  bCount = nb;
  memory.fill(bStart, 0, <usize>(nb + 1) << 2);
  for (let k = 0; k < count; k++) {
    const x = load<f64>(keys + (<usize>k << 3));
    let b = nb == 1 ? 0 : min<i32>(<i32>((x - lo) * scale), last);
    if (desc) b = last - b;
    store<i32>(bBucket + (<usize>k << 2), b);
    const at = bStart + (<usize>(b + 1) << 2);
    store<i32>(at, load<i32>(at) + 1);
  }
  for (let b = 0; b < nb; b++) {
    const at = bStart + (<usize>(b + 1) << 2);
    store<i32>(at, load<i32>(at) + load<i32>(at - 4));
  }
  // Scatter, using bStart[b] as the write cursor of bucket b (restored below).
  for (let k = 0; k < count; k++) {
    const at = bStart + (<usize>load<i32>(bBucket + (<usize>k << 2)) << 2);
    const w = load<i32>(at);
    store<i32>(at, w + 1);
    store<f64>(bKey + (<usize>w << 3), load<f64>(keys + (<usize>k << 3)));
    store<i32>(bIdx + (<usize>w << 2), load<i32>(idx + (<usize>k << 2)));
  }
  // Cursors now hold each bucket's end = the next bucket's start: shift back by one.
  for (let b = nb; b > 0; b--) store<i32>(bStart + (<usize>b << 2), load<i32>(bStart + (<usize>(b - 1) << 2)));
  store<i32>(bStart, 0);
}

/** Sort the next non-empty bucket of the walk in place; returns the end of the sorted prefix. */
export function bucketNext(): i32 {
  if (bCount == 0) return bEntries;
  while (bPos < bCount) {
    const from = load<i32>(bStart + (<usize>bPos << 2));
    const to = load<i32>(bStart + (<usize>(bPos + 1) << 2));
    bPos++;
    const n = to - from;
    if (n == 0) continue;
    if (n > 1) sortRange(from, n);
    return to;
  }
  return bEntries;
}

function sortRange(from: i32, n: i32): void {
  const desc = bDesc;
  if (n <= 24) {
    for (let k = from + 1; k < from + n; k++) {
      const key = load<f64>(bKey + (<usize>k << 3)), idx = load<i32>(bIdx + (<usize>k << 2));
      let h = k - 1;
      while (h >= from) {
        const other = load<f64>(bKey + (<usize>h << 3));
        if (desc ? other >= key : other <= key) break;
        store<f64>(bKey + (<usize>(h + 1) << 3), other);
        store<i32>(bIdx + (<usize>(h + 1) << 2), load<i32>(bIdx + (<usize>h << 2)));
        h--;
      }
      store<f64>(bKey + (<usize>(h + 1) << 3), key);
      store<i32>(bIdx + (<usize>(h + 1) << 2), idx);
    }
    return;
  }
  // A crowded bucket: the merge sort on sortKey/sortIdx (free once the buckets are built).
  memory.copy(sortKey, bKey + (<usize>from << 3), <usize>n << 3);
  memory.copy(sortIdx, bIdx + (<usize>from << 2), <usize>n << 2);
  sortEntries(n, desc);
  memory.copy(bKey + (<usize>from << 3), sortKey, <usize>n << 3);
  memory.copy(bIdx + (<usize>from << 2), sortIdx, <usize>n << 2);
}
