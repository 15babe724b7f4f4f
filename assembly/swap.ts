// The swap pallet's weighted ("Balancer") pool, subtensor @14bc6f9f9 pallets/swap
// (balancer.rs `calculate_price`, `exp_scaled`, `convert_deltas`,
// `update_weights_for_added_liquidity`, `calculate_quote_delta_in` / `calculate_base_delta_in`;
// impls.rs `calculate_fee_amount`, `swap_inner`; swap_step.rs) with the reserve updates of
// stake_utils.rs. x = alpha reserve (base), y = TAO reserve (quote), w2 = the stored quote
// weight (Perquintill parts), w1 = 1 − w2. U64F64 values are u128 (hi, lo).
// The BigInt oracle is test/reference/swap.ts.

import { umul128, hi128, lo128, divlu } from "./fixed";
import { powNone, powRatioScaled, powWide } from "./bigmath";
import { addSat, divShl, divWide, lt128, mulFull, mulShr, subSat, wHi, wLo, x0, x1, x2, x3 } from "./wide";

const ACC: u64 = 1_000_000_000_000_000_000; // Perquintill 1.0
const MIN_WEIGHT: u64 = ACC / 100;
const MIN_RESERVE: u64 = 1_000_000;
const U64_MAX: u64 = 0xffff_ffff_ffff_ffff;

export let priceHi: u64 = 0;
export let priceLo: u64 = 0;

/** `calculate_price(x, y)` = (w1/w2)·(y/x), each quotient `safe_div` (0), the product saturating. */
export function calculatePrice(quote: u64, alpha: u64, tao: u64): void {
  // U64F64(a)/U64F64(b) = ⌊a·2^64/b⌋: the same quotient with one-word operands (the fast
  // division path; the 2^64 factors cancel exactly).
  let rHi: u64 = 0, rLo: u64 = 0;
  if (divShl(0, ACC - quote, 0, quote, 64)) {
    rHi = wHi;
    rLo = wLo;
  }
  let yHi: u64 = 0, yLo: u64 = 0;
  if (divShl(0, tao, 0, alpha, 64)) {
    yHi = wHi;
    yLo = wLo;
  }
  mulShr(rHi, rLo, yHi, yLo, 64);
  priceHi = wHi;
  priceLo = wLo;
}

/** `exp_scaled(x, dx ≥ 0, base_quote)` as U64F64 into (wHi, wLo): (x/(x+dx))^(w1/w2) or
 *  ^(w2/w1) by pow_ratio_scaled at precision 256, ÷ 10^18, capped at 1. */
function expScaled(quote: u64, x: u64, dx: u64, baseQuote: bool): void {
  const s = x + dx;
  const xdx = s < x ? U64_MAX : s;
  if (xdx == 0) {
    wHi = 0;
    wLo = 0;
    return;
  }
  const w1 = ACC - quote, w2 = quote;
  const r = baseQuote ? powRatioScaled(0, x, 0, xdx, w1, w2, 256) : powRatioScaled(0, x, 0, xdx, w2, w1, 256);
  if (powNone || powWide) {
    wHi = 0;
    wLo = 0;
    return;
  }
  divShl(0, r, 0, ACC, 64);
  if (wHi >= 1 && !(wHi == 1 && wLo == 0)) {
    wHi = 1;
    wLo = 0;
  }
}

/** `convert_deltas`: ⌊reserve_out·(1 − e)⌋ (U64F64 product, to u64). */
function payout(reserveOut: u64, eHi: u64, eLo: u64): u64 {
  subSat(1, 0, eHi, eLo);
  // U64F64(reserve)·(1 − e): the raw product's integer part is its high word.
  mulShr(reserveOut, 0, wHi, wLo, 64);
  return wHi;
}

/** Alpha out for TAO in: ⌊x·(1 − (y/(y+dy))^(w2/w1))⌋. */
export function alphaOutForTaoIn(quote: u64, tao: u64, alpha: u64, dy: u64): u64 {
  expScaled(quote, tao, dy, false);
  return payout(alpha, wHi, wLo);
}

