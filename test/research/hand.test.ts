// Hand-computed epochs for every version, in both semantics. Expected values are derived in
// the comments (exact arithmetic); the tests compare with a tolerance: 1e-12 for the float64
// chain-like kernels, a few float32 ulps for the peer-compatible ones (whose 1e-6 epsilons are
// part of the derivation and larger than that tolerance).

import { describe, expect, it } from "vitest";
import { runResearch } from "../../src/research/index.js";
import type { ResearchEpochOutput, YumaVersion } from "../../src/research/types.js";
import { expectClose, input, per1000, sigmoidAlpha } from "./helpers.js";

const CHAIN = 1e-12;
// Peer: float32 results of O(1) values are within a few ulps (ulp(1) = 1.19e-7).
const PEER_ABS = 4e-7;
const PEER_REL = 4e-7;

// ---------------------------------------------------------------------------------------
// 2 validators × 2 servers, two epochs. S = [3, 1]; bondPenalty 0.5, bondMovingAverage 0.5
// (alpha 0.5); other parameters default (kappa 0.5, capacityAlpha 0.1, decayRate 0.1,
// alphaLow 0.1, alphaHigh 0.3, steepness 10, ratio 0.41, emission 100, subnet stake 1e6).
//   epoch 0: W = [[1, 0], [0, 1]]   (each validator on its own server)
//   epoch 1: W = [[1, 0], [1, 0]]   (the small validator joins server 0)
const TWO = [
  { W: [[1, 0], [0, 1]], S: [3, 1] },
  { W: [[1, 0], [1, 0]], S: [3, 1] },
];
const TWO_PARAMS = { bondPenalty: 0.5, bondMovingAverage: 0.5 };

