// Test-only oracle, part 2: the kernels of subtensor `pallets/subtensor/src/epoch/math.rs`
// that `epoch_mechanism` uses, one function per Rust function, same names (camelCase), same
// loop structure, same saturating / checked / wrapping operator at each site. Slow on purpose.
//
// A sparse matrix `Vec<Vec<(u16, I32F32)>>` is an array of rows of [uid, bits] pairs.

import {
  I32F32, I64F64, ONE, ZERO, add, fromFixed, fromInt, checkedMul, exp, max, min, mul, safeDiv, sdiv,
  sub, sum32, toU16, wrappingSum, type Bits,
} from "./fixed.js";

export type Pair = [number, Bits];
export type SparseMat = Pair[][];

const cloneMat = (m: SparseMat): SparseMat => m.map((r) => r.map(([j, v]) => [j, v] as Pair));

// ---------------------------------------------------------------- conversions

/** `fixed_to_u16(x)`: `x.saturating_to_num::<u16>()`. */
export const fixedToU16 = (x: Bits): number => toU16(I32F32, x);

/** `fixed64_to_u64(x)`. */
export const fixed64ToU64 = (x: Bits): bigint => {
  const v = x >> I64F64.frac;
  return v < 0n ? 0n : v > (1n << 64n) - 1n ? (1n << 64n) - 1n : v;
};

/** `fixed64_to_fixed32(x)`: `I32F32::saturating_from_num(x)`. */
export const fixed64ToFixed32 = (x: Bits): Bits => fromFixed(I32F32, I64F64, x);

/** `u16_to_fixed(x)`: `I32F32::saturating_from_num(x)` (an integer, not a proportion). */
export const u16ToFixed = (x: number): Bits => fromInt(I32F32, BigInt(x));

/** `fixed_to_fixed_u16_proportion(x)`: `x.safe_div(I32F32::saturating_from_num(u16::MAX))`. */
export const fixedToFixedU16Proportion = (x: Bits): Bits => sdiv(x, fromInt(I32F32, 65535n));

/** `fixed_proportion_to_u16(x)`: `fixed_to_u16(x.saturating_mul(I32F32::saturating_from_num(u16::MAX)))`. */
export const fixedProportionToU16 = (x: Bits): number => fixedToU16(mul(x, fromInt(I32F32, 65535n)));

/** `vec_fixed64_to_fixed32`. */
export const vecFixed64ToFixed32 = (v: Bits[]): Bits[] => v.map(fixed64ToFixed32);

// ---------------------------------------------------------------- sums / predicates

/** `sum(x)`: `x.iter().sum()` — wrapping. */
export const sum = (x: Bits[]): Bits => sum32(x);

/** `is_zero(vector)`: the (wrapping) sum is zero. */
export const isZero = (vector: Bits[]): boolean => sum(vector) === ZERO;

// ---------------------------------------------------------------- exp_safe

/** `exp_safe(input)`: clamp to [−20, 20], `exp`, on error 0 (input ≤ 0) or I32F32::MAX. */
export function expSafe(input: Bits): Bits {
  const minInput = fromInt(I32F32, -20n);
  const maxInput = fromInt(I32F32, 20n);
  let safeInput = input;
  if (input < minInput) safeInput = minInput;
  else if (maxInput < input) safeInput = maxInput;
  const r = exp(safeInput);
  if (r !== null) return r;
  return safeInput <= 0n ? ZERO : I32F32.max;
}

// ---------------------------------------------------------------- top-k

/**
 * `is_topk_nonzero(vector, k)`: true where non-zero; unless n < k, the n−k smallest (by an
 * ascending *stable* sort of the indices on value) are set false.
 */
export function isTopkNonzero(vector: Bits[], k: number): boolean[] {
  const n = vector.length;
  const result = vector.map((elem) => elem !== ZERO);
  if (n < k) return result;
  const idxs = Array.from({ length: n }, (_, i) => i);
  // Stable ascending sort by value: equal values keep index order (written out explicitly).
  idxs.sort((a, b) => {
    const va = vector[a]!, vb = vector[b]!;
    if (va < vb) return -1;
    if (va > vb) return 1;
    return a - b;
  });
  const take = Math.max(n - k, 0);
  for (let t = 0; t < take; t++) result[idxs[t]!] = false;
  return result;
}

