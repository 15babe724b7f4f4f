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
import { lastSetBlock, minerUids, phaseOf, POLICY_IMPL, policyOf, qualities, registrantQuality, weightStream, type WeightRow } from "./policies.js";
import { initialRegistration, mechOf, type MechState, type SubnetState } from "./state.js";
import { getNeuronToPrune } from "./churn.js";

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
  /** The network's start block (the registration block of the uids present at the start). */
  startBlock: number;
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
  /** SHA-256 of the epoch's outputs; with several mechanisms, theirs one after the other. */
  hash: Uint8Array;
  /** dtao: the epoch's normalised server / validator shares (I32F32 raw per uid), mechanism
   *  after mechanism (mechanisms × n). */
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

/** `replace_neuron` on the policies' rows: the uid's own row goes, weights on it become 0. */
function clearInRows(rows: Array<WeightRow | null>, uid: number): void {
  if (uid < rows.length) rows[uid] = null;
  for (const r of rows) {
    if (!r) continue;
    const j = r.col.indexOf(uid);
    if (j >= 0) r.val[j] = 0;
  }
}

/** The validators' rows as views into the CSR (no copy: a policy returns new arrays, and
 *  csrFromRows copies rows into place or into new arrays). */
function rowsFromCsr(s: MechState, validators: number): Array<WeightRow | null> {
  const rows: Array<WeightRow | null> = [];
  for (let i = 0; i < validators; i++) {
    const a = s.wStart[i]!, b = s.wStart[i + 1]!;
    rows.push(a === b ? null : { col: s.wCol.subarray(a, b), val: s.wVal.subarray(a, b) });
  }
  return rows;
}

