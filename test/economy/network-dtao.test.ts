// The dynamic-TAO network: block by block against the BigInt oracle of the coinbase
// (test/reference/coinbase.ts, swap.ts), the accounting identities of issue #10 on long runs
// with the market on, and determinism across threads, step(), split calls and snapshots.
import { describe, expect, it } from "vitest";
import { Network, NetworkBusyError, NetworkClosedError, NetworkWorkerError, YumaInputError, createPool, type DtaoHistory, type DtaoSummary, type NetworkConfig } from "../../src/index.js";
import { F, FIELDS } from "../../src/economy/layout.js";
import {
  blockEmissionForIssuance, getTaoWeight, runCoinbaseEmission, updateMovingPrice, type SubnetState,
} from "../reference/coinbase.js";
import { currentAlphaPrice } from "../reference/swap.js";

const TAO = 1_000_000_000n;

function economyState(net: Network): { words: BigUint64Array; n: number } {
  const snap = net.snapshot();
  const bytes = Buffer.from(snap.economy!.state, "base64");
  const words = new BigUint64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  return { words, n: words.length / FIELDS };
}

/** Oracle subnet states from the engine's state words. */
function oracleStates(words: BigUint64Array, n: number, netuids: number[]): SubnetState[] {
  const f = (k: number, i: number) => words[k * n + i]!;
  return netuids.map((netuid, i) => ({
    netuid,
    pool: { taoReserve: f(F.F_TAO, i), alphaReserve: f(F.F_ALPHA_IN, i), quoteWeight: f(F.F_WEIGHT, i), feeRate: f(F.F_FEE, i), mechanism: 1 },
    alphaOut: f(F.F_ALPHA_OUT, i),
    protocolAlpha: f(F.F_PROTOCOL, i),
    movingPrice: BigInt.asIntN(64, f(F.F_EMA, i)),
    minerBurned: f(F.F_BURNED, i),
    emissionEnabled: f(F.F_ENABLED, i) === 1n,
    ownerCutEnabled: true,
    firstEmissionBlock: f(F.F_FIRST, i),
    emaPriceHalvingBlocks: f(F.F_HALVING, i),
    pendingServer: f(F.F_P_SERVER, i),
    pendingValidator: f(F.F_P_VALIDATOR, i),
    pendingRoot: f(F.F_P_ROOT, i),
    pendingOwner: f(F.F_P_OWNER, i),
    protocolFlow: 0n,
  }));
}

// Pools chosen so that every path of the block shows up: capped injections with excess buys
// (small root proportion), uncapped ones, a subnet not yet emitting, one with emission off.
function oracleConfig(rootStake: string, prices: number[]): NetworkConfig {
  return {
    seed: 5,
    rootStake,
    market: { enabled: false },
    startBlock: 1_000_000,
    defaults: { neurons: 12, validators: 4, tempo: 360, maxAllowedValidators: 4, validatorStake: "100000000000000" },
    subnets: prices.map((p, i) => ({
      netuid: i + 1,
      pool: { tao: String(BigInt(Math.round(p * 1e6)) * (1000000000n) * BigInt(1 + i) ), alpha: String(1000000000000000n * BigInt(1 + i)) },
      alphaOut: String(3n * 100000000000000n + BigInt(i) * 100000000000000n),
      emaPrice: Math.min(1, p * (0.8 + 0.1 * i)),
      firstEmissionBlock: i === 3 ? 1_000_030 : 900_000 - 1000 * i,
      emissionEnabled: i !== 2,
    })),
  };
}

