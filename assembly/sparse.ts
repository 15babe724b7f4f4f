// Sparse matrices and the vector kernels of subtensor `epoch/math.rs`, on raw memory.
//
// A matrix is a row list in CSR form with a fixed slot per row: row i owns entries
// [start[i], start[i] + cap_i) and uses the first len[i] of them. Masks shrink rows in
// place, so a matrix derived by filtering shares its parent's slots. Entries keep the
// stored order (rows are not sorted on chain) and explicit zeros.

import { cmul, divUnitBy, mulUnit, ONE, recipOf, safeDiv, safeDivFast, sadd, smulFast, ssub } from "./fixed";
import {
  allocRaw, allocZeroed, getI64, getU16, getU32, getU64, getU8, setI64, setU16, setU32, setU64,
} from "./mem";

@unmanaged
export class Csr {
  rows: i32;
  start: usize; // u32[rows]: first slot of each row
  len: usize; // u32[rows]: used entries of each row
  col: usize; // u16[capacity]
  val: usize; // i64[capacity]
}

/** A matrix with the same row slots as `like`, rows empty. */
export function csrLike(like: Csr): Csr {
  const m = changetype<Csr>(allocRaw(offsetof<Csr>()));
  const rows = like.rows;
  m.rows = rows;
  m.start = like.start;
  m.len = allocZeroed(<usize>rows << 2);
  const total = slotsEnd(like);
  m.col = allocRaw(<usize>total << 1);
  m.val = allocRaw(<usize>total << 3);
  return m;
}

/** One past the last slot of the layout (slots are contiguous and ascending). */
export function slotsEnd(m: Csr): u32 {
  return load<u32>(m.start + (<usize>m.rows << 2)); // start has rows + 1 entries
}

/** A matrix with `rows` rows whose row i has room for caps(i) entries. */
export function csrWithSlots(rows: i32, capPerRow: usize, capPtrA: usize, capPtrB: usize): Csr {
  // capPerRow: fixed room per row when capPtrA is 0; otherwise room = lenA[i] (+ lenB[i]).
  const m = changetype<Csr>(allocRaw(offsetof<Csr>()));
  m.rows = rows;
  m.start = allocRaw((<usize>rows + 1) << 2);
  m.len = allocZeroed(<usize>rows << 2);
  let at: u32 = 0;
  for (let i = 0; i < rows; i++) {
    setU32(m.start, i, at);
    let room: u32 = <u32>capPerRow;
    if (capPtrA != 0) room = getU32(capPtrA, i);
    if (capPtrB != 0) room += getU32(capPtrB, i);
    at += room;
  }
  setU32(m.start, rows, at);
  m.col = allocRaw(<usize>at << 1);
  m.val = allocRaw(<usize>at << 3);
  return m;
}

/** An independent copy (same slots). */
export function csrClone(src: Csr): Csr {
  const m = csrLike(src);
  memory.copy(m.len, src.len, <usize>src.rows << 2);
  const total = slotsEnd(src);
  memory.copy(m.col, src.col, <usize>total << 1);
  memory.copy(m.val, src.val, <usize>total << 3);
  return m;
}

/** recipOf(d[c]) for each positive d[c] (0 elsewhere), for `divUnitBy`. */
export function recipTable(d: usize, columns: i32): usize {
  const t = allocRaw(<usize>columns << 3);
  for (let c = 0; c < columns; c++) {
    const v = getU64(d, c);
    setU64(t, c, v != 0 ? recipOf(v) : 0);
  }
  return t;
}

// @ts-ignore: decorator
@inline export function rowStart(m: Csr, i: i32): i32 { return <i32>getU32(m.start, i); }
// @ts-ignore: decorator
@inline export function rowLen(m: Csr, i: i32): i32 { return <i32>getU32(m.len, i); }
// @ts-ignore: decorator
@inline export function setRowLen(m: Csr, i: i32, l: i32): void { setU32(m.len, i, <u32>l); }
// @ts-ignore: decorator
@inline export function colAt(m: Csr, e: i32): i32 { return <i32>getU16(m.col, e); }
// @ts-ignore: decorator
@inline export function valAt(m: Csr, e: i32): i64 { return getI64(m.val, e); }
// @ts-ignore: decorator
@inline export function setEntry(m: Csr, e: i32, c: i32, v: i64): void {
  setU16(m.col, e, <u32>c);
  setI64(m.val, e, v);
}

// ---------------------------------------------------------------------------------------
// Vector kernels

