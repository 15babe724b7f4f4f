// Test-only oracle, part 4: the dynamic-TAO coinbase of one block, on BigInt.
//
// Written from subtensor @14bc6f9f9 (pallets/subtensor/src/coinbase/{block_step,run_coinbase,
// subnet_emissions,block_emission}.rs, staking/stake_utils.rs) — see docs/economics.md for the
// step-by-step specification and the hand-worked cases. Pure functions: state in, state out.
//
// Representation of every value, as the chain stores or computes it:
//   u64 amounts (rao, alpha rao)           bigint, 0 ..= 2^64−1
//   U96F32 (`asfloat!`)                    bigint raw bits, value = raw / 2^32, 0 ..= 2^128−1
//   U64F64 (prices, shares)                bigint raw bits, value = raw / 2^64
//   I96F32 (SubnetMovingPrice)             bigint raw bits, value = raw / 2^32, signed
//   I64F64 (flow EMAs)                     bigint raw bits, value = raw / 2^64, signed
//   u16 proportions (take, owner cut)      bigint, ÷ 65535

import {
  I32F32, I64F64, I96F32, U64F64, U96F32, U64_MAX,
  checkedDiv, exp, fromFixed, fromInt, ln, safeDiv, saturatingAdd, saturatingMul, saturatingSub, toU64, wrappingSum,
} from "./fixed.js";
import { MAX_PRICE_RAO, Pool, adjustProtocolLiquidity, currentAlphaPrice, priceLimitFromRao, swap } from "./swap.js";

// ---------------------------------------------------------------- constants (runtime / storage defaults)

export const TOTAL_SUPPLY = 21_000_000_000_000_000n; // TotalSupply (rao)
export const DEFAULT_BLOCK_EMISSION = 1_000_000_000n; // DefaultBlockEmission (rao)
export const INITIAL_TAO_WEIGHT = 971_718_665_099_567_868n; // runtime SubtensorInitialTaoWeight (÷ u64::MAX ≈ 0.0527)
export const EMA_PRICE_HALVING_BLOCKS = 201_600n; // runtime InitialEmaPriceHalvingPeriod
/** DefaultMovingAlpha = I96F32::saturating_from_num(0.000003): 0.000003·2^32 = 12884.90… → nearest raw 12885. */
export const SUBNET_MOVING_ALPHA_RAW = 12_885n;
export const SUBNET_OWNER_CUT = 11_796n; // runtime SubtensorInitialSubnetOwnerCut (÷ 65535 ≈ 18 %)
export const DEFAULT_DELEGATE_TAKE = 11_796n; // runtime SubtensorInitialDefaultTake (÷ 65535 ≈ 18 %)
export const MAX_EPOCHS_PER_BLOCK = 2; // runtime SubtensorMaxEpochsPerBlock (prod)
export const MAX_TEMPO = 50_400n; // lib.rs MAX_TEMPO (the BlocksSinceLastStep safety net)
export const DEFAULT_TEMPO = 360n; // runtime INITIAL_SUBNET_TEMPO (prod)
export const FLOW_EMA_SMOOTHING_FACTOR = 29_597_889_189_277n; // DefaultFlowEmaSmoothingFactor (÷ i64::MAX)
const I64_MAX = (1n << 63n) - 1n;
const I64_MIN = -(1n << 63n);

const U96_ONE = 1n << 32n;
const U64F64_ONE = 1n << 64n;
/** `asfloat!(x)` for an integer: U96F32::saturating_from_num. */
export const asfloat = (v: bigint) => fromInt(U96F32, v);
/** `tou64!(x)`: saturating_to_num::<u64>, fraction dropped. */
export const tou64 = (raw: bigint) => toU64(U96F32, raw);

// ---------------------------------------------------------------- block emission (halving curve)

/**
 * block_emission.rs `get_block_emission_for_issuance(issuance)` → u64 rao. Used on total
 * issuance for the TAO block emission and on a subnet's alpha issuance (alpha in + alpha out)
 * for its alpha emission.
 *   ratio = issuance / 21e15 (I96F32, ⌊issuance·2^32 / 21e15⌋ raw); r = 1 / (1 − ratio) (raw
 *   ⌊2^64 / (2^32 − ratio)⌋); k = ⌊log2 r⌋ as substrate-fixed's log2 counts it (halve the raw
 *   value, rounding half up, while it is ≥ 2.0); emission = ⌊(⌊2^32 / 2^k⌋ · 1e9) / 2^32⌋.
 * 0 at or above the total supply.
 */
export function blockEmissionForIssuance(issuance: bigint): bigint {
  if (issuance >= TOTAL_SUPPLY) return 0n;
  const ratio = (issuance << 32n) / TOTAL_SUPPLY;
  const d = U96_ONE - ratio;
  let r = (1n << 64n) / d;
  let k = 0n;
  while (r >= 2n << 32n) {
    r = (r >> 1n) + (r & 1n);
    k++;
  }
  if (k > 32n) return 0n;
  const pct = U96_ONE >> k;
  return (pct * DEFAULT_BLOCK_EMISSION) >> 32n;
}

