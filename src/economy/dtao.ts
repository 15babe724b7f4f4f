// The dynamic-TAO economy of a network (docs/economics.md): the per-subnet pool and coinbase
// state, the stateful epoch schedule, and the block loop that runs on one thread after the
// epochs (which need no amounts) have run on the workers. All arithmetic on amounts is in
// WASM (assembly/dtao.ts over assembly/coinbase.ts and assembly/swap.ts); this module moves
// state in and out of WASM memory, sequences blocks, epochs and market orders, and reads the
// totals.

import { YumaInputError } from "../errors.js";
import { key, Rng } from "../network/prng.js";
import { initialStake, paretoSplit } from "../network/state.js";
import { createSchedule, listEpochs, scheduleFromJson, type ScheduleEntry } from "../network/schedule.js";
import type { ResolvedDtaoSubnetConfig, ResolvedNetwork } from "../network/config.js";
import type { YumaExports } from "../wasm.js";
import { fromBase64, toBase64 } from "../digest.js";
import { F, FIELDS, G, GLOBALS } from "./layout.js";
import { hookOrders, policyOrders, type FlowsHook, type MarketSubnetView, type Order } from "./market.js";
import type { ResolvedMarket, ShareRule } from "./config.js";

/** What the workers return per epoch: its output hash and its normalised emission shares. */
export interface DtaoEpochResult {
  block: number;
  netuid: number;
  hash: Uint8Array;
  /** I32F32 raw server / validator shares per uid (the epoch's `serverShare` / `validatorShare`),
   *  mechanism after mechanism. */
  server: BigInt64Array;
  validator: BigInt64Array;
}

/** Sampled series for the day report (`yuma simulate --html`). */
export interface DtaoHistory {
  blocks: number[];
  subnets: Array<{
    netuid: number;
    spot: number[];
    ema: number[];
    share: number[];
    rootProp: number[];
    alphaEmission: number[];
    validatorApy: number[];
  }>;
}

export interface DtaoSubnetSummary {
  netuid: number;
  tempo: number;
  epochs: number;
  price: number;
  emaPrice: number;
  share: number;
  taoIn: string;
  excessTao: string;
  alphaIn: string;
  alphaOut: string;
  owner: string;
  miners: string;
  validators: string;
  root: string;
  burned: string;
  recycled: string;
  pending: string;
  poolTao: string;
  poolAlpha: string;
  /** Subnets with churn (Network adds them): registrations, prunes, burn price; and the
   *  registrations' TAO swapped into the pool, the alpha it took out and burned, failed swaps. */
  registrations?: number;
  prunes?: number;
  burn?: string;
  registrationTao?: string;
  registrationAlphaBurned?: string;
  registrationSwapsFailed?: string;
}

/** The JSON shape printed by `yuma simulate --json` for the dtao economy. */
export interface DtaoSummary {
  economy: "dtao";
  shareRule: ShareRule;
  blocks: number;
  issuanceStart: string;
  issuanceEnd: string;
  minted: string;
  recycled: string;
  rootStake: string;
  subnets: DtaoSubnetSummary[];
  unallocated: string;
  digest: string;
}

export interface DtaoEconomyJson {
  state: string;
  schedule: ScheduleEntry[];
  minted: string;
  recycled: string;
}

const RULE_CODE: Record<ShareRule, bigint> = { "price-ema": 0n, "tao-flow": 1n, static: 2n };
const U64F64_ONE = 2 ** 64;
const MASK64 = (1n << 64n) - 1n;
/** Blocks per year at 12 s. */
const BLOCKS_PER_YEAR = 2_628_000;

/** Heavy-tailed root stake of the validator identities 0..count−1 (the same hotkeys validate
 *  every subnet, as the large root validators do on mainnet). */
export function rootStakeBySlot(total: bigint, count: number, seed: number): bigint[] {
  return count === 0 ? [] : paretoSplit(total, count, new Rng(key(seed, 0, 0, 0, 13)), 1.16);
}

