// The dynamic-TAO block for a whole network, in the chain's order (docs/economics.md):
// `run_coinbase` (shares → subnet terms → inject_and_maybe_swap → emit_to_subnets' pending
// split), `update_moving_prices`, and, per subnet whose epoch fires, `distribute_emission`
// with the shares that subnet's epoch produced. The kernels are assembly/coinbase.ts (terms,
// shares, splits, dividends) and assembly/swap.ts (the pool); this file only sequences them
// over the network state.
//
// The state is one block of u64 fields, struct-of-arrays: field f of subnet i lives at
// base + (f·n + i)·8, so each field is a contiguous u64[n] a kernel can read directly.
// src/economy/layout.ts mirrors the field numbers.

import { blockEmission } from "./emission";
import { emitShares } from "./epoch";
import {
  distributeDividends, getShares, getSubnetBlockEmissions, getSubnetTerms, minerBurned, pendingSplit,
  getTaoWeight, rootProportion, splitAlphaCreated, splitOwnerCut, splitRoot, splitServer, splitValidator, termAlphaIn, termAlphaOut,
  termExcess, termTaoIn, updateMovingPrice, validatorAlphaFor,
} from "./coinbase";
import { flowHi, flowLo, getSharesFlow, updateEmaFlow } from "./flow";
import { calculatePrice, poolSwap, priceHi, priceLo, swapAlphaReserve, swapPaidIn, swapPaidOut, swapTaoReserve, updateWeightsForAddedLiquidity } from "./swap";
import { divShl, toU64, wHi, wLo } from "./wide";
import { mechanismWeight, splitEmissions, weightedAccAlpha, weightHi, weightLo } from "./mechanism";
import { hi128, lo128, umul128 } from "./fixed";

// ---- per-subnet fields (keep in step with src/economy/layout.ts)
export const F_TAO: i32 = 0; // SubnetTAO: the pool's TAO reserve
export const F_ALPHA_IN: i32 = 1; // SubnetAlphaIn: the pool's alpha reserve
export const F_ALPHA_OUT: i32 = 2; // SubnetAlphaOut: alpha outstanding
export const F_WEIGHT: i32 = 3; // SwapBalancer quote weight (Perquintill parts)
export const F_FEE: i32 = 4; // FeeRate (u16 / 65535)
export const F_MECH: i32 = 5; // SubnetMechanism: 1 dynamic, 0 stable
export const F_EMA: i32 = 6; // SubnetMovingPrice (I96F32 raw)
export const F_BURNED: i32 = 7; // MinerBurned (U96F32 raw), set by the last epoch
export const F_FIRST: i32 = 8; // FirstEmissionBlockNumber (u64::MAX: not started)
export const F_ENABLED: i32 = 9; // SubnetEmissionEnabled
export const F_P_SERVER: i32 = 10; // PendingServerEmission
export const F_P_VALIDATOR: i32 = 11; // PendingValidatorEmission
export const F_P_ROOT: i32 = 12; // PendingRootAlphaDivs
export const F_P_OWNER: i32 = 13; // PendingOwnerCut
export const F_PROTOCOL: i32 = 14; // SubnetProtocolAlpha
export const F_HALVING: i32 = 15; // EMAPriceHalvingBlocks
export const F_RECYCLE: i32 = 16; // owner-hotkey incentive: 1 recycled, 0 burned
export const F_STATIC: i32 = 17; // the static share rule's weight
export const F_MARKET: i32 = 18; // alpha held by stakers outside the validators (what the market can sell)
export const F_FLOW_USER: i32 = 19; // SubnetTaoFlow of this block (i64)
export const F_FLOW_PROTO: i32 = 20; // SubnetProtocolFlow of this block (i64)
export const F_EMA_USER_LO: i32 = 21; // SubnetEmaTaoFlow (I64F64 raw, two words)
export const F_EMA_USER_HI: i32 = 22;
export const F_EMA_PROTO_LO: i32 = 23; // SubnetEmaProtocolFlow
export const F_EMA_PROTO_HI: i32 = 24;
// totals over the simulated blocks
export const T_TAO_IN: i32 = 25; // TAO injected into the reserve (SubnetTaoInEmission)
export const T_EXCESS: i32 = 26; // excess TAO that bought alpha (SubnetExcessTao)
export const T_ALPHA_IN: i32 = 27; // alpha injected into the reserve
export const T_ALPHA_OUT: i32 = 28; // alpha emission minted into alpha out
export const T_OWNER: i32 = 29;
export const T_MINERS: i32 = 30;
export const T_VALIDATORS: i32 = 31; // alpha dividends, take included
export const T_ROOT: i32 = 32; // root alpha dividends, take included
export const T_BURNED: i32 = 33;
export const T_RECYCLED: i32 = 34; // recycled alpha and dust paid to nobody (i64: epoch floors can overpay by a rao)
export const T_STUCK: i32 = 35; // excess TAO a failed buy left outside the reserve
export const T_MARKET_IN: i32 = 36; // TAO staked by the market (into the pool, net of fees)
export const T_MARKET_OUT: i32 = 37; // TAO unstaked by the market (out of the pool)
export const T_FEES: i32 = 38; // swap fees (TAO value) taken by block authors
export const L_SHARE_HI: i32 = 39; // last block: emission share (U64F64)
export const L_SHARE_LO: i32 = 40;
export const L_ROOT_PROP: i32 = 41; // last block: root proportion (U96F32 raw)
export const L_ALPHA_E: i32 = 42; // last block: alpha block emission
export const L_TAO: i32 = 43; // last block: TAO emission T_i (U96F32 raw)
export const T_REG_TAO: i32 = 44; // TAO paid for registrations (swapped into the pool)
export const T_REG_ALPHA: i32 = 45; // alpha those swaps took from the reserve and burned
export const T_REG_FAILED: i32 = 46; // registrations whose burn the pool could not swap (paid nothing)
export const FIELDS: i32 = 47;

