// Differential tests: the fast research kernels against the reference kernels kept in the
// module (flag RFLAGS.reference), bit for bit, on random subnets built to stress them — many
// validators (so the bucketed consensus walk is used), ties, clusters and outliers of weights,
// many servers (column sums by blocks of columns), stakes of very different sizes.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runFlat, type FlatResearchResult } from "../../src/research/run.js";
import type { ResearchParams, YumaVersion } from "../../src/research/types.js";
import { encodeResearch } from "../../src/research/validate.js";
import { RESEARCH_WASM, RESEARCH_WASM_SIMD } from "../../src/generated/wasm.js";
import { decodeBase64 } from "../../src/wasm.js";
import { instantiateResearch, RFLAGS, type ResearchExports } from "../../src/research/wasm.js";
import { input, rng, VERSIONS } from "./helpers.js";

const engine = instantiateResearch();
const reference: ResearchExports = {
  ...engine,
  memory: engine.memory,
  init: (v, n, version, flags, simd) => engine.init(v, n, version, flags | RFLAGS.reference, simd),
};

function sameBits(a: FlatResearchResult, b: FlatResearchResult): void {
  for (const key of ["consensus", "incentive", "bonds", "dividends", "dividendsPer1000Tao"] as const) {
    const x = a[key], y = b[key];
    expect(x.length).toBe(y.length);
    for (let k = 0; k < x.length; k++) {
      if (!Object.is(x[k], y[k])) expect.fail(`${key}[${k}]: fast ${x[k]}, reference ${y[k]}`);
    }
  }
}

// Weights: few distinct values (ties), a narrow cluster with an outlier (crowded buckets),
// zeros, subnormal columns, or uniform.
const weightKind = fc.constantFrom("ties", "cluster", "uniform", "sparse", "subnormal");
const subnet = fc
  .record({
    V: fc.integer({ min: 1, max: 90 }),
    // Up to 300 servers: column sums in blocks of columns (and several blocks).
    N: fc.oneof(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 7, max: 300 })),
    E: fc.integer({ min: 1, max: 3 }),
    kind: weightKind,
    seed: fc.integer(),
  })
  .map(({ V, N, E, kind, seed }) => {
    const r = rng(seed);
    let at = 0; // entries drawn so far: the rows are drawn entry by entry, at % N the column
    const w = () => {
      const column = at++ % N;
      switch (kind) {
        case "ties": return Math.floor(r() * 4) / 3;
        case "cluster": return r() < 0.05 ? 1000 : 1 + Math.floor(r() * 50) * 1e-7;
        case "sparse": return r() < 0.6 ? 0 : r();
        // Every third column subnormal (column sums so small that 1/sum overflows: the quotient
        // forms), and some columns all zero beside them.
        case "subnormal": return column % 3 === 0 ? r() * 1e-310 : column % 5 === 1 ? 0 : r();
        default: return r();
      }
    };
    // Stakes on a grid, or spanning 40 orders of magnitude (cumulative sums far from exact).
    const wide = seed % 3 === 0;
    const S = Array.from({ length: V }, () => (r() < 0.1 ? 0 : wide ? r() * 10 ** -Math.floor(r() * 40) : Math.floor(r() * 100) / 10));
    if (!S.some((s) => s > 0)) S[0] = 1;
    // "ties": rows drawn from three templates, so normalised weights tie across validators.
    const templates = Array.from({ length: 3 }, () => Array.from({ length: N }, w));
    const row = () => (kind === "ties" ? templates[Math.floor(r() * 3)]!.slice() : Array.from({ length: N }, w));
    return Array.from({ length: E }, () => ({ W: Array.from({ length: V }, row), S }));
  });

