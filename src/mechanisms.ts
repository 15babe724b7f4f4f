// A subnet epoch with several incentive mechanisms (subtensor @14bc6f9f9
// `subnets/mechanism.rs::epoch_with_mechanisms`): the subnet's emission is split between its
// mechanisms (`split_emissions`), each mechanism runs the exact epoch on its own weights,
// bonds and last updates with the subnet's stake, registrations and permits, and the per-uid
// terms are aggregated as the source does — including what it does not aggregate (see
// docs/mechanisms.md). The arithmetic (split, mechanism weights, weighted accumulation) is in
// WASM (assembly/mechanism.ts); this module validates, sequences and decodes.

import { runEpoch } from "./epoch.js";
import { YumaInputError } from "./errors.js";
import { checkKeys } from "./input.js";
import type { EpochInputs, EpochOptions, EpochOutputs, EpochParams, SparseMatrix, U64 } from "./types.js";
import { requireArray, requireObject, requireRao, requireU16 } from "./validate.js";
import { engine, releaseEngine, type YumaExports } from "./wasm.js";

/** subnets/mechanism.rs MAX_MECHANISM_COUNT_PER_SUBNET. */
export const MAX_MECHANISMS = 16;

export interface MechanismInputs {
  weights: SparseMatrix;
  bonds: SparseMatrix;
  lastUpdate: U64[];
}

export interface SubnetEpochParams extends EpochParams {
  /** u16 per mechanism summing to 65535 (a shorter list pads with 0), or null / absent: even. */
  mechanismSplit?: number[] | null;
}

export interface SubnetEpochInputs {
  stake: EpochInputs["stake"];
  blockAtRegistration: EpochInputs["blockAtRegistration"];
  validatorPermit: EpochInputs["validatorPermit"];
  mechanisms: MechanismInputs[];
}

/** The aggregated per-uid terms (`EpochTerms` after the fold), as the source computes them:
 *  the epoch's per-uid fields without bonds. `incentive` is mechanism 0's only (the fold's
 *  `and_modify` does not touch it); the emissions are summed; see docs/mechanisms.md. */
export type AggregateTerms = Pick<EpochOutputs,
  "active" | "stakeWeight" | "consensus" | "incentive" | "dividends" | "validatorTrust" | "newValidatorPermit" | "serverEmission" | "validatorEmission" | "emission">;

export interface SubnetEpochOutputs {
  /** The rao each mechanism received (`split_emissions`). */
  split: bigint[];
  mechanisms: EpochOutputs[];
  aggregate: AggregateTerms;
}

interface MechExports extends YumaExports {
  splitEmissions(alpha: bigint, count: number, splitPtr: number, splitLen: number, out: number): void;
  mechWeight(sub: bigint, rao: bigint, first: number): void;
  mechWeightHi(): bigint;
  mechWeightLo(): bigint;
  weightedAccU16Batch(existing: number, added: number, n: number, hi: bigint, lo: bigint): void;
  weightedAccAlphaBatch(existing: number, added: number, n: number, hi: bigint, lo: bigint): void;
}

const INPUT_KEYS = new Set(["stake", "blockAtRegistration", "validatorPermit", "mechanisms"]);
const MECH_KEYS = new Set(["weights", "bonds", "lastUpdate"]);
const U64_MAX = (1n << 64n) - 1n;

/** The split as u16s (validated: 1..=count entries summing to 65535), or null for even. */
function readSplit(v: unknown, count: number): number[] | null {
  if (v === undefined || v === null) return null;
  const arr = requireArray(v, "params.mechanismSplit");
  if (arr.length === 0 || arr.length > count) throw new YumaInputError("params.mechanismSplit", `must have 1 to ${count} entries (one per mechanism), got ${arr.length}`);
  const s = arr.map((x, i) => requireU16(x, `params.mechanismSplit[${i}]`));
  const total = s.reduce((a, b) => a + b, 0);
  if (total !== 65535) throw new YumaInputError("params.mechanismSplit", `must sum to 65535, got ${total}`);
  return s;
}

