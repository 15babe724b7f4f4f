// Advances a set of subnets over a block range: coinbase accrual per block, and at each
// subnet's epoch block the validators' weight policies, then the exact epoch. The same
// function runs on the main thread (Network.step) and inside workers (Network.run); subnets
// are independent between share updates, so any sharding gives the same results.

import { runEncodedInPlace } from "../epoch.js";
import { epochOutputHashAt } from "../digest.js";
import { OUTPUT } from "../layout.js";
import type { EncodedEpoch } from "../validate.js";
import type { YumaExports } from "../wasm.js";
import { SUBNET_OWNER_CUT } from "../emission.js";
import type { ResolvedSubnet } from "./config.js";
import { lastSetBlock, phaseOf, POLICY_IMPL, policyOf, qualities, type WeightRow } from "./policies.js";
import type { SubnetState } from "./state.js";

/** Blocks first..first+count−1 each mint `emission` rao, split by `shares` (one per subnet,
 *  in config order) over `sharesTotal`. */
export interface Segment {
  first: number;
  count: number;
  emission: bigint;
  shares: number[];
  sharesTotal: bigint;
}

export interface ShardInput {
  seed: number;
  subnets: ResolvedSubnet[];
  states: SubnetState[];
  /** Position of each of `subnets` in the network's config (indexes `Segment.shares`). */
  indices: number[];
  /** Last block already simulated. */
  from: number;
  /** Last block to simulate (inclusive). */
  to: number;
  segments: Segment[];
  /** dtao economy: each subnet's epoch blocks (the stateful schedule, planned on the main
   *  thread). Epochs then run with no amount and return their emission shares instead. */
  epochBlocks?: number[][];
}

export interface EpochRecord {
  block: number;
  netuid: number;
  hash: Uint8Array;
  /** dtao: the epoch's normalised server / validator shares (I32F32 raw per uid). */
  server?: BigInt64Array;
  validator?: BigInt64Array;
}

export interface ShardHooks {
  /** Called before each epoch (progress, fault injection). */
  beforeEpoch?(netuid: number, block: number): void;
}

/** First block > `after` at which `blocks_until_next_epoch(netuid, tempo, block)` is 0. */
export function nextEpochBlock(netuid: number, tempo: number, after: number): number {
  if (tempo === 0) return Infinity;
  const period = tempo + 1;
  const b = after + 1;
  const r = (b + netuid + 1) % period;
  return b + ((period - r) % period);
}

/** Number of epochs of a subnet in blocks (from, to]. */
export function countEpochs(netuid: number, tempo: number, from: number, to: number): number {
  const first = nextEpochBlock(netuid, tempo, from);
  if (first > to) return 0;
  return Math.floor((to - first) / (tempo + 1)) + 1;
}

/** A subnet's part of one block: ⌊emission · share / Σ shares⌋. */
export function subnetAmount(emission: bigint, share: number, sharesTotal: bigint): bigint {
  return (emission * BigInt(share)) / sharesTotal;
}

/** Per-block split of one subnet's emission: [owner cut, the rest], cached per segment kind. */
function makeSplitter(wasm: YumaExports, index: number) {
  let lastE = -1n, lastShare = -1, lastTotal = -1n;
  let owner = 0n, rest = 0n;
  return (seg: Segment): [bigint, bigint] => {
    const share = seg.shares[index]!;
    if (seg.emission !== lastE || share !== lastShare || seg.sharesTotal !== lastTotal) {
      const amount = subnetAmount(seg.emission, share, seg.sharesTotal);
      owner = BigInt.asUintN(64, wasm.ownerCut(amount, BigInt(SUBNET_OWNER_CUT)));
      rest = amount - owner;
      lastE = seg.emission;
      lastShare = share;
      lastTotal = seg.sharesTotal;
    }
    return [owner, rest];
  };
}

function rowsFromCsr(s: SubnetState, validators: number): Array<WeightRow | null> {
  const rows: Array<WeightRow | null> = [];
  for (let i = 0; i < validators; i++) {
    const a = s.wStart[i]!, b = s.wStart[i + 1]!;
    rows.push(a === b ? null : { col: s.wCol.slice(a, b), val: s.wVal.slice(a, b) });
  }
  return rows;
}

