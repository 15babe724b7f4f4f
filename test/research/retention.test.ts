// A research instance whose memory grew past RETAINED_MEMORY_LIMIT is reused by back-to-back
// runs and dropped once the thread is idle (WASM memory cannot shrink).

import { afterEach, describe, expect, it, vi } from "vitest";
import { RETAINED_MEMORY_LIMIT, researchMemoryBytes } from "../../src/memory.js";
import { runResearch } from "../../src/research/index.js";
import type { ResearchInput } from "../../src/research/types.js";
import { RESEARCH_IDLE_RELEASE_MS, researchEngine } from "../../src/research/wasm.js";

const input = (V: number, N: number): ResearchInput => ({
  format: "yuma-research-input/1",
  version: "YUMA2",
  epochs: [{ W: Array.from({ length: V }, (_, i) => new Float64Array(N).fill(1 + (i % 3))), S: Array.from({ length: V }, (_, i) => 1 + i) }],
});

describe("the shared research instance", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("past the limit: kept for the next run, dropped after RESEARCH_IDLE_RELEASE_MS idle", () => {
    vi.useFakeTimers();
    const V = 1024, N = 6144;
    expect(researchMemoryBytes(V, N)).toBeGreaterThan(RETAINED_MEMORY_LIMIT);
    runResearch(input(V, N));
    const big = researchEngine();
    expect(big.memory.buffer.byteLength).toBeGreaterThan(RETAINED_MEMORY_LIMIT);
    vi.advanceTimersByTime(RESEARCH_IDLE_RELEASE_MS - 10);
    runResearch(input(V, N)); // a run restarts the idle clock
    vi.advanceTimersByTime(RESEARCH_IDLE_RELEASE_MS - 10);
    expect(researchEngine()).toBe(big);
    runResearch(input(2, 2));
    expect(researchEngine()).toBe(big);
    vi.advanceTimersByTime(RESEARCH_IDLE_RELEASE_MS + 1);
    const fresh = researchEngine();
    expect(fresh).not.toBe(big);
    expect(fresh.memory.buffer.byteLength).toBeLessThan(RETAINED_MEMORY_LIMIT);
  });

  it("within the limit: kept", () => {
    vi.useFakeTimers();
    runResearch(input(4, 4));
    const small = researchEngine();
    vi.advanceTimersByTime(10 * RESEARCH_IDLE_RELEASE_MS);
    runResearch(input(4, 4));
    expect(researchEngine()).toBe(small);
  });
});
