// Hardening of the network simulator: share schedules across call boundaries, snapshots as
// validated input, and process hygiene of run() (throwing callbacks, concurrent calls, threads).
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issuanceAfter } from "../src/network/snapshot.js";
import { engine } from "../src/wasm.js";
import {
  blockEmission, createPool, createResearchPool, NetworkWorkerError, TOTAL_SUPPLY, YumaInputError, NetworkBusyError, NetworkClosedError, type NetworkConfig, type NetworkSnapshot, type ShareSchedule,
} from "../src/index.js";
import { StaticNetwork as Network } from "./helpers/static-network.js";

type Pool = Awaited<ReturnType<typeof createPool>>;

describe("share schedules across calls", () => {
  const cfg: NetworkConfig = { subnets: 2, defaults: { tempo: 360, neurons: 8, validators: 2 } };
  const shares: ShareSchedule = (b) => (b === 5 ? [1, 0] : undefined);
  // Issuance 0: every block mints 1 TAO = 1e9 rao; no epoch runs within 10 blocks at tempo 360,
  // so each subnet's pending (owner cut included) is exactly its part of the emission.
  // Blocks 1–4 and 6–10 use the configured shares [1, 1] (0.5e9 each), block 5 gives 1e9 to subnet 1.
  const expected = ["5500000000", "4500000000"];

  it("undefined means the configured shares per block, in one call", () => {
    const s = new Network(cfg).step(10, { shares });
    expect(s.subnets.map((x) => x.pending)).toEqual(expected);
  });

  it("two step(5) calls end in the same state as one step(10)", () => {
    const one = new Network(cfg);
    const a = one.step(10, { shares });
    const two = new Network(cfg);
    two.step(5, { shares });
    const b = two.step(5, { shares });
    expect(b).toEqual(a);
    expect(b.subnets.map((x) => x.pending)).toEqual(expected);
    expect(two.snapshot()).toEqual(one.snapshot());
  });

  it("run(5) → snapshot → resume → step(5) ends in the same state as step(10)", async () => {
    const net = new Network(cfg);
    await net.run({ blocks: 5, threads: 1, shares });
    await net.close();
    const resumed = new Network(JSON.parse(JSON.stringify(net.snapshot())) as NetworkSnapshot);
    const s = resumed.step(5, { shares });
    expect(s.subnets.map((x) => x.pending)).toEqual(expected);
    expect(s).toEqual(new Network(cfg).step(10, { shares }));
  });
});

describe("any split of a run into calls gives the same result (property)", () => {
  // Three small subnets with different tempos (epochs at different blocks), and a few policies.
  const cfg: NetworkConfig = {
    seed: 3,
    issuance: "123456789",
    defaults: { neurons: 6, validators: 3, maxAllowedValidators: 3, weightsInterval: 2, lazyInterval: 5 },
    subnets: [
      { netuid: 1, tempo: 3, share: 2 },
      { netuid: 4, tempo: 5, policies: { copier: 1, lazy: 1 }, stakeMode: "compound" },
      { netuid: 7, tempo: 2, share: 3, policies: { selfish: 1 } },
    ],
  };
  const BLOCKS = 24;
  let pool: Pool;
  beforeAll(async () => {
    pool = await createPool(2);
  });
  afterAll(async () => {
    await pool.destroy();
  });

  // A schedule: a few blocks with explicit shares, undefined elsewhere (or none at all).
  const schedule = fc.option(
    fc.dictionary(
      fc.integer({ min: 1, max: BLOCKS }).map(String),
      fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 4 }), fc.integer({ min: 1, max: 4 })),
      { maxKeys: 6 },
    ),
    { nil: undefined },
  );
  // A split: call lengths (summing to at most BLOCKS, the rest in a last call), each run with
  // step / run on the pool, optionally followed by a JSON snapshot and a resume.
  const call = fc.record({
    blocks: fc.integer({ min: 0, max: 10 }),
    how: fc.constantFrom("step", "run"),
    resume: fc.boolean(),
  });

  it("same digest, summary and snapshot as one step() over all blocks", async () => {
    await fc.assert(
      fc.asyncProperty(schedule, fc.array(call, { maxLength: 5 }), async (table, calls) => {
        const shares: ShareSchedule | undefined = table ? (b) => table[String(b)] : undefined;
        const reference = new Network(cfg);
        const want = reference.step(BLOCKS, { shares });
        let net = new Network(cfg);
        let left = BLOCKS;
        let last = net.summary();
        // Call lengths are clamped to the blocks left; the remainder goes in a last step().
        const plan = calls.map((c) => {
          const blocks = Math.min(c.blocks, left);
          left -= blocks;
          return { ...c, blocks };
        });
        plan.push({ blocks: left, how: "step", resume: false });
        for (const c of plan) {
          last = c.how === "step" ? net.step(c.blocks, { shares }) : await net.run({ blocks: c.blocks, pool, shares });
          if (c.resume) net = new Network(JSON.parse(JSON.stringify(net.snapshot())) as NetworkSnapshot);
        }
        expect(last.digest).toBe(want.digest);
        expect(last).toEqual(want);
        expect(net.summary()).toEqual(want);
        expect(net.snapshot()).toEqual(reference.snapshot());
      }),
      { numRuns: 40, seed: 0x5ca1e },
    );
  });

  it("also with a network-owned pool of 2 threads", async () => {
    const table: Record<number, number[]> = { 4: [0, 1, 0], 9: [3, 0, 1], 10: [3, 0, 1], 17: [1, 1, 1] };
    const shares: ShareSchedule = (b) => table[b];
    const want = new Network(cfg).step(BLOCKS, { shares });
    const net = new Network(cfg);
    await net.run({ blocks: 9, threads: 2, shares });
    net.step(3, { shares });
    const s = await net.run({ blocks: BLOCKS - 12, threads: 2, shares });
    await net.close();
    expect(s).toEqual(want);
  });
});

