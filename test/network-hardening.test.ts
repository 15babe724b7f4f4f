// Hardening of the network simulator: share schedules across call boundaries, snapshots as
// validated input, and process hygiene of run() (throwing callbacks, concurrent calls, threads).
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createPool, Network, NetworkBusyError, NetworkClosedError, type NetworkConfig, type NetworkSnapshot, type ShareSchedule,
} from "../src/index.js";

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