/** Store rows as the subnet's weight CSR, in place when the layout is unchanged. */
function csrFromRows(s: SubnetState, rows: Array<WeightRow | null>): void {
  let total = 0;
  let sameLayout = true;
  for (let i = 0; i < s.n; i++) {
    const len = i < rows.length && rows[i] ? rows[i]!.col.length : 0;
    if (s.wStart[i] !== total) sameLayout = false;
    total += len;
  }
  if (s.wStart[s.n] !== total || s.wCol.length !== total) sameLayout = false;
  if (!sameLayout) {
    s.wStart = new Uint32Array(s.n + 1);
    s.wCol = new Uint16Array(total);
    s.wVal = new Uint16Array(total);
  }
  let at = 0;
  for (let i = 0; i < s.n; i++) {
    s.wStart[i] = at;
    const r = i < rows.length ? rows[i] : null;
    if (r) {
      s.wCol.set(r.col, at);
      s.wVal.set(r.val, at);
      at += r.col.length;
    }
  }
  s.wStart[s.n] = at;
}

/** u64 entries as doubles through their 32-bit halves (exact below 2^53; no BigInt per entry). */
function halves(x: BigUint64Array): Uint32Array {
  return new Uint32Array(x.buffer, x.byteOffset, x.length * 2);
}

function sumRao(x: BigUint64Array, bound: bigint): bigint {
  if (bound < 2n ** 53n) {
    // Every entry and the total are ≤ bound < 2^53: exact in doubles.
    const h = halves(x);
    let t = 0;
    for (let i = 0; i < h.length; i += 2) t += h[i]! + h[i + 1]! * 4294967296;
    return BigInt(t);
  }
  let t = 0n;
  for (let i = 0; i < x.length; i++) t += x[i]!;
  return t;
}

/** Epoch blocks of the legacy rule in (from, to]. */
function* staticEpochs(netuid: number, tempo: number, from: number, to: number): Generator<number> {
  for (let e = nextEpochBlock(netuid, tempo, from); e <= to; e += tempo + 1) yield e;
}

