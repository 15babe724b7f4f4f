// The API edge: every field is checked and converted to the typed arrays the WASM side
// reads. Errors name the field and the rule; nothing invalid goes further.

import { YumaInputError } from "./errors.js";
import { checkKeys, ownRecord, quote } from "./input.js";
import type { EpochInputs, EpochParams, SparseMatrix } from "./types.js";

export const U64_MAX = (1n << 64n) - 1n;
const STAKE_TOTAL_LIMIT = 1n << 63n;
const DECIMAL = /^(0|[1-9][0-9]*)$/;

/** A subnet's sparse matrix in compact CSR form (row offsets, uids, u16 values). */
export interface CsrU16 {
  start: Uint32Array;
  col: Uint16Array;
  val: Uint16Array;
}

/** Everything one exact epoch needs, validated, as flat typed data. */
export interface EncodedEpoch {
  n: number;
  currentBlock: bigint;
  tempo: bigint;
  activityCutoff: bigint;
  kappa: number;
  bondsPenalty: number;
  bondsMovingAverage: bigint;
  yuma3: boolean;
  liquidAlpha: boolean;
  alphaLow: number;
  alphaHigh: number;
  alphaSigmoidSteepness: number;
  maxAllowedValidators: number;
  stakeThreshold: bigint;
  ownerUid: number; // −1: none
  lastMechanismStepBlock: bigint;
  raoEmission: bigint;
  commitBlocks: BigUint64Array | null; // u64::MAX = no active commit
  stake: BigUint64Array;
  lastUpdate: BigUint64Array;
  blockAtRegistration: BigUint64Array;
  validatorPermit: Uint8Array;
  weights: CsrU16;
  bonds: CsrU16;
}

const fail = (field: string, rule: string): never => {
  throw new YumaInputError(field, rule);
};

function typeName(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return typeof v;
}

/**
 * An object, returned as a null-prototype copy of its own properties: reading a field that
 * is absent gives undefined, never an Object.prototype member (`toString`, `constructor`…).
 * With `allowed`, every other own key is refused ("unknown field").
 */
export function requireObject(v: unknown, field: string, allowed?: ReadonlySet<string>): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) fail(field, `must be an object, got ${typeName(v)}`);
  if (allowed) checkKeys(v as object, allowed, field);
  return ownRecord(v as object);
}

export function requireArray(v: unknown, field: string, length?: number, maxLength?: number): unknown[] {
  if (!Array.isArray(v)) return fail(field, `must be an array, got ${typeName(v)}`);
  if (length !== undefined && v.length !== length) fail(field, `must have length ${length}, got ${v.length}`);
  if (maxLength !== undefined && v.length > maxLength) fail(field, `must have at most ${maxLength} entries, got ${v.length}`);
  requireNoHoles(v, field);
  return v;
}

/**
 * Refuse an array with a hole (`[, 1]`, `new Array(3)`, a deleted index), naming the index.
 * map, forEach, reduce and some skip holes, so a check written with them would pass one and
 * leave it for later code to crash on (or to sum without it). `includes` reads holes as
 * undefined: one native scan, and the index is looked for only when it finds one. An explicit
 * undefined entry is left to the entry's own check.
 */
export function requireNoHoles(v: readonly unknown[], field: string): void {
  if (!v.includes(undefined)) return;
  for (let i = 0; i < v.length; i++) {
    if (!(i in v)) fail(`${field}[${i}]`, "must be given, got a hole (a missing entry of a sparse array)");
  }
}

/** Worker threads of a pool: piscina takes any number, and a huge one exhausts the heap. */
export const MAX_THREADS = 256;

export function requireThreads(v: unknown, field = "threads"): number {
  return requireInt(v, field, 1, MAX_THREADS);
}

/** Raw file contents: a Uint8Array (a Node Buffer is one). */
export function requireBytes(v: unknown, field: string): Uint8Array {
  if (!(v instanceof Uint8Array)) fail(field, `must be a Uint8Array of the file's bytes, got ${typeName(v)}`);
  return v as Uint8Array;
}

