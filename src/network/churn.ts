// Neuron churn (docs/mechanisms.md, "Churn"): registrations paying the burn, the burn price
// dynamics, pruning of the chain's choice and `replace_neuron` — subtensor @14bc6f9f9
// `subnets/registration.rs` (`do_register`, `get_neuron_to_prune`,
// `update_registration_prices_for_networks`, `bump_registration_price_after_registration`) and
// `subnets/uids.rs` (`replace_neuron`, `clear_neuron`).
//
// Whether a registration succeeds never depends on amounts: the burn price moves only with
// blocks and registrations, and whether the pruning rule can name a uid depends only on the
// subnet's size and floor (`registrationsPossible`). So registrations are planned on the
// calling thread (`planRegistrations`,
// burn price arithmetic in WASM: assembly/registration.ts), and the uid each one replaces is
// chosen where the subnet's state lives, from the Emission of its last epoch.

import { YumaInputError } from "../errors.js";
import { checkKeys } from "../input.js";
import { requireInt, requireObject, requireRao, requireU16 } from "../validate.js";
import type { YumaExports } from "../wasm.js";
import { key, Rng, STREAM } from "./prng.js";

export interface ChurnConfig {
  /** Mean registrations attempted per block (Poisson), ≥ 0. */
  arrivals?: number;
  /** The most a registrant pays (rao, decimal string): it registers only while the burn is at most this. */
  maxPrice?: string;
  /** ImmunityPeriod (blocks). */
  immunityPeriod?: number;
  /** MinNonImmuneUids: below this many non-immune uids, an immune one is pruned instead. */
  minNonImmune?: number;
  /** Blocks before a validator scores a newly registered miner (its weight stays 0 until then). */
  noticeDelay?: number;
  /** Burn price at the start (rao), and its bounds MinBurn / MaxBurn. */
  burn?: string;
  minBurn?: string;
  maxBurn?: string;
  /** BurnHalfLife (blocks, 0 = no decay, at most 36,100). */
  burnHalfLife?: number;
  /** BurnIncreaseMult: the price step after each registration (≥ 1). */
  burnIncreaseMult?: number;
}

export interface ResolvedChurn {
  arrivals: number;
  maxPrice: string;
  immunityPeriod: number;
  minNonImmune: number;
  noticeDelay: number;
  burn: string;
  minBurn: string;
  maxBurn: string;
  burnHalfLife: number;
  burnIncreaseMult: number;
}

/** runtime @14bc6f9f9: InitialBurn 0.1 TAO, InitialMinBurn 500k rao, InitialMaxBurn 100 TAO,
 *  DefaultBurnHalfLife 360, DefaultBurnIncreaseMult 1.26, InitialImmunityPeriod 4096,
 *  DefaultMinNonImmuneUids 10, MaxBurnHalfLife 36,100. */
export const CHURN_DEFAULTS = {
  arrivals: 0,
  maxPrice: "100000000000",
  immunityPeriod: 4096,
  minNonImmune: 10,
  burn: "100000000",
  minBurn: "500000",
  maxBurn: "100000000000",
  burnHalfLife: 360,
  burnIncreaseMult: 1.26,
} as const;
export const MAX_BURN_HALF_LIFE = 36_100;

const CHURN_KEYS = new Set([
  "arrivals", "maxPrice", "immunityPeriod", "minNonImmune", "noticeDelay", "burn", "minBurn", "maxBurn", "burnHalfLife", "burnIncreaseMult",
]);

const fail = (field: string, rule: string): never => {
  throw new YumaInputError(field, rule);
};

