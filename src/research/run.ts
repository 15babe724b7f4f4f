// Encoded input → WASM research kernels → flat results → output objects. No numerics here:
// the kernels compute everything; this file only moves arrays in and out of linear memory.

import { YumaInputError } from "../errors.js";
import { checkResearchMemory } from "../memory.js";
import type { ResearchEpochOutput, ResearchOutput } from "./types.js";
import { encodeEpochInto, type EncodedResearch, type ResearchHeader, type ResearchShape } from "./validate.js";
import { PARAM_SLOT, RFLAGS, TABLE, TABLE_SLOTS, VERSION_CODE, type ResearchExports } from "./wasm.js";

/** All epochs' outputs, flat (epoch-major). */
export interface FlatResearchResult {
  validators: number;
  servers: number;
  epochs: number;
  consensus: Float64Array; // epochs × servers
  incentive: Float64Array; // epochs × servers
  bonds: Float64Array; // epochs × validators × servers
  dividends: Float64Array; // epochs × validators
  dividendsPer1000Tao: Float64Array; // epochs × validators
}

const MODE_CODE = { current: 0, previous: 1, mixed: 2 } as const;

/**
 * The result arrays as views on one buffer (so a worker can transfer it whole):
 * consensus, incentive, bonds, dividends, dividends per 1000 TAO, in that order.
 */
export function flatOnBuffer(V: number, N: number, E: number, buffer?: ArrayBuffer): FlatResearchResult {
  const sizes = [E * N, E * N, E * V * N, E * V, E * V];
  const buf = buffer ?? new ArrayBuffer(sizes.reduce((a, b) => a + b, 0) * 8);
  let at = 0;
  const view = (n: number) => {
    const v = new Float64Array(buf, at * 8, n);
    at += n;
    return v;
  };
  return {
    validators: V, servers: N, epochs: E,
    consensus: view(sizes[0]!), incentive: view(sizes[1]!), bonds: view(sizes[2]!),
    dividends: view(sizes[3]!), dividendsPer1000Tao: view(sizes[4]!),
  };
}

/** Views on one run's buffers in linear memory (valid until the next init). The weights in
 *  and the carried bonds out are in the kernels' element type: float32 for the float32 peer
 *  (JS rounds on store as the peer's tensor does; widening back is exact). */
interface RunViews {
  w: Float64Array | Float32Array; s: Float64Array; r: Uint8Array;
  c: Float64Array; inc: Float64Array; b: Float64Array | Float32Array; d: Float64Array; q: Float64Array;
}

/** init the run (parameters written) and take the views on its buffers. */
function startRun(wasm: ResearchExports, enc: ResearchShape): RunViews {
  const V = enc.validators, N = enc.servers;
  const p = enc.params;
  let flags = 0;
  if (enc.peerCompat) flags |= RFLAGS.peer;
  if (enc.liquid) flags |= RFLAGS.liquid;
  if (p.winnerTakesAll) flags |= RFLAGS.winnerTakesAll;
  if (enc.peerFloat === "float64") flags |= RFLAGS.float64;
  flags |= MODE_CODE[p.liquidAlphaConsensusMode] << RFLAGS.modeShift;
  const table = wasm.init(V, N, VERSION_CODE[enc.version], flags, enc.peerVectorBits / 8);
  // init allocates every buffer of the run: the memory does not grow after this point.
  const buf = wasm.memory.buffer;
  const slot = (k: number) => new Uint32Array(buf, table, TABLE_SLOTS)[k]!;
  const params = new Float64Array(buf, slot(TABLE.params), 16);
  for (const [name, at] of Object.entries(PARAM_SLOT)) params[at] = p[name as keyof typeof PARAM_SLOT];
  const Elem = enc.peerCompat && enc.peerFloat === "float32" ? Float32Array : Float64Array;
  return {
    w: new Elem(buf, slot(TABLE.W), V * N),
    s: new Float64Array(buf, slot(TABLE.S), V),
    r: new Uint8Array(buf, slot(TABLE.resets), N), // zero after init
    c: new Float64Array(buf, slot(TABLE.consensus), N),
    inc: new Float64Array(buf, slot(TABLE.incentive), N),
    b: new Elem(buf, slot(TABLE.bonds), V * N),
    d: new Float64Array(buf, slot(TABLE.dividends), V),
    q: new Float64Array(buf, slot(TABLE.per1000), V),
  };
}

/** Writes epoch e's inputs into the run's input views. */
type Feed = (e: number, v: RunViews) => void;