// ---- network-wide parameters, written by TS into a small block (u64 each)
export const G_ROOT_TAO: i32 = 0; // SubnetTAO of root
export const G_TAU: i32 = 1; // TaoWeight as U96F32 raw
export const G_CUT: i32 = 2; // SubnetOwnerCut (u16)
export const G_CUT_ON: i32 = 3; // OwnerCutEnabled
export const G_TAKE: i32 = 4; // delegate take (u16)
export const G_RULE: i32 = 5; // 0 price-ema, 1 tao-flow, 2 static
export const G_MOVING_ALPHA: i32 = 6; // SubnetMovingAlpha (I96F32 raw)
export const G_FLOW_SMOOTHING: i32 = 7; // FlowEmaSmoothingFactor
export const GLOBALS: i32 = 8;

// @ts-ignore: decorator
@inline function fld(base: usize, n: i32, f: i32, i: i32): usize {
  return base + ((<usize>f * <usize>n + <usize>i) << 3);
}
// @ts-ignore: decorator
@inline function get(base: usize, n: i32, f: i32, i: i32): u64 {
  return load<u64>(fld(base, n, f, i));
}
// @ts-ignore: decorator
@inline function set(base: usize, n: i32, f: i32, i: i32, v: u64): void {
  store<u64>(fld(base, n, f, i), v);
}
// @ts-ignore: decorator
@inline function addTo(base: usize, n: i32, f: i32, i: i32, v: u64): void {
  const p = fld(base, n, f, i);
  const a = load<u64>(p);
  const s = a + v;
  store<u64>(p, s < a ? 0xffff_ffff_ffff_ffff : s);
}
// @ts-ignore: decorator
@inline function satAdd(a: u64, b: u64): u64 {
  const s = a + b;
  return s < a ? 0xffff_ffff_ffff_ffff : s;
}
// @ts-ignore: decorator
@inline function satSub(a: u64, b: u64): u64 {
  return a > b ? a - b : 0;
}
// @ts-ignore: decorator
@inline function satAddI64(a: i64, b: i64): i64 {
  const s = a + b;
  // Overflow iff both operands have the same sign and the sum's sign differs.
  if (((a ^ s) & (b ^ s)) < 0) return a < 0 ? i64.MIN_VALUE : i64.MAX_VALUE;
  return s;
}
// @ts-ignore: decorator
@inline function g(globals: usize, k: i32): u64 {
  return load<u64>(globals + (<usize>k << 3));
}