/** TAO out for alpha in: ⌊y·(1 − (x/(x+dx))^(w1/w2))⌋. */
export function taoOutForAlphaIn(quote: u64, tao: u64, alpha: u64, dx: u64): u64 {
  expScaled(quote, alpha, dx, true);
  return payout(tao, wHi, wLo);
}

/** `mul_perquintill_round`: ⌊(value·parts + 10^18/2) / 10^18⌋ for a u128 value (saturating). */
function mulPerquintillRound(parts: u64, vHi: u64, vLo: u64): void {
  mulFull(vHi, vLo, 0, parts);
  let n0 = x0, n1 = x1, n2 = x2, n3 = x3;
  const half = ACC / 2;
  const s = n0 + half;
  if (s < n0) {
    n1++;
    if (n1 == 0) {
      n2++;
      if (n2 == 0) n3++;
    }
  }
  n0 = s;
  if (!divWide(n3, n2, n1, n0, 0, ACC)) {
    wHi = U64_MAX;
    wLo = U64_MAX;
  }
}

/**
 * `update_weights_for_added_liquidity`: q1 = round(w1·y·(x+dx)), q2 = round(w2·x·(y+dy)),
 * w2' = ⌊q2·10^18/(q1+q2)⌋ (1/2 when both are 0); 0 when w2' leaves [0.01, 0.99] (the pallet
 * then injects nothing).
 */
export function updateWeightsForAddedLiquidity(quote: u64, tao: u64, alpha: u64, dTao: u64, dAlpha: u64): u64 {
  let a2 = alpha + dAlpha;
  if (a2 < alpha) a2 = U64_MAX;
  let t2 = tao + dTao;
  if (t2 < tao) t2 = U64_MAX;
  umul128(tao, a2);
  mulPerquintillRound(ACC - quote, hi128, lo128);
  const q1Hi = wHi, q1Lo = wLo;
  umul128(alpha, t2);
  mulPerquintillRound(quote, hi128, lo128);
  const q2Hi = wHi, q2Lo = wLo;
  addSat(q1Hi, q1Lo, q2Hi, q2Lo);
  const sHi = wHi, sLo = wLo;
  let w: u64;
  if (sHi == 0 && sLo == 0) {
    w = ACC / 2;
  } else if (lt128(sHi, sLo, q2Hi, q2Lo)) {
    w = ACC; // from_rational(p > q) = one
  } else {
    mulFull(q2Hi, q2Lo, 0, ACC);
    divWide(x3, x2, x1, x0, sHi, sLo);
    w = wLo;
  }
  const base = w > ACC ? 0 : ACC - w;
  return base >= MIN_WEIGHT && w >= MIN_WEIGHT ? w : 0;
}

/** `calculate_fee_amount`: ⌊amount·(FeeRate/65535)⌋ (U64F64); 0 with drop_fees or a stable subnet. */
export function feeAmount(feeRate: u64, amount: u64, dropFees: bool, mechanism: i32): u64 {
  if (dropFees || mechanism != 1) return 0;
  const rate = divlu(feeRate, 0, 65535); // ⌊feeRate·2^64/65535⌋, feeRate < 65535
  umul128(amount, rate);
  return hi128;
}

/** The input that moves the price from one U64F64 price to another: reserve·((num/den)^w − 1),
 *  the power at precision 1024 (`calculate_quote_delta_in` / `calculate_base_delta_in`). */
function deltaInToPrice(numHi: u64, numLo: u64, denHi: u64, denLo: u64, w: u64, reserve: u64): u64 {
  const r = powRatioScaled(numHi, numLo, denHi, denLo, w, ACC, 1024);
  if (powNone) return 0;
  const ef = powWide ? U64_MAX : r;
  divShl(0, ef, 0, ACC, 64);
  subSat(wHi, wLo, 1, 0);
  mulShr(reserve, 0, wHi, wLo, 64);
  return wHi;
}