describe("dtao network: every block equals the BigInt oracle", () => {
  for (const [name, rootStake, prices] of [
    ["small root stake (capped injections, excess buys), Σ EMA > 1", "100000000000000", [0.9, 0.4, 0.05, 0.3]],
    ["large root stake (uncapped), Σ EMA < 1", "900000000000000000", [0.02, 0.1, 0.005, 0.3]],
  ] as const) {
    it(name, () => {
      const cfg = oracleConfig(rootStake, [...prices]);
      const net = new Network(cfg);
      const netuids = net.config.subnets.map((s) => s.netuid);
      const tau = getTaoWeight();
      let issuance = BigInt(net.config.issuance);
      let sawExcess = false, sawCap = false, sawUncapped = false;
      const end = net.block + 60;
      for (let b = net.block + 1; b <= end; b++) {
        const { words, n } = economyState(net);
        const before = oracleStates(words, n, netuids);
        const emitting = before.filter((s) => s.firstEmissionBlock <= BigInt(b));
        const e = blockEmissionForIssuance(issuance);
        const r = runCoinbaseEmission(emitting, e, BigInt(rootStake), tau);
        const expected = new Map(r.subnets.map((s) => [s.netuid, s]));
        for (const p of r.perSubnet) {
          if (p.inject.excessTao > 0n) sawExcess = true;
          if (p.terms.taoIn < p.taoEmission) sawCap = true;
          if (p.taoEmission > 0n && p.terms.excessTao === 0n) sawUncapped = true;
        }
        net.step(1);
        const after = economyState(net);
        const f = (k: number, i: number) => after.words[k * n + i]!;
        before.forEach((s0, i) => {
          const s = expected.get(s0.netuid) ?? s0;
          const ema = expected.has(s0.netuid)
            ? updateMovingPrice(s.movingPrice, currentAlphaPrice(s.pool), 1, BigInt(b), s.firstEmissionBlock, s.emaPriceHalvingBlocks)
            : s.movingPrice;
          const got = {
            tao: f(F.F_TAO, i), alpha: f(F.F_ALPHA_IN, i), out: f(F.F_ALPHA_OUT, i), weight: f(F.F_WEIGHT, i),
            ema: BigInt.asIntN(64, f(F.F_EMA, i)), server: f(F.F_P_SERVER, i), validator: f(F.F_P_VALIDATOR, i),
            root: f(F.F_P_ROOT, i), owner: f(F.F_P_OWNER, i), protocol: f(F.F_PROTOCOL, i),
          };
          expect(got, `block ${b} netuid ${s0.netuid}`).toEqual({
            tao: s.pool.taoReserve, alpha: s.pool.alphaReserve, out: s.alphaOut, weight: s.pool.quoteWeight, ema,
            server: s.pendingServer, validator: s.pendingValidator, root: s.pendingRoot, owner: s.pendingOwner, protocol: s.protocolAlpha,
          });
        });
        issuance += e - r.recycledTao;
        expect(net.issuance).toBe(issuance);
      }
      // The cases exercised what they are named for.
      if (rootStake.length < 16) expect(sawExcess && sawCap).toBe(true);
      else expect(sawUncapped).toBe(true);
    });
  }
});

/** The identities of the JSON contract, in integers. */
function checkIdentities(s: DtaoSummary): void {
  let entered = 0n;
  for (const x of s.subnets) {
    entered += BigInt(x.taoIn) + BigInt(x.excessTao);
    const paid = ["owner", "miners", "validators", "root", "burned", "recycled", "pending"].reduce((a, k) => a + BigInt(x[k as keyof typeof x] as string), 0n);
    expect(paid, `alpha of netuid ${x.netuid}`).toBe(BigInt(x.alphaOut));
    expect(BigInt(x.poolTao) > 0n && BigInt(x.poolAlpha) > 0n).toBe(true);
  }
  expect(entered + BigInt(s.recycled) + BigInt(s.unallocated)).toBe(BigInt(s.minted));
  expect(BigInt(s.issuanceEnd)).toBe(BigInt(s.issuanceStart) + BigInt(s.minted) - BigInt(s.recycled));
}

const longConfig = (rule: "price-ema" | "tao-flow" | "static"): NetworkConfig => ({
  seed: 11,
  shareRule: rule,
  maxEpochsPerBlock: 2,
  market: { interval: 3, yieldStake: "20000000000", noiseStake: "5000000000", noiseTrades: 3 },
  defaults: { neurons: 16, validators: 5, tempo: 40, maxAllowedValidators: 5, activityCutoff: 400, ownerUid: 15 },
  subnets: [
    { netuid: 1, share: 3 },
    { netuid: 2, share: 1, tempo: 23, ownerBurn: "recycle" },
    { netuid: 3, share: 2, liquidAlpha: true, policies: { copier: 1, selfish: 1 } },
    { netuid: 4, share: 1, tempo: 40, yuma3: false },
    { netuid: 6, share: 1, tempo: 41, emissionEnabled: false },
    { netuid: 7, share: 2, tempo: 40 },
  ],
});

