// Checks the BigInt coinbase/pool reference (coinbase.ts, swap.ts) against the hand-worked
// cases of docs/economics.md (§ "Hand-worked cases"; every number there was computed with
// separate integer arithmetic, not by this reference), plus properties with fast-check.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  SubnetState, applyDelegateTake, blockEmissionForIssuance, calculateDividendDistribution, drainSchedule,
  getShares, getSharesPriceEma, getSubnetBlockEmissions, getSubnetTerms, getTaoWeight, initialLastEpochBlock,
  minerBurned, pendingSplit, rootProportion, runCoinbaseEmission, shouldRunEpoch, updateEmaFlow, updateMovingPrice,
  Schedule, flowOffsets, epochsDeferredThisBlock, validatorAlphaFor, getSharesFlow,
} from "./coinbase.js";
import {
  ACCURACY, Pool, adjustProtocolLiquidity, calculatePrice, currentAlphaPrice, feeAmount, powRatioScaled,
  priceLimitFromRao, swap, MAX_PRICE_RAO, MIN_PRICE_RAO, perquintillFromRational, updateWeightsForAddedLiquidity,
} from "./swap.js";
import { I32F32, I64F64, fromInt, ln, log2, ONE } from "./fixed.js";

const S32 = 1n << 32n;
const S64 = 1n << 64n;
const HALF_W = ACCURACY / 2n;

function subnet(netuid: number, tao: bigint, alphaIn: bigint, alphaOut: bigint, movingPrice: bigint, minerBurnedRaw = 0n): SubnetState {
  return {
    netuid,
    pool: { taoReserve: tao, alphaReserve: alphaIn, quoteWeight: HALF_W, feeRate: 33n, mechanism: 1 },
    alphaOut, protocolAlpha: 0n, movingPrice, minerBurned: minerBurnedRaw,
    emissionEnabled: true, ownerCutEnabled: true, firstEmissionBlock: 1n, emaPriceHalvingBlocks: 201_600n,
    pendingServer: 0n, pendingValidator: 0n, pendingRoot: 0n, pendingOwner: 0n, protocolFlow: 0n,
  };
}