// ---------------------------------------------------------------- tao weight, root proportion

/** stake_utils.rs `get_tao_weight`: TaoWeight (u64) / u64::MAX in U96F32 (safe_div). */
export function getTaoWeight(taoWeightU64: bigint = INITIAL_TAO_WEIGHT): bigint {
  return safeDiv(U96F32, asfloat(taoWeightU64), asfloat(U64_MAX));
}

/**
 * block_step.rs `root_proportion`, U96F32 raw: τR / (τR + A) with τR = R.saturating_mul(τ),
 * R = SubnetTAO of root (u64 rao), A = alpha issuance of the subnet (u64), `checked_div` → 0.
 */
export function rootProportion(alphaIssuance: bigint, rootTao: bigint, taoWeight: bigint = getTaoWeight()): bigint {
  const tw = saturatingMul(U96F32, asfloat(rootTao), taoWeight);
  return checkedDiv(U96F32, tw, saturatingAdd(U96F32, tw, asfloat(alphaIssuance))) ?? 0n;
}

// ---------------------------------------------------------------- prices and shares

/** stake_utils.rs `get_moving_alpha_price`: 1 for a stable subnet (mechanism 0), else the I96F32 EMA as U64F64 (negative → 0). */
export function getMovingAlphaPrice(movingPriceI96F32: bigint, mechanism: number): bigint {
  if (mechanism === 0) return U64F64_ONE;
  return fromFixed(U64F64, I96F32, movingPriceI96F32);
}

/** subnet_emissions.rs `get_shares_price_ema`: p_i / Σp (U64F64, saturating sum, `checked_div` → 0). */
export function getSharesPriceEma(movingPrices: bigint[]): bigint[] {
  const total = movingPrices.reduce((a, p) => saturatingAdd(U64F64, a, p), 0n);
  return movingPrices.map((p) => checkedDiv(U64F64, p, total) ?? 0n);
}

/**
 * subnet_emissions.rs `get_shares`: price shares weighted by (1 − min(MinerBurned, 1)) and
 * renormalised (`safe_div`); if every weight is 0, the unweighted price shares.
 * movingPrices: U64F64 raw (from `getMovingAlphaPrice`); minerBurned: U96F32 raw.
 */
export function getShares(movingPrices: bigint[], minerBurned: bigint[]): bigint[] {
  const price = getSharesPriceEma(movingPrices);
  const weighted = price.map((s, i) => {
    let burned = fromFixed(U64F64, U96F32, minerBurned[i] ?? 0n);
    if (burned > U64F64_ONE) burned = U64F64_ONE;
    return saturatingMul(U64F64, s, saturatingSub(U64F64, U64F64_ONE, burned));
  });
  const total = weighted.reduce((a, w) => saturatingAdd(U64F64, a, w), 0n);
  if (total > 0n) return weighted.map((w) => safeDiv(U64F64, w, total));
  return price;
}

/**
 * subnet_emissions.rs `get_subnet_block_emissions`: U96F32 raw TAO per subnet,
 * U96F32(U64F64(E) · share). Subnets with emission disabled get 0 and the enabled shares are
 * renormalised by their sum (only when at least one subnet is disabled).
 */
export function getSubnetBlockEmissions(shares: bigint[], emissionEnabled: boolean[], blockEmission: bigint): bigint[] {
  const hasDisabled = emissionEnabled.some((e) => !e);
  const enabledSum = shares.reduce((a, s, i) => (emissionEnabled[i] ? saturatingAdd(U64F64, a, s) : a), 0n);
  const e64 = fromFixed(U64F64, U96F32, asfloat(blockEmission));
  return shares.map((s, i) => {
    let share = s;
    if (hasDisabled) share = emissionEnabled[i] && enabledSum > 0n ? safeDiv(U64F64, s, enabledSum) : 0n;
    return fromFixed(U96F32, U64F64, saturatingMul(U64F64, e64, share));
  });
}

/** run_coinbase.rs `get_network_root_sell_flag`: Σ EMA prices (U64F64, the iterator sum wraps) > 1. */
export function getNetworkRootSellFlag(movingPrices: bigint[]): boolean {
  return wrappingSum(U64F64, movingPrices) > U64F64_ONE;
}

// ---------------------------------------------------------------- subnet terms

export interface SubnetTerms {
  taoIn: bigint; // U96F32
  alphaIn: bigint; // U96F32
  alphaOut: bigint; // U96F32 (an integer value: the subnet's alpha block emission)
  excessTao: bigint; // U96F32
}

