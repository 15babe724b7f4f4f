// Research module: float epoch kernels for the Yuma variants, run epoch by epoch.
//
//   init(V, N, version, flags, simdBytes) → pointer table (see state.ts); JS writes the
//   parameter block once, then per epoch writes W (V×N, row-major, in the kernel's element
//   type: f32 for the float32 peer), S (f64 V) and the bond-reset mask (u8 N: 1 = reset that
//   server's bonds), calls step(), and reads consensus, incentive, dividends and dividends per
//   1000 TAO (f64) and the carried bonds (V×N, the kernel's element type).

import { chainSelectionColumns, chainStep } from "./chain";
import { firstOutside as firstOutsideT } from "./check";
import { candidateColumns } from "./crossing";
import { peerStep, selectionColumns } from "./peer";
import { FLAG_F64, FLAG_PEER, flags, markEpochDone } from "./state";
import { exp2d, exp2dNear, expf4, expf4Near } from "./vexp";

export { init } from "./state";

export function step(): void {
  if ((flags & FLAG_PEER) == 0) chainStep();
  else if ((flags & FLAG_F64) != 0) peerStep<f64>();
  else peerStep<f32>();
  markEpochDone();
}

/** The first of n weights at p (f32 when `f32`, else f64) outside [+0, small], or −1 (check.ts). */
export function firstOutside(p: usize, n: i32, small: f64, f32: bool): i32 {
  return f32 ? firstOutsideT<f32>(p, n, small) : firstOutsideT<f64>(p, n, small);
}

/** Testing aid: consensus columns answered from a stake histogram (not the ordered walk). */
export function selectionCount(): i64 {
  return selectionColumns;
}

/** Testing aid: chain-like consensus columns answered from a stake histogram. */
export function chainSelectionCount(): i64 {
  return chainSelectionColumns;
}

/** Testing aid: crossing ranges resolved as candidates (rangeCandidates), both semantics. */
export function candidateCount(): i64 {
  return candidateColumns;
}

/** Testing aid: Mathf.exp of n float32 values at p, in place — four lanes at a time through
 *  expf4 when `vector` is 1 (the SIMD build), expf4Near when 2, else the scalar function. */
export function expfInPlace(p: usize, n: i32, vector: i32): void {
  let k = 0;
  if (ASC_FEATURE_SIMD && vector != 0) {
    for (; k + 4 <= n; k += 4) {
      const x = v128.load(p + (<usize>k << 2));
      v128.store(p + (<usize>k << 2), vector == 2 ? expf4Near(x) : expf4(x));
    }
  }
  for (; k < n; k++) store<f32>(p + (<usize>k << 2), Mathf.exp(load<f32>(p + (<usize>k << 2))));
}

/** Testing aid: Math.exp of n float64 values at p, in place — two lanes at a time through
 *  exp2d when `vector` is 1 (the SIMD build), exp2dNear when 2, else the scalar function. */
export function expInPlace(p: usize, n: i32, vector: i32): void {
  let k = 0;
  if (ASC_FEATURE_SIMD && vector != 0) {
    for (; k + 2 <= n; k += 2) {
      const x = v128.load(p + (<usize>k << 3));
      v128.store(p + (<usize>k << 3), vector == 2 ? exp2dNear(x) : exp2d(x));
    }
  }
  for (; k < n; k++) store<f64>(p + (<usize>k << 3), Math.exp(load<f64>(p + (<usize>k << 3))));
}
