// Summation in the order of PyTorch's CPU `sum` (ATen `cascade_sum`), for the peer-compatible
// kernels. Float addition is not associative, so reproducing the reference's results to the
// last bit needs its exact order of additions. The order depends on the reduction's layout:
//
//   inner sum (a contiguous run, e.g. a row sum or a 1-D total):
//     runs shorter than one SIMD vector: `row_sum` (4 interleaved partial sums, see `ilpSum`);
//     longer runs: one `row_sum` per vector lane over whole vectors, then a scalar sum of the
//     tail elements, to which the lane sums are added in lane order.
//   outer sum (column sums of a row-major matrix, reducing over rows):
//     fewer columns than one vector: columns in groups of four use the blocked cascade over
//     rows (`cascadeSum`), the remaining columns `row_sum` over rows;
//     otherwise: blocks of four vectors of columns use the cascade, then whole vectors and
//     then single columns use `row_sum` over rows.
//
// The accumulator is the element type (float32 sums accumulate in float32). The vector width
// is the build's: 32 bytes (AVX2, and the 2×128-bit NEON vectors on arm64) by default, or 64
// bytes (AVX-512). Large tensors (≥ 32768 elements) may be summed by several threads in the
// reference, in an order that depends on its thread count; that split is not modelled.

import { ld, st } from "./mem";

let simdBytes: i32 = 32;

// Accumulators of cascadeSumColumns: four levels × COL_BLOCK columns of f64-sized slots.
export const COL_BLOCK = 256;
let colAcc: usize = 0;

let reference = false; // per-column cascadeSum (the reference kernels, for the tests)

// innerSum's 4·lanes cascades (at most 4 × 16 float32 or 4 × 8 float64 values).
export const VEC_ACC_BYTES: usize = 256;
let vecAcc: usize = 0;

/** Scratch of the column and lane sums: 4·COL_BLOCK f64 slots (zero between calls), then
 *  VEC_ACC_BYTES. */
export function setColumnScratch(p: usize, useReference: bool): void {
  colAcc = p;
  vecAcc = p + (<usize>(4 * COL_BLOCK) << 3);
  reference = useReference;
}

export function setSimdBytes(bytes: i32): void {
  simdBytes = bytes;
}

// @ts-ignore: decorator
@inline function laneCount<T>(): i32 {
  return simdBytes / <i32>sizeof<T>();
}

/** ATen `CeilLog2`: 1 for x ≤ 2, else ⌈log2 x⌉. */
function ceilLog2(x: i32): i32 {
  if (x <= 2) return 1;
  return 32 - clz<i32>(x - 1);
}

/**
 * One lane of ATen `multi_row_sum`: Σ x[i] for i < size, x[i] at base + i·stride. Elements go
 * into a level-0 accumulator in chunks of 2^p (p = max(4, ⌈log2 size⌉ / 4)); after each chunk
 * the accumulator is pushed into level 1, and a level is pushed further up whenever the
 * count of elements seen is a multiple of the next level's span. The levels are folded
 * into level 0 at the end, lowest first.
 */
export function cascadeSum<T>(base: usize, stride: usize, size: i32): T {
  const power = max<i32>(4, ceilLog2(size) / 4);
  const chunk = 1 << power;
  const mask = chunk - 1;
  let a0: T = <T>0, a1: T = <T>0, a2: T = <T>0, a3: T = <T>0;
  let i = 0;
  let p = base;
  while (i + chunk <= size) {
    for (let j = 0; j < chunk; j++) {
      a0 += load<T>(p);
      p += stride;
    }
    i += chunk;
    a1 += a0;
    a0 = <T>0;
    if ((i & (mask << power)) == 0) {
      a2 += a1;
      a1 = <T>0;
      if ((i & (mask << (2 * power))) == 0) {
        a3 += a2;
        a2 = <T>0;
      }
    }
  }
  for (; i < size; i++) {
    a0 += load<T>(p);
    p += stride;
  }
  a0 += a1;
  a0 += a2;
  a0 += a3;
  return a0;
}

/** dst[c] += src[c] for c < count, element by element (four or two lanes at a time in the
 *  SIMD build: the same additions); with `clear`, src[c] = 0 after. */
