// Research mode: float epoch kernels for the Yuma variants YUMA1, YUMA2, YUMA2B, YUMA2C, YUMA3
// and YUMA3_LIQUID on dense V×N subnets, in two semantics:
//
// * chain-like (default): the float64 image of subtensor's epoch (assembly/research/chain.ts).
// * peerCompat: true — bactensor/yuma-simulation 0.1.1 reproduced operation by operation,
//   including its float32 tensors and torch's summation order (assembly/research/peer.ts).
//
// `runResearch` runs one input synchronously; `runResearchBatch` runs many (parameter
// sweeps) on a fixed-size pool of worker threads that share one compiled module.

import type { Piscina } from "piscina";
import { coreCount } from "./cores.js";
import { YumaInputError } from "../errors.js";
import { checkKeys } from "../input.js";
import { requireThreads } from "../validate.js";
import { checkFiniteResults, flatOnBuffer, flatToOutput, runFlatStreamed, runToOutput, runToOutputStreamed, type FlatResearchResult } from "./run.js";
import type { ResearchInput, ResearchOptions, ResearchOutput } from "./types.js";
import { encodeResearch, researchHeader, type EncodedResearch } from "./validate.js";
import { getResearchModule, releaseResearchEngine, researchEngine } from "./wasm.js";

export type {
  ResearchEpochInput, ResearchEpochOutput, ResearchInput, ResearchOptions, ResearchOutput, ResearchParams, YumaVersion,
} from "./types.js";
export { DEFAULT_RESEARCH_PARAMS, RESEARCH_FORMAT, YUMA_VERSIONS, encodeResearch, type EncodedResearch } from "./validate.js";
export { researchReady, getResearchModule, setResearchModule } from "./wasm.js";

/**
 * Run every epoch of one research input; returns per epoch the consensus, incentive, bonds
 * after the epoch, normalised dividends and dividends per 1000 TAO. Validates the input first
 * (YumaInputError naming the field and the rule). Missing parameters take yuma-simulation's
 * dataclass defaults (DEFAULT_RESEARCH_PARAMS; bondPenalty 1 where the peer has None).
 *
 * What the outputs hold:
 * - consensus: chain-like the κ-quantile of each server's normalised weights; peer-compatible
 *   the normalised, 1/65535-truncated consensus (−2147483648/65535 in float32 when all are 0).
 * - bonds: the state carried to the next epoch — Yuma 1/2/2B column-normalised bonds (the
 *   peer's Yuma 2/2B EMA is not renormalised), Yuma 2C capacity bonds (chain-like in units of
 *   stake share, peer-compatible in units of the peer's 2^64 capacity), Yuma 3 bonds in [0, 1].
 *   Its V rows are built the first time `bonds` is read (an own enumerable property, then a
 *   plain one): callers that read only consensus, incentive and dividends pay nothing for them,
 *   and JSON.stringify, spreads and deep equality see plain arrays. Until then an epoch keeps
 *   the call's bond buffer (all epochs', E×V×N values) alive.
 * - dividendsPer1000Tao: validatorEmissionRatio·Dn·totalEpochEmission / (s·totalSubnetStake/1000),
 *   0 when that stake ≤ 1e-6, with s the normalised stake (chain-like) or the stake as given
 *   (peer-compatible, as yuma-simulation's `_compute_dividend_for_validator` uses the case's
 *   stake tensor; the same when the stakes sum to 1).
 *
 * Liquid alpha: chain-like, it applies to Yuma 3 only (as on chain), from the first epoch on,
 * in epochs where some consensus is non-zero; peer-compatible, YUMA1/2/2B/3 use it from the
 * second epoch on when `liquidAlpha` is set, as the peer does (YUMA3_LIQUID always; YUMA2C
 * never). The consensus it compares with is the current one, the previous epoch's, or the
 * larger of the two (`liquidAlphaConsensusMode`; chain-like, "previous" uses the current
 * consensus in the first epoch). Winner takes all: 1/k to each of the k servers tied at the
 * highest rank; chain-like, no incentive when every rank is 0 (the peer then splits over all).
 *
 * In a browser's main thread call `await researchReady()` first (synchronous compilation of
 * the module is not allowed there).
 */
export function runResearch(input: ResearchInput, options: ResearchOptions = {}): ResearchOutput {
  // Checked up to the epochs here; each epoch is checked as it is written into the kernels'
  // memory (an invalid one throws before it runs, and nothing is returned).
  const h = researchHeader(input, options);
  try {
    return runToOutputStreamed(researchEngine(), h);
  } finally {
    releaseResearchEngine();
  }
}