/**
 * run_coinbase.rs `get_subnet_terms` for one subnet.
 *   taoEmission: U96F32 raw (from getSubnetBlockEmissions); alphaIssuance: u64;
 *   price: U64F64 raw spot price (`current_alpha_price`); rootProp: U96F32 raw (`root_proportion`).
 * alpha_out = E_α(issuance); alpha_in = T / price (0 if price is 0), capped at
 * rootProp · E_α, in which case tao_in = alpha_in · price; excess = T − tao_in.
 */
export function getSubnetTerms(taoEmission: bigint, alphaIssuance: bigint, price: bigint, rootProp: bigint): SubnetTerms {
  const alphaEmission = asfloat(blockEmissionForIssuance(alphaIssuance));
  const p = fromFixed(U96F32, U64F64, price);
  let taoIn = taoEmission;
  let alphaIn = checkedDiv(U96F32, taoEmission, p) ?? 0n;
  const cap = saturatingMul(U96F32, rootProp, alphaEmission);
  if (alphaIn > cap) {
    alphaIn = cap;
    taoIn = saturatingMul(U96F32, alphaIn, p);
  }
  return { taoIn, alphaIn, alphaOut: alphaEmission, excessTao: saturatingSub(U96F32, taoEmission, taoIn) };
}

// ---------------------------------------------------------------- per-subnet state and one block

export interface SubnetState {
  netuid: number;
  pool: Pool; // SubnetTAO, SubnetAlphaIn, SwapBalancer, FeeRate, SubnetMechanism
  alphaOut: bigint; // SubnetAlphaOut (u64)
  protocolAlpha: bigint; // SubnetProtocolAlpha (u64)
  movingPrice: bigint; // SubnetMovingPrice (I96F32 raw)
  minerBurned: bigint; // MinerBurned (U96F32 raw)
  emissionEnabled: boolean; // SubnetEmissionEnabled
  ownerCutEnabled: boolean; // OwnerCutEnabled (default true)
  firstEmissionBlock: bigint; // FirstEmissionBlockNumber (start call + 1)
  emaPriceHalvingBlocks: bigint; // EMAPriceHalvingBlocks
  pendingServer: bigint; // PendingServerEmission
  pendingValidator: bigint; // PendingValidatorEmission
  pendingRoot: bigint; // PendingRootAlphaDivs
  pendingOwner: bigint; // PendingOwnerCut
  protocolFlow: bigint; // SubnetProtocolFlow (i64): TAO the protocol put in this block
}

export const alphaIssuance = (s: SubnetState) => s.pool.alphaReserve + s.alphaOut;

export interface InjectResult {
  subnet: SubnetState;
  injectedTao: bigint; // SubnetTaoInEmission: TAO added to the reserve
  injectedAlpha: bigint; // SubnetAlphaInEmission: alpha minted into the reserve
  excessTao: bigint; // SubnetExcessTao: TAO that entered the pool through the buy (0 if it failed)
  boughtAlpha: bigint; // alpha bought by the protocol (SubnetProtocolAlpha +=, SubnetAlphaOut +=)
  spent: bigint; // TAO taken from the block's credit (injection + the excess handed to the swap)
}

/**
 * run_coinbase.rs `inject_and_maybe_swap` for one subnet, in the source's order:
 *  1. the pool weight is adjusted for (tou64 tao_in, tou64 alpha_in) against the reserves
 *     *before* any of this block's changes (`adjust_protocol_liquidity`);
 *  2. if tou64(excess) > 0, it is swapped TAO→alpha, fees dropped, limit = max price, on the
 *     *new* weight and the *old* reserves; the bought alpha moves alpha in → alpha out and is
 *     counted as protocol alpha. A failed swap leaves the TAO in the subnet account, outside
 *     the reserve (still spent from the credit);
 *  3. the injected alpha is minted into the alpha reserve; 4. the injected TAO is added.
 * Protocol flow records the excess that entered the pool and the injected TAO.
 */
