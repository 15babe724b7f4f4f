// Churn in the network: the burn price against a BigInt transcription of the chain's Q32 /
// U64F64 arithmetic, `get_neuron_to_prune` on hand cases, and days of registrations checked
// block by block for the chain's rules (who may be pruned, what replace_neuron clears, how the
// burn moves), in both economies, with determinism across threads and snapshots.

import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Network, YumaInputError, type DtaoSummary, type NetworkConfig } from "../src/index.js";
import { arrivalsAt, BurnPrice, getNeuronToPrune, planRegistrations, resolveChurn } from "../src/network/churn.js";
import { engine, releaseEngine } from "../src/wasm.js";
import { fromBase64 } from "../src/digest.js";

const U64_MAX = (1n << 64n) - 1n;

// --- oracle: registration.rs / misc.rs @14bc6f9f9 on BigInt
const mulQ32 = (v: bigint, f: bigint) => {
  const x = (v * f) >> 32n;
  return x > U64_MAX ? U64_MAX : x;
};
function powQ32(base: bigint, exp: number): bigint {
  let result = 1n << 32n, factor = base, power = exp;
  while (power > 0) {
    if (power & 1) result = mulQ32(result, factor);
    power >>= 1;
    if (power > 0) factor = mulQ32(factor, factor);
  }
  return result;
}
function decayFactor(halfLife: number): bigint {
  if (halfLife === 0) return 1n << 32n;
  let lo = 0n, hi = 1n << 32n;
  while (lo + 1n < hi) {
    const mid = lo + ((hi - lo) >> 1n);
    if (powQ32(mid, halfLife) > 1n << 31n) hi = mid;
    else lo = mid;
  }
  return lo;
}
/** U64F64 bits of a double ≥ 1 below 2^11: x·2^52 is then an integer (≤ 52 fraction bits). */
const u64f64 = (x: number) => BigInt(x * 2 ** 52) << 12n;
const clamp = (v: bigint, min: bigint, max: bigint) => (v < min ? min : v > max ? max : v);
const decayOracle = (burn: bigint, f: bigint, halfLife: number, block: number, min: bigint, max: bigint) =>
  clamp(halfLife > 0 && block > 1 ? mulQ32(burn, f) : burn, min, max);
const bumpOracle = (burn: bigint, mult: number, min: bigint, max: bigint) => {
  const m = u64f64(mult);
  const v = (burn * (m < 1n << 64n ? 1n << 64n : m)) >> 64n;
  return clamp(v > U64_MAX ? U64_MAX : v, min, max);
};