describe("dtao network: accounting on long runs with the market on", () => {
  for (const rule of ["price-ema", "tao-flow", "static"] as const) {
    it(`${rule}: 3000 blocks, every identity holds, epochs ran on the capped schedule`, () => {
      const net = new Network(longConfig(rule));
      const s = net.step(3000) as DtaoSummary;
      expect(s.economy).toBe("dtao");
      expect(s.shareRule).toBe(rule);
      checkIdentities(s);
      // Six subnets with tempos near 40 and at most two epochs per block: deferrals happen,
      // yet every subnet runs about 3000/40 epochs.
      for (const x of s.subnets) expect(x.epochs).toBeGreaterThanOrEqual(Math.floor(3000 / (x.tempo + 2)) - 1);
      const shares = s.subnets.map((x) => x.share);
      expect(shares.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1 + 1e-12);
      expect(s.subnets.find((x) => x.netuid === 6)!.share).toBe(0);
      expect(BigInt(s.subnets.find((x) => x.netuid === 6)!.taoIn)).toBe(0n);
    });
  }
});

describe("dtao network: determinism", () => {
  const cfg = longConfig("price-ema");
  const BLOCKS = 400;
  it("same digest and summary for step(), split calls, snapshot/resume and 1, 2, 3 threads", async () => {
    const ref = new Network(cfg).step(BLOCKS) as DtaoSummary;
    const split = new Network(cfg);
    split.step(137);
    const snap = JSON.parse(JSON.stringify(split.snapshot()));
    const resumed = new Network(snap);
    expect(resumed.step(BLOCKS - 137)).toEqual(ref);
    expect(split.step(BLOCKS - 137)).toEqual(ref);
    for (const threads of [1, 2, 3]) {
      const pool = await createPool(threads);
      try {
        const net = new Network(cfg);
        await net.run({ blocks: 200, pool });
        expect(await net.run({ blocks: BLOCKS - 200, pool })).toEqual(ref);
      } finally {
        await pool.destroy();
      }
    }
  });

  it("a killed worker gives NetworkWorkerError and leaves the network unchanged", async () => {
    const pool = await createPool(2);
    try {
      const net = new Network(cfg);
      await net.run({ blocks: 50, pool });
      const before = JSON.stringify(net.snapshot());
      const err = await net.run({ blocks: 300, pool, faultInjection: { netuid: 3, block: findEpoch(net, 3) } }).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(NetworkWorkerError);
      expect(JSON.stringify(net.snapshot())).toBe(before);
      const ref = new Network(cfg);
      ref.step(350);
      expect(await net.run({ blocks: 300, pool })).toEqual(ref.summary());
    } finally {
      await pool.destroy();
    }
  });

  it("a throwing flows hook leaves the network unchanged; a hook moves prices", () => {
    const net = new Network({ ...cfg, market: { enabled: false } });
    const before = JSON.stringify(net.snapshot());
    expect(() => net.step(20, { flows: (b) => (b === net.block + 5 ? ["x"] : undefined) })).toThrow(YumaInputError);
    expect(JSON.stringify(net.snapshot())).toBe(before);
    const quiet = new Network({ ...cfg, market: { enabled: false } }).step(30) as DtaoSummary;
    const buying = new Network({ ...cfg, market: { enabled: false } }).step(30, { flows: () => [100n * TAO, 0, 0, 0, 0, -(50n * TAO)] }) as DtaoSummary;
    expect(buying.subnets[0]!.price).toBeGreaterThan(quiet.subnets[0]!.price);
    expect(buying.subnets[5]!.price).toBeLessThan(quiet.subnets[5]!.price);
    checkIdentities(buying);
  });
});

/** The first epoch block of a subnet after the network's current block. */
function findEpoch(net: Network, netuid: number): number {
  const probe = new Network(JSON.parse(JSON.stringify(net.snapshot())));
  const start = probe.block;
  for (let b = 1; b <= 300; b++) {
    const before = (probe.summary() as DtaoSummary).subnets.find((x) => x.netuid === netuid)!.epochs;
    probe.step(1);
    if ((probe.summary() as DtaoSummary).subnets.find((x) => x.netuid === netuid)!.epochs > before) return start + b;
  }
  throw new Error("no epoch");
}

