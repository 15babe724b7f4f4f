// Per-subnet simulation state: flat typed arrays (transferable to and from workers) plus a
// few bigint counters. JSON form (stateToJson / stateFromJson) for snapshots.

import type { ResolvedSubnet } from "./config.js";
import { key, Rng, STREAM } from "./prng.js";
import { fromBase64, toBase64 } from "../digest.js";
import { YumaInputError } from "../errors.js";
import { requireInt, requireObject, requireRao } from "../validate.js";

export interface SubnetState {
  netuid: number;
  n: number;
  stake: BigUint64Array;
  lastUpdate: BigUint64Array;
  registration: BigUint64Array;
  permit: Uint8Array;
  /** Weights as stored on chain, CSR (row offsets, uids, u16 values). */
  wStart: Uint32Array;
  wCol: Uint16Array;
  wVal: Uint16Array;
  /** Bonds written by the last epoch, CSR. */
  bStart: Uint32Array;
  bCol: Uint16Array;
  bVal: Uint16Array;
  /** Consensus of the last epoch (what copier validators copy). */
  consensus: Uint16Array;
  /** Rao earned per uid, miner plus validator emission (exact below 2^53). */
  earned: Float64Array;
  /** Block of the last epoch (LastMechansimStepBlock), 0 before the first. */
  lastEpochBlock: number;
  epochs: number;
  pending: bigint;
  pendingOwner: bigint;
  owner: bigint;
  miners: bigint;
  validators: bigint;
  /** Rounding dust of the epochs: handed to an epoch but emitted to nobody. */
  dust: bigint;
}

/** `total` split heavy-tailed over `count` holders: Pareto(shape) draws from `rng`, then the
 *  integer split ⌊total·w_i / Σw⌋ at 2^-40 resolution of the weights. */
export function paretoSplit(total: bigint, count: number, rng: Rng, shape: number): bigint[] {
  const raw = new Float64Array(count);
  let sum = 0;
  for (let i = 0; i < count; i++) {
    raw[i] = Math.pow(1 - rng.next(), -1 / shape);
    sum += raw[i]!;
  }
  const scale = 2 ** 40;
  let wsum = 0n;
  const w = Array.from(raw, (x) => BigInt(Math.floor((x / sum) * scale)));
  for (const x of w) wsum += x;
  return w.map((x) => (wsum === 0n ? 0n : (total * x) / wsum));
}

/** Heavy-tailed (Pareto) validator stakes summing to `total` rao; miners hold none. */
export function initialStake(cfg: ResolvedSubnet, seed: number): BigUint64Array {
  const stake = new BigUint64Array(cfg.neurons);
  if (cfg.validators === 0) return stake;
  const rng = new Rng(key(seed, cfg.netuid, 0, 0, STREAM.stake));
  stake.set(paretoSplit(BigInt(cfg.validatorStake), cfg.validators, rng, cfg.stakeAlpha));
  return stake;
}

export function createSubnetState(cfg: ResolvedSubnet, seed: number, startBlock: number): SubnetState {
  const n = cfg.neurons;
  return {
    netuid: cfg.netuid,
    n,
    stake: initialStake(cfg, seed),
    lastUpdate: new BigUint64Array(n),
    // Everyone registered at the start block (the outdated-weights mask needs updates after it).
    registration: new BigUint64Array(n).fill(BigInt(startBlock)),
    // Validators start with a permit, as on a subnet that has been running.
    permit: Uint8Array.from({ length: n }, (_, i) => (i < cfg.validators ? 1 : 0)),
    wStart: new Uint32Array(n + 1),
    wCol: new Uint16Array(0),
    wVal: new Uint16Array(0),
    bStart: new Uint32Array(n + 1),
    bCol: new Uint16Array(0),
    bVal: new Uint16Array(0),
    consensus: new Uint16Array(n),
    earned: new Float64Array(n),
    lastEpochBlock: 0,
    epochs: 0,
    pending: 0n,
    pendingOwner: 0n,
    owner: 0n,
    miners: 0n,
    validators: 0n,
    dust: 0n,
  };
}

const ARRAY_FIELDS = [
  "stake", "lastUpdate", "registration", "permit", "wStart", "wCol", "wVal", "bStart", "bCol", "bVal",
  "consensus", "earned",
] as const;

/** The buffers of a state, for a transfer list. */
export function buffersOf(s: SubnetState): ArrayBuffer[] {
  return ARRAY_FIELDS.map((f) => s[f].buffer as ArrayBuffer);
}

/** A deep copy (the backup kept while a worker owns the original). */
export function cloneState(s: SubnetState): SubnetState {
  const c = { ...s } as SubnetState;
  for (const f of ARRAY_FIELDS) (c as unknown as Record<string, ArrayBufferView>)[f] = (s[f] as unknown as { slice(): ArrayBufferView }).slice();
  return c;
}