/** Max / min price limits of a swap in U64F64: 10^15 rao and 1000 rao per alpha ÷ 10^9. */
const MAX_LIMIT_HI: u64 = 1_000_000;
const MIN_LIMIT_LO: u64 = 18_446_744_073_709; // ⌊2^64 / 10^6⌋

/** Spot price of subnet i (`current_alpha_price`) into (spotHi, spotLo). */
export let spotHi: u64 = 0;
export let spotLo: u64 = 0;
export function spotPrice(base: usize, n: i32, i: i32): void {
  if (get(base, n, F_MECH, i) != 1) {
    spotHi = 1;
    spotLo = 0;
    return;
  }
  const x = get(base, n, F_ALPHA_IN, i);
  if (x == 0) {
    spotHi = 0;
    spotLo = 0;
    return;
  }
  calculatePrice(get(base, n, F_WEIGHT, i), x, get(base, n, F_TAO, i));
  spotHi = priceHi;
  spotLo = priceLo;
}

// Per-block results for the caller.
export let blockRecycled: u64 = 0; // TAO of the block's credit left unspent (recycled)
export let blockRootSell: bool = false;

/**
 * One block's coinbase for all subnets (block_step minus the epochs): mint `emission`, shares
 * by the rule, terms, injection and buys, alpha out and the pending split, then the moving
 * prices. `scratch` holds 16·n u64 of working space. Returns the number of emitting subnets.
 */
