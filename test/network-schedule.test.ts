// The stateful epoch schedule (src/network/schedule.ts) against the BigInt oracle's
// `drainSchedule` (test/reference/coinbase.ts) block by block, plus hand-worked cases.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createSchedule, drainSchedule, listEpochs, scheduleFromJson, type ScheduleEntry } from "../src/network/schedule.js";
import { YumaInputError } from "../src/errors.js";
import { drainSchedule as refDrain, initialLastEpochBlock as refInitial, type Schedule } from "./reference/coinbase.js";

const toRef = (s: ScheduleEntry): Schedule => ({
  netuid: s.netuid, tempo: BigInt(s.tempo), lastEpochBlock: BigInt(s.lastEpochBlock),
  pendingEpochAt: BigInt(s.pendingEpochAt), blocksSinceLastStep: BigInt(s.blocksSinceLastStep), consistent: true,
});

describe("epoch schedule", () => {
  it("a lone subnet runs every tempo blocks from its staggered start", () => {
    // netuid 3, tempo 10, created at block 100: LastEpochBlock = 100 − 3 = 97 → 107, 117, 127.
    const s = createSchedule([{ netuid: 3, tempo: 10 }], 100);
    expect(s[0]!.lastEpochBlock).toBe(97);
    expect(listEpochs(s, 100, 130).map((e) => e.block)).toEqual([107, 117, 127]);
  });

  it("at most two per block; the third due subnet is deferred to the next block", () => {
    // Four subnets all due at block 10 (tempo 10, created at 0 with netuids ≡ 0 mod 10).
    const s = createSchedule([{ netuid: 30, tempo: 10 }, { netuid: 10, tempo: 10 }, { netuid: 20, tempo: 10 }, { netuid: 40, tempo: 10 }], 0);
    const ran10 = drainSchedule(s, 10);
    expect(ran10).toEqual([10, 20]);
    expect(s.map((e) => e.pendingEpochAt)).toEqual([0, 0, 11, 11]);
    expect(drainSchedule(s, 11)).toEqual([30, 40]);
    // Deferred subnets keep period 10 from their consumed slot: 30 and 40 next at 21.
    expect(listEpochs(s, 11, 21)).toEqual([{ block: 20, netuid: 10 }, { block: 20, netuid: 20 }, { block: 21, netuid: 30 }, { block: 21, netuid: 40 }]);
  });

  it("tempo 0 never runs", () => {
    const s = createSchedule([{ netuid: 1, tempo: 0 }], 0);
    expect(listEpochs(s, 0, 100_000)).toEqual([]);
  });

  it("equals the oracle block by block on random schedules", () => {
    const entry = fc.record({
      tempo: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 30 })),
      lastEpochBlock: fc.integer({ min: 0, max: 200 }),
      pendingEpochAt: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 220 })),
      blocksSinceLastStep: fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 50_390, max: 50_410 })),
    });
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 10 }), fc.array(entry, { minLength: 10, maxLength: 10 }),
        fc.integer({ min: 150, max: 250 }), fc.integer({ min: 1, max: 3 }), (netuids, entries, start, cap) => {
          const sorted = [...netuids].sort((a, b) => a - b);
          const mine: ScheduleEntry[] = sorted.map((netuid, i) => ({ netuid, ...entries[i]! }));
          let ref = mine.map(toRef);
          for (let b = start; b < start + 120; b++) {
            const ran = drainSchedule(mine, b, cap);
            const r = refDrain(ref, BigInt(b), cap);
            ref = r.subnets;
            expect(ran).toEqual(r.ran);
            expect(mine.map(toRef)).toEqual(ref);
          }
        }),
      { numRuns: 300, seed: 20261205 },
    );
  });

  it("staggers new subnets as the oracle does", () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 4096 }), fc.integer({ min: 0, max: 65535 }), fc.integer({ min: 0, max: 1e9 }), (netuid, tempo, now) => {
      expect(BigInt(createSchedule([{ netuid, tempo }], now)[0]!.lastEpochBlock)).toBe(refInitial(netuid, BigInt(tempo), BigInt(now)));
    }), { numRuns: 500, seed: 7 });
  });

  it("reads a snapshot back, refusing bad fields by name", () => {
    const s = createSchedule([{ netuid: 1, tempo: 360 }, { netuid: 2, tempo: 99 }], 1000);
    expect(scheduleFromJson(JSON.parse(JSON.stringify(s)), "schedule")).toEqual(s);
    const bad: Array<[unknown, string]> = [
      [{}, "schedule"],
      [[{ ...s[0], tempo: -1 }], "schedule[0].tempo"],
      [[{ ...s[0], lastEpochBlock: "5" }], "schedule[0].lastEpochBlock"],
      [[{ ...s[0], valueOf: 1 }], "schedule[0].valueOf"],
      [[s[1], s[0]], "schedule[1].netuid"],
    ];
    for (const [v, field] of bad) {
      let err: unknown;
      try { scheduleFromJson(v, "schedule"); } catch (e) { err = e; }
      expect(err).toBeInstanceOf(YumaInputError);
      expect((err as YumaInputError).field).toBe(field);
    }
  });
});