// A config whose full run takes minutes (about 1 ms per block on one thread here, so
// 300 000 blocks are minutes even on 2 threads): a run that returns within seconds was stopped.
const heavy: NetworkConfig = {
  seed: 5,
  defaults: { neurons: 256, validators: 64, maxAllowedValidators: 64, tempo: 2, activityCutoff: 200 },
  subnets: 4,
};
const HEAVY_BLOCKS = 300_000;

/** Live worker threads of this process (every Worker announces itself on process "worker"). */
function workerCounter() {
  let live = 0, made = 0;
  const onWorker = (w: import("node:worker_threads").Worker) => {
    live++;
    made++;
    w.once("exit", () => live--);
  };
  process.on("worker", onWorker);
  return {
    get live() { return live; },
    get made() { return made; },
    stop: () => process.off("worker", onWorker),
  };
}

/** Handles of worker threads and their message ports still open in this process. */
const threadHandles = () => process.getActiveResourcesInfo().filter((r) => /Worker|MessagePort/.test(r));

describe("run(): a throwing onProgress", () => {
  it("rejects with that same error, stops the workers, leaves the network unchanged", async () => {
    const pool = await createPool(2);
    try {
      const net = new Network(heavy);
      net.step(30); // some state to keep: epochs, pending, weights
      const before = net.snapshot();
      const boom = new Error("progress callback failed");
      let calls = 0;
      const t0 = Date.now();
      const err = await net
        .run({ blocks: HEAVY_BLOCKS, pool, onProgress: () => { calls++; throw boom; } })
        .then(() => null, (e: unknown) => e);
      const elapsed = Date.now() - t0;
      expect(err).toBe(boom);
      expect(calls).toBe(1);
      // The workers stopped at their next epoch: the run settled long before its 400 000
      // epochs could have run, and nothing is left running or queued on the pool.
      expect(elapsed).toBeLessThan(20_000);
      expect(pool.queueSize).toBe(0);
      expect(pool.idleThreads).toBe(pool.threads.length);
      expect(net.block).toBe(30);
      expect(net.snapshot()).toEqual(before);
      // Same network, same pool: a later run gives what an uninterrupted network gives.
      const reference = new Network(heavy);
      reference.step(30);
      expect(await net.run({ blocks: 40, pool })).toEqual(reference.step(40));
    } finally {
      await pool.destroy();
    }
  });

  it("a throw in the last progress report also leaves the network unchanged", async () => {
    const cfg: NetworkConfig = { subnets: 2, defaults: { neurons: 8, validators: 2, tempo: 3 } };
    const net = new Network(cfg);
    const before = net.snapshot();
    const boom = new Error("late");
    // The run is too short for the 100 ms timer: the only report is the final one.
    const err = await net.run({ blocks: 10, threads: 1, onProgress: () => { throw boom; } }).then(() => null, (e: unknown) => e);
    expect(err).toBe(boom);
    expect(net.snapshot()).toEqual(before);
    expect(await net.run({ blocks: 10, threads: 1 })).toEqual(new Network(cfg).step(10));
    await net.close();
  });
});

