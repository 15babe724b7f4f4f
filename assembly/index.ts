// The module's exports: a bump heap that JS resets per call, the exact epoch, block
// emission, and the fixed-point primitives (exported for the unit tests).

import {
  div, expFixed, expSafe, fixedTimesRao, hi128, imul128, lo128, mul, overflowed, proportionToU16,
  safeDiv, shareOf, udiv128, u16ToProportion,
} from "./fixed";

import { allocRaw, heapReset, heapTop } from "./mem";

export { epoch, PARAMS_SIZE, setReferenceKernels } from "./epoch";
export { emitShares } from "./epoch";
export { medianVisits, setMedianTuning } from "./median";
export { blockEmission, ownerCut } from "./emission";
export { sha256Final, sha256Init, sha256Update } from "./sha256";

/** Drop everything allocated since the last reset (inputs and outputs of the last call). */
export function reset(): void {
  heapReset();
}

/** Allocate `bytes` on the heap; the pointer stays valid until the next reset. */
export function alloc(bytes: usize): usize {
  return allocRaw(bytes);
}

/** The end of the heap (the next allocation's address): the peak of the last call's use,
 *  since nothing is freed before the next reset. */
export function heapEnd(): usize {
  return heapTop();
}

// --- fixed-point primitives, for tests against BigInt ---
export function fxMul(a: i64, b: i64): i64 { return mul(a, b); }
export function fxDiv(a: i64, b: i64): i64 { return div(a, b); }
export function fxSafeDiv(a: i64, b: i64): i64 { return safeDiv(a, b); }
export function fxOverflowed(): bool { return overflowed; }
export function fxImul128(a: i64, b: i64): void { imul128(a, b); }
export function fxUdiv128(hi: u64, lo: u64, d: u64): void { udiv128(hi, lo, d); }
export function fxHi(): u64 { return hi128; }
export function fxLo(): u64 { return lo128; }
export function fxExp(x: i64): i64 { return expFixed(x); }
export function fxExpSafe(x: i64): i64 { return expSafe(x); }
export function fxU16ToProportion(v: u32): i64 { return u16ToProportion(v); }
export function fxProportionToU16(x: i64): u32 { return proportionToU16(x); }
export function fxTimesRao(x: i64, rao: u64): u64 { return fixedTimesRao(x, rao); }
export function fxShareOf(num: u64, den: u64): i64 { return shareOf(num, den); }

// --- 128-bit fixed point (assembly/wide.ts), for tests against BigInt ---
import { addSat, divShl, mulShr, subSat, toU64 as wToU64, wHi, wLo, wOver } from "./wide";
export function wdMulShr(ahi: u64, alo: u64, bhi: u64, blo: u64, shift: u32): void { mulShr(ahi, alo, bhi, blo, shift); }
export function wdDivShl(ahi: u64, alo: u64, bhi: u64, blo: u64, shift: u32): bool { return divShl(ahi, alo, bhi, blo, shift); }
export function wdAddSat(ahi: u64, alo: u64, bhi: u64, blo: u64): void { addSat(ahi, alo, bhi, blo); }
export function wdSubSat(ahi: u64, alo: u64, bhi: u64, blo: u64): void { subSat(ahi, alo, bhi, blo); }
export function wdToU64(hi: u64, lo: u64, frac: u32): u64 { return wToU64(hi, lo, frac); }
export function wdHi(): u64 { return wHi; }
export function wdLo(): u64 { return wLo; }
export function wdOver(): bool { return wOver; }

