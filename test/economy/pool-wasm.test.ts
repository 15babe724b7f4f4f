// The pool in WASM (assembly/bigmath.ts, assembly/swap.ts) against the BigInt oracle
// (test/reference/swap.ts), on random pools and trades, and the hand-worked cases of
// docs/economics.md (Case 2 and 2b).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { engine } from "../../src/wasm.js";
import {
  alphaOutForTaoIn, calculatePrice, powRatioScaled, priceLimitFromRao, swap, taoOutForAlphaIn, updateWeightsForAddedLiquidity,
  MAX_PRICE_RAO, MIN_PRICE_RAO, type Pool,
} from "../reference/swap.js";

type Fn = (...a: unknown[]) => unknown;
const w = engine() as unknown as Record<string, Fn>;
const M64 = (1n << 64n) - 1n;
const ACC = 1000000000000000000n;
const u = (x: unknown) => BigInt.asUintN(64, x as bigint);
const split = (x: bigint): [bigint, bigint] => [x >> 64n, x & M64];

/** The WASM pow: the oracle's shape (null for None, the value otherwise; wide = > u64). */
function wasmPow(bn: bigint, bd: bigint, en: bigint, ed: bigint, precision: number, series = false): bigint | null | "wide" {
  const r = u((series ? w.swPowSeries! : w.swPow!)(...split(bn), ...split(bd), en, ed, precision));
  const flags = w.swPowFlags!() as number;
  if (flags & 1) return null;
  if (flags & 2) return "wide";
  return r;
}
const oraclePow = (bn: bigint, bd: bigint, en: bigint, ed: bigint, precision: number): bigint | null | "wide" => {
  const r = powRatioScaled(bn, bd, en, ed, precision, ACC);
  return r === null ? null : r > M64 ? "wide" : r;
};

const weight = fc.oneof(fc.bigInt({ min: 10000000000000001n, max: 99n * 10000000000000000n - 1n }), fc.constantFrom(ACC / 2n, 499_999_999_999_875_028n, ACC / 4n, 3n * ACC / 4n, ACC / 3n));
const reserve = fc.oneof(fc.bigInt({ min: 1_000_000n, max: 1000000000000000000n }), fc.bigInt({ min: 1000000000n, max: 10000000000000000n }));