export function injectAndMaybeSwap(s: SubnetState, terms: SubnetTerms): InjectResult {
  const taoIn = tou64(terms.taoIn);
  const alphaIn = tou64(terms.alphaIn);
  const toSwap = tou64(terms.excessTao);
  const adj = adjustProtocolLiquidity(s.pool, taoIn, alphaIn);
  let pool: Pool = { ...s.pool, quoteWeight: adj.quoteWeight };
  let alphaOut = s.alphaOut;
  let protocolAlpha = s.protocolAlpha;
  let protocolFlow = s.protocolFlow;
  let excess = 0n;
  let bought = 0n;
  let spent = 0n;
  if (toSwap > 0n) {
    spent += toSwap;
    const r = swap(pool, true, toSwap, priceLimitFromRao(MAX_PRICE_RAO), true);
    if (typeof r !== "string") {
      pool = r.pool;
      bought = r.amountPaidOut;
      alphaOut = satAdd(alphaOut, bought);
      protocolAlpha = satAdd(protocolAlpha, bought);
      excess = r.amountPaidIn;
      protocolFlow = satAddI64(protocolFlow, excess);
    }
  }
  pool = { ...pool, alphaReserve: satAdd(pool.alphaReserve, adj.alpha) };
  if (adj.tao !== 0n) {
    spent += adj.tao;
    pool = { ...pool, taoReserve: satAdd(pool.taoReserve, adj.tao) };
    protocolFlow = satAddI64(protocolFlow, adj.tao);
  }
  return {
    subnet: { ...s, pool, alphaOut, protocolAlpha, protocolFlow },
    injectedTao: adj.tao,
    injectedAlpha: adj.alpha,
    excessTao: excess,
    boughtAlpha: bought,
    spent,
  };
}

const satAdd = (a: bigint, b: bigint) => (a + b > U64_MAX ? U64_MAX : a + b);
const satAddI64 = (a: bigint, b: bigint) => (a + b > I64_MAX ? I64_MAX : a + b < I64_MIN ? I64_MIN : a + b);

export interface PendingSplit {
  alphaCreated: bigint; // tou64(alpha_out): minted into SubnetAlphaOut
  ownerCut: bigint; // added to PendingOwnerCut
  server: bigint; // added to PendingServerEmission
  validator: bigint; // added to PendingValidatorEmission
  root: bigint; // added to PendingRootAlphaDivs if rootSell, else recycled
  rootSell: boolean;
  // the U96F32 values before flooring (they sum to alpha_out exactly when nothing saturates)
  raw: { ownerCut: bigint; server: bigint; validator: bigint; root: bigint };
}

/**
 * The per-subnet body of run_coinbase.rs `emit_to_subnets` after the injection:
 *   cut = U96F32(SubnetOwnerCut)/65535; oc = α·cut (if enabled), α' = α − oc;
 *   root = rootProp · α' · 0.5; server = α' · 0.5; validator = (α' − server) − root.
 * alphaOut: U96F32 raw; rootProp: U96F32 raw, which the source reads *after* this block's alpha
 * injection and after alpha_out was minted (see `emitToSubnet`). Each pending adds the floor.
 */
export function pendingSplit(alphaOut: bigint, rootProp: bigint, ownerCutEnabled: boolean, rootSell: boolean, ownerCutU16: bigint = SUBNET_OWNER_CUT): PendingSplit {
  const cut = safeDiv(U96F32, asfloat(ownerCutU16), asfloat(65535n));
  let a = alphaOut;
  let oc = 0n;
  if (ownerCutEnabled) {
    oc = saturatingMul(U96F32, a, cut);
    a = saturatingSub(U96F32, a, oc);
  }
  const half = U96_ONE >> 1n; // asfloat!(0.5)
  const root = saturatingMul(U96F32, saturatingMul(U96F32, rootProp, a), half);
  const server = saturatingMul(U96F32, a, half);
  const validator = saturatingSub(U96F32, saturatingSub(U96F32, a, server), root);
  return {
    alphaCreated: tou64(alphaOut),
    ownerCut: ownerCutEnabled ? tou64(oc) : 0n,
    server: tou64(server),
    validator: tou64(validator),
    root: tou64(root),
    rootSell,
    raw: { ownerCut: oc, server, validator, root },
  };
}

export interface BlockSubnetResult {
  subnet: SubnetState;
  taoEmission: bigint; // U96F32
  terms: SubnetTerms;
  inject: InjectResult;
  split: PendingSplit;
  rootRecycled: bigint; // root alpha recycled (SubnetAlphaOut −=) when the sell flag is off
}

export interface CoinbaseResult {
  subnets: SubnetState[];
  perSubnet: BlockSubnetResult[];
  rootSellFlag: boolean;
  recycledTao: bigint; // the block emission's credit left unspent (recycled)
}

/**
 * `run_coinbase` steps 1–4 for the subnets that receive emission (`get_subnets_to_emit_to`,
 * netuid order): shares from the EMA prices of *before* this block, terms per subnet (all
 * computed before any injection), then for each subnet in order the injection/buy, and then for
 * each subnet in order: mint alpha_out, split it into the pendings (root proportion read now,
 * i.e. with this block's alpha in and alpha out already added). rootTao = SubnetTAO of root.
 */