describe("dtao market: sells go through (regression: a TAO-valued unstake converted to 0 alpha)", () => {
  it("a hook's unstake of 1 TAO sells ⌊1 TAO / spot⌋ alpha and takes about 1 TAO out of the pool", () => {
    const cfg: NetworkConfig = { seed: 3, subnets: 2, market: { enabled: false }, defaults: { neurons: 8, validators: 2, tempo: 50 } };
    const start = new Network(cfg).block;
    const views: Array<{ marketAlpha: number; price: number; poolTao: number }> = [];
    const sold = new Network(cfg);
    sold.step(3, { flows: (b, v) => {
      views.push({ ...v[0]! });
      return b === start + 2 ? [-1_000_000_000n, 0n] : undefined;
    } });
    // Block start+2 sees the state before its own sell; the state after shows in the summary.
    const before = views[1]!;
    const after = (sold.summary() as DtaoSummary).subnets[0]!;
    const held = new Network(cfg).step(3) as DtaoSummary;
    const alphaSold = before.marketAlpha - Number(economyState(sold).words[F.F_MARKET * 2 + 0]!) / 1e9;
    expect(alphaSold).toBeGreaterThan(0);
    expect(Math.abs(alphaSold - 1 / before.price)).toBeLessThan(1e-6 / before.price + 1e-9);
    const taoOut = (Number(BigInt(held.subnets[0]!.poolTao)) - Number(BigInt(after.poolTao))) / 1e9;
    expect(taoOut).toBeGreaterThan(0.99);
    expect(taoOut).toBeLessThanOrEqual(1);
  });

  it("the built-in market sells as well as buys: market alpha falls on some blocks", () => {
    const last = new Map<number, number>();
    let falls = 0, rises = 0;
    new Network({ seed: 8, subnets: 4 }).step(300, { flows: (_b, v) => {
      v.forEach((s) => {
        const prev = last.get(s.netuid);
        if (prev !== undefined && s.marketAlpha < prev) falls++;
        if (prev !== undefined && s.marketAlpha > prev) rises++;
        last.set(s.netuid, s.marketAlpha);
      });
      return undefined;
    } });
    expect(rises).toBeGreaterThan(0);
    expect(falls).toBeGreaterThan(0);
  });
});

describe("dtao hooks and history: misuse is refused, the network left as it was", () => {
  const sub: NetworkConfig = { subnets: [{ netuid: 1, neurons: 8, tempo: 3 }] };

  it("step() from inside step()'s flows hook: NetworkBusyError (regression: it ran and the totals stopped adding up)", () => {
    const net = new Network(sub);
    const start = net.block;
    let k = 0;
    expect(() => net.step(5, { flows: () => { if (k++ === 0) net.step(2); return undefined; } })).toThrow(NetworkBusyError);
    expect(net.block).toBe(start);
    expect(net.step(5)).toEqual(new Network(sub).step(5));
  });

  it("close() from run()'s flows hook cancels the run: NetworkClosedError, the network unchanged (regression: the run resolved)", async () => {
    const net = new Network(sub);
    const start = net.block;
    let closing: Promise<void> | undefined;
    const err = await net.run({ blocks: 10, threads: 1, flows: () => { closing ??= net.close(); return undefined; } }).then(() => null, (e: unknown) => e);
    await closing;
    expect(err).toBeInstanceOf(NetworkClosedError);
    expect(net.block).toBe(start);
    expect(net.step(10)).toEqual(new Network(sub).step(10));
  });

  it("a history is appended to only by its own network (regression: another network's series mixed in, or a TypeError)", () => {
    const h: DtaoHistory = { blocks: [], subnets: [] };
    const a = new Network({ subnets: [{ netuid: 1 }, { netuid: 2 }] });
    a.step(2, { history: h, sampleEvery: 1 });
    a.step(2, { history: h, sampleEvery: 1 }); // a split run appends
    expect(h.blocks).toEqual([1, 2, 3, 4].map((k) => a.block - 4 + k));
    const copy = structuredClone(h);
    const refuse = (net: Network) => {
      try {
        net.step(2, { history: h, sampleEvery: 1 });
      } catch (e) {
        expect(e).toBeInstanceOf(YumaInputError);
        return (e as YumaInputError).field;
      }
      return "accepted";
    };
    expect(refuse(new Network({ subnets: [{ netuid: 5 }, { netuid: 6 }] }))).toBe("options.history.subnets");
    expect(refuse(new Network({ subnets: [{ netuid: 7 }, { netuid: 8 }, { netuid: 9 }] }))).toBe("options.history.subnets");
    expect(refuse(new Network({ subnets: [{ netuid: 1 }, { netuid: 2 }] }))).toBe("options.history.blocks");
    expect(h).toEqual(copy);
  });
});