// Chain-like. Sn = [0.75, 0.25]; rows already sum to 1, so Wn = W.
// Consensus (smallest w whose stake on weights ≤ w exceeds 1 − κ = 0.5):
//   epoch 0, server 0: weights 0 (0.25), 1 (0.75): 0 → 0.25 ≤ 0.5, 1 → 1 > 0.5  → C0 = 1
//            server 1: weights 0 (0.75), 1 (0.25): 0 → 0.75 > 0.5               → C1 = 0
//   epoch 1: server 0 all 1 → 1; server 1 all 0 → 0.          C = [1, 0] in both epochs.
// Clipped: epoch 0 Wc = [[1,0],[0,0]], R = [0.75, 0]; epoch 1 Wc = W, R = [1, 0]: I = [1, 0].
// W_b = W + 0.5·(Wc − W): epoch 0 [[1,0],[0,0.5]], epoch 1 [[1,0],[1,0]].
// ΔB = colnorm(S∘W_b): epoch 0 [[0.75,0],[0,0.125]] → [[1,0],[0,1]]; epoch 1 [[0.75,0],[0.25,0]].
const a5 = sigmoidAlpha(0); // liquid alpha at distance 0: 0.1 + 0.2/(1 + e^5)
const aSell = sigmoidAlpha(0.1); // distance 0.1: 0.1 + 0.2/(1 + e^4)
const CHAIN_TWO: Record<YumaVersion, { bonds: number[][][]; dn: number[][] }> = {
  // Instantaneous: B = ΔB; D = B·I.
  YUMA1: { bonds: [[[1, 0], [0, 1]], [[0.75, 0], [0.25, 0]]], dn: [[1, 0], [0.75, 0.25]] },
  // epoch 1: colnorm(0.5·ΔB1 + 0.5·B0) = colnorm([[0.875,0],[0.125,0.5]]) = [[0.875,0],[0.125,1]].
  YUMA2: { bonds: [[[1, 0], [0, 1]], [[0.875, 0], [0.125, 1]]], dn: [[1, 0], [0.875, 0.125]] },
  // epoch 1 clips the previous weights [[1,0],[0,1]] at C = [1,0]: Wc = [[1,0],[0,0]],
  // R = [0.75, 0] → I = [1, 0]; W_b = [[1,0],[0,0.5]] → ΔB = [[1,0],[0,1]] = B0 → B = B0.
  YUMA2B: { bonds: [[[1, 0], [0, 1]], [[1, 0], [0, 1]]], dn: [[1, 0], [1, 0]] },
  // cap = S = [0.75, 0.25], purchase = min(0.1·cap, cap − B_old)·W, B = min(0.9·B_old + purchase, cap):
  //   epoch 0: [[0.075, 0], [0, 0.025]] → colnorm [[1,0],[0,1]] → D = [1, 0]
  //   epoch 1: v0: 0.9·0.075 + 0.075 = 0.1425 | v1: [0.025, 0.9·0.025 = 0.0225]
  //            column 0 normalised: [0.1425, 0.025] / 0.1675 = [57/67, 10/67].
  YUMA2C: { bonds: [[[0.075, 0], [0, 0.025]], [[0.1425, 0], [0.025, 0.0225]]], dn: [[1, 0], [57 / 67, 10 / 67]] },
  // B = 0.5·W_b + 0.5·B_old: epoch 0 [[0.5,0],[0,0.25]] → D = S·(colnorm(B)·I) = [0.75, 0] → [1, 0];
  // epoch 1 [[0.75,0],[0.5,0.125]]: column 0 → [0.6, 0.4], D = [0.45, 0.1] → [9/11, 2/11].
  YUMA3: { bonds: [[[0.5, 0], [0, 0.25]], [[0.75, 0], [0.5, 0.125]]], dn: [[1, 0], [9 / 11, 2 / 11]] },
  // Liquid from epoch 0 (consensus is non-zero). Epoch 0, B_old = 0: every entry buys with
  // d = clamp(W_b − C, 0, 1): 0 everywhere except (1,1): 0.5 − 0 = 0.5 → alpha 0.2.
  //   B = alpha·W_b = [[a5, 0], [0, 0.2·0.5 = 0.1]] → D = [1, 0].
  // Epoch 1: W_b = [[1,0],[1,0]], C = [1,0]: (0,0), (1,0), (0,1) buy at d = 0 → a5;
  //   (1,1): W_b 0 < B 0.1 → sell at d = 0.1 → aSell.
  //   B = [[(1−a5)·a5 + a5, 0], [a5, 0.1·(1 − aSell)]]; column 0 → [(2−a5), 1]/(3−a5);
  //   D = [0.75(2−a5), 0.25]/(3−a5) → Dn = [3(2−a5), 1]/(7 − 3·a5).
  YUMA3_LIQUID: {
    bonds: [[[a5, 0], [0, 0.1]], [[a5 * (2 - a5), 0], [a5, 0.1 * (1 - aSell)]]],
    dn: [[1, 0], [(3 * (2 - a5)) / (7 - 3 * a5), 1 / (7 - 3 * a5)]],
  },
};

