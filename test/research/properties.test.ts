// Properties of every version in both semantics, on random subnets (fast-check):
// normalised dividends and incentive sum to ≈ 1 (or are all 0), consensus stays in range, and
// bonds stay within their version's bounds.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runResearch } from "../../src/research/index.js";
import type { ResearchEpochInput, ResearchParams, YumaVersion } from "../../src/research/types.js";
import { input, VERSIONS } from "./helpers.js";

// Values on a 1/1000 grid: float32 subnormals (which fast-check likes to try) would make the
// peer's 1e-6 epsilons dominate and are no realistic weight or parameter.
const grid = (max: number) => fc.integer({ min: 0, max: max * 1000 }).map((k) => k / 1000);
const weight = fc.oneof(fc.constant(0), fc.constant(1), grid(1), grid(1000));

const subnet = fc
  .record({ V: fc.integer({ min: 1, max: 7 }), N: fc.integer({ min: 1, max: 9 }), E: fc.integer({ min: 1, max: 5 }) })
  .chain(({ V, N, E }) =>
    fc.array(
      fc.record({
        W: fc.array(fc.array(weight, { minLength: N, maxLength: N }), { minLength: V, maxLength: V }),
        // Stakes of comparable size (≥ 0.1 of the largest possible), so that the peer's
        // D/(ΣD + 1e-6) stays within 1e-3 of 1 whenever dividends are paid at all.
        S: fc.array(grid(1).map((x) => 0.1 + 0.9 * x), { minLength: V, maxLength: V }),
      }),
      { minLength: E, maxLength: E },
    ),
  );

const params: fc.Arbitrary<Partial<ResearchParams>> = fc.record({
  kappa: grid(1).map((x) => 0.05 + 0.9 * x),
  bondPenalty: grid(1),
  bondMovingAverage: grid(1).map((x) => 0.99 * x),
  liquidAlpha: fc.boolean(),
  winnerTakesAll: fc.boolean(),
  liquidAlphaConsensusMode: fc.constantFrom("current" as const, "previous" as const, "mixed" as const),
});

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const NAN_CONSENSUS = Math.fround(Math.fround(-2147483648) / 65535);

function check(version: YumaVersion, peer: boolean, epochs: ResearchEpochInput[], p: Partial<ResearchParams>): void {
  const out = runResearch(input(version, epochs, p, peer)).epochs;
  expect(out).toHaveLength(epochs.length);
  out.forEach((o, k) => {
    const S = Array.from(epochs[k]!.S);
    const sTotal = sum(S);
    const V = S.length, N = epochs[k]!.W[0]!.length;
    expect(o.consensus).toHaveLength(N);
    expect(o.bonds).toHaveLength(V);
    // Dividends: chain-like exactly normalised (or all zero); peer D/(ΣD + 1e-6).
    const d = sum(o.dividends);
    for (const x of o.dividends) expect(x).toBeGreaterThanOrEqual(0);
    if (peer) expect(d === 0 || (d > 1 - 1e-3 && d <= 1 + 1e-6)).toBe(true);
    else expect(d === 0 || Math.abs(d - 1) < 1e-9).toBe(true);
    // Incentive: normalised ranks or the winners' shares.
    const i = sum(o.incentive);
    for (const x of o.incentive) expect(x).toBeGreaterThanOrEqual(0);
    expect(i === 0 || Math.abs(i - 1) < (peer ? 1e-6 : 1e-9)).toBe(true);
    // Consensus: a weight (chain-like) or k/65535 with Σ ≤ 1 (peer), or the peer's NaN cast.
    if (peer && o.consensus.every((c) => c === NAN_CONSENSUS)) {
      // Every server at zero consensus: the peer clips every weight to −32768.5, so with a
      // bond penalty its bond targets are negative; no bounds to check in this epoch.
      return;
    } else {
      for (const c of o.consensus) {
        expect(c).toBeGreaterThanOrEqual(0);
        expect(c).toBeLessThanOrEqual(1);
        if (peer) expect(Math.abs(c * 65535 - Math.round(c * 65535))).toBeLessThan(1e-2);
      }
      if (peer) expect(sum(o.consensus)).toBeLessThanOrEqual(1 + 1e-6);
    }
    // Per 1000 TAO: never negative; zero exactly where no dividends are paid.
    o.dividendsPer1000Tao.forEach((x, v) => {
      expect(x).toBeGreaterThanOrEqual(0);
      if (o.dividends[v] === 0) expect(x).toBe(0);
    });
    // Bonds within the version's bounds.
    const flat = o.bonds.flat();
    for (const b of flat) expect(b).toBeGreaterThanOrEqual(0);
    if (version === "YUMA2C") {
      // capacity: chain-like S_i/ΣS; peer S_i/ΣS·(2^64 − 1) (float32).
      o.bonds.forEach((row, v) => {
        const cap = (S[v]! / sTotal) * (peer ? 2 ** 64 : 1);
        for (const b of row) expect(b).toBeLessThanOrEqual(cap * (1 + 1e-6));
      });
    } else {
      for (const b of flat) expect(b).toBeLessThanOrEqual(1 + 1e-6);
    }
    if (version === "YUMA1" || (!peer && (version === "YUMA2" || version === "YUMA2B"))) {
      // Column-normalised bonds: each column sums to 1 (chain-like) / ≤ 1 (peer's epsilon), or 0.
      for (let j = 0; j < N; j++) {
        const c = sum(o.bonds.map((row) => row[j]!));
        if (peer) expect(c).toBeLessThanOrEqual(1 + 1e-6);
        else expect(c === 0 || Math.abs(c - 1) < 1e-9).toBe(true);
      }
    }
  });
}