export function requireBool(v: unknown, field: string): boolean {
  if (typeof v !== "boolean") fail(field, `must be a boolean, got ${typeName(v)}`);
  return v as boolean;
}

/** An integer in [min, max] given as a JSON number. */
export function requireInt(v: unknown, field: string, min: number, max: number): number {
  if (typeof v !== "number" || !Number.isInteger(v)) return fail(field, `must be an integer, got ${typeName(v) === "number" ? v : typeName(v)}`);
  if (v < min || v > max) fail(field, `must be in ${min}..=${max}, got ${v}`);
  return v;
}

export const requireU16 = (v: unknown, field: string): number => requireInt(v, field, 0, 65535);

/** A u64 given as a safe-integer number, a bigint or a decimal string. */
export function requireU64(v: unknown, field: string, max: bigint = U64_MAX): bigint {
  let b: bigint;
  if (typeof v === "bigint") b = v;
  else if (typeof v === "number") {
    if (!Number.isInteger(v)) return fail(field, `must be an integer, got ${v}`);
    if (!Number.isSafeInteger(v)) return fail(field, `must be below 2^53 as a number (use a bigint or decimal string), got ${v}`);
    b = BigInt(v);
  } else if (typeof v === "string") {
    if (!DECIMAL.test(v)) return fail(field, `must be a decimal string of digits without sign or leading zeros, got ${quote(v)}`);
    b = BigInt(v);
  } else return fail(field, `must be an unsigned integer, got ${typeName(v)}`);
  if (b < 0n) fail(field, `must not be negative, got ${b}`);
  if (b > max) fail(field, `must be at most ${max}, got ${b}`);
  return b;
}

/** A rao amount: bigint or decimal string (numbers are refused: they lose precision past 2^53). */
export function requireRao(v: unknown, field: string): bigint {
  if (typeof v === "number") {
    if (Number.isSafeInteger(v) && v >= 0) return BigInt(v);
    return fail(field, `must be a bigint or decimal string of rao, got ${v}`);
  }
  if (typeof v !== "bigint" && typeof v !== "string") return fail(field, `must be a bigint or decimal string of rao, got ${typeName(v)}`);
  return requireU64(v, field);
}

/**
 * How entries whose uid is ≥ n are treated. `"error"` (the API default): refused with a
 * YumaInputError. `"ignore"`: what the chain does with such stored entries (and what the
 * fixture format specifies) — weight entries are dropped on load (`get_weights_sparse`
 * filters them), bond entries are kept and have no effect except that, as on chain, they
 * stop the sorted-merge walk of liquid alpha on an unsorted row.
 */
export type OutOfRangeUids = "error" | "ignore";

/** A sparse matrix of n rows with u16 values and no uid twice in a row. */
export function encodeSparse(v: unknown, field: string, n: number, outOfRange: OutOfRangeUids = "error", keepOutOfRange = false): CsrU16 {
  const rows = requireArray(v, field, n);
  let total = 0;
  for (let i = 0; i < n; i++) total += requireArray(rows[i], `${field}[${i}]`).length;
  const start = new Uint32Array(n + 1);
  const col = new Uint16Array(total);
  const val = new Uint16Array(total);
  const seen = new Int32Array(65536).fill(-1);
  let at = 0;
  for (let i = 0; i < n; i++) {
    start[i] = at;
    const row = rows[i] as unknown[];
    for (let k = 0; k < row.length; k++) {
      const pair = row[k];
      const f = `${field}[${i}][${k}]`;
      if (!Array.isArray(pair) || pair.length !== 2) fail(f, "must be a [uid, value] pair");
      const [uid, value] = pair as [unknown, unknown];
      if (typeof uid !== "number" || !Number.isInteger(uid) || uid < 0 || uid > 65535) {
        fail(`${f}[0]`, `uid must be an integer in 0..${n}, got ${quote(uid)}`);
      }
      const u = uid as number;
      if (u >= n && outOfRange === "error") fail(`${f}[0]`, `uid must be an integer in 0..${n}, got ${u}`);
      const w = requireU16(value, `${f}[1]`);
      if (seen[u] === i) fail(`${f}[0]`, `uid ${u} appears twice in row ${i}`);
      seen[u] = i;
      if (u >= n && !keepOutOfRange) continue;
      col[at] = u;
      val[at] = w;
      at++;
    }
  }
  start[n] = at;
  return { start, col: at === total ? col : col.slice(0, at), val: at === total ? val : val.slice(0, at) };
}

