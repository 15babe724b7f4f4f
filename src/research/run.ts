// Encoded input → WASM research kernels → flat results → output objects. No numerics here:
// the kernels compute everything; this file only moves arrays in and out of linear memory.

import { YumaInputError } from "../errors.js";
import { checkResearchMemory } from "../memory.js";
import type { ResearchEpochOutput, ResearchOutput } from "./types.js";
import type { EncodedResearch } from "./validate.js";
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

export function runFlat(wasm: ResearchExports, enc: EncodedResearch): FlatResearchResult {
  const V = enc.validators, N = enc.servers, E = enc.epochs;
  if (E > 0) checkResearchMemory(V, N, "W"); // encodeResearch checked it; an EncodedResearch built by hand too
  const res = flatOnBuffer(V, N, E);
  if (E === 0) return res;
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
  const w = new Float64Array(buf, slot(TABLE.W), V * N);
  const s = new Float64Array(buf, slot(TABLE.S), V);
  const c = new Float64Array(buf, slot(TABLE.consensus), N);
  const inc = new Float64Array(buf, slot(TABLE.incentive), N);
  const b = new Float64Array(buf, slot(TABLE.bonds), V * N);
  const d = new Float64Array(buf, slot(TABLE.dividends), V);
  const q = new Float64Array(buf, slot(TABLE.per1000), V);
  const r = new Uint8Array(buf, slot(TABLE.resets), N); // zero after init
  for (let e = 0; e < E; e++) {
    w.set(enc.W.subarray(e * V * N, (e + 1) * V * N));
    s.set(enc.S.subarray(e * V, (e + 1) * V));
    if (enc.R) r.set(enc.R.subarray(e * N, (e + 1) * N));
    wasm.step();
    res.consensus.set(c, e * N);
    res.incentive.set(inc, e * N);
    res.bonds.set(b, e * V * N);
    res.dividends.set(d, e * V);
    res.dividendsPer1000Tao.set(q, e * V);
  }
  return res;
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
    const e = Math.floor(k / r.validators), i = k % r.validators;
    throw new YumaInputError(
      `${prefix}params.totalEpochEmission`,
      `makes epochs[${e}]'s dividendsPer1000Tao of validator ${i} overflow float64 (totalEpochEmission / totalSubnetStake too large)`,
    );
  }
}

/** Flat results → the output shape of the file format. */
export function flatToOutput(r: FlatResearchResult): ResearchOutput {
  const { validators: V, servers: N } = r;
  const epochs: ResearchEpochOutput[] = [];
  for (let e = 0; e < r.epochs; e++) {
    const bonds: number[][] = [];
    for (let i = 0; i < V; i++) bonds.push(toArray(r.bonds, (e * V + i) * N, N));
    epochs.push({
      consensus: toArray(r.consensus, e * N, N),
      incentive: toArray(r.incentive, e * N, N),
      bonds,
      dividends: toArray(r.dividends, e * V, V),
      dividendsPer1000Tao: toArray(r.dividendsPer1000Tao, e * V, V),
    });
  }
  return { epochs };
}

/** A plain array of `n` numbers from `src[at..]` (a tight loop: faster than Array.from). */
function toArray(src: Float64Array, at: number, n: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < n; k++) out.push(src[at + k]!);
  return out;
}