describe("burn price (assembly/registration.ts)", () => {
  it("decay factor, per-block decay and the ×mult step equal the BigInt transcription", () => {
    const w = engine() as unknown as Record<string, (...a: unknown[]) => unknown>;
    try {
      for (const h of [0, 1, 2, 7, 360, 1000, 36_100]) expect(BigInt.asUintN(64, w.decayFactorQ32!(h) as bigint)).toBe(decayFactor(h));
      fc.assert(fc.property(
        fc.bigInt({ min: 0n, max: U64_MAX }), fc.integer({ min: 0, max: 36_100 }), fc.integer({ min: 0, max: 5 }),
        fc.double({ min: 1, max: 3, noNaN: true }), fc.bigInt({ min: 0n, max: U64_MAX }), fc.bigInt({ min: 0n, max: U64_MAX }),
        (burn, h, block, mult, a, b) => {
          const [min, max] = a < b ? [a, b] : [b, a];
          const c = resolveChurn({ burnHalfLife: h, burnIncreaseMult: mult, minBurn: min.toString(), maxBurn: max.toString() }, "churn", 10)!;
          const p = new BurnPrice(engine(), c);
          expect(p.decay(burn, block, 1)).toBe(decayOracle(burn, decayFactor(h), h, block, min, max));
          expect(p.bump(burn)).toBe(bumpOracle(burn, mult, min, max));
        },
      ), { numRuns: 300 });
    } finally {
      releaseEngine();
    }
  });

  it("halves in BurnHalfLife blocks (to within the Q32 rounding) and steps by 1.26", () => {
    const c = resolveChurn({ minBurn: "0", maxBurn: "1000000000000000" }, "churn", 360)!;
    const p = new BurnPrice(engine(), c);
    const start = 10n ** 12n;
    const half = p.decay(start, 2, 360);
    expect(Number(half) / Number(start)).toBeGreaterThan(0.4999);
    expect(Number(half) / Number(start)).toBeLessThanOrEqual(0.5);
    // 1.26 as a double is 1.2600000000000000088817841970012523233890533447265625.
    expect(p.bump(10n ** 9n)).toBe(1_260_000_000n);
    expect(p.bump(3n)).toBe(3n); // ⌊3.78⌋
    releaseEngine();
  });

  it("planning: rises ×1.26 per registration, decays per block, stops at the registrants' limit; split plans equal one plan", () => {
    const c = resolveChurn({ arrivals: 0.3, maxPrice: "300000000", burn: "100000000", burnHalfLife: 40 }, "churn", 100)!;
    const p = new BurnPrice(engine(), c);
    const f = decayFactor(40);
    const min = BigInt(c.minBurn), max = BigInt(c.maxBurn);
    const whole = planRegistrations(p, c, 7, 3, 100_000_000n, 1000, 1400);
    // Replay the oracle block by block.
    let burn = 100_000_000n;
    const expected: Array<{ block: number; cost: bigint }> = [];
    for (let b = 1001; b <= 1400; b++) {
      burn = decayOracle(burn, f, 40, b, min, max);
      for (let k = 0; k < arrivalsAt(7, 3, b, 0.3); k++) {
        if (burn > 300_000_000n) break;
        expected.push({ block: b, cost: burn });
        burn = bumpOracle(burn, 1.26, min, max);
      }
    }
    expect(whole.registrations).toEqual(expected);
    expect(whole.burn).toBe(burn);
    expect(expected.length).toBeGreaterThan(20);
    // Some arrivals were turned away by the price (it climbs past the limit in bursts).
    let attempted = 0;
    for (let b = 1001; b <= 1400; b++) attempted += arrivalsAt(7, 3, b, 0.3);
    expect(attempted).toBeGreaterThan(expected.length);
    const a = planRegistrations(p, c, 7, 3, 100_000_000n, 1000, 1173);
    const b2 = planRegistrations(p, c, 7, 3, a.burn, 1173, 1400);
    expect([...a.registrations, ...b2.registrations]).toEqual(whole.registrations);
    expect(b2.burn).toBe(whole.burn);
    releaseEngine();
  });

  it("arrivals are Poisson with the configured mean", () => {
    let total = 0;
    for (let b = 0; b < 20_000; b++) total += arrivalsAt(1, 1, b, 0.5);
    expect(total / 20_000).toBeGreaterThan(0.48);
    expect(total / 20_000).toBeLessThan(0.52);
    expect(arrivalsAt(1, 1, 5, 0)).toBe(0);
  });
});

