// Consensus columns from a transposed block: a block of GATHER_BLOCK columns is copied
// column-major (stride colStride, the padding rows zero), then each column's stake is summed
// per weight range in one branch-free pass over all its rows — the column's entries at index i
// belong to validator i, so stakes are read in place, no list of indices is built. The walks
// over the ranges (which differ between the peer's and the chain's semantics) are in peer.ts
// and chain.ts; a column they cannot decide there is listed (columnList) for the ordered walk.

import { ld, st } from "./mem";
import {
  listKey, listIdx, colBkt, colStake, colStride, hist, HIST_BUCKETS, setHistRanges, V, N,
  CAND_MAX, candKey, candPad, candRow, candStake, candSum,
} from "./state";

/** The stake slot of zero weights in hist (after the HIST_BUCKETS ranges). */
export const ZERO_SLOT = HIST_BUCKETS;

/** Columns j0 .. j0+width of the V×N row-major matrix src into dst, column c at c·colStride. */
export function transposeBlock<T>(src: usize, j0: i32, width: i32, dst: usize): void {
  const cs = colStride;
  let i = 0;
  if (ASC_FEATURE_SIMD && sizeof<T>() == 4) {
    // 4×4 tiles: four row segments in, four column segments out.
    for (; i + 4 <= V; i += 4) {
      const r0 = src + (<usize>(i * N + j0) << 2), step = <usize>N << 2;
      let c = 0;
      for (; c + 4 <= width; c += 4) {
        const o = <usize>c << 2;
        const a = v128.load(r0 + o), b = v128.load(r0 + step + o);
        const e = v128.load(r0 + 2 * step + o), f = v128.load(r0 + 3 * step + o);
        const ab0 = v128.shuffle<u32>(a, b, 0, 4, 1, 5), ab1 = v128.shuffle<u32>(a, b, 2, 6, 3, 7);
        const ef0 = v128.shuffle<u32>(e, f, 0, 4, 1, 5), ef1 = v128.shuffle<u32>(e, f, 2, 6, 3, 7);
        const d = dst + (<usize>(c * cs + i) << 2), cb = <usize>cs << 2;
        v128.store(d, v128.shuffle<u32>(ab0, ef0, 0, 1, 4, 5));
        v128.store(d + cb, v128.shuffle<u32>(ab0, ef0, 2, 3, 6, 7));
        v128.store(d + 2 * cb, v128.shuffle<u32>(ab1, ef1, 0, 1, 4, 5));
        v128.store(d + 3 * cb, v128.shuffle<u32>(ab1, ef1, 2, 3, 6, 7));
      }
      for (; c < width; c++) {
        for (let r = 0; r < 4; r++) st<T>(dst, c * cs + i + r, ld<T>(src, (i + r) * N + j0 + c));
      }
    }
  } else if (ASC_FEATURE_SIMD && sizeof<T>() == 8) {
    // 2×2 tiles.
    for (; i + 2 <= V; i += 2) {
      const r0 = src + (<usize>(i * N + j0) << 3), r1 = r0 + (<usize>N << 3);
      let c = 0;
      for (; c + 2 <= width; c += 2) {
        const o = <usize>c << 3;
        const a = v128.load(r0 + o), b = v128.load(r1 + o);
        const d = dst + (<usize>(c * cs + i) << 3);
        v128.store(d, v128.shuffle<u64>(a, b, 0, 2));
        v128.store(d + (<usize>cs << 3), v128.shuffle<u64>(a, b, 1, 3));
      }
      for (; c < width; c++) {
        st<T>(dst, c * cs + i, ld<T>(src, i * N + j0 + c));
        st<T>(dst, c * cs + i + 1, ld<T>(src, (i + 1) * N + j0 + c));
      }
    }
  }
  for (; i < V; i++) {
    for (let c = 0; c < width; c++) st<T>(dst, c * cs + i, ld<T>(src, i * N + j0 + c));
  }
}

/** The column's non-zero weights: their count, and (colLo, colHi) their smallest and largest. */
export let colLo: f64 = 0;
export let colHi: f64 = 0;