// ---------------------------------------------------------------- normalisation

/** `inplace_normalize(x)`: divide by the (wrapping) sum unless it is zero. */
export function inplaceNormalize(x: Bits[]): void {
  const xSum = sum32(x);
  if (xSum === ZERO) return;
  for (let i = 0; i < x.length; i++) x[i] = sdiv(x[i]!, xSum);
}

/** `inplace_normalize_using_sum(x, x_sum)`. */
export function inplaceNormalizeUsingSum(x: Bits[], xSum: Bits): void {
  if (xSum === ZERO) return;
  for (let i = 0; i < x.length; i++) x[i] = sdiv(x[i]!, xSum);
}

/** `inplace_normalize_64(x)`: the same in I64F64 (wrapping sum, safe_div). */
export function inplaceNormalize64(x: Bits[]): void {
  const xSum = wrappingSum(I64F64, x);
  if (xSum === 0n) return;
  for (let i = 0; i < x.length; i++) x[i] = safeDiv(I64F64, x[i]!, xSum);
}

/** `inplace_row_normalize_sparse`: each row divided by its (wrapping) sum when that is > 0. */
export function inplaceRowNormalizeSparse(m: SparseMat): void {
  for (const row of m) {
    const rowSum = sum32(row.map(([, v]) => v));
    if (rowSum > ZERO) for (const p of row) p[1] = sdiv(p[1], rowSum);
  }
}

/** `row_sum_sparse`: (wrapping) sum of each row. */
export function rowSumSparse(m: SparseMat): Bits[] {
  return m.map((row) => sum32(row.map(([, v]) => v)));
}

/** `inplace_col_normalize_sparse(m, columns)`: saturating column sums; divide where non-zero. */
export function inplaceColNormalizeSparse(m: SparseMat, columns: number): void {
  const colSum: Bits[] = new Array(columns).fill(ZERO);
  for (const row of m) {
    for (const [j, value] of row) {
      if (j < columns) colSum[j] = add(colSum[j]!, value);
    }
  }
  for (const row of m) {
    for (const p of row) {
      const denom = p[0] < columns ? colSum[p[0]]! : ZERO;
      if (denom !== ZERO) p[1] = sdiv(p[1], denom);
    }
  }
}

/** `inplace_col_max_upscale_sparse(m, columns)`: divide each entry by its column max when non-zero. */
export function inplaceColMaxUpscaleSparse(m: SparseMat, columns: number): void {
  const colMax: Bits[] = new Array(columns).fill(ZERO);
  for (const row of m) {
    for (const [j, value] of row) {
      if (j < columns && colMax[j]! < value) colMax[j] = value;
    }
  }
  for (const row of m) {
    for (const p of row) {
      const mx = p[0] < columns ? colMax[p[0]]! : ZERO;
      if (mx !== ZERO) p[1] = sdiv(p[1], mx);
    }
  }
}

// ---------------------------------------------------------------- masks

/**
 * `inplace_mask_vector(mask, vector)`: nothing for an empty mask; otherwise position i is
 * zeroed when `mask.get(i).unwrap_or(&true)`.
 */
export function inplaceMaskVector(mask: boolean[], vector: Bits[]): void {
  if (mask.length === 0) return;
  for (let i = 0; i < vector.length; i++) {
    if (i < mask.length ? mask[i]! : true) vector[i] = ZERO;
  }
}

/** `mask_rows_sparse(mask, m)`: masked rows (or rows past the mask) become empty. */
export function maskRowsSparse(mask: boolean[], m: SparseMat): SparseMat {
  return m.map((row, i) => ((i < mask.length ? mask[i]! : true) ? [] : row.map(([j, v]) => [j, v] as Pair)));
}