/** `x.iter().sum()` on I32F32: wrapping, like the crate's `Sum`. */
export function sum(x: usize, n: i32): i64 {
  let s: i64 = 0;
  for (let i = 0; i < n; i++) s += getI64(x, i);
  return s;
}

/** `inplace_normalize`: divide by the (wrapping) sum unless it is zero. */
export function inplace_normalize(x: usize, n: i32): void {
  const s = sum(x, n);
  if (s == 0) return;
  for (let i = 0; i < n; i++) setI64(x, i, safeDivFast(getI64(x, i), s));
}

/** `inplace_normalize_using_sum`. */
export function inplace_normalize_using_sum(x: usize, n: i32, s: i64): void {
  if (s == 0) return;
  for (let i = 0; i < n; i++) setI64(x, i, safeDivFast(getI64(x, i), s));
}

/** `inplace_mask_vector`: zero where mask (u8) is set; an empty mask masks nothing, and
 *  positions past the mask's length count as masked. */
export function inplace_mask_vector(mask: usize, maskLen: i32, x: usize, n: i32): void {
  if (maskLen == 0) return;
  for (let i = 0; i < n; i++) {
    if (i >= maskLen || getU8(mask, i) != 0) setI64(x, i, 0);
  }
}

/** `vec_mul` (checked product, 0 on overflow). */
export function vec_mul(a: usize, b: usize, out: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    setI64(out, i, cmul(getI64(a, i), getI64(b, i)));
  }
}


// ---------------------------------------------------------------------------------------
// Masks (in place: rows shrink, order is kept)

/** `mask_rows_sparse`: empty every row whose mask (u8) is set. */
export function mask_rows_sparse(mask: usize, m: Csr): void {
  for (let i = 0; i < m.rows; i++) if (getU8(mask, i) != 0) setRowLen(m, i, 0);
}

/** `mask_diag_sparse` / `mask_diag_sparse_except_index` (except < 0: no exception). */
export function mask_diag_sparse(m: Csr, except: i32): void {
  const rows = m.rows, start = m.start, len = m.len, col = m.col, val = m.val;
  for (let i = 0; i < rows; i++) {
    if (i == except) continue;
    const s = <i32>getU32(start, i), l = <i32>getU32(len, i);
    let w = s;
    for (let e = s; e < s + l; e++) {
      const c = <i32>getU16(col, e);
      if (c == i) continue;
      if (w != e) { setU16(col, w, <u32>c); setI64(val, w, getI64(val, e)); }
      w++;
    }
    setU32(len, i, <u32>(w - s));
  }
}

/**
 * `vec_mask_sparse_matrix` with the mask `first[i] <= second[j]` (outdated weights) or
 * `first[i] < second[j]` (commit-reveal); `second` past its end reads 0, `first` past
 * `firstLen` reads 0.
 */
export function vec_mask_sparse_matrix(
  m: Csr, first: usize, firstLen: i32, second: usize, secondLen: i32, orEqual: bool,
): void {
  const rows = m.rows, start = m.start, len = m.len, col = m.col, val = m.val;
  for (let i = 0; i < rows; i++) {
    const fv: u64 = i < firstLen ? getU64(first, i) : 0;
    // `fv <= sv` is `fv - 1 < sv` for fv > 0, and always true for fv = 0.
    if (orEqual && fv == 0) { setU32(len, i, 0); continue; }
    const bound: u64 = orEqual ? fv - 1 : fv;
    const s = <i32>getU32(start, i), l = <i32>getU32(len, i);
    let w = s;
    for (let e = s; e < s + l; e++) {
      const c = <i32>getU16(col, e);
      const sv: u64 = c < secondLen ? getU64(second, c) : 0;
      if (bound < sv) continue;
      if (w != e) { setU16(col, w, <u32>c); setI64(val, w, getI64(val, e)); }
      w++;
    }
    setU32(len, i, <u32>(w - s));
  }
}

/** `scalar_vec_mask_sparse_matrix` with the mask `scalar <= vector[j]` (bonds of re-registered uids). */
export function scalar_vec_mask_sparse_matrix(m: Csr, scalar: u64, vector: usize, vecLen: i32): void {
  const rows = m.rows, start = m.start, len = m.len, col = m.col, val = m.val;
  for (let i = 0; i < rows; i++) {
    const s = <i32>getU32(start, i), l = <i32>getU32(len, i);
    let w = s;
    for (let e = s; e < s + l; e++) {
      const c = <i32>getU16(col, e);
      const vj: u64 = c < vecLen ? getU64(vector, c) : 0;
      if (scalar <= vj) continue;
      if (w != e) { setU16(col, w, <u32>c); setI64(val, w, getI64(val, e)); }
      w++;
    }
    setU32(len, i, <u32>(w - s));
  }
}

