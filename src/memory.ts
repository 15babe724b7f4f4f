// How much WASM memory a call needs, computed from the encoded sizes before anything is
// written, so that inputs a wasm32 memory cannot hold (4 GiB: 65536 pages of 64 KiB) are
// refused with a YumaInputError naming the size and the limit, instead of failing halfway
// with "memory access out of bounds".
//
// The exact epoch: everything it allocates lives on the bump heap of assembly/mem.ts until
// the next call, so its need is the sum of its allocations. Per weight entry (W), bond entry
// (B) and uid (n), following assembly/epoch.ts and the kernels it calls:
//
//   input block (JS writes it)   4 W + 4 B       u16 column and u16 value per entry
//   weights_prepare              8 W             I32F32 values (columns compacted in place)
//   weighted_median_col_sparse  16 W             (score, stake) pairs, only if some row is not
//                                               strictly ascending (else it reads rows in place)
//   clip_trust_ranks            10 W             u16 column + I32F32 value per slot
//   interpolate_sparse          10 W             only if 0 < bondsPenalty < 65535 (else no copy)
//   bonds_prepare                8 B             I32F32 values
//   bond EMA                    10 (W + B)       mat_ema_sparse / mat_ema_yuma2: rows of W + B slots
//     Yuma 2, slow path        +10 W             row_scaled (the delta) before the EMA
//     liquid alpha             58 W             instead of the EMA above when some consensus
//                                               is non-zero: output slots (10), distances and
//                                               old bonds (16), radix items (16), distinct
//                                               distances (8) and their alphas (8)
//   stored bonds (output)        4 (W + B)       u16 column + u16 value
//   trace                       10 W + 10 (W+B)  masked weights and EMA bonds as I32F32
//
// plus at most 400 bytes per uid (about forty n-vectors of i64, u32 and u8) and 9 per
// lastUpdate entry, and a fixed reserve for the median's column buckets (256 KiB), the radix
// histograms, the module's static data and the 16-byte alignment of each allocation. It is an
// upper bound (each branch at its largest), checked against the heap's real peak over many
// shapes by test/memory.test.ts. The reference kernels (setReferenceKernels, a testing aid not
// reachable from the API) allocate more and are not covered.

import { YumaInputError } from "./errors.js";
import { PARAMS } from "./layout.js";
import type { EncodedEpoch } from "./validate.js";

/** A wasm32 memory holds at most 65536 pages of 64 KiB. */
export const WASM_MEMORY_LIMIT = 2 ** 32;

/** Above this a thread's shared instance is dropped after its call (WASM memory cannot shrink). */
export const RETAINED_MEMORY_LIMIT = 256 * 2 ** 20;

const FIXED_RESERVE = 2 ** 20;
const PER_UID = 400;
const PER_LAST_UPDATE = 9;

