// Bond resets (`epochs[k].resetBonds`): hand-computed epochs in both semantics, and validation.
// Expected values are derived in the comments (exact arithmetic), compared like hand.test.ts:
// 1e-12 for the float64 chain-like kernels, a few float32 ulps for the peer-compatible ones.

import { describe, expect, it } from "vitest";
import { YumaInputError } from "../../src/errors.js";
import { runResearch, runResearchBatch } from "../../src/research/index.js";
import type { ResearchEpochInput, ResearchInput, YumaVersion } from "../../src/research/types.js";
import { expectClose, input, per1000, sigmoidAlpha, VERSIONS } from "./helpers.js";

const CHAIN = 1e-12;
const PEER_ABS = 4e-7;
const PEER_REL = 4e-7;

// The 2×2 case of hand.test.ts: S = [3, 1] (Sn = [0.75, 0.25]), bondPenalty 0.5,
// bondMovingAverage 0.5 (alpha 0.5), other parameters default.
//   epoch 0: W = [[1, 0], [0, 1]];  epoch 1: W = [[1, 0], [1, 0]].
// In both epochs C = [1, 0] and I = [1, 0] in both semantics (derived in hand.test.ts).
// Here server 0's bonds are reset at epoch 1: every validator's bond on server 0 is zeroed
// before epoch 1's bond update.
const PARAMS = { bondPenalty: 0.5, bondMovingAverage: 0.5 };
const epochs = (reset0: number[] | undefined, reset1: number[] | undefined): ResearchEpochInput[] => [
  { W: [[1, 0], [0, 1]], S: [3, 1], ...(reset0 ? { resetBonds: reset0 } : {}) },
  { W: [[1, 0], [1, 0]], S: [3, 1], ...(reset1 ? { resetBonds: reset1 } : {}) },
];
const RESET0 = epochs(undefined, [0]);

type Expected = { bonds: number[][]; dn: number[] };

function checkEpoch1(version: YumaVersion, exp: Expected, peer: boolean, data = RESET0): void {
  const out = runResearch(input(version, data, PARAMS, peer)).epochs[1]!;
  const [abs, rel] = peer ? [PEER_ABS, PEER_REL] : [CHAIN, 0];
  expectClose(out.bonds, exp.bonds, abs, rel, `${version} bonds`);
  expectClose(out.dividends, exp.dn, abs, rel, `${version} dividends`);
  // Per 1000 TAO: chain-like with Sn = [0.75, 0.25], peer-compatible with S as given, [3, 1].
  const stake = peer ? [3, 1] : [0.75, 0.25];
  expectClose(out.dividendsPer1000Tao, exp.dn.map((d, i) => per1000(d, stake[i]!)), abs, rel, `${version} per 1000 TAO`);
}

// Chain-like (float64): the reset applies in every version, before the bond update.
//   Epoch 1: W_b = W + 0.5·(Wc − W) = [[1,0],[1,0]]; ΔB = colnorm(S∘W_b) = [[0.75,0],[0.25,0]].
const a5 = sigmoidAlpha(0); // liquid alpha at distance 0
const aSell = sigmoidAlpha(0.1); // distance 0.1
const CHAIN_RESET: Record<YumaVersion, Expected> = {
  // Yuma 1 does not read old bonds: B = ΔB, D = B·I = [0.75, 0.25] (as without the reset).
  YUMA1: { bonds: [[0.75, 0], [0.25, 0]], dn: [0.75, 0.25] },
  // Yuma 2: B0 = [[1,0],[0,1]] → reset [[0,0],[0,1]] (already column-normalised);
  //   0.5·ΔB + 0.5·[[0,0],[0,1]] = [[0.375,0],[0.125,0.5]] → colnorm [[0.75,0],[0.25,1]];
  //   D = B·I = [0.75, 0.25]  (without the reset: [0.875, 0.125]).
  YUMA2: { bonds: [[0.75, 0], [0.25, 1]], dn: [0.75, 0.25] },
  // Yuma 2B clips the previous weights [[1,0],[0,1]] at C: W_b = [[1,0],[0,0.5]], ΔB = [[1,0],[0,1]];
  //   reset B0 → [[0,0],[0,1]]; 0.5·ΔB + 0.5·that = [[0.5,0],[0,1]] → colnorm [[1,0],[0,1]]; D = [1, 0].
  YUMA2B: { bonds: [[1, 0], [0, 1]], dn: [1, 0] },
  // Yuma 2C (cap = Sn): B0 = [[0.075,0],[0,0.025]] → reset [[0,0],[0,0.025]].
  //   v0, server 0: min(0 + min(0.075, 0.75 − 0)·1, 0.75) = 0.075;
  //   v1, server 0: min(0.025, 0.25)·1 = 0.025;  server 1: 0.9·0.025 = 0.0225 (weight 0).
  //   Column 0 normalised: [0.75, 0.25]; D = Bn·I = [0.75, 0.25]  (without: [57/67, 10/67]).
  YUMA2C: { bonds: [[0.075, 0], [0.025, 0.0225]], dn: [0.75, 0.25] },
  // Yuma 3: B0 = [[0.5,0],[0,0.25]] → reset [[0,0],[0,0.25]]; B = 0.5·W_b + 0.5·that =
  //   [[0.5,0],[0.5,0.125]]; column 0 → [0.5, 0.5]; D = S·(Bn·I) = [0.375, 0.125] → [0.75, 0.25]
  //   (without the reset: B = [[0.75,0],[0.5,0.125]], Dn = [9/11, 2/11]).
  YUMA3: { bonds: [[0.5, 0], [0.5, 0.125]], dn: [0.75, 0.25] },
  // Yuma 3 liquid: B0 = [[a5,0],[0,0.1]] → reset [[0,0],[0,0.1]]. Epoch 1, C = [1, 0]:
  //   (0,0), (1,0): W_b 1 ≥ 0, buy at d = clamp(1 − 1) = 0 → a5: B = 0 + a5·1 = a5;
  //   (0,1): 0 ≥ 0 buy, d = 0 → B = 0;  (1,1): 0 < 0.1 sell at d = 0.1: B = 0.1·(1 − aSell).
  //   Column 0 → [0.5, 0.5]: Dn = [0.75, 0.25].
  YUMA3_LIQUID: { bonds: [[a5, 0], [a5, 0.1 * (1 - aSell)]], dn: [0.75, 0.25] },
};