// ---------------------------------------------------------------------------------------
// Row / column kernels

/** `inplace_row_normalize_sparse`: rows with a positive (wrapping) sum are divided by it. */
export function inplace_row_normalize_sparse(m: Csr): void {
  const rows = m.rows, start = m.start, len = m.len, val = m.val;
  for (let i = 0; i < rows; i++) {
    const p = val + (<usize>getU32(start, i) << 3), end = p + (<usize>getU32(len, i) << 3);
    let rs: i64 = 0;
    for (let q = p; q < end; q += 8) rs += load<i64>(q);
    if (rs > 0) for (let q = p; q < end; q += 8) store<i64>(q, safeDivFast(load<i64>(q), rs));
  }
}

/** `row_sum_sparse` (wrapping sums). */
export function row_sum_sparse(m: Csr, out: usize): void {
  const rows = m.rows, start = m.start, len = m.len, val = m.val;
  for (let i = 0; i < rows; i++) {
    const p = val + (<usize>getU32(start, i) << 3), end = p + (<usize>getU32(len, i) << 3);
    let rs: i64 = 0;
    for (let q = p; q < end; q += 8) rs += load<i64>(q);
    setI64(out, i, rs);
  }
}

/** `inplace_col_normalize_sparse`: saturating column sums, columns ≥ `columns` untouched. */
export function inplace_col_normalize_sparse(m: Csr, columns: i32, scratch: usize): void {
  const rows = m.rows, start = m.start, len = m.len, col = m.col, val = m.val;
  memory.fill(scratch, 0, <usize>columns << 3);
  for (let i = 0; i < rows; i++) {
    const s = <i32>getU32(start, i), e1 = s + <i32>getU32(len, i);
    for (let e = s; e < e1; e++) {
      const c = <i32>getU16(col, e);
      if (c < columns) setI64(scratch, c, sadd(getI64(scratch, c), getI64(val, e)));
    }
  }
  for (let i = 0; i < rows; i++) {
    const s = <i32>getU32(start, i), e1 = s + <i32>getU32(len, i);
    for (let e = s; e < e1; e++) {
      const c = <i32>getU16(col, e);
      if (c >= columns) continue;
      const d = getI64(scratch, c);
      if (d != 0) setI64(val, e, safeDivFast(getI64(val, e), d));
    }
  }
}

/**
 * `inplace_col_normalize_sparse` for values in [0, 1]: a column sum is at most
 * rows·1 < 2^48 (no saturation) and each entry is at most its column's sum.
 */
export function inplace_col_normalize_sparse_unit(m: Csr, columns: i32, scratch: usize): void {
  const rows = m.rows, start = m.start, len = m.len, col = m.col, val = m.val;
  memory.fill(scratch, 0, <usize>columns << 3);
  for (let i = 0; i < rows; i++) {
    const s = <i32>getU32(start, i), e1 = s + <i32>getU32(len, i);
    for (let e = s; e < e1; e++) {
      const c = <i32>getU16(col, e);
      if (c < columns) setI64(scratch, c, getI64(scratch, c) + getI64(val, e));
    }
  }
  const recip = recipTable(scratch, columns);
  for (let i = 0; i < rows; i++) {
    const s = <i32>getU32(start, i), e1 = s + <i32>getU32(len, i);
    for (let e = s; e < e1; e++) {
      const c = <i32>getU16(col, e);
      if (c >= columns) continue;
      const d = getI64(scratch, c);
      if (d != 0) setI64(val, e, divUnitBy(getI64(val, e), d, getU64(recip, c)));
    }
  }
}

/**
 * `inplace_col_normalize_sparse` for a matrix of whole numbers v·2^32 (0 <= v < 2^32, the
 * Yuma 2 bonds as stored). Per column V = Σv (exact in u64): the saturating sum of the
 * entries is V·2^32 when V < 2^31 and then each entry becomes v·2^32 / V (one 64-bit
 * division); otherwise the sum saturates to i64::MAX and the general division is used.
 */
