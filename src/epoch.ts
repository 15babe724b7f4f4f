// validate → encode into linear memory → WASM epoch → decode.

import { FLAGS, OUTPUT, PARAMS } from "./layout.js";
import type { CsrU16, EncodedEpoch, OutOfRangeUids } from "./validate.js";
import { encodeEpoch, requireArray, requireTrajectory, requireTrajectoryEpoch, encodeCommitBlocks, encodeLastUpdate, encodeSparse, encodeStake, requireRao, requireU64 } from "./validate.js";
import type { EpochInputs, EpochOptions, EpochOutputs, EpochParams, EpochShares, EpochTrace, SparseMatrix, Trajectory } from "./types.js";
import { engine, releaseEngine, type YumaExports } from "./wasm.js";
import { checkEpochMemory, epochInputSizes } from "./memory.js";
import { YumaInputError } from "./errors.js";

/** Raw outputs as typed arrays (views copied out of WASM memory). */
export interface RawEpochOutputs {
  n: number;
  /** The output block in WASM memory (valid until the instance's next call). */
  ptr: number;
  active: Uint8Array;
  stakeWeight: Uint16Array;
  consensus: Uint16Array;
  incentive: Uint16Array;
  dividends: Uint16Array;
  validatorTrust: Uint16Array;
  newValidatorPermit: Uint8Array;
  serverEmission: BigUint64Array;
  validatorEmission: BigUint64Array;
  emission: BigUint64Array;
  bonds: CsrU16;
  trace?: EpochTrace;
  shares?: EpochShares;
}

/** Write an encoded epoch into the instance's memory and run it. Returns the output block pointer. */
export function runEncoded(wasm: YumaExports, e: EncodedEpoch, trace = false, shares = false): RawEpochOutputs {
  const raw = decodeRaw(wasm, runEncodedInPlace(wasm, e, trace), e.n, trace);
  if (shares) raw.shares = decodeShares(wasm, raw.ptr, e.n);
  return raw;
}

/**
 * Write an encoded epoch into the instance's memory and run it; returns the pointer of the
 * EpochOutput block (layout in src/layout.ts), valid until the instance's next call. For
 * callers that read only some outputs (the network simulator) without copying them all.
 */
export function runEncodedInPlace(wasm: YumaExports, e: EncodedEpoch, trace = false): number {
  const n = e.n;
  const wn = e.weights.col.length, bn = e.bonds.col.length;
  const luLen = e.lastUpdate.length;
  // Refused before anything is written if a wasm32 memory cannot hold the epoch.
  checkEpochMemory(e, trace);
  // One allocation for the whole input block, so memory can only grow once before writing.
  const sizes = epochInputSizes(e);
  const total = sizes.reduce((a, b) => a + b, 0);
  wasm.reset();
  const base = wasm.alloc(total);
  const offs: number[] = [];
  let at = base;
  for (const s of sizes) { offs.push(at); at += s; }
  const buf = wasm.memory.buffer;
  const u8 = new Uint8Array(buf);
  const dv = new DataView(buf);
  const [pp, stakeP, luP, regP, permitP, commitP, wsP, wcP, wvP, bsP, bcP, bvP] = offs as [
    number, number, number, number, number, number, number, number, number, number, number, number];
  new BigUint64Array(buf, stakeP, n).set(e.stake);
  new BigUint64Array(buf, luP, luLen).set(e.lastUpdate);
  new BigUint64Array(buf, regP, n).set(e.blockAtRegistration);
  u8.set(e.validatorPermit, permitP);
  if (e.commitBlocks) new BigUint64Array(buf, commitP, n).set(e.commitBlocks);
  new Uint32Array(buf, wsP, n + 1).set(e.weights.start);
  new Uint16Array(buf, wcP, wn).set(e.weights.col);
  new Uint16Array(buf, wvP, wn).set(e.weights.val);
  new Uint32Array(buf, bsP, n + 1).set(e.bonds.start);
  new Uint16Array(buf, bcP, bn).set(e.bonds.col);
  new Uint16Array(buf, bvP, bn).set(e.bonds.val);
  let flags = 0;
  if (e.yuma3) flags |= FLAGS.yuma3;
  if (e.liquidAlpha) flags |= FLAGS.liquid;
  if (e.commitBlocks) flags |= FLAGS.commitReveal;
  if (e.ownerUid >= 0) flags |= FLAGS.owner;
  if (trace) flags |= FLAGS.trace;
  dv.setUint32(pp + PARAMS.n, n, true);
  dv.setUint32(pp + PARAMS.flags, flags, true);
  dv.setUint32(pp + PARAMS.kappa, e.kappa, true);
  dv.setUint32(pp + PARAMS.bondsPenalty, e.bondsPenalty, true);
  dv.setUint32(pp + PARAMS.alphaLow, e.alphaLow, true);
  dv.setUint32(pp + PARAMS.alphaHigh, e.alphaHigh, true);
  dv.setInt32(pp + PARAMS.steepness, e.alphaSigmoidSteepness, true);
  dv.setUint32(pp + PARAMS.maxValidators, e.maxAllowedValidators, true);
  dv.setUint32(pp + PARAMS.owner, Math.max(e.ownerUid, 0), true);
  dv.setUint32(pp + PARAMS.lastUpdateLen, luLen, true);
  dv.setBigUint64(pp + PARAMS.currentBlock, e.currentBlock, true);
  dv.setBigUint64(pp + PARAMS.tempo, e.tempo, true);
  dv.setBigUint64(pp + PARAMS.activityCutoff, e.activityCutoff, true);
  dv.setBigUint64(pp + PARAMS.bma, e.bondsMovingAverage, true);
  dv.setBigUint64(pp + PARAMS.stakeThreshold, e.stakeThreshold, true);
  dv.setBigUint64(pp + PARAMS.lms, e.lastMechanismStepBlock, true);
  dv.setBigUint64(pp + PARAMS.rao, e.raoEmission, true);
  const ptrs: Array<[number, number]> = [
    [PARAMS.stake, stakeP], [PARAMS.lastUpdate, luP], [PARAMS.registration, regP], [PARAMS.permit, permitP],
    [PARAMS.commit, commitP], [PARAMS.wStart, wsP], [PARAMS.wCol, wcP], [PARAMS.wVal, wvP],
    [PARAMS.bStart, bsP], [PARAMS.bCol, bcP], [PARAMS.bVal, bvP],
  ];
  for (const [off, p] of ptrs) dv.setUint32(pp + off, p, true);

  return wasm.epoch(pp);
}