describe("run(): a dying worker", () => {
  it("stops the other shards instead of waiting for them, and reports the dead one", async () => {
    const pool = await createPool(2);
    try {
      const net = new Network(heavy);
      const t0 = Date.now();
      // Netuids 1 and 3 share one worker, 2 and 4 the other; netuid 1's first epoch is block 1.
      const err = await net
        .run({ blocks: HEAVY_BLOCKS, pool, faultInjection: { netuid: 1, block: 1 } })
        .then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(NetworkWorkerError);
      expect({ netuid: (err as NetworkWorkerError).netuid, block: (err as NetworkWorkerError).block }).toEqual({ netuid: 1, block: 1 });
      expect(Date.now() - t0).toBeLessThan(20_000);
      expect(pool.queueSize).toBe(0);
      expect(net.block).toBe(0);
      expect(await net.run({ blocks: 12, pool })).toEqual(new Network(heavy).step(12));
    } finally {
      await pool.destroy();
    }
  });
});

describe("run(): calls while a run is in flight", () => {
  const cfg: NetworkConfig = { seed: 9, subnets: 3, defaults: { neurons: 16, validators: 4, tempo: 6 } };

  it("refuses step, run, snapshot and subnetDetail with NetworkBusyError, and all work after it settles", async () => {
    const net = new Network(cfg);
    net.step(4);
    const before = net.snapshot();
    const running = net.run({ blocks: 60, threads: 2 });
    const busy = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e;
      }
      return null;
    };
    for (const [op, f] of [
      ["step", () => net.step(1)],
      ["snapshot", () => net.snapshot()],
      ["subnetDetail", () => net.subnetDetail(1)],
    ] as const) {
      const e = busy(f);
      expect(e).toBeInstanceOf(NetworkBusyError);
      expect((e as NetworkBusyError).operation).toBe(op);
    }
    await expect(net.run({ blocks: 5, threads: 2 })).rejects.toBeInstanceOf(NetworkBusyError);
    // What the running network reports meanwhile is its state before the run.
    expect(net.block).toBe(4);
    const s = await running;
    const reference = new Network(before);
    expect(s).toEqual(reference.step(60));
    expect(net.snapshot()).toEqual(reference.snapshot());
    expect(net.step(3)).toEqual(reference.step(3));
    expect(await net.run({ blocks: 7, threads: 2 })).toEqual(reference.step(7));
    expect(net.subnetDetail(1)).toEqual(reference.subnetDetail(1));
    await net.close();
  });

  it("a refused run does not disturb the one in flight (no 'Unable to deserialize cloned data')", async () => {
    const net = new Network(cfg);
    const [a, b] = await Promise.allSettled([net.run({ blocks: 50, threads: 2 }), net.run({ blocks: 50, threads: 2 })]);
    expect(a.status).toBe("fulfilled");
    expect(b.status).toBe("rejected");
    expect((b as PromiseRejectedResult).reason).toBeInstanceOf(NetworkBusyError);
    expect((a as PromiseFulfilledResult<unknown>).value).toEqual(new Network(cfg).step(50));
    await net.close();
  });
});