interface Wasm extends YumaExports {
  dtaoBlock(base: number, n: number, globals: number, block: bigint, emission: bigint, scratch: number): number;
  dtaoDistribute(base: number, n: number, globals: number, i: number, uids: number, server: number, validator: number, alphaStake: number, rootStake: number, ownerMask: number, out: number, scratch: number, mechs: number, split: number, splitLen: number, emission: number): void;
  dtaoRegister(base: number, n: number, i: number, cost: bigint): number;
  dtaoSwap(base: number, n: number, i: number, buy: number, amount: bigint): number;
  dtaoAlphaForTao(base: number, n: number, i: number, tao: bigint): bigint;
  dtaoStakeWeight(alpha: bigint, root: bigint, tau: bigint): bigint;
  dtaoSpot(base: number, n: number, i: number): void;
  dtaoSpotHi(): bigint;
  dtaoSpotLo(): bigint;
  dtaoRecycled(): bigint;
  dtaoTaoWeight(w: bigint): bigint;
}

export class DtaoEconomy {
  readonly n: number;
  readonly subnets: ResolvedDtaoSubnetConfig[];
  readonly rule: ShareRule;
  readonly market: ResolvedMarket;
  readonly seed: number;
  readonly rootStake: string;
  /** FIELDS·n u64 words: the WASM state layout (assembly/dtao.ts). */
  state: BigUint64Array;
  readonly globals: BigUint64Array;
  schedule: ScheduleEntry[];
  minted = 0n;
  recycled = 0n;
  /** Per subnet, per uid: alpha stake, root stake, owner-hotkey mask, and the epoch's stake input. */
  readonly alphaStake: BigUint64Array[];
  readonly rootStakes: BigUint64Array[];
  readonly ownerMask: Uint8Array[];
  readonly epochStake: BigUint64Array[];
  private readonly index = new Map<number, number>();

  constructor(cfg: ResolvedNetwork, wasm: YumaExports, json?: DtaoEconomyJson) {
    const w = wasm as Wasm;
    this.subnets = cfg.subnets;
    this.n = cfg.subnets.length;
    this.rule = cfg.shareRule ?? "price-ema";
    this.market = cfg.market!;
    this.seed = cfg.seed;
    this.rootStake = cfg.rootStake!;
    cfg.subnets.forEach((s, i) => this.index.set(s.netuid, i));
    const n = this.n;
    const g = new BigUint64Array(GLOBALS);
    g[G.G_ROOT_TAO] = BigInt(cfg.rootStake!);
    g[G.G_TAU] = BigInt.asUintN(64, w.dtaoTaoWeight(BigInt(cfg.taoWeight!)));
    g[G.G_CUT] = BigInt(cfg.ownerCut!);
    g[G.G_CUT_ON] = cfg.ownerCutEnabled ? 1n : 0n;
    g[G.G_TAKE] = BigInt(cfg.delegateTake!);
    g[G.G_RULE] = RULE_CODE[this.rule];
    g[G.G_MOVING_ALPHA] = BigInt(cfg.movingAlpha!);
    g[G.G_FLOW_SMOOTHING] = 29_597_889_189_277n;
    this.globals = g;
    const tau = g[G.G_TAU]!;
    const slots = rootStakeBySlot(BigInt(cfg.rootStake!), Math.max(0, ...cfg.subnets.map((s) => s.validators)), cfg.seed);
    this.alphaStake = cfg.subnets.map((s) => initialStake(s, cfg.seed));
    this.rootStakes = cfg.subnets.map((s) => BigUint64Array.from({ length: s.neurons }, (_, u) => (u < s.validators ? slots[u]! : 0n)));
    this.ownerMask = cfg.subnets.map((s) => Uint8Array.from({ length: s.neurons }, (_, u) => (u === s.ownerUid ? 1 : 0)));
    this.epochStake = cfg.subnets.map((s, i) =>
      BigUint64Array.from({ length: s.neurons }, (_, u) => BigInt.asUintN(64, w.dtaoStakeWeight(this.alphaStake[i]![u]!, this.rootStakes[i]![u]!, tau))));
    if (json) {
      this.state = stateFromBase64(json.state, FIELDS * n);
      this.schedule = scheduleFromJson(json.schedule, "snapshot.economy.schedule");
      this.minted = BigInt(json.minted);
      this.recycled = BigInt(json.recycled);
      return;
    }
    this.schedule = createSchedule(cfg.subnets, cfg.startBlock);
    const st = new BigUint64Array(FIELDS * n);
    const set = (f: number, i: number, v: bigint) => (st[f * n + i] = v);
    cfg.subnets.forEach((s, i) => {
      const validatorAlpha = this.alphaStake[i]!.reduce((a, x) => a + x, 0n);
      set(F.F_TAO, i, BigInt(s.pool!.tao));
      set(F.F_ALPHA_IN, i, BigInt(s.pool!.alpha));
      set(F.F_ALPHA_OUT, i, BigInt(s.alphaOut!));
      set(F.F_WEIGHT, i, 500_000_000_000_000_000n);
      set(F.F_FEE, i, BigInt(s.feeRate!));
      set(F.F_MECH, i, 1n);
      set(F.F_FIRST, i, BigInt(s.firstEmissionBlock!));
      set(F.F_ENABLED, i, s.emissionEnabled ? 1n : 0n);
      set(F.F_HALVING, i, BigInt(s.emaHalvingBlocks!));
      set(F.F_RECYCLE, i, s.ownerBurn === "recycle" ? 1n : 0n);
      set(F.F_STATIC, i, BigInt(s.share));
      set(F.F_MARKET, i, BigInt(s.alphaOut!) - validatorAlpha);
    });
    this.state = st;
    // Initial EMA price: as configured, or the spot price capped at 1 (I96F32 raw).
    const spots = this.spots(w);
    cfg.subnets.forEach((s, i) => {
      const raw = s.emaPrice === null || s.emaPrice === undefined
        ? minBig(spots[i]! >> 32n, 1n << 32n)
        : BigInt(Math.floor(s.emaPrice * 2 ** 32));
      st[F.F_EMA * n + i] = raw;
    });
  }