/**
 * Run one subnet epoch over its mechanisms. With one mechanism the result is exactly
 * `runEpoch`'s (its weight is 1). Errors name the field, e.g. `inputs.mechanisms[1].weights[3]`.
 */
export function runSubnetEpoch(params: SubnetEpochParams, inputs: SubnetEpochInputs, options: EpochOptions = {}): SubnetEpochOutputs {
  const p = requireObject(params, "params");
  const inp = requireObject(inputs, "inputs");
  checkKeys(inp, INPUT_KEYS, "inputs");
  const mechs = requireArray(inp.mechanisms, "inputs.mechanisms");
  if (mechs.length < 1 || mechs.length > MAX_MECHANISMS) {
    throw new YumaInputError("inputs.mechanisms", `must hold 1 to ${MAX_MECHANISMS} mechanisms (MAX_MECHANISM_COUNT_PER_SUBNET), got ${mechs.length}`);
  }
  const split = readSplit(p.mechanismSplit, mechs.length);
  const { mechanismSplit: _omit, ...epochParams } = p as unknown as SubnetEpochParams;
  void _omit;
  const rao = requireRao(epochParams.raoEmission, "params.raoEmission");
  const w = engine() as MechExports;
  let amounts: bigint[];
  try {
    w.reset();
    const sp = w.alloc(2 * Math.max(1, split?.length ?? 0));
    const out = w.alloc(8 * mechs.length);
    if (split) new Uint16Array(w.memory.buffer, sp, split.length).set(split);
    w.splitEmissions(BigInt.asUintN(64, rao), mechs.length, sp, split?.length ?? 0, out);
    amounts = Array.from(new BigUint64Array(w.memory.buffer, out, mechs.length));
  } finally {
    releaseEngine();
  }
  const outputs = mechs.map((m, k) => {
    const field = `inputs.mechanisms[${k}]`;
    const mo = requireObject(m, field);
    checkKeys(mo, MECH_KEYS, field);
    try {
      return runEpoch(
        { ...epochParams, raoEmission: amounts[k]!.toString() },
        { stake: inp.stake, blockAtRegistration: inp.blockAtRegistration, validatorPermit: inp.validatorPermit, weights: mo.weights, bonds: mo.bonds, lastUpdate: mo.lastUpdate } as EpochInputs,
        options,
      );
    } catch (e) {
      // The epoch names its own inputs; a mechanism's are under its index.
      if (e instanceof YumaInputError && /^inputs\.(weights|bonds|lastUpdate)\b/.test(e.field)) {
        throw new YumaInputError(e.field.replace(/^inputs\./, `${field}.`), e.rule);
      }
      throw e;
    }
  });
  return { split: amounts, mechanisms: outputs, aggregate: aggregate(engine() as MechExports, rao, amounts, outputs) };
}

/** The fold of `epoch_with_mechanisms`, uid by uid in mechanism order: each weighted field is
 *  accumulated in WASM a whole mechanism at a time (`weightedAccU16Batch` / `…AlphaBatch`). */
