// The consensus (stake-weighted median per column) against a line-by-line BigInt port of
// subtensor's `weighted_median` / `weighted_median_col_sparse` (epoch/math.rs), fed with the
// engine's own traced inputs to that step (active stake, masked + normalised weights).
//
// The engine finds the same value with a different selection algorithm (see
// assembly/median.ts), so this checks it where the result is most fragile: many exact ties
// (rows with equal sums, few distinct values), absent entries (score 0), zero-stake voters,
// and stakes crafted so that a partial stake sum lands exactly on the minority threshold.
import { describe, expect, it } from "vitest";
import { runEpoch } from "../src/index.js";
import { rng } from "./helpers/rng.js";
import { ONE, weightedMedianColSparse } from "./helpers/chain-median.js";

/** Split `total` into `parts` positive-or-zero integers at random. */
function split(r: () => number, total: bigint, parts: number, allowZero: boolean): bigint[] {
  if (parts === 1) return [total];
  const cuts: bigint[] = [];
  for (let i = 0; i < parts - 1; i++) cuts.push(BigInt(Math.floor(r() * Number(total))));
  cuts.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const out: bigint[] = [];
  let prev = 0n;
  for (const c of [...cuts, total]) { out.push(c - prev); prev = c; }
  if (!allowZero) for (let i = 0; i < out.length; i++) if (out[i] === 0n && out.length > 1) { out[i] = 1n; out[(i + 1) % out.length]! -= 1n; }
  return out.map((x) => (x < 0n ? 0n : x));
}

function makeCase(seed: number) {
  const r = rng(seed);
  // Mostly small subnets (ties are likelier), some with partitions of 16+ (the engine picks
  // its pivot differently there).
  const n = r() < 0.8 ? 2 + Math.floor(r() * 14) : 16 + Math.floor(r() * 30);
  const voters = 1 + Math.floor(r() * n);
  const kappa = [0, 1, 13107, 32767, 32768, 40000, 65534, 65535][Math.floor(r() * 8)]!;
  const majority = (BigInt(kappa) << 32n) / 65535n;
  // Stakes in rao summing to exactly 2^32: normalisation is then the identity, so a crafted
  // group of voters holds exactly the minority's stake.
  const crafted = r() < 0.6;
  let stakes: bigint[];
  let g = 0; // the first g voters hold exactly the minority's stake (crafted cases)
  if (crafted && voters >= 2) {
    const minority = ONE - majority;
    g = 1 + Math.floor(r() * (voters - 1));
    const low = minority >= 0n && minority <= ONE ? minority : ONE / 2n;
    stakes = [...split(r, low, g, r() < 0.3), ...split(r, ONE - low, voters - g, r() < 0.3)];
  } else {
    stakes = split(r, ONE, voters, r() < 0.3);
  }
  // Few distinct values, rows as permutations of one multiset (equal row sums → exact ties
  // after normalisation), some entries absent; the low-stake group scores lower sometimes.
  const base = Array.from({ length: n }, () => [0, 1, 2, 3, 65535][Math.floor(r() * 5)]!);
  const weights: Array<Array<[number, number]>> = [];
  const unsorted = r() < 0.3;
  // Larger crafted cases: in "split" columns the minority group scores 0 and every other
  // voter the same positive value (one shared row), so W(< that value) is exactly the
  // minority whichever voters the partitions hold.
  const separated = g > 0 && n >= 16;
  const shared = Array.from({ length: n }, () => 1 + Math.floor(r() * 3));
  const split0 = Array.from({ length: n }, () => r() < 0.5);
  for (let i = 0; i < n; i++) {
    if (i >= voters) { weights.push([]); continue; }
    if (separated) {
      const row: Array<[number, number]> = [];
      for (let j = 0; j < n; j++) {
        if (i < g) { if (!split0[j]) row.push([j, 1 + Math.floor(r() * 3)]); else if (r() < 0.5) row.push([j, 0]); }
        else row.push([j, shared[j]!]);
      }
      weights.push(row);
      continue;
    }
    const vals = base.slice();
    for (let j = vals.length - 1; j > 0; j--) { const t = Math.floor(r() * (j + 1)); [vals[j], vals[t]] = [vals[t]!, vals[j]!]; }
    const row: Array<[number, number]> = [];
    for (let j = 0; j < n; j++) if (r() < 0.8) row.push([j, vals[j]!]);
    // Stored rows need not be sorted (set_weights keeps the caller's order): the engine
    // has a separate path for subnets with an unsorted voting row.
    if (unsorted && row.length > 1 && r() < 0.5) row.reverse();
    weights.push(row);
  }
  const stake = Array.from({ length: n }, (_, i) => (i < voters ? stakes[i]! : 0n).toString());
  const params = {
    n, currentBlock: 1000, tempo: 100, activityCutoff: 5000, kappa, bondsPenalty: 65535, bondsMovingAverage: 900000,
    yuma3: r() < 0.5, liquidAlpha: false, alphaLow: 45875, alphaHigh: 58982, alphaSigmoidSteepness: 1000,
    maxAllowedValidators: n, stakeThreshold: "0", ownerUid: null, lastMechanismStepBlock: 900,
    raoEmission: "1000000000", commitBlocks: null,
  };
  const inputs = {
    stake,
    lastUpdate: Array.from({ length: n }, () => 990),
    blockAtRegistration: Array.from({ length: n }, () => 1),
    validatorPermit: Array.from({ length: n }, (_, i) => i < voters),
    weights,
    bonds: Array.from({ length: n }, () => []),
  };
  return { params, inputs, majority };
}

describe("weighted_median_col_sparse matches the chain's algorithm", () => {
  it("on 3000 random subnets with ties, absent entries and exact minority sums", () => {
    let hitExact = 0;
    for (let seed = 1; seed <= 3000; seed++) {
      const { params, inputs, majority } = makeCase(seed);
      const out = runEpoch(params, inputs, { trace: true });
      const t = out.trace!;
      const expected = weightedMedianColSparse(t.activeStake, t.weights, params.n, majority);
      expect({ seed, consensus: t.consensus }).toEqual({ seed, consensus: expected });
      // Count cases where some partial stake sum equals the minority (the `>` vs `>=` edge).
      const use = t.activeStake.filter((s) => s > 0n);
      const sum = use.reduce((a, b) => a + b, 0n);
      let acc = 0n;
      for (const s of use) { acc += s; if (acc === sum - majority) { hitExact++; break; } }
    }
    expect(hitExact).toBeGreaterThan(100);
  });
});