describe("pow_ratio_scaled", () => {
  it("equals the oracle on trades of every size (fast path, series, exact roots)", () => {
    fc.assert(fc.property(reserve, fc.oneof(fc.bigInt({ min: 1n, max: 1000000000000n }), fc.bigInt({ min: 1n, max: 1000000000000000000n })), weight, fc.boolean(), (x, dx, q, up) => {
      const w1 = ACC - q;
      const [en, ed] = up ? [q, w1] : [w1, q];
      expect(wasmPow(x, x + dx, en, ed, 256)).toBe(oraclePow(x, x + dx, en, ed, 256));
    }), { numRuns: 400 });
  });

  it("the fast path agrees with the series wherever it answers", () => {
    let fast = 0;
    fc.assert(fc.property(reserve, fc.bigInt({ min: 1n, max: 10000000000n }), weight, (x, dx, q) => {
      const a = wasmPow(x, x + dx, q, ACC - q, 256);
      const tookFast = ((w.swPowFlags!() as number) & 4) !== 0;
      // Where the fast path answered, the series must give the same integer (elsewhere the
      // library takes the series or, for small exponent ratios, an exact root).
      if (!tookFast) return;
      fast++;
      expect(wasmPow(x, x + dx, q, ACC - q, 256, true)).toBe(a);
    }), { numRuns: 400 });
    // Small trades against large reserves mostly take the fast path.
    expect(fast).toBeGreaterThan(100);
  });

  it("the fast-path flag belongs to the last call (regression: it stayed set through an exact root)", () => {
    // A small trade against a large reserve, an irreducible exponent ratio: the fast path answers.
    wasmPow(123_456_789_012n, 123_457_776_666n, 300_000_000_000_000_001n, 699_999_999_999_999_999n, 256);
    expect((w.swPowFlags!() as number) & 4).toBe(4);
    // Equal weights reduce to exponent 1/1: the exact root, whose floor the series can miss by
    // one (⌊x·10^18/(x+5)⌋ = x here; the series gives x − 1) — the flag must say so.
    const x = 999_999_999_999_999_995n;
    expect(wasmPow(x, x + 5n, ACC / 2n, ACC / 2n, 256)).toBe(x);
    expect((w.swPowFlags!() as number) & 4).toBe(0);
    expect(wasmPow(x, x + 5n, ACC / 2n, ACC / 2n, 256, true)).toBe(x - 1n);
    expect((w.swPowFlags!() as number) & 4).toBe(0);
    // None and zero base leave it clear too.
    wasmPow(123_456_789_012n, 123_457_776_666n, 300_000_000_000_000_001n, 699_999_999_999_999_999n, 256);
    expect(wasmPow(5n, 0n, 1n, 3n, 256)).toBe(null);
    expect((w.swPowFlags!() as number) & 4).toBe(0);
  });

  it("edge inputs: None, zero base, zero exponent, u64 limits, precision 1024", () => {
    expect(wasmPow(5n, 0n, 1n, 3n, 256)).toBe(null);
    expect(wasmPow(0n, 5n, 1n, 3n, 256)).toBe(0n);
    expect(wasmPow(5n, 7n, 0n, 3n, 256)).toBe(ACC);
    for (const [bn, bd, en, ed] of [[M64, M64 - 1n, 3n, 7n], [1n, M64, 3n, 13n], [1000000000000n, 1000000000000n + 1n, ACC / 2n + 1n, ACC / 2n - 1n]] as const) {
      expect(wasmPow(bn, bd, en, ed, 256)).toBe(oraclePow(bn, bd, en, ed, 256));
    }
    // An exact root of a large reduced ratio (499/501) needs ~130k-bit integers: refused loudly,
    // never answered wrongly. Pool weights start at 1/2 and move by Perquintill::from_rational
    // of ~10^40-sized numbers, so such ratios do not arise in a simulation.
    expect(() => wasmPow(1n, M64, 499n, 501n, 256)).toThrow(/exponent ratio beyond the supported range/);
    const p = 1n << 63n, p2 = (p * 101n) / 100n;
    expect(wasmPow(p2, p, ACC / 2n + 123n, ACC, 1024)).toBe(oraclePow(p2, p, ACC / 2n + 123n, ACC, 1024));
  });
});

const pool = fc.record({ taoReserve: reserve, alphaReserve: reserve, quoteWeight: weight, feeRate: fc.constantFrom(0n, 33n, 1000n, 10_000n), mechanism: fc.constant(1) });

