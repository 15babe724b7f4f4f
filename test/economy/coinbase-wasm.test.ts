// The coinbase kernels in WASM (assembly/coinbase.ts) against the BigInt oracle
// (test/reference/coinbase.ts) on random states, and docs/economics.md Cases 1, 3 and 5.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { engine } from "../../src/wasm.js";
import {
  calculateDividendDistribution, getMovingAlphaPrice, getNetworkRootSellFlag, getShares, getSubnetBlockEmissions, getSubnetTerms,
  getTaoWeight, minerBurned, pendingSplit, rootProportion, updateMovingPrice, applyDelegateTake, updateEmaFlow, getSharesFlow,
  FLOW_EMA_SMOOTHING_FACTOR,
} from "../reference/coinbase.js";

type Fn = (...a: unknown[]) => unknown;
const w = engine() as unknown as Record<string, Fn> & { memory: WebAssembly.Memory; alloc(n: number): number; reset(): void };
const M64 = (1n << 64n) - 1n;
const u = (x: unknown) => BigInt.asUintN(64, x as bigint);
const TAU = getTaoWeight();

function arrays(n: number, k: number): number[] {
  w.reset();
  return Array.from({ length: k }, () => w.alloc(8 * Math.max(1, n)));
}
const put = (p: number, xs: bigint[]) => new BigUint64Array(w.memory.buffer, p, xs.length).set(xs.map((x) => BigInt.asUintN(64, x)));
const putU8 = (p: number, xs: number[]) => new Uint8Array(w.memory.buffer, p, xs.length).set(xs);
const get = (p: number, n: number) => Array.from(new BigUint64Array(w.memory.buffer, p, n));

function wasmShares(ema: bigint[], mech: number[], burned: bigint[]): { shares: bigint[]; sell: boolean } {
  const n = ema.length;
  const [e, m, b, hi, lo] = arrays(n, 5);
  put(e!, ema);
  putU8(m!, mech);
  put(b!, burned);
  const sell = Boolean(w.cbShares!(n, e, m, b, hi, lo));
  const H = get(hi!, n), L = get(lo!, n);
  return { shares: H.map((h, i) => (h << 64n) | L[i]!), sell };
}

const emaRaw = fc.oneof(fc.bigInt({ min: 0n, max: 1n << 32n }), fc.constantFrom(0n, 1n, 1n << 32n, -5n));
const burnedRaw = fc.oneof(fc.bigInt({ min: 0n, max: 1n << 32n }), fc.constantFrom(0n, 1n << 32n, (1n << 32n) + 7n));