/** `mask_diag_sparse(m)`: drop (i, i). */
export function maskDiagSparse(m: SparseMat): SparseMat {
  return m.map((row, i) => row.filter(([j]) => i !== j).map(([j, v]) => [j, v] as Pair));
}

/** `mask_diag_sparse_except_index(m, except)`: drop (i, i) except (except, except). */
export function maskDiagSparseExceptIndex(m: SparseMat, exceptIndex: number): SparseMat {
  return m.map((row, i) =>
    row.filter(([j]) => i !== j || (i === exceptIndex && j === exceptIndex)).map(([j, v]) => [j, v] as Pair));
}

/**
 * `vec_mask_sparse_matrix(m, first, second, f)`: row i reads `first[i]` (0 when missing),
 * entry (i, j) reads `second[j]` (0 when missing); the entry is removed when f(fv, sv).
 */
export function vecMaskSparseMatrix(
  m: SparseMat, firstVector: bigint[], secondVector: bigint[], maskFn: (a: bigint, b: bigint) => boolean,
): SparseMat {
  const result: SparseMat = [];
  for (let i = 0; i < m.length; i++) {
    const fv = i < firstVector.length ? firstVector[i]! : 0n;
    const out: Pair[] = [];
    for (const [j, val] of m[i]!) {
      const sv = j < secondVector.length ? secondVector[j]! : 0n;
      if (!maskFn(fv, sv)) out.push([j, val]);
    }
    result.push(out);
  }
  return result;
}

/** `scalar_vec_mask_sparse_matrix(m, scalar, vector, f)`: remove (i, j) when f(scalar, vector[j] or 0). */
export function scalarVecMaskSparseMatrix(
  m: SparseMat, scalar: bigint, vector: bigint[], maskFn: (a: bigint, b: bigint) => boolean,
): SparseMat {
  return m.map((row) => {
    const out: Pair[] = [];
    for (const [j, value] of row) {
      const vj = j < vector.length ? vector[j]! : 0n;
      if (!maskFn(scalar, vj)) out.push([j, value]);
    }
    return out;
  });
}

// ---------------------------------------------------------------- products

/** `row_hadamard_sparse(m, vector)`: (j, val.saturating_mul(vector[i])); stops when the vector runs out. */
export function rowHadamardSparse(m: SparseMat, vector: Bits[]): SparseMat {
  const out: SparseMat = [];
  for (let i = 0; i < m.length; i++) {
    if (i >= vector.length) break;
    const scale = vector[i]!;
    out.push(m[i]!.map(([j, val]) => [j, mul(val, scale)] as Pair));
  }
  return out;
}

/** `matmul_sparse(m, vector, columns)`: result_j = Σ_i sat(vector_i · m_ij), saturating adds. */
export function matmulSparse(m: SparseMat, vector: Bits[], columns: number): Bits[] {
  const result: Bits[] = new Array(columns).fill(ZERO);
  for (let i = 0; i < m.length; i++) {
    const scale = i < vector.length ? vector[i]! : ZERO;
    for (const [j, val] of m[i]!) {
      if (j < columns) result[j] = add(result[j]!, mul(scale, val));
    }
  }
  return result;
}

/** `matmul_transpose_sparse(m, vector)`: result_i = Σ_j sat(vector_j · m_ij) in row order. */
export function matmulTransposeSparse(m: SparseMat, vector: Bits[]): Bits[] {
  const result: Bits[] = new Array(m.length).fill(ZERO);
  for (let i = 0; i < m.length; i++) {
    let acc = ZERO;
    for (const [j, val] of m[i]!) {
      const v = j < vector.length ? vector[j]! : ZERO;
      acc = add(acc, mul(v, val));
    }
    result[i] = acc;
  }
  return result;
}

/** `col_clip_sparse(m, threshold)`: values above the column threshold become it, or vanish if it is ≤ 0. */
export function colClipSparse(m: SparseMat, colThreshold: Bits[]): SparseMat {
  return m.map((row) => {
    const out: Pair[] = [];
    for (const [j, val] of row) {
      const th = j < colThreshold.length ? colThreshold[j]! : ZERO;
      if (th < val) {
        if (th > ZERO) out.push([j, th]);
      } else {
        out.push([j, val]);
      }
    }
    return out;
  });
}