// Peer-compatible (float32, yuma-simulation 0.1.1). e = 1e-6, q = 1/(1+e):
//   Wn = W/(rowsum + e): epoch 0 [[q,0],[0,q]], epoch 1 [[q,0],[q,0]];  Sn = S/ΣS = [0.75, 0.25].
//   Consensus: descending weights, cumulative stake, first position with cum ≥ 0.5:
//     epoch 0 server 0: q (0.75) → q; server 1: q (0.25), 0 (→ 1.0) → 0; epoch 1: q and 0.
//     Normalised and truncated: q/q·65535 = 65535 → C = [1, 0] in both epochs.
//   Clipped min(Wn, C) = [[q,0],[0,0]] then [[q,0],[q,0]]: I = [1, 0] in both epochs.
//   Dividends per 1000 TAO use S as given ([3, 1], as simulation_utils does): units [3000, 1000].
const e = 1e-6;
const q = 1 / (1 + e);
const M = 2 ** 64; // float32(2^64 − 1)
function peerTwo(): Record<YumaVersion, { bonds: number[][][]; dn: number[][] }> {
  // Yuma 1: W_b = 0.5·Wn + 0.5·Wc. B = S∘W_b/(colsum + e), then B/(colsum(B) + e); D = B·I.
  //   epoch 0: W_b = [[q,0],[0,q/2]]: b00 = 0.75q/(0.75q + e), b11 = 0.125q/(0.125q + e);
  //            renormalised x/(x + e) (each column holds one entry).
  const b00 = (0.75 * q) / (0.75 * q + e), b11 = (0.125 * q) / (0.125 * q + e);
  const y1e0 = [[b00 / (b00 + e), 0], [0, b11 / (b11 + e)]];
  //   epoch 1: W_b = Wn: column 0 [0.75q, 0.25q]/(q + e); its sum s = q/(q + e); then /(s + e).
  const s = q / (q + e);
  const y1e1 = [[(0.75 * q) / (q + e) / (s + e), 0], [(0.25 * q) / (q + e) / (s + e), 0]];
  const y1d0 = y1e0[0]![0]!, y1d1 = [y1e1[0]![0]!, y1e1[1]![0]!];
  // Yuma 2: B = S∘W_b / colsum (no epsilon, NaN → 0), EMA without renormalisation:
  //   epoch 0 B = [[1,0],[0,1]]; epoch 1 B = [[0.75,0],[0.25,0]] → 0.5·B + 0.5·B0 = [[0.875,0],[0.125,0.5]].
  // Yuma 2B, epoch 1: clips W_prev = [[q,0],[0,q]] at C: [[q,0],[0,0]]; W_b = [[q,0],[0,q/2]]
  //   → B = [[1,0],[0,1]] = B0 → EMA [[1,0],[0,1]]; D = [1, 0].
  // Yuma 2C: cap = Sn·2^64, purchase = min(0.1·cap, cap − B_old)·Wn, decay 0.9:
  //   epoch 0 [[0.075q·M, 0], [0, 0.025q·M]]; epoch 1 [[0.1425q·M, 0], [0.025q·M, 0.0225q·M]];
  //   normalised over columns (+e is negligible at 1e18): D as in the chain case, then /(ΣD + e).
  // Yuma 3: EMA towards the raw Wn (bond penalty unused), alpha 0.5, capped at 1:
  //   epoch 0 B = [[q/2,0],[0,q/2]]; epoch 1 B = [[0.25q + 0.5q, 0], [0.5q, 0.25q]].
  //   Dividends: Bn = B/(colsum + e); D_i = S_i·Σ_j Bn_ij·I_j; Dn = D/(ΣD + e).
  const y3b0 = [[q / 2, 0], [0, q / 2]];
  const y3b1 = [[0.75 * q, 0], [0.5 * q, 0.25 * q]];
  const y3d0 = (0.75 * (q / 2)) / (q / 2 + e);
  const y3d1 = [(0.75 * (0.75 * q)) / (1.25 * q + e), (0.25 * (0.5 * q)) / (1.25 * q + e)];
  // Yuma 3 liquid: epoch 0 uses the fixed alpha 1 − 0.5 (= Yuma 3). Epoch 1 (C = [1, 0]):
  //   (0,0): q ≥ q/2 buy, d = clamp(q − 1) = 0 → a0;  (1,0): q ≥ 0 buy, d = 0 → a0;
  //   (0,1): 0 ≥ 0 buy, d = clamp(0 − 0) = 0 → a0;    (1,1): 0 < q/2 sell, d = q/2 → a1.
  //   B = [[(1−a0)·q/2 + a0·q, 0], [a0·q, (1−a1)·q/2]].
  const a0 = sigmoidAlpha(0), a1 = sigmoidAlpha(q / 2);
  const lb1 = [[(1 - a0) * (q / 2) + a0 * q, 0], [a0 * q, (1 - a1) * (q / 2)]];
  const lcol = lb1[0]![0]! + lb1[1]![0]! + e;
  const ld1 = [(0.75 * lb1[0]![0]!) / lcol, (0.25 * lb1[1]![0]!) / lcol];
  const norm = (d: number[]) => {
    const t = d.reduce((x, y) => x + y, 0) + e;
    return d.map((x) => x / t);
  };
  return {
    YUMA1: { bonds: [y1e0, y1e1], dn: [[y1d0 / (y1d0 + e), 0], norm(y1d1)] },
    YUMA2: { bonds: [[[1, 0], [0, 1]], [[0.875, 0], [0.125, 0.5]]], dn: [[1 / (1 + e), 0], norm([0.875, 0.125])] },
    YUMA2B: { bonds: [[[1, 0], [0, 1]], [[1, 0], [0, 1]]], dn: [[1 / (1 + e), 0], [1 / (1 + e), 0]] },
    YUMA2C: {
      bonds: [[[0.075 * q * M, 0], [0, 0.025 * q * M]], [[0.1425 * q * M, 0], [0.025 * q * M, 0.0225 * q * M]]],
      dn: [[1 / (1 + e), 0], norm([57 / 67, 10 / 67])],
    },
    YUMA3: { bonds: [y3b0, y3b1], dn: [[y3d0 / (y3d0 + e), 0], norm(y3d1)] },
    YUMA3_LIQUID: { bonds: [y3b0, lb1], dn: [[y3d0 / (y3d0 + e), 0], norm(ld1)] },
  };
}

