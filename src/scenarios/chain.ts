// Chain-realistic scenarios: more validators and miners, noisy evaluations of a changing miner
// quality, and the timing effects seen on chain (weight copying, stale weights, a validator
// joining with a large stake, a miner rising to first place, commit-reveal delays and a miner
// re-registration). Deterministic: noise comes from fixed seeds.

import { TorchCpuGenerator } from "./torchNoise.js";
import type { ScenarioSpec } from "./types.js";

/** Piecewise quality schedule: `[fromEpoch, quality per server]`, sorted by epoch. */
type QualitySchedule = Array<[number, number[]]>;

function qualityAt(schedule: QualitySchedule, epoch: number): number[] {
  let q = schedule[0]![1];
  for (const [from, v] of schedule) if (epoch >= from) q = v;
  return q;
}

function normalize(row: number[]): number[] {
  const s = row.reduce((a, b) => a + b, 0);
  return s > 0 ? row.map((x) => x / s) : row.map(() => 0);
}

/**
 * A validator's evaluation of every server at `epoch`: true quality plus Gaussian noise of
 * standard deviation `sigma`, floored at 0.001 and normalized. Deterministic per
 * (seed, validator, epoch).
 */
function evaluate(quality: number[], sigma: number, seed: number, validator: number, epoch: number): number[] {
  const g = new TorchCpuGenerator(seed * 1_000_003 + validator * 10_007 + Math.max(0, epoch));
  return normalize(quality.map((q) => Math.max(0.001, q + sigma * g.standardNormal())));
}

