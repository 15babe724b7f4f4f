// Network configuration: JSON-friendly, validated field by field, with defaults that look
// like mainnet (256 uids, 64 validators, tempo 360, kappa 32767, bonds moving average 0.9,
// Yuma 3 on).

import { checkSubnetMemory } from "../memory.js";
import { YumaInputError } from "../errors.js";
import { checkKeys as checkOwnKeys, keyPath, quote } from "../input.js";
import { requireArray, requireBool, requireInt, requireObject, requireRao, requireU16, requireU64 } from "../validate.js";
import { resolveChurn, type ChurnConfig, type ResolvedChurn } from "./churn.js";
import {
  DTAO_NETWORK_DEFAULTS, DTAO_NETWORK_KEYS, DTAO_SUBNET_KEYS, resolveDtaoNetwork, resolveDtaoSubnet, resolveEconomy,
  type DtaoSubnetConfig, type Economy, type MarketConfig, type ResolvedDtao, type ResolvedDtaoSubnet, type ShareRule,
} from "../economy/config.js";

export type PolicyName = "honest" | "lazy" | "copier" | "selfish";
export const POLICIES: readonly PolicyName[] = ["honest", "lazy", "copier", "selfish"];

/** One subnet. Every field is optional; `defaults` of the network config fill the gaps. The
 *  dTAO fields (pool, alphaOut, emaPrice, …) apply to the "dtao" economy only. */
export interface SubnetConfig extends DtaoSubnetConfig {
  netuid?: number;
  tempo?: number;
  neurons?: number;
  validators?: number;
  /** Relative share of each block's emission (integer weight). */
  share?: number;
  kappa?: number;
  bondsPenalty?: number;
  bondsMovingAverage?: number;
  yuma3?: boolean;
  liquidAlpha?: boolean;
  alphaLow?: number;
  alphaHigh?: number;
  alphaSigmoidSteepness?: number;
  maxAllowedValidators?: number;
  activityCutoff?: number;
  stakeThreshold?: string;
  /** uid of the subnet owner's hotkey, or null. */
  ownerUid?: number | null;
  /** Fraction (0..1) of every honest or lazy validator's weight put on the owner's uid (the
   *  "burn uid"); needs an `ownerUid` among the miners. Its incentive is withheld (dtao:
   *  burned or recycled, and it sets MinerBurned). */
  burn?: number;
  /** Honest / copier / selfish validators re-set weights every this many blocks. */
  weightsInterval?: number;
  /** Lazy validators re-set weights every this many blocks. */
  lazyInterval?: number;
  /** Relative noise of an honest validator's scores (0 = perfect agreement). */
  noise?: number;
  /** How many validators follow each policy (the rest are honest); assigned in uid order. */
  policies?: Partial<Record<PolicyName, number>>;
  /** `fixed` stake, or `compound`: validator emission is re-staked after each epoch. */
  stakeMode?: "fixed" | "compound";
  /** Total validator stake in rao (decimal string), split heavy-tailed (Pareto). */
  validatorStake?: string;
  /** Pareto shape of the stake split (smaller = more concentrated). */
  stakeAlpha?: number;
  /** Incentive mechanisms (1..=2, the runtime's MaxMechanismCount; neurons × mechanisms ≤ 256). */
  mechanisms?: number;
  /** The emission split between mechanisms: u16s summing to 65535, or null for even. */
  mechanismSplit?: number[] | null;
  /** Registrations, the burn price, immunity and pruning; null or absent: no churn. */
  churn?: ChurnConfig | null;
}

export interface NetworkConfig {
  /** "dtao" (default: the chain since 2025) or "static" (fixed subnet shares, TAO paid out). */
  economy?: Economy;
  shareRule?: ShareRule;
  taoWeight?: string;
  rootStake?: string;
  maxEpochsPerBlock?: number;
  ownerCut?: number;
  ownerCutEnabled?: boolean;
  delegateTake?: number;
  movingAlpha?: string;
  market?: MarketConfig;
  seed?: number;
  /** Total issuance before the first simulated block, in rao (decimal string). */
  issuance?: string;
  /** Block number before the first simulated block. */
  startBlock?: number;
  /** A number of subnets built from `defaults`, or an explicit list. */
  subnets?: number | SubnetConfig[];
  defaults?: SubnetConfig;
}

