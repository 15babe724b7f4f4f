// Per-subnet simulation state: flat typed arrays (transferable to and from workers) plus a
// few bigint counters. JSON form (stateToJson / stateFromJson) for snapshots.

import type { ResolvedSubnet } from "./config.js";
import { key, Rng, STREAM } from "./prng.js";
import { fromBase64, toBase64 } from "../digest.js";
import { YumaInputError } from "../errors.js";
import { requireInt, requireObject, requireRao } from "../validate.js";

/** One incentive mechanism's own storage (`Weights`, `Bonds`, `LastUpdate` at index
 *  mecid·4096 + netuid) plus its last consensus (what copier validators copy). */
export interface MechState {
  lastUpdate: BigUint64Array;
  /** Weights as stored on chain, CSR (row offsets, uids, u16 values). */
  wStart: Uint32Array;
  wCol: Uint16Array;
  wVal: Uint16Array;
  /** Bonds written by the last epoch, CSR. */
  bStart: Uint32Array;
  bCol: Uint16Array;
  bVal: Uint16Array;
  /** Consensus of the last epoch. */
  consensus: Uint16Array;
}

/** A subnet: mechanism 0's storage inline, the others in `extra`, and the subnet-wide fields. */
export interface SubnetState extends MechState {
  netuid: number;
  n: number;
  stake: BigUint64Array;
  registration: BigUint64Array;
  permit: Uint8Array;
  /** Mechanisms 1.. (empty with one mechanism). */
  extra: MechState[];
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
  // --- churn (subnets with a `churn` config; empty / 0 otherwise)
  /** Emission of the last epoch per uid (what pruning ranks), as the chain stores it. */
  emission: BigUint64Array;
  /** Blocks of registrations paid but not yet given a uid (their prune waits for the
   *  Emission of an epoch the economy has not settled yet). */
  regQueue: Float64Array;
  burn: bigint;
  registrations: number;
  prunes: number;
}