  /** Spot prices (U64F64 raw) of every subnet from the current state. */
  private spots(w: Wasm): bigint[] {
    w.reset();
    const base = w.alloc(this.state.byteLength);
    new BigUint64Array(w.memory.buffer, base, this.state.length).set(this.state);
    return this.subnets.map((_, i) => {
      w.dtaoSpot(base, this.n, i);
      return (BigInt.asUintN(64, w.dtaoSpotHi()) << 64n) | BigInt.asUintN(64, w.dtaoSpotLo());
    });
  }

  field(f: number, i: number): bigint {
    return this.state[f * this.n + i]!;
  }

  /** The epochs of blocks from+1..to, in (block, netuid) order, without advancing the schedule. */
  plan(from: number, to: number, cap: number): { epochs: Array<{ block: number; netuid: number }>; schedule: ScheduleEntry[] } {
    const schedule = this.schedule.map((s) => ({ ...s }));
    return { epochs: listEpochs(schedule, from, to, cap), schedule };
  }

  indexOf(netuid: number): number {
    return this.index.get(netuid)!;
  }

  /**
   * The coinbase of blocks from+1..to on this thread, with the epochs' shares applied at their
   * blocks. Returns the new issuance and, per epoch in (block, netuid) order, the bytes the
   * digest chains (the epoch's hash, then the amounts paid per uid). `earned` (per subnet, per
   * uid) accumulates each uid's alpha. Leaves `this` unchanged if it throws.
   */
  run(
    wasm: YumaExports, from: number, to: number, issuance: bigint, epochs: DtaoEpochResult[],
    opts: {
      flows?: FlowsHook; history?: DtaoHistory; sampleEvery?: number; earned?: Float64Array[];
      /** Registrations to pay, in block order: subnet index, block, burn (rao). */
      registrations?: Array<{ index: number; block: number; cost: bigint }>;
      /** Per subnet: filled with the Emission of its last epoch (arrays of length 0 are skipped). */
      emission?: BigUint64Array[];
    } = {},
  ): { issuance: bigint; digestParts: Uint8Array[]; minted: bigint; recycled: bigint } {
    const w = wasm as Wasm;
    const n = this.n;
    const maxU = Math.max(1, ...this.subnets.map((s) => s.neurons));
    const maxM = Math.max(1, ...this.subnets.map((s) => s.mechanisms));
    w.reset();
    const base = w.alloc(this.state.byteLength);
    const gl = w.alloc(GLOBALS * 8);
    const scratch = w.alloc(16 * n * 8);
    const stakePtrs = this.subnets.map((s) => [w.alloc(s.neurons * 8), w.alloc(s.neurons * 8), w.alloc(s.neurons)] as const);
    const serverP = w.alloc(maxM * maxU * 8), validatorP = w.alloc(maxM * maxU * 8), outP = w.alloc(3 * maxU * 8);
    const dScratch = w.alloc((8 * maxU + maxM + 2) * 8), splitP = w.alloc(2 * maxM), emissionP = w.alloc(maxU * 8);
    // Every allocation is done: views stay valid from here on (memory no longer grows).
    const buf = w.memory.buffer;
    const st = new BigUint64Array(buf, base, this.state.length);
    st.set(this.state);
    new BigUint64Array(buf, gl, GLOBALS).set(this.globals);
    this.subnets.forEach((_, i) => {
      const [a, r, o] = stakePtrs[i]!;
      new BigUint64Array(buf, a, this.alphaStake[i]!.length).set(this.alphaStake[i]!);
      new BigUint64Array(buf, r, this.rootStakes[i]!.length).set(this.rootStakes[i]!);
      new Uint8Array(buf, o, this.ownerMask[i]!.length).set(this.ownerMask[i]!);
    });
    const server = new BigInt64Array(buf, serverP, maxM * maxU), validator = new BigInt64Array(buf, validatorP, maxM * maxU);
    const outBytes = new Uint8Array(buf, outP, 3 * maxU * 8);
    const outU64 = new BigUint64Array(buf, outP, 3 * maxU);
    const splitView = new Uint16Array(buf, splitP, maxM), emissionView = new BigUint64Array(buf, emissionP, maxU);
    const regs = opts.registrations ?? [];
    let r = 0;
    const digestParts: Uint8Array[] = [];
    let minted = 0n, recycled = 0n;
    let k = 0;
    const history = opts.history, every = Math.max(1, opts.sampleEvery ?? 50);
    for (let b = from + 1; b <= to; b++) {
      const e = BigInt.asUintN(64, w.blockEmission(issuance));
      w.dtaoBlock(base, n, gl, BigInt(b), e, scratch);
      const rec = BigInt.asUintN(64, w.dtaoRecycled());
      minted += e;
      recycled += rec;
      issuance += e - rec;
      // drain_pending + distribute_emission for the subnets whose epoch fired at b.
      while (k < epochs.length && epochs[k]!.block === b) {
        const ep = epochs[k++]!;
        const i = this.indexOf(ep.netuid);
        const sub = this.subnets[i]!;
        const uids = sub.neurons;
        server.set(ep.server);
        validator.set(ep.validator);
        if (sub.mechanismSplit) splitView.set(sub.mechanismSplit);
        const [a, rs, o] = stakePtrs[i]!;
        const em = opts.emission?.[i];
        const wantEmission = em !== undefined && em.length === uids;
        w.dtaoDistribute(base, n, gl, i, uids, serverP, validatorP, a, rs, o, outP, dScratch, sub.mechanisms, splitP, sub.mechanismSplit?.length ?? 0, wantEmission ? emissionP : 0);
        digestParts.push(ep.hash, outBytes.slice(0, 3 * uids * 8));
        if (wantEmission) em!.set(emissionView.subarray(0, uids));
        const earned = opts.earned?.[i];
        if (earned) {
          for (let u = 0; u < uids; u++) earned[u]! += Number(outU64[u]! + outU64[uids + u]! + outU64[2 * uids + u]!);
        }
      }
      if (k < epochs.length && epochs[k]!.block < b) throw new Error(`internal: epoch of netuid ${epochs[k]!.netuid} at ${epochs[k]!.block} was not applied`);
      // Registrations are extrinsics: after on_initialize, before the market's orders.
      while (r < regs.length && regs[r]!.block === b) {
        const reg = regs[r++]!;
        w.dtaoRegister(base, n, reg.index, reg.cost);
      }
      // The market trades after the block's coinbase (extrinsics follow on_initialize).
      const round = this.market.enabled && b % this.market.interval === 0;
      if (round || opts.flows) {
        const view = this.view(w, base, st);
        const orders: Order[] = round ? policyOrders(this.market, this.seed, b, view) : [];
        if (opts.flows) orders.push(...hookOrders(opts.flows(b, view), n, b));
        for (const ord of orders) this.execute(w, base, st, ord);
      }
      if (history && ((b - from) % every === 0 || b === to)) this.sample(w, base, st, b, history);
    }
    this.state = st.slice();
    this.minted += minted;
    this.recycled += recycled;
    return { issuance, digestParts, minted, recycled };
  }