/** Advance every subnet of the shard from `from` to `to`. Mutates `input.states`. */
export function runShard(wasm: YumaExports, input: ShardInput, hooks: ShardHooks = {}): EpochRecord[] {
  const records: EpochRecord[] = [];
  const { seed, segments } = input;
  input.subnets.forEach((cfg, k) => {
    const s = input.states[k]!;
    const split = makeSplitter(wasm, input.indices[k]!);
    // Accrue blocks (a, b] into pending.
    const accrue = (a: number, b: number) => {
      for (const seg of segments) {
        const lo = Math.max(a + 1, seg.first), hi = Math.min(b, seg.first + seg.count - 1);
        if (hi < lo) continue;
        const [owner, rest] = split(seg);
        const count = BigInt(hi - lo + 1);
        s.pendingOwner += owner * count;
        s.pending += rest * count;
      }
    };
    const quality = qualities(cfg, seed);
    const rows = rowsFromCsr(s, cfg.validators);
    const policy = Array.from({ length: cfg.validators }, (_, v) => POLICY_IMPL[policyOf(cfg, v)]);
    const phase = policy.map((p, v) => {
      const interval = p.interval(cfg);
      return { interval, phase: phaseOf(seed, cfg.netuid, v, interval) };
    });
    const fixed = {
      n: s.n,
      tempo: BigInt(cfg.tempo),
      activityCutoff: BigInt(cfg.activityCutoff),
      kappa: cfg.kappa,
      bondsPenalty: cfg.bondsPenalty,
      bondsMovingAverage: BigInt(cfg.bondsMovingAverage),
      yuma3: cfg.yuma3,
      liquidAlpha: cfg.liquidAlpha,
      alphaLow: cfg.alphaLow,
      alphaHigh: cfg.alphaHigh,
      alphaSigmoidSteepness: cfg.alphaSigmoidSteepness,
      maxAllowedValidators: cfg.maxAllowedValidators,
      stakeThreshold: BigInt(cfg.stakeThreshold),
      ownerUid: cfg.ownerUid ?? -1,
      commitBlocks: null,
    };
    let cursor = input.from;
    const planned = input.epochBlocks?.[k];
    const shareMode = planned !== undefined;
    const blocks: Iterable<number> = planned ?? staticEpochs(cfg.netuid, cfg.tempo, input.from, input.to);
    for (const e of blocks) {
      if (!shareMode) accrue(cursor, e);
      cursor = e;
      hooks.beforeEpoch?.(cfg.netuid, e);
      // Weight setting since the last epoch: the latest setting of each validator counts.
      let changed = false;
      for (let v = 0; v < cfg.validators; v++) {
        const { interval, phase: ph } = phase[v]!;
        const at = lastSetBlock(e, ph, interval);
        if (at < 0 || at <= Number(s.lastUpdate[v]!)) continue;
        const row = policy[v]!.weights({ cfg, seed, uid: v, block: at, quality, consensus: s.consensus }, rows[v] ?? null);
        if (row) {
          rows[v] = row;
          changed = true;
        }
        s.lastUpdate[v] = BigInt(at);
      }
      if (changed) csrFromRows(s, rows);
      const rao = shareMode ? 0n : s.pending;
      const encoded: EncodedEpoch = {
        ...fixed,
        currentBlock: BigInt(e),
        lastMechanismStepBlock: BigInt(s.lastEpochBlock),
        raoEmission: rao,
        stake: s.stake,
        lastUpdate: s.lastUpdate,
        blockAtRegistration: s.registration,
        validatorPermit: s.permit,
        weights: { start: s.wStart, col: s.wCol, val: s.wVal },
        bonds: { start: s.bStart, col: s.bCol, val: s.bVal },
      };
      // Run in place and read only what the simulation keeps: no copy of the outputs.
      const outPtr = runEncodedInPlace(wasm, encoded, false);
      const hash = epochOutputHashAt(wasm, outPtr, s.n, e, cfg.netuid);
      const buf = wasm.memory.buffer;
      const dv = new DataView(buf);
      const at = (off: number) => dv.getUint32(outPtr + off, true);
      const n = s.n;
      const record: EpochRecord = { block: e, netuid: cfg.netuid, hash };
      if (shareMode) {
        // The amounts are applied later by the economy, from these shares.
        record.server = new BigInt64Array(buf, at(OUTPUT.serverShare), n).slice();
        record.validator = new BigInt64Array(buf, at(OUTPUT.validatorShare), n).slice();
      } else {
      const server = new BigUint64Array(buf, at(OUTPUT.server), n);
      const validator = new BigUint64Array(buf, at(OUTPUT.validator), n);
      const toMiners = sumRao(server, rao);
      const toValidators = sumRao(validator, rao);
      s.miners += toMiners;
      s.validators += toValidators;
      s.dust += rao - toMiners - toValidators;
      s.owner += s.pendingOwner;
      s.pending = 0n;
      s.pendingOwner = 0n;
      const se = halves(server), ve = halves(validator);
      for (let i = 0; i < n; i++) {
        s.earned[i]! += se[2 * i]! + se[2 * i + 1]! * 4294967296 + ve[2 * i]! + ve[2 * i + 1]! * 4294967296;
      }
      if (cfg.stakeMode === "compound") {
        for (let i = 0; i < n; i++) s.stake[i] = s.stake[i]! + validator[i]!;
      }
      }
      // Bonds and permits become the next epoch's inputs; consensus is what copiers copy.
      const bStart = new Uint32Array(buf, at(OUTPUT.bondsStart), n + 1);
      const nnz = bStart[n]!;
      s.bStart.set(bStart);
      if (s.bCol.length !== nnz) {
        s.bCol = new Uint16Array(nnz);
        s.bVal = new Uint16Array(nnz);
      }
      s.bCol.set(new Uint16Array(buf, at(OUTPUT.bondsCol), nnz));
      s.bVal.set(new Uint16Array(buf, at(OUTPUT.bondsVal), nnz));
      s.permit.set(new Uint8Array(buf, at(OUTPUT.permit), n));
      s.consensus.set(new Uint16Array(buf, at(OUTPUT.consensus), n));
      s.lastEpochBlock = e;
      s.epochs++;
      records.push(record);
    }
    if (!shareMode) accrue(cursor, input.to);
  });
  return records;
}