const params: fc.Arbitrary<Partial<ResearchParams>> = fc.record({
  kappa: fc.integer({ min: 0, max: 20 }).map((k) => k / 20),
  liquidAlpha: fc.boolean(),
  liquidAlphaConsensusMode: fc.constantFrom("current" as const, "previous" as const, "mixed" as const),
  // The vector exps drop their range tests for |steepness| ≤ 170 (float32: every |x| ≤ 85)
  // and ≤ 1000 (float64, both semantics: |x| ≤ 500); both sides of both bounds, 0 (x = ±0), and
  // exps that leave the fast range (1e30: where the test-free path would give garbage).
  alphaSigmoidSteepness: fc.constantFrom(10, -10, 0, 170, 171, 1000, 1001, 1e30),
});

describe("fast research kernels = reference kernels, bit for bit", () => {
  for (const peerCompat of [true, false]) {
    for (const peerFloat of peerCompat ? (["float32", "float64"] as const) : (["float32"] as const)) {
      it(`${peerCompat ? `peerCompat ${peerFloat}` : "chain-like"}, every version`, () => {
        fc.assert(
          fc.property(subnet, params, fc.constantFrom(...VERSIONS), (epochs, p, version: YumaVersion) => {
            const enc = encodeResearch(input(version, epochs, p, peerCompat), { peerFloat });
            sameBits(runFlat(engine, enc), runFlat(reference, enc));
          }),
          { numRuns: 200 },
        );
      });
    }
  }
});

describe("the SIMD build = the baseline build, bit for bit", () => {
  // Both builds are shipped (the SIMD one where the engine validates it): the vector passes
  // must make the scalar passes' IEEE operations per element, and sums in the same order.
  const build = (b64: string) => instantiateResearch(new WebAssembly.Module(decodeBase64(b64) as BufferSource));
  const baseline = build(RESEARCH_WASM), simd = build(RESEARCH_WASM_SIMD);
  it("is a different module (the SIMD build has vector passes)", () => {
    expect(RESEARCH_WASM_SIMD).not.toBe(RESEARCH_WASM);
  });
  for (const peerCompat of [true, false]) {
    for (const peerFloat of peerCompat ? (["float32", "float64"] as const) : (["float32"] as const)) {
      it(`${peerCompat ? `peerCompat ${peerFloat}` : "chain-like"}, every version (odd widths: vector tails; both torch vector widths)`, () => {
        fc.assert(
          fc.property(subnet, params, fc.constantFrom(...VERSIONS), fc.constantFrom(256 as const, 512 as const), (epochs, p, version: YumaVersion, peerVectorBits) => {
            const enc = encodeResearch(input(version, epochs, p, peerCompat), { peerFloat, peerVectorBits });
            sameBits(runFlat(simd, enc), runFlat(baseline, enc));
          }),
          { numRuns: 200 },
        );
      });
    }
  }
});

/** Crossing ranges resolved as candidates (assembly/research/crossing.ts rangeCandidates). */
const candidates = () => (engine as unknown as { candidateCount(): bigint }).candidateCount();

describe("the κ crossing from a stake histogram (peerCompat, exact stake sums)", () => {
  // Many validators and stakes whose sums are exact in any order (a few power-of-two sizes), so
  // the histogram answers; ties, clusters (one crowded range: the ordered walk takes over),
  // zeros; every kappa from 0 to 1; float32 and float64.
  const big = fc.record({
    V: fc.integer({ min: 20, max: 600 }), N: fc.integer({ min: 1, max: 24 }), seed: fc.integer(), kind: weightKind,
    kappa: fc.integer({ min: 0, max: 20 }).map((k) => k / 20), stakeSizes: fc.integer({ min: 1, max: 5 }),
  });
  it("gives the ordered walk's consensus, bit for bit, and is the path taken", () => {
    const count = () => (engine as unknown as { selectionCount(): bigint }).selectionCount();
    const before = count(), candidatesBefore = candidates();
    fc.assert(fc.property(big, fc.constantFrom("float32" as const, "float64" as const), ({ V, N, seed, kind, kappa, stakeSizes }, peerFloat) => {
      const r = rng(seed);
      const w = () => (kind === "ties" ? Math.floor(r() * 4) / 3 : kind === "sparse" ? (r() < 0.6 ? 0 : r()) : kind === "cluster" ? (r() < 0.05 ? 1000 : 1 + Math.floor(r() * 5) * 1e-7) : r());
      const sizes = Array.from({ length: stakeSizes }, (_, k) => 2 ** k);
      const S = Array.from({ length: V }, () => (r() < 0.05 ? 0 : sizes[Math.floor(r() * sizes.length)]!));
      if (!S.some((s) => s > 0)) S[0] = 1;
      const epochs = [{ W: Array.from({ length: V }, () => Array.from({ length: N }, w)), S }];
      for (const version of ["YUMA2", "YUMA3_LIQUID"] as const) {
        const enc = encodeResearch(input(version, epochs, { kappa }, true), { peerFloat });
        sameBits(runFlat(engine, enc), runFlat(reference, enc));
      }
    }), { numRuns: 200 });
    expect(count() - before).toBeGreaterThan(1000n);
    // Crossing ranges of up to four entries (V ≤ 128) are resolved without ordering them;
    // larger or crowded ones are ordered: both kinds are among the columns answered.
    const resolved = candidates() - candidatesBefore;
    expect(resolved).toBeGreaterThan(100n);
    expect(resolved).toBeLessThan(count() - before);
  });
});