/** An encoded input's epochs, copied in. */
function feedEncoded(enc: EncodedResearch): Feed {
  const V = enc.validators, N = enc.servers;
  return (e, v) => {
    v.w.set(enc.W.subarray(e * V * N, (e + 1) * V * N));
    v.s.set(enc.S.subarray(e * V, (e + 1) * V));
    if (enc.R) v.r.set(enc.R.subarray(e * N, (e + 1) * N));
  };
}

/** A checked header's epochs, each validated as it is written straight into linear memory
 *  (no flat copy of the whole input; an invalid epoch throws before it runs). */
function feedStreamed(wasm: ResearchExports, h: ResearchHeader): Feed {
  let dirty = false; // the reset view holds the last epoch's marks
  return (e, v) => {
    if (dirty) v.r.fill(0);
    const f32 = v.w instanceof Float32Array ? 1 : 0;
    const firstOutside = (at: number, count: number, small: number) =>
      wasm.firstOutside(v.w.byteOffset + at * v.w.BYTES_PER_ELEMENT, count, small, f32);
    dirty = encodeEpochInto(h, e, v.w, 0, v.s, 0, () => v.r, 0, firstOutside);
  };
}

/** All epochs into flat arrays (the result buffer of a worker too). */
function runFlatWith(wasm: ResearchExports, shape: ResearchShape, feed: Feed): FlatResearchResult {
  const V = shape.validators, N = shape.servers, E = shape.epochs;
  // The encoder checked it; an EncodedResearch built by hand too.
  if (E > 0) checkResearchMemory(V, N, "W", { count: E, field: "epochs" });
  const res = flatOnBuffer(V, N, E);
  if (E === 0) return res;
  const v = startRun(wasm, shape);
  for (let e = 0; e < E; e++) {
    feed(e, v);
    wasm.step();
    res.consensus.set(v.c, e * N);
    res.incentive.set(v.inc, e * N);
    res.bonds.set(v.b, e * V * N);
    res.dividends.set(v.d, e * V);
    res.dividendsPer1000Tao.set(v.q, e * V);
  }
  return res;
}

/**
 * The flat run and flatToOutput in one: consensus, incentive and dividends read straight from
 * linear memory into each epoch's arrays, the bonds copied once into one buffer for all epochs
 * (rows built when first read, see epochOutput), and the dividends per 1000 TAO checked as
 * checkFiniteResults does.
 */
function runOutputWith(wasm: ResearchExports, shape: ResearchShape, feed: Feed, prefix: string): ResearchOutput {
  const V = shape.validators, N = shape.servers, E = shape.epochs;
  const epochs: ResearchEpochOutput[] = [];
  if (E === 0) return { epochs };
  checkResearchMemory(V, N, "W", { count: E, field: "epochs" });
  const v = startRun(wasm, shape);
  // Each epoch's bonds are copied out, in the kernels' element type (float32 for the float32
  // peer: half the copy; widened exactly when the rows are built): into a buffer of the
  // epoch's own while that is at most 1 MiB (the allocator recycles buffers of that size: at
  // 64×256 a few µs per epoch less than a fresh multi-MB buffer per call), else into one buffer
  // for the whole call (large buffers are fresh mappings either way; one per call is cheaper,
  // measured at 256×4096).
  const perEpoch = V * N * v.b.BYTES_PER_ELEMENT <= 1 << 20;
  const all = perEpoch ? undefined : v.b instanceof Float32Array ? new Float32Array(E * V * N) : new Float64Array(E * V * N);
  // The first overflow is reported after every epoch was fed: a streamed input's own errors
  // (in any epoch) come first, as when the whole input is checked before the run.
  let overflow: [number, number] | undefined;
  for (let e = 0; e < E; e++) {
    feed(e, v);
    wasm.step();
    if (!overflow) for (let i = 0; i < V; i++) if (!Number.isFinite(v.q[i]!)) { overflow = [e, i]; break; }
    let bonds: Float64Array | Float32Array;
    if (all) {
      all.set(v.b, e * V * N);
      bonds = all.subarray(e * V * N, (e + 1) * V * N);
    } else bonds = v.b.slice();
    epochs.push(epochOutput(
      toArray(v.c, 0, N), toArray(v.inc, 0, N), bonds, V, N,
      toArray(v.d, 0, V), toArray(v.q, 0, V),
    ));
  }
  if (overflow) per1000Overflow(prefix, overflow[0], overflow[1]);
  return { epochs };
}