describe("hand-worked case 1: two subnets, one block", () => {
  const A = subnet(1, 10n ** 12n, 4n * 10n ** 12n, 2n * 10n ** 12n, S32 / 4n);
  const B = subnet(2, 10n ** 13n, 10n ** 13n, 10n ** 13n, (7n * S32) / 8n, S32 / 2n);
  const R = 10n ** 15n;
  const E = 1_000_000_000n;

  it("τ and the shares", () => {
    expect(getTaoWeight()).toBe(226_245_882n);
    const prices = [(S32 / 4n) << 32n, ((7n * S32) / 8n) << 32n];
    expect(getSharesPriceEma(prices)).toEqual([4_099_276_460_824_344_803n, 14_347_467_612_885_206_812n]);
    const sh = getShares(prices, [0n, S32 / 2n]);
    expect(sh).toEqual([6_707_906_935_894_382_405n, 11_738_837_137_815_169_210n]);
    expect(S64 - sh[0]! - sh[1]!).toBe(1n);
    expect(getSubnetBlockEmissions(sh, [true, true], E)).toEqual([1_561_806_289_454_545_454n, 2_733_161_006_545_454_545n]);
  });

  it("terms: A capped by its root proportion, B not", () => {
    expect(blockEmissionForIssuance(6n * 10n ** 12n)).toBe(1_000_000_000n);
    expect(rootProportion(6n * 10n ** 12n, R)).toBe(3_855_786_440n);
    expect(rootProportion(2n * 10n ** 13n, R)).toBe(3_113_033_860n);
    expect(currentAlphaPrice(A.pool)).toBe(S64 / 4n);
    const tA = getSubnetTerms(1_561_806_289_454_545_454n, 6n * 10n ** 12n, S64 / 4n, 3_855_786_440n);
    expect(tA).toEqual({ taoIn: 963_946_610_000_000_000n, alphaIn: 3_855_786_440_000_000_000n, alphaOut: 1_000_000_000n << 32n, excessTao: 597_859_679_454_545_454n });
    const tB = getSubnetTerms(2_733_161_006_545_454_545n, 2n * 10n ** 13n, S64, 3_113_033_860n);
    expect(tB).toEqual({ taoIn: 2_733_161_006_545_454_545n, alphaIn: 2_733_161_006_545_454_545n, alphaOut: 1_000_000_000n << 32n, excessTao: 0n });
  });

  it("injection, buy, pending split", () => {
    const r = runCoinbaseEmission([A, B], E, R);
    expect(r.rootSellFlag).toBe(true);
    const [a, b] = r.perSubnet;
    expect(a!.inject.subnet.pool.quoteWeight).toBe(499_999_999_999_875_028n);
    expect(a!.inject.injectedTao).toBe(224_436_309n);
    expect(a!.inject.injectedAlpha).toBe(897_745_238n);
    expect(a!.inject.excessTao).toBe(139_200_053n);
    expect(a!.inject.boughtAlpha).toBe(556_722_716n);
    expect(a!.subnet.pool.taoReserve).toBe(1_000_363_636_362n);
    expect(a!.subnet.pool.alphaReserve).toBe(4_000_341_022_522n);
    expect(a!.subnet.alphaOut).toBe(2_001_556_722_716n);
    expect(a!.subnet.protocolAlpha).toBe(556_722_716n);
    expect(a!.split).toMatchObject({ alphaCreated: 1_000_000_000n, ownerCut: 179_995_422n, server: 410_002_288n, validator: 41_936_590n, root: 368_065_698n });
    expect(a!.split.raw).toEqual({ ownerCut: 773_074_452_000_000_000n, server: 1_760_946_422_000_000_000n, validator: 180_116_283_885_172_349n, root: 1_580_830_138_114_827_651n });
    expect(currentAlphaPrice(a!.subnet.pool)).toBe(4_612_969_713_514_718_167n);
    expect(b!.inject.subnet.pool.quoteWeight).toBe(HALF_W);
    expect(b!.subnet.pool.taoReserve).toBe(10_000_636_363_636n);
    expect(b!.subnet.pool.alphaReserve).toBe(10_000_636_363_636n);
    expect(b!.subnet.alphaOut).toBe(10_001_000_000_000n);
    expect(b!.split).toMatchObject({ ownerCut: 179_995_422n, server: 410_002_288n, validator: 112_835_353n, root: 297_166_935n });
    expect(b!.subnet.pendingRoot).toBe(297_166_935n);
    expect(currentAlphaPrice(b!.subnet.pool)).toBe(S64);
    expect(r.recycledTao).toBe(2n);
  });
});

describe("hand-worked case 2: a swap with the fee on a w = 1/2 pool", () => {
  const pool: Pool = { taoReserve: 10n ** 12n, alphaReserve: 2n * 10n ** 12n, quoteWeight: HALF_W, feeRate: 33n, mechanism: 1 };
  it("buy 10 TAO, then sell 5 alpha", () => {
    expect(feeAmount(pool, 10_000_000_000n, false)).toBe(5_035_477n);
    const b = swap(pool, true, 10_000_000_000n, priceLimitFromRao(MAX_PRICE_RAO), false);
    if (typeof b === "string") throw new Error(b);
    expect(b.feePaid).toBe(5_035_477n);
    expect(b.amountPaidIn).toBe(9_994_964_523n);
    expect(b.amountPaidOut).toBe(19_792_107_632n);
    expect(b.pool.taoReserve).toBe(1_009_994_964_523n);
    expect(b.pool.alphaReserve).toBe(1_980_207_892_368n);
    expect(currentAlphaPrice(b.pool)).toBe(9_408_667_997_990_561_113n);
    const s = swap(b.pool, false, 5_000_000_000n, priceLimitFromRao(MIN_PRICE_RAO), false);
    if (typeof s === "string") throw new Error(s);
    expect(s.feePaid).toBe(2_517_738n);
    expect(s.amountPaidIn).toBe(4_997_482_262n);
    expect(s.amountPaidOut).toBe(2_542_523_803n);
    expect(s.pool.taoReserve).toBe(1_007_452_440_720n);
    expect(s.pool.alphaReserve).toBe(1_985_205_374_630n);
  });
});