export function columnRange<T>(col: usize): i32 {
  const n = colStride;
  let k = 0;
  let lo: f64 = Infinity, hi: f64 = 0;
  let m = 0;
  if (ASC_FEATURE_SIMD && sizeof<T>() == 4) {
    let mx = f32x4.splat(0), mn = f32x4.splat(Infinity), cnt = i32x4.splat(0);
    const zero = f32x4.splat(0), inf = f32x4.splat(Infinity);
    for (; k + 4 <= n; k += 4) {
      const w = v128.load(col + (<usize>k << 2));
      const nz = f32x4.ne(w, zero);
      mx = f32x4.pmax(mx, w);
      mn = f32x4.pmin(mn, v128.bitselect(w, inf, nz));
      cnt = i32x4.sub(cnt, nz);
    }
    // Across lanes with lane operations (a scalar min or max is a branch in some engines, taken
    // at random here; no NaN or −0 is in the lanes).
    mx = f32x4.pmax(mx, v128.shuffle<f32>(mx, mx, 2, 3, 0, 1));
    mn = f32x4.pmin(mn, v128.shuffle<f32>(mn, mn, 2, 3, 0, 1));
    cnt = i32x4.add(cnt, v128.shuffle<i32>(cnt, cnt, 2, 3, 0, 1));
    hi = <f64>f32x4.extract_lane(f32x4.pmax(mx, v128.shuffle<f32>(mx, mx, 1, 0, 3, 2)), 0);
    lo = <f64>f32x4.extract_lane(f32x4.pmin(mn, v128.shuffle<f32>(mn, mn, 1, 0, 3, 2)), 0);
    m = i32x4.extract_lane(cnt, 0) + i32x4.extract_lane(cnt, 1);
  } else if (ASC_FEATURE_SIMD && sizeof<T>() == 8) {
    // Two sets of accumulators (rows 4q, 4q + 1 and 4q + 2, 4q + 3; n is a multiple of 16):
    // two dependency chains, not one.
    let mx = f64x2.splat(0), mn = f64x2.splat(Infinity), cnt = i64x2.splat(0);
    let mx2 = f64x2.splat(0), mn2 = f64x2.splat(Infinity), cnt2 = i64x2.splat(0);
    const zero = f64x2.splat(0), inf = f64x2.splat(Infinity);
    for (; k + 4 <= n; k += 4) {
      const w = v128.load(col + (<usize>k << 3)), w2 = v128.load(col + (<usize>k << 3), 16);
      const nz = f64x2.ne(w, zero), nz2 = f64x2.ne(w2, zero);
      mx = f64x2.pmax(mx, w);
      mx2 = f64x2.pmax(mx2, w2);
      mn = f64x2.pmin(mn, v128.bitselect(w, inf, nz));
      mn2 = f64x2.pmin(mn2, v128.bitselect(w2, inf, nz2));
      cnt = i64x2.sub(cnt, nz);
      cnt2 = i64x2.sub(cnt2, nz2);
    }
    mx = f64x2.pmax(mx, mx2);
    mn = f64x2.pmin(mn, mn2);
    cnt = i64x2.add(cnt, cnt2);
    hi = f64x2.extract_lane(f64x2.pmax(mx, v128.shuffle<f64>(mx, mx, 1, 0)), 0);
    lo = f64x2.extract_lane(f64x2.pmin(mn, v128.shuffle<f64>(mn, mn, 1, 0)), 0);
    m = <i32>(i64x2.extract_lane(cnt, 0) + i64x2.extract_lane(cnt, 1));
  }
  for (; k < n; k++) {
    const w = <f64>ld<T>(col, k);
    if (w != 0) {
      m++;
      lo = min(lo, w);
      hi = max(hi, w);
    }
  }
  colLo = lo;
  colHi = hi;
  return m;
}

/**
 * The column's stake (colStake, by row) summed per weight range into hist[0..histRanges), the
 * zero weights' into hist[ZERO_SLOT] (in row order, as a sequential sum); each row's range in
 * colBkt (u8). Ranges: a monotone map of colLo..colHi onto intervals of equal width (the
 * scaled weight rounded to nearest: the first half as wide, the last, which takes the top,
 * 1.5 times), in T arithmetic, so equal weights share one; as many ranges as non-zero entries
 * (8..HIST_BUCKETS: measured faster than fewer, fuller ranges — the walk over them is cheaper
 * than ordering a range).
 */