// Peer-compatible (float32): e = 1e-6, q = 1/(1 + e); Wn = [[q,0],[0,q]] then [[q,0],[q,0]].
// As simulation_utils._call_yuma: `B_state[:, 0] = 0.0` before the Yuma function of epoch 1,
// for YUMA2C, YUMA3 and YUMA3_LIQUID only; Yuma 1/2/2B run as without the reset.
const e = 1e-6;
const q = 1 / (1 + e);
const M = 2 ** 64; // float32(2^64 − 1)
const norm = (d: number[]) => {
  const t = d.reduce((x, y) => x + y, 0) + e;
  return d.map((x) => x / t);
};
function peerReset(): Record<YumaVersion, Expected> {
  // Yuma 1 / 2 / 2B: the reset is not applied (the values of hand.test.ts's epoch 1).
  const s = q / (q + e);
  const y1 = [(0.75 * q) / (q + e) / (s + e), (0.25 * q) / (q + e) / (s + e)];
  // Yuma 2C: B0 = [[0.075q·M,0],[0,0.025q·M]] → reset [[0,0],[0,0.025q·M]];
  //   v0: min(0.1·0.75M, 0.75M − 0)·q = 0.075q·M; v1: 0.025q·M on server 0, 0.9·0.025q·M on 1.
  //   Column 0 normalised (+e negligible at 1e18): [0.75, 0.25]; D = Bn·I → Dn = norm([0.75, 0.25]).
  // Yuma 3: B0 = [[q/2,0],[0,q/2]] → reset [[0,0],[0,q/2]]; B = 0.5·B_old + min(0.5·Wn, 1 − 0.5·B_old):
  //   [[q/2, 0], [q/2, q/4]]; Bn column 0 = (q/2)/(q + e) each; D = S·(Bn·I) = [0.75, 0.25]·(q/2)/(q + e).
  const b = q / 2 / (q + e);
  // Yuma 3 liquid (C = [1, 0]), against the reset B_old = [[0,0],[0,q/2]]:
  //   (0,0), (1,0): q ≥ 0 buy at d = clamp(q − 1) = 0 → a0: B = a0·q;  (0,1): 0 ≥ 0 buy, B = 0;
  //   (1,1): 0 < q/2 sell at d = q/2 → a1: B = (1 − a1)·q/2.  Bn column 0 = a0·q/(2·a0·q + e).
  const a0 = sigmoidAlpha(0), a1 = sigmoidAlpha(q / 2);
  const l = (a0 * q) / (2 * a0 * q + e);
  return {
    YUMA1: { bonds: [[y1[0]!, 0], [y1[1]!, 0]], dn: norm(y1) },
    YUMA2: { bonds: [[0.875, 0], [0.125, 0.5]], dn: norm([0.875, 0.125]) },
    YUMA2B: { bonds: [[1, 0], [0, 1]], dn: [1 / (1 + e), 0] },
    YUMA2C: { bonds: [[0.075 * q * M, 0], [0.025 * q * M, 0.0225 * q * M]], dn: norm([0.75, 0.25]) },
    YUMA3: { bonds: [[q / 2, 0], [q / 2, q / 4]], dn: norm([0.75 * b, 0.25 * b]) },
    YUMA3_LIQUID: { bonds: [[a0 * q, 0], [a0 * q, (1 - a1) * (q / 2)]], dn: norm([0.75 * l, 0.25 * l]) },
  };
}

