// Research module: float epoch kernels for the Yuma variants, run epoch by epoch.
//
//   init(V, N, version, flags, simdBytes) → pointer table (see state.ts); JS writes the
//   parameter block once, then per epoch writes W (f64 V×N, row-major), S (f64 V) and the
//   bond-reset mask (u8 N: 1 = reset that server's bonds), calls step(), and reads
//   consensus, incentive, bonds, dividends and dividends per 1000 TAO.

import { chainSelectionColumns, chainStep } from "./chain";
import { peerStep, selectionColumns } from "./peer";
import { FLAG_F64, FLAG_PEER, flags, markEpochDone } from "./state";

export { init } from "./state";

export function step(): void {
  if ((flags & FLAG_PEER) == 0) chainStep();
  else if ((flags & FLAG_F64) != 0) peerStep<f64>();
  else peerStep<f32>();
  markEpochDone();
}

/** Testing aid: consensus columns answered from a stake histogram (not the ordered walk). */
export function selectionCount(): i64 {
  return selectionColumns;
}

/** Testing aid: chain-like consensus columns answered from a stake histogram. */
export function chainSelectionCount(): i64 {
  return chainSelectionColumns;
}