export function columnHistogram<T>(col: usize, m: i32): void {
  const n = colStride;
  const B = min(HIST_BUCKETS, max(8, m));
  setHistRanges(B);
  const span = colHi - colLo;
  // Finite (the largest T at most): (w − lo)·scale is then never NaN.
  const scale = <T>min(span > 0 ? <f64>B / span : 0, sizeof<T>() == 4 ? <f64>f32.MAX_VALUE : f64.MAX_VALUE);
  const lo = <T>colLo, top = <T>(B - 1);
  // Cleared in place (a memory.fill call costs more than these few stores, once per column).
  if (ASC_FEATURE_SIMD) for (let b = 0; b < B; b += 2) v128.store(hist + (<usize>b << 3), f64x2.splat(0));
  else for (let b = 0; b < B; b++) st<f64>(hist, b, 0);
  st<f64>(hist, ZERO_SLOT, 0);
  let k = 0;
  if (ASC_FEATURE_SIMD) {
    // Sixteen rows at a time (colStride is a multiple of 16), ranges narrowed to bytes.
    for (; k + 16 <= n; k += 16) {
      const a = i16x8.narrow_i32x4_s(bucket4<T>(col, k, lo, scale, top), bucket4<T>(col, k + 4, lo, scale, top));
      const b = i16x8.narrow_i32x4_s(bucket4<T>(col, k + 8, lo, scale, top), bucket4<T>(col, k + 12, lo, scale, top));
      v128.store(colBkt + <usize>k, i8x16.narrow_i16x8_u(a, b));
    }
  }
  for (; k < n; k++) {
    const w = ld<T>(col, k);
    store<u8>(colBkt + <usize>k, w == <T>0 ? ZERO_SLOT : <u8>(<i32>nearest<T>(min<T>((w - lo) * scale, top))));
  }
  // Four rows per step (n is a multiple of 16): their ranges read as one word.
  for (k = 0; k < n; k += 4) {
    const r4 = load<u32>(colBkt + <usize>k);
    const sp = colStake + (<usize>k << 3);
    const a0 = hist + (<usize>(r4 & 0xff) << 3);
    store<f64>(a0, load<f64>(a0) + load<f64>(sp));
    const a1 = hist + (<usize>((r4 >> 8) & 0xff) << 3);
    store<f64>(a1, load<f64>(a1) + load<f64>(sp, 8));
    const a2 = hist + (<usize>((r4 >> 16) & 0xff) << 3);
    store<f64>(a2, load<f64>(a2) + load<f64>(sp, 16));
    const a3 = hist + (<usize>(r4 >> 24) << 3);
    store<f64>(a3, load<f64>(a3) + load<f64>(sp, 24));
  }
}

/** Ranges of rows k..k+3 (as columnHistogram, zero weights in ZERO_SLOT), as i32 lanes. The
 *  scaled weight rounded to the nearest integer by adding 1.5·2^23 (float32) or 2^52 (float64),
 *  whose unit in the last place is 1: the integer is then the low bits of the sum — no float to
 *  integer conversion, which engines compile to several instructions per vector. */