/** A subnet's churn settings (`null` or absent: no churn), defaults filled in. */
export function resolveChurn(v: unknown, field: string, tempo: number): ResolvedChurn | null {
  if (v === undefined || v === null) return null;
  const o = requireObject(v, field);
  checkKeys(o, CHURN_KEYS, field);
  const g = (k: string, d: unknown) => (o[k] === undefined ? d : o[k]);
  const arrivals = g("arrivals", CHURN_DEFAULTS.arrivals);
  if (typeof arrivals !== "number" || !Number.isFinite(arrivals)) fail(`${field}.arrivals`, `must be a finite number, got ${JSON.stringify(arrivals) ?? typeof arrivals}`);
  if ((arrivals as number) < 0) fail(`${field}.arrivals`, `must not be negative (registrations per block), got ${arrivals}`);
  if ((arrivals as number) > 16) fail(`${field}.arrivals`, `must be at most 16 registrations per block, got ${arrivals}`);
  const mult = g("burnIncreaseMult", CHURN_DEFAULTS.burnIncreaseMult);
  if (typeof mult !== "number" || !Number.isFinite(mult) || mult < 1 || mult >= 2 ** 32) {
    fail(`${field}.burnIncreaseMult`, `must be a number in [1, 2^32), got ${JSON.stringify(mult) ?? typeof mult}`);
  }
  const minBurn = requireRao(g("minBurn", CHURN_DEFAULTS.minBurn), `${field}.minBurn`);
  const maxBurn = requireRao(g("maxBurn", CHURN_DEFAULTS.maxBurn), `${field}.maxBurn`);
  if (minBurn > maxBurn) fail(`${field}.minBurn`, `must not exceed maxBurn (${minBurn} > ${maxBurn})`);
  for (const [k, x] of [["minBurn", minBurn], ["maxBurn", maxBurn]] as const) if (x >= 1n << 64n) fail(`${field}.${k}`, "must fit in u64");
  const burn = requireRao(g("burn", CHURN_DEFAULTS.burn), `${field}.burn`);
  if (burn >= 1n << 64n) fail(`${field}.burn`, "must fit in u64");
  const maxPrice = requireRao(g("maxPrice", CHURN_DEFAULTS.maxPrice), `${field}.maxPrice`);
  return {
    arrivals: arrivals as number,
    maxPrice: maxPrice.toString(),
    immunityPeriod: requireU16(g("immunityPeriod", CHURN_DEFAULTS.immunityPeriod), `${field}.immunityPeriod`),
    minNonImmune: requireU16(g("minNonImmune", CHURN_DEFAULTS.minNonImmune), `${field}.minNonImmune`),
    noticeDelay: requireInt(g("noticeDelay", Math.max(1, tempo)), `${field}.noticeDelay`, 0, 2 ** 32),
    burn: burn.toString(),
    minBurn: minBurn.toString(),
    maxBurn: maxBurn.toString(),
    burnHalfLife: requireInt(g("burnHalfLife", CHURN_DEFAULTS.burnHalfLife), `${field}.burnHalfLife`, 0, MAX_BURN_HALF_LIFE),
    burnIncreaseMult: mult as number,
  };
}

interface RegExports extends YumaExports {
  burnDecay(burn: bigint, factor: bigint, halfLife: number, min: bigint, max: bigint, first: bigint, count: bigint): bigint;
  burnBump(burn: bigint, multHi: bigint, multLo: bigint, min: bigint, max: bigint): bigint;
  decayFactorQ32(halfLife: number): bigint;
  regMultFromF64(x: number): void;
  regMultHi(): bigint;
  regMultLo(): bigint;
}

const u64 = (x: bigint) => BigInt.asUintN(64, x);

/** The burn price rules of one subnet, with the per-block factor and the step in the chain's types. */
export class BurnPrice {
  private readonly factor: bigint;
  private readonly multHi: bigint;
  private readonly multLo: bigint;
  private readonly min: bigint;
  private readonly max: bigint;
  constructor(private readonly wasm: YumaExports, private readonly c: ResolvedChurn) {
    const w = wasm as RegExports;
    this.factor = u64(w.decayFactorQ32(c.burnHalfLife));
    w.regMultFromF64(c.burnIncreaseMult);
    this.multHi = u64(w.regMultHi());
    this.multLo = u64(w.regMultLo());
    this.min = BigInt(c.minBurn);
    this.max = BigInt(c.maxBurn);
  }
  /** The per-block update of blocks first..first+count−1 (on_initialize, before registrations). */
  decay(burn: bigint, first: number, count: number): bigint {
    if (count <= 0) return burn;
    return u64((this.wasm as RegExports).burnDecay(burn, this.factor, this.c.burnHalfLife, this.min, this.max, BigInt(first), BigInt(count)));
  }
  /** After a registration. */
  bump(burn: bigint): bigint {
    return u64((this.wasm as RegExports).burnBump(burn, this.multHi, this.multLo, this.min, this.max));
  }
}