/**
 * One epoch's output object. `bonds` (V rows of N) is an own enumerable property whose rows
 * are built from `flat` the first time it is read (then it is a plain data property): a run
 * whose caller reads only consensus, incentive and dividends — a sweep — builds no V×N arrays,
 * while JSON.stringify, spreads, structuredClone and deep equality see the same object as
 * before. Assigning `bonds` replaces it like any property.
 */
function epochOutput(
  consensus: number[], incentive: number[], flat: Float64Array | Float32Array, V: number, N: number,
  dividends: number[], dividendsPer1000Tao: number[],
): ResearchEpochOutput {
  const out = { consensus, incentive, bonds: null as unknown as number[][], dividends, dividendsPer1000Tao };
  const settle = (o: ResearchEpochOutput, value: number[][]) =>
    Reflect.defineProperty(o, "bonds", { value, writable: true, enumerable: true, configurable: true });
  let built: number[][] | undefined; // kept here too: a frozen output cannot take the data property
  Object.defineProperty(out, "bonds", {
    enumerable: true,
    configurable: true,
    get(this: ResearchEpochOutput) {
      if (!built) {
        built = [];
        for (let i = 0; i < V; i++) built.push(toArray(flat, i * N, N));
      }
      settle(this, built);
      return built;
    },
    set(this: ResearchEpochOutput, value: number[][]) {
      if (!settle(this, value)) throw new TypeError("Cannot assign to read only property 'bonds' of object");
    },
  });
  return out;
}

export function runFlat(wasm: ResearchExports, enc: EncodedResearch): FlatResearchResult {
  return runFlatWith(wasm, enc, feedEncoded(enc));
}

export function runToOutput(wasm: ResearchExports, enc: EncodedResearch, prefix = ""): ResearchOutput {
  return runOutputWith(wasm, enc, feedEncoded(enc), prefix);
}

/** runFlat on a checked header: each epoch validated as it is written into linear memory. */
export function runFlatStreamed(wasm: ResearchExports, h: ResearchHeader): FlatResearchResult {
  return runFlatWith(wasm, h, feedStreamed(wasm, h));
}

/** runToOutput on a checked header: each epoch validated as it is written into linear memory. */
export function runToOutputStreamed(wasm: ResearchExports, h: ResearchHeader): ResearchOutput {
  return runOutputWith(wasm, h, feedStreamed(wasm, h), h.prefix);
}

function per1000Overflow(prefix: string, e: number, i: number): never {
  throw new YumaInputError(
    `${prefix}params.totalEpochEmission`,
    `makes epochs[${e}]'s dividendsPer1000Tao of validator ${i} overflow float64 (totalEpochEmission / totalSubnetStake too large)`,
  );
}

/**
 * Refuse results that are not finite numbers (JSON has none, and a reader would take the
 * null for data). With validated inputs only the dividends per 1000 TAO can overflow:
 * ratio·Dn·totalEpochEmission divided by a stake share of totalSubnetStake above f64's range.
 */
export function checkFiniteResults(r: FlatResearchResult, prefix = ""): void {
  const per = r.dividendsPer1000Tao;
  for (let k = 0; k < per.length; k++) {
    if (Number.isFinite(per[k]!)) continue;
    per1000Overflow(prefix, Math.floor(k / r.validators), k % r.validators);
  }
}

/** Flat results → the output shape of the file format (bonds rows built when first read). */
export function flatToOutput(r: FlatResearchResult): ResearchOutput {
  const { validators: V, servers: N } = r;
  const epochs: ResearchEpochOutput[] = [];
  for (let e = 0; e < r.epochs; e++) {
    epochs.push(epochOutput(
      toArray(r.consensus, e * N, N), toArray(r.incentive, e * N, N),
      r.bonds.subarray(e * V * N, (e + 1) * V * N), V, N,
      toArray(r.dividends, e * V, V), toArray(r.dividendsPer1000Tao, e * V, V),
    ));
  }
  return { epochs };
}

/** A plain array of `n` numbers from `src[at..]` (a tight loop: faster than Array.from;
 *  preallocated up to lengths V8 keeps in fast elements, grown by push beyond). */
function toArray(src: Float64Array | Float32Array, at: number, n: number): number[] {
  if (n <= 32768) {
    const out = new Array<number>(n);
    for (let k = 0; k < n; k++) out[k] = src[at + k]!;
    return out;
  }
  const out: number[] = [];
  for (let k = 0; k < n; k++) out.push(src[at + k]!);
  return out;
}