/** A subnet with every field resolved and checked. */
export interface ResolvedSubnet {
  netuid: number;
  tempo: number;
  neurons: number;
  validators: number;
  share: number;
  kappa: number;
  bondsPenalty: number;
  bondsMovingAverage: number;
  yuma3: boolean;
  liquidAlpha: boolean;
  alphaLow: number;
  alphaHigh: number;
  alphaSigmoidSteepness: number;
  maxAllowedValidators: number;
  activityCutoff: number;
  stakeThreshold: string;
  ownerUid: number | null;
  burn: number;
  weightsInterval: number;
  lazyInterval: number;
  noise: number;
  policies: Record<PolicyName, number>;
  stakeMode: "fixed" | "compound";
  validatorStake: string;
  stakeAlpha: number;
  mechanisms: number;
  mechanismSplit: number[] | null;
  churn: ResolvedChurn | null;
}

/** A subnet of a dTAO network: the subnet fields plus its pool and economy fields. */
export type ResolvedDtaoSubnetConfig = ResolvedSubnet & Partial<ResolvedDtaoSubnet>;

/** The dtao fields are set for the dtao economy only, flattened under their input names so
 *  that a resolved config is valid input (a snapshot's config round-trips). */
export interface ResolvedNetwork extends Partial<ResolvedDtao> {
  economy?: Economy;
  seed: number;
  issuance: string;
  startBlock: number;
  subnets: ResolvedDtaoSubnetConfig[];
}

export const SUBNET_DEFAULTS: Omit<ResolvedSubnet, "netuid" | "policies" | "weightsInterval" | "lazyInterval"> = {
  tempo: 360,
  neurons: 256,
  validators: 64,
  share: 1,
  kappa: 32767,
  bondsPenalty: 65535,
  bondsMovingAverage: 900_000,
  yuma3: true,
  liquidAlpha: false,
  alphaLow: 45875, // 0.7
  alphaHigh: 58982, // 0.9
  alphaSigmoidSteepness: 1000,
  maxAllowedValidators: 64,
  activityCutoff: 5000,
  stakeThreshold: "0",
  ownerUid: null,
  burn: 0,
  noise: 0.1,
  stakeMode: "fixed",
  validatorStake: "1000000000000000", // 1M TAO
  stakeAlpha: 1.16,
  mechanisms: 1,
  mechanismSplit: null,
  churn: null,
};

const SUBNET_KEYS = new Set<string>([
  "netuid", "tempo", "neurons", "validators", "share", "kappa", "bondsPenalty", "bondsMovingAverage", "yuma3",
  "liquidAlpha", "alphaLow", "alphaHigh", "alphaSigmoidSteepness", "maxAllowedValidators", "activityCutoff",
  "stakeThreshold", "ownerUid", "burn", "weightsInterval", "lazyInterval", "noise", "policies", "stakeMode",
  "validatorStake", "stakeAlpha", "mechanisms", "mechanismSplit", "churn",
]);
const NETWORK_KEYS = new Set<string>(["seed", "issuance", "startBlock", "subnets", "defaults", ...DTAO_NETWORK_KEYS]);
for (const k of DTAO_SUBNET_KEYS) SUBNET_KEYS.add(k);

const fail = (field: string, rule: string): never => {
  throw new YumaInputError(field, rule);
};

/** runtime DefaultMaxMechanismCount, and DefaultMaxAllowedUids bounding neurons × mechanisms
 *  (`ensure_max_uids_over_all_mechanisms`). */
export const MAX_NETWORK_MECHANISMS = 2;
export const MAX_UIDS_OVER_MECHANISMS = 256;

