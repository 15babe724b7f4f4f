// Per-subnet simulation state: flat typed arrays (transferable to and from workers) plus a
// few bigint counters. Everything here is JSON-serialisable through snapshot.ts.

import type { ResolvedSubnet } from "./config.js";
import { key, Rng, STREAM } from "./prng.js";
import { fromBase64, toBase64 } from "../digest.js";

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

/** Heavy-tailed (Pareto) validator stakes summing to `total` rao; miners hold none. */
function initialStake(cfg: ResolvedSubnet, seed: number): BigUint64Array {
  const n = cfg.neurons, v = cfg.validators;
  const stake = new BigUint64Array(n);
  if (v === 0) return stake;
  const rng = new Rng(key(seed, cfg.netuid, 0, 0, STREAM.stake));
  const raw = new Float64Array(v);
  let sum = 0;
  for (let i = 0; i < v; i++) {
    raw[i] = Math.pow(1 - rng.next(), -1 / cfg.stakeAlpha);
    sum += raw[i]!;
  }
  const total = BigInt(cfg.validatorStake);
  // Integer split: ⌊total·w_i / Σw⌋ at 2^-40 resolution of the weights.
  const scale = 2 ** 40;
  let wsum = 0n;
  const w = raw.map((x) => Math.floor((x / sum) * scale));
  for (const x of w) wsum += BigInt(x);
  for (let i = 0; i < v; i++) stake[i] = wsum === 0n ? 0n : (total * BigInt(w[i]!)) / wsum;
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

export function stateFromJson(j: SubnetStateJson, field: string): SubnetState {
  const s = {
    netuid: Number(j.netuid), n: Number(j.n), lastEpochBlock: Number(j.lastEpochBlock), epochs: Number(j.epochs),
    pending: BigInt(j.pending!), pendingOwner: BigInt(j.pendingOwner!), owner: BigInt(j.owner!),
    miners: BigInt(j.miners!), validators: BigInt(j.validators!), dust: BigInt(j.dust!),
  } as SubnetState;
  for (const f of ARRAY_FIELDS) {
    const v = j[f];
    if (typeof v !== "string") throw new TypeError(`${field}.${f}: missing`);
    const bytes = fromBase64(v);
    if (bytes.length % TYPED[f].BYTES_PER_ELEMENT !== 0) throw new TypeError(`${field}.${f}: bad length`);
    (s as unknown as Record<string, ArrayBufferView>)[f] = new TYPED[f](bytes.buffer as ArrayBuffer);
  }
  return s;
}
