// runResearch and runResearchFlat check each epoch as they write it into the kernels' memory
// (no flat copy of the whole input). They must refuse exactly what encodeResearch (the whole
// input checked up front, as the batch path does) refuses, with the same error first, and
// give the outputs of the encoded path bit for bit.

import { describe, expect, it } from "vitest";
import { YumaInputError } from "../../src/errors.js";
import { encodeResearch, runResearch, runResearchFlat } from "../../src/research/index.js";
import { flatToOutput, runFlat, runToOutput } from "../../src/research/run.js";
import type { ResearchInput, YumaVersion } from "../../src/research/types.js";
import { researchEngine } from "../../src/research/wasm.js";
import { rng } from "../helpers/rng.js";

const F32_MAX = 3.4028234663852886e38;

/** Random epochs with zeros, and bond resets (the same server in consecutive epochs too). */
function randomInput(seed: number, version: YumaVersion, peerCompat: boolean): ResearchInput {
  const r = rng(seed);
  const V = 2 + Math.floor(r() * 9), N = 1 + Math.floor(r() * 12), E = 1 + Math.floor(r() * 6);
  const epochs = [];
  for (let e = 0; e < E; e++) {
    const W = Array.from({ length: V }, () => Array.from({ length: N }, () => (r() < 0.3 ? 0 : r())));
    const S = Array.from({ length: V }, () => (r() < 0.2 ? 0 : 1 + r() * 100));
    S[0] = 5;
    const resetBonds = r() < 0.5 ? [0, ...(N > 2 && r() < 0.5 ? [N - 1] : [])] : undefined;
    epochs.push({ W, S, ...(resetBonds ? { resetBonds } : {}) });
  }
  return { format: "yuma-research-input/1", version, peerCompat, params: { kappa: 0.5 }, epochs } as ResearchInput;
}

function caught(f: () => unknown): YumaInputError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(YumaInputError);
    return e as YumaInputError;
  }
  throw new Error("expected a YumaInputError");
}

const base = (epochs: unknown[], extra: Record<string, unknown> = {}) =>
  ({ format: "yuma-research-input/1", version: "YUMA3", params: { kappa: 0.5 }, epochs, ...extra }) as unknown as ResearchInput;
const ok = { W: [[1, 0.5], [0, 1]], S: [3, 1] };