function checkEpochs(
  out: ResearchEpochOutput[],
  exp: { bonds: number[][][]; dn: number[][] },
  consensus: number[][],
  incentive: number[][],
  per1000Stake: number[],
  abs: number,
  rel: number,
): void {
  expect(out).toHaveLength(exp.dn.length);
  out.forEach((o, k) => {
    expectClose(o.consensus, consensus[k]!, abs, rel, `epochs[${k}].consensus`);
    expectClose(o.incentive, incentive[k]!, abs, rel, `epochs[${k}].incentive`);
    expectClose(o.bonds, exp.bonds[k]!, abs, rel, `epochs[${k}].bonds`);
    expectClose(o.dividends, exp.dn[k]!, abs, rel, `epochs[${k}].dividends`);
    const p = exp.dn[k]!.map((d, i) => per1000(d, per1000Stake[i]!));
    expectClose(o.dividendsPer1000Tao, p, abs, rel, `epochs[${k}].dividendsPer1000Tao`);
  });
}

describe("2×2, two epochs, chain-like (float64)", () => {
  for (const version of Object.keys(CHAIN_TWO) as YumaVersion[]) {
    it(version, () => {
      const out = runResearch(input(version, TWO, TWO_PARAMS)).epochs;
      // Per 1000 TAO: 0.41·Dn·100 / (Sn·1e6/1000), Sn = [0.75, 0.25].
      checkEpochs(out, CHAIN_TWO[version], [[1, 0], [1, 0]], [[1, 0], [1, 0]], [0.75, 0.25], CHAIN, 0);
    });
  }
});

describe("2×2, two epochs, peer-compatible (float32)", () => {
  const exp = peerTwo();
  for (const version of Object.keys(exp) as YumaVersion[]) {
    it(version, () => {
      const out = runResearch(input(version, TWO, TWO_PARAMS, true)).epochs;
      checkEpochs(out, exp[version], [[1, 0], [1, 0]], [[1, 0], [1, 0]], [3, 1], PEER_ABS, PEER_REL);
    });
  }

  it("differs from the chain-like run where the semantics differ", () => {
    // Yuma 2: the peer does not renormalise the EMA (column 1 keeps 0.5, the chain 1).
    expect(runResearch(input("YUMA2", TWO, TWO_PARAMS, true)).epochs[1]!.bonds[1]![1]).toBeCloseTo(0.5, 6);
    expect(runResearch(input("YUMA2", TWO, TWO_PARAMS)).epochs[1]!.bonds[1]![1]).toBe(1);
    // Yuma 3: the peer's EMA target is the raw weight (0.25q), the chain's W_b (0.125).
    expect(runResearch(input("YUMA3", TWO, TWO_PARAMS, true)).epochs[1]!.bonds[1]![1]).toBeCloseTo(0.25, 6);
  });
});

// ---------------------------------------------------------------------------------------
// 3 validators × 2 servers, one epoch, default parameters (bondPenalty 1, bondMovingAverage
// 0.1 → alpha 0.9). S = [0.45, 0.35, 0.2]; W = [[1,0],[0.5,0.5],[0,1]] (rows sum to 1).
const THREE = [{ W: [[1, 0], [0.5, 0.5], [0, 1]], S: [0.45, 0.35, 0.2] }];