export function inplace_col_normalize_sparse_int(m: Csr, columns: i32, scratch: usize): void {
  const rows = m.rows, start = m.start, len = m.len, col = m.col, val = m.val;
  memory.fill(scratch, 0, <usize>columns << 3);
  for (let i = 0; i < rows; i++) {
    const s = <i32>getU32(start, i), e1 = s + <i32>getU32(len, i);
    for (let e = s; e < e1; e++) {
      const c = <i32>getU16(col, e);
      if (c < columns) setU64(scratch, c, getU64(scratch, c) + (<u64>getI64(val, e) >> 32));
    }
  }
  // v·2^32 / V by divUnitBy (v <= V < 2^31).
  const recip = recipTable(scratch, columns);
  for (let i = 0; i < rows; i++) {
    const s = <i32>getU32(start, i), e1 = s + <i32>getU32(len, i);
    for (let e = s; e < e1; e++) {
      const c = <i32>getU16(col, e);
      if (c >= columns) continue;
      const ws = getU64(scratch, c);
      if (ws == 0) continue;
      const v = getI64(val, e);
      setI64(val, e, ws < (<u64>1 << 31) ? divUnitBy(v >> 32, <i64>ws, getU64(recip, c)) : safeDiv(v, i64.MAX_VALUE));
    }
  }
}

/** `inplace_col_max_upscale_sparse`: divide each entry by its column's maximum (if non-zero). */
export function inplace_col_max_upscale_sparse(m: Csr, columns: i32, scratch: usize): void {
  const rows = m.rows, start = m.start, len = m.len, col = m.col, val = m.val;
  memory.fill(scratch, 0, <usize>columns << 3);
  for (let i = 0; i < rows; i++) {
    const s = <i32>getU32(start, i), e1 = s + <i32>getU32(len, i);
    for (let e = s; e < e1; e++) {
      const c = <i32>getU16(col, e);
      const v = getI64(val, e);
      if (c < columns && getI64(scratch, c) < v) setI64(scratch, c, v);
    }
  }
  for (let i = 0; i < rows; i++) {
    const s = <i32>getU32(start, i), e1 = s + <i32>getU32(len, i);
    for (let e = s; e < e1; e++) {
      const c = <i32>getU16(col, e);
      if (c >= columns) continue;
      const mx = getI64(scratch, c);
      if (mx != 0) setI64(val, e, safeDivFast(getI64(val, e), mx));
    }
  }
}

/** `col_clip_sparse`: entries above the column threshold become it (dropped if it is ≤ 0). */
export function col_clip_sparse(m: Csr, threshold: usize, columns: i32): Csr {
  const out = csrLike(m);
  const rows = m.rows, start = m.start, len = m.len, col = m.col, val = m.val;
  const oLen = out.len, oCol = out.col, oVal = out.val;
  for (let i = 0; i < rows; i++) {
    const s = <i32>getU32(start, i), e1 = s + <i32>getU32(len, i);
    let w = s;
    for (let e = s; e < e1; e++) {
      const c = <i32>getU16(col, e), v = getI64(val, e);
      const th: i64 = c < columns ? getI64(threshold, c) : 0;
      if (th < v) {
        if (th > 0) { setU16(oCol, w, <u32>c); setI64(oVal, w, th); w++; }
      } else {
        setU16(oCol, w, <u32>c); setI64(oVal, w, v);
        w++;
      }
    }
    setU32(oLen, i, <u32>(w - s));
  }
  return out;
}

/** `matmul_sparse`: result_j = Σ_i vector_i · m_ij with saturating ops. */
export function matmul_sparse(m: Csr, vector: usize, columns: i32, out: usize): void {
  const rows = m.rows, start = m.start, len = m.len, col = m.col, val = m.val;
  memory.fill(out, 0, <usize>columns << 3);
  for (let i = 0; i < rows; i++) {
    const scale = getI64(vector, i);
    const s = <i32>getU32(start, i), e1 = s + <i32>getU32(len, i);
    for (let e = s; e < e1; e++) {
      const c = <i32>getU16(col, e);
      if (c < columns) setI64(out, c, sadd(getI64(out, c), smulFast(scale, getI64(val, e))));
    }
  }
}

