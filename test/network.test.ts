import { afterAll, describe, expect, it } from "vitest";
import {
  blockEmission, createPool, NetworkWorkerError, SUBNET_OWNER_CUT, YumaInputError, type NetworkConfig,
} from "../src/index.js";
import { StaticNetwork as Network } from "./helpers/static-network.js";

// Small but varied: different tempos, shares, policies, Yuma variants, an owner uid.
const config: NetworkConfig = {
  seed: 7,
  issuance: "1000000000000",
  defaults: { neurons: 24, validators: 6, tempo: 20, maxAllowedValidators: 6, activityCutoff: 200 },
  subnets: [
    { netuid: 1, share: 3 },
    { netuid: 2, share: 1, tempo: 13, yuma3: false, bondsPenalty: 32767 },
    { netuid: 3, share: 2, liquidAlpha: true, policies: { copier: 1, selfish: 1 } },
    { netuid: 5, share: 1, tempo: 7, ownerUid: 0, stakeMode: "compound", policies: { lazy: 2 } },
    { netuid: 8, share: 0, tempo: 11 },
  ],
};
const BLOCKS = 150;

const sum = (xs: string[]) => xs.reduce((a, x) => a + BigInt(x), 0n);

describe("Network accounting", () => {
  const net = new Network(config);
  const s = net.step(BLOCKS);

  it("mints exactly Σ blockEmission over the blocks", () => {
    let issuance = BigInt(config.issuance!);
    for (let b = 0; b < BLOCKS; b++) issuance += blockEmission(issuance);
    expect(s.issuanceStart).toBe(config.issuance);
    expect(s.issuanceEnd).toBe(issuance.toString());
    expect(s.blocks).toBe(BLOCKS);
  });

  it("accounts for every rao: owner + miners + validators + pending + unallocated = minted", () => {
    const minted = BigInt(s.issuanceEnd) - BigInt(s.issuanceStart);
    const paid = sum(s.subnets.flatMap((x) => [x.owner, x.miners, x.validators, x.pending]));
    expect(paid + BigInt(s.unallocated)).toBe(minted);
    // Dust is dust: under one rao per block and subnet from the split, plus under one rao
    // per uid and output (miner, validator) from each epoch's floors.
    const epochs = s.subnets.reduce((a, x) => a + x.epochs, 0);
    expect(BigInt(s.unallocated) < BigInt(BLOCKS * s.subnets.length + epochs * 2 * 24)).toBe(true);
  });

  it("gives each subnet's owner 11796/65535 of what it distributed, up to rounding", () => {
    for (const x of s.subnets) {
      const total = BigInt(x.owner) + BigInt(x.miners) + BigInt(x.validators);
      if (total === 0n) continue;
      const share = Number(x.owner) / Number(total);
      expect(Math.abs(share - SUBNET_OWNER_CUT / 65535)).toBeLessThan(1e-6);
    }
  });

  it("splits emission between miners and validators roughly evenly", () => {
    const m = sum(s.subnets.map((x) => x.miners)), v = sum(s.subnets.map((x) => x.validators));
    expect(Number(m) / Number(m + v)).toBeGreaterThan(0.3);
    expect(Number(m) / Number(m + v)).toBeLessThan(0.7);
  });

  it("runs epochs exactly on the tempo schedule ((block + netuid + 1) % (tempo + 1) == 0)", () => {
    for (const x of s.subnets) {
      let expected = 0;
      for (let b = 1; b <= BLOCKS; b++) if ((b + x.netuid + 1) % (x.tempo + 1) === 0) expected++;
      expect({ netuid: x.netuid, epochs: x.epochs }).toEqual({ netuid: x.netuid, epochs: expected });
    }
  });

  it("a zero-share subnet receives nothing", () => {
    const z = s.subnets.find((x) => x.netuid === 8)!;
    expect([z.owner, z.miners, z.validators, z.pending]).toEqual(["0", "0", "0", "0"]);
    expect(z.epochs).toBeGreaterThan(0);
  });
});

