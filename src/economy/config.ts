// The dynamic-TAO part of a network config: network-wide fields (share rule, τ, root stake,
// the epoch cap, the market) and per-subnet fields (initial pool, alpha out, EMA price, first
// emission block, owner-hotkey burn, emission switch, fee). Every field is optional; the
// defaults look like mainnet in 2026: a few dozen subnets with prices spread over two decades,
// pools of a few hundred to a few hundred thousand TAO, 0.5 TAO per block after the first
// halving. Amounts are rao / alpha rao (bigint or decimal strings).

import { YumaInputError } from "../errors.js";
import { quote } from "../input.js";
import { key, Rng } from "../network/prng.js";
import { requireBool, requireInt, requireObject, requireRao, requireU16, requireU64 } from "../validate.js";

export type Economy = "dtao" | "static";
export type ShareRule = "price-ema" | "tao-flow" | "static";
export const SHARE_RULES: readonly ShareRule[] = ["price-ema", "tao-flow", "static"];

/** runtime SubtensorInitialTaoWeight (÷ u64::MAX ≈ 0.0527). */
export const DEFAULT_TAO_WEIGHT = 971_718_665_099_567_868n;

export interface MarketConfig {
  /** Market on or off. */
  enabled?: boolean;
  /** Blocks between market rounds. */
  interval?: number;
  /** TAO (rao) that yield-seeking stakers move per round, from the lowest- to the highest-yield subnet. */
  yieldStake?: string;
  /** Mean TAO (rao) of one noise trade. */
  noiseStake?: string;
  /** Noise trades per round. */
  noiseTrades?: number;
}

export interface ResolvedMarket {
  enabled: boolean;
  interval: number;
  yieldStake: string;
  noiseStake: string;
  noiseTrades: number;
}

export interface ResolvedDtao {
  shareRule: ShareRule;
  /** TaoWeight as a u64 (÷ u64::MAX). */
  taoWeight: string;
  /** TAO staked on root (SubnetTAO of netuid 0), rao. */
  rootStake: string;
  maxEpochsPerBlock: number;
  ownerCut: number;
  ownerCutEnabled: boolean;
  delegateTake: number;
  /** SubnetMovingAlpha, I96F32 raw. */
  movingAlpha: string;
  market: ResolvedMarket;
}

export interface DtaoSubnetConfig {
  pool?: { tao?: string; alpha?: string };
  alphaOut?: string;
  /** Initial EMA price in TAO per alpha (≤ 1); default min(spot, 1). */
  emaPrice?: number;
  firstEmissionBlock?: number;
  ownerBurn?: "burn" | "recycle";
  emissionEnabled?: boolean;
  feeRate?: number;
  emaHalvingBlocks?: number;
}

/** Resolved per-subnet fields, named as in the input so a resolved config is valid input. */
export interface ResolvedDtaoSubnet {
  pool: { tao: string; alpha: string };
  alphaOut: string;
  /** Initial EMA price (TAO per alpha), or null for min(spot, 1). */
  emaPrice: number | null;
  firstEmissionBlock: number;
  ownerBurn: "burn" | "recycle";
  emissionEnabled: boolean;
  feeRate: number;
  emaHalvingBlocks: number;
}

export const DTAO_NETWORK_KEYS = ["economy", "shareRule", "taoWeight", "rootStake", "maxEpochsPerBlock", "ownerCut", "ownerCutEnabled", "delegateTake", "movingAlpha", "market"] as const;
export const DTAO_SUBNET_KEYS = ["pool", "alphaOut", "emaPrice", "firstEmissionBlock", "ownerBurn", "emissionEnabled", "feeRate", "emaHalvingBlocks"] as const;
const MARKET_KEYS = new Set(["enabled", "interval", "yieldStake", "noiseStake", "noiseTrades"]);
const POOL_KEYS = new Set(["tao", "alpha"]);

/** Defaults where the economy changes them: a mainnet-like block height and issuance. */
export const DTAO_NETWORK_DEFAULTS = {
  /** ~11M TAO issued: past the first halving, 0.5 TAO per block. */
  issuance: "11000000000000000",
  startBlock: 7_000_000,
  subnets: 64,
} as const;

const fail = (field: string, rule: string): never => {
  throw new YumaInputError(field, rule);
};

function requireNumber(v: unknown, field: string, min: number, max: number): number {
  if (typeof v !== "number" || !Number.isFinite(v)) return fail(field, `must be a finite number, got ${quote(v)}`);
  if (v < min || v > max) fail(field, `must be in [${min}, ${max}], got ${v}`);
  return v;
}

export function resolveEconomy(v: unknown): Economy {
  if (v === undefined) return "dtao";
  if (v !== "dtao" && v !== "static") fail("config.economy", `must be "dtao" or "static", got ${quote(v)}`);
  return v as Economy;
}

