// WASM memory above 2 GiB and up to the 4 GiB a wasm32 memory can hold: pointers coming out
// of WASM are u32 (not signed i32), the heap neither wraps around nor traps at exactly
// 4 GiB. These tests reserve (not touch) gigabytes of virtual memory: V8 commits WASM pages
// lazily, so the process's resident memory stays small.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { epochOutputHash, epochOutputHashAt, sha256, toHex } from "../src/digest.js";
import { rawToOutputs, runEncoded, runEncodedInPlace } from "../src/epoch.js";
import { outputsToJson, runEpoch, runResearch, runResearchBatch, runResearchFlat, YumaInputError } from "../src/index.js";
import { StaticNetwork as Network } from "./helpers/static-network.js";
import { checkEpochMemory, epochMemoryBytes, MAX_RESEARCH_VALUES, RETAINED_MEMORY_LIMIT, researchMemoryBytes } from "../src/memory.js";
import { encodeResearch, researchHeader } from "../src/research/validate.js";
import { runFlat } from "../src/research/run.js";
import { encodeEpoch, type EncodedEpoch } from "../src/validate.js";
import { engine, instantiate, type YumaExports } from "../src/wasm.js";
import { RESEARCH_IDLE_RELEASE_MS, researchEngine } from "../src/research/wasm.js";
import { makeSubnetArb } from "./differential-arbitraries.js";
import { rng } from "./helpers/rng.js";

const GiB = 2 ** 30;
const fx = (name: string) => JSON.parse(readFileSync(join(__dirname, "fixtures", "epoch", `${name}.json`), "utf8"));

/** The same instance, except that every reset leaves `floor` bytes allocated: every pointer
 *  of the next call lies above `floor` (a seam for a large run without running one). */
function withHeapFloor(wasm: YumaExports, floor: number): YumaExports {
  return { ...wasm, reset() { wasm.reset(); wasm.alloc(floor); } } as YumaExports;
}

describe("pointers above 2 GiB", () => {
  it("an epoch whose heap lies above 2^31 gives the same outputs and hash as a small one", () => {
    const f = fx("rand-n64-yuma3-liquid-bp1");
    const e = encodeEpoch(f.params, f.inputs);
    const small = instantiate();
    const want = rawToOutputs(runEncoded(small, e, true));
    const wantHash = toHex(epochOutputHash(small, runEncoded(small, e, false), 7, 3));

    const big = instantiate();
    const high = withHeapFloor(big, 2.1 * GiB);
    const raw = runEncoded(high, e, true);
    expect(raw.ptr).toBeGreaterThan(2 ** 31);
    expect(rawToOutputs(raw)).toEqual(want);
    // The simulator's path: outputs read in place, hashed with a header allocated after them.
    const out = runEncodedInPlace(high, e, false);
    expect(out).toBeGreaterThan(2 ** 31);
    expect(toHex(epochOutputHashAt(high, out, e.n, 7, 3))).toBe(wantHash);
    expect(toHex(epochOutputHashAt(high, out, e.n, 7, 3, false))).toBe(wantHash);
    // SHA-256 of bytes copied above 2 GiB.
    const bytes = new TextEncoder().encode("abc");
    expect(toHex(sha256(high, bytes))).toBe(toHex(sha256(small, bytes)));
    expect(big.memory.buffer.byteLength).toBeGreaterThan(2 * GiB);
  });

  it("alloc returns unsigned pointers", () => {
    const w = instantiate();
    w.alloc(2.5 * GiB);
    const p = w.alloc(16);
    expect(p).toBeGreaterThan(2.5 * GiB);
    new DataView(w.memory.buffer).setUint32(p, 0xdeadbeef, true);
    expect(new Uint32Array(w.memory.buffer, p, 1)[0]).toBe(0xdeadbeef);
  });
});

