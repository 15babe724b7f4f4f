// A line-by-line BigInt port of subtensor's `weighted_median` / `weighted_median_col_sparse`
// (epoch/math.rs): the oracle of the consensus tests.
const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;
export const ONE = 1n << 32n;
const sat = (x: bigint) => (x > I64_MAX ? I64_MAX : x < I64_MIN ? I64_MIN : x);
const wrap = (x: bigint) => BigInt.asIntN(64, x);

function safeDiv(a: bigint, b: bigint): bigint {
  if (b === 0n) return 0n;
  const q = (a << 32n) / b;
  return q > I64_MAX || q < I64_MIN ? 0n : q;
}

function inplaceNormalize(x: bigint[]): void {
  const s = x.reduce((a, b) => wrap(a + b), 0n);
  if (s === 0n) return;
  for (let i = 0; i < x.length; i++) x[i] = safeDiv(x[i]!, s);
}

/** math.rs `weighted_median`, step by step. */
function weightedMedian(stake: bigint[], score: bigint[], partitionIdx: number[], minority: bigint, lo: bigint, hi: bigint): bigint {
  let cur = partitionIdx.slice();
  let counter = 0;
  const limit = partitionIdx.length;
  let partitionLo = lo, partitionHi = hi;
  for (;;) {
    const n = cur.length;
    if (n === 0) return 0n;
    if (n === 1) return score[cur[0]!]!;
    const pivot = score[cur[n >> 1]!]!;
    let loStake = 0n, hiStake = 0n;
    const lower: number[] = [], upper: number[] = [];
    for (const idx of cur) {
      if (score[idx] === pivot) continue;
      if (score[idx]! < pivot) { loStake = sat(loStake + stake[idx]!); lower.push(idx); }
      else { hiStake = sat(hiStake + stake[idx]!); upper.push(idx); }
    }
    if (sat(partitionLo + loStake) > minority && lower.length > 0) {
      partitionHi = sat(partitionLo + loStake);
      cur = lower;
    } else if (sat(partitionHi - hiStake) <= minority && upper.length > 0) {
      partitionLo = sat(partitionHi - hiStake);
      cur = upper;
    } else return pivot;
    if (counter > limit) break;
    counter++;
  }
  return 0n;
}

/** math.rs `weighted_median_col_sparse`. */
export function weightedMedianColSparse(stake: bigint[], score: Array<Array<[number, bigint]>>, columns: number, majority: bigint): bigint[] {
  const useStake = stake.filter((s) => s > 0n);
  inplaceNormalize(useStake);
  const stakeSum = useStake.reduce((a, b) => wrap(a + b), 0n);
  const idx = useStake.map((_, i) => i);
  const minority = sat(stakeSum - majority);
  const useScore = Array.from({ length: columns }, () => new Array<bigint>(useStake.length).fill(0n));
  let k = 0;
  for (let r = 0; r < stake.length; r++) {
    if (stake[r]! <= 0n) continue;
    for (const [c, v] of score[r] ?? []) if (c < columns && k < useStake.length) useScore[c]![k] = v;
    k++;
  }
  return useScore.map((col) => weightedMedian(useStake, col, idx, minority, 0n, stakeSum));
}