  private execute(w: Wasm, base: number, st: BigUint64Array, o: Order): void {
    const n = this.n;
    if (o.buy) {
      w.dtaoSwap(base, n, o.index, 1, o.amount);
      return;
    }
    let alpha = o.inTao ? BigInt.asUintN(64, w.dtaoAlphaForTao(base, n, o.index, o.amount)) : o.amount;
    const held = st[F.F_MARKET * n + o.index]!;
    if (alpha > held) alpha = held;
    if (alpha > 0n) w.dtaoSwap(base, n, o.index, 0, alpha);
  }

  private view(w: Wasm, base: number, st: BigUint64Array): MarketSubnetView[] {
    const n = this.n;
    return this.subnets.map((s, i) => {
      w.dtaoSpot(base, n, i);
      const price = Number(BigInt.asUintN(64, w.dtaoSpotHi())) + Number(BigInt.asUintN(64, w.dtaoSpotLo())) / U64F64_ONE;
      return {
        netuid: s.netuid,
        price,
        emaPrice: Number(st[F.F_EMA * n + i]!) / 2 ** 32,
        share: (Number(st[F.L_SHARE_HI * n + i]!) * U64F64_ONE + Number(st[F.L_SHARE_LO * n + i]!)) / U64F64_ONE,
        poolTao: Number(st[F.F_TAO * n + i]!) / 1e9,
        alphaOut: Number(st[F.F_ALPHA_OUT * n + i]!) / 1e9,
        marketAlpha: Number(st[F.F_MARKET * n + i]!) / 1e9,
      };
    });
  }