describe("the chain-like κ crossing from a stake histogram (decided only beyond the rounding margin)", () => {
  // Many validators, stakes of any size (sums not exact: the margin decides), ties across
  // validators, crowded ranges, zeros, stakes that split exactly at κ (the sums land on the
  // minority: the ordered walk must take over), every kappa from 0 to 1.
  const big = fc.record({
    V: fc.integer({ min: 2, max: 400 }), N: fc.integer({ min: 1, max: 24 }), seed: fc.integer(), kind: weightKind,
    kappa: fc.integer({ min: 0, max: 20 }).map((k) => k / 20), stakes: fc.constantFrom("equal", "grid", "wide"),
  });
  it("gives the ordered walk's consensus, bit for bit, and is the path taken", () => {
    const count = () => (engine as unknown as { chainSelectionCount(): bigint }).chainSelectionCount();
    const before = count(), candidatesBefore = candidates();
    fc.assert(fc.property(big, ({ V, N, seed, kind, kappa, stakes }) => {
      const r = rng(seed);
      const w = () => (kind === "ties" ? Math.floor(r() * 4) / 3 : kind === "sparse" ? (r() < 0.6 ? 0 : r()) : kind === "cluster" ? (r() < 0.05 ? 1000 : 1 + Math.floor(r() * 5) * 1e-7) : r());
      const S = Array.from({ length: V }, () => (stakes === "equal" ? 1 : stakes === "grid" ? Math.floor(r() * 4) : r() * 10 ** -Math.floor(r() * 20)));
      if (!S.some((s) => s > 0)) S[0] = 1;
      const epochs = [{ W: Array.from({ length: V }, () => Array.from({ length: N }, w)), S }];
      for (const version of ["YUMA2", "YUMA3_LIQUID"] as const) {
        const enc = encodeResearch(input(version, epochs, { kappa }, false));
        sameBits(runFlat(engine, enc), runFlat(reference, enc));
      }
    }), { numRuns: 300 });
    expect(count() - before).toBeGreaterThan(1000n);
    const resolved = candidates() - candidatesBefore;
    expect(resolved).toBeGreaterThan(100n);
    expect(resolved).toBeLessThan(count() - before);
  });

  it("hand case: two equal stakes, κ = 0.5 — the sums land on the minority, the ordered walk answers", () => {
    // minority = 1 − 0.5 = 0.5; after the smaller weight the cumulative stake is exactly 0.5,
    // not above it, so the consensus is the larger weight (the chain's weighted_median).
    const enc = encodeResearch(input("YUMA2", [{ W: [[0.25, 0.75], [0.75, 0.25]], S: [1, 1] }], { kappa: 0.5 }, false));
    const before = (engine as unknown as { chainSelectionCount(): bigint }).chainSelectionCount();
    const out = runFlat(engine, enc);
    expect(Array.from(out.consensus)).toEqual([0.75, 0.75]);
    expect((engine as unknown as { chainSelectionCount(): bigint }).chainSelectionCount()).toBe(before);
  });
});