describe("hand-worked case 2b: a buy stopped by its limit price", () => {
  it("20 TAO with limit 0.51005 on y = 1000, x = 2000 (p = 0.5)", () => {
    const pool: Pool = { taoReserve: 10n ** 12n, alphaReserve: 2n * 10n ** 12n, quoteWeight: HALF_W, feeRate: 33n, mechanism: 1 };
    const lim = (51_005n << 128n) / (100_000n << 64n);
    expect(lim).toBe(9_408_761_814_795_556_801n);
    const r = swap(pool, true, 20_000_000_000n, lim, false);
    if (typeof r === "string") throw new Error(r);
    expect(r.amountPaidIn).toBe(9_999_999_999n);
    expect(r.feePaid).toBe(5_038_014n);
    expect(r.amountPaidOut).toBe(19_801_980_196n);
  });
});

describe("hand-worked case 3: one moving-price update", () => {
  it("P = 0.25, spot 0.5, block 1000, first emission block 1", () => {
    expect(updateMovingPrice(1n << 30n, 1n << 63n, 1, 1000n, 1n)).toBe(1_073_741_839n);
    expect(updateMovingPrice(1n << 30n, 3n << 64n, 1, 1000n, 1n)).toBe(1_073_741_871n); // spot capped at 1
  });
});

describe("hand-worked case 4: the epoch schedule", () => {
  const mk = (netuid: number, last: bigint): Schedule => ({ netuid, tempo: 360n, lastEpochBlock: last, pendingEpochAt: 0n, blocksSinceLastStep: 0n, consistent: true });
  it("new subnets start staggered", () => {
    expect([1, 2, 3].map((n) => initialLastEpochBlock(n, 360n, 1000n))).toEqual([999n, 998n, 997n]);
    expect(initialLastEpochBlock(361, 360n, 1000n)).toBe(999n);
  });
  it("three due in one block: two run, the third is deferred one block", () => {
    let s = [mk(1, 1000n), mk(2, 1000n), mk(3, 1000n)];
    s = drainSchedule(s, 1359n).subnets;
    expect(s.map((x) => x.blocksSinceLastStep)).toEqual([1n, 1n, 1n]);
    expect(epochsDeferredThisBlock(s, 1360n)).toEqual([3]);
    const r = drainSchedule(s, 1360n);
    expect(r.ran).toEqual([1, 2]);
    expect(r.deferred).toEqual([3]);
    expect(r.subnets.map((x) => [x.lastEpochBlock, x.pendingEpochAt, x.blocksSinceLastStep])).toEqual([[1360n, 0n, 0n], [1360n, 0n, 0n], [1000n, 1361n, 2n]]);
    const r2 = drainSchedule(r.subnets, 1361n);
    expect(r2.ran).toEqual([3]);
    expect(r2.subnets[2]).toMatchObject({ lastEpochBlock: 1361n, pendingEpochAt: 0n, blocksSinceLastStep: 0n });
    expect(shouldRunEpoch(r2.subnets[0]!, 1719n)).toBe(false);
    expect(shouldRunEpoch(r2.subnets[0]!, 1720n)).toBe(true);
    expect(shouldRunEpoch(r2.subnets[2]!, 1720n)).toBe(false);
  });
  it("an inconsistent subnet consumes its slot without running; tempo 0 never runs; the safety net", () => {
    const r = drainSchedule([{ ...mk(1, 0n), consistent: false }, mk(2, 0n), mk(3, 0n)], 360n);
    expect(r.skipped).toEqual([1]);
    expect(r.ran).toEqual([2, 3]);
    expect(r.subnets[0]).toMatchObject({ lastEpochBlock: 360n, blocksSinceLastStep: 1n });
    expect(shouldRunEpoch({ ...mk(1, 0n), tempo: 0n, pendingEpochAt: 5n }, 10n)).toBe(false);
    expect(shouldRunEpoch({ ...mk(1, 100n), blocksSinceLastStep: 50_401n }, 101n)).toBe(true);
    expect(shouldRunEpoch({ ...mk(1, 100n), blocksSinceLastStep: 50_400n }, 101n)).toBe(false);
  });
});