// @ts-ignore: decorator
@inline function addColumns<T>(dst: usize, src: usize, count: i32, clear: bool): void {
  let c = 0;
  if (ASC_FEATURE_SIMD) {
    const lanes = 16 / <i32>sizeof<T>();
    for (; c + lanes <= count; c += lanes) {
      const o = <usize>c * sizeof<T>();
      const sum = sizeof<T>() == 4
        ? f32x4.add(v128.load(dst + o), v128.load(src + o))
        : f64x2.add(v128.load(dst + o), v128.load(src + o));
      v128.store(dst + o, sum);
      if (clear) v128.store(src + o, i64x2.splat(0));
    }
  }
  for (; c < count; c++) {
    st<T>(dst, c, ld<T>(dst, c) + ld<T>(src, c));
    if (clear) st<T>(src, c, <T>0);
  }
}

/** dst[c] = src[c], then src[c] = 0, for c < count (vector lanes in the SIMD build). */
// @ts-ignore: decorator
@inline function moveColumns<T>(dst: usize, src: usize, count: i32): void {
  let c = 0;
  if (ASC_FEATURE_SIMD) {
    const lanes = 16 / <i32>sizeof<T>();
    for (; c + lanes <= count; c += lanes) {
      const o = <usize>c * sizeof<T>();
      v128.store(dst + o, v128.load(src + o));
      v128.store(src + o, i64x2.splat(0));
    }
  }
  for (; c < count; c++) {
    st<T>(dst, c, ld<T>(src, c));
    st<T>(src, c, <T>0);
  }
}

/**
 * cascadeSum of each of `count` (≤ COL_BLOCK) adjacent columns (from column pointer `col`,
 * rows `rowBytes` apart), into out[0..count): the same additions in the same order per column
 * as one cascadeSum per column, but walking the rows once, contiguously, for a block of
 * columns. The four levels start zero and are left zero (every push and the final fold clear
 * their source), so no call clears them first.
 */
function cascadeSumColumns<T>(col: usize, rowBytes: usize, rows: i32, count: i32, out: usize): void {
  const sz = sizeof<T>();
  const power = max<i32>(4, ceilLog2(rows) / 4);
  const chunk = 1 << power;
  const mask = chunk - 1;
  const a0 = colAcc, a1 = colAcc + <usize>COL_BLOCK * sz, a2 = a1 + <usize>COL_BLOCK * sz, a3 = a2 + <usize>COL_BLOCK * sz;
  let i = 0;
  let p = col;
  while (i + chunk <= rows) {
    for (let r = 0; r < chunk; r++) {
      addColumns<T>(a0, p, count, false);
      p += rowBytes;
    }
    i += chunk;
    addColumns<T>(a1, a0, count, true);
    if ((i & (mask << power)) == 0) {
      addColumns<T>(a2, a1, count, true);
      if ((i & (mask << (2 * power))) == 0) addColumns<T>(a3, a2, count, true);
    }
  }
  for (; i < rows; i++) {
    addColumns<T>(a0, p, count, false);
    p += rowBytes;
  }
  // cascadeSum's fold per column: a0 += a1; a0 += a2; a0 += a3.
  addColumns<T>(a0, a1, count, true);
  addColumns<T>(a0, a2, count, true);
  addColumns<T>(a0, a3, count, true);
  moveColumns<T>(out, a0, count);
}

/** cascadeSum of the columns [from, to), a block of columns at a time. */
function cascadeColumns<T>(m: usize, rowBytes: usize, rows: i32, from: i32, to: i32, out: usize): void {
  const sz = sizeof<T>();
  if (reference) {
    for (let c = from; c < to; c++) st<T>(out, c, cascadeSum<T>(m + <usize>c * sz, rowBytes, rows));
    return;
  }
  for (let c = from; c < to; c += COL_BLOCK) {
    const count = min<i32>(COL_BLOCK, to - c);
    cascadeSumColumns<T>(m + <usize>c * sz, rowBytes, rows, count, out + <usize>c * sz);
  }
}

/**
 * ATen `row_sum`: the n elements seen as rows of four; the four columns are summed with
 * `cascadeSum`, the n mod 4 leftover elements are added to the first, then the second,
 * third and fourth partial sums are added to it in that order.
 */
export function ilpSum<T>(base: usize, stride: usize, n: i32): T {
  const rows = n >> 2;
  const s4 = stride << 2;
  let p0 = cascadeSum<T>(base, s4, rows);
  const p1 = cascadeSum<T>(base + stride, s4, rows);
  const p2 = cascadeSum<T>(base + 2 * stride, s4, rows);
  const p3 = cascadeSum<T>(base + 3 * stride, s4, rows);
  for (let i = rows << 2; i < n; i++) p0 += load<T>(base + <usize>i * stride);
  p0 += p1;
  p0 += p2;
  p0 += p3;
  return p0;
}