describe("coinbase kernels", () => {
  it("getShares and the sell flag equal the oracle (1 … 128 subnets, stable ones, all burned)", () => {
    fc.assert(fc.property(fc.array(fc.tuple(emaRaw, fc.constantFrom(0, 1, 1, 1), burnedRaw), { minLength: 1, maxLength: 128 }), (xs) => {
      const prices = xs.map(([p, m]) => getMovingAlphaPrice(p, m));
      const got = wasmShares(xs.map((x) => x[0]), xs.map((x) => x[1]), xs.map((x) => x[2]));
      expect(got.shares).toEqual(getShares(prices, xs.map((x) => x[2])));
      expect(got.sell).toBe(getNetworkRootSellFlag(prices));
    }), { numRuns: 300 });
  });

  it("getSubnetBlockEmissions equals the oracle, with disabled subnets", () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.bigInt({ min: 0n, max: 1n << 64n }), fc.boolean()), { minLength: 1, maxLength: 64 }), fc.bigInt({ min: 0n, max: 1_000_000_000n }), (xs, e) => {
      const n = xs.length;
      const [hi, lo, en, out] = arrays(n, 4);
      put(hi!, xs.map((x) => x[0] >> 64n));
      put(lo!, xs.map((x) => x[0] & M64));
      putU8(en!, xs.map((x) => (x[1] ? 1 : 0)));
      w.cbBlockEmissions!(n, hi, lo, en, e, out);
      expect(get(out!, n)).toEqual(getSubnetBlockEmissions(xs.map((x) => x[0]), xs.map((x) => x[1]), e));
    }), { numRuns: 300 });
  });

  it("terms, root proportion, the pending split, the moving price, miner burn equal the oracle", () => {
    fc.assert(fc.property(
      fc.bigInt({ min: 0n, max: 1_000_000_000n << 32n }), fc.bigInt({ min: 0n, max: 21_000_000_000_000_000n }),
      fc.oneof(fc.bigInt({ min: 0n, max: 1n << 80n }), fc.constantFrom(0n, 1n, 1n << 64n)), fc.bigInt({ min: 0n, max: 1n << 63n }),
      fc.boolean(), fc.boolean(), fc.bigInt({ min: 0n, max: 1n << 32n }), fc.bigInt({ min: 0n, max: 10_000_000n }), fc.bigInt({ min: 0n, max: 10_000_000n }),
      (t, issuance, spot, rootTao, cutOn, sell, ema, block, first) => {
        const rp = rootProportion(issuance, rootTao, TAU);
        expect(u(w.cbRootProportion!(issuance, rootTao, TAU))).toBe(rp);
        w.cbTerms!(t, issuance, spot >> 64n, spot & M64, rp);
        const terms = getSubnetTerms(t, issuance, spot, rp);
        expect([0, 1, 2, 3].map((k) => u(w.cbTerm!(k)))).toEqual([terms.taoIn, terms.alphaIn, terms.alphaOut, terms.excessTao]);
        w.cbSplit!(terms.alphaOut, rp, cutOn ? 1 : 0, sell ? 1 : 0, 11796n);
        const sp = pendingSplit(terms.alphaOut, rp, cutOn, sell);
        expect([0, 1, 2, 3, 4].map((k) => u(w.cbSplitPart!(k)))).toEqual([sp.alphaCreated, sp.ownerCut, sp.server, sp.validator, sp.root]);
        expect(BigInt.asIntN(64, w.cbMovingPrice!(ema, spot >> 64n, spot & M64, 1, block, first, 201_600n, 12_885n) as bigint))
          .toBe(updateMovingPrice(ema, spot, 1, block, first));
        const inc = [{ incentive: t >> 32n, ownerHotkey: true }, { incentive: issuance >> 20n, ownerHotkey: false }];
        expect(u(w.cbMinerBurned!(t >> 32n, (t >> 32n) + (issuance >> 20n)))).toBe(minerBurned(inc).proportion);
      }), { numRuns: 500 });
  });

  it("the dividend distribution and take equal the oracle", () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.bigInt({ min: 0n, max: 1n << 40n }), fc.bigInt({ min: 0n, max: 1n << 60n }), fc.bigInt({ min: 0n, max: 1n << 60n })), { minLength: 1, maxLength: 64 }),
      fc.bigInt({ min: 0n, max: 1n << 40n }), fc.bigInt({ min: 0n, max: 1n << 40n }), fc.integer({ min: 0, max: 65535 }), (xs, pa, pr, take) => {
        const n = xs.length;
        const [d, a, r, o1, o2, o3, o4] = arrays(n, 7);
        put(d!, xs.map((x) => x[0]));
        put(a!, xs.map((x) => x[1]));
        put(r!, xs.map((x) => x[2]));
        w.cbDividends!(n, d, a, r, pa, pr, TAU, BigInt(take), o1, o2, o3, o4);
        const dist = calculateDividendDistribution(pa, pr, TAU, xs.map((x, i) => ({ hotkey: String(i), dividend: x[0] << 32n, alphaStake: x[1], rootStake: x[2] })));
        const at = get(o1!, n), ar = get(o2!, n), rt = get(o3!, n), rr = get(o4!, n);
        xs.forEach((_, i) => {
          const A = applyDelegateTake(dist.alpha.get(String(i)) ?? 0n, BigInt(take)), R = applyDelegateTake(dist.root.get(String(i)) ?? 0n, BigInt(take));
          expect([at[i], ar[i], rt[i], rr[i]]).toEqual([A.take, A.rest, R.take, R.rest]);
        });
      }), { numRuns: 200 });
  });

  it("docs/economics.md Cases 1, 3 and 5, literally", () => {
    const s = wasmShares([1n << 30n, 7n << 29n], [1, 1], [0n, 1n << 31n]);
    expect(s.shares).toEqual([6_707_906_935_894_382_405n, 11_738_837_137_815_169_210n]);
    expect(s.sell).toBe(true);
    expect(u(w.cbTaoWeight!(971_718_665_099_567_868n))).toBe(226_245_882n);
    expect(u(w.cbRootProportion!(6_000_000_000_000n, 10n ** 15n, 226_245_882n))).toBe(3_855_786_440n);
    w.cbTerms!(1_561_806_289_454_545_454n, 6_000_000_000_000n, 0n, 1n << 62n, 3_855_786_440n);
    expect([0, 1, 3].map((k) => u(w.cbTerm!(k)))).toEqual([963_946_610_000_000_000n, 3_855_786_440_000_000_000n, 597_859_679_454_545_454n]);
    w.cbSplit!(1_000_000_000n << 32n, 3_855_661_739n, 1, 1, 11796n);
    expect([1, 2, 3, 4].map((k) => u(w.cbSplitPart!(k)))).toEqual([179_995_422n, 410_002_288n, 41_936_590n, 368_065_698n]);
    expect(w.cbMovingPrice!(1n << 30n, 0n, 1n << 63n, 1, 1000n, 1n, 201_600n, 12_885n)).toBe(1_073_741_839n);
    expect(w.cbMovingPrice!(1n << 30n, 3n, 0n, 1, 1000n, 1n, 201_600n, 12_885n)).toBe(1_073_741_871n);
    const [d, a, r, o1, o2, o3, o4] = arrays(2, 7);
    put(d!, [600n, 400n]);
    put(a!, [10n ** 12n, 10n ** 12n]);
    put(r!, [0n, 10n ** 13n]);
    w.cbDividends!(2, d, a, r, 1_000_000_000n, 400_000_000n, 226_245_882n, 11796n, o1, o2, o3, o4);
    expect([...get(o1!, 2), ...get(o2!, 2)]).toEqual([125_288_138n, 54_707_283n, 570_774_777n, 249_229_800n]);
    // h1 has no root stake: no root alpha; h2 gets all 4·10^8 (U96F32 1 717 986 918 400 000 000), split by the take.
    expect([get(o3!, 2)[0], get(o4!, 2)[0]]).toEqual([0n, 0n]);
    const t = applyDelegateTake(1_717_986_918_400_000_000n, 11796n);
    expect([get(o3!, 2)[1], get(o4!, 2)[1]]).toEqual([t.take, t.rest]);
    expect(u(w.cbMinerBurned!(300n, 1000n))).toBe(1_288_490_188n);
    expect(u(w.cbMinerBurned!(0n, 0n))).toBe(0n);
  });

  const i128 = (x: bigint) => BigInt.asIntN(128, x);
  const flowVal = fc.oneof(fc.bigInt({ min: -(1n << 100n), max: 1n << 100n }), fc.bigInt({ min: -(1n << 70n), max: 1n << 70n }), fc.constantFrom(0n, 1n, -1n));

  it("the TAO-flow rule: EMA update and shares equal the oracle", () => {
    fc.assert(fc.property(flowVal, fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }), (ema, flow) => {
      const raw = BigInt.asUintN(128, ema);
      w.cbEmaFlow!(raw >> 64n, raw & M64, flow, FLOW_EMA_SMOOTHING_FACTOR);
      expect(i128((u(w.cbFlowHi!()) << 64n) | u(w.cbFlowLo!()))).toBe(updateEmaFlow(ema, flow));
    }), { numRuns: 500 });
    fc.assert(fc.property(fc.array(fc.tuple(flowVal, flowVal), { minLength: 1, maxLength: 64 }), (xs) => {
      const n = xs.length;
      w.reset();
      const user = w.alloc(16 * n), proto = w.alloc(16 * n), hi = w.alloc(8 * n), lo = w.alloc(8 * n);
      const pairs = (vs: bigint[]) => vs.flatMap((v) => { const r = BigInt.asUintN(128, v); return [r & M64, r >> 64n]; });
      put(user, pairs(xs.map((x) => x[0])));
      put(proto, pairs(xs.map((x) => x[1])));
      w.cbSharesFlow!(n, user, proto, hi, lo);
      const H = get(hi, n), L = get(lo, n);
      expect(H.map((h, i) => (h << 64n) | L[i]!)).toEqual(getSharesFlow(xs.map((x) => x[0]), xs.map((x) => x[1])));
    }), { numRuns: 300 });
  });
});