/**
 * `interpolate_sparse(mat1, mat2, columns, ratio)`: ratio 0 → mat1 as is, 1 → mat2 as is,
 * otherwise a dense walk over j in 0..columns keeping entries with interp > 0 (ascending j).
 */
export function interpolateSparse(mat1: SparseMat, mat2: SparseMat, columns: number, ratio: Bits): SparseMat {
  if (ratio === ZERO) return cloneMat(mat1);
  if (ratio === ONE) return cloneMat(mat2);
  if (mat1.length !== mat2.length) return cloneMat(mat2);
  const rows = mat1.length;
  const result: SparseMat = Array.from({ length: rows }, () => []);
  for (let i = 0; i < rows; i++) {
    const row1: Bits[] = new Array(columns).fill(ZERO);
    for (const [j, value] of mat1[i]!) if (j < columns) row1[j] = value;
    const row2: Bits[] = new Array(columns).fill(ZERO);
    for (const [j, value] of mat2[i]!) if (j < columns) row2[j] = value;
    for (let j = 0; j < columns; j++) {
      const v1 = row1[j]!, v2 = row2[j]!;
      const interp = add(v1, mul(ratio, sub(v2, v1)));
      if (ZERO < interp) result[i]!.push([j, interp]);
    }
  }
  return result;
}

/** `vec_mul(a, b)`: element-wise `checked_mul(..).unwrap_or_default()` over the shorter length. */
export function vecMul(a: Bits[], b: Bits[]): Bits[] {
  const out: Bits[] = [];
  for (let i = 0; i < Math.min(a.length, b.length); i++) out.push(checkedMul(I32F32, a[i]!, b[i]!) ?? ZERO);
  return out;
}

/** `mat_vec_mul_sparse(m, vector)`: (j, sat(m_ij · vector_j)) kept when non-zero; j past the vector dropped. */
export function matVecMulSparse(m: SparseMat, vector: Bits[]): SparseMat {
  const result: SparseMat = Array.from({ length: m.length }, () => []);
  for (let i = 0; i < m.length; i++) {
    for (const [j, value] of m[i]!) {
      if (j < vector.length) {
        const newValue = mul(value, vector[j]!);
        if (newValue !== ZERO) result[i]!.push([j, newValue]);
      }
    }
  }
  return result;
}

/** `clamp_value(value, low, high)`: `value.min(high).max(low)`. */
export const clampValue = (value: Bits, low: Bits, high: Bits): Bits => max(min(value, high), low);

// ---------------------------------------------------------------- EMA

/**
 * `mat_ema_sparse(new, old, alpha)`: per row a dense accumulator of n = new.len() columns,
 * += sat(alpha·new), += sat((1−alpha)·old), then the positive entries in ascending j.
 */
export function matEmaSparse(newM: SparseMat, old: SparseMat, alpha: Bits): SparseMat {
  const oneMinusAlpha = sub(ONE, alpha);
  const n = newM.length;
  if (n === 0) return [];
  const result: SparseMat = [];
  for (let i = 0; i < n; i++) {
    const acc: Bits[] = new Array(n).fill(ZERO);
    for (const [j, v] of newM[i]!) if (j < n) acc[j] = add(acc[j]!, mul(alpha, v));
    if (i < old.length) {
      for (const [j, v] of old[i]!) if (j < n) acc[j] = add(acc[j]!, mul(oneMinusAlpha, v));
    }
    const out: Pair[] = [];
    for (let j = 0; j < n; j++) if (acc[j]! > ZERO) out.push([j, acc[j]!]);
    result.push(out);
  }
  return result;
}

/**
 * `mat_ema_alpha_sparse(new, old, alpha)`: decayed_j = sat((1−α_ij)·old_ij) for old entries;
 * then for each entry of the *new* row, in its order: min(decayed + max(sat(α·new), 0), 1),
 * kept when > 0. Columns outside the alpha row are ignored. Shape mismatch → `new`.
 */