describe("research properties on random subnets", () => {
  for (const peer of [false, true]) {
    for (const version of VERSIONS) {
      it(`${version} ${peer ? "peer-compatible" : "chain-like"}`, () => {
        fc.assert(fc.property(subnet, params, (epochs, p) => check(version, peer, epochs, p)), { numRuns: 40, seed: 4242 });
      });
    }
  }
});

describe("chain-like Yuma 2: the EMA's shares per column", () => {
  // A column no validator weights this epoch (ΔB's column is zero) keeps the old bonds as they
  // are — the epoch that made them normalised them —, or becomes zero when the EMA keeps none
  // of the old bonds (bond moving average 0); every column sums to 1 or 0.
  it("keeps a column nobody weights at its old bonds, bit for bit", () => {
    fc.assert(
      fc.property(subnet, fc.nat(), params, (epochs, pick, p) => {
        const N = epochs[0]!.W[0]!.length;
        const j = pick % N;
        const last = epochs[epochs.length - 1]!;
        const zeroed = { S: last.S, W: last.W.map((row) => row.map((w, k) => (k === j ? 0 : w))) };
        const out = runResearch(input("YUMA2", [...epochs, zeroed], { ...p, liquidAlpha: false, winnerTakesAll: false })).epochs;
        const before = out[out.length - 2]!.bonds.map((row) => row[j]!);
        const after = out[out.length - 1]!.bonds.map((row) => row[j]!);
        expect(after).toEqual(p.bondMovingAverage === 0 ? before.map(() => 0) : before);
        for (let k = 0; k < N; k++) {
          const c = sum(out[out.length - 1]!.bonds.map((row) => row[k]!));
          expect(c === 0 || Math.abs(c - 1) < 1e-12, `column ${k} sums to ${c}`).toBe(true);
        }
      }),
      { numRuns: 150, seed: 99 },
    );
  });
});

describe("chain-like Yuma 2 with columns of subnormal weights", () => {
  // Their column sums are so small that share / sum overflows: the EMA takes its quotient
  // form there (emaFactors), and the bonds stay finite and column-normalised.
  it("keeps every bond finite and every column normalised", () => {
    const r = (k: number) => ((k * 2654435761) % 1000) / 1000 + 0.001;
    // Columns 0, 3, 6 subnormal, column 4 all zero.
    const W = Array.from({ length: 5 }, (_, i) => Array.from({ length: 7 }, (_, j) => (j % 3 === 0 ? r(i * 7 + j) * 1e-310 : j === 4 ? 0 : r(i * 7 + j))));
    const epochs = [0, 1, 2].map((e) => ({ W: W.map((row) => row.map((w, j) => (j === e ? w / 2 : w))), S: [1, 2, 3, 4, 5] }));
    for (const version of ["YUMA2", "YUMA2B"] as const) {
      for (const o of runResearch(input(version, epochs, { bondMovingAverage: 0.5 })).epochs) {
        for (const b of o.bonds.flat()) expect(Number.isFinite(b)).toBe(true);
        for (let j = 0; j < 7; j++) {
          const c = sum(o.bonds.map((row) => row[j]!));
          expect(c === 0 || Math.abs(c - 1) < 1e-12, `column ${j} sums to ${c}`).toBe(true);
        }
      }
    }
  });
});

describe("chain-like Yuma 2 at the ends of the bond moving average", () => {
  // B = colnorm((1 − bma)·ΔB + bma·colnorm(B_old)): with bma 1 the bonds never leave zero (no
  // dividends ever); with bma 0 they are ΔB alone, column-normalised, every epoch.
  const r = (k: number) => ((k * 2654435761) % 997) / 997;
  const epochs = [0, 1, 2].map((e) => ({
    W: Array.from({ length: 4 }, (_, i) => Array.from({ length: 5 }, (_, j) => (j === e + 1 ? 0 : r(e * 20 + i * 5 + j)))),
    S: [1, 2, 3, 4],
  }));
  it("bond moving average 1: no bonds, no dividends", () => {
    for (const version of ["YUMA2", "YUMA2B"] as const) {
      for (const o of runResearch(input(version, epochs, { bondMovingAverage: 1 })).epochs) {
        expect(o.bonds.flat().every((b) => b === 0)).toBe(true);
        expect(o.dividends.every((d) => d === 0)).toBe(true);
      }
    }
  });
  it("bond moving average 0: each epoch's bonds are that epoch's alone", () => {
    const all = runResearch(input("YUMA2", epochs, { bondMovingAverage: 0 })).epochs;
    epochs.forEach((ep, e) => {
      // The same epoch run on its own (no old bonds): the same bonds and dividends.
      const alone = runResearch(input("YUMA2", [ep], { bondMovingAverage: 0 })).epochs[0]!;
      expect(all[e]!.bonds).toEqual(alone.bonds);
      expect(all[e]!.dividends).toEqual(alone.dividends);
      // The column nobody weights this epoch is zero.
      expect(all[e]!.bonds.every((row) => row[e + 1] === 0)).toBe(true);
    });
  });
});

