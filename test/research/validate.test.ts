// Input validation: every refusal is a YumaInputError naming the field and the rule.

import { describe, expect, it } from "vitest";
import { YumaInputError } from "../../src/errors.js";
import { DEFAULT_RESEARCH_PARAMS, runResearch } from "../../src/research/index.js";
import type { ResearchInput } from "../../src/research/types.js";
import { rng } from "../helpers/rng.js";

const good = (): Record<string, unknown> => ({
  format: "yuma-research-input/1",
  version: "YUMA2",
  params: { kappa: 0.5 },
  epochs: [
    { W: [[1, 0], [0.5, 0.5]], S: [1, 2] },
    { W: [[0, 1], [1, 0]], S: [1, 2] },
  ],
});

function refuse(mutate: (doc: Record<string, unknown>) => void, field: string, rule: RegExp, peerCompat = false): void {
  const doc = good();
  if (peerCompat) doc.peerCompat = true;
  mutate(doc);
  let error: unknown;
  try {
    runResearch(doc as unknown as ResearchInput);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(YumaInputError);
  expect((error as YumaInputError).field).toBe(field);
  expect((error as YumaInputError).rule).toMatch(rule);
}

const epochs = (d: Record<string, unknown>) => d.epochs as Array<{ W: unknown[]; S: unknown[] }>;

describe("research input validation", () => {
  it("accepts the reference document and an empty epoch list", () => {
    expect(runResearch(good() as unknown as ResearchInput).epochs).toHaveLength(2);
    expect(runResearch({ ...good(), epochs: [] } as unknown as ResearchInput)).toEqual({ epochs: [] });
  });

  it("wrong format", () => {
    refuse((d) => { d.format = "yuma-research-input/2"; }, "format", /must be "yuma-research-input\/1"/);
    refuse((d) => { delete d.format; }, "format", /must be/);
  });

  it("ignores extra fields (a name, a description, per-epoch notes); a null parameter takes the default", () => {
    const plain = runResearch(good() as unknown as ResearchInput);
    const doc = good();
    doc.name = "case";
    doc.description = "anything";
    (epochs(doc)[0] as Record<string, unknown>).note = "first";
    expect(runResearch(doc as unknown as ResearchInput)).toEqual(plain);
    expect(runResearch({ ...good(), params: { kappa: 0.5, bondPenalty: null } } as unknown as ResearchInput)).toEqual(plain);
  });

  it("unknown version", () => {
    refuse((d) => { d.version = "YUMA4"; }, "version", /must be one of YUMA1, YUMA2, YUMA2B, YUMA2C, YUMA3, YUMA3_LIQUID/);
    refuse((d) => { d.version = "yuma2"; }, "version", /must be one of/);
  });

  it("peerCompat must be a boolean", () => {
    refuse((d) => { d.peerCompat = "yes"; }, "peerCompat", /boolean/);
  });

  it("ragged W, missing rows, V mismatch with S, changing shapes", () => {
    refuse((d) => { epochs(d)[0]!.W[1] = [1]; }, "epochs[0].W[1]", /must have 2 entries/);
    refuse((d) => { epochs(d)[0]!.S = [1]; }, "epochs[0].S", /one stake per row of W \(2\)/);
    refuse((d) => { epochs(d)[1]!.W = [[1, 0]]; epochs(d)[1]!.S = [1]; }, "epochs[1].W", /must have 2 rows like epochs\[0\]/);
    refuse((d) => { epochs(d)[1]!.W = [[1, 0, 0], [1, 0, 0]]; }, "epochs[1].W[0]", /must have 2 entries like epochs\[0\]\.W\[0\]/);
    refuse((d) => { epochs(d)[0]!.W = []; epochs(d)[0]!.S = []; }, "epochs[0].W", /at least one row/);
    refuse((d) => { epochs(d)[0]!.W = [[], []]; }, "epochs[0].W[0]", /at least one entry/);
    refuse((d) => { epochs(d)[0]!.W = "x" as unknown as unknown[]; }, "epochs[0].W", /array of rows/);
    refuse((d) => { d.epochs = {}; }, "epochs", /must be an array/);
  });

  it("negative, non-finite and non-number values", () => {
    refuse((d) => { epochs(d)[1]!.W[0] = [-0.5, 1]; }, "epochs[1].W[0][0]", /must not be negative/);
    refuse((d) => { epochs(d)[0]!.W[0] = [Infinity, 1]; }, "epochs[0].W[0][0]", /finite number/);
    refuse((d) => { epochs(d)[0]!.W[0] = [NaN, 1]; }, "epochs[0].W[0][0]", /finite number/);
    refuse((d) => { epochs(d)[0]!.W[0] = ["1", 1]; }, "epochs[0].W[0][0]", /finite number, got string/);
    refuse((d) => { epochs(d)[0]!.S = [1, -2]; }, "epochs[0].S[1]", /must not be negative/);
    refuse((d) => { epochs(d)[0]!.S = [1, null]; }, "epochs[0].S[1]", /finite number, got null/);
    refuse((d) => { epochs(d)[1]!.S = [0, 0]; }, "epochs[1].S", /positive total stake/);
    // float32 range in peer-compatible mode
    refuse((d) => { epochs(d)[0]!.W[0] = [1e39, 1]; }, "epochs[0].W[0][0]", /float32/, true);
  });

  it("bad params", () => {
    refuse((d) => { d.params = { kappa: 1.5 }; }, "params.kappa", /\[0, 1\]/);
    refuse((d) => { d.params = { bondPenalty: -0.1 }; }, "params.bondPenalty", /\[0, 1\]/);
    refuse((d) => { d.params = { bondMovingAverage: "0.9" }; }, "params.bondMovingAverage", /finite number/);
    refuse((d) => { d.params = { liquidAlpha: 1 }; }, "params.liquidAlpha", /boolean/);
    refuse((d) => { d.params = { alphaLow: 0.5, alphaHigh: 0.4 }; }, "params.alphaLow", /must not exceed alphaHigh/);
    refuse((d) => { d.params = { alphaSigmoidSteepness: Infinity }; }, "params.alphaSigmoidSteepness", /finite/);
    refuse((d) => { d.params = { liquidAlphaConsensusMode: "latest" }; }, "params.liquidAlphaConsensusMode", /"current", "previous" or "mixed"/);
    refuse((d) => { d.params = { totalSubnetStake: -1 }; }, "params.totalSubnetStake", /must be in/);
    refuse((d) => { d.params = { bond_penalty: 0.5 }; }, "params.bond_penalty", /unknown parameter/);
    refuse((d) => { d.params = [1]; }, "params", /must be an object/);
  });

  it("defaults are the peer's dataclass defaults, bond penalty 1", () => {
    expect(DEFAULT_RESEARCH_PARAMS).toEqual({
      kappa: 0.5, bondPenalty: 1, bondMovingAverage: 0.1, liquidAlpha: false, alphaLow: 0.1, alphaHigh: 0.3,
      alphaSigmoidSteepness: 10, decayRate: 0.1, capacityAlpha: 0.1, winnerTakesAll: false,
      liquidAlphaConsensusMode: "current", validatorEmissionRatio: 0.41, totalEpochEmission: 100, totalSubnetStake: 1_000_000,
    });
    // Omitted params equal the defaults given explicitly.
    const doc = good();
    const implicit = runResearch({ ...doc, params: undefined } as unknown as ResearchInput);
    const explicit = runResearch({ ...doc, params: { ...DEFAULT_RESEARCH_PARAMS } } as unknown as ResearchInput);
    expect(implicit).toEqual(explicit);
  });

  it("the consensus mode is case-insensitive (the peer spells it CURRENT/PREVIOUS/MIXED)", () => {
    const doc = { ...good(), version: "YUMA3_LIQUID", params: { liquidAlphaConsensusMode: "PREVIOUS" } };
    const lower = { ...good(), version: "YUMA3_LIQUID", params: { liquidAlphaConsensusMode: "previous" } };
    expect(runResearch(doc as unknown as ResearchInput)).toEqual(runResearch(lower as unknown as ResearchInput));
  });

  it("options are checked", () => {
    expect(() => runResearch(good() as unknown as ResearchInput, { peerFloat: "float16" as "float32" })).toThrow(YumaInputError);
    expect(() => runResearch(good() as unknown as ResearchInput, { peerVectorBits: 128 as 256 })).toThrow(YumaInputError);
    // A misspelt option is refused by name (it ran the default before), and so are non-objects.
    expect(() => runResearch(good() as unknown as ResearchInput, { peerFlot: "float64" } as never)).toThrow(expect.objectContaining({ field: "options.peerFlot" }));
    expect(() => runResearch(good() as unknown as ResearchInput, null as never)).toThrow(expect.objectContaining({ field: "options" }));
  });
});

describe("typed arrays in, typed arrays out", () => {
  it("rows and stakes as Float64Array / Float32Array give runResearch's outputs; runResearchFlat holds them flat", async () => {
    const { runResearch, runResearchFlat } = await import("../../src/research/index.js");
    const W = [[0.5, 0.25, 0], [0.1, 0.9, 0.3], [1, 0, 0]];
    const S = [3, 1, 2];
    const plain = { format: "yuma-research-input/1" as const, version: "YUMA3" as const, epochs: [{ W, S }, { W, S }] };
    const typed = { ...plain, epochs: [{ W: W.map((r) => Float64Array.from(r)), S: Float32Array.from(S) }, { W: W.map((r) => Float64Array.from(r)), S: Float64Array.from(S) }] };
    const a = runResearch(plain), b = runResearch(typed);
    expect(b).toEqual(a);
    const f = runResearchFlat(typed);
    expect([f.validators, f.servers, f.epochs]).toEqual([3, 3, 2]);
    expect(Array.from(f.consensus.subarray(3, 6))).toEqual(a.epochs[1]!.consensus);
    expect(Array.from(f.bonds.subarray(9 + 3, 9 + 6))).toEqual(a.epochs[1]!.bonds[1]);
    expect(Array.from(f.dividends.subarray(3, 6))).toEqual(a.epochs[1]!.dividends);
    // A typed array holding a value the format refuses is refused the same way.
    expect(() => runResearch({ ...plain, epochs: [{ W: [Float64Array.of(0.5, NaN, 0), ...W.slice(1)], S }] })).toThrow(/epochs\[0\]\.W\[0\]\[1\]/);
    expect(() => runResearch({ ...plain, epochs: [{ W, S: BigInt64Array.of(1n, 2n, 3n) as unknown as number[] }] })).toThrow(/epochs\[0\]\.S\[0\]/);
  });
});

describe("weights that are not numbers", () => {
  it("are refused by field, without converting them (no valueOf or toString of the caller's object runs)", () => {
    let called = 0;
    const sneaky = { valueOf: () => { called++; return 0.5; }, toString: () => { called++; return "0.5"; } };
    for (const bad of [sneaky, "0.5", null, undefined, 1n, [0.5]]) {
      for (const peerCompat of [true, false]) {
        refuse((d) => {
          ((d.epochs as Array<{ W: unknown[][] }>)[0]!.W[1]!)[1] = bad;
        }, "epochs[0].W[1][1]", /^must be a finite number, got /, peerCompat);
      }
    }
    expect(called).toBe(0);
  });

  it("are refused at every position of a long row (the copy's unrolled steps and its tail)", () => {
    // Values a typed array would convert to an ordinary weight (0.5, 0, 1): only the type test
    // can refuse them, wherever in the row they are.
    let called = 0;
    const sneaky = { valueOf: () => { called++; return 0.5; } };
    const N = 21;
    for (const bad of [sneaky, "0.5", null, true, [0.5]]) {
      for (const peerCompat of [true, false]) {
        for (let j = 0; j < N; j++) {
          const W = Array.from({ length: 4 }, (_, i) => Array.from({ length: N }, (_, k) => ((i + k) % 5) / 5));
          (W[2]! as unknown[])[j] = bad;
          const doc = { format: "yuma-research-input/1", version: "YUMA2", peerCompat, epochs: [{ W, S: [1, 2, 3, 4] }] };
          expect(() => runResearch(doc as unknown as ResearchInput), `${String(bad)} at ${j}`).toThrow(`epochs[0].W[2][${j}]`);
        }
      }
    }
    expect(called).toBe(0);
  });
});

describe("weight rows checked in row-major order, whatever path copies them", () => {
  // Plain rows are copied with a type test per entry while every entry is a number, float
  // rows whole, their values checked after; from the first bad or large entry on, rows take
  // the row-by-row check. The first refusal must still be the first bad entry in row-major order, a row whose
  // large entries overflow float32 must still be refused (peer-compatible), and a row with one
  // large entry accepted.
  const BAD: unknown[] = [-1, -1e-50, NaN, Infinity, "0.5", null, undefined, {}];
  const LARGE = 3.4028234663852886e38 * 0.6; // two of them overflow float32, one does not
  it("random rows with bad and large entries: the first refusal in row-major order", () => {
    const r = rng(20261205);
    for (let t = 0; t < 400; t++) {
      // Short rows, and rows long enough for the vector range check (runResearch copies plain
      // rows with a type test only, then checks their values in WASM, 16 or 8 a step).
      const V = 1 + Math.floor(r() * 9), N = r() < 0.5 ? 1 + Math.floor(r() * 7) : 8 + Math.floor(r() * 40);
      const peerCompat = r() < 0.5;
      // −0 is an ordinary weight (−0 ≥ 0), though its sign bit is set.
      const W: unknown[][] = Array.from({ length: V }, () => Array.from({ length: N }, () => (r() < 0.2 ? (r() < 0.5 ? -0 : 0) : r())));
      const marks = Math.floor(r() * 4);
      for (let k = 0; k < marks; k++) {
        const i = Math.floor(r() * V), j = Math.floor(r() * N);
        W[i]![j] = r() < 0.5 ? BAD[Math.floor(r() * BAD.length)] : LARGE;
      }
      // Now and then a ragged row (not row 0: it sets N).
      if (V > 1 && r() < 0.15) {
        const row = W[1 + Math.floor(r() * (V - 1))]!;
        if (r() < 0.5 || row.length === 1) row.push(r());
        else row.pop();
      }
      // Some rows of numbers as Float64Array or Float32Array (checked as they hold them:
      // −1e-50 is −0 in a Float32Array, an ordinary weight).
      for (let i = 0; i < V; i++) {
        const row = W[i]!;
        if (r() < 0.3 && row.every((x) => typeof x === "number")) W[i] = (r() < 0.5 ? Float64Array : Float32Array).from(row as number[]) as unknown as unknown[];
      }
      // Expected, entry by entry: the first bad entry; before it, a row (in order) with two or
      // more large entries when peer-compatible (float32: LARGE is within its range).
      let expected: string | undefined;
      for (let i = 0; i < V && !expected; i++) {
        const row = Array.from(W[i]!);
        if (row.length !== N) {
          expected = `epochs[0].W[${i}]`;
          break;
        }
        const bad = row.findIndex((x) => typeof x !== "number" || !(x >= 0 && x <= (peerCompat ? 3.4028234663852886e38 : Number.MAX_VALUE)));
        if (bad >= 0) expected = `epochs[0].W[${i}][${bad}]`;
        else if (peerCompat && row.filter((x) => (x as number) > 1e38).length >= 2) expected = `epochs[0].W[${i}]`;
      }
      const doc = { format: "yuma-research-input/1", version: "YUMA2", peerCompat, epochs: [{ W, S: Array.from({ length: V }, () => 1) }] };
      let field: string | undefined;
      try {
        runResearch(doc as unknown as ResearchInput);
      } catch (e) {
        expect(e).toBeInstanceOf(YumaInputError);
        field = (e as YumaInputError).field;
      }
      expect(field, JSON.stringify(W.map((row) => Array.from(row)))).toBe(expected);
    }
  });
});