export function runCoinbaseEmission(subnets: SubnetState[], blockEmission: bigint, rootTao: bigint, taoWeight: bigint = getTaoWeight(), ownerCutU16: bigint = SUBNET_OWNER_CUT): CoinbaseResult {
  const prices = subnets.map((s) => getMovingAlphaPrice(s.movingPrice, s.pool.mechanism));
  const shares = getShares(prices, subnets.map((s) => s.minerBurned));
  const emissions = getSubnetBlockEmissions(shares, subnets.map((s) => s.emissionEnabled), blockEmission);
  const rootSellFlag = getNetworkRootSellFlag(prices);
  const terms = subnets.map((s, i) =>
    getSubnetTerms(emissions[i]!, alphaIssuance(s), currentAlphaPrice(s.pool), rootProportion(alphaIssuance(s), rootTao, taoWeight)),
  );
  const injects = subnets.map((s, i) => injectAndMaybeSwap(s, terms[i]!));
  const spent = injects.reduce((a, r) => a + r.spent, 0n);
  const out: BlockSubnetResult[] = injects.map((inj, i) => {
    let s = inj.subnet;
    const t = terms[i]!;
    const created = tou64(t.alphaOut);
    s = { ...s, alphaOut: satAdd(s.alphaOut, created) };
    const rp = rootProportion(alphaIssuance(s), rootTao, taoWeight);
    const split = pendingSplit(t.alphaOut, rp, s.ownerCutEnabled, rootSellFlag, ownerCutU16);
    let rootRecycled = 0n;
    s = {
      ...s,
      pendingOwner: satAdd(s.pendingOwner, split.ownerCut),
      pendingServer: satAdd(s.pendingServer, split.server),
      pendingValidator: satAdd(s.pendingValidator, split.validator),
    };
    if (rootSellFlag) s = { ...s, pendingRoot: satAdd(s.pendingRoot, split.root) };
    else {
      rootRecycled = split.root;
      s = { ...s, alphaOut: s.alphaOut > split.root ? s.alphaOut - split.root : 0n };
    }
    return { subnet: s, taoEmission: emissions[i]!, terms: t, inject: inj, split, rootRecycled };
  });
  return { subnets: out.map((r) => r.subnet), perSubnet: out, rootSellFlag, recycledTao: blockEmission - spent };
}

// ---------------------------------------------------------------- moving price

/**
 * stake_utils.rs `update_moving_price`, → new SubnetMovingPrice (I96F32 raw). All in U64F64:
 *   b = block − (FirstEmissionBlockNumber − 1)  (both saturating at 0);
 *   α = SubnetMovingAlpha · (b / (b + halving))   (the quotient `safe_div`, 0 on 0/0);
 *   P' = α · min(spot, 1) + (1 − α) · P;  P from `get_moving_alpha_price` (1 if stable).
 * spot: U64F64 raw (`current_alpha_price`); movingAlphaI96F32: SubnetMovingAlpha raw.
 */
export function updateMovingPrice(
  movingPriceI96F32: bigint, spot: bigint, mechanism: number, block: bigint, firstEmissionBlock: bigint,
  halvingBlocks: bigint = EMA_PRICE_HALVING_BLOCKS, movingAlphaI96F32: bigint = SUBNET_MOVING_ALPHA_RAW,
): bigint {
  const start = firstEmissionBlock > 0n ? firstEmissionBlock - 1n : 0n;
  const b = fromInt(U64F64, block > start ? block - start : 0n);
  const ma = fromFixed(U64F64, I96F32, movingAlphaI96F32);
  const alpha = saturatingMul(U64F64, ma, safeDiv(U64F64, b, saturatingAdd(U64F64, b, fromInt(U64F64, halvingBlocks))));
  const oneMinus = saturatingSub(U64F64, U64F64_ONE, alpha);
  const cur = saturatingMul(U64F64, alpha, spot < U64F64_ONE ? spot : U64F64_ONE);
  const mov = saturatingMul(U64F64, oneMinus, getMovingAlphaPrice(movingPriceI96F32, mechanism));
  return fromFixed(I96F32, U64F64, saturatingAdd(U64F64, cur, mov));
}

// ---------------------------------------------------------------- epoch schedule

export interface Schedule {
  netuid: number;
  tempo: bigint; // Tempo (u16)
  lastEpochBlock: bigint; // LastEpochBlock
  pendingEpochAt: bigint; // PendingEpochAt (0 = none)
  blocksSinceLastStep: bigint; // BlocksSinceLastStep
  consistent: boolean; // is_epoch_input_state_consistent
}

/** subnet.rs `init_new_network`: LastEpochBlock = now − (netuid mod max(tempo, 1)) (saturating). */
export function initialLastEpochBlock(netuid: number, tempo: bigint, now: bigint): bigint {
  const period = tempo > 1n ? tempo : 1n;
  const stagger = BigInt(netuid) % period;
  return now > stagger ? now - stagger : 0n;
}

/**
 * run_coinbase.rs `should_run_epoch`: tempo 0 → never; a due `PendingEpochAt` → yes;
 * BlocksSinceLastStep > MAX_TEMPO → yes; else block − LastEpochBlock ≥ tempo.
 */