/** Store rows as a mechanism's weight CSR over n uids, in place when the layout is unchanged. */
function csrFromRows(s: MechState, n: number, rows: Array<WeightRow | null>): void {
  let total = 0;
  let sameLayout = true;
  for (let i = 0; i < n; i++) {
    const len = i < rows.length && rows[i] ? rows[i]!.col.length : 0;
    if (s.wStart[i] !== total) sameLayout = false;
    total += len;
  }
  if (s.wStart[n] !== total || s.wCol.length !== total) sameLayout = false;
  if (!sameLayout) {
    s.wStart = new Uint32Array(n + 1);
    s.wCol = new Uint16Array(total);
    s.wVal = new Uint16Array(total);
  }
  let at = 0;
  for (let i = 0; i < n; i++) {
    s.wStart[i] = at;
    const r = i < rows.length ? rows[i] : null;
    if (r) {
      s.wCol.set(r.col, at);
      s.wVal.set(r.val, at);
      at += r.col.length;
    }
  }
  s.wStart[n] = at;
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

interface MechExports extends YumaExports {
  splitEmissions(alpha: bigint, count: number, splitPtr: number, splitLen: number, out: number): void;
  mechWeight(sub: bigint, rao: bigint, first: number): void;
  mechWeightHi(): bigint;
  mechWeightLo(): bigint;
  weightedAccAlpha(existing: bigint, added: bigint, hi: bigint, lo: bigint): bigint;
}

/** `split_emissions` of `rao` over the subnet's mechanisms (one mechanism: all of it). */
function splitAmount(wasm: YumaExports, rao: bigint, cfg: ResolvedSubnet): bigint[] {
  if (cfg.mechanisms === 1) return [rao];
  const w = wasm as MechExports;
  const split = cfg.mechanismSplit;
  w.reset();
  const sp = w.alloc(2 * Math.max(1, split?.length ?? 0));
  const out = w.alloc(8 * cfg.mechanisms);
  if (split) new Uint16Array(w.memory.buffer, sp, split.length).set(split);
  w.splitEmissions(rao, cfg.mechanisms, sp, split?.length ?? 0, out);
  return Array.from(new BigUint64Array(w.memory.buffer, out, cfg.mechanisms));
}

/** Remove row `u` of a CSR (in place when it is empty). */
function dropRow(start: Uint32Array, col: Uint16Array, val: Uint16Array, n: number, u: number): { col: Uint16Array; val: Uint16Array } {
  const a = start[u]!, b = start[u + 1]!, len = b - a;
  if (len === 0) return { col, val };
  const c = new Uint16Array(col.length - len), v = new Uint16Array(val.length - len);
  c.set(col.subarray(0, a));
  c.set(col.subarray(b), a);
  v.set(val.subarray(0, a));
  v.set(val.subarray(b), a);
  for (let i = u + 1; i <= n; i++) start[i] = start[i]! - len;
  return { col: c, val: v };
}

/**
 * `replace_neuron` at `uid`, `block` (subnets/uids.rs): the new hotkey holds no stake and no
 * permit; Emission, consensus and (per mechanism) its weights row, bonds row, and every weight
 * set on it are cleared; its last update (every mechanism) and registration are the block.
 */
export function replaceNeuron(s: SubnetState, mechanisms: number, uid: number, block: number): void {
  const b = BigInt(block);
  s.registration[uid] = b;
  s.stake[uid] = 0n;
  s.permit[uid] = 0;
  if (s.emission.length > 0) s.emission[uid] = 0n;
  s.earned[uid] = 0;
  for (let k = 0; k < mechanisms; k++) {
    const m = mechOf(s, k);
    const w = dropRow(m.wStart, m.wCol, m.wVal, s.n, uid);
    m.wCol = w.col;
    m.wVal = w.val;
    // Weights set FOR the uid are kept as entries with value 0.
    for (let i = 0; i < m.wCol.length; i++) if (m.wCol[i] === uid) m.wVal[i] = 0;
    const bd = dropRow(m.bStart, m.bCol, m.bVal, s.n, uid);
    m.bCol = bd.col;
    m.bVal = bd.val;
    m.lastUpdate[uid] = b;
    m.consensus[uid] = 0;
  }
}

/**
 * Give the queued registrations with block < `before` their uids, in order: each replaces the
 * uid `get_neuron_to_prune` names from the state at its block (the Emission of the subnet's
 * last epoch must be in `s.emission`). Returns the uids replaced.
 */
export function settleRegistrations(s: SubnetState, cfg: ResolvedSubnet, before: number): number[] {
  const churn = cfg.churn;
  const q = s.regQueue;
  if (!churn || q.length === 0) return [];
  const replaced: number[] = [];
  let k = 0;
  while (k < q.length && q[k]! < before) {
    const block = q[k++]!;
    const uid = getNeuronToPrune({
      n: s.n, emission: s.emission, registration: s.registration, ownerUid: cfg.ownerUid,
      immunityPeriod: churn.immunityPeriod, minNonImmune: churn.minNonImmune,
    }, block);
    // Registrations are planned only where the rule always names a uid (registrationsPossible).
    if (uid === null) throw new Error(`internal: no uid to prune on netuid ${cfg.netuid}`);
    replaceNeuron(s, cfg.mechanisms, uid, block);
    s.prunes++;
    replaced.push(uid);
  }
  if (k > 0) s.regQueue = q.slice(k);
  return replaced;
}

/** Advance every subnet of the shard from `from` to `to`. Mutates `input.states`. */
export function runShard(wasm: YumaExports, input: ShardInput, hooks: ShardHooks = {}): EpochRecord[] {
  const records: EpochRecord[] = [];
  const { seed, segments } = input;
  input.subnets.forEach((cfg, k) => {
    const s = input.states[k]!;
    const M = cfg.mechanisms;
    const churn = cfg.churn;
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
    const initialReg = initialRegistration(cfg, input.startBlock);
    // Registration blocks as numbers (blocks stay far below 2^53): read in the hot loops.
    const reg = churn ? Float64Array.from(s.registration, Number) : undefined;
    // An original validator still holds its uid (a re-registered uid is a miner).
    const validating = (v: number) => reg![v] === initialReg;
    const minersNow = (): Uint16Array => {
      if (!churn) return minerUids(cfg);
      const list: number[] = [];
      for (let u = 0; u < s.n; u++) if (u >= cfg.validators || !validating(u)) list.push(u);
      return Uint16Array.from(list);
    };
    let miners = minersNow();
    // Miners registered during the run, as positions in `miners`, with their registration blocks.
    const freshNow = () => {
      if (!churn) return undefined;
      const at: number[] = [], blocks: number[] = [];
      miners.forEach((u, j) => {
        if (reg![u]! !== initialReg) {
          at.push(j);
          blocks.push(reg![u]!);
        }
      });
      return { at: Int32Array.from(at), blocks: Float64Array.from(blocks), delay: churn.noticeDelay };
    };
    let fresh = freshNow();
    const quality = Array.from({ length: M }, (_, m) => {
      const q = qualities(cfg, seed, m);
      if (reg) for (let u = 0; u < s.n; u++) if (reg[u] !== initialReg) q[u] = registrantQuality(seed, cfg.netuid, u, reg[u]!, m);
      return q;
    });
    const rows = Array.from({ length: M }, (_, m) => rowsFromCsr(mechOf(s, m), cfg.validators));
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
    // Registrations: each takes the uid `get_neuron_to_prune` names at its block, from the
    // Emission of the last epoch. In the dtao economy that Emission is known only once the
    // coinbase has run, so registrations after this run's epoch wait (Network settles them
    // after the coinbase, `settleRegistrations`).
    let settled = true;
    const register = (before: number) => {
      const replaced = settleRegistrations(s, cfg, before);
      if (replaced.length === 0) return;
      for (const uid of replaced) {
        reg![uid] = Number(s.registration[uid]!);
        for (let m = 0; m < M; m++) {
          quality[m]![uid] = registrantQuality(seed, cfg.netuid, uid, reg![uid]!, m);
          // The policies' rows follow what replace_neuron did to the stored weights.
          clearInRows(rows[m]!, uid);
        }
      }
      if (replaced.some((u) => u < cfg.validators)) miners = minersNow();
      fresh = freshNow();
    };
    const blocks: Iterable<number> = planned ?? staticEpochs(cfg.netuid, cfg.tempo, input.from, input.to);
    for (const e of blocks) {
      if (!shareMode) accrue(cursor, e);
      cursor = e;
      if (!settled && s.regQueue.length > 0 && s.regQueue[0]! < e) {
        throw new Error(`internal: netuid ${cfg.netuid} has two epochs in one dtao run with registrations between them`);
      }
      if (settled) register(e);
      hooks.beforeEpoch?.(cfg.netuid, e);
      // Weight setting since the last epoch: the latest setting of each validator counts, in
      // every mechanism (same schedule, its own qualities and draws).
      for (let m = 0; m < M; m++) {
        const ms = mechOf(s, m);
        const mrows = rows[m]!;
        let changed = false;
        for (let v = 0; v < cfg.validators; v++) {
          if (churn && !validating(v)) continue;
          const { interval, phase: ph } = phase[v]!;
          const at = lastSetBlock(e, ph, interval);
          if (at < 0 || at <= Number(ms.lastUpdate[v]!)) continue;
          const row = policy[v]!.weights({ cfg, seed, uid: v, block: at, quality: quality[m]!, consensus: ms.consensus, miners, stream: weightStream(m), fresh }, mrows[v] ?? null);
          if (row) {
            mrows[v] = row;
            changed = true;
          }
          ms.lastUpdate[v] = BigInt(at);
        }
        if (changed) csrFromRows(ms, s.n, mrows);
      }
      const rao = shareMode ? 0n : s.pending;
      const amounts = splitAmount(wasm, rao, cfg);
      const n = s.n;
      const record: EpochRecord = { block: e, netuid: cfg.netuid, hash: new Uint8Array(32 * M) };
      if (shareMode) {
        record.server = new BigInt64Array(M * n);
        record.validator = new BigInt64Array(M * n);
      }
      let toMiners = 0n, toValidators = 0n;
      const permits = new Uint8Array(n);
      const mw = wasm as MechExports;
      for (let m = 0; m < M; m++) {
        const ms = mechOf(s, m);
        const encoded: EncodedEpoch = {
          ...fixed,
          currentBlock: BigInt(e),
          lastMechanismStepBlock: BigInt(s.lastEpochBlock),
          raoEmission: amounts[m]!,
          stake: s.stake,
          lastUpdate: ms.lastUpdate,
          blockAtRegistration: s.registration,
          validatorPermit: s.permit,
          weights: { start: ms.wStart, col: ms.wCol, val: ms.wVal },
          bonds: { start: ms.bStart, col: ms.bCol, val: ms.bVal },
        };
        // Run in place and read only what the simulation keeps: no copy of the outputs.
        const outPtr = runEncodedInPlace(wasm, encoded, false);
        record.hash.set(epochOutputHashAt(wasm, outPtr, n, e, cfg.netuid), 32 * m);
        const buf = wasm.memory.buffer;
        const dv = new DataView(buf);
        const at = (off: number) => dv.getUint32(outPtr + off, true);
        if (shareMode) {
          // The amounts are applied later by the economy, from these shares.
          record.server!.set(new BigInt64Array(buf, at(OUTPUT.serverShare), n), m * n);
          record.validator!.set(new BigInt64Array(buf, at(OUTPUT.validatorShare), n), m * n);
        } else {
          const server = new BigUint64Array(buf, at(OUTPUT.server), n);
          const validator = new BigUint64Array(buf, at(OUTPUT.validator), n);
          toMiners += sumRao(server, amounts[m]!);
          toValidators += sumRao(validator, amounts[m]!);
          const se = halves(server), ve = halves(validator);
          for (let i = 0; i < n; i++) {
            s.earned[i]! += se[2 * i]! + se[2 * i + 1]! * 4294967296 + ve[2 * i]! + ve[2 * i + 1]! * 4294967296;
          }
          if (cfg.stakeMode === "compound") {
            for (let i = 0; i < n; i++) s.stake[i] = s.stake[i]! + validator[i]!;
          }
          if (churn) {
            // Emission as `epoch_with_mechanisms` folds it: each mechanism's server + validator
            // emission weighted by its part of the subnet's emission.
            const emission = Array.from({ length: n }, (_, i) => server[i]! + validator[i]!);
            mw.mechWeight(amounts[m]!, rao, m === 0 ? 1 : 0);
            const hi = BigInt.asUintN(64, mw.mechWeightHi()), lo = BigInt.asUintN(64, mw.mechWeightLo());
            for (let i = 0; i < n; i++) s.emission[i] = BigInt.asUintN(64, mw.weightedAccAlpha(m === 0 ? 0n : s.emission[i]!, emission[i]! > 0xffffffffffffffffn ? 0xffffffffffffffffn : emission[i]!, hi, lo));
          }
        }
        // Bonds become the next epoch's inputs; consensus is what copiers copy.
        const bStart = new Uint32Array(buf, at(OUTPUT.bondsStart), n + 1);
        const nnz = bStart[n]!;
        ms.bStart.set(bStart);
        if (ms.bCol.length !== nnz) {
          ms.bCol = new Uint16Array(nnz);
          ms.bVal = new Uint16Array(nnz);
        }
        ms.bCol.set(new Uint16Array(buf, at(OUTPUT.bondsCol), nnz));
        ms.bVal.set(new Uint16Array(buf, at(OUTPUT.bondsVal), nnz));
        ms.consensus.set(new Uint16Array(buf, at(OUTPUT.consensus), n));
        // The subnet's permits are the mechanisms' new permits or-ed (they share stake, so agree).
        const p = new Uint8Array(buf, at(OUTPUT.permit), n);
        for (let i = 0; i < n; i++) permits[i] = permits[i]! | p[i]!;
      }
      if (M === 1) record.hash = record.hash.subarray(0, 32);
      if (!shareMode) {
        s.miners += toMiners;
        s.validators += toValidators;
        s.dust += rao - toMiners - toValidators;
        s.owner += s.pendingOwner;
        s.pending = 0n;
        s.pendingOwner = 0n;
      } else settled = false;
      s.permit.set(permits);
      s.lastEpochBlock = e;
      s.epochs++;
      records.push(record);
    }
    if (!shareMode) accrue(cursor, input.to);
    if (settled) register(input.to + 1);
  });
  return records;
}