export function dtaoBlock(base: usize, n: i32, globals: usize, block: u64, emission: u64, scratch: usize): i32 {
  const rootTao = g(globals, G_ROOT_TAO), tau = g(globals, G_TAU);
  // get_subnets_to_emit_to: subnets whose first emission block has come.
  const idx = scratch; // i32[n] (as u64 slots)
  let m = 0;
  for (let i = 0; i < n; i++) {
    if (get(base, n, F_FIRST, i) <= block) {
      store<u64>(idx + (<usize>m << 3), <u64>i);
      m++;
    }
  }
  const nn = <usize>n << 3;
  const ema = scratch + nn; // i64[m]
  const mech = ema + nn; // u8[m] (n bytes reserved per array slot of 8n)
  const burned = mech + nn; // u64[m]
  const enabled = burned + nn; // u8[m]
  const shHi = enabled + nn, shLo = shHi + nn; // U64F64[m]
  const tEm = shLo + nn; // U96F32 raw T_i [m]
  const tTao = tEm + nn, tAlphaIn = tTao + nn, tAlphaOut = tAlphaIn + nn, tExcess = tAlphaOut + nn;
  for (let k = 0; k < m; k++) {
    const i = <i32>load<u64>(idx + (<usize>k << 3));
    store<i64>(ema + (<usize>k << 3), <i64>get(base, n, F_EMA, i));
    store<u8>(mech + <usize>k, <u8>get(base, n, F_MECH, i));
    store<u64>(burned + (<usize>k << 3), get(base, n, F_BURNED, i));
    store<u8>(enabled + <usize>k, <u8>get(base, n, F_ENABLED, i));
  }
  // Shares: the price-EMA rule also yields the root sell flag, which every rule uses.
  blockRootSell = getShares(m, ema, mech, burned, shHi, shLo);
  const rule = g(globals, G_RULE);
  if (rule == 2) {
    let total: u64 = 0;
    for (let k = 0; k < m; k++) total = satAdd(total, get(base, n, F_STATIC, <i32>load<u64>(idx + (<usize>k << 3))));
    for (let k = 0; k < m; k++) {
      const w = get(base, n, F_STATIC, <i32>load<u64>(idx + (<usize>k << 3)));
      divShl(0, w, 0, total, 64);
      store<u64>(shHi + (<usize>k << 3), wHi);
      store<u64>(shLo + (<usize>k << 3), wLo);
    }
  } else if (rule == 1) {
    // get_ema_flow per subnet: fold this block's accumulated flows into the EMAs, then the
    // flow shares from the (lo, hi) pairs gathered past the other scratch arrays.
    const smoothing = g(globals, G_FLOW_SMOOTHING);
    const user = tExcess + nn, proto = user + (nn << 1);
    for (let k = 0; k < m; k++) {
      const i = <i32>load<u64>(idx + (<usize>k << 3));
      updateEmaFlow(get(base, n, F_EMA_USER_HI, i), get(base, n, F_EMA_USER_LO, i), <i64>get(base, n, F_FLOW_USER, i), smoothing);
      set(base, n, F_EMA_USER_HI, i, flowHi);
      set(base, n, F_EMA_USER_LO, i, flowLo);
      updateEmaFlow(get(base, n, F_EMA_PROTO_HI, i), get(base, n, F_EMA_PROTO_LO, i), <i64>get(base, n, F_FLOW_PROTO, i), smoothing);
      set(base, n, F_EMA_PROTO_HI, i, flowHi);
      set(base, n, F_EMA_PROTO_LO, i, flowLo);
      set(base, n, F_FLOW_USER, i, 0);
      set(base, n, F_FLOW_PROTO, i, 0);
      store<u64>(user + (<usize>k << 4), get(base, n, F_EMA_USER_LO, i));
      store<u64>(user + (<usize>k << 4) + 8, get(base, n, F_EMA_USER_HI, i));
      store<u64>(proto + (<usize>k << 4), get(base, n, F_EMA_PROTO_LO, i));
      store<u64>(proto + (<usize>k << 4) + 8, get(base, n, F_EMA_PROTO_HI, i));
    }
    getSharesFlow(m, user, proto, shHi, shLo);
  }
  getSubnetBlockEmissions(m, shHi, shLo, enabled, emission, tEm);

  // get_subnet_terms for every subnet, all before any injection.
  for (let k = 0; k < m; k++) {
    const i = <i32>load<u64>(idx + (<usize>k << 3));
    const issuance = satAdd(get(base, n, F_ALPHA_IN, i), get(base, n, F_ALPHA_OUT, i));
    spotPrice(base, n, i);
    const rp = rootProportion(issuance, rootTao, tau);
    getSubnetTerms(load<u64>(tEm + (<usize>k << 3)), issuance, spotHi, spotLo, rp);
    store<u64>(tTao + (<usize>k << 3), termTaoIn);
    store<u64>(tAlphaIn + (<usize>k << 3), termAlphaIn);
    store<u64>(tAlphaOut + (<usize>k << 3), termAlphaOut);
    store<u64>(tExcess + (<usize>k << 3), termExcess);
    set(base, n, L_SHARE_HI, i, load<u64>(shHi + (<usize>k << 3)));
    set(base, n, L_SHARE_LO, i, load<u64>(shLo + (<usize>k << 3)));
    set(base, n, L_TAO, i, load<u64>(tEm + (<usize>k << 3)));
  }

  // inject_and_maybe_swap, subnet by subnet.
  let spent: u64 = 0;
  for (let k = 0; k < m; k++) {
    const i = <i32>load<u64>(idx + (<usize>k << 3));
    const taoIn = toU64(0, load<u64>(tTao + (<usize>k << 3)), 32);
    const alphaIn = toU64(0, load<u64>(tAlphaIn + (<usize>k << 3)), 32);
    const toSwap = toU64(0, load<u64>(tExcess + (<usize>k << 3)), 32);
    let injTao: u64 = taoIn, injAlpha: u64 = alphaIn;
    const w = updateWeightsForAddedLiquidity(get(base, n, F_WEIGHT, i), get(base, n, F_TAO, i), get(base, n, F_ALPHA_IN, i), taoIn, alphaIn);
    if (w == 0) {
      injTao = 0;
      injAlpha = 0;
    } else {
      set(base, n, F_WEIGHT, i, w);
    }
    if (toSwap > 0) {
      spent = satAdd(spent, toSwap);
      const err = poolSwap(get(base, n, F_TAO, i), get(base, n, F_ALPHA_IN, i), get(base, n, F_WEIGHT, i), get(base, n, F_FEE, i),
        <i32>get(base, n, F_MECH, i), true, toSwap, MAX_LIMIT_HI, 0, true);
      if (err == 0) {
        set(base, n, F_TAO, i, swapTaoReserve);
        set(base, n, F_ALPHA_IN, i, swapAlphaReserve);
        set(base, n, F_ALPHA_OUT, i, satAdd(get(base, n, F_ALPHA_OUT, i), swapPaidOut));
        set(base, n, F_PROTOCOL, i, satAdd(get(base, n, F_PROTOCOL, i), swapPaidOut));
        addTo(base, n, T_EXCESS, i, swapPaidIn);
        addTo(base, n, T_STUCK, i, toSwap - swapPaidIn);
        set(base, n, F_FLOW_PROTO, i, <u64>satAddI64(<i64>get(base, n, F_FLOW_PROTO, i), <i64>swapPaidIn));
      } else {
        addTo(base, n, T_STUCK, i, toSwap);
      }
    }
    set(base, n, F_ALPHA_IN, i, satAdd(get(base, n, F_ALPHA_IN, i), injAlpha));
    addTo(base, n, T_ALPHA_IN, i, injAlpha);
    if (injTao != 0) {
      spent = satAdd(spent, injTao);
      set(base, n, F_TAO, i, satAdd(get(base, n, F_TAO, i), injTao));
      addTo(base, n, T_TAO_IN, i, injTao);
      set(base, n, F_FLOW_PROTO, i, <u64>satAddI64(<i64>get(base, n, F_FLOW_PROTO, i), <i64>injTao));
    }
  }
  blockRecycled = emission - spent;

  // emit_to_subnets: mint alpha out, split it into the pendings with the root proportion
  // read now (this block's alpha already counted).
  const cutOn = g(globals, G_CUT_ON) != 0, cut = g(globals, G_CUT);
  for (let k = 0; k < m; k++) {
    const i = <i32>load<u64>(idx + (<usize>k << 3));
    const aOut = load<u64>(tAlphaOut + (<usize>k << 3));
    const created = toU64(0, aOut, 32);
    set(base, n, F_ALPHA_OUT, i, satAdd(get(base, n, F_ALPHA_OUT, i), created));
    addTo(base, n, T_ALPHA_OUT, i, created);
    const issuance = satAdd(get(base, n, F_ALPHA_IN, i), get(base, n, F_ALPHA_OUT, i));
    const rp = rootProportion(issuance, rootTao, tau);
    set(base, n, L_ROOT_PROP, i, rp);
    set(base, n, L_ALPHA_E, i, created);
    pendingSplit(aOut, rp, cutOn, blockRootSell, cut);
    addTo(base, n, F_P_OWNER, i, splitOwnerCut);
    addTo(base, n, F_P_SERVER, i, splitServer);
    addTo(base, n, F_P_VALIDATOR, i, splitValidator);
    let paid = satAdd(satAdd(splitOwnerCut, splitServer), splitValidator);
    if (blockRootSell) {
      addTo(base, n, F_P_ROOT, i, splitRoot);
    } else {
      // Recycled: removed from alpha out again.
      set(base, n, F_ALPHA_OUT, i, satSub(get(base, n, F_ALPHA_OUT, i), splitRoot));
    }
    // Root alpha recycled by the sell flag and the 0–3 rao the four floors lose are both
    // alpha nobody receives: counted as recycled so every minted alpha is accounted for.
    set(base, n, T_RECYCLED, i, get(base, n, T_RECYCLED, i) + (created - satAdd(paid, blockRootSell ? splitRoot : 0)));
  }

  // update_moving_prices, after the injections and buys of this block.
  const movingAlpha = <i64>g(globals, G_MOVING_ALPHA);
  for (let k = 0; k < m; k++) {
    const i = <i32>load<u64>(idx + (<usize>k << 3));
    spotPrice(base, n, i);
    const p = updateMovingPrice(<i64>get(base, n, F_EMA, i), spotHi, spotLo, <i32>get(base, n, F_MECH, i), block,
      get(base, n, F_FIRST, i), get(base, n, F_HALVING, i), movingAlpha);
    set(base, n, F_EMA, i, <u64>p);
  }
  return m;
}