export function shouldRunEpoch(s: Schedule, block: bigint): boolean {
  if (s.tempo === 0n) return false;
  if (s.pendingEpochAt > 0n && block >= s.pendingEpochAt) return true;
  if (s.blocksSinceLastStep > MAX_TEMPO) return true;
  const since = block > s.lastEpochBlock ? block - s.lastEpochBlock : 0n;
  return since >= s.tempo;
}

/**
 * run_coinbase.rs `drain_pending`'s schedule, over all non-root subnets in netuid order:
 * BlocksSinceLastStep += 1; if due and fewer than `cap` epochs ran this block: a consistent
 * subnet runs (its counter resets to 0, its pendings are drained); an inconsistent one is
 * skipped; either way LastEpochBlock = block, PendingEpochAt = 0. If due but over the cap:
 * PendingEpochAt = block + 1 (deferred). Returns the new schedules and who ran / was deferred.
 */
export function drainSchedule(subnets: Schedule[], block: bigint, cap: number = MAX_EPOCHS_PER_BLOCK): { subnets: Schedule[]; ran: number[]; skipped: number[]; deferred: number[] } {
  let count = 0;
  const ran: number[] = [], skipped: number[] = [], deferred: number[] = [];
  const next = subnets.map((s0) => {
    let s = { ...s0, blocksSinceLastStep: satAdd(s0.blocksSinceLastStep, 1n) };
    if (!shouldRunEpoch(s, block)) return s;
    if (count >= cap) {
      deferred.push(s.netuid);
      return { ...s, pendingEpochAt: block + 1n };
    }
    if (s.consistent) {
      s = { ...s, blocksSinceLastStep: 0n };
      ran.push(s.netuid);
      count++;
    } else skipped.push(s.netuid);
    return { ...s, lastEpochBlock: block, pendingEpochAt: 0n };
  });
  return { subnets: next, ran, skipped, deferred };
}

/**
 * run_coinbase.rs `epochs_deferred_this_block` (used by the commit reveal before the coinbase):
 * the same walk without the counter increment. Note it evaluates `should_run_epoch` with the
 * counters *before* drain_pending's `+= 1`, so the safety net can differ by one block.
 */
export function epochsDeferredThisBlock(subnets: Schedule[], block: bigint, cap: number = MAX_EPOCHS_PER_BLOCK): number[] {
  let count = 0;
  const deferred: number[] = [];
  for (const s of subnets) {
    if (!shouldRunEpoch(s, block)) continue;
    if (count >= cap) {
      deferred.push(s.netuid);
      continue;
    }
    if (s.consistent) count++;
  }
  return deferred;
}

/** Drain a subnet's four pendings (server, validator, root, owner) and zero them. */
export function drainPendings(s: SubnetState): { subnet: SubnetState; server: bigint; validator: bigint; root: bigint; owner: bigint } {
  return {
    subnet: { ...s, pendingServer: 0n, pendingValidator: 0n, pendingRoot: 0n, pendingOwner: 0n },
    server: s.pendingServer, validator: s.pendingValidator, root: s.pendingRoot, owner: s.pendingOwner,
  };
}

// ---------------------------------------------------------------- distribution

/**
 * run_coinbase.rs `distribute_emission`: the epoch is run on server + validator + root; if its
 * incentives sum to 0 the validators get the server alpha too. Returns the alpha the dividend
 * split works with (u64).
 */
export function validatorAlphaFor(pendingServer: bigint, pendingValidator: bigint, incentiveSum: bigint): bigint {
  return incentiveSum !== 0n ? pendingValidator : satAdd(pendingValidator, pendingServer);
}

export interface DividendEntry {
  hotkey: string;
  dividend: bigint; // U96F32 raw: the hotkey's dividend from the epoch (after parent/child split)
  alphaStake: bigint; // u64: stake on this subnet
  rootStake: bigint; // u64: stake on root
}

/**
 * run_coinbase.rs `calculate_dividend_distribution`. For each hotkey (in key order):
 *   rootAlpha = R·τ; rootProp = rootAlpha / (A + rootAlpha) (checked_div → 0);
 *   rootDivs = d·rootProp; alphaDivs = d − rootDivs;
 * then each hotkey's share of the two totals rescales the pendings:
 *   alpha[h] = pendingAlpha · alphaDivs[h]/Σ alphaDivs;  root[h] = pendingRoot · rootDivs[h]/Σ rootDivs.
 * All U96F32. Entries are the dividends map joined with the stake map (hotkeys missing from the
 * stake map are dropped in the source; the caller omits them here).
 */