// @ts-ignore: decorator
@inline function bucket4<T>(col: usize, k: i32, lo: T, scale: T, top: T): v128 {
  if (sizeof<T>() == 4) {
    const w = v128.load(col + (<usize>k << 2));
    const r = f32x4.add(f32x4.pmin(f32x4.mul(f32x4.sub(w, f32x4.splat(<f32>lo)), f32x4.splat(<f32>scale)), f32x4.splat(<f32>top)), f32x4.splat(MAGIC32));
    return i32x4.sub(v128.bitselect(i32x4.splat(MAGIC32_BITS + ZERO_SLOT), r, f32x4.eq(w, f32x4.splat(0))), i32x4.splat(MAGIC32_BITS));
  }
  const p = col + (<usize>k << 3);
  const w0 = v128.load(p), w1 = v128.load(p + 16);
  const lo2 = f64x2.splat(<f64>lo), sc2 = f64x2.splat(<f64>scale), top2 = f64x2.splat(<f64>top), zero = f64x2.splat(0);
  const magic = f64x2.splat(MAGIC64), zeroSlot = i64x2.splat(MAGIC64_BITS + ZERO_SLOT);
  const r0 = v128.bitselect(zeroSlot, f64x2.add(f64x2.pmin(f64x2.mul(f64x2.sub(w0, lo2), sc2), top2), magic), f64x2.eq(w0, zero));
  const r1 = v128.bitselect(zeroSlot, f64x2.add(f64x2.pmin(f64x2.mul(f64x2.sub(w1, lo2), sc2), top2), magic), f64x2.eq(w1, zero));
  return v128.shuffle<u32>(r0, r1, 0, 2, 4, 6); // the low words: the ranges
}
const MAGIC32: f32 = 12582912; // 1.5·2^23
const MAGIC32_BITS: i32 = 0x4B400000;
const MAGIC64: f64 = 4503599627370496; // 2^52
const MAGIC64_BITS: i64 = 0x4330000000000000;

/** The sum of the eight f64 at p (in an order of its own: callers need no particular one). */
// @ts-ignore: decorator
@inline export function block8(p: usize): f64 {
  if (ASC_FEATURE_SIMD) {
    const v = f64x2.add(f64x2.add(v128.load(p), v128.load(p, 16)), f64x2.add(v128.load(p, 32), v128.load(p, 48)));
    return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
  }
  return ((load<f64>(p) + load<f64>(p, 8)) + (load<f64>(p, 16) + load<f64>(p, 24))) +
    ((load<f64>(p, 32) + load<f64>(p, 40)) + (load<f64>(p, 48) + load<f64>(p, 56)));
}

/** Rows of the column whose range is `at`, in row order, into rows (i32); their count, or −1
 *  past `cap` of them. */
export function rangeRows(at: i32, rows: usize, cap: i32): i32 {
  const n = colStride;
  let c = 0;
  let k = 0;
  if (ASC_FEATURE_SIMD) {
    const a16 = i8x16.splat(<i8>at);
    for (; k + 16 <= n; k += 16) {
      let mask = i8x16.bitmask(i8x16.eq(v128.load(colBkt + <usize>k), a16));
      while (mask != 0) {
        if (c == cap) return -1;
        store<i32>(rows + (<usize>c << 2), k + ctz(mask));
        c++;
        mask &= mask - 1;
      }
    }
  }
  for (; k < n; k++) {
    if (<i32>load<u8>(colBkt + <usize>k) != at) continue;
    if (c == cap) return -1;
    store<i32>(rows + (<usize>c << 2), k);
    c++;
  }
  return c;
}

/** Testing aid: crossing ranges resolved as candidates, since instantiation. */
export let candidateColumns: i64 = 0;

/**
 * The rows of range `at` (of the last columnHistogram on col) as candidates: weights at
 * candKey, stakes at candStake, in row order, the slots from their count to CAND_MAX holding
 * (pad, 0). Returns the count, or −1 when there are more than CAND_MAX of them or the column
 * is long (more than 128 rows: the caller then orders the range).
 *
 * Without a branch per row or per row found: the crossing range of a random column holds one
 * to three rows, a different number in each column, and a loop over them mispredicts where
 * these fixed steps do not.
 */