describe("step() / run() options are input", () => {
  const cfg: NetworkConfig = { subnets: 2, defaults: { neurons: 4, validators: 1, tempo: 3 } };
  const bad: Array<[string, unknown, string]> = [
    ["run() without options", undefined, "options"],
    ["run(null)", null, "options"],
    ["shares not a function", { blocks: 3, shares: [1, 0] }, "options.shares"],
    ["onProgress not a function", { blocks: 3, onProgress: true }, "options.onProgress"],
    ["pool not a pool", { blocks: 3, pool: {} }, "options.pool"],
    ["a misspelt option (thread)", { blocks: 3, thread: 4 }, "options.thread"],
    ["a step-only typo (sampleevery)", { blocks: 3, sampleevery: 2 }, "options.sampleevery"],
  ];
  for (const [what, options, field] of bad) {
    it(`refuses ${what}: YumaInputError at ${field}, network unchanged`, async () => {
      const net = new Network(cfg);
      const err = await (net.run as (o: unknown) => Promise<unknown>)(options).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(YumaInputError);
      expect((err as YumaInputError).field).toBe(field);
      expect(net.block).toBe(0);
      expect(await net.run({ blocks: 3 })).toEqual(new Network(cfg).step(3));
      await net.close();
    });
  }
  it("refuses step() options that are not an object, or shares that are not a function", () => {
    const net = new Network(cfg);
    const field = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(YumaInputError);
        return (e as YumaInputError).field;
      }
      return null;
    };
    expect(field(() => (net.step as (b: number, o: unknown) => unknown)(3, null))).toBe("options");
    expect(field(() => net.step(3, { shares: 5 as never }))).toBe("options.shares");
    // Unknown keys are refused, run()'s own ones included: step() has no threads or pool.
    expect(field(() => net.step(3, { flow: () => undefined } as never))).toBe("options.flow");
    expect(field(() => net.step(3, { threads: 2 } as never))).toBe("options.threads");
    expect(net.block).toBe(0);
  });
});

describe("pool sizes are input", () => {
  it("createPool / createResearchPool refuse sizes outside 1..=256 by name (regression: piscina TypeErrors, pools of 1.5 or NaN threads, 1e9 exhausted the heap)", async () => {
    for (const bad of [0, -1, 1.5, NaN, 1e9, Infinity, "2", null, 2n]) {
      for (const make of [createPool, createResearchPool]) {
        const err = await make(bad as never).then(async (p) => { await p.destroy(); return null; }, (e: unknown) => e);
        expect(err).toBeInstanceOf(YumaInputError);
        expect((err as YumaInputError).field).toBe("threads");
      }
    }
    const p = await createPool(1);
    expect(p.options.maxThreads).toBe(1);
    await p.destroy();
  });
});

describe("close(): no worker thread outlives it", () => {
  const cfgs = [1, 2, 3].map((seed): NetworkConfig => ({ seed, subnets: 5, defaults: { neurons: 16, validators: 4, tempo: 5 } }));

  it("three concurrent run({threads: 4}), awaited, then closed", async () => {
    const workers = workerCounter();
    try {
      const nets = cfgs.map((c) => new Network(c));
      const out = await Promise.all(nets.map((n) => n.run({ blocks: 40, threads: 4 })));
      await Promise.all(nets.map((n) => n.close()));
      expect(workers.made).toBe(12);
      expect(workers.live).toBe(0);
      expect(threadHandles()).toEqual([]);
      out.forEach((s, i) => expect(s).toEqual(new Network(cfgs[i]!).step(40)));
    } finally {
      workers.stop();
    }
  });

  it("three concurrent run({threads: 4}) closed while in flight: cancelled, unchanged, nothing left", async () => {
    const workers = workerCounter();
    try {
      const nets = cfgs.map((c) => new Network(c));
      const runs = Promise.allSettled(nets.map((n) => n.run({ blocks: 40, threads: 4 })));
      await Promise.all(nets.map((n) => n.close()));
      expect(workers.live).toBe(0);
      const settled = await runs;
      expect(threadHandles()).toEqual([]);
      for (const r of settled) {
        expect(r.status).toBe("rejected");
        expect((r as PromiseRejectedResult).reason).toBeInstanceOf(NetworkClosedError);
      }
      expect(workers.live).toBe(0);
      for (const n of nets) expect(n.block).toBe(0);
      // Closed networks run again (on a new pool), and close again to nothing.
      const again = await Promise.all(nets.map((n) => n.run({ blocks: 20, threads: 2 })));
      await Promise.all(nets.map((n) => n.close()));
      expect(workers.live).toBe(0);
      expect(threadHandles()).toEqual([]);
      again.forEach((s, i) => expect(s).toEqual(new Network(cfgs[i]!).step(20)));
    } finally {
      workers.stop();
    }
  });

  it("close() mid-run on a heavy network stops the workers promptly", async () => {
    const workers = workerCounter();
    try {
      const net = new Network(heavy);
      let closing: Promise<void> | undefined;
      const t0 = Date.now();
      const run = net.run({ blocks: HEAVY_BLOCKS, threads: 2, onProgress: (p) => { if (p.epochsDone > 0) closing ??= net.close(); } });
      const err = await run.then(() => null, (e: unknown) => e);
      await closing;
      expect(err).toBeInstanceOf(NetworkClosedError);
      expect(Date.now() - t0).toBeLessThan(20_000);
      expect(workers.live).toBe(0);
      expect(net.block).toBe(0);
    } finally {
      workers.stop();
    }
  });
});