/** `matmul_transpose_sparse`: result_i = Σ_j vector_j · m_ij with saturating ops. */
export function matmul_transpose_sparse(m: Csr, vector: usize, columns: i32, out: usize): void {
  const rows = m.rows, start = m.start, len = m.len, col = m.col, val = m.val;
  for (let i = 0; i < rows; i++) {
    const s = <i32>getU32(start, i), e1 = s + <i32>getU32(len, i);
    let acc: i64 = 0;
    for (let e = s; e < e1; e++) {
      const c = <i32>getU16(col, e);
      const v: i64 = c < columns ? getI64(vector, c) : 0;
      acc = sadd(acc, smulFast(v, getI64(val, e)));
    }
    setI64(out, i, acc);
  }
}

/** `row_hadamard_sparse`: m_ij · vector_i (saturating), in place. */
export function row_hadamard_sparse(m: Csr, vector: usize): void {
  const rows = m.rows, start = m.start, len = m.len, val = m.val;
  for (let i = 0; i < rows; i++) {
    const scale = getI64(vector, i);
    const p = val + (<usize>getU32(start, i) << 3), end = p + (<usize>getU32(len, i) << 3);
    for (let q = p; q < end; q += 8) store<i64>(q, smulFast(load<i64>(q), scale));
  }
}

/**
 * `row_sum_sparse(mat_vec_mul_sparse(m, vector))`: Σ_j m_ij · vector_j per row (wrapping
 * sum of saturating products; columns past the vector are skipped, zero products too,
 * which does not change a sum).
 */
export function row_sum_mat_vec_mul_sparse(m: Csr, vector: usize, columns: i32, out: usize): void {
  const rows = m.rows, start = m.start, len = m.len, col = m.col, val = m.val;
  for (let i = 0; i < rows; i++) {
    const s = <i32>getU32(start, i), e1 = s + <i32>getU32(len, i);
    let acc: i64 = 0;
    for (let e = s; e < e1; e++) {
      const c = <i32>getU16(col, e);
      if (c < columns) acc += smulFast(getI64(val, e), getI64(vector, c));
    }
    setI64(out, i, acc);
  }
}

/**
 * `interpolate_sparse(mat1, mat2, columns, ratio)`: mat1 + ratio·(mat2 − mat1) per entry,
 * rows densified and re-emitted in ascending column order, keeping values > 0. mat2's
 * columns must be a subset of mat1's row by row (clipped weights are), so each output row
 * fits in mat1's slot. `dense1`, `dense2` are i64[columns] scratch, zero on entry and exit.
 */