/** Sum of a contiguous run of n elements (a 1-D total, or one row of a row sum). */
export function innerSum<T>(base: usize, n: i32): T {
  const sz = sizeof<T>();
  const lanes = laneCount<T>();
  if (n < lanes) return ilpSum<T>(base, sz, n);
  const vectors = n / lanes;
  let total: T = <T>0;
  for (let k = vectors * lanes; k < n; k++) total += ld<T>(base, k);
  if (ASC_FEATURE_SIMD && !reference) {
    // Lane l's ilpSum is four cascadeSums, over elements l + (q + 4t)·lanes (q < 4): for each
    // t one contiguous block of 4·lanes elements holds one element of each of the 4·lanes
    // cascades, which all have the same length. So they are the column sums of the blocks
    // seen as rows (cascade (l, q) in column q·lanes + l), summed a vector of columns at a
    // time; then ilpSum's leftovers and fold per lane, in its order.
    const rows = vectors >> 2;
    if (rows < 16) {
      // Fewer rows than a chunk: no level is pushed, so each column's cascade is its rows
      // added in order to zero, then the three (zero) upper levels folded in — summed here in
      // a register per vector of columns (the same additions; + 0 once: it is idempotent).
      const blockBytes = <usize>(4 * lanes) * sz;
      for (let v: usize = 0; v < blockBytes; v += 16) {
        let acc = i64x2.splat(0);
        for (let r = 0; r < rows; r++) {
          const x = v128.load(base + <usize>r * blockBytes + v);
          acc = sizeof<T>() == 4 ? f32x4.add(acc, x) : f64x2.add(acc, x);
        }
        v128.store(vecAcc + v, sizeof<T>() == 4 ? f32x4.add(acc, f32x4.splat(0)) : f64x2.add(acc, f64x2.splat(0)));
      }
    } else {
      cascadeSumColumns<T>(base, <usize>(4 * lanes) * sz, rows, 4 * lanes, vecAcc);
    }
    for (let lane = 0; lane < lanes; lane++) {
      let p0 = ld<T>(vecAcc, lane);
      for (let k = rows << 2; k < vectors; k++) p0 += ld<T>(base, lane + k * lanes);
      p0 += ld<T>(vecAcc, lanes + lane);
      p0 += ld<T>(vecAcc, 2 * lanes + lane);
      p0 += ld<T>(vecAcc, 3 * lanes + lane);
      total += p0;
    }
    return total;
  }
  for (let lane = 0; lane < lanes; lane++) {
    total += ilpSum<T>(base + <usize>lane * sz, <usize>lanes * sz, vectors);
  }
  return total;
}

/** out[i] = Σ_j m[i][j] for a row-major rows×cols matrix (`m.sum(dim=1)`). */
export function rowSums<T>(m: usize, rows: i32, cols: i32, out: usize): void {
  const rowBytes = <usize>cols * sizeof<T>();
  for (let i = 0; i < rows; i++) st<T>(out, i, innerSum<T>(m + <usize>i * rowBytes, cols));
}

/** out[j] = Σ_i m[i][j] for a row-major rows×cols matrix (`m.sum(dim=0)`). */
export function colSums<T>(m: usize, rows: i32, cols: i32, out: usize): void {
  const sz = sizeof<T>();
  if (cols == 1) {
    // A single column is contiguous: ATen drops the unit dimension and sums it as a run.
    st<T>(out, 0, innerSum<T>(m, rows));
    return;
  }
  const rowBytes = <usize>cols * sz;
  const lanes = laneCount<T>();
  let j = 0;
  if (cols >= lanes) {
    const blocked = cols / (4 * lanes) * (4 * lanes);
    cascadeColumns<T>(m, rowBytes, rows, 0, blocked, out);
    j = blocked;
    for (; j + lanes <= cols; j += lanes) {
      for (let c = j; c < j + lanes; c++) st<T>(out, c, ilpSum<T>(m + <usize>c * sz, rowBytes, rows));
    }
  } else {
    const blocked = cols & ~3;
    cascadeColumns<T>(m, rowBytes, rows, 0, blocked, out);
    j = blocked;
  }
  for (; j < cols; j++) st<T>(out, j, ilpSum<T>(m + <usize>j * sz, rowBytes, rows));
}