describe("the heap at 4 GiB", () => {
  it("a request past 4 GiB traps instead of wrapping around to low addresses", () => {
    const w = instantiate();
    w.alloc(4 * GiB - 64 * 2 ** 20);
    expect(() => w.alloc(128 * 2 ** 20)).toThrow(WebAssembly.RuntimeError);
    expect(() => w.alloc(2 ** 32 - 1)).toThrow(WebAssembly.RuntimeError);
    // The instance stays usable after the trap.
    const f = fx("tiny-n2-yuma3");
    const e = encodeEpoch(f.params, f.inputs);
    expect(rawToOutputs(runEncoded(w, e, false))).toEqual(rawToOutputs(runEncoded(instantiate(), e, false)));
  });

  it("the last pages of a full 4 GiB memory can be allocated", () => {
    const w = instantiate();
    w.alloc(4 * GiB - 2 ** 21);
    expect(w.memory.buffer.byteLength).toBeLessThan(4 * GiB);
    // Up to 16 bytes into the last page: the memory grows to all 65536 pages.
    w.alloc(4 * GiB - 2 ** 16 + 16 - w.heapEnd());
    expect(w.memory.buffer.byteLength).toBe(4 * GiB);
    // Allocations inside the full memory still work, up to its last 16 bytes.
    const b = w.alloc(16);
    expect(b).toBe(4 * GiB - 2 ** 16 + 16);
    const rest = 4 * GiB - 16 - w.heapEnd();
    const c = w.alloc(rest);
    expect(c + rest).toBe(4 * GiB - 16);
    new Uint8Array(w.memory.buffer, c + rest - 1, 1)[0] = 7;
    expect(() => w.alloc(16)).toThrow(WebAssembly.RuntimeError);
  });
});

// ---------------------------------------------------------------------------------------
// The memory bound (src/memory.ts) against the heap's real peak.

/** A subnet of n uids whose first V hold stake, permits and weight and bond rows. */
function denseSubnet(n: number, V: number, o: { yuma3: boolean; liquid: boolean; bp: number; shuffle: boolean; density: number; seed: number }) {
  const r = rng(o.seed);
  const rows = (): Array<Array<[number, number]>> => Array.from({ length: n }, (_, i) => {
    if (i >= V) return [];
    const cols = Array.from({ length: n }, (_, j) => j).filter(() => r() < o.density);
    if (o.shuffle) cols.sort(() => r() - 0.5);
    return cols.map((j): [number, number] => [j, Math.floor(r() * 65536)]);
  });
  return encodeEpoch(
    {
      n, currentBlock: 10_000, tempo: 360, activityCutoff: 5000, kappa: 32767, bondsPenalty: o.bp,
      bondsMovingAverage: 900_000, yuma3: o.yuma3, liquidAlpha: o.liquid, alphaLow: 45875, alphaHigh: 58982,
      alphaSigmoidSteepness: 1000, maxAllowedValidators: n, stakeThreshold: 0, ownerUid: null,
      lastMechanismStepBlock: 9000, raoEmission: 1_000_000_000, commitBlocks: null,
    },
    {
      stake: Array.from({ length: n }, (_, i) => (i < V ? 1000 + i : 0)), lastUpdate: Array(n).fill(9990),
      blockAtRegistration: Array(n).fill(1), validatorPermit: Array.from({ length: n }, (_, i) => i < V),
      weights: rows(), bonds: rows(),
    },
  );
}