/** Network-wide dTAO fields of a config object (already key-checked by the caller). */
export function resolveDtaoNetwork(c: Record<string, unknown>): ResolvedDtao {
  const rule = c.shareRule ?? "price-ema";
  if (!SHARE_RULES.includes(rule as ShareRule)) fail("config.shareRule", `must be one of ${SHARE_RULES.join(", ")}, got ${quote(rule)}`);
  const m = requireObject(c.market ?? {}, "config.market", MARKET_KEYS);
  const market: ResolvedMarket = {
    enabled: requireBool(m.enabled ?? true, "config.market.enabled"),
    interval: requireInt(m.interval ?? 10, "config.market.interval", 1, 1_000_000),
    yieldStake: requireRao(m.yieldStake ?? "5000000000", "config.market.yieldStake").toString(),
    noiseStake: requireRao(m.noiseStake ?? "2000000000", "config.market.noiseStake").toString(),
    noiseTrades: requireInt(m.noiseTrades ?? 2, "config.market.noiseTrades", 0, 4096),
  };
  for (const f of ["yieldStake", "noiseStake"] as const) {
    if (BigInt(market[f]) >= 1n << 62n) fail(`config.market.${f}`, "must be below 2^62 rao");
  }
  const movingAlpha = requireU64(c.movingAlpha ?? "12885", "config.movingAlpha", 1n << 32n);
  return {
    shareRule: rule as ShareRule,
    taoWeight: requireU64(c.taoWeight ?? DEFAULT_TAO_WEIGHT.toString(), "config.taoWeight").toString(),
    rootStake: requireU64(c.rootStake ?? "3500000000000000", "config.rootStake", (1n << 63n) - 1n).toString(),
    maxEpochsPerBlock: requireInt(c.maxEpochsPerBlock ?? 2, "config.maxEpochsPerBlock", 1, 4096),
    ownerCut: requireU16(c.ownerCut ?? 11796, "config.ownerCut"),
    ownerCutEnabled: requireBool(c.ownerCutEnabled ?? true, "config.ownerCutEnabled"),
    delegateTake: requireU16(c.delegateTake ?? 11796, "config.delegateTake"),
    movingAlpha: movingAlpha.toString(),
    market,
  };
}

/** Seeded mainnet-like defaults for one subnet: price 10^U(−2.7, −0.4) TAO/alpha, alpha
 *  reserve 10^U(5.3, 6.7) alpha, alpha out 0.5–1.5× the reserve beyond the validators' stake,
 *  subnet age 20–400 days. */
function subnetDefaults(seed: number, netuid: number, startBlock: number, validatorStake: bigint) {
  const r = new Rng(key(seed, netuid, 0, 0, 11));
  const price = 10 ** (-2.7 + 2.3 * r.next());
  const alpha = Math.floor(10 ** (5.3 + 1.4 * r.next()));
  const poolAlpha = BigInt(alpha) * 1_000_000_000n;
  const poolTao = BigInt(Math.floor(alpha * price)) * 1_000_000_000n;
  const outside = BigInt(Math.floor(alpha * (0.5 + r.next()))) * 1_000_000_000n;
  const ageDays = 20 + Math.floor(380 * r.next());
  return {
    poolTao: poolTao === 0n ? 1_000_000_000n : poolTao,
    poolAlpha,
    alphaOut: validatorStake + outside,
    firstEmissionBlock: Math.max(1, startBlock - ageDays * 7200),
  };
}

/** One subnet's dTAO fields. `raw` holds only the dTAO keys (checked by the caller). */
export function resolveDtaoSubnet(raw: Record<string, unknown>, field: string, seed: number, netuid: number, startBlock: number, validatorStake: bigint): ResolvedDtaoSubnet {
  const d = subnetDefaults(seed, netuid, startBlock, validatorStake);
  const pool = requireObject(raw.pool ?? {}, `${field}.pool`, POOL_KEYS);
  const poolTao = requireRao(pool.tao ?? d.poolTao.toString(), `${field}.pool.tao`);
  const poolAlpha = requireRao(pool.alpha ?? d.poolAlpha.toString(), `${field}.pool.alpha`);
  // The pool's math works in u64 with products up to reserve·1000: keep reserves below 2^60.
  for (const [k, v] of [["tao", poolTao], ["alpha", poolAlpha]] as const) {
    if (v >= 1n << 60n) fail(`${field}.pool.${k}`, "must be below 2^60 rao");
    if (v < 1_000_000n) fail(`${field}.pool.${k}`, `must be at least the swap's minimum reserve 1000000 rao, got ${v}`);
  }
  const alphaOut = requireRao(raw.alphaOut ?? d.alphaOut.toString(), `${field}.alphaOut`);
  if (alphaOut >= 1n << 60n) fail(`${field}.alphaOut`, "must be below 2^60 rao");
  if (alphaOut < validatorStake) fail(`${field}.alphaOut`, `must cover the validators' alpha stake ${validatorStake}, got ${alphaOut}`);
  const ema = raw.emaPrice === undefined || raw.emaPrice === null ? null : requireNumber(raw.emaPrice, `${field}.emaPrice`, 0, 1);
  const burn = raw.ownerBurn ?? "burn";
  if (burn !== "burn" && burn !== "recycle") fail(`${field}.ownerBurn`, `must be "burn" or "recycle", got ${quote(burn)}`);
  return {
    pool: { tao: poolTao.toString(), alpha: poolAlpha.toString() },
    alphaOut: alphaOut.toString(),
    emaPrice: ema,
    firstEmissionBlock: requireInt(raw.firstEmissionBlock ?? d.firstEmissionBlock, `${field}.firstEmissionBlock`, 1, Number.MAX_SAFE_INTEGER),
    ownerBurn: burn as "burn" | "recycle",
    emissionEnabled: requireBool(raw.emissionEnabled ?? true, `${field}.emissionEnabled`),
    feeRate: requireInt(raw.feeRate ?? 33, `${field}.feeRate`, 0, 10_000),
    emaHalvingBlocks: requireInt(raw.emaHalvingBlocks ?? 201_600, `${field}.emaHalvingBlocks`, 0, 2 ** 32),
  };
}
