// Validator weight-setting behaviour. Each validator follows one policy; a policy decides
// when it sets weights and what it sets. Draws are keyed by (seed, netuid, uid, block), so a
// validator's weights at a given block never depend on sharding or resumption.

import type { PolicyName, ResolvedSubnet } from "./config.js";
import { key, Rng, STREAM } from "./prng.js";

/** A weight row as set_weights stores it: uids and u16 values max-upscaled to 65535. */
export interface WeightRow {
  col: Uint16Array;
  val: Uint16Array;
}

export interface PolicyContext {
  cfg: ResolvedSubnet;
  seed: number;
  uid: number;
  block: number;
  /** Hidden per-uid quality in [0, 1] (what honest validators try to measure). */
  quality: Float64Array;
  /** Consensus of the last epoch (u16 per uid). */
  consensus: Uint16Array;
  /** The uids scored (every uid but the validators'); `minerUids(cfg)` unless churn replaced a validator. */
  miners: Uint16Array;
  /** Stream of the weight draws (one per mechanism). */
  stream: number;
  /** With churn: the miners registered during the run (positions in `miners`, registration
   *  blocks), scored 0 until `delay` blocks after their registration. */
  fresh?: { at: Int32Array; blocks: Float64Array; delay: number };
}

export interface Policy {
  /** Blocks between two weight settings. */
  interval(cfg: ResolvedSubnet): number;
  /** The row set at ctx.block, or null to keep the current one. `prev` (the current row) may
   *  be overwritten and returned, to spare an allocation. */
  weights(ctx: PolicyContext, prev: WeightRow | null): WeightRow | null;
}

/** Scale non-negative scores so the largest is 65535 (rounded), as set_weights stores them. */
export function maxUpscale(uids: Uint16Array, scores: Float64Array): WeightRow | null {
  let max = 0;
  for (let i = 0; i < scores.length; i++) if (scores[i]! > max) max = scores[i]!;
  if (!(max > 0)) return null;
  const val = new Uint16Array(scores.length);
  const scale = 65535 / max;
  for (let i = 0; i < scores.length; i++) val[i] = Math.min(65535, (scores[i]! * scale + 0.5) | 0);
  return { col: uids, val };
}

const minerCache = new WeakMap<ResolvedSubnet, Uint16Array>();

/** Uids of the miners (V..n−1); shared and never mutated. */
export function minerUids(cfg: ResolvedSubnet): Uint16Array {
  let m = minerCache.get(cfg);
  if (!m) {
    m = new Uint16Array(Math.max(0, cfg.neurons - cfg.validators));
    for (let i = 0; i < m.length; i++) m[i] = cfg.validators + i;
    minerCache.set(cfg, m);
  }
  return m;
}

let scratch = new Float64Array(256);

/** Scores every miner: its quality times (1 ± noise), uniformly. */
const honest: Policy = {
  interval: (cfg) => cfg.weightsInterval,
  weights(ctx, prev) {
    const uids = ctx.miners;
    const m = uids.length;
    if (scratch.length < m) scratch = new Float64Array(m);
    const s = scratch;
    const noise = ctx.cfg.noise, q = ctx.quality;
    // mulberry32 inlined (the hot loop of a simulation: one draw per validator × miner).
    // State kept as int32 (`| 0`) so V8 never boxes it.
    let t = key(ctx.seed, ctx.cfg.netuid, ctx.uid, ctx.block, ctx.stream) | 0;
    let max = 0;
    for (let i = 0; i < m; i++) {
      t = (t + 0x6d2b79f5) | 0;
      let z = Math.imul(t ^ (t >>> 15), t | 1);
      z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
      const u = ((z ^ (z >>> 14)) >>> 0) * 2.3283064365386963e-10; // 2^-32
      const x = q[uids[i]!]! * (1 + noise * (2 * u - 1));
      const v = x > 0 ? x : 0;
      s[i] = v;
      if (v > max) max = v;
    }
    const fresh = ctx.fresh;
    if (fresh && fresh.at.length > 0) {
      // Not yet evaluated: a miner registered less than `delay` blocks ago keeps weight 0.
      let zeroed = false;
      for (let j = 0; j < fresh.at.length; j++) {
        if (ctx.block < fresh.blocks[j]! + fresh.delay) {
          s[fresh.at[j]!] = 0;
          zeroed = true;
        }
      }
      if (zeroed) {
        max = 0;
        for (let i = 0; i < m; i++) if (s[i]! > max) max = s[i]!;
      }
    }
    const burn = ctx.cfg.burn;
    if (burn > 0 && ctx.cfg.ownerUid !== null && uids.indexOf(ctx.cfg.ownerUid) >= 0) {
      // The owner's uid gets `burn` of the row's weight: its score is set so that it is that
      // fraction of the total (all of it at burn = 1).
      const o = uids.indexOf(ctx.cfg.ownerUid);
      let rest = 0;
      for (let i = 0; i < m; i++) if (i !== o) rest += s[i]!;
      if (burn >= 1) {
        for (let i = 0; i < m; i++) s[i] = 0;
        s[o] = 1;
      } else s[o] = (burn / (1 - burn)) * rest;
      max = 0;
      for (let i = 0; i < m; i++) if (s[i]! > max) max = s[i]!;
    }
    if (!(max > 0)) return null;
    const val = prev && prev.col === uids && prev.val.length === m ? prev.val : new Uint16Array(m);
    const scale = 65535 / max;
    // Round half up; (x + 0.5) | 0 is Math.round for 0 <= x <= 65535 and much cheaper.
    for (let i = 0; i < m; i++) val[i] = (s[i]! * scale + 0.5) | 0;
    return { col: uids, val };
  },
};