function aggregate(w: MechExports, rao: bigint, amounts: bigint[], outs: EpochOutputs[]): AggregateTerms {
  const n = outs[0]!.active.length;
  const weights = amounts.map((a, k) => {
    w.mechWeight(a, BigInt.asUintN(64, rao), k === 0 ? 1 : 0);
    return [BigInt.asUintN(64, w.mechWeightHi()), BigInt.asUintN(64, w.mechWeightLo())] as const;
  });
  const U16_FIELDS = ["stakeWeight", "consensus", "dividends", "validatorTrust"] as const;
  const acc: Record<(typeof U16_FIELDS)[number] | "incentive", number[]> = {} as never;
  let emission: bigint[];
  w.reset();
  const cur = w.alloc(4 * n), add = w.alloc(4 * n), cur64 = w.alloc(8 * n), add64 = w.alloc(8 * n);
  try {
    const u32 = (p: number) => new Uint32Array(w.memory.buffer, p, n);
    const u64 = (p: number) => new BigUint64Array(w.memory.buffer, p, n);
    // incentive is mechanism 0's only (the fold's and_modify does not touch it).
    for (const f of [...U16_FIELDS, "incentive"] as const) {
      u32(cur).fill(0);
      const last = f === "incentive" ? 1 : outs.length;
      for (let k = 0; k < last; k++) {
        u32(add).set(outs[k]![f]);
        w.weightedAccU16Batch(cur, add, n, weights[k]![0], weights[k]![1]);
      }
      acc[f] = Array.from(u32(cur));
    }
    u64(cur64).fill(0n);
    for (let k = 0; k < outs.length; k++) {
      u64(add64).set(outs[k]!.emission);
      w.weightedAccAlphaBatch(cur64, add64, n, weights[k]![0], weights[k]![1]);
    }
    emission = Array.from(u64(cur64));
  } finally {
    releaseEngine();
  }
  const sat = (a: bigint, b: bigint) => (a + b > U64_MAX ? U64_MAX : a + b);
  const o0 = outs[0]!;
  const a: AggregateTerms = {
    active: o0.active.slice(),
    stakeWeight: acc.stakeWeight,
    consensus: acc.consensus,
    incentive: acc.incentive,
    dividends: acc.dividends,
    validatorTrust: acc.validatorTrust,
    newValidatorPermit: o0.newValidatorPermit.slice(),
    serverEmission: o0.serverEmission.slice(),
    validatorEmission: o0.validatorEmission.slice(),
    emission,
  };
  for (let k = 1; k < outs.length; k++) {
    const o = outs[k]!;
    for (let u = 0; u < n; u++) {
      a.validatorEmission[u] = sat(a.validatorEmission[u]!, o.validatorEmission[u]!);
      a.serverEmission[u] = sat(a.serverEmission[u]!, o.serverEmission[u]!);
      a.active[u] = a.active[u]! || o.active[u]!;
      a.newValidatorPermit[u] = a.newValidatorPermit[u]! || o.newValidatorPermit[u]!;
    }
  }
  return a;
}

/** JSON of the aggregate (amounts as decimal strings), in the `yuma epoch` output's key order. */
export function aggregateToJson(a: AggregateTerms): Record<string, unknown> {
  const s = (x: bigint[]) => x.map((v) => v.toString());
  return {
    active: a.active, stakeWeight: a.stakeWeight, consensus: a.consensus, incentive: a.incentive, dividends: a.dividends,
    validatorTrust: a.validatorTrust, newValidatorPermit: a.newValidatorPermit,
    serverEmission: s(a.serverEmission), validatorEmission: s(a.validatorEmission), emission: s(a.emission),
  };
}

export interface SubnetTrajectoryEpoch {
  currentBlock: U64;
  lastMechanismStepBlock?: U64;
  raoEmission?: EpochParams["raoEmission"];
  stake?: EpochInputs["stake"];
  blockAtRegistration?: EpochInputs["blockAtRegistration"];
  /** Per mechanism (all of them, in order): new weights and/or last updates from this epoch on. */
  mechanisms?: Array<{ weights?: SparseMatrix; lastUpdate?: U64[] }>;
}

export interface SubnetTrajectory {
  params: SubnetEpochParams;
  inputs: SubnetEpochInputs;
  epochs: SubnetTrajectoryEpoch[];
}