// Chain-like:
//   server 0: weights 0 (0.2), 0.5 (0.35), 1 (0.45): 0 → 0.2 ≤ 0.5; 0.5 → 0.55 > 0.5 → C0 = 0.5
//   server 1: weights 0 (0.45), 0.5 (0.35), 1 (0.2): 0 → 0.45; 0.5 → 0.8 > 0.5    → C1 = 0.5
//   Wc = [[0.5,0],[0.5,0.5],[0,0.5]]; R = [0.45·0.5 + 0.35·0.5, 0.35·0.5 + 0.2·0.5] = [0.4, 0.275]
//   I = [0.4, 0.275]/0.675 = [16/27, 11/27].
//   W_b = Wc (bond penalty 1). S∘Wc = [[0.225,0],[0.175,0.175],[0,0.1]]
//   ΔB = colnorm: [[0.5625, 0], [0.4375, 7/11], [0, 4/11]]
//   D = ΔB·I = [0.5625·16/27, 0.4375·16/27 + 7/27, 4/27] = [1/3, 14/27, 4/27] (sums to 1).
const DB3 = [[0.5625, 0], [0.4375, 7 / 11], [0, 4 / 11]];
const I3 = [16 / 27, 11 / 27];
//   Yuma 2C: B = 0.1·S_i·W = [[0.045,0],[0.0175,0.0175],[0,0.02]]; colnorm: [0.72, 0.28, 0] and
//     [0, 7/15, 8/15]; D = [0.72·16/27, 0.28·16/27 + 7/15·11/27, 8/15·11/27] (sums to 1).
const D2C = [(0.72 * 16) / 27, (0.28 * 16 + (7 / 15) * 11) / 27, ((8 / 15) * 11) / 27];
//   Yuma 3: B = 0.9·Wc = [[0.45,0],[0.45,0.45],[0,0.45]]; colnorm [0.5,0.5,0] / [0,0.5,0.5];
//     Σ_j Bn_ij·I_j = [8, 13.5, 5.5]/27; D = S·that = [3.6, 4.725, 1.1]/27 → /9.425·27.
const D3 = [3.6 / 9.425, 4.725 / 9.425, 1.1 / 9.425];
//   Yuma 3 liquid: every entry buys at distance clamp(Wc − C) = 0 → alpha a5; B = a5·Wc, same Dn.
const CHAIN_THREE: Record<YumaVersion, { bonds: number[][][]; dn: number[][] }> = {
  YUMA1: { bonds: [DB3], dn: [[1 / 3, 14 / 27, 4 / 27]] },
  YUMA2: { bonds: [DB3], dn: [[1 / 3, 14 / 27, 4 / 27]] },
  YUMA2B: { bonds: [DB3], dn: [[1 / 3, 14 / 27, 4 / 27]] },
  YUMA2C: { bonds: [[[0.045, 0], [0.0175, 0.0175], [0, 0.02]]], dn: [D2C] },
  YUMA3: { bonds: [[[0.45, 0], [0.45, 0.45], [0, 0.45]]], dn: [D3] },
  YUMA3_LIQUID: { bonds: [[[a5 * 0.5, 0], [a5 * 0.5, a5 * 0.5], [0, a5 * 0.5]]], dn: [D3] },
};