/** Mechanism k's storage. */
export function mechOf(s: SubnetState, k: number): MechState {
  return k === 0 ? s : s.extra[k - 1]!;
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

function createMechState(n: number): MechState {
  return {
    lastUpdate: new BigUint64Array(n),
    wStart: new Uint32Array(n + 1),
    wCol: new Uint16Array(0),
    wVal: new Uint16Array(0),
    bStart: new Uint32Array(n + 1),
    bCol: new Uint16Array(0),
    bVal: new Uint16Array(0),
    consensus: new Uint16Array(n),
  };
}

/** Registration block of the uids present at the start: the start block, or, with churn, one
 *  immunity period earlier (a running subnet whose neurons are past their immunity). */
export function initialRegistration(cfg: ResolvedSubnet, startBlock: number): number {
  return cfg.churn ? Math.max(0, startBlock - cfg.churn.immunityPeriod) : startBlock;
}

export function createSubnetState(cfg: ResolvedSubnet, seed: number, startBlock: number): SubnetState {
  const n = cfg.neurons;
  return {
    netuid: cfg.netuid,
    n,
    ...createMechState(n),
    stake: initialStake(cfg, seed),
    // Everyone registered at the start (the outdated-weights mask needs updates after it).
    registration: new BigUint64Array(n).fill(BigInt(initialRegistration(cfg, startBlock))),
    // Validators start with a permit, as on a subnet that has been running.
    permit: Uint8Array.from({ length: n }, (_, i) => (i < cfg.validators ? 1 : 0)),
    extra: Array.from({ length: cfg.mechanisms - 1 }, () => createMechState(n)),
    earned: new Float64Array(n),
    lastEpochBlock: 0,
    epochs: 0,
    pending: 0n,
    pendingOwner: 0n,
    owner: 0n,
    miners: 0n,
    validators: 0n,
    dust: 0n,
    emission: new BigUint64Array(cfg.churn ? n : 0),
    regQueue: new Float64Array(0),
    burn: cfg.churn ? BigInt(cfg.churn.burn) : 0n,
    registrations: 0,
    prunes: 0,
  };
}

const MECH_FIELDS = ["lastUpdate", "wStart", "wCol", "wVal", "bStart", "bCol", "bVal", "consensus"] as const;
const ARRAY_FIELDS = ["stake", "registration", "permit", "earned", ...MECH_FIELDS, "emission", "regQueue"] as const;
type ArrayField = (typeof ARRAY_FIELDS)[number];

function views(s: SubnetState): ArrayBufferView[] {
  const v: ArrayBufferView[] = ARRAY_FIELDS.map((f) => s[f]);
  for (const m of s.extra) for (const f of MECH_FIELDS) v.push(m[f]);
  return v;
}

/** The buffers of a state, for a transfer list. */
export function buffersOf(s: SubnetState): ArrayBuffer[] {
  return views(s).map((a) => a.buffer as ArrayBuffer);
}

const copy = <T>(a: T): T => (a as unknown as { slice(): T }).slice();

/** A deep copy (the backup kept while a worker owns the original). */
export function cloneState(s: SubnetState): SubnetState {
  const c = { ...s } as SubnetState;
  for (const f of ARRAY_FIELDS) (c as unknown as Record<string, ArrayBufferView>)[f] = copy(s[f] as ArrayBufferView);
  c.extra = s.extra.map((m) => {
    const x = { ...m };
    for (const f of MECH_FIELDS) (x as unknown as Record<string, ArrayBufferView>)[f] = copy(m[f] as ArrayBufferView);
    return x;
  });
  return c;
}

// --- JSON form for snapshot() ---

export type SubnetStateJson = Record<string, unknown>;

const TYPED = {
  stake: BigUint64Array, lastUpdate: BigUint64Array, registration: BigUint64Array, permit: Uint8Array,
  wStart: Uint32Array, wCol: Uint16Array, wVal: Uint16Array, bStart: Uint32Array, bCol: Uint16Array,
  bVal: Uint16Array, consensus: Uint16Array, earned: Float64Array, emission: BigUint64Array, regQueue: Float64Array,
} as const;

function bytesOf(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** JSON of a state. Mechanisms 1.. go under `mechanisms`, the churn fields are written only for
 *  subnets with churn: a one-mechanism subnet without churn keeps the original layout. */
export function stateToJson(s: SubnetState, churn: boolean): SubnetStateJson {
  const j: SubnetStateJson = {
    netuid: s.netuid, n: s.n, lastEpochBlock: s.lastEpochBlock, epochs: s.epochs,
    pending: s.pending.toString(), pendingOwner: s.pendingOwner.toString(), owner: s.owner.toString(),
    miners: s.miners.toString(), validators: s.validators.toString(), dust: s.dust.toString(),
  };
  for (const f of ARRAY_FIELDS) if (churn || (f !== "emission" && f !== "regQueue")) j[f] = toBase64(bytesOf(s[f]));
  if (s.extra.length > 0) {
    j.mechanisms = s.extra.map((m) => Object.fromEntries(MECH_FIELDS.map((f) => [f, toBase64(bytesOf(m[f]))])));
  }
  if (churn) {
    j.burn = s.burn.toString();
    j.registrations = s.registrations;
    j.prunes = s.prunes;
  }
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
  ...ARRAY_FIELDS, "mechanisms", "burn", "registrations", "prunes",
]);
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const STAKE_LIMIT = 1n << 63n;

const fail = (field: string, rule: string): never => {
  throw new YumaInputError(field, rule);
};

/** A typed array of `length` entries (or any whole number of entries when `length` is −1) from
 *  its base64 bytes (padded base64, as stateToJson writes). */
function typedFrom<F extends ArrayField>(v: unknown, f: F, field: string, length: number): InstanceType<(typeof TYPED)[F]> {
  if (typeof v !== "string") return fail(field, `must be a base64 string, got ${v === null ? "null" : typeof v}`);
  if (!BASE64.test(v)) return fail(field, "must be padded base64");
  const bytes = fromBase64(v);
  const size = TYPED[f].BYTES_PER_ELEMENT;
  if (length < 0 ? bytes.length % size !== 0 : bytes.length !== length * size) {
    fail(field, length < 0 ? `must hold whole entries of ${size} bytes, got ${bytes.length} bytes` : `must hold ${length} entries of ${size} bytes, got ${bytes.length} bytes`);
  }
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

/** One mechanism's storage from JSON (`j` holds its fields), checked. */
function mechFromJson(j: Record<string, unknown>, field: string, ctx: StateContext, n: number, registration: BigUint64Array): MechState {
  const { cfg } = ctx;
  const arr = <F extends ArrayField>(f: F, length: number) => typedFrom(j[f], f, `${field}.${f}`, length);
  const m = {} as MechState;
  const lastUpdate = (m.lastUpdate = arr("lastUpdate", n));
  const initialReg = BigInt(initialRegistration(cfg, ctx.startBlock));
  for (let i = 0; i < n; i++) {
    // A uid's last update is a weight setting (at an epoch, by an original validator) or, with
    // churn, its registration block (replace_neuron sets it).
    const original = registration[i] === initialReg;
    const max = original ? (i < cfg.validators ? BigInt(ctx.lastEpochBlock) : 0n) : registration[i]!;
    if (lastUpdate[i]! > max) {
      fail(`${field}.lastUpdate[${i}]`, `must be at most ${max} (${!original ? "its registration block" : i < cfg.validators ? "weights are set at epochs" : "miners never set weights"}), got ${lastUpdate[i]}`);
    }
  }
  m.wStart = arr("wStart", n + 1);
  const nnzW = m.wStart[n]!;
  m.wCol = arr("wCol", nnzW);
  m.wVal = arr("wVal", nnzW);
  checkCsr(m.wStart, m.wCol, n, field, "wStart", "wCol", cfg.validators);
  m.bStart = arr("bStart", n + 1);
  const nnzB = m.bStart[n]!;
  m.bCol = arr("bCol", nnzB);
  m.bVal = arr("bVal", nnzB);
  checkCsr(m.bStart, m.bCol, n, field, "bStart", "bCol", n);
  m.consensus = arr("consensus", n);
  return m;
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
  const churn = cfg.churn;
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
  const arr = <F extends ArrayField>(f: F, length: number) => typedFrom(j[f], f, `${field}.${f}`, length);

  const initialReg = BigInt(initialRegistration(cfg, ctx.startBlock));
  const registration = (s.registration = arr("registration", n));
  for (let i = 0; i < n; i++) {
    const r = registration[i]!;
    if (r === initialReg) continue;
    if (!churn) fail(`${field}.registration[${i}]`, `must be the start block ${initialReg}, got ${r}`);
    if (r <= BigInt(ctx.startBlock) || r > BigInt(block)) fail(`${field}.registration[${i}]`, `must be ${initialReg} (at the start) or a block in ${ctx.startBlock + 1}..=${block} (registered since), got ${r}`);
    if (i === cfg.ownerUid) fail(`${field}.registration[${i}]`, `is the owner's uid, which is never pruned: must be ${initialReg}, got ${r}`);
  }
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
    // A replaced uid's stake went with the old hotkey.
    const want = registration[i] === initialReg ? initial[i]! : 0n;
    if (cfg.stakeMode === "fixed" || want === 0n ? stake[i] !== want : stake[i]! < want) {
      fail(`${field}.stake[${i}]`, cfg.stakeMode === "fixed" || want === 0n
        ? `must be ${registration[i] === initialReg ? `the configured stake ${want} (stakeMode "fixed")` : "0 (the uid was re-registered)"}, got ${stake[i]}`
        : `must not be below the configured stake ${want} (stakeMode "compound" only adds), got ${stake[i]}`);
    }
  }
  const permit = (s.permit = arr("permit", n));
  for (let i = 0; i < n; i++) if (permit[i]! > 1) fail(`${field}.permit[${i}]`, `must be 0 or 1, got ${permit[i]}`);
  Object.assign(s, mechFromJson(j, field, ctx, n, registration));
  const mj = j.mechanisms;
  if (cfg.mechanisms > 1) {
    if (!Array.isArray(mj) || mj.length !== cfg.mechanisms - 1) fail(`${field}.mechanisms`, `must be an array of ${cfg.mechanisms - 1} mechanism states (mechanisms 1..${cfg.mechanisms - 1})`);
    s.extra = (mj as unknown[]).map((m, k) => {
      const f = `${field}.mechanisms[${k}]`;
      const o = requireObject(m, f);
      for (const key of Object.keys(o)) if (!(MECH_FIELDS as readonly string[]).includes(key)) fail(`${f}.${key}`, "unknown field");
      return mechFromJson(o, f, ctx, n, registration);
    });
  } else {
    if (mj !== undefined) fail(`${field}.mechanisms`, "applies to subnets with more than one mechanism");
    s.extra = [];
  }
  const earned = (s.earned = arr("earned", n));
  for (let i = 0; i < n; i++) {
    const x = earned[i]!;
    if (!Number.isInteger(x) || x < 0) fail(`${field}.earned[${i}]`, `must be a non-negative whole number of rao, got ${x}`);
  }
  if (!churn) {
    for (const k of ["emission", "regQueue", "burn", "registrations", "prunes"]) if (j[k] !== undefined) fail(`${field}.${k}`, "applies to subnets with churn");
    s.emission = new BigUint64Array(0);
    s.regQueue = new Float64Array(0);
    s.burn = 0n;
    s.registrations = 0;
    s.prunes = 0;
    return s;
  }
  s.emission = arr("emission", n);
  const queue = (s.regQueue = arr("regQueue", -1));
  for (let k = 0; k < queue.length; k++) {
    const b = queue[k]!;
    if (!Number.isInteger(b) || b <= ctx.startBlock || b > block || (k > 0 && b < queue[k - 1]!)) {
      fail(`${field}.regQueue[${k}]`, `must be blocks in ${ctx.startBlock + 1}..=${block}, in order, got ${b}`);
    }
  }
  const burn = requireRao(j.burn, `${field}.burn`);
  if (burn < BigInt(churn.minBurn) || burn > BigInt(churn.maxBurn)) fail(`${field}.burn`, `must be in the configured [minBurn, maxBurn] = [${churn.minBurn}, ${churn.maxBurn}], got ${burn}`);
  s.burn = burn;
  s.registrations = requireInt(j.registrations, `${field}.registrations`, 0, Number.MAX_SAFE_INTEGER);
  s.prunes = requireInt(j.prunes, `${field}.prunes`, 0, Number.MAX_SAFE_INTEGER);
  if (s.prunes + queue.length !== s.registrations) fail(`${field}.prunes`, `prunes + queued registrations must equal registrations (${s.registrations}), got ${s.prunes} + ${queue.length}`);
  return s;
}
