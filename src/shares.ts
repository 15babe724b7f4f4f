// Amount-independent epochs: an epoch's normalised emission shares, and the epoch's own floor
// arithmetic to split any amount of rao by them afterwards (see docs/economics.md, "How the
// simulator uses the epoch").

import type { EpochOutputs, EpochShares } from "./types.js";
import { engine, releaseEngine, type YumaExports } from "./wasm.js";
import { requireRao } from "./validate.js";
import { YumaInputError } from "./errors.js";

/**
 * The normalised server / validator / combined shares (I32F32 raw, BigInt64Array) of an epoch
 * result run with `{ shares: true }`. Throws if the result carries none.
 */
export function epochShares(out: EpochOutputs): EpochShares {
  if (!out.shares) throw new YumaInputError("shares", "the epoch was not run with the option { shares: true }");
  return out.shares;
}

/**
 * Split `rao` by a share vector with exactly the epoch's emission arithmetic (the WASM kernel
 * `emitShares`, which runs the same function as the epoch's own emission step): uid i gets
 * `floor(share[i] · rao)` as the chain computes it. With an epoch's `shares.server`,
 * `shares.validator` or `shares.combined` and that epoch's rao, this is its `serverEmission`,
 * `validatorEmission` or `emission`, bit for bit.
 *
 * `wasm` defaults to the thread's shared instance; the call resets that instance's heap, so
 * pointers into it from earlier calls (e.g. `runEncodedInPlace`) are invalid afterwards.
 */
export function emitByShares(shares: BigInt64Array, rao: bigint, wasm?: YumaExports): BigUint64Array {
  if (!(shares instanceof BigInt64Array)) throw new YumaInputError("shares", "must be a BigInt64Array (I32F32 raw)");
  const amount = requireRao(rao, "rao");
  const n = shares.length;
  const w = wasm ?? engine();
  try {
    w.reset();
    const sp = w.alloc(Math.max(n, 1) * 8);
    const op = w.alloc(Math.max(n, 1) * 8);
    new BigInt64Array(w.memory.buffer, sp, n).set(shares);
    w.emitShares(sp, n, amount, op);
    return new BigUint64Array(w.memory.buffer.slice(op, op + n * 8));
  } finally {
    if (!wasm) releaseEngine();
  }
}