export function rangeCandidates<T>(col: usize, at: i32, pad: f64): i32 {
  const n = colStride;
  if (!ASC_FEATURE_SIMD || n > 128) return -1;
  // The rows in the range as bits of two words (rows 0..63, 64..127).
  const a16 = i8x16.splat(<i8>at);
  let lo: u64 = 0, hi: u64 = 0;
  let k = 0;
  for (; k < n && k < 64; k += 16) lo |= <u64>i8x16.bitmask(i8x16.eq(v128.load(colBkt + <usize>k), a16)) << <u64>k;
  for (; k < n; k += 16) hi |= <u64>i8x16.bitmask(i8x16.eq(v128.load(colBkt + <usize>k), a16)) << <u64>(k - 64);
  const c = <i32>(popcnt(lo) + popcnt(hi));
  if (c > CAND_MAX) return -1;
  // Four rows taken from each word unconditionally; only a row found advances the slot (the
  // others, 64 past the word, are overwritten or lie past the count).
  let p = 0;
  for (let t = 0; t < CAND_MAX; t++) {
    store<i32>(candRow + (<usize>p << 2), <i32>ctz(lo));
    p += <i32>(lo != 0);
    lo &= lo - 1;
  }
  if (n > 64) {
    for (let t = 0; t < CAND_MAX; t++) {
      store<i32>(candRow + (<usize>p << 2), 64 + <i32>ctz(hi));
      p += <i32>(hi != 0);
      hi &= hi - 1;
    }
  }
  candidateColumns++;
  st<T>(candPad, 0, <T>pad);
  for (let t = 0; t < CAND_MAX; t++) {
    const row = load<i32>(candRow + (<usize>t << 2));
    const real = t < c;
    // Addresses chosen, not values: an integer select, never a branch.
    const wAt = select<usize>(col + (<usize>row << alignof<T>()), candPad, real);
    const sAt = select<usize>(colStake + (<usize>row << 3), candPad + 8, real);
    st<f64>(candKey, t, <f64>load<T>(wAt));
    st<f64>(candStake, t, load<f64>(sAt));
  }
  return c;
}

/**
 * For each candidate t (rangeCandidates), the stake of the candidates at or above its weight
 * (`above`) or at or below it (not `above`), in an order of their own, into candSum[t]. Lane
 * operations only: a scalar f64 min, max or select compiles to a branch in some engines.
 */
export function candidateSums(above: bool): void {
  if (!ASC_FEATURE_SIMD) return; // (rangeCandidates finds none without SIMD)
  const k01 = v128.load(candKey), k23 = v128.load(candKey, 16);
  let s01 = f64x2.splat(0), s23 = f64x2.splat(0);
  for (let u = 0; u < CAND_MAX; u++) {
    const ku = f64x2.splat(load<f64>(candKey + (<usize>u << 3)));
    const su = f64x2.splat(load<f64>(candStake + (<usize>u << 3)));
    s01 = f64x2.add(s01, v128.and(su, above ? f64x2.ge(ku, k01) : f64x2.le(ku, k01)));
    s23 = f64x2.add(s23, v128.and(su, above ? f64x2.ge(ku, k23) : f64x2.le(ku, k23)));
  }
  v128.store(candSum, s01);
  v128.store(candSum, s23, 16);
}

/** The smallest / largest lane of the two vectors (pmin/pmax: one instruction, no branch). */
// @ts-ignore: decorator
@inline export function lanesMin(a: v128, b: v128): f64 {
  const m = f64x2.pmin(a, b);
  return f64x2.extract_lane(f64x2.pmin(m, v128.shuffle<f64>(m, m, 1, 0)), 0);
}
// @ts-ignore: decorator
@inline export function lanesMax(a: v128, b: v128): f64 {
  const m = f64x2.pmax(a, b);
  return f64x2.extract_lane(f64x2.pmax(m, v128.shuffle<f64>(m, m, 1, 0)), 0);
}

/** The smallest and largest key of the last columnList (hi 0 for an empty peer list). */
export let listLo: f64 = 0;
export let listHi: f64 = 0;

/**
 * The column's non-zero weights (rows i < V in order; with `positiveOnly`, of validators with
 * positive stake only) listed at listKey/listIdx, their smallest and largest in listLo/listHi:
 * the input of the ordered walk. Returns the count.
 */
export function columnList<T>(col: usize, stakes: usize, positiveOnly: bool): i32 {
  let m = 0;
  let lo: f64 = Infinity, hi: f64 = positiveOnly ? -Infinity : 0;
  for (let i = 0; i < V; i++) {
    if (positiveOnly && !(ld<T>(stakes, i) > <T>0)) continue;
    const w = <f64>ld<T>(col, i);
    if (w == 0) continue;
    st<f64>(listKey, m, w);
    store<i32>(listIdx + (<usize>m << 2), i);
    m++;
    lo = min(lo, w);
    hi = max(hi, w);
  }
  listLo = lo;
  listHi = hi;
  return m;
}
