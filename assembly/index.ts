// The module's exports: a bump heap that JS resets per call, the exact epoch, block
// emission, and the fixed-point primitives (exported for the unit tests).

import {
  div, expFixed, expSafe, fixedTimesRao, hi128, imul128, lo128, mul, overflowed, proportionToU16,
  safeDiv, shareOf, udiv128, u16ToProportion,
} from "./fixed";

import { allocRaw, heapReset, heapTop } from "./mem";

export { epoch, PARAMS_SIZE, setReferenceKernels } from "./epoch";
export { emitShares } from "./epoch";
export { medianVisits, setMedianTuning } from "./median";
export { blockEmission, ownerCut } from "./emission";
export { sha256Final, sha256Init, sha256Update } from "./sha256";

/** Drop everything allocated since the last reset (inputs and outputs of the last call). */
export function reset(): void {
  heapReset();
}

/** Allocate `bytes` on the heap; the pointer stays valid until the next reset. */
export function alloc(bytes: usize): usize {
  return allocRaw(bytes);
}

/** The end of the heap (the next allocation's address): the peak of the last call's use,
 *  since nothing is freed before the next reset. */
export function heapEnd(): usize {
  return heapTop();
}

// --- fixed-point primitives, for tests against BigInt ---
export function fxMul(a: i64, b: i64): i64 { return mul(a, b); }
export function fxDiv(a: i64, b: i64): i64 { return div(a, b); }
export function fxSafeDiv(a: i64, b: i64): i64 { return safeDiv(a, b); }
export function fxOverflowed(): bool { return overflowed; }
export function fxImul128(a: i64, b: i64): void { imul128(a, b); }
export function fxUdiv128(hi: u64, lo: u64, d: u64): void { udiv128(hi, lo, d); }
export function fxHi(): u64 { return hi128; }
export function fxLo(): u64 { return lo128; }
export function fxExp(x: i64): i64 { return expFixed(x); }
export function fxExpSafe(x: i64): i64 { return expSafe(x); }
export function fxU16ToProportion(v: u32): i64 { return u16ToProportion(v); }
export function fxProportionToU16(x: i64): u32 { return proportionToU16(x); }
export function fxTimesRao(x: i64, rao: u64): u64 { return fixedTimesRao(x, rao); }
export function fxShareOf(num: u64, den: u64): i64 { return shareOf(num, den); }

// --- 128-bit fixed point (assembly/wide.ts), for tests against BigInt ---
import { addSat, divShl, mulShr, subSat, toU64 as wToU64, wHi, wLo, wOver } from "./wide";
export function wdMulShr(ahi: u64, alo: u64, bhi: u64, blo: u64, shift: u32): void { mulShr(ahi, alo, bhi, blo, shift); }
export function wdDivShl(ahi: u64, alo: u64, bhi: u64, blo: u64, shift: u32): bool { return divShl(ahi, alo, bhi, blo, shift); }
export function wdAddSat(ahi: u64, alo: u64, bhi: u64, blo: u64): void { addSat(ahi, alo, bhi, blo); }
export function wdSubSat(ahi: u64, alo: u64, bhi: u64, blo: u64): void { subSat(ahi, alo, bhi, blo); }
export function wdToU64(hi: u64, lo: u64, frac: u32): u64 { return wToU64(hi, lo, frac); }
export function wdHi(): u64 { return wHi; }
export function wdLo(): u64 { return wLo; }
export function wdOver(): bool { return wOver; }