/** The three normalised share vectors (I32F32 raw) of an EpochOutput block, copied out. */
export function decodeShares(wasm: YumaExports, out: number, n: number): EpochShares {
  const buf = wasm.memory.buffer;
  const dv = new DataView(buf);
  const i64 = (off: number) => {
    const p = dv.getUint32(out + off, true);
    return new BigInt64Array(buf.slice(p, p + n * 8));
  };
  return { server: i64(OUTPUT.serverShare), validator: i64(OUTPUT.validatorShare), combined: i64(OUTPUT.combinedShare) };
}

function decodeRaw(wasm: YumaExports, out: number, n: number, trace: boolean): RawEpochOutputs {
  // The epoch may have grown memory: take fresh views.
  const buf = wasm.memory.buffer;
  const dv = new DataView(buf);
  const p = (off: number) => dv.getUint32(out + off, true);
  const u8 = (off: number) => new Uint8Array(buf, p(off), n).slice();
  const u16 = (off: number) => new Uint16Array(buf, p(off), n).slice();
  const u64 = (off: number) => new BigUint64Array(buf.slice(p(off), p(off) + n * 8));
  const csr = (s: number, c: number, v: number, wide: boolean) => {
    const start = new Uint32Array(buf, p(s), n + 1).slice();
    const total = start[n]!;
    const col = new Uint16Array(buf, p(c), total).slice();
    const val = wide ? new BigInt64Array(buf.slice(p(v), p(v) + total * 8)) : new Uint16Array(buf, p(v), total).slice();
    return { start, col, val };
  };
  const bonds = csr(OUTPUT.bondsStart, OUTPUT.bondsCol, OUTPUT.bondsVal, false) as CsrU16;
  const raw: RawEpochOutputs = {
    n,
    ptr: out,
    active: u8(OUTPUT.active),
    stakeWeight: u16(OUTPUT.stakeWeight),
    consensus: u16(OUTPUT.consensus),
    incentive: u16(OUTPUT.incentive),
    dividends: u16(OUTPUT.dividends),
    validatorTrust: u16(OUTPUT.trust),
    newValidatorPermit: u8(OUTPUT.permit),
    serverEmission: u64(OUTPUT.server),
    validatorEmission: u64(OUTPUT.validator),
    emission: u64(OUTPUT.emission),
    bonds,
  };
  if (trace) {
    const i64 = (off: number) => Array.from(new BigInt64Array(buf.slice(p(off), p(off) + n * 8)));
    const sparse = (s: number, c: number, v: number) => {
      const m = csr(s, c, v, true);
      const rows: Array<Array<[number, bigint]>> = [];
      for (let i = 0; i < n; i++) {
        const row: Array<[number, bigint]> = [];
        for (let k = m.start[i]!; k < m.start[i + 1]!; k++) row.push([m.col[k]!, (m.val as BigInt64Array)[k]!]);
        rows.push(row);
      }
      return rows;
    };
    raw.trace = {
      stake: i64(OUTPUT.tStake),
      activeStake: i64(OUTPUT.tActiveStake),
      weights: sparse(OUTPUT.tWStart, OUTPUT.tWCol, OUTPUT.tWVal),
      consensus: i64(OUTPUT.tConsensus),
      validatorTrust: i64(OUTPUT.tTrust),
      incentive: i64(OUTPUT.tIncentive),
      dividends: i64(OUTPUT.tDividends),
      emaBonds: sparse(OUTPUT.tBStart, OUTPUT.tBCol, OUTPUT.tBVal),
    };
  }
  return raw;
}