// As for a trajectory (validate.ts): the fixture's `expected` and `trace` are carried, not read.
const TRAJ_KEYS = new Set(["format", "kind", "name", "description", "params", "inputs", "epochs", "expected", "trace"]);
const TRAJ_EPOCH_KEYS = new Set(["currentBlock", "lastMechanismStepBlock", "raoEmission", "stake", "blockAtRegistration", "mechanisms", "expected", "trace"]);
const TRAJ_MECH_KEYS = new Set(["weights", "lastUpdate"]);

/**
 * Subnet epochs in sequence, carrying state as the chain stores it: each mechanism's bonds
 * (`Bonds` at index mecid·4096 + netuid) from its own epoch, and the subnet's validator permits
 * from the aggregate (`persist_netuid_epoch_terms`). `lastMechanismStepBlock` defaults to the
 * previous epoch's block.
 */
export function runSubnetTrajectory(t: SubnetTrajectory, options: EpochOptions = {}): SubnetEpochOutputs[] {
  const doc = requireObject(t, "trajectory");
  checkKeys(doc, TRAJ_KEYS, "trajectory");
  const epochs = requireArray(doc.epochs, "epochs");
  let params = { ...(requireObject(doc.params, "params") as unknown as SubnetEpochParams) };
  const base = requireObject(doc.inputs, "inputs") as unknown as SubnetEpochInputs;
  let inputs: SubnetEpochInputs = { ...base, mechanisms: requireArray(base.mechanisms, "inputs.mechanisms").map((m) => ({ ...(requireObject(m, "inputs.mechanisms[]") as unknown as MechanismInputs) })) };
  const out: SubnetEpochOutputs[] = [];
  let prevBlock: U64 | undefined;
  epochs.forEach((raw, k) => {
    const f = `epochs[${k}]`;
    const ep = requireObject(raw, f);
    checkKeys(ep, TRAJ_EPOCH_KEYS, f);
    if (ep.currentBlock === undefined) throw new YumaInputError(`${f}.currentBlock`, "is required");
    params = { ...params, currentBlock: ep.currentBlock as U64 };
    if (ep.lastMechanismStepBlock !== undefined) params.lastMechanismStepBlock = ep.lastMechanismStepBlock as U64;
    else if (prevBlock !== undefined) params.lastMechanismStepBlock = prevBlock;
    if (ep.raoEmission !== undefined) params.raoEmission = ep.raoEmission as EpochParams["raoEmission"];
    if (ep.stake !== undefined) inputs = { ...inputs, stake: ep.stake as EpochInputs["stake"] };
    if (ep.blockAtRegistration !== undefined) inputs = { ...inputs, blockAtRegistration: ep.blockAtRegistration as EpochInputs["blockAtRegistration"] };
    if (ep.mechanisms !== undefined) {
      const ms = requireArray(ep.mechanisms, `${f}.mechanisms`, inputs.mechanisms.length);
      inputs = {
        ...inputs,
        mechanisms: inputs.mechanisms.map((m, j) => {
          const o = requireObject(ms[j], `${f}.mechanisms[${j}]`);
          checkKeys(o, TRAJ_MECH_KEYS, `${f}.mechanisms[${j}]`);
          return { ...m, ...(o.weights !== undefined ? { weights: o.weights as SparseMatrix } : {}), ...(o.lastUpdate !== undefined ? { lastUpdate: o.lastUpdate as U64[] } : {}) };
        }),
      };
    }
    let r: SubnetEpochOutputs;
    try {
      r = runSubnetEpoch(params, inputs, options);
    } catch (e) {
      if (e instanceof YumaInputError && k > 0) throw new YumaInputError(`${f}.${e.field}`, e.rule);
      throw e;
    }
    out.push(r);
    // Carry-over: each mechanism's bonds, the subnet's permits from the aggregate.
    inputs = {
      ...inputs,
      validatorPermit: r.aggregate.newValidatorPermit.slice(),
      mechanisms: inputs.mechanisms.map((m, j) => ({ ...m, bonds: r.mechanisms[j]!.bonds })),
    };
    prevBlock = params.currentBlock;
  });
  return out;
}