describe("the memory bound of an epoch", () => {
  it("covers the heap's peak, within 2x, for every branch of the epoch (Yuma 2/3, liquid alpha, bond penalty, sorted or not, trace)", () => {
    let seed = 1;
    for (const [yuma3, liquid] of [[false, false], [true, false], [true, true]] as const) {
      for (const bp of [0, 32768, 65535]) {
        for (const shuffle of [false, true]) {
          for (const density of [1, 0.3]) {
            const e = denseSubnet(384, 192, { yuma3, liquid, bp, shuffle, density, seed: seed++ });
            for (const trace of [false, true]) {
              const w = instantiate();
              runEncoded(w, e, trace);
              const used = w.heapEnd(), bound = epochMemoryBytes(e, trace);
              const what = JSON.stringify({ yuma3, liquid, bp, shuffle, density, trace, used, bound });
              expect(used, what).toBeLessThanOrEqual(bound);
              // Not loose where the entries dominate (the fixed 1 MiB reserve does not).
              if (density === 1) expect(used, what).toBeGreaterThan(bound * 0.6);
            }
          }
        }
      }
    }
  });

  it("covers the heap's peak where the per-uid vectors dominate (n = 65535, few sparse rows)", () => {
    let seed = 100;
    for (const [yuma3, liquid] of [[false, false], [true, false], [true, true]] as const) {
      for (const shuffle of [false, true]) {
        const e = denseSubnet(65535, 48, { yuma3, liquid, bp: 32768, shuffle, density: 0.004, seed: seed++ });
        for (const trace of [false, true]) {
          const w = instantiate();
          runEncoded(w, e, trace);
          const used = w.heapEnd(), bound = epochMemoryBytes(e, trace);
          expect(used, JSON.stringify({ yuma3, liquid, shuffle, trace, used, bound })).toBeLessThanOrEqual(bound);
        }
      }
    }
  });

  it("covers the heap's peak on the differential test's hard cases (owner, commit-reveal, unsorted and foreign bond rows, short lastUpdate)", () => {
    const w = instantiate();
    fc.assert(
      fc.property(makeSubnetArb(fc.integer({ min: 0, max: 96 })), fc.boolean(), (s, trace) => {
        const e = encodeEpoch(s.params, s.inputs);
        runEncoded(w, e, trace);
        expect(w.heapEnd()).toBeLessThanOrEqual(epochMemoryBytes(e, trace));
      }),
      { numRuns: 150, seed: 7 },
    );
  });
});

// ---------------------------------------------------------------------------------------
// Refusal of what a wasm32 memory cannot hold, and the engine afterwards.

/** n = 65535 with `rows` validators' full, sorted weight rows and no bonds (Yuma 3). */
function fullRows(rows: number, liquidAlpha = false): EncodedEpoch {
  const n = 65535;
  const f = fx("tiny-n2-yuma3");
  const small = encodeEpoch(f.params, f.inputs);
  const start = new Uint32Array(n + 1);
  for (let i = 0; i <= n; i++) start[i] = Math.min(i, rows) * n;
  const col = new Uint16Array(rows * n), val = new Uint16Array(rows * n).fill(65535);
  for (let k = 0; k < col.length; k++) col[k] = k % n;
  return {
    ...small, n, liquidAlpha,
    stake: new BigUint64Array(n).fill(1n), lastUpdate: new BigUint64Array(n).fill(small.currentBlock),
    blockAtRegistration: new BigUint64Array(n), validatorPermit: new Uint8Array(n).fill(1),
    weights: { start, col, val }, bonds: { start: new Uint32Array(n + 1), col: new Uint16Array(0), val: new Uint16Array(0) },
  };
}

