// WASM memory above 2 GiB and up to the 4 GiB a wasm32 memory can hold: pointers coming out
// of WASM are u32 (not signed i32), the heap neither wraps around nor traps at exactly
// 4 GiB. These tests reserve (not touch) gigabytes of virtual memory: V8 commits WASM pages
// lazily, so the process's resident memory stays small.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { epochOutputHash, epochOutputHashAt, sha256, toHex } from "../src/digest.js";
import { rawToOutputs, runEncoded, runEncodedInPlace } from "../src/epoch.js";
import { encodeEpoch } from "../src/validate.js";
import { instantiate, type YumaExports } from "../src/wasm.js";

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
