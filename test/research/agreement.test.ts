// The chain-like float kernels against the exact fixed-point engine (runTrajectory) on
// generated subnets without masks: every validator active and permitted, no self weights, no
// stake threshold, no re-registrations. V validators (uids 0..V-1) weight N servers
// (uids V..V+N-1, no stake). The float run gets the same u16 weight rows and rao stakes.
// Consensus, incentive and dividends must agree within 3/65535 in every epoch.
//
// Between epochs the chain stores bonds as u16 (Yuma 3: each bond truncated to a multiple of
// 1/65535), the float kernels keep them exact. Yuma 2 stores column-max-upscaled values, which
// keeps the relative error of every column at ~1/65535, so multi-epoch runs stay within the
// bound. Yuma 3's truncation is absolute: it biases each bond by up to 1/65535 per epoch and the
// EMA accumulates that up to ~1/(α·65535), so with a small α (0.1, 0.025) the runs drift apart
// by more than 3/65535 after a few epochs. Those are compared on single epochs (no stored
// state); Yuma 3 with α = 0.5 is compared over five epochs.

import { describe, expect, it } from "vitest";
import { runTrajectory } from "../../src/epoch.js";
import { runResearch } from "../../src/research/index.js";
import type { ResearchEpochInput } from "../../src/research/types.js";
import { input, rng } from "./helpers.js";

interface Subnet {
  V: number;
  N: number;
  /** Per epoch: u16 weight rows (max-upscaled, as set_weights stores them). */
  weights: number[][][];
  /** Per epoch: stake in rao. */
  stakes: number[][];
}

function generate(seed: number, epochs: number): Subnet {
  const r = rng(seed);
  const V = 2 + Math.floor(r() * 10);
  const N = 2 + Math.floor(r() * 14);
  const weights: number[][][] = [];
  const stakes: number[][] = [];
  let base: number[][] = Array.from({ length: V }, () => Array.from({ length: N }, () => (r() < 0.25 ? 0 : r())));
  let stake = Array.from({ length: V }, () => Math.floor(1e9 + r() * 1e12));
  for (let e = 0; e < epochs; e++) {
    // Validators drift: each weight moves a little, some jump, some servers are dropped.
    base = base.map((row) => row.map((w) => (r() < 0.1 ? r() : r() < 0.05 ? 0 : Math.max(0, w + (r() - 0.5) * 0.2))));
    base.forEach((row) => { if (Math.max(...row) === 0) row[Math.floor(r() * N)] = 1; });
    weights.push(base.map((row) => {
      const m = Math.max(...row);
      return row.map((w) => Math.round((w / m) * 65535));
    }));
    if (e > 0 && r() < 0.3) stake = stake.map((s) => Math.floor(s * (0.8 + 0.4 * r())));
    stakes.push(stake.slice());
  }
  return { V, N, weights, stakes };
}

function exactRun(s: Subnet, yuma3: boolean, kappa: number, bondsPenalty: number, bma: number) {
  const n = s.V + s.N;
  const sparse = (rows: number[][]) => [
    ...rows.map((row) => row.map((w, j) => [s.V + j, w] as [number, number])),
    ...Array.from({ length: s.N }, () => [] as Array<[number, number]>),
  ];
  const stake = (st: number[]) => [...st.map(String), ...Array.from({ length: s.N }, () => "0")];
  const blocks = s.weights.map((_, e) => 1000 + 100 * e);
  return runTrajectory({
    params: {
      n, currentBlock: blocks[0]!, tempo: 100, activityCutoff: 1e12, kappa, bondsPenalty, bondsMovingAverage: bma,
      yuma3, liquidAlpha: false, alphaLow: 45875, alphaHigh: 58982, alphaSigmoidSteepness: 1000,
      maxAllowedValidators: n, stakeThreshold: "0", ownerUid: null, lastMechanismStepBlock: 0,
      raoEmission: "1000000000", commitBlocks: null,
    },
    inputs: {
      stake: stake(s.stakes[0]!), lastUpdate: Array.from({ length: n }, () => 1),
      blockAtRegistration: Array.from({ length: n }, () => 0),
      validatorPermit: Array.from({ length: n }, (_, i) => i < s.V),
      weights: sparse(s.weights[0]!), bonds: Array.from({ length: n }, () => []),
    },
    epochs: s.weights.map((w, e) => ({ currentBlock: blocks[e]!, weights: sparse(w), stake: stake(s.stakes[e]!) })),
  });
}

const TOL = 3; // in u16 units (1/65535)

describe("chain-like float kernels vs the exact engine (within 3/65535)", () => {
  const configs = [
    { version: "YUMA2" as const, yuma3: false, kappa: 32767, bp: 65535, bma: 900000 },
    { version: "YUMA2" as const, yuma3: false, kappa: 39321, bp: 0, bma: 500000 },
    { version: "YUMA2" as const, yuma3: false, kappa: 32767, bp: 32767, bma: 975000 },
    // The ends: no EMA memory (α = 1), and bonds that never leave zero (α = 0).
    { version: "YUMA2" as const, yuma3: false, kappa: 32767, bp: 65535, bma: 0 },
    { version: "YUMA2" as const, yuma3: false, kappa: 32767, bp: 65535, bma: 1000000 },
    { version: "YUMA3" as const, yuma3: true, kappa: 26214, bp: 0, bma: 500000 },
    { version: "YUMA3" as const, yuma3: true, kappa: 32767, bp: 32767, bma: 500000 },
    { version: "YUMA3" as const, yuma3: true, kappa: 32767, bp: 65535, bma: 900000, single: true },
    { version: "YUMA3" as const, yuma3: true, kappa: 39321, bp: 32767, bma: 975000, single: true },
  ];
  for (const cfg of configs) {
    const subnets = cfg.single ? 40 : 12, epochCount = cfg.single ? 1 : 5;
    it(`${cfg.version} κ=${cfg.kappa} β=${cfg.bp} bma=${cfg.bma}: ${subnets} subnets × ${epochCount} epochs`, () => {
      let worst = 0;
      for (let k = 0; k < subnets; k++) {
        const s = generate(1000 * cfg.kappa + 7 * cfg.bp + cfg.bma + k, epochCount);
        const exact = exactRun(s, cfg.yuma3, cfg.kappa, cfg.bp, cfg.bma);
        const epochs: ResearchEpochInput[] = s.weights.map((W, e) => ({ W, S: s.stakes[e]! }));
        const float = runResearch(input(cfg.version, epochs, {
          kappa: cfg.kappa / 65535, bondPenalty: cfg.bp / 65535, bondMovingAverage: cfg.bma / 1e6,
        })).epochs;
        float.forEach((f, e) => {
          const x = exact[e]!;
          for (let j = 0; j < s.N; j++) {
            worst = Math.max(worst, Math.abs(f.consensus[j]! * 65535 - x.consensus[s.V + j]!));
            worst = Math.max(worst, Math.abs(f.incentive[j]! * 65535 - x.incentive[s.V + j]!));
          }
          for (let i = 0; i < s.V; i++) worst = Math.max(worst, Math.abs(f.dividends[i]! * 65535 - x.dividends[i]!));
        });
      }
      expect(worst).toBeLessThanOrEqual(TOL);
    });
  }
});
