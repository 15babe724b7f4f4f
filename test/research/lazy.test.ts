// runResearch builds each epoch's bond rows (V arrays of N numbers) only when `bonds` is first
// read. The object must look exactly like one with plain arrays: same keys in the same order,
// same JSON, same values as the flat result, and `bonds` readable, cached and assignable.

import { describe, expect, it } from "vitest";
import { runResearch, runResearchFlat, runResearchBatch } from "../../src/research/index.js";
import type { ResearchInput } from "../../src/research/types.js";
import { rng } from "../helpers/rng.js";

function input(seed: number, peerCompat: boolean): ResearchInput {
  const r = rng(seed);
  const V = 3 + Math.floor(r() * 6), N = 2 + Math.floor(r() * 9);
  const epochs = Array.from({ length: 4 }, () => ({
    W: Array.from({ length: V }, () => Array.from({ length: N }, () => (r() < 0.2 ? 0 : r()))),
    S: Array.from({ length: V }, () => 1 + r() * 50),
  }));
  return { format: "yuma-research-input/1", version: "YUMA3", peerCompat, params: { kappa: 0.5 }, epochs };
}

/** The flat result's epoch e as plain arrays, built here independently of the output code. */
function plainEpoch(input: ResearchInput, e: number) {
  const f = runResearchFlat(input);
  const V = f.validators, N = f.servers;
  const bonds = Array.from({ length: V }, (_, i) => Array.from(f.bonds.subarray((e * V + i) * N, (e * V + i + 1) * N)));
  return {
    consensus: Array.from(f.consensus.subarray(e * N, (e + 1) * N)),
    incentive: Array.from(f.incentive.subarray(e * N, (e + 1) * N)),
    bonds,
    dividends: Array.from(f.dividends.subarray(e * V, (e + 1) * V)),
    dividendsPer1000Tao: Array.from(f.dividendsPer1000Tao.subarray(e * V, (e + 1) * V)),
  };
}

describe("runResearch output: bonds built when first read", () => {
  for (const peerCompat of [true, false]) {
    it(`${peerCompat ? "peerCompat" : "chain-like"}: same JSON, keys, values and behaviour as plain arrays`, () => {
      for (let seed = 1; seed <= 6; seed++) {
        const doc = input(seed, peerCompat);
        const out = runResearch(doc);
        const plain = { epochs: doc.epochs.map((_, e) => plainEpoch(doc, e)) };
        // JSON (never read before: the getter runs inside stringify).
        expect(JSON.stringify(runResearch(doc))).toBe(JSON.stringify(plain));
        // Deep equality, key order, own enumerable data property once read.
        expect(Object.keys(out.epochs[0]!)).toEqual(["consensus", "incentive", "bonds", "dividends", "dividendsPer1000Tao"]);
        expect(out).toEqual(plain);
        const first = out.epochs[1]!.bonds;
        expect(out.epochs[1]!.bonds).toBe(first); // built once
        const d = Object.getOwnPropertyDescriptor(out.epochs[1]!, "bonds")!;
        expect(d.value).toBe(first);
        expect(d.enumerable && d.writable).toBe(true);
        // Spread and structuredClone of an epoch whose bonds were never read.
        expect({ ...runResearch(doc).epochs[2]! }).toEqual(plain.epochs[2]);
        expect(structuredClone(runResearch(doc).epochs[3]!)).toEqual(plain.epochs[3]);
      }
    });
  }

  it("gives the flat result's bonds above 1 MiB of bonds per epoch too (one buffer per call there)", () => {
    // float64: 3 × 50000 × 8 bytes = 1.2 MB per epoch; the float32 peer's 0.6 MB: per epoch.
    for (const peerCompat of [false, true]) {
      const r = rng(11);
      const V = 3, N = 50000;
      const epochs = Array.from({ length: 3 }, () => ({
        W: Array.from({ length: V }, () => Array.from({ length: N }, () => r())),
        S: [1, 2, 3],
      }));
      const doc: ResearchInput = { format: "yuma-research-input/1", version: "YUMA2", peerCompat, params: { kappa: 0.5 }, epochs };
      const out = runResearch(doc);
      for (let e = 0; e < 3; e++) expect(out.epochs[e]!.bonds).toEqual(plainEpoch(doc, e).bonds);
    }
  });

  it("assigning bonds before reading replaces them; rows are independent arrays", () => {
    const doc = input(9, true);
    const out = runResearch(doc);
    out.epochs[0]!.bonds = [[1, 2]];
    expect(out.epochs[0]!.bonds).toEqual([[1, 2]]);
    const rows = out.epochs[1]!.bonds;
    rows[0]![0] = 42;
    expect(out.epochs[1]!.bonds[0]![0]).toBe(42);
    expect(out.epochs[2]!.bonds).toEqual(plainEpoch(doc, 2).bonds); // the other epochs untouched
  });

  it("the batch path (flat results from a pool of 2) gives the same objects", async () => {
    const docs = [input(3, true), input(4, false)];
    const got = await runResearchBatch(docs, { threads: 2 });
    for (let k = 0; k < docs.length; k++) expect(JSON.stringify(got[k])).toBe(JSON.stringify(runResearch(docs[k]!)));
  });
});

describe("a frozen output", () => {
  it("still reads its bonds (the same rows each time) and refuses assignment as a frozen object does", () => {
    const doc = input(11, false);
    const out = runResearch(doc);
    const e = Object.freeze(out.epochs[0]!);
    const rows = e.bonds;
    expect(rows).toEqual(plainEpoch(doc, 0).bonds);
    expect(e.bonds).toBe(rows);
    expect(JSON.stringify(e)).toBe(JSON.stringify(plainEpoch(doc, 0)));
    expect(() => {
      "use strict";
      (e as { bonds: number[][] }).bonds = [];
    }).toThrow(TypeError);
    expect(e.bonds).toBe(rows);
  });
});