function u64Vector(v: unknown, field: string, length: number | undefined, maxLength?: number): BigUint64Array {
  const arr = requireArray(v, field, length, maxLength);
  const out = new BigUint64Array(arr.length);
  for (let i = 0; i < arr.length; i++) out[i] = requireU64(arr[i], `${field}[${i}]`);
  return out;
}

/**
 * LastUpdate as the epoch reads it: subtensor's `get_last_update` pads the stored vector
 * with zeros up to n, so a missing trailing uid counts as updated at block 0.
 */
export function encodeLastUpdate(v: unknown, field: string, n: number): BigUint64Array {
  const stored = u64Vector(v, field, undefined, n);
  if (stored.length === n) return stored;
  const padded = new BigUint64Array(n);
  padded.set(stored);
  return padded;
}

export function encodeCommitBlocks(v: unknown, field: string, n: number): BigUint64Array | null {
  if (v === null) return null;
  const arr = requireArray(v, field, n);
  const out = new BigUint64Array(n);
  for (let i = 0; i < n; i++) out[i] = arr[i] === null ? U64_MAX : requireU64(arr[i], `${field}[${i}]`);
  return out;
}

export function encodeStake(v: unknown, field: string, n: number): BigUint64Array {
  const arr = requireArray(v, field, n);
  const out = new BigUint64Array(n);
  let total = 0n;
  for (let i = 0; i < n; i++) {
    out[i] = requireRao(arr[i], `${field}[${i}]`);
    total += out[i]!;
  }
  if (total >= STAKE_TOTAL_LIMIT) fail(field, `total stake must be below 2^63 rao, got ${total}`);
  return out;
}

/** The fields of an epoch's `params` (test/fixtures/FORMAT.md); any other key is refused. */
export const PARAM_KEYS: ReadonlySet<string> = new Set([
  "n", "currentBlock", "tempo", "activityCutoff", "kappa", "bondsPenalty", "bondsMovingAverage", "yuma3",
  "liquidAlpha", "alphaLow", "alphaHigh", "alphaSigmoidSteepness", "maxAllowedValidators", "stakeThreshold",
  "ownerUid", "lastMechanismStepBlock", "raoEmission", "commitBlocks",
]);
/** The fields of an epoch's `inputs`; any other key is refused. */
export const INPUT_KEYS: ReadonlySet<string> = new Set([
  "stake", "lastUpdate", "blockAtRegistration", "validatorPermit", "weights", "bonds",
]);
/**
 * Top-level fields of a trajectory: `params`, `inputs`, `epochs`, and the fixture header and
 * reference outputs (`format`, `kind`, `name`, `description`, `expected`, `trace`), which the
 * engine does not read. Any other key is refused.
 */
export const TRAJECTORY_KEYS: ReadonlySet<string> = new Set([
  "params", "inputs", "epochs", "format", "kind", "name", "description", "expected", "trace",
]);
/** Fields of a trajectory epoch (overrides, plus the fixture's `expected` and `trace`). */
export const TRAJECTORY_EPOCH_KEYS: ReadonlySet<string> = new Set([
  "currentBlock", "lastMechanismStepBlock", "raoEmission", "stake", "lastUpdate", "blockAtRegistration",
  "weights", "commitBlocks", "expected", "trace",
]);

/** A trajectory object with its keys checked (own properties only). */
export function requireTrajectory(v: unknown): Record<string, unknown> {
  return requireObject(v, "trajectory", TRAJECTORY_KEYS);
}