/** Stake-weighted average of weight rows (what a weight copier submits). */
function stakeWeightedAverage(rows: number[][], stakes: number[]): number[] {
  const total = stakes.reduce((a, b) => a + b, 0);
  return rows[0]!.map((_, s) => rows.reduce((acc, r, v) => acc + r[s]! * stakes[v]!, 0) / total);
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

// ---------------------------------------------------------------------------------------------

const COPIER_Q: QualitySchedule = [
  [0, [0.4, 0.3, 0.2, 0.1]],
  [12, [0.35, 0.25, 0.45, 0.1]],
  [26, [0.3, 0.5, 0.35, 0.1]],
];
const COPIER_STAKES = [30, 25, 20, 10, 15];
const COPIER_SIGMA = [0.02, 0.03, 0.03, 0.04];

const copier: ScenarioSpec = {
  name: "copier",
  title: "Weight copier",
  description: "four honest validators score four miners whose ranking changes at epochs 12 and 26; a fifth validator (0.15) copies the previous epoch's stake-weighted consensus",
  group: "chain",
  validators: ["Honest A (0.30)", "Honest B (0.25)", "Honest C (0.20)", "Honest D (0.10)", "Copier (0.15)"],
  servers: ["Miner 1", "Miner 2", "Miner 3", "Miner 4"],
  base: 0,
  numEpochs: 40,
  weights: (n) => {
    const honest = range(n).map((e) => range(4).map((v) => evaluate(qualityAt(COPIER_Q, e), COPIER_SIGMA[v]!, 11, v, e)));
    return range(n).map((e) => {
      const copied = e === 0 ? [0.25, 0.25, 0.25, 0.25] : stakeWeightedAverage(honest[e - 1]!, COPIER_STAKES.slice(0, 4));
      return [...honest[e]!, copied];
    });
  },
  stakes: [{ from: 0, value: COPIER_STAKES }],
};

// ---------------------------------------------------------------------------------------------

const LATE_Q: QualitySchedule = [
  [0, [0.4, 0.3, 0.2, 0.1]],
  [10, [0.2, 0.4, 0.3, 0.1]],
  [20, [0.1, 0.2, 0.4, 0.3]],
  [30, [0.3, 0.1, 0.2, 0.4]],
];
const LATE_PERIOD = 6;
const lateSetEpoch = (e: number) => LATE_PERIOD * Math.floor(e / LATE_PERIOD);

const lateWeights: ScenarioSpec = {
  name: "late-weights",
  title: "Late-weights validator",
  description: "the best miner changes every 10 epochs; three validators set weights every epoch, one (0.20) only every 6 epochs, so its weights are up to 5 epochs stale",
  group: "chain",
  validators: ["Prompt A (0.35)", "Prompt B (0.30)", "Prompt C (0.15)", "Late vali. (0.20)"],
  servers: ["Miner 1", "Miner 2", "Miner 3", "Miner 4"],
  base: 0,
  numEpochs: 40,
  weights: (n) =>
    range(n).map((e) => [
      ...range(3).map((v) => evaluate(qualityAt(LATE_Q, e), 0.02, 12, v, e)),
      evaluate(qualityAt(LATE_Q, lateSetEpoch(e)), 0.02, 12, 3, lateSetEpoch(e)),
    ]),
  stakes: [{ from: 0, value: [35, 30, 15, 20] }],
  chain: { lastSet: (e) => [e, e, e, lateSetEpoch(e)] },
};

// ---------------------------------------------------------------------------------------------

const JOIN_EPOCH = 15;
const WHALE_Q: QualitySchedule = [
  [0, [0.5, 0.3, 0.2]],
  [25, [0.3, 0.5, 0.2]],
];

const whaleJoins: ScenarioSpec = {
  name: "whale-joins",
  title: "Validator joining with a big stake",
  description: `a validator registers at epoch ${JOIN_EPOCH} with 60% of the stake and no bonds; the best miner changes at epoch 25`,
  group: "chain",
  validators: ["Vali. A (0.40)", "Vali. B (0.35)", "Vali. C (0.25)", `Whale (joins e${JOIN_EPOCH}, 60%)`],
  servers: ["Miner 1", "Miner 2", "Miner 3"],
  base: 0,
  numEpochs: 40,
  weights: (n) =>
    range(n).map((e) => [
      ...range(3).map((v) => evaluate(qualityAt(WHALE_Q, e), 0.02, 13, v, e)),
      e < JOIN_EPOCH ? [0, 0, 0] : evaluate(qualityAt(WHALE_Q, e), 0.02, 13, 3, e),
    ]),
  stakes: [
    { from: 0, value: [40, 35, 25, 0] },
    { from: JOIN_EPOCH, value: [40, 35, 25, 150] },
  ],
  chain: { joins: [{ validator: 3, epoch: JOIN_EPOCH }] },
};

// ---------------------------------------------------------------------------------------------

function risingQuality(e: number): number[] {
  const t = Math.min(1, Math.max(0, (e - 5) / 20));
  return [0.3, 0.25, 0.2, 0.15, 0.05 + 0.4 * t];
}
const RISING_LAG = [0, 2, 6];

const risingMiner: ScenarioSpec = {
  name: "rising-miner",
  title: "Miner rising to first place",
  description: "a new miner improves steadily from epoch 5 to 25 and overtakes the leader around epoch 18; validators notice it at once, 2 epochs late (big) or 6 epochs late",
  group: "chain",
  validators: ["Fast vali. (0.20)", "Big vali. (0.50)", "Slow vali. (0.30)"],
  servers: ["Miner 1", "Miner 2", "Miner 3", "Miner 4", "Rising miner"],
  base: 0,
  numEpochs: 40,
  weights: (n) => range(n).map((e) => range(3).map((v) => {
    const seen = Math.max(0, e - RISING_LAG[v]!);
    return evaluate(risingQuality(seen), 0.02, 14, v, seen);
  })),
  stakes: [{ from: 0, value: [20, 50, 30] }],
};

// ---------------------------------------------------------------------------------------------

const CR_DELAY = 3;
const CR_REGISTER = 20;
const CR_Q: QualitySchedule = [
  [0, [0.35, 0.3, 0.25, 0.1]],
  [10, [0.25, 0.4, 0.25, 0.1]],
  // The weak miner 4 is replaced by a strong newcomer in the same uid.
  [CR_REGISTER, [0.25, 0.3, 0.2, 0.45]],
];
const CR_STAKES = [40, 30, 20, 10];

/**
 * Commit-reveal: weights committed in epoch c are revealed (and used) in epoch c + delay. A
 * commit made before the newcomer registered is not used for it: the chain masks the new uid's
 * weight while the validator's earliest pending commit predates the registration, which with a
 * registration half a tempo before epoch R covers epochs R .. R + delay − 2.
 */
function crMasked(e: number): boolean {
  return e >= CR_REGISTER && e < CR_REGISTER + CR_DELAY - 1;
}

const commitReveal: ScenarioSpec = {
  name: "commit-reveal",
  title: "Commit-reveal delay",
  description: `weights are revealed ${CR_DELAY} epochs after commit; a copier (0.10) can only copy revealed weights, so it lags ${2 * CR_DELAY + 1} epochs; a strong miner re-registers in uid of miner 4 at epoch ${CR_REGISTER}`,
  group: "chain",
  validators: ["Vali. A (0.40)", "Vali. B (0.30)", "Vali. C (0.20)", "Copier (0.10)"],
  servers: ["Miner 1", "Miner 2", "Miner 3", `Miner 4 (new from e${CR_REGISTER})`],
  base: 0,
  numEpochs: 40,
  weights: (n) => {
    const evalAt = (v: number, c: number) => evaluate(qualityAt(CR_Q, Math.max(0, c)), 0.02, 15, v, Math.max(0, c));
    // Stored (revealed) honest rows at epoch e: the evaluations committed at e − delay.
    const honestStored = (e: number) => range(3).map((v) => evalAt(v, e - CR_DELAY));
    const mask = (row: number[], e: number) => (crMasked(e) ? row.map((x, s) => (s === 3 ? 0 : x)) : row);
    return range(n).map((e) => {
      // The copier's commit in epoch c copies the honest rows stored before it (revealed at
      // c − 1); that commit is revealed at c + delay.
      const c = e - CR_DELAY;
      const copied = stakeWeightedAverage(honestStored(c - 1), CR_STAKES.slice(0, 3));
      return [...honestStored(e).map((r) => mask(r, e)), mask(copied, e)];
    });
  },
  stakes: [{ from: 0, value: CR_STAKES }],
  resetBonds: [{ epoch: CR_REGISTER, server: 3 }],
  chain: { commitReveal: { delay: CR_DELAY } },
};

export const CHAIN_SCENARIOS: ScenarioSpec[] = [copier, lateWeights, whaleJoins, risingMiner, commitReveal];