export function matEmaAlphaSparse(newM: SparseMat, old: SparseMat, alpha: Bits[][]): SparseMat {
  if (newM.length !== old.length || newM.length !== alpha.length) return cloneMat(newM);
  const result: SparseMat = [];
  for (let i = 0; i < newM.length; i++) {
    const oldRow = old[i]!, alphaRow = alpha[i]!;
    const decayed: Bits[] = new Array(alphaRow.length).fill(ZERO);
    for (const [j, oldVal] of oldRow) {
      if (j < alphaRow.length) decayed[j] = mul(sub(ONE, alphaRow[j]!), oldVal);
    }
    const out: Pair[] = [];
    for (const [j, newVal] of newM[i]!) {
      if (j < alphaRow.length) {
        const inc = max(mul(alphaRow[j]!, newVal), ZERO);
        const val = min(add(decayed[j]!, inc), ONE);
        if (val > ZERO) out.push([j, val]);
      }
    }
    result.push(out);
  }
  return result;
}

// ---------------------------------------------------------------- weighted median

/**
 * `weighted_median(stake, score, partition_idx, minority, lo, hi)`: mid-pivot partition search.
 * The pivot is the score at position len/2 of the current partition; elements equal to the
 * pivot are dropped from both sides; lower/upper keep the partition's order.
 */
export function weightedMedian(
  stake: Bits[], score: Bits[], partitionIdx: number[], minority: Bits, partitionLo: Bits, partitionHi: Bits,
): Bits {
  const get = (v: Bits[], i: number) => (i < v.length ? v[i]! : ZERO);
  if (stake.length !== score.length) return ZERO;
  let current = partitionIdx.slice();
  let iterationCounter = 0;
  const iterationLimit = partitionIdx.length;
  let lower: number[] = [];
  let upper: number[] = [];
  for (;;) {
    const n = current.length;
    if (n === 0) return ZERO;
    if (n === 1) return get(score, current[0]!);
    const midIdx = Math.floor(n / 2);
    const pivot = get(score, current[midIdx]!);
    let loStake = ZERO;
    let hiStake = ZERO;
    for (const idx of current) {
      if (get(score, idx) === pivot) continue;
      if (get(score, idx) < pivot) {
        loStake = add(loStake, get(stake, idx));
        lower.push(idx);
      } else {
        hiStake = add(hiStake, get(stake, idx));
        upper.push(idx);
      }
    }
    if (minority < add(partitionLo, loStake) && lower.length > 0) {
      current = lower.slice();
      partitionHi = add(partitionLo, loStake);
    } else if (sub(partitionHi, hiStake) <= minority && upper.length > 0) {
      current = upper.slice();
      partitionLo = sub(partitionHi, hiStake);
    } else {
      return pivot;
    }
    lower = [];
    upper = [];
    iterationCounter += 1;
    if (iterationCounter > iterationLimit) break;
  }
  return ZERO;
}

/**
 * `weighted_median_col_sparse(stake, score, columns, majority)`: rows with stake > 0 are the
 * voters (in uid order); missing entries score 0; per column `weighted_median` over all voters.
 */
export function weightedMedianColSparse(stake: Bits[], score: SparseMat, columns: number, majority: Bits): Bits[] {
  const useStake = stake.filter((s) => s > ZERO);
  inplaceNormalize(useStake);
  const stakeSum = sum32(useStake);
  const minority = sub(stakeSum, majority);
  const stakeIdx = Array.from({ length: useStake.length }, (_, i) => i);
  const useScore: Bits[][] = Array.from({ length: columns }, () => new Array(useStake.length).fill(ZERO));
  let k = 0;
  for (let i = 0; i < Math.min(stake.length, score.length); i++) {
    if (stake[i]! > ZERO) {
      for (const [c, val] of score[i]!) {
        if (c < columns && k < useStake.length) useScore[c]![k] = val;
      }
      k += 1;
    }
  }
  return useScore.map((colVec) => weightedMedian(useStake, colVec, stakeIdx, minority, ZERO, stakeSum));
}