export function calculateDividendDistribution(pendingAlpha: bigint, pendingRootAlpha: bigint, taoWeight: bigint, entries: DividendEntry[]): { alpha: Map<string, bigint>; root: Map<string, bigint> } {
  let totalRoot = 0n, totalAlpha = 0n;
  const rootDivs = new Map<string, bigint>(), alphaDivs = new Map<string, bigint>();
  for (const e of entries) {
    const ra = saturatingMul(U96F32, asfloat(e.rootStake), taoWeight);
    const tot = saturatingAdd(U96F32, asfloat(e.alphaStake), ra);
    const rp = checkedDiv(U96F32, ra, tot) ?? 0n;
    const rd = saturatingMul(U96F32, e.dividend, rp);
    const ad = saturatingSub(U96F32, e.dividend, rd);
    alphaDivs.set(e.hotkey, saturatingAdd(U96F32, alphaDivs.get(e.hotkey) ?? 0n, ad));
    totalAlpha = saturatingAdd(U96F32, totalAlpha, ad);
    rootDivs.set(e.hotkey, saturatingAdd(U96F32, rootDivs.get(e.hotkey) ?? 0n, rd));
    totalRoot = saturatingAdd(U96F32, totalRoot, rd);
  }
  const root = new Map<string, bigint>(), alpha = new Map<string, bigint>();
  for (const [h, rd] of rootDivs) root.set(h, saturatingMul(U96F32, asfloat(pendingRootAlpha), checkedDiv(U96F32, rd, totalRoot) ?? 0n));
  for (const [h, ad] of alphaDivs) alpha.set(h, saturatingMul(U96F32, asfloat(pendingAlpha), checkedDiv(U96F32, ad, totalAlpha) ?? 0n));
  return { alpha, root };
}

/**
 * The withheld-incentive bookkeeping of `distribute_dividends_and_incentives`: incentive on the
 * owner's hotkeys is burned (default, or `Burn`) or recycled (`Recycle`), and
 * MinerBurned = withheld / total (U96F32, checked_div → 0).
 */
export function minerBurned(incentives: { incentive: bigint; ownerHotkey: boolean }[]): { withheld: bigint; total: bigint; proportion: bigint } {
  let total = 0n, withheld = 0n;
  for (const x of incentives) {
    total = satAdd(total, x.incentive);
    if (x.ownerHotkey) withheld = satAdd(withheld, x.incentive);
  }
  return { withheld, total, proportion: checkedDiv(U96F32, asfloat(withheld), asfloat(total)) ?? 0n };
}

/**
 * The delegate take on one hotkey's alpha (or root-alpha) dividend, U96F32 in:
 * take = (takeU16/65535)·d, rest = d − take; each credited as tou64.
 */
export function applyDelegateTake(dividend: bigint, takeU16: bigint = DEFAULT_DELEGATE_TAKE): { take: bigint; rest: bigint } {
  const t = saturatingMul(U96F32, safeDiv(U96F32, asfloat(takeU16), asfloat(65535n)), dividend);
  return { take: tou64(t), rest: tou64(saturatingSub(U96F32, dividend, t)) };
}

// ---------------------------------------------------------------- TAO flow (the rule beside get_shares)

/**
 * subnet_emissions.rs `get_ema_flow` / `update_ema_protocol_flow`, I64F64 raw:
 *   f = FlowEmaSmoothingFactor / i64::MAX;  ema' = (1 − f)·ema + f·flow   (saturating).
 * blockFlow: the i64 accumulated this block (SubnetTaoFlow / SubnetProtocolFlow), reset after.
 * Only advanced once per block (the source keeps (block, ema) and returns the stored ema when
 * called again in the same block).
 */
export function updateEmaFlow(lastEma: bigint, blockFlow: bigint, smoothing: bigint = FLOW_EMA_SMOOTHING_FACTOR): bigint {
  const f = safeDiv(I64F64, fromInt(I64F64, smoothing), fromInt(I64F64, I64_MAX));
  const one = fromInt(I64F64, 1n);
  return saturatingAdd(I64F64, saturatingMul(I64F64, saturatingSub(I64F64, one, f), lastEma), saturatingMul(I64F64, f, fromInt(I64F64, blockFlow)));
}

/**
 * The front half of `get_shares_flow`, I64F64 → U64F64 raw: net flow = user − norm·protocol⁺
 * (norm = min(Σ user⁺ / Σ protocol⁺, 1), 0 if Σ protocol⁺ = 0; only when NetTaoFlowEnabled),
 * lower limit L = max(TaoFlowCutoff, min_i min(S_i, 0)), offset z_i = max(S_i − L, 0).
 * The power normalisation follows in `inplacePowNormalize`.
 */