describe("inputs beyond 4 GiB of WASM memory", () => {
  const FIXTURE = fx("rand-n64-yuma3-liquid-bp1");
  const expected = FIXTURE.expected;

  it("are refused before anything is allocated, naming the size and the limit; the engine stays usable", () => {
    const e = fullRows(1430, true);
    const w = engine();
    const pages = w.memory.buffer.byteLength;
    let err: unknown;
    try {
      runEncoded(w, e, false);
    } catch (x) {
      err = x;
    }
    expect(err).toBeInstanceOf(YumaInputError);
    const ye = err as YumaInputError;
    expect(ye.field).toBe("inputs.weights");
    expect(ye.rule).toMatch(/^n = 65535 with 93715050 weight and 0 bond entries needs 7\.\d GiB of WASM memory; the limit is 4 GiB$/);
    expect(w.memory.buffer.byteLength).toBe(pages); // nothing was allocated
    // The same engine then runs a normal epoch exactly.
    expect(outputsToJson(runEpoch(FIXTURE.params, FIXTURE.inputs))).toEqual(expected);
  });

  it("the bound follows what the epoch allocates: liquid alpha, trace, and the median's copy of unsorted rows", () => {
    const e = fullRows(1430);
    // Sorted rows, Yuma 3 without liquid alpha: about 36 bytes per weight entry, 3.1 GiB.
    expect(() => checkEpochMemory(e)).not.toThrow();
    expect(epochMemoryBytes(e)).toBeLessThan(3.2 * GiB);
    // Traced (the masked weights and the bonds copied out): refused.
    expect(() => checkEpochMemory(e, true)).toThrow(/needs 4\.\d GiB of WASM memory; the limit is 4 GiB$/);
    // One unsorted row: the median gathers (score, stake) pairs, 16 bytes per entry more.
    [e.weights.col[0], e.weights.col[1]] = [e.weights.col[1]!, e.weights.col[0]!];
    expect(() => checkEpochMemory(e)).toThrow(/needs 4\.\d GiB of WASM memory; the limit is 4 GiB$/);
    expect(() => checkEpochMemory(e, false, "epochs[2]")).toThrow(YumaInputError);
    try { checkEpochMemory(e, false, "epochs[2]"); } catch (x) { expect((x as YumaInputError).field).toBe("epochs[2].weights"); }
  });

  it("a simulated subnet that may not fit is refused when the network is configured", () => {
    let err: unknown;
    try {
      new Network({ subnets: 1, defaults: { neurons: 65535, validators: 1430, maxAllowedValidators: 1430 } });
    } catch (x) {
      err = x;
    }
    expect(err).toBeInstanceOf(YumaInputError);
    expect((err as YumaInputError).field).toBe("config.subnets[0].validators");
    expect((err as YumaInputError).rule).toMatch(/^1430 validators weighting 64105 miners need up to 5\.\d GiB of WASM memory per epoch; the limit is 4 GiB$/);
    // The configuration fits, also with every validator holding a permit (as
    // `yuma simulate --validators` sets it).
    expect(() => new Network({ subnets: 1, defaults: { neurons: 65535, validators: 1024, maxAllowedValidators: 1024 } })).not.toThrow();
  });

  it("yuma simulate refuses it with exit code 2 and one line on stderr", () => {
    const r = spawnSync(process.execPath, [join(__dirname, "..", "dist", "cli.js"), "simulate", "--subnets", "1", "--neurons", "65535", "--validators", "1430", "--blocks", "1"], { encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^yuma: config\.subnets\[0\]\.validators: 1430 validators weighting 64105 miners need up to \d\.\d GiB of WASM memory per epoch; the limit is 4 GiB\n$/);
  });

  it("a research run of 8000 x 8000 is refused before its matrices are read", () => {
    const row = new Array(8000).fill(1);
    const W = new Array(8000).fill(row);
    const S = new Array(8000).fill(1);
    let err: unknown;
    try {
      runResearch({ format: "yuma-research-input/1", version: "YUMA3", epochs: [{ W, S }] });
    } catch (x) {
      err = x;
    }
    expect(err).toBeInstanceOf(YumaInputError);
    expect((err as YumaInputError).field).toBe("epochs[0].W");
    expect((err as YumaInputError).rule).toBe("8000 validators × 8000 servers need 5.2 GiB of WASM memory; the limit is 4 GiB");
    expect(researchMemoryBytes(6000, 6000)).toBeLessThan(4 * GiB);
    // The research engine still runs.
    const out = runResearch({ format: "yuma-research-input/1", version: "YUMA3", epochs: [{ W: [[1, 0], [0, 1]], S: [3, 1] }] });
    expect(out.epochs[0]!.incentive).toEqual([1, 0]); // consensus [1, 0]: 3/4 of the stake on server 0
  });
});

describe("research outputs are bounded by epochs x V x N", () => {
  // One 1 × 2^13 epoch repeated: the input is one shared row (64 KiB), while the outputs of
  // 2^13 + 1 epochs would hold 2^26 + 2^13 bond values. Refused before any of it is allocated.
  const N = 2 ** 13;
  const ep = { W: [new Float64Array(N).fill(1)], S: new Float64Array(1).fill(1) };
  const input = (E: number) => ({ format: "yuma-research-input/1" as const, version: "YUMA2" as const, epochs: new Array(E).fill(ep) });
  const refusal = (f: () => unknown): YumaInputError => {
    try {
      f();
    } catch (x) {
      return x as YumaInputError;
    }
    throw new Error("not refused");
  };
  const rule = `8193 epochs of 1 validators × 8192 servers return ${8193 * N} bond values; the limit is 67108864 (2^26) per run: fewer epochs, or split the run`;

  it("runResearch, runResearchFlat and runResearchBatch refuse one value over the limit, naming epochs", async () => {
    for (const f of [() => runResearch(input(N + 1)), () => runResearchFlat(input(N + 1))]) {
      const err = refusal(f);
      expect(err).toBeInstanceOf(YumaInputError);
      expect(err.field).toBe("epochs");
      expect(err.rule).toBe(rule);
    }
    const err = await runResearchBatch([input(2), input(N + 1)], { threads: 1 }).then(() => undefined, (x: unknown) => x);
    expect(err).toBeInstanceOf(YumaInputError);
    expect((err as YumaInputError).field).toBe("inputs[1].epochs");
    expect((err as YumaInputError).rule).toBe(rule);
    expect(MAX_RESEARCH_VALUES).toBe(2 ** 26);
  });

  it("an EncodedResearch built by hand is checked by the runner too", () => {
    const enc = { ...encodeResearch(input(1)), epochs: N + 1 };
    const err = refusal(() => runFlat(researchEngine(), enc));
    expect(err).toBeInstanceOf(YumaInputError);
    expect(err.field).toBe("epochs");
  });

  it("at the limit the run is accepted", () => {
    // 2^26 values exactly, as 2^13 epochs of 1 × 2^13: checked, not run (the header only).
    expect(researchHeader(input(N)).epochs).toBe(N);
    // A small run of many epochs still runs.
    const out = runResearchFlat({ format: "yuma-research-input/1", version: "YUMA2", epochs: new Array(1000).fill({ W: [[1, 0], [0, 1]], S: [3, 1] }) });
    expect(out.epochs).toBe(1000);
  });
});

describe("memory is given back after a large run", () => {
  const FIXTURE = fx("tiny-n4-all-inactive");

  it("the shared exact engine is replaced by a fresh one once it grew past the threshold", () => {
    const big = engine();
    big.memory.grow((RETAINED_MEMORY_LIMIT >> 16) + 1); // what a large subnet leaves behind
    expect(outputsToJson(runEpoch(FIXTURE.params, FIXTURE.inputs))).toEqual(FIXTURE.expected);
    const next = engine();
    expect(next).not.toBe(big);
    expect(next.memory.buffer.byteLength).toBeLessThan(RETAINED_MEMORY_LIMIT);
    // Below the threshold the instance is kept.
    runEpoch(FIXTURE.params, FIXTURE.inputs);
    expect(engine()).toBe(next);
  });

  it("the shared research engine too, once the thread has not run research for RESEARCH_IDLE_RELEASE_MS", () => {
    vi.useFakeTimers();
    try {
      const input = { format: "yuma-research-input/1" as const, version: "YUMA2" as const, epochs: [{ W: [[1, 0], [0, 1]], S: [1, 1] }] };
      const want = runResearch(input);
      const big = researchEngine();
      big.memory.grow((RETAINED_MEMORY_LIMIT >> 16) + 1);
      expect(runResearch(input)).toEqual(want);
      expect(researchEngine()).toBe(big); // back-to-back runs keep it
      vi.advanceTimersByTime(RESEARCH_IDLE_RELEASE_MS + 1);
      const next = researchEngine();
      expect(next).not.toBe(big);
      expect(next.memory.buffer.byteLength).toBeLessThan(RETAINED_MEMORY_LIMIT);
      expect(runResearch(input)).toEqual(want);
    } finally {
      vi.useRealTimers();
    }
  });
});
