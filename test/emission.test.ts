import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { blockEmission, ownerCut, YumaInputError } from "../src/index.js";

const fx = JSON.parse(readFileSync(join(__dirname, "fixtures", "emission", "block_emission.json"), "utf8"));

describe("block emission fixtures", () => {
  it("has 126 cases", () => {
    expect(fx.format).toBe("yuma-block-emission/1");
    expect(fx.cases.length).toBe(126);
  });
  for (const c of fx.cases as Array<{ issuance: string; emission: string }>) {
    it(`issuance ${c.issuance}`, () => {
      expect(blockEmission(c.issuance).toString()).toBe(c.emission);
    });
  }
});

describe("block emission properties", () => {
  it("is 1 TAO at genesis and 0 at or above the cap", () => {
    expect(blockEmission(0n)).toBe(1_000_000_000n);
    expect(blockEmission(21_000_000_000_000_000n)).toBe(0n);
    expect(blockEmission(2n ** 64n - 1n)).toBe(0n);
  });
  it("halves around each threshold 21e15·(1 − 2^−k) and is always 1e9 >> k", () => {
    // Up to k = 20: past that the gap between thresholds nears the resolution of the
    // chain's 32-bit fraction of issuance/21e15 (≈ 4.9e6 rao).
    for (let k = 1n; k <= 20n; k++) {
      const t = 21_000_000_000_000_000n - 21_000_000_000_000_000n / 2n ** k;
      // A quarter of the gap to the next threshold below and above it (the fixed-point
      // log2 may round right at the threshold itself).
      const margin = (21_000_000_000_000_000n - t) / 4n;
      const below = blockEmission(t - margin);
      const above = blockEmission(t + margin);
      expect(below).toBe(1_000_000_000n >> (k - 1n));
      expect(above).toBe(1_000_000_000n >> k);
    }
  });
  it("never increases with issuance", () => {
    let prev = blockEmission(0n);
    for (let i = 0n; i < 21_000_000_000_000_000n; i += 73_000_000_000_000n) {
      const e = blockEmission(i);
      expect(e <= prev).toBe(true);
      prev = e;
    }
  });
  it("rejects bad issuance with a typed error", () => {
    expect(() => blockEmission("-1")).toThrow(YumaInputError);
    expect(() => blockEmission("01")).toThrow(/issuance/);
    expect(() => blockEmission(2n ** 64n)).toThrow(YumaInputError);
  });
});

describe("owner cut", () => {
  it("is ⌊amount · ⌊11796·2^32/65535⌋ / 2^32⌋", () => {
    const cut = (11796n << 32n) / 65535n;
    for (const a of [0n, 1n, 999n, 1_000_000_000n, 123_456_789_012n, 2n ** 40n + 12345n]) {
      expect(ownerCut(a)).toBe((a * cut) >> 32n);
    }
    // ≈ 18 %
    expect(Number(ownerCut(1_000_000_000n)) / 1e9).toBeCloseTo(0.18, 3);
  });
});