export function flowOffsets(userEma: bigint[], protocolEma: bigint[], netFlowEnabled = true, cutoff = 0n): bigint[] {
  let norm = 0n;
  if (netFlowEnabled) {
    let su = 0n, sp = 0n;
    userEma.forEach((u, i) => {
      su = saturatingAdd(I64F64, su, u > 0n ? u : 0n);
      const p = protocolEma[i]!;
      sp = saturatingAdd(I64F64, sp, p > 0n ? p : 0n);
    });
    if (sp > 0n) {
      norm = safeDiv(I64F64, su, sp);
      if (norm > fromInt(I64F64, 1n)) norm = fromInt(I64F64, 1n);
    }
  }
  const net = userEma.map((u, i) => {
    if (!netFlowEnabled) return u;
    const p = protocolEma[i]!;
    return saturatingSub(I64F64, u, p > 0n ? saturatingMul(I64F64, norm, p) : p);
  });
  const minFlow = net.reduce((m, s) => (s < 0n && s < m ? s : m), 0n);
  const L = cutoff > minFlow ? cutoff : minFlow;
  return net.map((s) => (s > L ? fromFixed(U64F64, I64F64, saturatingSub(I64F64, s, L)) : 0n));
}

const I32F32_MAX_INT = 2_147_483_647n; // i32::MAX

/**
 * subnet_emissions.rs `safe_pow(val, p)` (U64F64 in and out): exp(p·ln(val)) in I32F32 —
 * val and p converted with saturating_from_num (fraction truncated to 32 bits, clamped); ln
 * failing (val ≤ 2^−32 … 0) → 0; exp failing → I32F32 of i32::MAX.
 */
export function safePow(val: bigint, p: bigint): bigint {
  const l = ln(fromFixed(I32F32, U64F64, val));
  if (l === null) return 0n;
  const e = exp(saturatingMul(I32F32, fromFixed(I32F32, U64F64, p), l)) ?? fromInt(I32F32, I32F32_MAX_INT);
  return fromFixed(U64F64, I32F32, e);
}

/** safe_math `checked_sqrt(epsilon)` on U64F64: bisection until |x/m − m| ≤ ε or 128 rounds. */
export function checkedSqrtU64F64(x: bigint, epsilon: bigint): bigint {
  const one = U64F64_ONE, two = fromInt(U64F64, 2n);
  let hi: bigint, lo: bigint;
  if (x > one) { hi = x; lo = 0n; } else { hi = one; lo = x; }
  let mid = safeDiv(U64F64, saturatingAdd(U64F64, hi, lo), two);
  let check = safeDiv(U64F64, x, mid);
  let it = 0;
  while ((check > mid ? check - mid : mid - check) > epsilon) {
    if (check < mid) hi = mid; else lo = mid;
    mid = safeDiv(U64F64, saturatingAdd(U64F64, hi, lo), two);
    check = safeDiv(U64F64, x, mid);
    it++;
    if (it > 128) break;
  }
  return mid;
}

/**
 * subnet_emissions.rs `inplace_scale` + `inplace_pow_normalize(z, p)` on U64F64 raw offsets:
 * scale so max = 1 (factor 1/max, `safe_div`); if n·max² ≥ i32::MAX/u64::MAX, f = sqrt(i32::MAX /
 * (n·max²)) (checked_sqrt, ε = 1/1000) and z_i = safe_pow(f·z_i, p) / Σ_j safe_pow(f·z_j, p)
 * (sum wraps, quotient `safe_div`); otherwise the scaled values are returned un-normalised.
 */
export function inplacePowNormalize(z: bigint[], p: bigint = U64F64_ONE): bigint[] {
  const max0 = z.reduce((m, v) => (v > m ? v : m), 0n);
  const f0 = safeDiv(U64F64, U64F64_ONE, max0);
  const scaled = z.map((v) => saturatingMul(U64F64, f0, v));
  const max = scaled.reduce((m, v) => (v > m ? v : m), 0n);
  const est = saturatingMul(U64F64, max, max);
  const mtc = saturatingMul(U64F64, fromInt(U64F64, BigInt(scaled.length)), est);
  const i32max = fromInt(U64F64, I32F32_MAX_INT);
  const precisionMin = safeDiv(U64F64, i32max, fromInt(U64F64, U64_MAX));
  if (mtc < precisionMin) return scaled;
  const eps = safeDiv(U64F64, U64F64_ONE, fromInt(U64F64, 1000n));
  const f = checkedSqrtU64F64(safeDiv(U64F64, i32max, mtc), eps);
  const pw = scaled.map((v) => safePow(saturatingMul(U64F64, f, v), p));
  const sum = wrappingSum(U64F64, pw);
  return pw.map((v) => safeDiv(U64F64, v, sum));
}

/** `get_shares_flow` after the EMAs: offsets (`flowOffsets`) then `inplacePowNormalize` (U64F64 shares). */
export function getSharesFlow(userEma: bigint[], protocolEma: bigint[], netFlowEnabled = true, cutoff = 0n, p: bigint = U64F64_ONE): bigint[] {
  return inplacePowNormalize(flowOffsets(userEma, protocolEma, netFlowEnabled, cutoff), p);
}