describe("hand-worked case 5: dividends root vs alpha, take, miner burn", () => {
  it("two hotkeys, one with root stake", () => {
    const tau = getTaoWeight();
    const r = calculateDividendDistribution(1_000_000_000n, 400_000_000n, tau, [
      { hotkey: "h1", dividend: 600n << 32n, alphaStake: 10n ** 12n, rootStake: 0n },
      { hotkey: "h2", dividend: 400n << 32n, alphaStake: 10n ** 12n, rootStake: 10n ** 13n },
    ]);
    expect(r.alpha.get("h1")).toBe(2_989_567_459_000_000_000n);
    expect(r.alpha.get("h2")).toBe(1_305_399_836_000_000_000n);
    expect(r.root.get("h1")).toBe(0n);
    expect(r.root.get("h2")).toBe(1_717_986_918_400_000_000n);
    expect(applyDelegateTake(r.alpha.get("h1")!)).toEqual({ take: 125_288_138n, rest: 570_774_777n });
    expect(applyDelegateTake(r.alpha.get("h2")!)).toEqual({ take: 54_707_283n, rest: 249_229_800n });
    expect(minerBurned([{ incentive: 300n, ownerHotkey: true }, { incentive: 700n, ownerHotkey: false }]).proportion).toBe(1_288_490_188n);
    expect(minerBurned([]).proportion).toBe(0n);
    expect(validatorAlphaFor(5n, 7n, 0n)).toBe(12n);
    expect(validatorAlphaFor(5n, 7n, 1n)).toBe(7n);
  });
});