// --- JSON form for snapshot() ---

export type SubnetStateJson = Record<string, string | number>;

const TYPED = {
  stake: BigUint64Array, lastUpdate: BigUint64Array, registration: BigUint64Array, permit: Uint8Array,
  wStart: Uint32Array, wCol: Uint16Array, wVal: Uint16Array, bStart: Uint32Array, bCol: Uint16Array,
  bVal: Uint16Array, consensus: Uint16Array, earned: Float64Array,
} as const;

function bytesOf(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

export function stateToJson(s: SubnetState): SubnetStateJson {
  const j: SubnetStateJson = {
    netuid: s.netuid, n: s.n, lastEpochBlock: s.lastEpochBlock, epochs: s.epochs,
    pending: s.pending.toString(), pendingOwner: s.pendingOwner.toString(), owner: s.owner.toString(),
    miners: s.miners.toString(), validators: s.validators.toString(), dust: s.dust.toString(),
  };
  for (const f of ARRAY_FIELDS) j[f] = toBase64(bytesOf(s[f]));
  return j;
}

/** What a subnet's state must agree with when a snapshot is resumed. */
export interface StateContext {
  cfg: ResolvedSubnet;
  seed: number;
  startBlock: number;
  /** The snapshot's block (last simulated block). */
  block: number;
  /** Epochs of this subnet in blocks (startBlock, block], and the block of the last one (0 if none). */
  epochs: number;
  lastEpochBlock: number;
  /** dtao: the epoch's stake input (alpha + τ·root), instead of the configured alpha stake. */
  stake?: BigUint64Array;
  /** dtao: amounts live in the economy; the state's own counters must be 0. */
  economyOnly?: boolean;
}

const STATE_KEYS = new Set<string>([
  "netuid", "n", "lastEpochBlock", "epochs", "pending", "pendingOwner", "owner", "miners", "validators", "dust",
  ...ARRAY_FIELDS,
]);
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const STAKE_LIMIT = 1n << 63n;

const fail = (field: string, rule: string): never => {
  throw new YumaInputError(field, rule);
};

/** A typed array of `length` entries from its base64 bytes (padded base64, as stateToJson writes). */
function typedFrom<F extends (typeof ARRAY_FIELDS)[number]>(v: unknown, f: F, field: string, length: number): InstanceType<(typeof TYPED)[F]> {
  if (typeof v !== "string") return fail(field, `must be a base64 string, got ${v === null ? "null" : typeof v}`);
  if (!BASE64.test(v)) return fail(field, "must be padded base64");
  const bytes = fromBase64(v);
  const size = TYPED[f].BYTES_PER_ELEMENT;
  if (bytes.length !== length * size) fail(field, `must hold ${length} entries of ${size} bytes, got ${bytes.length} bytes`);
  return new TYPED[f](bytes.buffer as ArrayBuffer) as InstanceType<(typeof TYPED)[F]>;
}

/** Row offsets of a CSR over n rows: start at 0, never decrease, end at `nnz`. */
function checkCsr(start: Uint32Array, col: Uint16Array, n: number, field: string, startName: string, colName: string, rowsWithEntries: number): void {
  if (start[0] !== 0) fail(`${field}.${startName}[0]`, `must be 0, got ${start[0]}`);
  for (let i = 0; i < n; i++) {
    const a = start[i]!, b = start[i + 1]!;
    if (b < a) fail(`${field}.${startName}[${i + 1}]`, `row offsets must not decrease (${b} < ${a})`);
    if (b > col.length) fail(`${field}.${startName}[${i + 1}]`, `row offset ${b} is past the ${col.length} entries`);
    if (b > a && i >= rowsWithEntries) fail(`${field}.${startName}[${i + 1}]`, `row ${i} must be empty (only the first ${rowsWithEntries} uids set weights)`);
  }
  const seen = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    const a = start[i]!, b = start[i + 1]!;
    for (let k = a; k < b; k++) {
      const u = col[k]!;
      if (u >= n) fail(`${field}.${colName}[${k}]`, `uid must be below n = ${n}, got ${u}`);
      if (seen[u] === i) fail(`${field}.${colName}[${k}]`, `uid ${u} appears twice in row ${i}`);
      seen[u] = i;
    }
  }
  if (start[n] !== col.length) fail(`${field}.${startName}[${n}]`, `must equal the number of entries (${col.length}), got ${start[n]}`);
}

/**
 * A subnet's state from its snapshot JSON, every field checked: types and lengths, and
 * agreement with the config and the snapshot's block (the state a run from the config would
 * have). Throws YumaInputError naming the field, e.g. `snapshot.subnets[0].stake[3]`.
 */