describe("the pool", () => {
  it("price, payouts and the weight update equal the oracle", () => {
    fc.assert(fc.property(pool, fc.bigInt({ min: 0n, max: 1000000000000000n }), fc.bigInt({ min: 0n, max: 1000000000000000n }), (p: Pool, a, b) => {
      w.swPrice!(p.quoteWeight, p.alphaReserve, p.taoReserve);
      expect((u(w.swPriceHi!()) << 64n) | u(w.swPriceLo!())).toBe(calculatePrice(p.quoteWeight, p.alphaReserve, p.taoReserve));
      expect(u(w.swAlphaOut!(p.quoteWeight, p.taoReserve, p.alphaReserve, a))).toBe(alphaOutForTaoIn(p, a));
      expect(u(w.swTaoOut!(p.quoteWeight, p.taoReserve, p.alphaReserve, b))).toBe(taoOutForAlphaIn(p, b));
      expect(u(w.swWeights!(p.quoteWeight, p.taoReserve, p.alphaReserve, a, b))).toBe(updateWeightsForAddedLiquidity(p.quoteWeight, p.taoReserve, p.alphaReserve, a, b) ?? 0n);
    }), { numRuns: 300 });
  });

  const maxLimit = priceLimitFromRao(MAX_PRICE_RAO), minLimit = priceLimitFromRao(MIN_PRICE_RAO);
  const codes = ["SwapInputTooLarge", "ReservesTooLow", "PriceLimitExceeded", "InsufficientLiquidity"];
  function check(p: Pool, buy: boolean, amount: bigint, limit: bigint, dropFees: boolean): string {
    const got = w.swSwap!(p.taoReserve, p.alphaReserve, p.quoteWeight, p.feeRate, buy ? 1 : 0, amount, ...split(limit), dropFees ? 1 : 0) as number;
    const want = swap(p, buy, amount, limit, dropFees);
    if (typeof want === "string") {
      expect(codes[got - 1]).toBe(want);
      return want;
    }
    expect(got).toBe(0);
    const r = [0, 1, 2, 3, 4].map((k) => u(w.swResult!(k)));
    expect(r).toEqual([want.amountPaidIn, want.amountPaidOut, want.feePaid, want.pool.taoReserve, want.pool.alphaReserve]);
    return "ok";
  }

  it("swaps equal the oracle: fees, limits that stop a trade, every error", () => {
    const seen = new Set<string>();
    fc.assert(fc.property(pool, fc.boolean(), fc.oneof(fc.bigInt({ min: 0n, max: 10000000000000n }), fc.bigInt({ min: 0n, max: M64 })), fc.integer({ min: 0, max: 3 }), fc.boolean(), (p, buy, amount, lk, drop) => {
      const spot = calculatePrice(p.quoteWeight, p.alphaReserve, p.taoReserve);
      const limit = lk === 0 ? (buy ? maxLimit : minLimit) : lk === 1 ? (buy ? spot + spot / 100n : spot - spot / 100n) : lk === 2 ? spot : (buy ? spot + spot / 10000n : spot - spot / 10000n);
      seen.add(check(p, buy, amount, limit, drop));
    }), { numRuns: 300 });
    expect(seen.has("ok") && seen.has("PriceLimitExceeded") && seen.has("SwapInputTooLarge")).toBe(true);
    check({ taoReserve: 1000000000000n, alphaReserve: 999_999n, quoteWeight: ACC / 2n, feeRate: 33n, mechanism: 1 }, true, 1000000000n, maxLimit, false);
  });

  it("docs/economics.md Case 2 and 2b, literally", () => {
    const p: Pool = { taoReserve: 1000000000000n, alphaReserve: 2n * 1000000000000n, quoteWeight: ACC / 2n, feeRate: 33n, mechanism: 1 };
    expect(w.swSwap!(p.taoReserve, p.alphaReserve, p.quoteWeight, 33n, 1, 10000000000n, ...split(maxLimit), 0)).toBe(0);
    expect([0, 1, 2, 3, 4].map((k) => u(w.swResult!(k)))).toEqual([9_994_964_523n, 19_792_107_632n, 5_035_477n, 1_009_994_964_523n, 1_980_207_892_368n]);
    expect(w.swSwap!(1_009_994_964_523n, 1_980_207_892_368n, ACC / 2n, 33n, 0, 5n * 1000000000n, ...split(minLimit), 0)).toBe(0);
    expect([0, 1, 2, 3, 4].map((k) => u(w.swResult!(k)))).toEqual([4_997_482_262n, 2_542_523_803n, 2_517_738n, 1_007_452_440_720n, 1_985_205_374_630n]);
    const limit = (51_005n << 64n) / 100_000n;
    expect(w.swSwap!(1000000000000n, 2n * 1000000000000n, ACC / 2n, 33n, 1, 2n * 10000000000n, ...split(limit), 0)).toBe(0);
    expect([0, 1, 2].map((k) => u(w.swResult!(k)))).toEqual([9_999_999_999n, 19_801_980_196n, 5_038_014n]);
  });
});
