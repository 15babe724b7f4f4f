// The fused / fast-path kernels of the epoch against the step-by-step reference sequence of
// single kernels (the chain's order of operations, with the saturating primitives), which
// the module keeps behind `setReferenceKernels(true)`. Same inputs, same outputs and traces,
// bit for bit: on every fixture, on generated chain-like subnets with assorted parameters,
// and on the edge cases where the fast paths must step aside (a weight row whose sum wraps
// past 2^63 as the chain's does, so the weights are not all proportions; a Yuma 2 bond
// column whose sum saturates).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { encodeEpoch, getModule, instantiate, outputsToJson, rawToOutputs, runEncoded, type EncodedEpoch } from "../src/index.js";
// @ts-expect-error: plain JS module without types
import { generateSubnet, nextTempo, rng } from "../bench/generate.mjs";

const wasm = instantiate(getModule());
const setReference = wasm.setReferenceKernels as (on: number) => void;

function both(enc: EncodedEpoch) {
  setReference(1);
  const ref = outputsToJson(rawToOutputs(runEncoded(wasm, enc, true)));
  setReference(0);
  const fast = outputsToJson(rawToOutputs(runEncoded(wasm, enc, true)));
  return { ref, fast };
}

const dir = join(__dirname, "fixtures", "epoch");

describe("fused kernels = reference kernels", () => {
  it("on every epoch fixture (and both equal the expected outputs)", () => {
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".json"))) {
      const fx = JSON.parse(readFileSync(join(dir, file), "utf8"));
      if (fx.kind !== "epoch") continue;
      const { ref, fast } = both(encodeEpoch(fx.params, fx.inputs));
      expect({ file, fast }).toEqual({ file, fast: ref });
      const { trace, ...rest } = fast;
      expect({ file, rest }).toEqual({ file, rest: fx.expected });
    }
  });

  it("on 150 generated subnets x 3 epochs (all modes, random bonds penalty, kappa, owner, commit-reveal, unsorted rows)", () => {
    for (let seed = 1; seed <= 150; seed++) {
      const r = rng(seed * 104729);
      const n = [2, 5, 16, 40, 97, 256][Math.floor(r() * 6)]!;
      const validators = 1 + Math.floor(r() * Math.min(n, 32));
      const mode = ["yuma2", "yuma3", "yuma3-liquid"][seed % 3];
      const s = generateSubnet({ n, validators, mode, seed });
      const p = s.params;
      p.bondsPenalty = [0, 1, 32767, 65535][Math.floor(r() * 4)];
      p.kappa = [0, 13107, 32767, 65535][Math.floor(r() * 4)];
      p.bondsMovingAverage = [900000, 0, 1000000, 975000][Math.floor(r() * 4)];
      p.alphaSigmoidSteepness = [1000, -500, 0, 32767][Math.floor(r() * 4)];
      if (r() < 0.3) p.ownerUid = Math.floor(r() * n);
      if (r() < 0.2) p.commitBlocks = Array.from({ length: n }, () => (r() < 0.3 ? null : p.currentBlock - Math.floor(r() * 2000)));
      for (let k = 0; k < 3; k++) {
        if (r() < 0.3) s.inputs.weights = s.inputs.weights.map((row: Array<[number, number]>) => (r() < 0.5 ? row.slice().reverse() : row.filter(() => r() < 0.7)));
        const enc = encodeEpoch(p, s.inputs);
        const { ref, fast } = both(enc);
        expect({ seed, k, fast }).toEqual({ seed, k, fast: ref });
        nextTempo(s, rawToOutputs(runEncoded(wasm, enc, false)));
      }
    }
  });

  it("when a weight row's sum reaches 2^31·2^32 (the chain's sum wraps: that row stays unnormalised)", () => {
    // n = 32772: row 0 sums to exactly 2^31 (wraps negative: left as is), row 1 to 2^31 − 1
    // (normalised); a third validator has an ordinary row. Also a Yuma 2 bond column whose
    // sum passes 2^31 (saturates) and one just below.
    const n = 32772;
    const row0: Array<[number, number]> = [], row1: Array<[number, number]> = [], row2: Array<[number, number]> = [];
    for (let j = 3; j < 32771 && row0.length < 32768; j++) row0.push([j, 65535]);
    row0.push([2, 32768]); // 32768·65535 + 32768 = 2^31
    for (let j = 3; j < 32771 && row1.length < 32768; j++) row1.push([j, 65535]);
    row1.push([2, 32767]); // 2^31 − 1
    for (let j = 3; j < n; j += 97) row2.push([j, 1000 + (j % 5000)]);
    const weights = Array.from({ length: n }, (_, i) => (i === 0 ? row0 : i === 1 ? row1 : i === 2 ? row2 : []));
    const bonds = Array.from({ length: n }, (_, i): Array<[number, number]> => (i < 32769 ? [[5, 65535], [6, i % 2 ? 65535 : 0]] : []));
    for (const yuma3 of [false, true]) {
      const params = {
        n, currentBlock: 100_000, tempo: 360, activityCutoff: 5000, kappa: 32767, bondsPenalty: 32767,
        bondsMovingAverage: 900000, yuma3, liquidAlpha: yuma3, alphaLow: 45875, alphaHigh: 58982, alphaSigmoidSteepness: 1000,
        maxAllowedValidators: 3, stakeThreshold: "0", ownerUid: null, lastMechanismStepBlock: 99_000,
        raoEmission: "1000000000", commitBlocks: null,
      };
      const inputs = {
        stake: Array.from({ length: n }, (_, i) => (i < 3 ? String((i + 1) * 1_000_000_000_000) : "0")),
        lastUpdate: Array.from({ length: n }, () => 99_990),
        blockAtRegistration: Array.from({ length: n }, () => 1),
        validatorPermit: Array.from({ length: n }, (_, i) => i < 3),
        weights,
        bonds,
      };
      const { ref, fast } = both(encodeEpoch(params, inputs));
      expect(fast).toEqual(ref);
      const tw = (fast.trace as { weights: Array<Array<[number, number | string]>> }).weights;
      // Row 0 kept its raw values (65535·2^32), row 1 was normalised.
      expect(BigInt(tw[0]![0]![1])).toBe(65535n << 32n);
      expect(BigInt(tw[1]![0]![1])).toBeLessThan(1n << 32n);
    }
  });
});