// Per-epoch results for the caller (u64 sums of what `dtaoDistribute` paid).
export let distIncentive: u64 = 0;
export let distWithheld: u64 = 0;
export let distAlpha: u64 = 0;
export let distRoot: u64 = 0;
export let distDrained: u64 = 0;

/**
 * `drain_pending` + `distribute_emission` for subnet i whose epoch ran: the four pendings are
 * taken; the epoch's server / validator shares (I32F32 raw, i64[uids]) split their sum as the
 * epoch would have (`emitShares`); incentive on owner hotkeys (ownerMask u8[uids]) is burned
 * or recycled and sets MinerBurned; dividends are split alpha/root and the take is separated
 * (`distributeDividends`). Writes per uid: incentive, alpha dividends, root dividends (u64[uids]
 * each at out, out + 8·uids, out + 16·uids); scratch needs 6·uids u64.
 */
export function dtaoDistribute(
  base: usize, n: i32, globals: usize, i: i32, uids: i32,
  serverShare: usize, validatorShare: usize, alphaStake: usize, rootStake: usize, ownerMask: usize,
  out: usize, scratch: usize, mechs: i32, splitPtr: usize, splitLen: i32, emissionOut: usize,
): void {
  const server = get(base, n, F_P_SERVER, i), validator = get(base, n, F_P_VALIDATOR, i);
  const root = get(base, n, F_P_ROOT, i), owner = get(base, n, F_P_OWNER, i);
  set(base, n, F_P_SERVER, i, 0);
  set(base, n, F_P_VALIDATOR, i, 0);
  set(base, n, F_P_ROOT, i, 0);
  set(base, n, F_P_OWNER, i, 0);
  addTo(base, n, T_OWNER, i, owner);
  const total = satAdd(satAdd(server, validator), root);
  distDrained = total;
  const u = <usize>uids << 3;
  const incentive = out, alphaOut = out + u, rootOut = out + (u << 1);
  const dividends = scratch;
  mechanismEmissions(serverShare, validatorShare, uids, total, mechs, splitPtr, splitLen, incentive, dividends, emissionOut, scratch + 6 * u);
  let incSum: u64 = 0, withheld: u64 = 0;
  for (let k = 0; k < uids; k++) {
    const x = load<u64>(incentive + (<usize>k << 3));
    incSum = satAdd(incSum, x);
    if (load<u8>(ownerMask + <usize>k) != 0) withheld = satAdd(withheld, x);
  }
  const vAlpha = validatorAlphaFor(server, validator, incSum);
  set(base, n, F_BURNED, i, minerBurned(withheld, incSum));
  const aTake = scratch + u, aRest = aTake + u, rTake = aRest + u, rRest = rTake + u;
  distributeDividends(uids, dividends, alphaStake, rootStake, vAlpha, root, g(globals, G_TAU), g(globals, G_TAKE), aTake, aRest, rTake, rRest);
  let alphaSum: u64 = 0, rootSum: u64 = 0;
  for (let k = 0; k < uids; k++) {
    const o = <usize>k << 3;
    const a = satAdd(load<u64>(aTake + o), load<u64>(aRest + o));
    const r = satAdd(load<u64>(rTake + o), load<u64>(rRest + o));
    store<u64>(alphaOut + o, a);
    store<u64>(rootOut + o, r);
    alphaSum = satAdd(alphaSum, a);
    rootSum = satAdd(rootSum, r);
  }
  distIncentive = incSum;
  distWithheld = withheld;
  distAlpha = alphaSum;
  distRoot = rootSum;
  addTo(base, n, T_MINERS, i, incSum - withheld);
  if (get(base, n, F_RECYCLE, i) != 0) {
    set(base, n, F_ALPHA_OUT, i, satSub(get(base, n, F_ALPHA_OUT, i), withheld));
    set(base, n, T_RECYCLED, i, get(base, n, T_RECYCLED, i) + withheld);
  } else {
    addTo(base, n, T_BURNED, i, withheld);
  }
  addTo(base, n, T_VALIDATORS, i, alphaSum);
  addTo(base, n, T_ROOT, i, rootSum);
  // What the drained pendings held beyond what was paid (floors, root alpha with no
  // root-staked validator) is alpha nobody holds; it can be −1 rao or so when the epoch's
  // incentive floors exceed the pending server share (i64 arithmetic keeps the sign).
  const paid = satAdd(satAdd(incSum, alphaSum), rootSum);
  set(base, n, T_RECYCLED, i, get(base, n, T_RECYCLED, i) + (total - paid));
}