  private sample(w: Wasm, base: number, st: BigUint64Array, block: number, h: DtaoHistory): void {
    const n = this.n;
    if (h.subnets.length === 0) for (const s of this.subnets) h.subnets.push({ netuid: s.netuid, spot: [], ema: [], share: [], rootProp: [], alphaEmission: [], validatorApy: [] });
    h.blocks.push(block);
    const view = this.view(w, base, st);
    const cut = Number(this.globals[G.G_CUT]!) / 65535;
    view.forEach((v, i) => {
      const s = h.subnets[i]!;
      const rp = Number(st[F.L_ROOT_PROP * n + i]!) / 2 ** 32;
      const alphaE = Number(st[F.L_ALPHA_E * n + i]!) / 1e9;
      const staked = Number(this.alphaStake[i]!.reduce((a, x) => a + x, 0n)) / 1e9;
      s.spot.push(v.price);
      s.ema.push(v.emaPrice);
      s.share.push(v.share);
      s.rootProp.push(rp);
      s.alphaEmission.push(alphaE);
      // Validators' alpha per year (after the owner cut, the miners' half and the root part)
      // over their alpha stake.
      s.validatorApy.push(staked > 0 ? (alphaE * (1 - cut) * 0.5 * (1 - rp) * BLOCKS_PER_YEAR) / staked : 0);
    });
  }