describe("streamed validation = whole-input validation", () => {
  const bad: Array<[string, ResearchInput, string]> = [
    ["a bad weight in a later epoch", base([ok, ok, { W: [[1, -1], [0, 1]], S: [3, 1] }]), "epochs[2].W[0][1]"],
    ["a negative weight in a Float32Array row", base([ok, { W: [Float32Array.of(1, 0.5), Float32Array.of(0, -1)], S: [3, 1] }]), "epochs[1].W[1][1]"],
    ["a weight past float32's maximum in a Float64Array row (peerCompat)", base([{ W: [Float64Array.of(1, 4e38), Float64Array.of(0, 1)], S: [3, 1] }], { peerCompat: true }), "epochs[0].W[0][1]"],
    // The float32 peer's weights are written rounded to float32: −1e-50 would read as −0 there.
    ["a tiny negative weight in a Float64Array row (peerCompat, float32 kernels)", base([{ W: [Float64Array.of(1, 0.5), Float64Array.of(-1e-50, 1)], S: [3, 1] }], { peerCompat: true }), "epochs[0].W[1][0]"],
    ["a tiny negative weight in a plain row (peerCompat)", base([ok, { W: [[1, 0.5], [0, -1e-50]], S: [3, 1] }], { peerCompat: true }), "epochs[1].W[1][1]"],
    ["a NaN stake in epoch 0", base([{ W: [[1, 0], [0, 1]], S: [3, NaN] }, ok]), "epochs[0].S[1]"],
    ["a changed shape in epoch 3", base([ok, ok, ok, { W: [[1, 0, 0], [0, 1, 0]], S: [3, 1] }]), "epochs[3].W[0]"],
    ["a missing epoch object", base([ok, null]), "epochs[1]"],
    ["no stake", base([ok, { W: ok.W, S: [0, 0] }]), "epochs[1].S"],
    ["a repeated reset", base([{ ...ok, resetBonds: [1] }, { ...ok, resetBonds: [1, 0, 1] }]), "epochs[1].resetBonds[2]"],
    ["a reset out of range", base([ok, { ...ok, resetBonds: [2] }]), "epochs[1].resetBonds[0]"],
    ["a float32 row sum past the maximum, in a later epoch",
      base([ok, { W: [[2e38, 2e38], [0, 1]], S: [3, 1] }], { peerCompat: true }), "epochs[1].W[0]"],
    ["an input error after an epoch whose dividends overflow: the input error first",
      base([{ W: [[1, 1], [0, 1]], S: [3, 1] }, { W: [[1, 1], [0, Infinity]], S: [3, 1] }], { params: { totalEpochEmission: 1e308, totalSubnetStake: 1 } }),
      "epochs[1].W[1][1]"],
    ["only overflowing dividends (epoch 1 of 2)",
      base([ok, { W: [[1, 1], [0, 1]], S: [3, 1] }], { params: { totalEpochEmission: 1e308, totalSubnetStake: 1 }, version: "YUMA1" }),
      "params.totalEpochEmission"],
  ];
  for (const [name, input, field] of bad) {
    it(name, () => {
      const whole = caught(() => {
        const enc = encodeResearch(input);
        return runToOutput(researchEngine(), enc);
      });
      expect(whole.field).toBe(field);
      for (const run of [() => runResearch(input), () => runResearchFlat(input)]) {
        const e = caught(run);
        expect(e.field).toBe(whole.field);
        expect(e.rule).toBe(whole.rule);
      }
    });
  }

  it("the row-sum rule at its edges (float32): one entry at the maximum passes, two halves past it do not", () => {
    // One entry may be float32's maximum when the rest of the row is 0 (sum = the maximum).
    expect(runResearch(base([{ W: [[F32_MAX, 0, 0], [0, 1, 0]], S: [3, 1] }], { peerCompat: true })).epochs).toHaveLength(1);
    // Entries each below max / 2N never overflow, whatever their number.
    const n = 64, x = F32_MAX / (2 * n);
    expect(runResearch(base([{ W: [Array(n).fill(x), Array(n).fill(1)], S: [3, 1] }], { peerCompat: true })).epochs).toHaveLength(1);
    // Just large enough entries: the sum is computed and refused.
    const y = Math.fround(F32_MAX / n) * 1.01;
    const e = caught(() => runResearch(base([{ W: [Array(n).fill(y), Array(n).fill(1)], S: [3, 1] }], { peerCompat: true })));
    expect(e.field).toBe("epochs[0].W[0]");
    expect(e.rule).toMatch(/^row sum .* overflows float32/);
  });
});

describe("streamed runs = encoded runs, bit for bit", () => {
  const versions: YumaVersion[] = ["YUMA1", "YUMA2", "YUMA2B", "YUMA2C", "YUMA3", "YUMA3_LIQUID"];
  it("random inputs with resets (also on the same server in consecutive epochs), every version, both semantics", () => {
    let runs = 0, withResets = 0;
    for (let seed = 1; seed <= 60; seed++) {
      for (const peerCompat of [false, true]) {
        const input = randomInput(seed, versions[seed % versions.length]!, peerCompat);
        const enc = encodeResearch(input);
        if (enc.R) withResets++;
        const encoded = runToOutput(researchEngine(), enc);
        expect(runResearch(input)).toEqual(encoded);
        const flat = runResearchFlat(input), encodedFlat = runFlat(researchEngine(), enc);
        for (const key of ["consensus", "incentive", "bonds", "dividends", "dividendsPer1000Tao"] as const) {
          expect(Array.from(flat[key]).map((x) => Object.is(x, -0) ? "-0" : x)).toEqual(Array.from(encodedFlat[key]).map((x) => Object.is(x, -0) ? "-0" : x));
        }
        expect(flatToOutput(flat)).toEqual(encoded);
        runs++;
      }
    }
    expect(runs).toBe(120);
    expect(withResets).toBeGreaterThan(40);
  });

  it("a reset in epoch 0 only does not carry to epoch 1 (the mask is cleared between epochs)", () => {
    // Yuma 3: bonds on server 0 grow in epoch 1 unless reset; a stale mask would zero them.
    const input = base([{ ...ok, resetBonds: [0] }, ok, ok]);
    const out = runResearch(input);
    const enc = encodeResearch(input);
    expect(out).toEqual(runToOutput(researchEngine(), enc));
    expect(out.epochs[1]!.bonds[0]![0]).toBeGreaterThan(out.epochs[0]!.bonds[0]![0]!);
  });
});
