// The consensus median under adversarial inputs: a median-of-three "killer" ordering of a
// column, and a huge subnet where every uid sets one weight. Cost is checked with the engine's
// deterministic work counter (pairs visited by the selections + voter cursors looked at by the
// blocked gather), not with timings; values against the BigInt port of the chain's algorithm,
// also with the sort fallback and the bucket gather forced on every column.
import { afterEach, describe, expect, it } from "vitest";
import { runEpoch } from "../src/index.js";
import { engine } from "../src/wasm.js";
import { weightedMedianColSparse } from "./helpers/chain-median.js";
import { rng } from "./helpers/rng.js";
// @ts-expect-error: plain JS module without types
import { adversarialSubnet } from "../bench/generate.mjs";

function baseParams(n: number) {
  return {
    n, currentBlock: 1000, tempo: 100, activityCutoff: 5000, kappa: 32767, bondsPenalty: 65535,
    bondsMovingAverage: 900000, yuma3: false, liquidAlpha: false, alphaLow: 45875, alphaHigh: 58982,
    alphaSigmoidSteepness: 1000, maxAllowedValidators: n, stakeThreshold: "0", ownerUid: null,
    lastMechanismStepBlock: 900, raoEmission: "1000000000", commitBlocks: null,
  };
}

function work(run: () => void): number {
  const e = engine();
  const before = e.medianVisits();
  run();
  return Number(e.medianVisits() - before);
}

afterEach(() => engine().setMedianTuning(-1, 0));

describe("consensus median: adversarial cost", () => {
  it("a median-of-three killer column costs O(nnz log V), not O(V²), and gives the chain's value", () => {
    const n = 4096;
    const { params, inputs } = adversarialSubnet("median-killer", n);
    // Without the fallback (a pass budget larger than any partition), the killer makes the
    // selection quadratic: this is what the fallback must prevent.
    engine().setMedianTuning(1 << 30, 0);
    const quadratic = work(() => runEpoch(params, inputs));
    engine().setMedianTuning(-1, 0);
    let out: ReturnType<typeof runEpoch> | undefined;
    const bounded = work(() => { out = runEpoch(params, inputs, { trace: true }); });
    const nnz = 2 * n, logV = Math.log2(n);
    expect(quadratic).toBeGreaterThan((n * n) / 16);
    expect(bounded).toBeLessThanOrEqual(6 * nnz * logV);
    const t = out!.trace!;
    expect(t.consensus).toEqual(weightedMedianColSparse(t.activeStake, t.weights, n, (32767n << 32n) / 65535n));
  });

  it("n = 8192 with one weight per uid costs O(entries + columns), not columns × voters", () => {
    const n = 8192;
    const { params, inputs } = adversarialSubnet("sparse-one-weight", n, { seed: 9 });
    let out: ReturnType<typeof runEpoch> | undefined;
    const cost = work(() => { out = runEpoch(params, inputs, { trace: true }); });
    expect(cost).toBeLessThanOrEqual(8 * (n + n));
    const t = out!.trace!;
    expect(t.consensus).toEqual(weightedMedianColSparse(t.activeStake, t.weights, n, (32767n << 32n) / 65535n));
  });
});

describe("consensus median: every path equals the chain's algorithm", () => {
  // Random columns with many ties and absent entries; each run forces one path on every column.
  const paths: Array<[string, number, number]> = [
    ["sort fallback at once, blocked gather", 0, 0],
    ["sort fallback at once, bucket gather", 0, 1],
    ["sort fallback after one pass, bucket gather", 1, 1],
    ["quickselect only, bucket gather", 1 << 30, 1],
  ];
  for (const [name, fallback, buckets] of paths) {
    it(name, () => {
      for (let seed = 1; seed <= 300; seed++) {
        const r = rng(seed * 7919);
        const n = 2 + Math.floor(r() * 60);
        const voters = 1 + Math.floor(r() * n);
        const kappa = [0, 1, 32767, 40000, 65535][Math.floor(r() * 5)]!;
        const values = [0, 1, 2, 65535, 30000];
        const params = { ...baseParams(n), kappa, yuma3: r() < 0.5 };
        const inputs = {
          stake: Array.from({ length: n }, (_, i) => (i < voters ? String(1 + Math.floor(r() * 4) * 1_000_000) : "0")),
          lastUpdate: Array.from({ length: n }, () => 990),
          blockAtRegistration: Array.from({ length: n }, () => 1),
          validatorPermit: Array.from({ length: n }, (_, i) => i < voters),
          weights: Array.from({ length: n }, (_, i) => {
            if (i >= voters) return [];
            const row: Array<[number, number]> = [];
            for (let j = 0; j < n; j++) if (r() < 0.7) row.push([j, values[Math.floor(r() * values.length)]!]);
            return row;
          }),
          bonds: Array.from({ length: n }, () => []),
        };
        engine().setMedianTuning(fallback, buckets);
        const t = runEpoch(params, inputs, { trace: true }).trace!;
        const majority = (BigInt(kappa) << 32n) / 65535n;
        expect({ seed, c: t.consensus }).toEqual({ seed, c: weightedMedianColSparse(t.activeStake, t.weights, n, majority) });
      }
    });
  }
});