const align8 = (x: number) => (x + 7) & ~7;
const fmtGiB = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)} GiB`;

/** Byte sizes of the parts of the input block `runEncodedInPlace` writes, in its order. */
export function epochInputSizes(e: EncodedEpoch): number[] {
  const n = e.n;
  const wn = e.weights.col.length, bn = e.bonds.col.length;
  return [
    PARAMS.size, n * 8, e.lastUpdate.length * 8, n * 8, n, e.commitBlocks ? n * 8 : 0,
    (n + 1) * 4, wn * 2, wn * 2, (n + 1) * 4, bn * 2, bn * 2,
  ].map(align8);
}

/** Whether every weight row is strictly ascending with uids below n: then the median reads
 *  the rows in place (assembly/median.ts, `votingRowsAscending`; masks only drop entries). */
export function weightRowsAscending(e: EncodedEpoch): boolean {
  const { start, col } = e.weights;
  for (let i = 0; i < e.n; i++) {
    let prev = -1;
    for (let k = start[i]!; k < start[i + 1]!; k++) {
      const c = col[k]!;
      if (c <= prev || c >= e.n) return false;
      prev = c;
    }
  }
  return true;
}

/** Bytes of the parts of one epoch's need that grow with W and with B. */
function epochEntryBytes(
  W: number, B: number, c: { yuma3: boolean; liquidAlpha: boolean; bondsPenalty: number }, trace: boolean,
  sortedRows: boolean,
): { weights: number; bonds: number } {
  let perW = 8 + 10 + 4; // masked weights, clipped weights, stored bonds
  if (!sortedRows) perW += 16; // the median's (score, stake) pairs
  let perB = 8 + 4; // bonds as I32F32, stored bonds
  if (c.bondsPenalty > 0 && c.bondsPenalty < 65535) perW += 10;
  // The bond EMA: the largest of the branches the epoch may take.
  let emaW = c.yuma3 ? 10 : 20, emaB = 10;
  if (c.yuma3 && c.liquidAlpha && 58 * W > emaW * W + emaB * B) { emaW = 58; emaB = 0; }
  perW += emaW;
  perB += emaB;
  if (trace) { perW += 20; perB += 10; }
  return { weights: perW * W, bonds: perB * B };
}

function epochBytes(e: EncodedEpoch, trace: boolean, sortedRows: boolean): number {
  const input = epochInputSizes(e).reduce((a, b) => a + b, 0);
  const { weights, bonds } = epochEntryBytes(e.weights.col.length, e.bonds.col.length, e, trace, sortedRows);
  return input + weights + bonds + PER_UID * e.n + PER_LAST_UPDATE * e.lastUpdate.length + FIXED_RESERVE;
}

/** An upper bound of the WASM memory one exact epoch needs (bytes, input block included). */
export function epochMemoryBytes(e: EncodedEpoch, trace = false): number {
  return epochBytes(e, trace, weightRowsAscending(e));
}

/**
 * Refuse an epoch a wasm32 memory cannot hold, before anything is allocated. `field` is the
 * path of the epoch's inputs (`inputs`, `epochs[3]`); the error names its weights or bonds,
 * whichever needs more. Constant time unless the epoch is near the limit (then the rows are
 * scanned once for the median's sorted path).
 */
export function checkEpochMemory(e: EncodedEpoch, trace = false, field = "inputs"): void {
  if (epochBytes(e, trace, false) <= WASM_MEMORY_LIMIT) return;
  const sortedRows = weightRowsAscending(e);
  const need = epochBytes(e, trace, sortedRows);
  if (need <= WASM_MEMORY_LIMIT) return;
  const W = e.weights.col.length, B = e.bonds.col.length;
  const parts = epochEntryBytes(W, B, e, trace, sortedRows);
  throw new YumaInputError(
    `${field}.${parts.weights >= parts.bonds ? "weights" : "bonds"}`,
    `n = ${e.n} with ${W} weight and ${B} bond entries needs ${fmtGiB(need)} of WASM memory; the limit is 4 GiB`,
  );
}

/**
 * The most memory a simulated subnet's epochs can need. The weight policies
 * (src/network/policies.ts) weight only miners (uids V..n−1), in ascending order: at most
 * V·(n−V) weight entries, sorted. Bonds are stored only for uids that come out of an epoch
 * with a permit (the top maxAllowedValidators by stake, and the owner) and only on columns
 * that were weighted: at most min(n, maxAllowedValidators + 1)·(n−V) entries.
 */
export function subnetMemoryBytes(c: {
  neurons: number; validators: number; maxAllowedValidators: number; yuma3: boolean; liquidAlpha: boolean;
  bondsPenalty: number;
}): number {
  const n = c.neurons, miners = c.neurons - c.validators;
  const W = c.validators * miners;
  const B = Math.min(n, c.maxAllowedValidators + 1) * miners;
  const { weights, bonds } = epochEntryBytes(W, B, c, false, true);
  const input = PARAMS.size + 4 * 8 * n + n + 2 * 4 * (n + 1) + 4 * W + 4 * B + 12 * 8;
  return input + weights + bonds + (PER_UID + PER_LAST_UPDATE) * n + FIXED_RESERVE;
}

/** Refuse a simulated subnet whose epochs may not fit in a wasm32 memory. */
export function checkSubnetMemory(c: Parameters<typeof subnetMemoryBytes>[0], field: string): void {
  const need = subnetMemoryBytes(c);
  if (need <= WASM_MEMORY_LIMIT) return;
  throw new YumaInputError(
    `${field}.validators`,
    `${c.validators} validators weighting ${c.neurons - c.validators} miners need up to ${fmtGiB(need)} of WASM memory per epoch; the limit is 4 GiB`,
  );
}

/**
 * The research module's need for a V×N run: `init` (assembly/research/state.ts) allocates
 * eleven V×N f64 matrices (inputs, outputs, state, scratch) and a few dozen vectors.
 */
export function researchMemoryBytes(V: number, N: number): number {
  return 11 * 8 * V * N + 80 * V + 80 * N + FIXED_RESERVE;
}

/**
 * The most bond values (epochs × V × N) one research run may return: 2^26, 512 MiB of float64.
 * The outputs hold every epoch's V×N bonds outside WASM, so their size grows with the number of
 * epochs, not only with V×N. Measured (Node 20, 24 GiB): a `yuma scenario` of 64 × 4096 × 256
 * epochs (2^26 values; expanded weights, bonds and per-epoch metrics as JS arrays) peaks at
 * about 2.8 GB and finishes; 64 × 4096 × 500 runs out of JS heap. `runResearchFlat` needs
 * about 8 bytes a value (1000 × 1000 × 512: 4.1 GB).
 */
export const MAX_RESEARCH_VALUES = 2 ** 26;

/**
 * Refuse a research run a wasm32 memory cannot hold; `field` is its first weight matrix. With
 * `epochs`, also one whose outputs (count × V × N bonds) exceed MAX_RESEARCH_VALUES, naming
 * `epochs.field` — checked before anything of that size is allocated.
 */
export function checkResearchMemory(V: number, N: number, field: string, epochs?: { count: number; field: string }): void {
  const need = researchMemoryBytes(V, N);
  if (need > WASM_MEMORY_LIMIT) {
    throw new YumaInputError(
      field,
      `${V} validators × ${N} servers need ${fmtGiB(need)} of WASM memory; the limit is 4 GiB`,
    );
  }
  if (epochs && epochs.count * V * N > MAX_RESEARCH_VALUES) {
    throw new YumaInputError(
      epochs.field,
      `${epochs.count} epochs of ${V} validators × ${N} servers return ${epochs.count * V * N} bond values; ` +
        `the limit is ${MAX_RESEARCH_VALUES} (2^26) per run: fewer epochs, or split the run`,
    );
  }
}