/** Epoch `k` of a trajectory, keys checked (own properties only). */
export function requireTrajectoryEpoch(v: unknown, k: number): Record<string, unknown> {
  return requireObject(v, `epochs[${k}]`, TRAJECTORY_EPOCH_KEYS);
}

/**
 * Validate params + inputs (throwing a YumaInputError naming the field) and flatten them into
 * typed arrays for the WASM epoch; `runEncoded(instantiate(), encoded)` then runs it.
 */
export function encodeEpoch(paramsIn: EpochParams, inputsIn: EpochInputs, outOfRange: OutOfRangeUids = "error"): EncodedEpoch {
  const p = requireObject(paramsIn, "params", PARAM_KEYS);
  const inp = requireObject(inputsIn, "inputs", INPUT_KEYS);
  const n = requireInt(p.n, "params.n", 0, 65535);
  const alphaLow = requireU16(p.alphaLow, "params.alphaLow");
  const alphaHigh = requireU16(p.alphaHigh, "params.alphaHigh");
  if (alphaLow > alphaHigh) fail("params.alphaLow", `must not exceed params.alphaHigh (${alphaLow} > ${alphaHigh})`);
  let ownerUid = -1;
  if (p.ownerUid !== null) {
    if (p.ownerUid === undefined) fail("params.ownerUid", "is required (null when the owner has no uid)");
    ownerUid = requireInt(p.ownerUid, "params.ownerUid", 0, 65535);
    if (ownerUid >= n) fail("params.ownerUid", `must be a uid below n = ${n} or null, got ${ownerUid}`);
  }
  if (p.commitBlocks === undefined) fail("params.commitBlocks", "is required (null when commit-reveal is off)");
  const stake = encodeStake(inp.stake, "inputs.stake", n);
  const permits = requireArray(inp.validatorPermit, "inputs.validatorPermit", n);
  const validatorPermit = new Uint8Array(n);
  for (let i = 0; i < n; i++) validatorPermit[i] = requireBool(permits[i], `inputs.validatorPermit[${i}]`) ? 1 : 0;
  return {
    n,
    currentBlock: requireU64(p.currentBlock, "params.currentBlock"),
    tempo: BigInt(requireU16(p.tempo, "params.tempo")),
    activityCutoff: requireU64(p.activityCutoff, "params.activityCutoff"),
    kappa: requireU16(p.kappa, "params.kappa"),
    bondsPenalty: requireU16(p.bondsPenalty, "params.bondsPenalty"),
    bondsMovingAverage: requireU64(p.bondsMovingAverage, "params.bondsMovingAverage", 1_000_000n),
    yuma3: requireBool(p.yuma3, "params.yuma3"),
    liquidAlpha: requireBool(p.liquidAlpha, "params.liquidAlpha"),
    alphaLow,
    alphaHigh,
    alphaSigmoidSteepness: requireInt(p.alphaSigmoidSteepness, "params.alphaSigmoidSteepness", -32768, 32767),
    maxAllowedValidators: requireU16(p.maxAllowedValidators, "params.maxAllowedValidators"),
    stakeThreshold: requireRao(p.stakeThreshold, "params.stakeThreshold"),
    ownerUid,
    lastMechanismStepBlock: requireU64(p.lastMechanismStepBlock, "params.lastMechanismStepBlock"),
    raoEmission: requireRao(p.raoEmission, "params.raoEmission"),
    commitBlocks: encodeCommitBlocks(p.commitBlocks, "params.commitBlocks", n),
    stake,
    lastUpdate: encodeLastUpdate(inp.lastUpdate, "inputs.lastUpdate", n),
    blockAtRegistration: u64Vector(inp.blockAtRegistration, "inputs.blockAtRegistration", n),
    validatorPermit,
    weights: encodeSparse(inp.weights, "inputs.weights", n, outOfRange, false),
    bonds: encodeSparse(inp.bonds, "inputs.bonds", n, outOfRange, true),
  };
}

export type { EpochInputs, EpochParams, SparseMatrix };
