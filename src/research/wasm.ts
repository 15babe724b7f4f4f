// Compile-once, instantiate-once access to the research WASM module (assembly/research/),
// in the style of src/wasm.ts: embedded base64 bytes, the SIMD build where the engine
// validates it, numbers and pointers only across the boundary.

import { RESEARCH_WASM, RESEARCH_WASM_SIMD } from "../generated/wasm.js";
import { decodeBase64 } from "../wasm.js";
import { RETAINED_MEMORY_LIMIT } from "../memory.js";

export interface ResearchExports {
  memory: WebAssembly.Memory;
  /** Reset the heap and allocate a run; returns the pointer table (u32 slots, see TABLE). */
  init(validators: number, servers: number, version: number, flags: number, simdBytes: number): number;
  /** Run one epoch on the inputs written since the last call. */
  step(): void;
  /** The first of n weights at p (f32 when f32 = 1, else f64) outside [+0, small], or −1. */
  firstOutside(p: number, n: number, small: number, f32: number): number;
  _start?: () => void;
  [name: string]: unknown;
}

/** Pointer table slots (assembly/research/state.ts). */
export const TABLE = { params: 0, W: 1, S: 2, consensus: 3, incentive: 4, bonds: 5, dividends: 6, per1000: 7, resets: 8 } as const;
export const TABLE_SLOTS = 9;

/** Parameter block slots, f64 (assembly/research/state.ts). */
export const PARAM_SLOT = {
  kappa: 0, bondPenalty: 1, bondMovingAverage: 2, alphaLow: 3, alphaHigh: 4, alphaSigmoidSteepness: 5,
  decayRate: 6, capacityAlpha: 7, validatorEmissionRatio: 8, totalEpochEmission: 9, totalSubnetStake: 10,
} as const;

export const VERSION_CODE = { YUMA1: 0, YUMA2: 1, YUMA2B: 2, YUMA2C: 3, YUMA3: 4, YUMA3_LIQUID: 5 } as const;

export const RFLAGS = { peer: 1, liquid: 2, winnerTakesAll: 4, float64: 8, modeShift: 4, reference: 64 } as const;

let bytesCache: Uint8Array | undefined;

/** The module bytes: the SIMD build where supported, else the baseline. */
export function researchWasmBytes(): Uint8Array {
  if (!bytesCache) {
    const simd = decodeBase64(RESEARCH_WASM_SIMD);
    const useSimd = RESEARCH_WASM_SIMD !== RESEARCH_WASM && WebAssembly.validate(simd as BufferSource);
    bytesCache = useSimd ? simd : decodeBase64(RESEARCH_WASM);
  }
  return bytesCache;
}

let moduleCache: WebAssembly.Module | undefined;

/** The compiled research module (synchronous compile; in browsers call `researchReady()` first). */
export function getResearchModule(): WebAssembly.Module {
  if (!moduleCache) moduleCache = new WebAssembly.Module(researchWasmBytes() as BufferSource);
  return moduleCache;
}

/** Compile asynchronously (before the sync API on a browser's main thread). */
export async function researchReady(): Promise<void> {
  if (!moduleCache) moduleCache = await WebAssembly.compile(researchWasmBytes() as BufferSource);
}

/** Use a module compiled elsewhere (workers receive it from the main thread). */
export function setResearchModule(module: WebAssembly.Module): void {
  if (moduleCache !== module) {
    moduleCache = module;
    shared = undefined;
  }
}

/** A fresh instance of the research module. */
export function instantiateResearch(module: WebAssembly.Module = getResearchModule()): ResearchExports {
  const instance = new WebAssembly.Instance(module, {
    env: {
      abort(_msg: number, _file: number, line: number, col: number) {
        throw new Error(`yuma-wasm research: internal error at ${line}:${col}`);
      },
    },
  });
  const raw = instance.exports as unknown as ResearchExports;
  if (typeof raw._start === "function") raw._start();
  // The table pointer is a u32 (read as a signed i32 by JS: negative above 2 GiB).
  return { ...raw, init: (v, n, version, flags, simd) => raw.init(v, n, version, flags, simd) >>> 0 };
}

let shared: ResearchExports | undefined;

/** The thread's shared instance, for the synchronous API. */
export function researchEngine(): ResearchExports {
  if (!shared) shared = instantiateResearch();
  return shared;
}

/** How long a shared instance past RETAINED_MEMORY_LIMIT is kept after its last run. */
export const RESEARCH_IDLE_RELEASE_MS = 1000;
let releaseTimer: ReturnType<typeof setTimeout> | undefined;

/**
 * Give memory back after a run: WASM memory cannot shrink, so a shared instance that grew past
 * RETAINED_MEMORY_LIMIT is dropped — once the thread has not run research for
 * RESEARCH_IDLE_RELEASE_MS. Back-to-back runs of a large subnet (a sweep, a benchmark) reuse
 * it instead of growing (and faulting in) hundreds of MB of fresh memory every call.
 */
export function releaseResearchEngine(): void {
  if (releaseTimer !== undefined) clearTimeout(releaseTimer);
  releaseTimer = undefined;
  if (!shared || shared.memory.buffer.byteLength <= RETAINED_MEMORY_LIMIT) return;
  const big = shared;
  releaseTimer = setTimeout(() => {
    releaseTimer = undefined;
    if (shared === big) shared = undefined;
  }, RESEARCH_IDLE_RELEASE_MS);
  // Never what keeps a process (or a worker) alive.
  (releaseTimer as { unref?: () => void }).unref?.();
}