// Peer-compatible: Wn = q·W, Sn = S. Consensus: server 0 descending q (0.45), q/2 (0.35 → 0.8):
//   q/2; server 1 likewise q/2. Normalised: 0.5·65535 = 32767.5 → 32767 → c = 32767/65535 each.
//   q/2 = 0.4999995 > c = 0.4999924, so Wc = [[c,0],[c,c],[0,c]]; R = [0.8c, 0.55c] → I = [16/27, 11/27].
const c = 32767 / 65535;
function peerThree(): Record<YumaVersion, { bonds: number[][][]; dn: number[][] }> {
  const norm = (d: number[]) => {
    const t = d.reduce((x, y) => x + y, 0) + e;
    return d.map((x) => x / t);
  };
  // Yuma 1: B = S∘Wc/(colsum + e) → /(colsum(B) + e); D = B·I.
  const col0 = 0.8 * c + e, col1 = 0.55 * c + e;
  const b = [[(0.45 * c) / col0, 0], [(0.35 * c) / col0, (0.35 * c) / col1], [0, (0.2 * c) / col1]];
  const s0 = (0.8 * c) / col0 + e, s1 = (0.55 * c) / col1 + e;
  const y1 = b.map((r) => [r[0]! / s0, r[1]! / s1]);
  const y1d = y1.map((r) => r[0]! * I3[0]! + r[1]! * I3[1]!);
  // Yuma 3 (alpha 0.9, target raw Wn): B = 0.9q·W; Bn = B/(1.35q + e) per column.
  const y3 = [[0.9 * q, 0], [0.45 * q, 0.45 * q], [0, 0.9 * q]];
  const S3 = [0.45, 0.35, 0.2];
  const y3d = y3.map((r, i) => (S3[i]! * (r[0]! * I3[0]! + r[1]! * I3[1]!)) / (1.35 * q + e));
  // Yuma 2C: B = 0.1·S_i·2^64·q·W_ij (purchase from zero bonds).
  const y2c = [[0.045, 0], [0.0175, 0.0175], [0, 0.02]].map((r) => r.map((x) => x * q * M));
  return {
    YUMA1: { bonds: [y1], dn: [norm(y1d)] },
    YUMA2: { bonds: [DB3], dn: [norm([1 / 3, 14 / 27, 4 / 27])] },
    YUMA2B: { bonds: [DB3], dn: [norm([1 / 3, 14 / 27, 4 / 27])] },
    YUMA2C: { bonds: [y2c], dn: [norm(D2C)] },
    YUMA3: { bonds: [y3], dn: [norm(y3d)] },
    // Epoch 0 of the liquid variant uses the fixed alpha: identical to Yuma 3.
    YUMA3_LIQUID: { bonds: [y3], dn: [norm(y3d)] },
  };
}

describe("3×2, one epoch, chain-like (float64)", () => {
  for (const version of Object.keys(CHAIN_THREE) as YumaVersion[]) {
    it(version, () => {
      const out = runResearch(input(version, THREE)).epochs;
      checkEpochs(out, CHAIN_THREE[version], [[0.5, 0.5]], [I3], [0.45, 0.35, 0.2], CHAIN, 0);
    });
  }

  it("winner takes all: the top-ranked server gets the whole incentive", () => {
    // R = [0.4, 0.275] → I = [1, 0]; D = ΔB·I = column 0 of ΔB = [0.5625, 0.4375, 0].
    const [o] = runResearch(input("YUMA2", THREE, { winnerTakesAll: true })).epochs;
    expectClose(o!.incentive, [1, 0], CHAIN);
    expectClose(o!.dividends, [0.5625, 0.4375, 0], CHAIN);
  });
});

describe("3×2, one epoch, peer-compatible (float32)", () => {
  const exp = peerThree();
  for (const version of Object.keys(exp) as YumaVersion[]) {
    it(version, () => {
      const out = runResearch(input(version, THREE, {}, true)).epochs;
      checkEpochs(out, exp[version], [[c, c]], [I3], [0.45, 0.35, 0.2], PEER_ABS, PEER_REL);
    });
  }

  it("consensus is normalised and truncated to 1/65535 steps", () => {
    const [o] = runResearch(input("YUMA2", THREE, {}, true)).epochs;
    // Exactly float32(32767/65535): not the chain's 0.5.
    expect(o!.consensus).toEqual([Math.fround(c), Math.fround(c)]);
  });

  it("winner takes all splits ties equally", () => {
    // S = [1, 1], W = [[1,0],[0,1]]: each server's consensus q → c each; R = [c/2, c/2] tie → [0.5, 0.5].
    const o = runResearch(input("YUMA3", [{ W: [[1, 0], [0, 1]], S: [1, 1] }], { winnerTakesAll: true }, true)).epochs[0]!;
    expect(o.incentive).toEqual([0.5, 0.5]);
    // Unequal ranks (the 3×2 case): one-hot on server 0.
    expect(runResearch(input("YUMA3", THREE, { winnerTakesAll: true }, true)).epochs[0]!.incentive).toEqual([1, 0]);
  });

  it("a zero consensus sum gives every C_j = −2147483648/65535 (the peer's NaN → int cast)", () => {
    // κ = 0.6, S = [1, 1], W = [[1,0],[0,1]]: on each server the top weight holds 0.5 < 0.6 of the
    // stake, so the quantile is the next weight, 0. ΣC = 0 → 0/0 = NaN → .int() = INT32_MIN.
    const o = runResearch(input("YUMA2", [{ W: [[1, 0], [0, 1]], S: [1, 1] }], { kappa: 0.6 }, true)).epochs[0]!;
    const cNaN = Math.fround(Math.fround(-2147483648) / 65535); // float32 division, as the peer's tensor
    expect(o.consensus).toEqual([cNaN, cNaN]);
    // Every weight is then clipped to cNaN: R_j = cNaN·ΣS_i = cNaN for both servers → I = [0.5, 0.5];
    // W_b = Wc is constant, so each column's bonds are the stake shares [0.5, 0.5].
    expectClose(o.incentive, [0.5, 0.5], PEER_ABS);
    expectClose(o.bonds, [[0.5, 0.5], [0.5, 0.5]], PEER_ABS);
    expectClose(o.dividends, [0.5 / (1 + e), 0.5 / (1 + e)], PEER_ABS);
  });
});