describe("dtao snapshots are input: amounts and blocks checked against the flows", () => {
  // The market trades and registrations move the pools; the snapshot is taken mid-run.
  const cfg: NetworkConfig = {
    seed: 5, subnets: 3, market: { interval: 1, noiseTrades: 4 },
    defaults: { neurons: 16, validators: 4, tempo: 7, churn: { arrivals: 1 } },
  };
  const net = new Network(cfg);
  net.step(300);
  const good = JSON.parse(JSON.stringify(net.snapshot()));
  const words = (s: { economy: { state: string } }) => {
    const b = Buffer.from(s.economy.state, "base64");
    return new BigUint64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
  };
  const withState = (edit: (w: BigUint64Array) => void) => {
    const s = structuredClone(good);
    const w = words(s);
    edit(w);
    s.economy.state = Buffer.from(w.buffer).toString("base64");
    return s;
  };
  const refusal = (s: unknown) => {
    try {
      new Network(s as NetworkConfig);
    } catch (e) {
      expect(e).toBeInstanceOf(YumaInputError);
      return (e as YumaInputError).field + ": " + (e as YumaInputError).rule;
    }
    return "accepted";
  };

  it("the untouched snapshot (market trades, registrations) resumes and continues like the network", () => {
    const resumed = new Network(structuredClone(good));
    expect(resumed.step(50)).toEqual(net.step(50));
  });

  it("a block far from what was minted is refused at once, before the schedule replay (regression: 10^9 blocks ran out of memory)", () => {
    for (const ahead of [1, 1000, 1_000_000_000]) {
      const s = structuredClone(good);
      s.block += ahead;
      expect(refusal(s)).toMatch(/^snapshot\.block: \d+ blocks after config\.startBlock \d+ mint between/);
    }
  });

  it("a pool TAO reserve off its flows is refused (regression: 2^64 − 1 ran, and injections vanished into the saturated reserve)", () => {
    const n = 3;
    for (const v of [(1n << 64n) - 1n, 0n, 1_000_000n]) {
      expect(refusal(withState((w) => (w[F.F_TAO * n + 1] = v)))).toMatch(/^snapshot\.economy\.state \(subnet 2\): pool TAO \d+ does not match its flows/);
    }
    // The registrations' fees leave a slack of at most the subnet's fees: one rao past it, either way.
    const fees = words(good)[F.T_FEES * n + 0]!;
    expect(fees).toBeGreaterThan(0n);
    const off = (d: bigint) => refusal(withState((w) => (w[F.F_TAO * n + 0] = w[F.F_TAO * n + 0]! + d)));
    expect(off(fees + 1n)).toMatch(/pool TAO/);
    expect(off(-fees - 1n)).toMatch(/pool TAO/);
  });

  it("alpha amounts at 2^63 or more are refused", () => {
    const n = 3;
    for (const [k, name] of [[F.F_ALPHA_IN, "pool alpha"], [F.F_ALPHA_OUT, "alpha out"], [F.F_MARKET, "market alpha"], [F.F_PROTOCOL, "protocol alpha"]] as const) {
      expect(refusal(withState((w) => (w[k * n + 2] = (1n << 64n) - 1n)))).toBe(`snapshot.economy.state (subnet 3): ${name} must be below 2^63 rao, got ${(1n << 64n) - 1n}`);
    }
  });
});

