// Hardening of the network simulator: share schedules across call boundaries, snapshots as
// validated input, and process hygiene of run() (throwing callbacks, concurrent calls, threads).
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createPool, Network, type NetworkConfig, type NetworkSnapshot, type ShareSchedule,
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