/**
 * `epoch_with_mechanisms` on amounts: `total` split between the mechanisms (`split_emissions`),
 * each mechanism's server / validator shares (i64[mechs·uids], mechanism-major) applied to its
 * part as its epoch does (`emitShares`), the per-uid emissions summed (saturating) and the
 * Emission term folded with each mechanism's weight (`weighted_acc_alpha`). One mechanism gives
 * exactly its epoch's amounts. `work` holds 2·uids + mechs u64.
 */
function mechanismEmissions(
  serverShare: usize, validatorShare: usize, uids: i32, total: u64, mechs: i32, splitPtr: usize, splitLen: i32,
  incentive: usize, dividends: usize, emission: usize, work: usize,
): void {
  const u = <usize>uids << 3;
  const sTmp = work, vTmp = work + u, amounts = work + (u << 1);
  splitEmissions(total, mechs, splitPtr, splitLen, amounts);
  for (let k = 0; k < mechs; k++) {
    const amount = load<u64>(amounts + (<usize>k << 3));
    const off = <usize>k * u;
    const first = k == 0;
    emitShares(serverShare + off, uids, amount, first ? incentive : sTmp);
    emitShares(validatorShare + off, uids, amount, first ? dividends : vTmp);
    mechanismWeight(amount, total, first);
    const wh = weightHi, wl = weightLo;
    for (let j = 0; j < uids; j++) {
      const o = <usize>j << 3;
      let s: u64, v: u64;
      if (first) {
        s = load<u64>(incentive + o);
        v = load<u64>(dividends + o);
      } else {
        s = load<u64>(sTmp + o);
        v = load<u64>(vTmp + o);
        store<u64>(incentive + o, satAdd(load<u64>(incentive + o), s));
        store<u64>(dividends + o, satAdd(load<u64>(dividends + o), v));
      }
      // Each mechanism's Emission is its server + validator emission; the fold weighs it (with
      // one mechanism its weight is exactly 1). No Emission is asked for without churn.
      if (emission == 0) continue;
      store<u64>(emission + o, mechs == 1 ? satAdd(s, v) : weightedAccAlpha(first ? 0 : load<u64>(emission + o), satAdd(s, v), wh, wl));
    }
  }
}