/** Honest scoring, but only every `lazyInterval` blocks (it drifts out of the activity window). */
const lazy: Policy = { interval: (cfg) => cfg.lazyInterval, weights: honest.weights };

/** Sets the last epoch's consensus as its weights. */
const copier: Policy = {
  interval: (cfg) => cfg.weightsInterval,
  weights(ctx) {
    const uids = ctx.miners;
    const s = Float64Array.from(uids, (u) => ctx.consensus[u]!);
    return maxUpscale(uids, s) ?? honest.weights(ctx, null);
  },
};

/** Puts all its weight on "its own" miner. */
const selfish: Policy = {
  interval: (cfg) => cfg.weightsInterval,
  weights(ctx) {
    const miners = ctx.miners.length;
    if (miners <= 0) return null;
    const own = ctx.miners[ctx.uid % miners]!;
    return { col: Uint16Array.of(own), val: Uint16Array.of(65535) };
  },
};

export const POLICY_IMPL: Record<PolicyName, Policy> = { honest, lazy, copier, selfish };

/** Policy of validator `uid` (0..V−1): deviant policies take the highest validator uids
 *  (selfish last, then copier, then lazy); everyone else is honest. Stakes are drawn
 *  independently of uid, so this does not favour any policy. */
export function policyOf(cfg: ResolvedSubnet, uid: number): PolicyName {
  let from = cfg.validators;
  for (const p of ["selfish", "copier", "lazy"] as const) {
    from -= cfg.policies[p];
    if (uid >= from) return p;
  }
  return "honest";
}

/** Hidden quality from a uniform draw: skewed towards low values. */
const skew = (u: number) => 0.05 + 0.95 * u * u;

/** Hidden quality of every uid in mechanism `mech` (validators' entries unused). */
export function qualities(cfg: ResolvedSubnet, seed: number, mech = 0): Float64Array {
  const rng = new Rng(key(seed, cfg.netuid, 0, mech, STREAM.quality));
  const q = new Float64Array(cfg.neurons);
  for (let i = 0; i < q.length; i++) q[i] = skew(rng.next());
  return q;
}

/** Hidden quality, in mechanism `mech`, of the neuron registered at `uid` at `block`. */
export function registrantQuality(seed: number, netuid: number, uid: number, block: number, mech: number): number {
  return skew(new Rng(key(seed, netuid, uid, block, STREAM.registrant + mech)).next());
}

/** Stream of a validator's weight draws in mechanism `mech` (mechanism 0 keeps the original one). */
export function weightStream(mech: number): number {
  return mech === 0 ? STREAM.weights : STREAM.mechWeights + mech;
}

/** The block at which validator `uid` sets weights in each interval (1..interval). */
export function phaseOf(seed: number, netuid: number, uid: number, interval: number): number {
  return 1 + (key(seed, netuid, uid, 0, STREAM.phase) % interval);
}

/** The last block ≤ `block` at which a validator with this phase and interval sets weights, or −1. */
export function lastSetBlock(block: number, phase: number, interval: number): number {
  if (block < phase) return -1;
  return block - ((block - phase) % interval);
}