export function csrToRows(m: CsrU16): SparseMatrix {
  const n = m.start.length - 1;
  const rows: SparseMatrix = [];
  for (let i = 0; i < n; i++) {
    const row: Array<[number, number]> = [];
    for (let k = m.start[i]!; k < m.start[i + 1]!; k++) row.push([m.col[k]!, m.val[k]!]);
    rows.push(row);
  }
  return rows;
}

export function rawToOutputs(r: RawEpochOutputs): EpochOutputs {
  const out: EpochOutputs = {
    active: Array.from(r.active, (v) => v !== 0),
    stakeWeight: Array.from(r.stakeWeight),
    consensus: Array.from(r.consensus),
    incentive: Array.from(r.incentive),
    dividends: Array.from(r.dividends),
    validatorTrust: Array.from(r.validatorTrust),
    newValidatorPermit: Array.from(r.newValidatorPermit, (v) => v !== 0),
    serverEmission: Array.from(r.serverEmission),
    validatorEmission: Array.from(r.validatorEmission),
    emission: Array.from(r.emission),
    bonds: csrToRows(r.bonds),
  };
  if (r.trace) out.trace = r.trace;
  if (r.shares) out.shares = r.shares;
  return out;
}

function outOfRangeOption(o: EpochOptions): OutOfRangeUids {
  const v = o.outOfRangeUids ?? "error";
  if (v !== "error" && v !== "ignore") throw new YumaInputError("options.outOfRangeUids", `must be "error" or "ignore", got ${JSON.stringify(v)}`);
  return v;
}

/**
 * Run one exact epoch (subtensor `epoch_mechanism`). `params`/`inputs` use the fixture field
 * names, so a parsed fixture's `params` and `inputs` can be passed straight in. Everything is
 * also checked at run time: bad input throws a {@link YumaInputError} naming the field.
 */
export function runEpoch(params: EpochParams, inputs: EpochInputs, options: EpochOptions = {}): EpochOutputs {
  const encoded = encodeEpoch(params, inputs, outOfRangeOption(options));
  try {
    return rawToOutputs(runEncoded(engine(), encoded, options.trace === true, options.shares === true));
  } finally {
    releaseEngine();
  }
}

/**
 * Run a trajectory: epochs in sequence, carrying bonds and validator permits from each epoch
 * to the next as the chain does, applying each epoch's overrides from then on.
 */
export function runTrajectory(trajectory: Trajectory, options: EpochOptions = {}): EpochOutputs[] {
  // Checked at run time too: plain-JS callers and parsed JSON reach here unchecked.
  const t = requireTrajectory(trajectory) as unknown as Trajectory;
  const epochs = requireArray(t.epochs, "epochs");
  const outOfRange = outOfRangeOption(options);
  const base = encodeEpoch(t.params, t.inputs, outOfRange);
  const results: EpochOutputs[] = [];
  let state: EncodedEpoch = { ...base };
  const n = base.n;
  const wasm = engine();
  try {
    for (let k = 0; k < epochs.length; k++) {
      const ep = requireTrajectoryEpoch(epochs[k], k);
      const f = (name: string) => `epochs[${k}].${name}`;
      const next: EncodedEpoch = { ...state };
      if (ep.currentBlock === undefined) throw new YumaInputError(f("currentBlock"), "is required");
      next.currentBlock = requireU64(ep.currentBlock, f("currentBlock"));
      if (ep.lastMechanismStepBlock !== undefined) next.lastMechanismStepBlock = requireU64(ep.lastMechanismStepBlock, f("lastMechanismStepBlock"));
      else if (k === 0) next.lastMechanismStepBlock = base.lastMechanismStepBlock;
      else next.lastMechanismStepBlock = state.currentBlock;
      next.raoEmission = ep.raoEmission !== undefined ? requireRao(ep.raoEmission, f("raoEmission")) : base.raoEmission;
      if (ep.stake !== undefined) next.stake = encodeStake(ep.stake, f("stake"), n);
      if (ep.lastUpdate !== undefined) next.lastUpdate = encodeLastUpdate(ep.lastUpdate, f("lastUpdate"), n);
      if (ep.blockAtRegistration !== undefined) {
        const arr = requireArray(ep.blockAtRegistration, f("blockAtRegistration"), n);
        next.blockAtRegistration = BigUint64Array.from(arr, (v, i) => requireU64(v, `${f("blockAtRegistration")}[${i}]`));
      }
      if (ep.weights !== undefined) next.weights = encodeSparse(ep.weights, f("weights"), n, outOfRange, false);
      if (ep.commitBlocks !== undefined) next.commitBlocks = encodeCommitBlocks(ep.commitBlocks, f("commitBlocks"), n);
      checkEpochMemory(next, options.trace === true, k === 0 && ep.weights === undefined ? "inputs" : `epochs[${k}]`);
      const raw = runEncoded(wasm, next, options.trace === true, options.shares === true);
      results.push(rawToOutputs(raw));
      // Carry-over: the bonds and permits this epoch wrote are the next epoch's inputs.
      next.bonds = raw.bonds;
      next.validatorPermit = raw.newValidatorPermit;
      state = next;
    }
  } finally {
    releaseEngine();
  }
  return results;
}