describe("snapshots are input", () => {
  // Two subnets with epochs, weights and bonds by block 40; subnet 2 compounds its stake.
  const cfg: NetworkConfig = {
    seed: 11,
    issuance: "5000000000",
    startBlock: 100,
    defaults: { neurons: 8, validators: 3, maxAllowedValidators: 3, tempo: 6, weightsInterval: 3 },
    subnets: [{ netuid: 1 }, { netuid: 2, share: 2, stakeMode: "compound", policies: { selfish: 1 } }],
  };
  const net = new Network(cfg);
  net.step(40);
  const good = JSON.parse(JSON.stringify(net.snapshot())) as Record<string, unknown>;
  type Snap = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

  const typed = {
    stake: BigUint64Array, lastUpdate: BigUint64Array, registration: BigUint64Array, permit: Uint8Array,
    wStart: Uint32Array, wCol: Uint16Array, earned: Float64Array,
  } as const;
  /** Decode a state buffer, edit it, encode it back. */
  function edit<K extends keyof typeof typed>(s: Snap, i: number, f: K, fn: (a: InstanceType<(typeof typed)[K]>) => void): void {
    const bytes = Buffer.from(s.subnets[i][f] as string, "base64");
    const a = new typed[f](bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length)) as InstanceType<(typeof typed)[K]>;
    fn(a);
    s.subnets[i][f] = Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("base64");
  }

  it("the untouched snapshot resumes, and matches the network", () => {
    const resumed = new Network(structuredClone(good) as never);
    expect(resumed.snapshot()).toEqual(good);
    expect(resumed.step(20)).toEqual(net.step(20));
  });

  it("snapshot() hands out a copy of the config", () => {
    const n = new Network(cfg);
    const snap = n.snapshot();
    snap.config.subnets[0]!.tempo = 1;
    expect(n.config.subnets[0]!.tempo).toBe(6);
  });

  const cases: Array<[string, (s: Snap) => void, string]> = [
    ["block as a string (500 + 100 would concatenate)", (s) => (s.block = "500"), "snapshot.block"],
    ["block not an integer", (s) => (s.block = 140.5), "snapshot.block"],
    ["block before the start block", (s) => (s.block = 99), "snapshot.block"],
    ["block that the issuance and state disagree with", (s) => (s.block = 500), "snapshot.issuance"],
    ["negative issuance", (s) => (s.issuance = "-5"), "snapshot.issuance"],
    ["hex issuance", (s) => (s.issuance = "0x10"), "snapshot.issuance"],
    ["issuance as a number", (s) => (s.issuance = Number(s.issuance)), "snapshot.issuance"],
    ["issuance off by one rao", (s) => (s.issuance = String(BigInt(s.issuance) + 1n)), "snapshot.issuance"],
    ["splitDust not an integer", (s) => (s.splitDust = "1.5"), "snapshot.splitDust"],
    ["splitDust off by one rao", (s) => (s.splitDust = String(BigInt(s.splitDust) + 1n)), "snapshot.subnets"],
    ["digest not hex", (s) => (s.digest = "zz".repeat(32)), "snapshot.digest"],
    ["digest too short", (s) => (s.digest = (s.digest as string).slice(2)), "snapshot.digest"],
    ["digest missing", (s) => delete s.digest, "snapshot.digest"],
    ["wrong format tag", (s) => (s.format = "yuma-network-snapshot/2"), "snapshot.format"],
    ["format missing", (s) => delete s.format, "snapshot.format"],
    ["unknown field", (s) => (s.extra = 1), "snapshot.extra"],
    ["config missing", (s) => delete s.config, "snapshot.config"],
    ["config not an object", (s) => (s.config = 3), "snapshot.config"],
    ["config with a bad tempo (validated as a fresh config)", (s) => (s.config.subnets[0].tempo = -1), "snapshot.config.subnets[0].tempo"],
    ["config with an unknown field", (s) => (s.config.tempoo = 1), "snapshot.config.tempoo"],
    ["config whose neurons disagree with the state", (s) => (s.config.subnets[0].neurons = 10), "snapshot.subnets[0].n"],
    ["config whose netuid disagrees with the state", (s) => (s.config.subnets[1].netuid = 9), "snapshot.subnets[1].netuid"],
    ["subnets not an array", (s) => (s.subnets = {}), "snapshot.subnets"],
    ["one subnet state missing", (s) => s.subnets.pop(), "snapshot.subnets"],
    ["a subnet state that is null", (s) => (s.subnets[0] = null), "snapshot.subnets[0]"],
    ["unknown state field", (s) => (s.subnets[0].extra = 1), "snapshot.subnets[0].extra"],
    ["state field missing", (s) => delete s.subnets[1].dust, "snapshot.subnets[1].dust"],
    ["n as a string", (s) => (s.subnets[0].n = "8"), "snapshot.subnets[0].n"],
    ["epochs not an integer", (s) => (s.subnets[0].epochs = 1.5), "snapshot.subnets[0].epochs"],
    ["epochs off by one", (s) => (s.subnets[0].epochs += 1), "snapshot.subnets[0].epochs"],
    ["lastEpochBlock as a string", (s) => (s.subnets[1].lastEpochBlock = String(s.subnets[1].lastEpochBlock)), "snapshot.subnets[1].lastEpochBlock"],
    ["negative pending", (s) => (s.subnets[0].pending = "-1"), "snapshot.subnets[0].pending"],
    ["owner not an integer", (s) => (s.subnets[1].owner = 1.5), "snapshot.subnets[1].owner"],
    ["owner off by one rao", (s) => (s.subnets[1].owner = String(BigInt(s.subnets[1].owner) + 1n)), "snapshot.subnets"],
    ["stake summing past 2^63", (s) => edit(s, 1, "stake", (a) => a.fill(1n << 61n)), "snapshot.subnets[1].stake[3]"],
    ["stake not base64", (s) => (s.subnets[0].stake = "!!!!"), "snapshot.subnets[0].stake"],
    ["stake with a wrong length", (s) => (s.subnets[0].stake = Buffer.alloc(7 * 8).toString("base64")), "snapshot.subnets[0].stake"],
    ["stake changed under stakeMode fixed", (s) => edit(s, 0, "stake", (a) => (a[2] = a[2]! + 1n)), "snapshot.subnets[0].stake[2]"],
    ["stake below the configured one under compound", (s) => edit(s, 1, "stake", (a) => (a[0] = 0n)), "snapshot.subnets[1].stake[0]"],
    ["a miner's lastUpdate set", (s) => edit(s, 0, "lastUpdate", (a) => (a[5] = 120n)), "snapshot.subnets[0].lastUpdate[5]"],
    ["a validator's lastUpdate after the last epoch", (s) => edit(s, 0, "lastUpdate", (a) => (a[0] = 10_000n)), "snapshot.subnets[0].lastUpdate[0]"],
    ["registration changed", (s) => edit(s, 0, "registration", (a) => (a[4] = 0n)), "snapshot.subnets[0].registration[4]"],
    ["permit not 0/1", (s) => edit(s, 1, "permit", (a) => (a[6] = 2)), "snapshot.subnets[1].permit[6]"],
    ["weight row offsets decreasing", (s) => edit(s, 0, "wStart", (a) => (a[1] = a[2]! + 1)), "snapshot.subnets[0].wStart[2]"],
    ["weight uid past n", (s) => edit(s, 0, "wCol", (a) => (a[0] = 8)), "snapshot.subnets[0].wCol[0]"],
    ["weight uid twice in a row", (s) => edit(s, 0, "wCol", (a) => (a[1] = a[0]!)), "snapshot.subnets[0].wCol[1]"],
    ["earned not a whole number", (s) => edit(s, 0, "earned", (a) => (a[0] = 0.5)), "snapshot.subnets[0].earned[0]"],
    ["earned NaN", (s) => edit(s, 1, "earned", (a) => (a[3] = NaN)), "snapshot.subnets[1].earned[3]"],
  ];
  for (const [what, corrupt, field] of cases) {
    it(`refuses ${what}: YumaInputError at ${field}`, () => {
      const s = structuredClone(good) as Snap;
      corrupt(s);
      let err: unknown;
      try {
        new Network(s as never);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(YumaInputError);
      expect((err as YumaInputError).field).toBe(field);
    });
  }

  it("any field replaced by any JSON value: YumaInputError or a sound resume, never another error", () => {
    // Every path of the snapshot: its fields, the config's, and every subnet state's.
    const paths: string[][] = [];
    const walk = (v: unknown, path: string[]) => {
      paths.push(path);
      if (typeof v === "object" && v !== null) for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
    };
    walk(good, []);
    fc.assert(
      fc.property(fc.constantFrom(...paths.slice(1)), fc.jsonValue({ maxDepth: 2 }), (path, value) => {
        const s = structuredClone(good) as Snap;
        let o = s;
        for (const k of path.slice(0, -1)) o = o[k];
        o[path[path.length - 1]!] = value;
        let resumed: Network | undefined;
        try {
          resumed = new Network(s as never);
        } catch (e) {
          expect(e).toBeInstanceOf(YumaInputError);
          expect((e as YumaInputError).field.startsWith("snapshot")).toBe(true);
          return;
        }
        if (path[0] !== "config") {
          // A state field is accepted only with a value that means the same (e.g. 5 for "5").
          expect(resumed.snapshot()).toEqual(good);
        } else {
          // A config change the state allows (say kappa) continues as that network: it runs,
          // and its own snapshots resume.
          resumed.step(7);
          const again = resumed.snapshot();
          expect(new Network(again).snapshot()).toEqual(again);
        }
      }),
      { numRuns: 600, seed: 0x5a95 },
    );
  });

  it("resumes across a halving: the issuance check follows the emission schedule", () => {
    // The first halving (near 10.5M TAO): 30 blocks from 10 TAO below it cross it.
    const c: NetworkConfig = { issuance: "10499999990000000", subnets: 1, defaults: { neurons: 4, validators: 1, tempo: 7 } };
    const a = new Network(c);
    a.step(30);
    let issuance = 10_499_999_990_000_000n;
    const minted = new Set<bigint>();
    for (let b = 0; b < 30; b++) {
      const e = blockEmission(issuance);
      minted.add(e);
      issuance += e;
    }
    expect([...minted]).toEqual([1_000_000_000n, 500_000_000n]);
    expect(a.issuance).toBe(issuance);
    const snap = JSON.parse(JSON.stringify(a.snapshot()));
    expect(new Network(snap).issuance).toBe(issuance);
    expect(() => new Network({ ...snap, issuance: String(issuance - 500_000_000n) })).toThrow(YumaInputError);
  });

  it("issuanceAfter (bisection over constant-emission stretches) equals the block-by-block sum", () => {
    const wasm = engine();
    const starts = [0n, 10_499_999_990_000_000n, 10_499_999_999_999_999n, 15_749_999_000_000_000n, 20_999_999_999_000_000n, 21_000_000_000_000_000n];
    for (const start of starts) {
      let issuance = start;
      for (let b = 0; b <= 3000; b++) {
        if (b % 97 === 0 || b < 5) expect({ start, b, i: issuanceAfter(wasm, start, b) }).toEqual({ start, b, i: issuance });
        issuance += blockEmission(issuance);
      }
    }
    // Far past the last halvings (2^53 blocks would overflow u64 if the probes were not
    // bounded): the supply is approached, never passed, and emission ends at 0.
    const end = issuanceAfter(wasm, 0n, Number.MAX_SAFE_INTEGER);
    expect(end <= TOTAL_SUPPLY && end > TOTAL_SUPPLY - 1_000_000_000n).toBe(true);
    expect(blockEmission(end)).toBe(0n);
    // A block count whose first probe, (left − 1) · 1e9 rao, is 1024 mod 2^64: wrapped, it would
    // claim that every block mints 1 TAO.
    const left = 4_394_217_352_542_427;
    expect((BigInt(left - 1) * 1_000_000_000n) % (1n << 64n)).toBe(1024n);
    expect(issuanceAfter(wasm, 0n, left)).toBe(end);
    // Splitting the blocks anywhere gives the same issuance.
    for (const [a, b] of [[1, 2], [10_000_000, 5_000_000], [123_456_789, 987_654_321], [2 ** 40, 2 ** 52]] as const) {
      expect(issuanceAfter(wasm, issuanceAfter(wasm, 0n, a), b)).toBe(issuanceAfter(wasm, 0n, a + b));
    }
  });
});