/**
 * A registration's burn on subnet i (`do_register` step 8): the TAO buys alpha through the pool
 * at no price limit, the alpha bought leaves alpha out again (burned), the TAO counts as a user
 * inflow. Returns the swap's error code (0 = ok); a failed swap changes nothing but the count
 * T_REG_FAILED (on chain the registration would fail; the simulator's registrations are fixed
 * before the pools are known, docs/mechanisms.md).
 */
export function dtaoRegister(base: usize, n: i32, i: i32, cost: u64): i32 {
  if (cost == 0) return 0;
  const err = poolSwap(get(base, n, F_TAO, i), get(base, n, F_ALPHA_IN, i), get(base, n, F_WEIGHT, i), get(base, n, F_FEE, i),
    <i32>get(base, n, F_MECH, i), true, cost, MAX_LIMIT_HI, 0, false);
  if (err != 0) {
    addTo(base, n, T_REG_FAILED, i, 1);
    return err;
  }
  set(base, n, F_TAO, i, swapTaoReserve);
  set(base, n, F_ALPHA_IN, i, swapAlphaReserve);
  addTo(base, n, T_REG_TAO, i, cost);
  addTo(base, n, T_REG_ALPHA, i, swapPaidOut);
  addTo(base, n, T_FEES, i, cost - swapPaidIn);
  set(base, n, F_FLOW_USER, i, <u64>satAddI64(<i64>get(base, n, F_FLOW_USER, i), <i64>cost));
  return 0;
}

export let swapResultIn: u64 = 0;
export let swapResultOut: u64 = 0;