function resolveSplit(v: unknown, field: string, count: number): number[] | null {
  if (v === undefined || v === null) return null;
  const arr = requireArray(v, field);
  if (arr.length !== count) fail(field, `must have one u16 per mechanism (${count}), got ${arr.length}`);
  const split = arr.map((x, i) => requireU16(x, `${field}[${i}]`));
  const total = split.reduce((a, b) => a + b, 0);
  if (total !== 65535) fail(field, `must sum to 65535, got ${total}`);
  return split;
}

/** Refuse any own key not in `allowed` (a Set: inherited names such as `toString` are not known). */
function checkKeys(o: Record<string, unknown>, allowed: Set<string>, field: string): void {
  checkOwnKeys(o, allowed, field);
}

function requireNumber(v: unknown, field: string, min: number, max: number): number {
  if (typeof v !== "number" || !Number.isFinite(v)) return fail(field, `must be a finite number, got ${quote(v)}`);
  if (v < min || v > max) fail(field, `must be in [${min}, ${max}], got ${v}`);
  return v;
}

function resolveSubnet(raw: Record<string, unknown>, field: string, index: number): ResolvedSubnet {
  checkKeys(raw, SUBNET_KEYS, field);
  const g = <T>(k: string, def: T): unknown => (raw[k] === undefined ? def : raw[k]);
  const netuid = requireInt(g("netuid", index + 1), `${field}.netuid`, 0, 65535);
  const tempo = requireInt(g("tempo", SUBNET_DEFAULTS.tempo), `${field}.tempo`, 0, 65535);
  const neurons = requireInt(g("neurons", SUBNET_DEFAULTS.neurons), `${field}.neurons`, 1, 65535);
  const validators = requireInt(g("validators", Math.min(SUBNET_DEFAULTS.validators, neurons)), `${field}.validators`, 0, 65535);
  if (validators > neurons) fail(`${field}.validators`, `must not exceed neurons (${validators} > ${neurons})`);
  const alphaLow = requireU16(g("alphaLow", SUBNET_DEFAULTS.alphaLow), `${field}.alphaLow`);
  const alphaHigh = requireU16(g("alphaHigh", SUBNET_DEFAULTS.alphaHigh), `${field}.alphaHigh`);
  if (alphaLow > alphaHigh) fail(`${field}.alphaLow`, `must not exceed alphaHigh (${alphaLow} > ${alphaHigh})`);
  const ownerRaw = g("ownerUid", null);
  const ownerUid = ownerRaw === null ? null : requireInt(ownerRaw, `${field}.ownerUid`, 0, neurons - 1);
  const burn = requireNumber(g("burn", SUBNET_DEFAULTS.burn), `${field}.burn`, 0, 1);
  if (burn > 0 && (ownerUid === null || ownerUid < validators)) {
    fail(`${field}.burn`, `needs an ownerUid among the miners (uids ${validators}..${neurons - 1}), got ${ownerUid === null ? "null" : ownerUid}`);
  }
  const policiesRaw = requireObject(g("policies", {}), `${field}.policies`);
  const policies: Record<PolicyName, number> = { honest: 0, lazy: 0, copier: 0, selfish: 0 };
  let assigned = 0;
  for (const [k, v] of Object.entries(policiesRaw)) {
    if (!POLICIES.includes(k as PolicyName)) fail(keyPath(`${field}.policies`, k), `unknown policy (known: ${POLICIES.join(", ")})`);
    policies[k as PolicyName] = requireInt(v, `${field}.policies.${k}`, 0, 65535);
    if (k !== "honest") assigned += policies[k as PolicyName];
  }
  if (policiesRaw.honest === undefined) policies.honest = Math.max(0, validators - assigned);
  if (policies.honest + assigned !== validators) {
    fail(`${field}.policies`, `policy counts must add up to validators = ${validators}, got ${policies.honest + assigned}`);
  }
  const stakeMode = g("stakeMode", SUBNET_DEFAULTS.stakeMode);
  if (stakeMode !== "fixed" && stakeMode !== "compound") fail(`${field}.stakeMode`, `must be "fixed" or "compound", got ${quote(stakeMode)}`);
  const validatorStake = requireRao(g("validatorStake", SUBNET_DEFAULTS.validatorStake), `${field}.validatorStake`);
  if (validatorStake >= 1n << 62n) fail(`${field}.validatorStake`, "must be below 2^62 rao (room for compounding below the chain's 2^63 limit)");
  const weightsInterval = requireInt(g("weightsInterval", Math.max(1, tempo)), `${field}.weightsInterval`, 1, 2 ** 32);
  const bondsPenalty = requireU16(g("bondsPenalty", SUBNET_DEFAULTS.bondsPenalty), `${field}.bondsPenalty`);
  const yuma3 = requireBool(g("yuma3", SUBNET_DEFAULTS.yuma3), `${field}.yuma3`);
  const liquidAlpha = requireBool(g("liquidAlpha", SUBNET_DEFAULTS.liquidAlpha), `${field}.liquidAlpha`);
  const maxAllowedValidators = requireU16(g("maxAllowedValidators", SUBNET_DEFAULTS.maxAllowedValidators), `${field}.maxAllowedValidators`);
  const mechanisms = requireInt(g("mechanisms", 1), `${field}.mechanisms`, 1, MAX_NETWORK_MECHANISMS);
  if (mechanisms > 1 && neurons * mechanisms > MAX_UIDS_OVER_MECHANISMS) {
    fail(`${field}.mechanisms`, `neurons × mechanisms must be at most ${MAX_UIDS_OVER_MECHANISMS} (the chain's max uids over all mechanisms), got ${neurons} × ${mechanisms}`);
  }
  const churn = resolveChurn(g("churn", null), `${field}.churn`, tempo);
  if (churn && neurons < 2) fail(`${field}.churn`, "needs at least 2 neurons (a registration replaces a uid other than the owner's)");
  // Refused here, before any block runs, if an epoch of this subnet may not fit in WASM memory.
  checkSubnetMemory({ neurons, validators, maxAllowedValidators, yuma3, liquidAlpha, bondsPenalty }, field);
  return {
    netuid,
    tempo,
    neurons,
    validators,
    share: requireInt(g("share", SUBNET_DEFAULTS.share), `${field}.share`, 0, 2 ** 31),
    kappa: requireU16(g("kappa", SUBNET_DEFAULTS.kappa), `${field}.kappa`),
    bondsPenalty,
    bondsMovingAverage: requireInt(g("bondsMovingAverage", SUBNET_DEFAULTS.bondsMovingAverage), `${field}.bondsMovingAverage`, 0, 1_000_000),
    yuma3,
    liquidAlpha,
    alphaLow,
    alphaHigh,
    alphaSigmoidSteepness: requireInt(g("alphaSigmoidSteepness", SUBNET_DEFAULTS.alphaSigmoidSteepness), `${field}.alphaSigmoidSteepness`, -32768, 32767),
    maxAllowedValidators,
    activityCutoff: requireInt(g("activityCutoff", SUBNET_DEFAULTS.activityCutoff), `${field}.activityCutoff`, 0, Number.MAX_SAFE_INTEGER),
    stakeThreshold: requireRao(g("stakeThreshold", SUBNET_DEFAULTS.stakeThreshold), `${field}.stakeThreshold`).toString(),
    ownerUid,
    burn,
    weightsInterval,
    lazyInterval: requireInt(g("lazyInterval", 10 * Math.max(1, tempo)), `${field}.lazyInterval`, 1, 2 ** 32),
    noise: requireNumber(g("noise", SUBNET_DEFAULTS.noise), `${field}.noise`, 0, 10),
    policies,
    stakeMode: stakeMode as "fixed" | "compound",
    validatorStake: validatorStake.toString(),
    stakeAlpha: requireNumber(g("stakeAlpha", SUBNET_DEFAULTS.stakeAlpha), `${field}.stakeAlpha`, 0.1, 100),
    mechanisms,
    mechanismSplit: resolveSplit(g("mechanismSplit", null), `${field}.mechanismSplit`, mechanisms),
    churn,
  };
}