describe("dtao config: bad fields are refused by name", () => {
  const cases: Array<[NetworkConfig, string]> = [
    [{ economy: "dtoa" as never }, "config.economy"],
    [{ shareRule: "flow" as never }, "config.shareRule"],
    [{ economy: "static", shareRule: "price-ema" }, "config.shareRule"],
    [{ economy: "static", subnets: [{ pool: { tao: "1", alpha: "1" } }] }, "config.subnets[0].pool"],
    [{ subnets: [{ pool: { tao: "10" } }] }, "config.subnets[0].pool.tao"],
    [{ subnets: [{ pool: { tao: "1000000000", depth: 1 } as never }] }, "config.subnets[0].pool.depth"],
    [{ subnets: [{ emaPrice: 1.5 }] }, "config.subnets[0].emaPrice"],
    [{ subnets: [{ ownerBurn: "keep" as never }] }, "config.subnets[0].ownerBurn"],
    [{ subnets: [{ stakeMode: "compound" }] }, "config.subnets[0].stakeMode"],
    [{ market: { interval: 0 } }, "config.market.interval"],
    [{ market: { speed: 1 } as never }, "config.market.speed"],
    [{ taoWeight: "-1" }, "config.taoWeight"],
    [{ maxEpochsPerBlock: 0 }, "config.maxEpochsPerBlock"],
  ];
  for (const [c, field] of cases) {
    it(field, () => {
      let err: unknown;
      try {
        new Network(c);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(YumaInputError);
      expect((err as YumaInputError).field).toBe(field);
    });
  }
  it("options of the other economy are refused", () => {
    expect(() => new Network({ subnets: 1, defaults: { neurons: 4, validators: 1 } }).step(1, { shares: () => [1] })).toThrow(/options.shares/);
    expect(() => new Network({ economy: "static", subnets: 1, defaults: { neurons: 4, validators: 1 } }).step(1, { flows: () => undefined })).toThrow(/options.flows/);
  });
});

describe("dtao network: the owner's burn uid", () => {
  const pool = { tao: "100000000000000", alpha: "1000000000000000" };
  const twin = (burn: number, ownerBurn: "burn" | "recycle" = "burn"): NetworkConfig => ({
    seed: 21,
    market: { enabled: false },
    defaults: { neurons: 16, validators: 4, tempo: 30, maxAllowedValidators: 4, pool, alphaOut: "2000000000000000", emaPrice: 0.1, firstEmissionBlock: 6_000_000 },
    // An owner uid is an owner hotkey: whatever incentive reaches it is withheld, so the plain
    // twin has none.
    subnets: [{ netuid: 1 }, burn > 0 ? { netuid: 2, ownerUid: 15, burn, ownerBurn } : { netuid: 2 }],
  });

  it("validators weighting the owner's uid: its incentive is withheld and MinerBurned cuts the subnet's share", () => {
    const plain = new Network(twin(0)).step(200) as DtaoSummary;
    const burning = new Network(twin(0.6)).step(200) as DtaoSummary;
    checkIdentities(burning);
    // Identical twins share equally without a burn.
    expect(plain.subnets[0]!.share).toBeCloseTo(plain.subnets[1]!.share, 12);
    expect(BigInt(plain.subnets[1]!.burned)).toBe(0n);
    // With it, subnet 2 withholds a large part of its miners' alpha and gets a smaller share.
    const b = burning.subnets[1]!;
    expect(BigInt(b.burned)).toBeGreaterThan(0n);
    expect(Number(BigInt(b.burned)) / Number(BigInt(b.burned) + BigInt(b.miners))).toBeGreaterThan(0.3);
    expect(b.share).toBeLessThan(burning.subnets[0]!.share * 0.7);
    // Recycling instead of burning: the same alpha is counted as recycled.
    const recycling = new Network(twin(0.6, "recycle")).step(200) as DtaoSummary;
    checkIdentities(recycling);
    expect(BigInt(recycling.subnets[1]!.burned)).toBe(0n);
    expect(BigInt(recycling.subnets[1]!.recycled)).toBeGreaterThanOrEqual(BigInt(b.burned));
  });

  it("burn needs an owner uid among the miners", () => {
    expect(() => new Network({ subnets: [{ burn: 0.5 }] })).toThrow(/config\.subnets\[0\]\.burn/);
    expect(() => new Network({ subnets: [{ burn: 0.5, ownerUid: 0 }] })).toThrow(/needs an ownerUid among the miners/);
  });
});