/**
 * A market stake (buy: TAO → alpha) or unstake (sell: alpha → TAO) on subnet i through its
 * pool, with the fee and the default price limits (`stake_into_subnet` /
 * `unstake_from_subnet`). Records the user TAO flow. Returns the swap's error code (0 = ok).
 */
export function dtaoSwap(base: usize, n: i32, i: i32, buyFlag: i32, amount: u64): i32 {
  const buy = buyFlag != 0;
  swapResultIn = 0;
  swapResultOut = 0;
  if (amount == 0) return 0;
  const err = poolSwap(get(base, n, F_TAO, i), get(base, n, F_ALPHA_IN, i), get(base, n, F_WEIGHT, i), get(base, n, F_FEE, i),
    <i32>get(base, n, F_MECH, i), buy, amount, buy ? MAX_LIMIT_HI : 0, buy ? 0 : MIN_LIMIT_LO, false);
  if (err != 0) return err;
  set(base, n, F_TAO, i, swapTaoReserve);
  set(base, n, F_ALPHA_IN, i, swapAlphaReserve);
  swapResultIn = swapPaidIn;
  swapResultOut = swapPaidOut;
  if (buy) {
    set(base, n, F_ALPHA_OUT, i, satAdd(get(base, n, F_ALPHA_OUT, i), swapPaidOut));
    addTo(base, n, F_MARKET, i, swapPaidOut);
    addTo(base, n, T_MARKET_IN, i, swapPaidIn);
    addTo(base, n, T_FEES, i, amount - swapPaidIn);
    set(base, n, F_FLOW_USER, i, <u64>satAddI64(<i64>get(base, n, F_FLOW_USER, i), <i64>swapPaidIn));
  } else {
    set(base, n, F_ALPHA_OUT, i, satSub(get(base, n, F_ALPHA_OUT, i), swapPaidIn));
    set(base, n, F_MARKET, i, satSub(get(base, n, F_MARKET, i), amount));
    addTo(base, n, T_MARKET_OUT, i, swapPaidOut);
    set(base, n, F_FLOW_USER, i, <u64>satAddI64(<i64>get(base, n, F_FLOW_USER, i), -<i64>swapPaidOut));
  }
  return 0;
}

/** ⌊tao / spot⌋ in alpha rao at subnet i's spot price (U64F64): what a TAO amount buys at spot. */
export function alphaForTaoAtSpot(base: usize, n: i32, i: i32, tao: u64): u64 {
  spotPrice(base, n, i);
  // tao·2^64 / (price·2^64): the quotient is already whole alpha rao, no fraction bits to drop.
  if (!divShl(0, tao, spotHi, spotLo, 64)) return 0;
  return toU64(wHi, wLo, 0);
}

/** The epoch's stake weight of a hotkey: alpha + ⌊root·τ⌋ (I64F64 on chain; the simulated
 *  epoch takes whole rao, so the fraction is dropped). */
export function stakeWeight(alpha: u64, root: u64, tau: u64): u64 {
  umul128(root, tau); // τ is U96F32 raw: 32 fraction bits
  if ((hi128 >> 32) != 0) return 0xffff_ffff_ffff_ffff;
  return satAdd(alpha, (lo128 >> 32) | (hi128 << 32));
}

/** The halving curve on an issuance (for the alpha emission of a subnet in reports). */
export function alphaBlockEmission(issuance: u64): u64 {
  return blockEmission(issuance);
}

// ---- thin exports for src/economy/dtao.ts (u64 globals are read through functions)
export function dtaoSpot(base: usize, n: i32, i: i32): void { spotPrice(base, n, i); }
export function dtaoSpotHi(): u64 { return spotHi; }
export function dtaoSpotLo(): u64 { return spotLo; }
export function dtaoRecycled(): u64 { return blockRecycled; }
export function dtaoTaoWeight(w: u64): u64 { return getTaoWeight(w); }
export function dtaoAlphaForTao(base: usize, n: i32, i: i32, tao: u64): u64 { return alphaForTaoAtSpot(base, n, i, tao); }
export function dtaoStakeWeight(alpha: u64, root: u64, tau: u64): u64 { return stakeWeight(alpha, root, tau); }