export function stateFromJson(input: unknown, field: string, ctx: StateContext): SubnetState {
  const j = requireObject(input, field);
  for (const k of Object.keys(j)) if (!STATE_KEYS.has(k)) fail(`${field}.${k}`, "unknown field");
  const { cfg, block } = ctx;
  const netuid = requireInt(j.netuid, `${field}.netuid`, 0, 65535);
  if (netuid !== cfg.netuid) fail(`${field}.netuid`, `must equal the config's netuid ${cfg.netuid}, got ${netuid}`);
  const n = requireInt(j.n, `${field}.n`, 1, 65535);
  if (n !== cfg.neurons) fail(`${field}.n`, `must equal the config's neurons = ${cfg.neurons}, got ${n}`);
  const epochs = requireInt(j.epochs, `${field}.epochs`, 0, Number.MAX_SAFE_INTEGER);
  if (epochs !== ctx.epochs) fail(`${field}.epochs`, `must be ${ctx.epochs} (epochs of netuid ${netuid} at tempo ${cfg.tempo} up to block ${block}), got ${epochs}`);
  const lastEpochBlock = requireInt(j.lastEpochBlock, `${field}.lastEpochBlock`, 0, Number.MAX_SAFE_INTEGER);
  if (lastEpochBlock !== ctx.lastEpochBlock) fail(`${field}.lastEpochBlock`, `must be ${ctx.lastEpochBlock} (the last epoch block up to ${block}), got ${lastEpochBlock}`);
  const rao = (k: string) => requireRao(j[k], `${field}.${k}`);
  const s = {
    netuid, n, lastEpochBlock, epochs,
    pending: rao("pending"), pendingOwner: rao("pendingOwner"), owner: rao("owner"),
    miners: rao("miners"), validators: rao("validators"), dust: rao("dust"),
  } as SubnetState;
  const arr = <F extends (typeof ARRAY_FIELDS)[number]>(f: F, length: number) => typedFrom(j[f], f, `${field}.${f}`, length);

  const stake = (s.stake = arr("stake", n));
  let total = 0n;
  for (let i = 0; i < n; i++) {
    total += stake[i]!;
    if (total >= STAKE_LIMIT) fail(`${field}.stake[${i}]`, `total stake must stay below 2^63 rao, reaches ${total} here`);
  }
  const initial = ctx.stake ?? initialStake(cfg, ctx.seed);
  if (ctx.economyOnly) {
    for (const k of ["pending", "pendingOwner", "owner", "miners", "validators", "dust"] as const) {
      if (s[k] !== 0n) fail(`${field}.${k}`, "must be 0 (the dtao economy keeps the amounts)");
    }
  }
  for (let i = 0; i < n; i++) {
    if (cfg.stakeMode === "fixed" ? stake[i] !== initial[i] : stake[i]! < initial[i]!) {
      fail(`${field}.stake[${i}]`, cfg.stakeMode === "fixed"
        ? `must be the configured stake ${initial[i]} (stakeMode "fixed"), got ${stake[i]}`
        : `must not be below the configured stake ${initial[i]} (stakeMode "compound" only adds), got ${stake[i]}`);
    }
  }
  const lastUpdate = (s.lastUpdate = arr("lastUpdate", n));
  for (let i = 0; i < n; i++) {
    const max = i < cfg.validators ? BigInt(lastEpochBlock) : 0n;
    if (lastUpdate[i]! > max) fail(`${field}.lastUpdate[${i}]`, `must be at most ${max} (${i < cfg.validators ? "weights are set at epochs" : "miners never set weights"}), got ${lastUpdate[i]}`);
  }
  const registration = (s.registration = arr("registration", n));
  for (let i = 0; i < n; i++) {
    if (registration[i] !== BigInt(ctx.startBlock)) fail(`${field}.registration[${i}]`, `must be the start block ${ctx.startBlock}, got ${registration[i]}`);
  }
  const permit = (s.permit = arr("permit", n));
  for (let i = 0; i < n; i++) if (permit[i]! > 1) fail(`${field}.permit[${i}]`, `must be 0 or 1, got ${permit[i]}`);
  s.wStart = arr("wStart", n + 1);
  const nnzW = s.wStart[n]!;
  s.wCol = arr("wCol", nnzW);
  s.wVal = arr("wVal", nnzW);
  checkCsr(s.wStart, s.wCol, n, field, "wStart", "wCol", cfg.validators);
  s.bStart = arr("bStart", n + 1);
  const nnzB = s.bStart[n]!;
  s.bCol = arr("bCol", nnzB);
  s.bVal = arr("bVal", nnzB);
  checkCsr(s.bStart, s.bCol, n, field, "bStart", "bCol", n);
  s.consensus = arr("consensus", n);
  const earned = (s.earned = arr("earned", n));
  for (let i = 0; i < n; i++) {
    const x = earned[i]!;
    if (!Number.isInteger(x) || x < 0) fail(`${field}.earned[${i}]`, `must be a non-negative whole number of rao, got ${x}`);
  }
  return s;
}