describe("liquid alpha consensus modes (peer-compatible)", () => {
  // S = [3, 1] (Sn [0.75, 0.25]), bondMovingAverage 0.5, YUMA3_LIQUID.
  //   epoch 0: W = [[1,0],[1,0]] → C_old = [1, 0]; fixed alpha 0.5: B0 = [[q/2,0],[q/2,0]].
  //   epoch 1: W = [[0,1],[1,0]] → Wn = [[0,q],[q,0]]. Server 0: q (0.25), 0 (→1.0): value 0;
  //            server 1: q (0.75): q → C = [0, 1].
  //   (1,0): q ≥ q/2 buys at clamp(q − Cl_0): current Cl_0 = 0 → q; previous 1 → 0; mixed max(0,1) → 0.
  //   (0,1): q ≥ 0 buys at clamp(q − Cl_1): current 1 → 0; previous 0 → q; mixed max(1,0) → 0.
  //   (0,0): 0 < q/2 sells at q/2 (any mode); (1,1): 0 ≥ 0 buys at clamp(0 − Cl_1) = 0.
  //   Bonds: (1,0) = (1−a)·q/2 + a·q; (0,1) = a·q; (0,0) = (1 − A(q/2))·q/2; (1,1) = 0.
  const epochs = [
    { W: [[1, 0], [1, 0]], S: [3, 1] },
    { W: [[0, 1], [1, 0]], S: [3, 1] },
  ];
  const A = (d: number) => sigmoidAlpha(d);
  const bondsFor = (a10: number, a01: number) => [
    [(1 - A(q / 2)) * (q / 2), a01 * q],
    [(1 - a10) * (q / 2) + a10 * q, 0],
  ];
  const cases: Array<[string, number[][]]> = [
    ["current", bondsFor(A(q), A(0))],
    ["previous", bondsFor(A(0), A(q))],
    ["mixed", bondsFor(A(0), A(0))],
  ];
  for (const [mode, bonds] of cases) {
    it(mode, () => {
      const out = runResearch(
        input("YUMA3_LIQUID", epochs, { bondMovingAverage: 0.5, liquidAlphaConsensusMode: mode as "current" }, true),
      ).epochs;
      expect(out[1]!.consensus).toEqual([0, 1]);
      expectClose(out[1]!.bonds, bonds, PEER_ABS);
    });
  }
});

describe("peer-compatible on float64 tensors (peerFloat: float64)", () => {
  it("3×2 Yuma 2: float64 arithmetic, consensus still divided in float32 (torch's default dtype)", () => {
    // `.int() / 65535` yields a float32 tensor whatever the input dtype: c = fround(32767/65535).
    // Dividends as in the float32 case, [1/3, 14/27, 4/27]/(1 + 1e-6), now to float64 precision.
    const [o] = runResearch(input("YUMA2", THREE, {}, true), { peerFloat: "float64" }).epochs;
    expect(o!.consensus).toEqual([Math.fround(c), Math.fround(c)]);
    expectClose(o!.incentive, I3, 1e-15);
    expectClose(o!.dividends, [1 / 3, 14 / 27, 4 / 27].map((x) => x / (1 + e)), 1e-15);
    expectClose(o!.bonds, DB3, 1e-15);
  });
});