describe("crossing ranges of a few entries, resolved without ordering them (V ≤ 128)", () => {
  // Up to 128 validators: the crossing range of a column holds one to four entries most of the
  // time (uniform weights), ties inside a range (few distinct values, small V), zero-stake rows
  // in it; a few distinct stakes (exact sums: the peer's histogram path) or any stakes (the
  // chain's margins); every kappa from 0 to 1. The columns must match the reference's ordered
  // walk, and most must have been resolved as candidates.
  const small = fc.record({
    V: fc.integer({ min: 1, max: 128 }), N: fc.integer({ min: 1, max: 40 }), seed: fc.integer(),
    kind: fc.constantFrom("uniform", "ties", "grid"), kappa: fc.integer({ min: 0, max: 20 }).map((k) => k / 20),
  });
  for (const peerCompat of [true, false]) {
    it(`${peerCompat ? "peerCompat" : "chain-like"}: the ordered walk's consensus, bit for bit`, () => {
      const before = candidates();
      let columns = 0;
      fc.assert(fc.property(small, ({ V, N, seed, kind, kappa }) => {
        const r = rng(seed);
        const w = () => (kind === "ties" ? 1 + Math.floor(r() * 3) : kind === "grid" ? Math.floor(r() * 2 * V) / V : r());
        const S = Array.from({ length: V }, () => (r() < 0.1 ? 0 : peerCompat ? 2 ** Math.floor(r() * 3) : r() * 10));
        if (!S.some((x) => x > 0)) S[0] = 1;
        const epochs = [{ W: Array.from({ length: V }, () => Array.from({ length: N }, w)), S }];
        for (const peerFloat of peerCompat ? (["float32", "float64"] as const) : (["float32"] as const)) {
          const enc = encodeResearch(input("YUMA2", epochs, { kappa }, peerCompat), { peerFloat });
          sameBits(runFlat(engine, enc), runFlat(reference, enc));
          columns += N;
        }
      }), { numRuns: 400 });
      expect(Number(candidates() - before)).toBeGreaterThan(columns / 4);
    });
  }
});

describe("torch's row sums around a cascade chunk (peer-compatible)", () => {
  // A row of N is summed as 4·lanes interleaved cascades of N / (4·lanes) elements each; below
  // 16 of them no level is pushed and the fast kernels sum in registers, from 16 on through the
  // cascade's levels. Rows of 480..560 (256-bit vectors: 15..17 per cascade) and 960..1100
  // (512-bit), with zeros, −0 and large and tiny weights: the reference's sums, bit for bit.
  it("gives the reference's results on both sides of 16 elements per cascade", () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 3 }), fc.integer(), fc.constantFrom(256 as const, 512 as const), fc.constantFrom("float32" as const, "float64" as const),
      (V, seed, peerVectorBits, peerFloat) => {
        const r = rng(seed);
        const lo = peerVectorBits === 256 ? 480 : 960, hi = peerVectorBits === 256 ? 560 : 1100;
        const N = lo + Math.floor(r() * (hi - lo + 1));
        const w = () => { const u = r(); return u < 0.2 ? 0 : u < 0.25 ? -0 : u < 0.3 ? 1e6 * r() : u < 0.35 ? 1e-9 * r() : r(); };
        const epochs = [0, 1].map(() => ({ W: Array.from({ length: V }, () => Array.from({ length: N }, w)), S: Array.from({ length: V }, () => 1 + r()) }));
        for (const version of ["YUMA2", "YUMA3_LIQUID"] as const) {
          const enc = encodeResearch(input(version, epochs, {}, true), { peerFloat, peerVectorBits });
          sameBits(runFlat(engine, enc), runFlat(reference, enc));
        }
      }), { numRuns: 60 });
  });
});