/**
 * `runResearch` with the outputs as typed arrays, epoch-major (`consensus`, `incentive`: E×N;
 * `bonds`: E×V×N; `dividends`, `dividendsPer1000Tao`: E×V), on one buffer: no array per row
 * and epoch, for callers that process large runs (sweeps, big subnets) numerically.
 */
export function runResearchFlat(input: ResearchInput, options: ResearchOptions = {}): FlatResearchResult {
  const h = researchHeader(input, options);
  try {
    const r = runFlatStreamed(researchEngine(), h);
    checkFiniteResults(r);
    return r;
  } finally {
    releaseResearchEngine();
  }
}

/** A task for the research worker (src/research/worker.ts). */
export interface ResearchTask {
  enc: EncodedResearch;
  /** The compiled module, for pools that were not created with it in their workerData. */
  module?: WebAssembly.Module;
}

export interface ResearchBatchOptions {
  /** Worker threads of the pool created for this call (default: available cores, at most one
   *  per input). 1 runs the inputs on the calling thread. Ignored when `pool` is given. */
  threads?: number;
  /** A pool to run on instead (e.g. from `createResearchPool`); it is left open. */
  pool?: Piscina;
  /** Options applied to every input. */
  options?: ResearchOptions;
}

const BATCH_OPTION_KEYS: ReadonlySet<string> = new Set(["threads", "pool", "options"]);

/** The worker script: next to this module in the package (dist/), or dist/ from the sources. */
function workerUrl(): URL {
  const here = import.meta.url;
  return here.endsWith(".ts")
    ? new URL("../../dist/research-worker.js", here)
    : new URL("./research-worker.js", here);
}

/**
 * A fixed-size pool of research workers. The module is compiled once, here, and handed to
 * every worker in its workerData. Pass it to `runResearchBatch({ pool })`; `close()` it when done.
 */
export async function createResearchPool(threads?: number): Promise<Piscina> {
  const { Piscina: PiscinaClass } = await import("piscina");
  const size = threads === undefined ? await coreCount() : requireThreads(threads);
  return new PiscinaClass({
    filename: workerUrl().href,
    minThreads: size,
    maxThreads: size,
    idleTimeout: Number.MAX_SAFE_INTEGER,
    workerData: { researchModule: getResearchModule() },
  });
}

/**
 * Run many research inputs (e.g. a parameter sweep) in parallel; results are in input order.
 * Every input is validated before any work starts (field paths are prefixed with `inputs[k].`).
 */
export async function runResearchBatch(
  inputs: ResearchInput[],
  opts: ResearchBatchOptions = {},
): Promise<ResearchOutput[]> {
  if (!Array.isArray(inputs)) throw new YumaInputError("inputs", "must be an array");
  if (typeof opts !== "object" || opts === null || Array.isArray(opts)) throw new YumaInputError("options", "must be an object { threads, pool, options }");
  checkKeys(opts, BATCH_OPTION_KEYS, "options", "option");
  const encoded = inputs.map((input, k) => encodeResearch(input, opts.options, `inputs[${k}].`));
  if (encoded.length === 0) return [];
  if (opts.pool) return runOnPool(opts.pool, encoded, getResearchModule());
  if (opts.threads !== undefined) requireThreads(opts.threads);
  const threads = Math.min(opts.threads ?? (await coreCount()), encoded.length);
  if (threads === 1) {
    return encoded.map((enc, k) => {
      try {
        return runToOutput(researchEngine(), enc, `inputs[${k}].`);
      } finally {
        releaseResearchEngine();
      }
    });
  }
  const pool = await createResearchPool(threads);
  try {
    return await runOnPool(pool, encoded);
  } finally {
    await pool.close();
  }
}

/** One task per input; the encoded arrays go to the worker and the result buffer comes back
 *  as transfers (no copies). */
async function runOnPool(pool: Piscina, encoded: EncodedResearch[], module?: WebAssembly.Module): Promise<ResearchOutput[]> {
  return Promise.all(
    encoded.map(async (enc, k) => {
      const task: ResearchTask = module ? { enc, module } : { enc };
      const transferList = [enc.W.buffer as ArrayBuffer, enc.S.buffer as ArrayBuffer];
      if (enc.R) transferList.push(enc.R.buffer as ArrayBuffer);
      const buffer = (await pool.run(task, { transferList })) as ArrayBuffer;
      const flat = flatOnBuffer(enc.validators, enc.servers, enc.epochs, buffer);
      checkFiniteResults(flat, `inputs[${k}].`);
      return flatToOutput(flat);
    }),
  );
}