/** Validate a network config and fill in every default. */
export function resolveConfig(input: unknown): ResolvedNetwork {
  const c = requireObject(input ?? {}, "config");
  checkKeys(c, NETWORK_KEYS, "config");
  const economy = resolveEconomy(c.economy);
  const dtao = economy === "dtao";
  if (!dtao) {
    for (const k of DTAO_NETWORK_KEYS) if (k !== "economy" && c[k] !== undefined) fail(`config.${k}`, 'applies to economy "dtao" only');
  }
  const seed = requireInt(c.seed ?? 1, "config.seed", 0, 2 ** 32 - 1);
  const issuance = requireU64(c.issuance ?? (dtao ? DTAO_NETWORK_DEFAULTS.issuance : "0"), "config.issuance").toString();
  const startBlock = requireInt(c.startBlock ?? (dtao ? DTAO_NETWORK_DEFAULTS.startBlock : 0), "config.startBlock", 0, Number.MAX_SAFE_INTEGER);
  const defaults = requireObject(c.defaults ?? {}, "config.defaults");
  checkKeys(defaults, SUBNET_KEYS, "config.defaults");
  if ("netuid" in defaults) fail("config.defaults.netuid", "cannot be a default (each subnet has its own)");
  const subnetsRaw = c.subnets ?? (dtao ? DTAO_NETWORK_DEFAULTS.subnets : 32);
  let list: Array<Record<string, unknown>>;
  if (typeof subnetsRaw === "number") {
    const count = requireInt(subnetsRaw, "config.subnets", 1, 4096);
    list = Array.from({ length: count }, () => ({}));
  } else if (Array.isArray(subnetsRaw)) {
    if (subnetsRaw.length === 0) fail("config.subnets", "must not be empty");
    list = subnetsRaw.map((s, i) => requireObject(s, `config.subnets[${i}]`));
  } else {
    return fail("config.subnets", "must be a number of subnets or an array of subnet configs");
  }
  const subnets: ResolvedDtaoSubnetConfig[] = list.map((s, i) => {
    const raw = { ...defaults, ...s };
    const field = `config.subnets[${i}]`;
    const dtaoRaw: Record<string, unknown> = {};
    for (const k of DTAO_SUBNET_KEYS) {
      if (raw[k] === undefined) continue;
      if (!dtao) fail(`${field}.${k}`, 'applies to economy "dtao" only');
      dtaoRaw[k] = raw[k];
      delete raw[k];
    }
    const sub = resolveSubnet(raw, field, i);
    if (!dtao) return sub;
    if (sub.stakeMode === "compound") fail(`${field}.stakeMode`, '"compound" is not supported by the dtao economy (validator stake is alpha; use "fixed", or economy "static")');
    return { ...sub, ...resolveDtaoSubnet(dtaoRaw, field, seed, sub.netuid, startBlock, BigInt(sub.validatorStake)) };
  });
  const seen = new Set<number>();
  subnets.forEach((s, i) => {
    if (seen.has(s.netuid)) fail(`config.subnets[${i}].netuid`, `netuid ${s.netuid} appears twice`);
    seen.add(s.netuid);
  });
  if (!dtao) {
    if (subnets.reduce((a, s) => a + s.share, 0) === 0) fail("config.subnets", "emission shares sum to 0");
    return { economy, seed, issuance, startBlock, subnets };
  }
  const d = resolveDtaoNetwork(c);
  if (d.shareRule === "static" && subnets.reduce((a, s) => a + s.share, 0) === 0) fail("config.subnets", "emission shares sum to 0");
  return { economy, ...d, seed, issuance, startBlock, subnets };
}
