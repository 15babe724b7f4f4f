// Compile-once, instantiate-once access to the WASM module. The bytes are embedded (base64)
// so Node, bundlers and browsers need no file loading. We do not use @assemblyscript/loader:
// it is deprecated since AS 0.20, and the module exchanges only numbers and pointers into its
// linear memory (no managed strings or arrays), which a dozen lines below handle directly.

import { RETAINED_MEMORY_LIMIT } from "./memory.js";
import { instantiateModule } from "./wasm-instance.js";
import { YUMA_WASM as WASM_BASE64, YUMA_WASM_SIMD as WASM_SIMD_BASE64 } from "./generated/wasm.js";

export interface YumaExports {
  memory: WebAssembly.Memory;
  reset(): void;
  alloc(bytes: number): number;
  /** The end of the heap: the peak use of the last call (nothing is freed before a reset). */
  heapEnd(): number;
  epoch(paramsPtr: number): number;
  /** Split `rao` by an I32F32 share vector (i64[n] at sharesPtr) into u64[n] at outPtr. */
  emitShares(sharesPtr: number, n: number, rao: bigint, outPtr: number): void;
  blockEmission(issuance: bigint): bigint;
  ownerCut(amount: bigint, cutU16: bigint): bigint;
  sha256Init(): void;
  sha256Update(ptr: number, len: number): void;
  sha256Final(): number;
  fxMul(a: bigint, b: bigint): bigint;
  fxDiv(a: bigint, b: bigint): bigint;
  fxSafeDiv(a: bigint, b: bigint): bigint;
  fxOverflowed(): number;
  fxImul128(a: bigint, b: bigint): void;
  fxUdiv128(hi: bigint, lo: bigint, d: bigint): void;
  fxHi(): bigint;
  fxLo(): bigint;
  fxExp(x: bigint): bigint;
  fxExpSafe(x: bigint): bigint;
  fxU16ToProportion(v: number): bigint;
  fxProportionToU16(x: bigint): number;
  fxTimesRao(x: bigint, rao: bigint): bigint;
  fxShareOf(num: bigint, den: bigint): bigint;
  /** Testing aids of the consensus median: force the sort fallback after `fallback` partition
   *  passes (-1: automatic) and the column-bucket gather; pairs visited since instantiation. */
  setMedianTuning(fallback: number, buckets: number): void;
  medianVisits(): bigint;
  [name: string]: unknown;
}

export function decodeBase64(b64: string): Uint8Array {
  if (typeof Buffer !== "undefined") {
    const buf = Buffer.from(b64, "base64");
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

let bytesCache: Uint8Array | undefined;
let simdUsed = false;

/** The module bytes: the SIMD build where the engine validates it, else the baseline. */
export function wasmBytes(): Uint8Array {
  if (!bytesCache) {
    const simd = decodeBase64(WASM_SIMD_BASE64);
    simdUsed = WASM_SIMD_BASE64 !== WASM_BASE64 && WebAssembly.validate(simd as BufferSource);
    bytesCache = simdUsed ? simd : decodeBase64(WASM_BASE64);
  }
  return bytesCache;
}

/** Bytes of one specific build (for the benchmark's side-by-side runs). */
export function wasmBuildBytes(build: "baseline" | "simd"): Uint8Array {
  return decodeBase64(build === "simd" ? WASM_SIMD_BASE64 : WASM_BASE64);
}

export function usesSimd(): boolean {
  wasmBytes();
  return simdUsed;
}

let moduleCache: WebAssembly.Module | undefined;

/** The compiled module (synchronous compile; in browsers call `ready()` first). */
export function getModule(): WebAssembly.Module {
  if (!moduleCache) moduleCache = new WebAssembly.Module(wasmBytes() as BufferSource);
  return moduleCache;
}

/** Compile asynchronously (required before the sync API on a browser's main thread). */
export async function ready(): Promise<void> {
  if (!moduleCache) moduleCache = await WebAssembly.compile(wasmBytes() as BufferSource);
}

/** Use a module compiled elsewhere (workers receive it from the main thread). */
export function setModule(module: WebAssembly.Module): void {
  moduleCache = module;
}

/** A fresh instance of a module, with the `abort` import AssemblyScript expects. */
export function instantiate(module: WebAssembly.Module = getModule()): YumaExports {
  return instantiateModule(module);
}

let shared: YumaExports | undefined;

/** The thread's shared instance, for the synchronous API. */
export function engine(): YumaExports {
  if (!shared) shared = instantiate();
  return shared;
}

/**
 * Give memory back after a call: WASM memory can only grow, so a shared instance that grew
 * past RETAINED_MEMORY_LIMIT (a large subnet) is dropped, and the next call gets a fresh
 * small one. Called by the synchronous API when it is done with the instance.
 */
export function releaseEngine(): void {
  if (shared && shared.memory.buffer.byteLength > RETAINED_MEMORY_LIMIT) shared = undefined;
}
