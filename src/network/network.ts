// A whole network: block emission, the coinbase split across subnets, and every subnet's
// epoch on its tempo schedule. `step()` runs on the calling thread; `run()` shards subnets
// over a worker pool. Both give bit-identical results for any number of threads.

import type { Piscina } from "piscina";
import { YumaInputError } from "../errors.js";
import { requireNoHoles, requireThreads } from "../validate.js";
import { checkKeys } from "../input.js";
import { engine, getModule, releaseEngine, type YumaExports } from "../wasm.js";
import { resolveConfig, type NetworkConfig, type ResolvedNetwork } from "./config.js";
import { countEpochs, runShard, settleRegistrations, subnetAmount, type EpochRecord, type Segment, type ShardInput } from "./runner.js";
import { buffersOf, cloneState, createSubnetState, stateToJson, type SubnetState, type SubnetStateJson } from "./state.js";
import { isSnapshotLike, parseSnapshot } from "./snapshot.js";
import { sha256, toHex } from "../digest.js";
import { DtaoEconomy, type DtaoEconomyJson, type DtaoEpochResult, type DtaoHistory, type DtaoSummary } from "../economy/dtao.js";
import type { FlowsHook } from "../economy/market.js";
import { BurnPrice, planRegistrations, registrationsPossible } from "./churn.js";
import { MAX_TEMPO } from "./schedule.js";

export interface SubnetSummary {
  netuid: number;
  tempo: number;
  epochs: number;
  /** Rao paid so far to the subnet owner, miners, validators (decimal strings). */
  owner: string;
  miners: string;
  validators: string;
  /** Accrued and not yet paid (owner cut included). */
  pending: string;
  /** Subnets with churn: registrations paid, uids pruned for them, and the burn price now (rao). */
  registrations?: number;
  prunes?: number;
  burn?: string;
}

/** The JSON shape printed by `yuma simulate --json`. */
export interface NetworkSummary {
  blocks: number;
  issuanceStart: string;
  issuanceEnd: string;
  subnets: SubnetSummary[];
  /** Rounding dust: minted but paid to nobody (coinbase split and epoch floors). */
  unallocated: string;
  /** Hex SHA-256 chain over every epoch's outputs in (block, netuid) order. */
  digest: string;
}

export interface NetworkSnapshot {
  format: "yuma-network-snapshot/1";
  config: ResolvedNetwork;
  block: number;
  issuance: string;
  splitDust: string;
  digest: string;
  subnets: SubnetStateJson[];
  /** The dtao economy's state (pools, pendings, totals, epoch schedule). */
  economy?: DtaoEconomyJson;
}

export interface RunProgress {
  /** Epochs finished so far in this run, and in total. */
  epochsDone: number;
  epochsTotal: number;
}

/** Emission shares per block: one non-negative integer per subnet (config order), or
 *  undefined for the configured shares at that block (not "keep the last value": the schedule
 *  is evaluated per block, so splitting a run into several calls never changes it). Called
 *  once per block, on the calling thread. */
export type ShareSchedule = (block: number) => readonly number[] | undefined;

export interface StepOptions {
  /** Static economy only: emission shares per block. */
  shares?: ShareSchedule;
  /** dtao economy only: user stake / unstake flows per block (see `FlowsHook`). */
  flows?: FlowsHook;
  /** dtao economy only: filled with sampled prices, shares, root proportion, alpha emission
   *  and validator yield every `sampleEvery` blocks (and at the last block). */
  history?: DtaoHistory;
  sampleEvery?: number;
}

export interface RunOptions extends StepOptions {
  blocks: number;
  /** Worker threads (default 1); ignored when `pool` is given (its size is used). */
  threads?: number;
  onProgress?: (p: RunProgress) => void;
  /** A caller-owned piscina pool built on this package's worker entry (`yuma-wasm/worker`). */
  pool?: Piscina;
  /** Testing aid: make the worker holding this subnet die before its epoch at this block. */
  faultInjection?: { netuid: number; block: number };
}