describe("get_neuron_to_prune", () => {
  const view = (emission: number[], registration: number[], extra: Partial<Parameters<typeof getNeuronToPrune>[0]> = {}) => ({
    n: emission.length,
    emission: BigUint64Array.from(emission.map(BigInt)),
    registration: BigUint64Array.from(registration.map(BigInt)),
    ownerUid: null,
    immunityPeriod: 100,
    minNonImmune: 1,
    ...extra,
  });
  it("lowest emission, then earliest registration, then lowest uid, among the non-immune", () => {
    // block 1000: uids registered at ≤ 900 are not immune.
    expect(getNeuronToPrune(view([5, 3, 3, 3, 0], [0, 50, 10, 10, 950]), 1000)).toBe(2);
    expect(getNeuronToPrune(view([5, 3, 3, 2, 0], [0, 50, 10, 10, 950]), 1000)).toBe(3);
  });
  it("the owner is never chosen", () => {
    expect(getNeuronToPrune(view([0, 3, 3], [0, 0, 0], { ownerUid: 0 }), 1000)).toBe(1);
    expect(getNeuronToPrune(view([0], [0], { ownerUid: 0 }), 1000)).toBe(null);
  });
  it("at or below MinNonImmuneUids non-immune uids, the best immune one goes instead", () => {
    // Two non-immune (uids 0, 1), floor 2: not more than the floor, so an immune uid is pruned.
    expect(getNeuronToPrune(view([9, 9, 4, 1], [0, 0, 950, 960], { minNonImmune: 2 }), 1000)).toBe(3);
    expect(getNeuronToPrune(view([9, 9, 4, 1], [0, 0, 950, 960], { minNonImmune: 1 }), 1000)).toBe(0);
    // Immunity is current − registration < period: registered exactly `period` ago is not immune.
    expect(getNeuronToPrune(view([1, 0], [0, 900], { minNonImmune: 0 }), 1000)).toBe(1);
  });
});

// --- days with churn, checked block by block