export let swapPaidIn: u64 = 0;
export let swapPaidOut: u64 = 0;
export let swapFee: u64 = 0;
export let swapTaoReserve: u64 = 0;
export let swapAlphaReserve: u64 = 0;

/**
 * One swap (`do_swap` → `swap_inner` → `BasicSwapStep`), buy = TAO in / alpha out. Returns 0,
 * or 1 SwapInputTooLarge, 2 ReservesTooLow, 3 PriceLimitExceeded, 4 InsufficientLiquidity;
 * on success the globals hold what was paid in (net of the fee), paid out, the fee (it goes
 * to the block author, never into the pool) and the new reserves.
 */
export function poolSwap(tao: u64, alpha: u64, quote: u64, feeRate: u64, mechanism: i32, buy: bool, amount: u64, limitHi: u64, limitLo: u64, dropFees: bool): i32 {
  if (mechanism != 1) {
    // A stable subnet trades 1:1 with no fee.
    return settle(tao, alpha, buy, amount, amount, 0);
  }
  const inReserve = buy ? tao : alpha, outReserve = buy ? alpha : tao;
  let fee = feeAmount(feeRate, amount, dropFees, mechanism);
  umul128(inReserve, 1000);
  const maxIn = hi128 != 0 ? U64_MAX : lo128;
  const requested = amount - fee;
  if (requested > maxIn) return 1;
  if (outReserve < MIN_RESERVE) return 2;
  let cHi: u64 = 0, cLo: u64 = 0;
  if (alpha != 0) {
    calculatePrice(quote, alpha, tao);
    cHi = priceHi;
    cLo = priceLo;
  }
  if (buy ? !lt128(cHi, cLo, limitHi, limitLo) : !lt128(limitHi, limitLo, cHi, cLo)) return 3;
  const dOut = buy ? alphaOutForTaoIn(quote, tao, alpha, requested) : taoOutForAlphaIn(quote, tao, alpha, requested);
  if (buy) calculatePrice(quote, sat(alpha, dOut, false), sat(tao, requested, true));
  else calculatePrice(quote, sat(alpha, requested, true), sat(tao, dOut, false));
  let deltaIn = requested;
  const within = buy ? !lt128(limitHi, limitLo, priceHi, priceLo) : !lt128(priceHi, priceLo, limitHi, limitLo);
  if (!within) {
    deltaIn = buy
      ? deltaInToPrice(limitHi, limitLo, cHi, cLo, ACC - quote, tao)
      : deltaInToPrice(cHi, cLo, limitHi, limitLo, quote, alpha);
    // fee = ⌊Δin · rate/(65535 − rate)⌋ in U64F64
    const rate: u64 = dropFees ? 0 : feeRate;
    let fHi: u64 = 0, fLo: u64 = 0;
    if (divShl(rate, 0, 65535 - rate, 0, 64)) {
      fHi = wHi;
      fLo = wLo;
    }
    mulShr(deltaIn, 0, fHi, fLo, 64);
    fee = wHi;
  }
  const deltaOut = buy ? alphaOutForTaoIn(quote, tao, alpha, deltaIn) : taoOutForAlphaIn(quote, tao, alpha, deltaIn);
  if (deltaIn != 0 && deltaOut == 0) return 2;
  if (outReserve < deltaOut) return 4;
  return settle(tao, alpha, buy, deltaIn, deltaOut, fee);
}

function sat(a: u64, b: u64, add: bool): u64 {
  if (add) {
    const s = a + b;
    return s < a ? U64_MAX : s;
  }
  return a > b ? a - b : 0;
}

function settle(tao: u64, alpha: u64, buy: bool, paidIn: u64, paidOut: u64, fee: u64): i32 {
  swapPaidIn = paidIn;
  swapPaidOut = paidOut;
  swapFee = fee;
  swapTaoReserve = buy ? sat(tao, paidIn, true) : sat(tao, paidOut, false);
  swapAlphaReserve = buy ? sat(alpha, paidOut, false) : sat(alpha, paidIn, true);
  return 0;
}