describe("Network determinism", () => {
  const reference = new Network(config).step(BLOCKS);
  let pool: Awaited<ReturnType<typeof createPool>> | undefined;
  afterAll(async () => {
    await pool?.destroy();
  });

  it("gives the same digest with 1, 2 and 3 worker threads as on the main thread", async () => {
    for (const threads of [1, 2, 3]) {
      const net = new Network(config);
      const s = await net.run({ blocks: BLOCKS, threads });
      await net.close();
      expect({ threads, s }).toEqual({ threads, s: reference });
    }
  });

  it("resumes from a JSON snapshot with the same digest as an uninterrupted run", async () => {
    const a = new Network(config);
    a.step(61);
    const snap = JSON.parse(JSON.stringify(a.snapshot()));
    const b = new Network(snap);
    const s = await b.run({ blocks: BLOCKS - 61, threads: 2 });
    await b.close();
    expect(s).toEqual(reference);
  });

  it("reports monotone progress that ends at the total number of epochs", async () => {
    const net = new Network(config);
    const seen: number[] = [];
    let total = 0;
    await net.run({ blocks: BLOCKS, threads: 2, onProgress: (p) => { seen.push(p.epochsDone); total = p.epochsTotal; } });
    await net.close();
    const epochs = reference.subnets.reduce((a, x) => a + x.epochs, 0);
    expect(total).toBe(epochs);
    expect(seen.length).toBeGreaterThan(0);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThan(seen[i - 1]!);
    expect(seen[seen.length - 1]).toBe(epochs);
  });

  it("fails cleanly when a worker dies, keeps the network as it was, and the pool stays usable", async () => {
    pool = await createPool(2);
    const net = new Network(config);
    // The first epoch block of subnet 3 after block 60.
    const victim = { netuid: 3, block: 0 };
    let block = 61;
    while ((block + 3 + 1) % 21 !== 0) block++;
    victim.block = block;
    const err = await net.run({ blocks: BLOCKS, pool, faultInjection: victim }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(NetworkWorkerError);
    expect((err as NetworkWorkerError).netuid).toBe(3);
    expect((err as NetworkWorkerError).block).toBe(block);
    expect((err as Error).message).toMatch(/subnet 3 at block/);
    expect(net.block).toBe(0);
    // Same network, same pool: completes and matches the reference.
    const s = await net.run({ blocks: BLOCKS, pool });
    expect(s).toEqual(reference);
  });
});

describe("Network share schedule", () => {
  const cfg: NetworkConfig = { seed: 2, defaults: { neurons: 8, validators: 2, tempo: 1000 }, subnets: [{ netuid: 1 }, { netuid: 2 }] };
  const shares = (b: number) => (b <= 50 ? [1, 0] : [0, 1]);

  it("moves emission between subnets exactly at the scheduled block", () => {
    const s = new Network(cfg).step(80, { shares });
    // No epoch runs (tempo 1000): everything is pending, owner cut included.
    expect(s.subnets.map((x) => x.epochs)).toEqual([0, 0]);
    expect(s.subnets.map((x) => x.pending)).toEqual([String(50n * 1_000_000_000n), String(30n * 1_000_000_000n)]);
    expect(s.unallocated).toBe("0");
  });

  it("gives the same result on worker threads", async () => {
    const net = new Network({ ...cfg, defaults: { ...cfg.defaults, tempo: 9 } });
    const s = await net.run({ blocks: 80, threads: 2, shares });
    await net.close();
    expect(s).toEqual(new Network({ ...cfg, defaults: { ...cfg.defaults, tempo: 9 } }).step(80, { shares }));
  });

  it("rejects a malformed schedule with a typed error naming the block", () => {
    const net = new Network(cfg);
    expect(() => net.step(5, { shares: (b) => (b === 3 ? [1] : undefined) })).toThrow(/shares\(3\)/);
    expect(() => net.step(5, { shares: () => [0, 0] })).toThrow(YumaInputError);
    expect(() => net.step(5, { shares: () => [1, -1] })).toThrow(/shares\(1\)\[1\]/);
    // forEach skipped the hole; BigInt(undefined) then threw a TypeError.
    expect(() => net.step(5, { shares: () => [, 1] as number[] })).toThrow(new YumaInputError("shares(1)[0]", "must be given, got a hole (a missing entry of a sparse array)"));
    expect(net.block).toBe(0);
  });
});

describe("Network worker killed from outside", () => {
  it("rejects with NetworkWorkerError, leaves the network unchanged, and the pool runs it again", async () => {
    // Long enough that the kill lands mid-run (progress is polled every 100 ms).
    const cfg: NetworkConfig = { ...config, defaults: { ...config.defaults, neurons: 128, validators: 32, maxAllowedValidators: 32 } };
    const blocks = 4000;
    const pool = await createPool(2);
    try {
      const net = new Network(cfg);
      let killed = false;
      const err = await net
        .run({
          blocks,
          pool,
          onProgress: (p) => {
            if (!killed && p.epochsDone >= 1 && p.epochsDone < p.epochsTotal) {
              killed = true;
              // Some epochs are still to run, so at least one worker is busy: kill them all.
              for (const t of pool.threads) void t.terminate();
            }
          },
        })
        .then(() => null, (e: unknown) => e);
      expect(killed).toBe(true);
      expect(err).toBeInstanceOf(NetworkWorkerError);
      expect((cfg.subnets as Array<{ netuid: number }>).map((x) => x.netuid)).toContain((err as NetworkWorkerError).netuid);
      expect(net.block).toBe(0);
      const again = await net.run({ blocks, pool });
      expect(again).toEqual(new Network(cfg).step(blocks));
    } finally {
      await pool.destroy();
    }
  });
});

describe("Network config errors", () => {
  const bad: Array<[string, unknown, string]> = [
    ["unknown field", { subnets: 2, tempoo: 3 }, "config.tempoo"],
    ["unknown subnet field", { subnets: [{ neuronz: 3 }] }, "config.subnets[0].neuronz"],
    ["negative tempo", { subnets: [{ tempo: -1 }] }, "config.subnets[0].tempo"],
    ["shares summing to 0", { subnets: [{ share: 0 }, { share: 0 }] }, "config.subnets"],
    ["n > 65535", { subnets: [{ neurons: 70000 }] }, "config.subnets[0].neurons"],
    ["validators > n", { subnets: [{ neurons: 10, validators: 11 }] }, "config.subnets[0].validators"],
    ["duplicate netuid", { subnets: [{ netuid: 1 }, { netuid: 1 }] }, "config.subnets[1].netuid"],
    ["policy counts", { subnets: [{ neurons: 10, validators: 4, policies: { lazy: 5 } }] }, "config.subnets[0].policies"],
    ["bad stake", { subnets: [{ validatorStake: "-5" }] }, "config.subnets[0].validatorStake"],
  ];
  for (const [what, cfg, field] of bad) {
    it(`rejects ${what}`, () => {
      let err: unknown;
      try {
        new Network(cfg as NetworkConfig);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(YumaInputError);
      expect((err as YumaInputError).field).toBe(field);
    });
  }
  it("rejects threads < 1 and bad block counts", async () => {
    const net = new Network({ subnets: 1, defaults: { neurons: 4, validators: 2 } });
    await expect(net.run({ blocks: 1, threads: 0 })).rejects.toMatchObject({ field: "threads" });
    expect(() => net.step(-1)).toThrow(YumaInputError);
    expect(() => net.step(1.5)).toThrow(/blocks/);
  });
});