export function interpolate_sparse(
  mat1: Csr, mat2: Csr, columns: i32, ratio: i64, dense1: usize, dense2: usize,
): Csr {
  if (ratio == 0) return mat1;
  if (ratio == ONE) return mat2;
  const out = csrLike(mat1);
  for (let i = 0; i < mat1.rows; i++) {
    const s1 = rowStart(mat1, i), l1 = rowLen(mat1, i);
    const s2 = rowStart(mat2, i), l2 = rowLen(mat2, i);
    if (l1 == 0 && l2 == 0) continue;
    for (let e = s1; e < s1 + l1; e++) {
      const c = colAt(mat1, e);
      if (c < columns) setI64(dense1, c, valAt(mat1, e));
    }
    for (let e = s2; e < s2 + l2; e++) {
      const c = colAt(mat2, e);
      if (c < columns) setI64(dense2, c, valAt(mat2, e));
    }
    let w = rowStart(out, i);
    const s = w;
    for (let j = 0; j < columns; j++) {
      const v1 = getI64(dense1, j), v2 = getI64(dense2, j);
      if (v1 == 0 && v2 == 0) continue;
      const v = sadd(v1, smulFast(ratio, ssub(v2, v1)));
      if (v > 0) { setEntry(out, w, j, v); w++; }
      setI64(dense1, j, 0);
      setI64(dense2, j, 0);
    }
    setRowLen(out, i, w - s);
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Fused kernels: several of the steps above in one pass, with the same results. The epoch
// uses them on its hot path; the single-step kernels stay the reference (and the fallback).

/**
 * Set by `weights_prepare`: every weight is in [0, 1] (every row was normalised or is all
 * zero). Then the kernels downstream can use `mulUnit` / `divUnitBy` and plain additions: their
 * operands are proportions and no sum comes near saturation (see each kernel).
 */
export let weightsUnit: bool = true;

/**
 * The weights as the epoch masks them: `csrFromInput` (stored u16 values as whole numbers),
 * `mask_rows_sparse(forbids)`, `mask_diag_sparse(except)`, the outdated-weights
 * `vec_mask_sparse_matrix(lastUpdate <= registration)`, optionally the commit-reveal one
 * (`commit < registration`), then `inplace_row_normalize_sparse`. Every mask is a filter on
 * (row, column), so applying them together keeps the same entries in the same order.
 * The input cols / u16 values are compacted in place (they are scratch after the call).
 */
export function weights_prepare(
  n: i32, start: usize, cols: usize, vals: usize, forbids: usize, except: i32,
  lastUpdate: usize, luLen: i32, registration: usize, commit: usize,
): Csr {
  const m = changetype<Csr>(allocRaw(offsetof<Csr>()));
  m.rows = n;
  m.start = start;
  const len = allocRaw(<usize>n << 2);
  m.len = len;
  m.col = cols;
  const total = <i32>getU32(start, n);
  const val = allocRaw(<usize>total << 3);
  m.val = val;
  weightsUnit = true;
  for (let i = 0; i < n; i++) {
    const s = <i32>getU32(start, i), e1 = <i32>getU32(start, i + 1);
    const fv: u64 = i < luLen ? getU64(lastUpdate, i) : 0;
    // Outdated: masked when fv <= reg[c], i.e. reg[c] > fv - 1; fv = 0 masks everything.
    if (getU8(forbids, i) != 0 || fv == 0 || s == e1) { setU32(len, i, 0); continue; }
    let bound: u64 = fv - 1;
    if (commit != 0) {
      const cv = getU64(commit, i); // masked when cv < reg[c]
      if (cv < bound) bound = cv;
    }
    const diag = i == except ? -1 : i;
    let w = s;
    let ws: u64 = 0;
    for (let e = s; e < e1; e++) {
      const c = <i32>getU16(cols, e);
      const reg: u64 = c < n ? getU64(registration, c) : 0;
      if (c == diag || reg > bound) continue;
      const v = getU16(vals, e);
      setU16(cols, w, <u32>c);
      setU16(vals, w, v);
      ws += v;
      w++;
    }
    setU32(len, i, <u32>(w - s));
    // inplace_row_normalize_sparse on whole numbers v·2^32: with V = Σv < 2^31 the row sum
    // V·2^32 is positive and does not wrap, and (v·2^32)·2^32 / (V·2^32) = v·2^32 / V.
    if (ws == 0) {
      for (let e = s; e < w; e++) setI64(val, e, 0);
    } else if (ws < (<u64>1 << 31)) {
      const F = recipOf(ws); // v·2^32 / ws by divUnitBy, v <= ws
      for (let e = s; e < w; e++) setI64(val, e, divUnitBy(<i64>getU16(vals, e), <i64>ws, F));
    } else {
      // The chain's row sum wraps here (>= 2^63): values can end up above 1.
      weightsUnit = false;
      let rs: i64 = 0;
      for (let e = s; e < w; e++) rs += <i64>getU16(vals, e) << 32;
      for (let e = s; e < w; e++) {
        const a = <i64>getU16(vals, e) << 32;
        setI64(val, e, rs > 0 ? safeDiv(a, rs) : a);
      }
    }
  }
  return m;
}

/**
 * `col_clip_sparse(m, consensus)` into a new matrix, with `row_sum_sparse` of the result
 * into `rowSums` (validator trust) and `matmul_sparse(result, vector)` into `colOut`
 * (ranks), in one pass. Rows are visited in order, so the saturating column sums add up in
 * the same order as in `matmul_sparse`.
 * `unit`: weights in [0, 1] (`weightsUnit`). The vector is the active stake (each in [0, 1],
 * summing to <= 1), so every product is <= the row's stake and each column sum <= 1: the
 * saturating operations are plain ones, and the loop is branch-free (about half the
 * entries sit above their column's median, an unpredictable branch otherwise).
 */
export function clip_trust_ranks(
  m: Csr, threshold: usize, columns: i32, vector: usize, rowSums: usize, colOut: usize, unit: bool,
): Csr {
  const out = csrLike(m);
  const rows = m.rows, start = m.start, len = m.len, col = m.col, val = m.val;
  const oLen = out.len, oCol = out.col, oVal = out.val;
  memory.fill(colOut, 0, <usize>columns << 3);
  for (let i = 0; i < rows; i++) {
    const s = <i32>getU32(start, i), e1 = s + <i32>getU32(len, i);
    const scale = getI64(vector, i);
    let w = s;
    let rs: i64 = 0;
    if (unit) {
      for (let e = s; e < e1; e++) {
        const c = <i32>getU16(col, e);
        const v = getI64(val, e);
        const th: i64 = c < columns ? getI64(threshold, c) : 0;
        const keep = <i32>(th >= v) | <i32>(th > 0); // clipped to a threshold <= 0: dropped
        const x = select<i64>(select<i64>(th, v, th < v), 0, keep);
        setU16(oCol, w, <u32>c);
        setI64(oVal, w, x);
        w += keep;
        rs += x;
        if (c < columns) setI64(colOut, c, getI64(colOut, c) + mulUnit(scale, x));
      }
    } else {
      for (let e = s; e < e1; e++) {
        const c = <i32>getU16(col, e);
        let v = getI64(val, e);
        const th: i64 = c < columns ? getI64(threshold, c) : 0;
        if (th < v) {
          if (th <= 0) continue;
          v = th;
        }
        setU16(oCol, w, <u32>c);
        setI64(oVal, w, v);
        w++;
        rs += v;
        if (c < columns) setI64(colOut, c, sadd(getI64(colOut, c), smulFast(scale, v)));
      }
    }
    setU32(oLen, i, <u32>(w - s));
    setI64(rowSums, i, rs);
  }
  return out;
}

/**
 * A stored bond matrix as the epoch reads it: `csrFromInput` (values as u16 proportions, or
 * as whole numbers) then `scalar_vec_mask_sparse_matrix(scalar <= registration[c])`.
 * The input cols are compacted in place.
 */
export function bonds_prepare(
  n: i32, start: usize, cols: usize, vals: usize, proportion: bool, scalar: u64, registration: usize,
  intColSums: usize,
): Csr {
  const m = changetype<Csr>(allocRaw(offsetof<Csr>()));
  m.rows = n;
  m.start = start;
  const len = allocRaw(<usize>n << 2);
  m.len = len;
  m.col = cols;
  const val = allocRaw(<usize>getU32(start, n) << 3);
  m.val = val;
  if (intColSums != 0) memory.fill(intColSums, 0, <usize>n << 3);
  for (let i = 0; i < n; i++) {
    const s = <i32>getU32(start, i), e1 = <i32>getU32(start, i + 1);
    let w = s;
    for (let e = s; e < e1; e++) {
      const c = <i32>getU16(cols, e);
      const reg: u64 = c < n ? getU64(registration, c) : 0;
      if (scalar <= reg) continue;
      const v = getU16(vals, e);
      setU16(cols, w, <u32>c);
      setI64(val, w, proportion ? <i64>v * 65537 + <i64>(v / 65535) : <i64>v << 32);
      // Column sums of the stored values (for inplace_col_normalize_sparse on whole numbers).
      if (intColSums != 0 && c < n) setU64(intColSums, c, getU64(intColSums, c) + v);
      w++;
    }
    setU32(len, i, <u32>(w - s));
  }
  return m;
}

/** Column sums of m_ij · vector_i (the row-scaled matrix) for values and vector in [0, 1]. */
export function row_scaled_col_sums(m: Csr, vector: usize, columns: i32, out: usize): void {
  const rows = m.rows, start = m.start, len = m.len, col = m.col, val = m.val;
  memory.fill(out, 0, <usize>columns << 3);
  for (let i = 0; i < rows; i++) {
    const s = <i32>getU32(start, i), e1 = s + <i32>getU32(len, i);
    const scale = getI64(vector, i);
    for (let e = s; e < e1; e++) {
      const c = <i32>getU16(col, e);
      if (c < columns) setI64(out, c, getI64(out, c) + mulUnit(scale, getI64(val, e)));
    }
  }
}

/**
 * `row_hadamard_sparse(csrClone(m), vector)`: a new matrix m_ij · vector_i (saturating).
 * `unit`: values and vector in [0, 1].
 */
export function row_scaled(m: Csr, vector: usize, unit: bool): Csr {
  const out = csrLike(m);
  const rows = m.rows, start = m.start, len = m.len, col = m.col, val = m.val;
  const oLen = out.len, oCol = out.col, oVal = out.val;
  memory.copy(oLen, len, <usize>rows << 2);
  for (let i = 0; i < rows; i++) {
    const s = <i32>getU32(start, i), e1 = s + <i32>getU32(len, i);
    const scale = getI64(vector, i);
    if (unit) {
      for (let e = s; e < e1; e++) {
        setU16(oCol, e, getU16(col, e));
        setI64(oVal, e, mulUnit(scale, getI64(val, e)));
      }
    } else {
      for (let e = s; e < e1; e++) {
        setU16(oCol, e, getU16(col, e));
        setI64(oVal, e, smulFast(getI64(val, e), scale));
      }
    }
  }
  return out;
}

/**
 * Yuma 2 after the EMA: `inplace_col_normalize_sparse(m)` given its saturating column sums
 * `colSums`, `matmul_transpose_sparse(m, vector)` into `rowOut`, and the column maxima of
 * the normalised values into `colMax` (for `inplace_col_max_upscale_sparse`), in one pass.
 */
export function col_normalize_dividends_max(
  m: Csr, columns: i32, colSums: usize, vector: usize, rowOut: usize, colMax: usize, unit: bool,
): void {
  const rows = m.rows, start = m.start, len = m.len, col = m.col, val = m.val;
  memory.fill(colMax, 0, <usize>columns << 3);
  const recip = unit ? recipTable(colSums, columns) : 0;
  for (let i = 0; i < rows; i++) {
    const s = <i32>getU32(start, i), e1 = s + <i32>getU32(len, i);
    let acc: i64 = 0;
    if (unit) {
      // Entries in (0, 1] over their column sums, incentive in [0, 1]: acc <= n.
      for (let e = s; e < e1; e++) {
        const c = <i32>getU16(col, e);
        if (c >= columns) continue;
        const v = divUnitBy(getI64(val, e), getI64(colSums, c), getU64(recip, c));
        setI64(val, e, v);
        const mx = getI64(colMax, c);
        setI64(colMax, c, select<i64>(v, mx, mx < v));
        acc += mulUnit(getI64(vector, c), v);
      }
      setI64(rowOut, i, acc);
      continue;
    }
    for (let e = s; e < e1; e++) {
      const c = <i32>getU16(col, e);
      let v = getI64(val, e);
      if (c < columns) {
        const d = getI64(colSums, c);
        if (d != 0) { v = safeDivFast(v, d); setI64(val, e, v); }
        if (getI64(colMax, c) < v) setI64(colMax, c, v);
        acc = sadd(acc, smulFast(getI64(vector, c), v));
      }
    }
    setI64(rowOut, i, acc);
  }
}

/** `inplace_col_max_upscale_sparse` given the column maxima. `unit`: values in [0, 1]. */
export function col_upscale(m: Csr, columns: i32, colMax: usize, unit: bool): void {
  const rows = m.rows, start = m.start, len = m.len, col = m.col, val = m.val;
  const recip = unit ? recipTable(colMax, columns) : 0;
  for (let i = 0; i < rows; i++) {
    const s = <i32>getU32(start, i), e1 = s + <i32>getU32(len, i);
    for (let e = s; e < e1; e++) {
      const c = <i32>getU16(col, e);
      if (c >= columns) continue;
      const mx = getI64(colMax, c);
      if (mx == 0) continue;
      const v = getI64(val, e);
      setI64(val, e, unit ? divUnitBy(v, mx, getU64(recip, c)) : safeDivFast(v, mx));
    }
  }
}

/**
 * Yuma 3 after the EMA: `row_sum_sparse(mat_vec_mul_sparse(col_normalized(m), vector))`
 * given m's saturating column sums, without materialising the normalised copy.
 */
export function normalized_bond_totals(m: Csr, columns: i32, colSums: usize, vector: usize, out: usize, unit: bool): void {
  const rows = m.rows, start = m.start, len = m.len, col = m.col, val = m.val;
  const recip = unit ? recipTable(colSums, columns) : 0;
  for (let i = 0; i < rows; i++) {
    const s = <i32>getU32(start, i), e1 = s + <i32>getU32(len, i);
    let acc: i64 = 0;
    if (unit) {
      // Entries in (0, 1], each at most its (positive) column sum; vector in [0, 1].
      for (let e = s; e < e1; e++) {
        const c = <i32>getU16(col, e);
        if (c >= columns) continue;
        acc += mulUnit(divUnitBy(getI64(val, e), getI64(colSums, c), getU64(recip, c)), getI64(vector, c));
      }
      setI64(out, i, acc);
      continue;
    }
    for (let e = s; e < e1; e++) {
      const c = <i32>getU16(col, e);
      if (c >= columns) continue;
      let v = getI64(val, e);
      const d = getI64(colSums, c);
      if (d != 0) v = safeDivFast(v, d);
      acc += smulFast(v, getI64(vector, c));
    }
    setI64(out, i, acc);
  }
}