describe("bond resets, chain-like (float64): server 0 reset at epoch 1", () => {
  for (const version of VERSIONS) it(version, () => checkEpoch1(version, CHAIN_RESET[version], false));

  it("resetting both servers zeroes every old bond", () => {
    // Yuma 3: B_old = 0 → B = 0.5·W_b = [[0.5,0],[0.5,0]] → Dn = [0.75, 0.25].
    checkEpoch1("YUMA3", { bonds: [[0.5, 0], [0.5, 0]], dn: [0.75, 0.25] }, false, epochs(undefined, [1, 0]));
  });

  it("a reset of the other server leaves server 0's bonds alone", () => {
    // Yuma 3, server 1 reset: B_old [[0.5,0],[0,0]] → B = [[0.75,0],[0.5,0]]; column 0 → [0.6, 0.4];
    //   D = [0.75·0.6, 0.25·0.4] = [0.45, 0.1] → [9/11, 2/11] (as without any reset).
    checkEpoch1("YUMA3", { bonds: [[0.75, 0], [0.5, 0]], dn: [9 / 11, 2 / 11] }, false, epochs(undefined, [1]));
  });
});

describe("bond resets, peer-compatible (float32): server 0 reset at epoch 1", () => {
  const exp = peerReset();
  for (const version of VERSIONS) it(version, () => checkEpoch1(version, exp[version], true));

  it("float64 tensors: the same program", () => {
    // Yuma 3 in float64: bonds [[q/2,0],[q/2,q/4]] to float64 rounding.
    const out = runResearch(input("YUMA3", RESET0, PARAMS, true), { peerFloat: "float64" }).epochs[1]!;
    expectClose(out.bonds, [[q / 2, 0], [q / 2, q / 4]], 1e-15, 1e-15);
  });
});

describe("bond resets in the first epoch", () => {
  it("change nothing in either semantics (there are no bonds yet; the peer's B_state is None)", () => {
    for (const peerCompat of [false, true]) {
      for (const version of VERSIONS) {
        const plain = runResearch(input(version, epochs(undefined, undefined), PARAMS, peerCompat));
        const reset = runResearch(input(version, epochs([0, 1], undefined), PARAMS, peerCompat));
        expect(reset, `${version} peerCompat ${peerCompat}`).toEqual(plain);
      }
    }
  });
});

describe("batch runs carry the resets to the workers", () => {
  it("a reset input in a batch gives the hand-computed epoch", async () => {
    const [plain, reset] = await runResearchBatch([input("YUMA3", epochs(undefined, undefined), PARAMS), input("YUMA3", RESET0, PARAMS)], { threads: 2 });
    expectClose(plain!.epochs[1]!.dividends, [9 / 11, 2 / 11], CHAIN);
    expectClose(reset!.epochs[1]!.dividends, [0.75, 0.25], CHAIN);
    expectClose(reset!.epochs[1]!.bonds, [[0.5, 0], [0.5, 0.125]], CHAIN);
  });
});

describe("resetBonds validation", () => {
  function refuse(resetBonds: unknown, field: string, rule: RegExp, at = 1): void {
    const doc = input("YUMA3", epochs(undefined, undefined)) as unknown as { epochs: Array<Record<string, unknown>> };
    doc.epochs[at]!.resetBonds = resetBonds;
    let error: unknown;
    try {
      runResearch(doc as unknown as ResearchInput);
    } catch (err) {
      error = err;
    }
    expect(error, field).toBeInstanceOf(YumaInputError);
    expect((error as YumaInputError).field).toBe(field);
    expect((error as YumaInputError).rule).toMatch(rule);
  }

  it("refuses anything but a list of distinct integer server indices < N", () => {
    refuse(0, "epochs[1].resetBonds", /must be an array of server indices, got number/);
    refuse(null, "epochs[1].resetBonds", /must be an array of server indices, got null/);
    refuse({ 0: 1 }, "epochs[1].resetBonds", /must be an array/);
    refuse([2], "epochs[1].resetBonds[0]", /must be an integer server index in \[0, 1\], got 2/);
    refuse([0, -1], "epochs[1].resetBonds[1]", /must be an integer server index in \[0, 1\], got -1/);
    refuse([0.5], "epochs[1].resetBonds[0]", /integer server index .* got 0\.5/);
    refuse(["1"], "epochs[1].resetBonds[0]", /integer server index .* got string/);
    refuse([NaN], "epochs[1].resetBonds[0]", /integer server index .* got NaN/);
    refuse([1, 0, 1], "epochs[1].resetBonds[2]", /must not repeat server 1/);
    refuse([1, 1], "epochs[0].resetBonds[1]", /must not repeat server 1/, 0);
  });

  it("accepts an empty list (no reset) and prefixes batch inputs' paths", async () => {
    const plain = runResearch(input("YUMA3", epochs(undefined, undefined), PARAMS));
    expect(runResearch(input("YUMA3", epochs([], []), PARAMS))).toEqual(plain);
    const bad = input("YUMA3", epochs(undefined, [3]), PARAMS);
    await expect(runResearchBatch([input("YUMA3", RESET0), bad], { threads: 1 })).rejects.toMatchObject({
      field: "inputs[1].epochs[1].resetBonds[0]",
    });
  });
});