  /** Totals so far, in the `yuma simulate --json` shape (without the network fields). */
  subnetSummaries(wasm: YumaExports, epochs: number[]): DtaoSubnetSummary[] {
    const w = wasm as Wasm;
    const n = this.n;
    const spots = this.spots(w);
    const f = (k: number, i: number) => this.state[k * n + i]!;
    return this.subnets.map((s, i) => {
      const spot = spots[i]!;
      const shareRaw = (f(F.L_SHARE_HI, i) << 64n) | f(F.L_SHARE_LO, i);
      const pending = f(F.F_P_SERVER, i) + f(F.F_P_VALIDATOR, i) + f(F.F_P_ROOT, i) + f(F.F_P_OWNER, i);
      return {
        netuid: s.netuid,
        tempo: s.tempo,
        epochs: epochs[i]!,
        price: Number(spot >> 64n) + Number(spot & MASK64) / U64F64_ONE,
        emaPrice: Number(f(F.F_EMA, i)) / 2 ** 32,
        share: Number(shareRaw) / U64F64_ONE,
        taoIn: f(F.T_TAO_IN, i).toString(),
        excessTao: f(F.T_EXCESS, i).toString(),
        alphaIn: f(F.T_ALPHA_IN, i).toString(),
        alphaOut: f(F.T_ALPHA_OUT, i).toString(),
        owner: f(F.T_OWNER, i).toString(),
        miners: f(F.T_MINERS, i).toString(),
        validators: f(F.T_VALIDATORS, i).toString(),
        root: f(F.T_ROOT, i).toString(),
        burned: f(F.T_BURNED, i).toString(),
        recycled: BigInt.asIntN(64, f(F.T_RECYCLED, i)).toString(),
        pending: pending.toString(),
        poolTao: f(F.F_TAO, i).toString(),
        poolAlpha: f(F.F_ALPHA_IN, i).toString(),
        ...(s.churn ? {
          registrationTao: f(F.T_REG_TAO, i).toString(),
          registrationAlphaBurned: f(F.T_REG_ALPHA, i).toString(),
          registrationSwapsFailed: f(F.T_REG_FAILED, i).toString(),
        } : {}),
      };
    });
  }

  /** TAO that left the credit but reached no pool (failed buys). */
  unallocated(): bigint {
    let t = 0n;
    for (let i = 0; i < this.n; i++) t += this.field(F.T_STUCK, i);
    return t;
  }

  toJson(): DtaoEconomyJson {
    return {
      state: toBase64(new Uint8Array(this.state.buffer, this.state.byteOffset, this.state.byteLength)),
      schedule: this.schedule.map((s) => ({ ...s })),
      minted: this.minted.toString(),
      recycled: this.recycled.toString(),
    };
  }

  clone(): { state: BigUint64Array; schedule: ScheduleEntry[]; minted: bigint; recycled: bigint } {
    return { state: this.state.slice(), schedule: this.schedule.map((s) => ({ ...s })), minted: this.minted, recycled: this.recycled };
  }

  restore(c: { state: BigUint64Array; schedule: ScheduleEntry[]; minted: bigint; recycled: bigint }): void {
    this.state = c.state;
    this.schedule = c.schedule;
    this.minted = c.minted;
    this.recycled = c.recycled;
  }
}

function minBig(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

function stateFromBase64(v: unknown, words: number): BigUint64Array {
  const field = "snapshot.economy.state";
  if (typeof v !== "string" || !/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(v)) {
    throw new YumaInputError(field, "must be padded base64");
  }
  const bytes = fromBase64(v);
  if (bytes.length !== words * 8) throw new YumaInputError(field, `must hold ${words} u64 words (${FIELDS} fields per subnet), got ${bytes.length} bytes`);
  return new BigUint64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer);
}