// --- the dynamic-TAO network block (assembly/dtao.ts) and its kernels, for src/economy and tests ---
export { dtaoBlock, dtaoDistribute, dtaoSwap, dtaoRegister, dtaoSpot, dtaoSpotHi, dtaoSpotLo, dtaoRecycled, dtaoTaoWeight, dtaoAlphaForTao, dtaoStakeWeight, FIELDS as DTAO_FIELDS, GLOBALS as DTAO_GLOBALS } from "./dtao";
import { calculatePrice, poolSwap, priceHi, priceLo, swapAlphaReserve, swapFee, swapPaidIn, swapPaidOut, swapTaoReserve, updateWeightsForAddedLiquidity, alphaOutForTaoIn, taoOutForAlphaIn } from "./swap";
import { fastOk, powNone, powRatioScaled, powSeries, powSeriesCalls, powWide } from "./bigmath";
export function swPow(bnHi: u64, bnLo: u64, bdHi: u64, bdLo: u64, en: u64, ed: u64, precision: i32): u64 { return powRatioScaled(bnHi, bnLo, bdHi, bdLo, en, ed, precision); }
export function swPowSeries(bnHi: u64, bnLo: u64, bdHi: u64, bdLo: u64, en: u64, ed: u64, precision: i32): u64 { return powSeries(bnHi, bnLo, bdHi, bdLo, en, ed, precision); }
export function swPowFlags(): i32 { return (powNone ? 1 : 0) | (powWide ? 2 : 0) | (fastOk ? 4 : 0); }
export function swPowSeriesCalls(): u64 { return powSeriesCalls; }
export function swPrice(quote: u64, alpha: u64, tao: u64): void { calculatePrice(quote, alpha, tao); }
export function swPriceHi(): u64 { return priceHi; }
export function swPriceLo(): u64 { return priceLo; }
export function swAlphaOut(quote: u64, tao: u64, alpha: u64, dy: u64): u64 { return alphaOutForTaoIn(quote, tao, alpha, dy); }
export function swTaoOut(quote: u64, tao: u64, alpha: u64, dx: u64): u64 { return taoOutForAlphaIn(quote, tao, alpha, dx); }
export function swWeights(quote: u64, tao: u64, alpha: u64, dTao: u64, dAlpha: u64): u64 { return updateWeightsForAddedLiquidity(quote, tao, alpha, dTao, dAlpha); }
export function swSwap(tao: u64, alpha: u64, quote: u64, feeRate: u64, buy: i32, amount: u64, limitHi: u64, limitLo: u64, dropFees: i32): i32 {
  return poolSwap(tao, alpha, quote, feeRate, 1, buy != 0, amount, limitHi, limitLo, dropFees != 0);
}
export function swResult(k: i32): u64 { return k == 0 ? swapPaidIn : k == 1 ? swapPaidOut : k == 2 ? swapFee : k == 3 ? swapTaoReserve : swapAlphaReserve; }
import {
  getShares, getSubnetBlockEmissions, getSubnetTerms, pendingSplit, rootProportion, updateMovingPrice, minerBurned, distributeDividends,
  termTaoIn, termAlphaIn, termAlphaOut, termExcess, splitAlphaCreated, splitOwnerCut, splitServer, splitValidator, splitRoot, getTaoWeight,
} from "./coinbase";
export function cbRootProportion(issuance: u64, rootTao: u64, tau: u64): u64 { return rootProportion(issuance, rootTao, tau); }
export function cbTaoWeight(w: u64): u64 { return getTaoWeight(w); }
export function cbShares(m: i32, ema: usize, mech: usize, burned: usize, outHi: usize, outLo: usize): bool { return getShares(m, ema, mech, burned, outHi, outLo); }
export function cbBlockEmissions(m: i32, shHi: usize, shLo: usize, enabled: usize, e: u64, out: usize): void { getSubnetBlockEmissions(m, shHi, shLo, enabled, e, out); }
export function cbTerms(t: u64, issuance: u64, spotHi: u64, spotLo: u64, rp: u64): void { getSubnetTerms(t, issuance, spotHi, spotLo, rp); }
export function cbTerm(k: i32): u64 { return k == 0 ? termTaoIn : k == 1 ? termAlphaIn : k == 2 ? termAlphaOut : termExcess; }
export function cbSplit(alphaOut: u64, rp: u64, cutOn: i32, rootSell: i32, cut: u64): void { pendingSplit(alphaOut, rp, cutOn != 0, rootSell != 0, cut); }
export function cbSplitPart(k: i32): u64 { return k == 0 ? splitAlphaCreated : k == 1 ? splitOwnerCut : k == 2 ? splitServer : k == 3 ? splitValidator : splitRoot; }
export function cbMovingPrice(p: i64, spotHi: u64, spotLo: u64, mech: i32, block: u64, first: u64, halving: u64, alpha: i64): i64 { return updateMovingPrice(p, spotHi, spotLo, mech, block, first, halving, alpha); }
export function cbMinerBurned(w: u64, t: u64): u64 { return minerBurned(w, t); }
export function cbDividends(n: i32, d: usize, a: usize, r: usize, pa: u64, pr: u64, tau: u64, take: u64, o1: usize, o2: usize, o3: usize, o4: usize): void { distributeDividends(n, d, a, r, pa, pr, tau, take, o1, o2, o3, o4); }
import { flowHi, flowLo, getSharesFlow, updateEmaFlow } from "./flow";
export function cbEmaFlow(hi: u64, lo: u64, flow: i64, smoothing: u64): void { updateEmaFlow(hi, lo, flow, smoothing); }
export function cbFlowHi(): u64 { return flowHi; }
export function cbFlowLo(): u64 { return flowLo; }
export function cbSharesFlow(m: i32, user: usize, proto: usize, outHi: usize, outLo: usize): void { getSharesFlow(m, user, proto, outHi, outLo); }

// --- mechanisms (assembly/mechanism.ts) ---
export { splitEmissions, weightedAccU16, weightedAccAlpha, weightedAccU16Batch, weightedAccAlphaBatch } from "./mechanism";
import { mechanismWeight, weightHi, weightLo } from "./mechanism";
export function mechWeight(sub: u64, rao: u64, first: i32): void { mechanismWeight(sub, rao, first != 0); }
export function mechWeightHi(): u64 { return weightHi; }
export function mechWeightLo(): u64 { return weightLo; }

// --- registration burn price (assembly/registration.ts) ---
export { burnBump, burnDecay, decayFactorQ32, mulByQ32, powQ32 } from "./registration";
import { u64f64FromF64, u64f64Hi, u64f64Lo } from "./registration";
export function regMultFromF64(x: f64): void { u64f64FromF64(x); }
export function regMultHi(): u64 { return u64f64Hi; }
export function regMultLo(): u64 { return u64f64Lo; }