describe("reference helpers agree with their libraries' documented examples", () => {
  it("pow_ratio_scaled doc example and exact path", () => {
    expect(powRatioScaled(2n, 3n, 1n, 2n, 0, 1000n)).toBe(816n);
    expect(powRatioScaled(3n, 4n, 5n * 10n ** 17n, 5n * 10n ** 17n, 256, ACCURACY)).toBe(750_000_000_000_000_000n);
    expect(powRatioScaled(0n, 4n, 1n, 3n, 256, ACCURACY)).toBe(0n);
    expect(powRatioScaled(1n, 0n, 1n, 3n, 256, ACCURACY)).toBe(null);
  });
  it("Perquintill::from_rational rounds down, 1 for p > q or q = 0", () => {
    expect(perquintillFromRational(989n, 1000n)).toBe(989_000_000_000_000_000n);
    expect(perquintillFromRational(1n, 3n)).toBe(333_333_333_333_333_333n);
    expect(perquintillFromRational(2n, 1n)).toBe(ACCURACY);
    expect(perquintillFromRational(1n, 0n)).toBe(ACCURACY);
  });
  it("block emission matches the project's fixtures", () => {
    const fx = JSON.parse(readFileSync(join(__dirname, "..", "fixtures", "emission", "block_emission.json"), "utf8"));
    for (const c of fx.cases as Array<{ issuance: string; emission: string }>) expect(blockEmissionForIssuance(BigInt(c.issuance)).toString()).toBe(c.emission);
  });
  it("edge cases are total: zero reserves, zero prices", () => {
    expect(calculatePrice(HALF_W, 0n, 10n)).toBe(0n);
    expect(currentAlphaPrice({ taoReserve: 5n, alphaReserve: 0n, quoteWeight: HALF_W, feeRate: 33n, mechanism: 1 })).toBe(0n);
    expect(currentAlphaPrice({ taoReserve: 5n, alphaReserve: 0n, quoteWeight: HALF_W, feeRate: 33n, mechanism: 0 })).toBe(S64);
    expect(getSubnetTerms(1000n << 32n, 0n, 0n, 0n)).toMatchObject({ alphaIn: 0n, taoIn: 1000n << 32n, excessTao: 0n });
    expect(getSharesPriceEma([0n, 0n])).toEqual([0n, 0n]);
    expect(rootProportion(0n, 0n)).toBe(0n);
    expect(updateWeightsForAddedLiquidity(HALF_W, 0n, 0n, 0n, 0n)).toBe(HALF_W);
    expect(swap({ taoReserve: 10n ** 9n, alphaReserve: 999_999n, quoteWeight: HALF_W, feeRate: 33n, mechanism: 1 }, true, 1000n, S64 << 20n, false)).toBe("ReservesTooLow");
    expect(swap({ taoReserve: 10n, alphaReserve: 10n ** 9n, quoteWeight: HALF_W, feeRate: 33n, mechanism: 1 }, true, 100_000n, S64 << 20n, true)).toBe("SwapInputTooLarge");
  });
  it("substrate-fixed log2 / ln on I32F32", () => {
    expect(log2(2n * ONE)).toBe(ONE);
    expect(log2(ONE)).toBe(0n);
    expect(log2(ONE / 2n)).toBe(-ONE);
    expect(log2(0n)).toBe(null);
    expect(log2(1n)).toBe(null); // 1/2^-32 overflows I32F32
    // LOG2_E kept to 23 fraction bits: ⌊1.4426950408…·2^23⌋ = 12 102 203, ·2^9 in I32F32.
    expect(ln(2n * ONE)).toBe((ONE << 32n) / (12_102_203n << 9n));
    fc.assert(
      fc.property(fc.bigInt({ min: 2n, max: (1n << 63n) - 1n }), (x) => {
        const l = log2(x);
        if (l === null) return; // 1/x overflows for x < 2^-31
        const want = Math.log2(Number(x) / 2 ** 32);
        expect(Math.abs(Number(l) / 2 ** 32 - want)).toBeLessThan(2 ** -28);
      }),
      { seed: 106, numRuns: 300 },
    );
    void I32F32;
  });
  it("the flow EMA and offsets", () => {
    const one = fromInt(I64F64, 1n);
    expect(updateEmaFlow(0n, 0n)).toBe(0n);
    expect(updateEmaFlow(one, 0n) < one).toBe(true);
    // Default TaoFlowCutoff 0: L = max(0, min(S, 0)) = 0, so negative flows just clip to 0.
    expect(flowOffsets([fromInt(I64F64, 3n), fromInt(I64F64, -2n)], [0n, 0n])).toEqual([3n << 64n, 0n]);
    // A cutoff of −5: L = max(−5, −2) = −2, offsets S − L.
    expect(flowOffsets([fromInt(I64F64, 3n), fromInt(I64F64, -2n)], [0n, 0n], true, fromInt(I64F64, -5n))).toEqual([5n << 64n, 0n]);
    // Power normalisation with p = 1: shares ∝ offsets up to I32F32 ln/exp rounding.
    const sh = getSharesFlow([fromInt(I64F64, 3n), fromInt(I64F64, 1n), fromInt(I64F64, -4n)], [0n, 0n, 0n]);
    expect(sh[2]).toBe(0n);
    expect(Math.abs(Number(sh[0]!) / 2 ** 64 - 0.75)).toBeLessThan(1e-6);
    expect(Math.abs(Number(sh[1]!) / 2 ** 64 - 0.25)).toBeLessThan(1e-6);
    expect(getSharesFlow([0n, 0n], [0n, 0n])).toEqual([0n, 0n]);
    // Net flow: protocol EMA (2) scaled by min(Σuser⁺/Σprotocol⁺, 1) = min(3/2, 1) = 1 → 3 − 2 = 1.
    expect(flowOffsets([fromInt(I64F64, 3n)], [fromInt(I64F64, 2n)])).toEqual([1n << 64n]);
  });
});

// ---------------------------------------------------------------- properties

const u = (lo: bigint, hi: bigint) => fc.bigInt({ min: lo, max: hi });
const weight = u(ACCURACY / 5n, (4n * ACCURACY) / 5n);
const reserve = u(10n ** 9n, 10n ** 16n);