/** Registrations attempted at a block: Poisson(arrivals) by inversion, from a counter-based draw. */
export function arrivalsAt(seed: number, netuid: number, block: number, rate: number): number {
  if (rate <= 0) return 0;
  const u = new Rng(key(seed, netuid, 0, block, STREAM.arrivals)).next();
  let k = 0, p = Math.exp(-rate), cdf = p;
  while (u >= cdf && k < 64) {
    k++;
    p *= rate / k;
    cdf += p;
  }
  return k;
}

/** One planned registration: its block and the burn it paid (rao). */
export interface Registration {
  block: number;
  cost: bigint;
}

/**
 * The registrations of blocks from+1..to on one subnet and the burn price after them: every
 * block decays the price, then each arrival registers if the price is within its limit (paying
 * it) and bumps it. Pure in (burn, seed, blocks): where a run is split never matters.
 */
export function planRegistrations(price: BurnPrice, c: ResolvedChurn, seed: number, netuid: number, burn: bigint, from: number, to: number, open = true): { burn: bigint; registrations: Registration[] } {
  const out: Registration[] = [];
  const limit = BigInt(c.maxPrice);
  // A subnet refusing every registration (see registrationsPossible) still decays its price.
  if (!open) return { burn: price.decay(burn, from + 1, to - from), registrations: out };
  let b = from + 1;
  while (b <= to) {
    // Stretches of blocks with no arrival decay in one WASM call.
    let next = b;
    while (next <= to && arrivalsAt(seed, netuid, next, c.arrivals) === 0) next++;
    burn = price.decay(burn, b, Math.min(next, to + 1) - b);
    if (next > to) break;
    burn = price.decay(burn, next, 1);
    const count = arrivalsAt(seed, netuid, next, c.arrivals);
    for (let k = 0; k < count; k++) {
      if (burn > limit) break;
      out.push({ block: next, cost: burn });
      burn = price.bump(burn);
    }
    b = next + 1;
  }
  return { burn, registrations: out };
}

/**
 * Whether `do_register` can ever succeed on a full subnet (its `get_neuron_to_prune(..).is_some()`
 * check): the pruning rule answers None only when at most MinNonImmuneUids uids (the owner's
 * aside) are non-immune and none is immune. With more than MinNonImmuneUids such uids that never
 * happens (while the non-immune ones are at most the floor, the rest are immune); with at most
 * that many, the first registration already finds none immune (the uids present at the start
 * are past their immunity), so none ever succeeds. Either way it never depends on amounts.
 */
export function registrationsPossible(neurons: number, ownerUid: number | null, minNonImmune: number): boolean {
  return neurons - (ownerUid === null ? 0 : 1) > minNonImmune;
}

/** What `get_neuron_to_prune` reads of a subnet. */
export interface PruneView {
  n: number;
  /** Emission of the last epoch per uid (rao or alpha rao). */
  emission: BigUint64Array;
  registration: BigUint64Array;
  /** The owner hotkey's uid (immortal), or null. */
  ownerUid: number | null;
  immunityPeriod: number;
  minNonImmune: number;
}

/**
 * `get_neuron_to_prune` at `block`: among the uids other than the owner's, the lowest
 * (emission, registration block, uid) of the non-immune ones if more than `minNonImmune` are
 * non-immune, else of the immune ones. null when no uid is left.
 */
export function getNeuronToPrune(v: PruneView, block: number): number | null {
  let free = 0;
  let bestFree = -1, bestImmune = -1;
  const better = (u: number, b: number) =>
    v.emission[u]! !== v.emission[b]! ? v.emission[u]! < v.emission[b]!
      : v.registration[u]! !== v.registration[b]! ? v.registration[u]! < v.registration[b]!
        : u < b;
  const now = BigInt(block), period = BigInt(v.immunityPeriod);
  for (let u = 0; u < v.n; u++) {
    if (u === v.ownerUid) continue;
    const reg = v.registration[u]!;
    const immune = (now > reg ? now - reg : 0n) < period;
    if (immune) {
      if (bestImmune < 0 || better(u, bestImmune)) bestImmune = u;
    } else {
      free++;
      if (bestFree < 0 || better(u, bestFree)) bestFree = u;
    }
  }
  if (free > v.minNonImmune && bestFree >= 0) return bestFree;
  return bestImmune >= 0 ? bestImmune : null;
}