/** A worker died or failed while advancing subnets; the network is left as before the run. */
export class NetworkWorkerError extends Error {
  readonly netuid: number;
  readonly block: number;
  constructor(netuid: number, block: number, cause: unknown) {
    super(`worker failed while running subnet ${netuid} at block ${block}: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = "NetworkWorkerError";
    this.netuid = netuid;
    this.block = block;
    (this as { cause?: unknown }).cause = cause;
  }
}

/** Refused because a `run()` of this network is in flight (its subnet state is on the worker
 *  threads): `step()`, `run()`, `snapshot()` and `subnetDetail()` wait until it settles. */
export class NetworkBusyError extends Error {
  readonly operation: string;
  constructor(operation: string) {
    super(`${operation}() refused: a run() of this network is in flight; await it first`);
    this.name = "NetworkBusyError";
    this.operation = operation;
  }
}

/** `run()` was cancelled by `close()`; the network is left as before the run. */
export class NetworkClosedError extends Error {
  constructor() {
    super("run() cancelled: the network was closed while it ran");
    this.name = "NetworkClosedError";
  }
}

/** The in-flight run: how to cancel it, and when it has settled. */
interface RunControl {
  aborted: boolean;
  reason: unknown;
  /** Cancels the workers' tasks (set once they are submitted). */
  cancel: Array<() => void>;
  abort(reason: unknown): void;
  settled: Promise<void>;
}

const ZERO_DIGEST = new Uint8Array(32);

export class Network {
  readonly config: ResolvedNetwork;
  private states: SubnetState[];
  private blockNo: number;
  private issuanceNow: bigint;
  private splitDust: bigint;
  private digestNow: Uint8Array;
  private ownPool: Piscina | undefined;
  private ownPoolSize = 0;
  private readonly staticShares: number[];
  private inflight: RunControl | undefined;
  /** A step() is running (its hooks run inside it: a nested step/run/snapshot is refused). */
  private stepping = false;
  /** The dtao economy, or undefined for the static one. */
  private readonly economy: DtaoEconomy | undefined;
  /** Per subnet with churn: its burn price rules (built on first use). */
  private readonly burnPrices: Array<BurnPrice | undefined> = [];

  /** A fresh network from a config, or a resumed one from a `snapshot()` (validated as input:
   *  a corrupted snapshot throws YumaInputError naming its field, e.g. `snapshot.subnets[0].stake[3]`). */
  constructor(config: NetworkConfig | NetworkSnapshot = {}) {
    if (isSnapshotLike(config)) {
      const s = parseSnapshot(engine(), config);
      this.config = s.config;
      this.blockNo = s.block;
      this.issuanceNow = s.issuance;
      this.splitDust = s.splitDust;
      this.digestNow = s.digest;
      this.states = s.states;
      this.economy = s.economy;
    } else {
      this.config = resolveConfig(config);
      this.blockNo = this.config.startBlock;
      this.issuanceNow = BigInt(this.config.issuance);
      this.splitDust = 0n;
      this.digestNow = ZERO_DIGEST;
      this.states = this.config.subnets.map((c) => createSubnetState(c, this.config.seed, this.config.startBlock));
      if (this.config.economy === "dtao") {
        this.economy = new DtaoEconomy(this.config, engine());
        // The epoch weighs a validator by alpha stake + τ·root stake.
        this.states.forEach((s, i) => s.stake.set(this.economy!.epochStake[i]!));
      }
    }
    this.staticShares = this.config.subnets.map((s) => s.share);
  }

  /** Last simulated block. */
  get block(): number {
    return this.blockNo;
  }

  get issuance(): bigint {
    return this.issuanceNow;
  }

  /** Emission segments for blocks (from, to] and the coinbase rounding dust over them. */
  private schedule(wasm: YumaExports, to: number, schedule?: ShareSchedule): { segments: Segment[]; issuance: bigint; dust: bigint } {
    const segments: Segment[] = [];
    let issuance = this.issuanceNow;
    let shares = this.staticShares;
    let total = shares.reduce((a, x) => a + BigInt(x), 0n);
    for (let b = this.blockNo + 1; b <= to; b++) {
      const e = BigInt.asUintN(64, wasm.blockEmission(issuance));
      // undefined means the configured shares for this block: a schedule is a pure function
      // of the block, so where a run is split into calls (or snapshots) never matters.
      const wanted = schedule?.(b) ?? this.staticShares;
      if (wanted !== shares && !(Array.isArray(wanted) && sameShares(wanted, shares))) {
        shares = Array.isArray(wanted) && sameShares(wanted, this.staticShares)
          ? this.staticShares
          : checkShares(wanted, this.staticShares.length, b);
        total = shares.reduce((a, x) => a + BigInt(x), 0n);
      }
      const last = segments[segments.length - 1];
      if (last && last.emission === e && last.shares === shares) last.count++;
      else segments.push({ first: b, count: 1, emission: e, shares, sharesTotal: total });
      issuance += e;
    }
    let dust = 0n;
    for (const seg of segments) {
      let given = 0n;
      for (const x of seg.shares) given += subnetAmount(seg.emission, x, seg.sharesTotal);
      dust += (seg.emission - given) * BigInt(seg.count);
    }
    return { segments, issuance, dust };
  }

  private checkBlocks(blocks: unknown): number {
    if (typeof blocks !== "number" || !Number.isInteger(blocks) || blocks < 0) {
      throw new YumaInputError("blocks", `must be a non-negative integer, got ${String(blocks)}`);
    }
    if (this.blockNo + blocks > Number.MAX_SAFE_INTEGER) throw new YumaInputError("blocks", "runs past 2^53 blocks");
    return blocks;
  }

  private commit(to: number, issuance: bigint, dust: bigint, records: EpochRecord[]): NetworkSummary {
    records.sort((a, b) => a.block - b.block || a.netuid - b.netuid);
    const wasm = engine();
    let d = this.digestNow;
    for (const r of records) d = sha256(wasm, d, r.hash);
    this.digestNow = d;
    this.blockNo = to;
    this.issuanceNow = issuance;
    this.splitDust += dust;
    return this.summary();
  }

  private assertIdle(operation: string): void {
    if (this.inflight || this.stepping) throw new NetworkBusyError(operation);
  }

  /** Advance `blocks` blocks on this thread. */
  step(blocks: number, options: StepOptions = {}): NetworkSummary | DtaoSummary {
    this.assertIdle("step");
    this.checkBlocks(blocks);
    checkOptions(options, "options", false, this.economy !== undefined);
    this.checkHistory(options.history, "options.history");
    const end = this.blockNo + blocks;
    const saved = this.save();
    this.stepping = true;
    try {
      let summary: NetworkSummary | DtaoSummary | undefined;
      for (const to of this.windows(end)) summary = this.stepWindow(to, options);
      return summary ?? this.summary();
    } catch (e) {
      this.restore(saved);
      throw e;
    } finally {
      this.stepping = false;
      releaseEngine();
    }
  }

  private stepWindow(to: number, options: StepOptions): NetworkSummary | DtaoSummary {
    const wasm = engine();
    const plan = this.economy ? this.planDtao(to) : undefined;
    const { segments, issuance, dust } = plan ? { segments: [], issuance: 0n, dust: 0n } : this.schedule(wasm, to, options.shares);
    const registrations = this.planChurn(to);
    const input: ShardInput = {
      seed: this.config.seed,
      subnets: this.config.subnets,
      states: this.states,
      indices: this.config.subnets.map((_, i) => i),
      startBlock: this.config.startBlock,
      from: this.blockNo,
      to,
      segments,
      epochBlocks: plan?.byIndex,
    };
    const records = runShard(wasm, input);
    return plan ? this.commitDtao(to, records, plan.schedule, options, registrations) : this.commit(to, issuance, dust, records);
  }

  /**
   * The ends of the stretches a run of blocks up to `end` is cut into. One stretch, unless the
   * dtao economy has subnets with churn: a registration's prune needs the Emission of the
   * subnet's last epoch, which the coinbase settles after the epochs of a stretch have run, so
   * each stretch is at most the shortest tempo of those subnets long (an epoch per subnet at
   * most; successive epochs of a subnet are at least its tempo apart).
   */
  private windows(end: number): number[] {
    if (!this.economy) return [end];
    // MAX_TEMPO: past it an epoch is due whatever the tempo, so successive epochs are at least
    // min(tempo, MAX_TEMPO + 1) blocks apart.
    const tempos = this.config.subnets.filter((c) => c.churn && c.tempo > 0).map((c) => Math.min(c.tempo, MAX_TEMPO));
    if (tempos.length === 0) return [end];
    const len = Math.max(1, Math.min(...tempos));
    const out: number[] = [];
    for (let b = this.blockNo + len; b < end; b += len) out.push(b);
    out.push(end);
    return out;
  }

  /** The registrations of blocks (block, to] on every subnet with churn: burn prices advanced,
   *  blocks queued on each subnet's state (the uid is chosen where the state is), and the list
   *  the dtao coinbase pays, in block order. */
  private planChurn(to: number): Array<{ index: number; block: number; cost: bigint }> {
    const out: Array<{ index: number; block: number; cost: bigint }> = [];
    this.config.subnets.forEach((c, i) => {
      if (!c.churn) return;
      const s = this.states[i]!;
      this.burnPrices[i] ??= new BurnPrice(engine(), c.churn);
      const open = registrationsPossible(c.neurons, c.ownerUid, c.churn.minNonImmune);
      const plan = planRegistrations(this.burnPrices[i]!, c.churn, this.config.seed, c.netuid, s.burn, this.blockNo, to, open);
      s.burn = plan.burn;
      if (plan.registrations.length === 0) return;
      s.registrations += plan.registrations.length;
      const q = new Float64Array(s.regQueue.length + plan.registrations.length);
      q.set(s.regQueue);
      plan.registrations.forEach((r, k) => {
        q[s.regQueue.length + k] = r.block;
        out.push({ index: i, block: r.block, cost: r.cost });
      });
      s.regQueue = q;
    });
    // Stable: within a block, subnets in config order, each subnet's registrations in order.
    out.sort((a, b) => a.block - b.block);
    return out;
  }

  /** Everything a failed step() or run() puts back. */
  private save() {
    return {
      states: this.states.map(cloneState),
      economy: this.economy?.clone(),
      block: this.blockNo,
      issuance: this.issuanceNow,
      splitDust: this.splitDust,
      digest: this.digestNow,
    };
  }

  private restore(b: ReturnType<Network["save"]>): void {
    this.states = b.states;
    if (b.economy) this.economy!.restore(b.economy);
    this.blockNo = b.block;
    this.issuanceNow = b.issuance;
    this.splitDust = b.splitDust;
    this.digestNow = b.digest;
  }

  /** A history to append to must be this network's: its subnets in order, its blocks before
   *  the ones this call samples (a history from another network would mix series or break). */
  private checkHistory(h: DtaoHistory | undefined, field: string): void {
    if (h === undefined) return;
    if (h.subnets.length > 0) {
      const want = this.config.subnets.map((c) => c.netuid);
      const got = h.subnets.map((x) => (x as { netuid?: unknown } | null)?.netuid);
      if (got.length !== want.length || got.some((u, i) => u !== want[i])) {
        throw new YumaInputError(`${field}.subnets`, `must be empty or this network's subnets (netuids ${want.join(", ")}), got netuids ${got.map(String).join(", ")}`);
      }
    }
    const last = h.blocks[h.blocks.length - 1];
    if (last !== undefined && !(typeof last === "number" && last <= this.blockNo)) {
      throw new YumaInputError(`${field}.blocks`, `must end at or before the network's block ${this.blockNo} (samples are appended), got ${String(last)}`);
    }
  }

  /** dtao: the epochs of (block, to] from the stateful schedule, as blocks per subnet. */
  private planDtao(to: number): { byIndex: number[][]; schedule: ReturnType<DtaoEconomy["plan"]>["schedule"]; count: number } {
    const eco = this.economy!;
    const plan = eco.plan(this.blockNo, to, this.config.maxEpochsPerBlock ?? 2);
    const byIndex: number[][] = this.config.subnets.map(() => []);
    for (const e of plan.epochs) byIndex[eco.indexOf(e.netuid)]!.push(e.block);
    return { byIndex, schedule: plan.schedule, count: plan.epochs.length };
  }

  /** dtao phase 2: the coinbase block by block on this thread, the epochs' shares applied at
   *  their blocks; then the digest, the schedule and the block advance together. */
  private commitDtao(
    to: number, records: EpochRecord[], schedule: ReturnType<DtaoEconomy["plan"]>["schedule"], options: StepOptions, registrations: Array<{ index: number; block: number; cost: bigint }>,
    /** run(): throws if the run was cancelled meanwhile (close() from the flows hook). */
    check?: () => void,
  ): DtaoSummary {
    const eco = this.economy!;
    records.sort((a, b) => a.block - b.block || a.netuid - b.netuid);
    const backup = eco.clone();
    const wasm = engine();
    let r: ReturnType<DtaoEconomy["run"]>;
    try {
      r = eco.run(wasm, this.blockNo, to, this.issuanceNow, records as DtaoEpochResult[], {
        flows: options.flows,
        history: options.history,
        sampleEvery: options.sampleEvery,
        earned: this.states.map((s) => s.earned),
        registrations,
        emission: this.states.map((s) => s.emission),
      });
      check?.();
    } catch (e) {
      eco.restore(backup);
      throw e;
    }
    // The Emission of this stretch's epochs is settled: the registrations that waited for it get their uids.
    this.config.subnets.forEach((c, i) => settleRegistrations(this.states[i]!, c, to + 1));
    let d = this.digestNow;
    for (let k = 0; k < r.digestParts.length; k += 2) d = sha256(wasm, d, r.digestParts[k]!, r.digestParts[k + 1]!);
    this.digestNow = d;
    eco.schedule = schedule;
    this.blockNo = to;
    this.issuanceNow = r.issuance;
    return this.dtaoSummary();
  }

  /**
   * Advance `blocks` blocks with the subnets sharded over worker threads. While it is in
   * flight, `step()`, `run()`, `snapshot()` and `subnetDetail()` throw `NetworkBusyError`.
   * If it fails (a worker dies, `onProgress` throws, `close()` is called) the workers stop at
   * their next epoch, it rejects, and the network is left exactly as before it.
   */
  async run(options: RunOptions): Promise<NetworkSummary | DtaoSummary> {
    this.assertIdle("run");
    let settle!: () => void;
    const ctl: RunControl = {
      aborted: false,
      reason: undefined,
      cancel: [],
      abort(reason) {
        if (ctl.aborted) return;
        ctl.aborted = true;
        ctl.reason = reason;
        for (const c of ctl.cancel) c();
      },
      settled: new Promise<void>((r) => (settle = r)),
    };
    this.inflight = ctl;
    try {
      return await this.runSharded(options, ctl);
    } finally {
      this.inflight = undefined;
      settle();
    }
  }

  private async runSharded(options: RunOptions, ctl: RunControl): Promise<NetworkSummary | DtaoSummary> {
    checkOptions(options, "options", true, this.economy !== undefined);
    this.checkHistory(options.history, "options.history");
    const blocks = this.checkBlocks(options.blocks);
    const check = () => {
      if (ctl.aborted) throw ctl.reason;
    };
    let pool = options.pool;
    let threads: number;
    if (pool) {
      threads = Math.max(1, pool.options.maxThreads ?? 1);
    } else {
      threads = requireThreads(options.threads ?? 1);
      if (!this.ownPool || this.ownPoolSize !== threads) {
        const old = this.ownPool;
        this.ownPool = undefined;
        this.ownPoolSize = 0;
        await old?.destroy();
        // Owned from here on: close() (which waits for this run to settle) ends it.
        this.ownPool = await (await import("../pool/pool.js")).createPool(threads);
        this.ownPoolSize = threads;
      }
      pool = this.ownPool;
    }
    check();
    const end = this.blockNo + blocks;
    const windows = this.windows(end);
    if (windows.length === 1) return this.runWindow(end, pool, threads, options, ctl, { done: 0, total: -1 }, true);
    // Several stretches (dtao with churn): a failure in any puts everything back.
    const saved = this.save();
    const whole = this.economy!.plan(this.blockNo, end, this.config.maxEpochsPerBlock ?? 2).epochs.length;
    const progress = { done: 0, total: whole };
    try {
      let summary!: NetworkSummary | DtaoSummary;
      for (const to of windows) summary = await this.runWindow(to, pool, threads, options, ctl, progress, false);
      return summary;
    } catch (e) {
      this.restore(saved);
      throw e;
    }
  }

  /** One stretch of a run, sharded over the pool: epochs on the workers, then the commit.
   *  `progress` carries the epochs of earlier stretches (total −1: this stretch's own). */
  private async runWindow(
    to: number, pool: Piscina, threads: number, options: RunOptions, ctl: RunControl, progress: { done: number; total: number },
    /** Keep a copy of the states to put back on failure (not needed when the caller keeps one). */
    backupStates: boolean,
  ): Promise<NetworkSummary | DtaoSummary> {
    const check = () => {
      if (ctl.aborted) throw ctl.reason;
    };
    const wasm = engine();
    const from = this.blockNo;
    const plan = this.economy ? this.planDtao(to) : undefined;
    const { segments, issuance, dust } = plan ? { segments: [], issuance: 0n, dust: 0n } : this.schedule(wasm, to, options.shares);
    const epochsOf = (i: number) => {
      const s = this.config.subnets[i]!;
      return plan ? plan.byIndex[i]!.length : countEpochs(s.netuid, s.tempo, from, to);
    };

    // Balance shards by work: epochs × neurons × validators, largest first.
    const cost = this.config.subnets.map((s, i) => ({
      i,
      w: epochsOf(i) * s.neurons * Math.max(1, s.validators) + 1,
    }));
    cost.sort((a, b) => b.w - a.w || a.i - b.i);
    const shards: number[][] = Array.from({ length: Math.min(threads, this.states.length) }, () => []);
    const load = new Array<number>(shards.length).fill(0);
    for (const c of cost) {
      let best = 0;
      for (let k = 1; k < shards.length; k++) if (load[k]! < load[best]!) best = k;
      shards[best]!.push(c.i);
      load[best]! += c.w;
    }
    for (const sh of shards) sh.sort((a, b) => a - b);

    const own = this.config.subnets.reduce((a, _, i) => a + epochsOf(i), 0);
    const epochsTotal = progress.total < 0 ? own : progress.total;
    const module = getModule();
    // Loaded on demand: piscina and worker_threads exist only in Node.
    const { runShardTask, loadNodeModules } = await import("../pool/pool.js");
    await loadNodeModules();
    check();
    // From here on the states' buffers move to the workers: on any failure the backup is
    // restored, so the network is exactly as before the run.
    const backup = backupStates ? this.states.map(cloneState) : undefined;
    const registrations = this.planChurn(to);
    let timer: ReturnType<typeof setInterval> | undefined;
    let firstFailure: NetworkWorkerError | undefined;
    try {
      const tasks = shards.map((idx) => {
        const input: ShardInput = {
          seed: this.config.seed,
          subnets: idx.map((i) => this.config.subnets[i]!),
          states: idx.map((i) => this.states[i]!),
          indices: idx,
          startBlock: this.config.startBlock,
          from,
          to,
          segments,
          epochBlocks: plan ? idx.map((i) => plan.byIndex[i]!) : undefined,
        };
        const task = runShardTask(pool!, module, input, input.states.flatMap(buffersOf), {
          faultInjection: options.faultInjection,
        });
        ctl.cancel.push(task.cancel);
        return {
          finished: task.finished,
          result: task.result.then(
            (r) => ({ idx, r }),
            (e: { netuid?: number; block?: number; cause?: unknown }) => {
              const err = new NetworkWorkerError(e.netuid ?? input.subnets[0]!.netuid, e.block ?? from + 1, e.cause ?? e);
              // The first failure is the run's error; the other shards are stopped, not waited for.
              if (!firstFailure) {
                firstFailure = err;
                for (const c of ctl.cancel) c();
              }
              throw err;
            },
          ),
        };
      });
      // Progress is polled from the workers' shared counters a few times a second. A throwing
      // callback cancels the run (it never escapes from the timer).
      let reported = -1;
      const report = () => {
        const done = progress.done + tasks.reduce((a, t) => a + t.finished(), 0);
        if (done !== reported) {
          reported = done;
          options.onProgress?.({ epochsDone: done, epochsTotal });
        }
      };
      if (options.onProgress) {
        timer = setInterval(() => {
          try {
            report();
          } catch (e) {
            clearInterval(timer);
            ctl.abort(e);
          }
        }, 100);
      }
      // Rejects only once every task has settled: no worker still holds this run's work.
      const settled = await Promise.allSettled(tasks.map((t) => t.result));
      clearInterval(timer);
      check();
      if (firstFailure) throw firstFailure;
      if (options.onProgress) report();
      const records: EpochRecord[] = [];
      const states = this.states.slice();
      for (const s of settled) {
        const { idx, r } = (s as PromiseFulfilledResult<{ idx: number[]; r: { states: SubnetState[]; records: EpochRecord[] } }>).value;
        idx.forEach((i, k) => (states[i] = r.states[k]!));
        records.push(...r.records);
      }
      this.states = states;
      progress.done += own;
      return plan ? this.commitDtao(to, records, plan.schedule, options, registrations, check) : this.commit(to, issuance, dust, records);
    } catch (e) {
      clearInterval(timer);
      if (backup) this.states = backup;
      throw e;
    }
  }

  /** Totals so far, in the `yuma simulate --json` shape of the network's economy. */
  summary(): NetworkSummary | DtaoSummary {
    return this.economy ? this.dtaoSummary() : this.staticSummary();
  }

  private dtaoSummary(): DtaoSummary {
    const eco = this.economy!;
    const wasm = engine();
    return {
      economy: "dtao",
      shareRule: eco.rule,
      blocks: this.blockNo - this.config.startBlock,
      issuanceStart: this.config.issuance,
      issuanceEnd: this.issuanceNow.toString(),
      minted: eco.minted.toString(),
      recycled: eco.recycled.toString(),
      rootStake: eco.rootStake,
      subnets: eco.subnetSummaries(wasm, this.states.map((s) => s.epochs)).map((x, i) => ({ ...x, ...this.churnSummary(i) })),
      unallocated: eco.unallocated().toString(),
      digest: toHex(this.digestNow),
    };
  }

  private staticSummary(): NetworkSummary {
    let epochDust = 0n;
    const subnets = this.config.subnets.map((c, i) => {
      const s = this.states[i]!;
      epochDust += s.dust;
      return {
        netuid: c.netuid,
        tempo: c.tempo,
        epochs: s.epochs,
        owner: s.owner.toString(),
        miners: s.miners.toString(),
        validators: s.validators.toString(),
        pending: (s.pending + s.pendingOwner).toString(),
        ...this.churnSummary(i),
      };
    });
    return {
      blocks: this.blockNo - this.config.startBlock,
      issuanceStart: this.config.issuance,
      issuanceEnd: this.issuanceNow.toString(),
      subnets,
      unallocated: (this.splitDust + epochDust).toString(),
      digest: toHex(this.digestNow),
    };
  }

  /** The churn fields of subnet i's summary (none without churn). */
  private churnSummary(i: number): { registrations?: number; prunes?: number; burn?: string } {
    if (!this.config.subnets[i]!.churn) return {};
    const s = this.states[i]!;
    return { registrations: s.registrations, prunes: s.prunes, burn: s.burn.toString() };
  }

  /** Per-uid view of one subnet (stake, cumulative earnings), for reports. */
  subnetDetail(netuid: number): {
    stake: bigint[]; earned: number[]; permit: boolean[]; validators: number;
    /** Registration block per uid; with churn, the Emission of the last epoch per uid and the burn price (rao). */
    registration: bigint[]; emission?: bigint[]; burn?: bigint;
  } {
    this.assertIdle("subnetDetail");
    const i = this.config.subnets.findIndex((s) => s.netuid === netuid);
    if (i < 0) throw new YumaInputError("netuid", `no subnet ${netuid}`);
    const s = this.states[i]!;
    return {
      stake: Array.from(s.stake),
      earned: Array.from(s.earned),
      permit: Array.from(s.permit, (p) => p !== 0),
      validators: this.config.subnets[i]!.validators,
      registration: Array.from(s.registration),
      ...(this.config.subnets[i]!.churn ? { emission: Array.from(s.emission), burn: s.burn } : {}),
    };
  }

  /** All state, JSON-serialisable; `new Network(snapshot)` resumes with identical results. */
  snapshot(): NetworkSnapshot {
    this.assertIdle("snapshot");
    return {
      format: "yuma-network-snapshot/1",
      // A copy: the snapshot is the caller's to keep or edit, the network's config is not.
      config: structuredClone(this.config),
      block: this.blockNo,
      issuance: this.issuanceNow.toString(),
      splitDust: this.splitDust.toString(),
      digest: toHex(this.digestNow),
      subnets: this.states.map((s, i) => stateToJson(s, this.config.subnets[i]!.churn !== null)),
      ...(this.economy ? { economy: this.economy.toJson() } : {}),
    };
  }

  /** End this network's own worker pool (a caller-supplied pool is left alone). A run in
   *  flight is cancelled first (it rejects with `NetworkClosedError`, the network unchanged);
   *  when this resolves, none of the network's worker threads remains. */
  async close(): Promise<void> {
    const run = this.inflight;
    if (run) {
      run.abort(new NetworkClosedError());
      await run.settled;
    }
    const p = this.ownPool;
    this.ownPool = undefined;
    this.ownPoolSize = 0;
    await p?.destroy();
  }
}