function decode<T extends ArrayBufferView>(b64: string, C: { new (b: ArrayBuffer): T }): T {
  const bytes = fromBase64(b64);
  return new C(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
}

interface MechView { w: Array<Array<[number, number]>>; b: Array<Array<[number, number]>>; lastUpdate: bigint[] }

function mechViews(sub: Record<string, unknown>): MechView[] {
  const one = (m: Record<string, unknown>): MechView => {
    const rows = (start: string, col: string, val: string) => {
      const s = decode(m[start] as string, Uint32Array), c = decode(m[col] as string, Uint16Array), v = decode(m[val] as string, Uint16Array);
      return Array.from({ length: s.length - 1 }, (_, i) => Array.from({ length: s[i + 1]! - s[i]! }, (_, k) => [c[s[i]! + k]!, v[s[i]! + k]!] as [number, number]));
    };
    return { w: rows("wStart", "wCol", "wVal"), b: rows("bStart", "bCol", "bVal"), lastUpdate: Array.from(decode(m.lastUpdate as string, BigUint64Array)) };
  };
  return [one(sub), ...((sub.mechanisms as Array<Record<string, unknown>> | undefined) ?? []).map(one)];
}

const CHURN = { arrivals: 0.15, maxPrice: "2000000000", immunityPeriod: 60, minNonImmune: 6, noticeDelay: 30, burnHalfLife: 40 };

function churnConfig(economy: "dtao" | "static"): NetworkConfig {
  return {
    economy,
    seed: 11,
    subnets: [
      { netuid: 1, neurons: 16, validators: 3, tempo: 24, ownerUid: 10, churn: CHURN },
      { netuid: 2, neurons: 48, validators: 6, tempo: 30, mechanisms: 2, mechanismSplit: [40000, 25535], churn: { ...CHURN, arrivals: 0.1 } },
      { netuid: 3, neurons: 32, validators: 4, tempo: 20 },
    ],
  };
}

describe.each(["dtao", "static"] as const)("a %s network with churn", (economy) => {
  it("prunes as the chain would, clears what replace_neuron clears, and moves the burn by the chain's rules", () => {
    const net = new Network(churnConfig(economy));
    const cfgs = net.config.subnets.filter((c) => c.churn);
    let regsSeen = 0, checkedSingles = 0, immunePrunes = 0;
    let prev = net.snapshot();
    const initial = cfgs.map((c, k) => net.subnetDetail(c.netuid).registration[0]!);
    for (let step = 0; step < 420; step++) {
      const before = prev;
      net.step(1);
      const after = net.snapshot();
      const block = after.block;
      cfgs.forEach((c, k) => {
        const i = net.config.subnets.indexOf(c);
        const pre = before.subnets[i]!, post = after.subnets[i]!;
        const ch = c.churn!;
        // The burn: decayed this block, then ×1.26 per registration paid in it.
        const f = decayFactor(ch.burnHalfLife);
        let burn = decayOracle(BigInt(pre.burn as string), f, ch.burnHalfLife, block, BigInt(ch.minBurn), BigInt(ch.maxBurn));
        const paid = (post.registrations as number) - (pre.registrations as number);
        for (let r = 0; r < paid; r++) burn = bumpOracle(burn, ch.burnIncreaseMult, BigInt(ch.minBurn), BigInt(ch.maxBurn));
        expect(BigInt(post.burn as string)).toBe(burn);
        regsSeen += paid;
        const regPre = decode(pre.registration as string, BigUint64Array), regPost = decode(post.registration as string, BigUint64Array);
        const emPre = decode(pre.emission as string, BigUint64Array);
        const replaced: number[] = [];
        for (let u = 0; u < regPost.length; u++) if (regPost[u] !== regPre[u]) replaced.push(u);
        expect(replaced.length).toBe((post.prunes as number) - (pre.prunes as number));
        if (c.ownerUid !== null) expect(replaced).not.toContain(c.ownerUid);
        const stake = decode(post.stake as string, BigUint64Array), permit = decode(post.permit as string, Uint8Array);
        const mechs = mechViews(post);
        for (const u of replaced) {
          const at = regPost[u]!;
          expect(at).toBeGreaterThan(initial[k]!);
          expect(at).toBeLessThanOrEqual(BigInt(block));
          expect(stake[u]).toBe(0n);
          expect(permit[u]).toBe(0);
          for (const m of mechs) {
            expect(m.lastUpdate[u]).toBe(at);
            expect(m.w[u]).toEqual([]);
            expect(m.b[u]).toEqual([]);
            // Weights on the new uid are 0 until a validator has noticed it (noticeDelay).
            if (BigInt(block) < at + BigInt(ch.noticeDelay)) for (const row of m.w) for (const [col, v] of row) if (col === u) expect(v).toBe(0);
          }
        }
        // The choice, checked from the state before the step (when no epoch ran in it: an epoch
        // at the registration's block would have set the Emission the choice reads first).
        if (replaced.length === 1 && post.epochs === pre.epochs) {
          // Never the owner; a non-immune uid while more than MinNonImmuneUids are non-immune,
          // the lowest (emission, registration, uid) of its class.
          checkedSingles++;
          const u = replaced[0]!, at = regPost[u]!;
          const immune = (x: number) => at - regPre[x]! < BigInt(ch.immunityPeriod);
          const others = Array.from({ length: regPre.length }, (_, x) => x).filter((x) => x !== c.ownerUid);
          const free = others.filter((x) => !immune(x));
          if (immune(u)) {
            immunePrunes++;
            expect(free.length).toBeLessThanOrEqual(ch.minNonImmune);
          } else expect(free.length).toBeGreaterThan(ch.minNonImmune);
          const key = (x: number) => [emPre[x]!, regPre[x]!, BigInt(x)] as const;
          const less = (a: readonly bigint[], b: readonly bigint[]) => a[0]! !== b[0]! ? a[0]! < b[0]! : a[1]! !== b[1]! ? a[1]! < b[1]! : a[2]! < b[2]!;
          for (const x of others) if (x !== u && immune(x) === immune(u)) expect(less(key(u), key(x))).toBe(true);
        }
      });
      prev = after;
    }
    expect(regsSeen).toBeGreaterThan(40);
    expect(checkedSingles).toBeGreaterThan(30);
    // At the start everyone is past immunity; on the small subnet the registrations soon leave no
    // more than MinNonImmuneUids non-immune uids, and immune ones are pruned.
    expect(immunePrunes).toBeGreaterThan(0);
    expect(immunePrunes).toBeLessThan(checkedSingles);
    const sum = net.summary();
    const s1 = sum.subnets.find((s) => s.netuid === 1)!;
    expect(s1.registrations).toBeGreaterThan(0);
    expect(s1.prunes).toBe(s1.registrations);
    expect(sum.subnets.find((s) => s.netuid === 3)!.registrations).toBeUndefined();
  }, 120_000);

  it("same digest for step(), 1/2/3 threads and a snapshot resume", async () => {
    const cfg = churnConfig(economy);
    const a = new Network(cfg);
    const ref = a.step(900);
    for (const threads of [1, 2, 3]) {
      const n = new Network(cfg);
      const s = await n.run({ blocks: 900, threads });
      await n.close();
      expect(s.digest).toBe(ref.digest);
      expect(s).toEqual(ref);
    }
    const b = new Network(cfg);
    b.step(333);
    const snap = JSON.parse(JSON.stringify(b.snapshot()));
    const c = new Network(snap);
    const s = await c.run({ blocks: 567, threads: 2 });
    await c.close();
    expect(s).toEqual(ref);
  }, 120_000);
});

describe("dtao registrations pay into the pool", () => {
  it("registrationTao is the sum of the burns paid; the pool's TAO grows by it, its alpha shrinks by the alpha burned", () => {
    const cfg = churnConfig("dtao");
    const quiet = structuredClone(cfg);
    (quiet.subnets as Array<Record<string, unknown>>)[0]!.churn = { ...CHURN, arrivals: 0 };
    const n = new Network(cfg);
    const before = n.subnetDetail(1).burn!;
    expect(before).toBe(100_000_000n);
    const s = n.step(200) as DtaoSummary;
    const sub = s.subnets.find((x) => x.netuid === 1)!;
    expect(BigInt(sub.registrationTao!)).toBeGreaterThan(0n);
    expect(sub.registrationSwapsFailed).toBe("0");
    // Replaying the burn planner gives the same total paid.
    const ch = n.config.subnets[0]!.churn!;
    const p = new BurnPrice(engine(), ch);
    const plan = planRegistrations(p, ch, 11, 1, 100_000_000n, n.config.startBlock, n.config.startBlock + 200);
    releaseEngine();
    expect(sub.registrations).toBe(plan.registrations.length);
    expect(BigInt(sub.registrationTao!)).toBe(plan.registrations.reduce((a, r) => a + r.cost, 0n));
  });
});

describe("bad churn and mechanism configs name the field", () => {
  const bad: Array<[unknown, string]> = [
    [{ subnets: [{ churn: { arrivals: -1 } }] }, "config.subnets[0].churn.arrivals"],
    [{ subnets: [{ churn: { arrivals: "1" } }] }, "config.subnets[0].churn.arrivals"],
    [{ subnets: [{ churn: { minBurn: "10", maxBurn: "5" } }] }, "config.subnets[0].churn.minBurn"],
    [{ subnets: [{ churn: { burnHalfLife: 36_101 } }] }, "config.subnets[0].churn.burnHalfLife"],
    [{ subnets: [{ churn: { burnIncreaseMult: 0.9 } }] }, "config.subnets[0].churn.burnIncreaseMult"],
    [{ subnets: [{ churn: { immunityPeriod: 70_000 } }] }, "config.subnets[0].churn.immunityPeriod"],
    [{ subnets: [{ churn: { speed: 1 } }] }, "config.subnets[0].churn.speed"],
    [{ subnets: [{ neurons: 64, mechanisms: 3 }] }, "config.subnets[0].mechanisms"],
    [{ subnets: [{ neurons: 200, mechanisms: 2 }] }, "config.subnets[0].mechanisms"],
    [{ subnets: [{ neurons: 64, mechanisms: 0 }] }, "config.subnets[0].mechanisms"],
    [{ subnets: [{ neurons: 64, mechanisms: 2, mechanismSplit: [1, 2] }] }, "config.subnets[0].mechanismSplit"],
    [{ subnets: [{ neurons: 64, mechanisms: 2, mechanismSplit: [65535] }] }, "config.subnets[0].mechanismSplit"],
    [{ subnets: [{ neurons: 64, mechanisms: 2, mechanismSplit: [65536, -1] }] }, "config.subnets[0].mechanismSplit[0]"],
  ];
  it.each(bad)("%j → %s", (cfg, field) => {
    let err: unknown;
    try {
      new Network(cfg as NetworkConfig);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(YumaInputError);
    expect((err as YumaInputError).field).toBe(field);
  });

  it("a snapshot whose churn state was edited is refused with the field named", () => {
    const n = new Network(churnConfig("static"));
    n.step(100);
    const snap = JSON.parse(JSON.stringify(n.snapshot()));
    const edited = structuredClone(snap);
    edited.subnets[0].prunes += 1;
    expect(() => new Network(edited)).toThrow(/snapshot\.subnets\[0\]\.prunes/);
    const burn = structuredClone(snap);
    burn.subnets[0].burn = "1";
    expect(() => new Network(burn)).toThrow(/snapshot\.subnets\[0\]\.burn/);
  });
});

describe("a failing run with churn (several stretches)", () => {
  it("a worker dying in a later stretch leaves the network exactly as before the run", async () => {
    const cfg = churnConfig("dtao");
    const n = new Network(cfg);
    n.step(50);
    const before = JSON.stringify(n.snapshot());
    // Stretches are 24 blocks long here (the shortest tempo among the subnets with churn):
    // fail at an epoch at least 70 blocks in, so in the fourth stretch or later.
    const epoch = net4thStretchEpoch(n);
    await expect(n.run({ blocks: 200, threads: 2, faultInjection: { netuid: epoch.netuid, block: epoch.block } })).rejects.toThrow(/worker failed/);
    expect(JSON.stringify(n.snapshot())).toBe(before);
    // And it runs on afterwards exactly as a fresh network does.
    const fresh = new Network(cfg);
    fresh.step(50);
    expect((await n.run({ blocks: 200, threads: 2 })).digest).toBe(fresh.step(200).digest);
    await n.close();
  });
});

/** An epoch block of netuid 1 at least 70 blocks after the network's block. */
function net4thStretchEpoch(n: Network): { netuid: number; block: number } {
  const probe = new Network(JSON.parse(JSON.stringify(n.snapshot())));
  let at = probe.block;
  const start = at;
  let epochs = probe.summary().subnets[0]!.epochs;
  while (true) {
    probe.step(1);
    at++;
    const e = probe.summary().subnets[0]!.epochs;
    if (e > epochs && at - start >= 70) return { netuid: 1, block: at };
    epochs = e;
  }
}

describe("stretches with a tempo past MAX_TEMPO", () => {
  it("epochs come every MAX_TEMPO + 1 blocks there; a stretch still holds at most one", () => {
    const n = new Network({ seed: 2, subnets: [{ netuid: 1, neurons: 16, validators: 2, tempo: 60_000, churn: { arrivals: 0.002 } }] });
    const s = n.step(105_000);
    expect(s.subnets[0]!.epochs).toBeGreaterThanOrEqual(2);
    expect(s.subnets[0]!.registrations).toBeGreaterThan(100);
    expect(s.subnets[0]!.prunes).toBe(s.subnets[0]!.registrations);
  }, 120_000);
});

describe("a subnet where get_neuron_to_prune never names a uid", () => {
  it("with at most MinNonImmuneUids uids besides the owner's, every registration is refused: nothing paid, the price only decays", () => {
    for (const [neurons, ownerUid, open] of [[11, 5, false], [11, null, true], [10, null, false], [12, 3, true]] as const) {
      const n = new Network({ seed: 3, subnets: [{ netuid: 1, neurons, validators: 2, tempo: 20, ownerUid, churn: { arrivals: 0.3, minNonImmune: 10 } }] });
      const s = n.step(300) as DtaoSummary;
      const sub = s.subnets[0]!;
      if (open) {
        expect(sub.registrations).toBeGreaterThan(20);
      } else {
        expect(sub.registrations).toBe(0);
        expect(sub.registrationTao).toBe("0");
        // 300 blocks of decay from 0.1 TAO with a 360-block half-life.
        const b = Number(sub.burn);
        expect(b / 1e8).toBeGreaterThan(0.55);
        expect(b / 1e8).toBeLessThan(0.57);
      }
    }
  });
});