describe("properties", () => {
  it("the pool invariant x·y never decreases under swaps with the fee (w = 1/2, exact, up to 1 rao of output)", () => {
    fc.assert(
      fc.property(reserve, reserve, u(1n, 10n ** 13n), fc.boolean(), (y, x, amt, buy) => {
        const pool: Pool = { taoReserve: y, alphaReserve: x, quoteWeight: HALF_W, feeRate: 33n, mechanism: 1 };
        const r = swap(pool, buy, amt, buy ? priceLimitFromRao(MAX_PRICE_RAO) : priceLimitFromRao(MIN_PRICE_RAO), false);
        if (typeof r === "string") return;
        // The power is carried at scale 10^18 and floored, so 1 − e can be high by ~1e-18 and
        // the payout by ≤ ⌈out-reserve·1.1e-18⌉ rao (≤ 1 rao for reserves ≤ 1e16 here):
        // docs/economics.md, "quirks". With that rao given back, x·y never decreases.
        const y2 = r.pool.taoReserve + (buy ? 0n : 1n), x2 = r.pool.alphaReserve + (buy ? 1n : 0n);
        expect(y2 * x2 >= x * y).toBe(true);
      }),
      { seed: 101, numRuns: 200 },
    );
  });
  it("the weighted invariant x^w1·y^w2 does not decrease (general weights, up to 1 rao of pow rounding)", () => {
    fc.assert(
      fc.property(reserve, reserve, weight, u(10n ** 6n, 10n ** 12n), fc.boolean(), (y, x, w, amt, buy) => {
        const pool: Pool = { taoReserve: y, alphaReserve: x, quoteWeight: w, feeRate: 33n, mechanism: 1 };
        const r = swap(pool, buy, amt, buy ? priceLimitFromRao(MAX_PRICE_RAO) : priceLimitFromRao(MIN_PRICE_RAO), false);
        if (typeof r === "string") return;
        // (x'/x)^w1 · (y'/y)^w2 ≥ 1, checked with one extra rao given back to the pool.
        const w1 = Number(ACCURACY - w) / 1e18, w2 = Number(w) / 1e18;
        const x2 = r.pool.alphaReserve + (buy ? 1n : 0n), y2 = r.pool.taoReserve + (buy ? 0n : 1n);
        const lnRatio = w1 * Math.log1p(Number(x2 - x) / Number(x)) + w2 * Math.log1p(Number(y2 - y) / Number(y));
        const mag = w1 * Math.abs(Math.log1p(Number(x2 - x) / Number(x))) + w2 * Math.abs(Math.log1p(Number(y2 - y) / Number(y)));
        expect(lnRatio).toBeGreaterThanOrEqual(-1e-14 * mag - 1e-15); // float noise only
      }),
      { seed: 102, numRuns: 60 },
    );
  });
  it("an injection leaves the spot price unchanged up to the price's own rounding (a few raw units)", () => {
    fc.assert(
      fc.property(reserve, reserve, u(0n, 10n ** 10n), weight, (y, x, dx, w) => {
        const pool: Pool = { taoReserve: y, alphaReserve: x, quoteWeight: w, feeRate: 33n, mechanism: 1 };
        const p0 = currentAlphaPrice(pool);
        // inject at the current price, as the coinbase does: dy = dx · p (floored)
        const dy = (dx * p0) >> 64n;
        const adj = adjustProtocolLiquidity(pool, dy, dx);
        const p1 = currentAlphaPrice({ ...pool, quoteWeight: adj.quoteWeight, taoReserve: y + adj.tao, alphaReserve: x + adj.alpha });
        // The new weight keeps the exact price; what moves is calculate_price's own flooring:
        // y/x floored at 2^-64 (one raw unit, scaled by w1/w2 ≤ 4) and the weight at 10^-18.
        const tol = p0 / 10n ** 16n + 8n;
        expect(p1 - p0 <= tol && p0 - p1 <= tol).toBe(true);
      }),
      { seed: 103, numRuns: 300 },
    );
  });
  it("shares of emitting subnets sum to the block emission up to dust", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(u(0n, S64), u(0n, S32), fc.boolean()), { minLength: 1, maxLength: 12 }), u(0n, 10n ** 9n), (xs, E) => {
        const sh = getShares(xs.map((x) => x[0]), xs.map((x) => x[1]));
        const enabled = xs.map((x) => x[2]);
        const em = getSubnetBlockEmissions(sh, enabled, E);
        const total = em.reduce((a, b) => a + b, 0n);
        expect(total <= E << 32n).toBe(true);
        const anyPositive = xs.some((x, i) => x[0] > 0n && enabled[i]);
        if (anyPositive && (!enabled.some((e) => !e) || sh.some((s, i) => s > 0n && enabled[i]))) {
          // Every share is floored (twice with a renormalisation) at 2^-64 and every T_i at
          // 2^-32 rao; with E < 2^32 that is a few raw U96F32 units per subnet.
          const n = BigInt(xs.length);
          expect((E << 32n) - total <= 5n * n).toBe(true);
        }
      }),
      { seed: 104, numRuns: 300 },
    );
  });
  it("over many blocks: TAO is conserved (reserves + recycled + stranded = Σ E) and every EMA stays in [0, 1]", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(u(10n ** 10n, 10n ** 14n), u(10n ** 10n, 10n ** 14n), u(0n, 10n ** 14n), u(0n, S32)), { minLength: 1, maxLength: 4 }),
        u(0n, 10n ** 16n),
        (xs, rootTao) => {
          let subs = xs.map(([t, a, o, mp], i) => subnet(i + 1, t, a, o, mp));
          const tao0 = subs.reduce((acc, s) => acc + s.pool.taoReserve, 0n);
          let emitted = 0n, recycled = 0n, stranded = 0n;
          for (let block = 100n; block < 112n; block++) {
            const E = blockEmissionForIssuance(0n);
            const r = runCoinbaseEmission(subs, E, rootTao);
            emitted += E;
            recycled += r.recycledTao;
            for (const x of r.perSubnet) stranded += x.inject.spent - x.inject.injectedTao - x.inject.excessTao;
            subs = r.subnets.map((s) => ({ ...s, movingPrice: updateMovingPrice(s.movingPrice, currentAlphaPrice(s.pool), 1, block, s.firstEmissionBlock) }));
            for (const s of subs) expect(s.movingPrice >= 0n && s.movingPrice <= S32).toBe(true);
          }
          const tao1 = subs.reduce((acc, s) => acc + s.pool.taoReserve, 0n);
          expect(tao1 - tao0 + recycled + stranded).toBe(emitted);
        },
      ),
      { seed: 107, numRuns: 25 },
    );
  });
  it("alpha minted = alpha in + alpha out; the split sums exactly to alpha out (raw) and loses ≤ 3 rao to floors", () => {
    fc.assert(
      fc.property(u(10n ** 9n, 10n ** 15n), u(10n ** 9n, 10n ** 15n), u(0n, 10n ** 15n), u(0n, S32), u(0n, 10n ** 16n), fc.boolean(), (tao, alphaIn, alphaOut, mp, rootTao, ownerCut) => {
        const s = { ...subnet(1, tao, alphaIn, alphaOut, mp), ownerCutEnabled: ownerCut };
        const r = runCoinbaseEmission([s, subnet(2, 10n ** 12n, 10n ** 12n, 0n, S32)], 1_000_000_000n, rootTao).perSubnet[0]!;
        const issuanceBefore = alphaIn + alphaOut;
        const issuanceAfter = r.subnet.pool.alphaReserve + r.subnet.alphaOut + r.rootRecycled;
        expect(issuanceAfter - issuanceBefore).toBe(r.inject.injectedAlpha + r.split.alphaCreated);
        const raw = r.split.raw;
        expect(raw.ownerCut + raw.server + raw.validator + raw.root).toBe(r.terms.alphaOut);
        const floors = r.split.ownerCut + r.split.server + r.split.validator + r.split.root;
        expect(r.split.alphaCreated - floors >= 0n && r.split.alphaCreated - floors <= 3n).toBe(true);
        const p = pendingSplit(r.terms.alphaOut, 0n, false, true);
        expect(p.root).toBe(0n);
      }),
      { seed: 105, numRuns: 40 },
    );
  });
});