const STEP_OPTION_KEYS: ReadonlySet<string> = new Set(["shares", "flows", "history", "sampleEvery"]);
const RUN_OPTION_KEYS: ReadonlySet<string> = new Set([...STEP_OPTION_KEYS, "blocks", "threads", "onProgress", "pool", "faultInjection"]);

/** Options of step() / run(): an object whose callbacks are functions and whose pool is a pool. */
function checkOptions(o: unknown, field: string, isRun: boolean, dtao: boolean): void {
  if (typeof o !== "object" || o === null || Array.isArray(o)) {
    throw new YumaInputError(field, isRun ? "must be an object such as { blocks: 100 }" : "must be an object such as { shares }");
  }
  const r = o as Record<string, unknown>;
  // A misspelt option would otherwise be a silent no-op (a run on one thread, no history).
  checkKeys(r, isRun ? RUN_OPTION_KEYS : STEP_OPTION_KEYS, field, "option");
  const fns = isRun ? ["shares", "flows", "onProgress"] : ["shares", "flows"];
  if (dtao && r.shares !== undefined) throw new YumaInputError(`${field}.shares`, 'applies to economy "static" only (the dtao economy takes shares from its share rule)');
  for (const k of ["flows", "history", "sampleEvery"]) {
    if (!dtao && r[k] !== undefined) throw new YumaInputError(`${field}.${k}`, 'applies to economy "dtao" only');
  }
  if (r.history !== undefined) {
    const h = r.history as { blocks?: unknown; subnets?: unknown } | null;
    if (typeof h !== "object" || h === null || !Array.isArray(h.blocks) || !Array.isArray(h.subnets)) {
      throw new YumaInputError(`${field}.history`, "must be an object { blocks: [], subnets: [] } to fill");
    }
  }
  if (r.sampleEvery !== undefined && (typeof r.sampleEvery !== "number" || !Number.isInteger(r.sampleEvery) || r.sampleEvery < 1)) {
    throw new YumaInputError(`${field}.sampleEvery`, `must be a positive integer, got ${String(r.sampleEvery)}`);
  }
  for (const k of fns) {
    if (r[k] !== undefined && typeof r[k] !== "function") throw new YumaInputError(`${field}.${k}`, `must be a function, got ${typeof r[k]}`);
  }
  if (isRun && r.pool !== undefined) {
    const p = r.pool as { run?: unknown; options?: { maxThreads?: unknown } } | null;
    if (typeof p !== "object" || p === null || typeof p.run !== "function" || typeof p.options?.maxThreads !== "number") {
      throw new YumaInputError(`${field}.pool`, "must be a piscina pool from createPool()");
    }
  }
}

function sameShares(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function checkShares(x: unknown, n: number, block: number): number[] {
  const field = `shares(${block})`;
  if (!Array.isArray(x) || x.length !== n) throw new YumaInputError(field, `must be an array of ${n} shares (one per subnet)`);
  requireNoHoles(x, field); // forEach below skips holes
  x.forEach((v, i) => {
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > 2 ** 31) {
      throw new YumaInputError(`${field}[${i}]`, `must be an integer in 0..=2^31, got ${String(v)}`);
    }
  });
  if (!x.some((v) => v > 0)) throw new YumaInputError(field, "emission shares sum to 0");
  return x.slice();
}

