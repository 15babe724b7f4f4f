// Test-only oracle, part 3: the swap pallet's weighted ("Balancer") pool, on BigInt.
//
// Written from subtensor @14bc6f9f9 `pallets/swap/src/pallet/{balancer,impls,swap_step}.rs`,
// the stake side in `pallets/subtensor/src/staking/stake_utils.rs` (`swap_tao_for_alpha`,
// `swap_alpha_for_tao`), and the two libraries they lean on: `safe-bigmath` @013c4998
// (`SafeInt::pow_ratio_scaled`) and `sp-arithmetic` (`Perquintill`). Slow and literal: every
// amount is a u64 rao count as a bigint, every U64F64 is its raw u128 bit pattern, every
// Perquintill its parts (0 ..= 10^18).
//
// Notation as the pallet's: x = alpha reserve (base), y = TAO reserve (quote),
// w2 = quote weight (stored), w1 = 1 − w2 (base weight). Spot price p = (w1·y) / (w2·x).

import { U64F64, U64_MAX, fromInt, safeDiv, saturatingMul, saturatingSub, toU64 } from "./fixed.js";

// ---------------------------------------------------------------- constants

/** Perquintill ACCURACY: 1.0 = 10^18 parts. */
export const ACCURACY = 1_000_000_000_000_000_000n;
/** balancer.rs MIN_WEIGHT: each weight must stay ≥ 0.01. */
export const MIN_WEIGHT = ACCURACY / 100n;
/** Balancer::default(): quote weight 1/2. */
export const DEFAULT_QUOTE_WEIGHT = ACCURACY / 2n;
/** swap pallet `DefaultFeeRate`: 33 / 65535 ≈ 0.05 %, per subnet (`FeeRate`). */
export const DEFAULT_FEE_RATE = 33n;
/** runtime `SwapMinimumReserve`: the output reserve must hold at least this before a swap. */
export const MINIMUM_RESERVE = 1_000_000n;
/** swap_step.rs: the net input may be at most 1000 × the input reserve. */
export const MAX_SWAP_INPUT_RESERVE_MULTIPLIER = 1_000n;
/** impls.rs `max_price_inner` / `min_price_inner`, in rao per alpha (÷ 10^9 → TAO per alpha). */
export const MAX_PRICE_RAO = 1_000_000_000_000_000n;
export const MIN_PRICE_RAO = 1_000n;

const U64F64_ONE = 1n << 64n;
const satAddU64 = (a: bigint, b: bigint) => (a + b > U64_MAX ? U64_MAX : a + b);
const satSubU64 = (a: bigint, b: bigint) => (a > b ? a - b : 0n);

// ---------------------------------------------------------------- big-integer helpers

/** Floor division (num-bigint `div_floor`). */
function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return (a % b !== 0n) && ((a < 0n) !== (b < 0n)) ? q - 1n : q;
}

/** num-bigint `bits()`: bits needed to write |v| (0 for 0). */
function bitLength(v: bigint): number {
  if (v < 0n) v = -v;
  return v === 0n ? 0 : v.toString(2).length;
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/** Largest r ≥ 0 with r^q · den ≤ num (safe-bigmath `nth_root_ratio_floor`). */
function nthRootRatioFloor(num: bigint, den: bigint, q: number): bigint {
  if (q === 0) return 0n;
  const Q = BigInt(q);
  const ok = (r: bigint) => r ** Q * den <= num;
  let hi = 1n;
  while (ok(hi)) hi <<= 1n;
  let lo = 0n;
  hi -= 1n;
  while (lo < hi) {
    const mid = (lo + hi + 1n) >> 1n;
    if (ok(mid)) lo = mid;
    else hi = mid - 1n;
  }
  return lo;
}

/** safe-bigmath `round_to_precision`: drop the guard bits, rounding half away from zero. */
function roundGuard(v: bigint, g: bigint): bigint {
  let t = v / g; // toward zero (num-bigint div_rem)
  const r = v - t * g;
  if (r !== 0n && (r < 0n ? -r : r) * 2n >= g) t += r < 0n ? -1n : 1n;
  return t;
}

/** Taylor series of ln(1 + x) in fixed point `scale`, with the library's stopping rules. */
function ln1pFixed(x: bigint, scale: bigint, g: bigint, maxIters: number): bigint {
  let term = x;
  let result = x;
  let prev = roundGuard(result, g);
  for (let n = 2; n <= maxIters; n++) {
    term = floorDiv(term * x, scale);
    if (term === 0n) break;
    const next = floorDiv(term, BigInt(n));
    if (next === 0n) break;
    result = n % 2 === 0 ? result - next : result + next;
    const rounded = roundGuard(result, g);
    if ((next < 0n ? -next : next) < g || rounded === prev) break;
    prev = rounded;
  }
  return result;
}

/** Taylor series of exp(x) in fixed point `scale`, with the library's stopping rules. */
function expFixed(x: bigint, scale: bigint, g: bigint, maxIters: number): bigint {
  let term = scale;
  let result = scale;
  let prev = roundGuard(result, g);
  for (let n = 1; n <= maxIters; n++) {
    term = floorDiv(term * x, scale * BigInt(n));
    if (term === 0n) break;
    result += term;
    const rounded = roundGuard(result, g);
    if ((term < 0n ? -term : term) < g || rounded === prev) break;
    prev = rounded;
  }
  return result;
}

/** ln of a positive integer: mantissa normalised into [0.5, 1.5), plus shift·ln 2. */
function lnInteger(v: bigint, prec: number, scale: bigint, g: bigint, ln2: bigint, maxIters: number): bigint {
  if (v === 0n) return 0n;
  let shift = bitLength(v) - 1;
  let m = (v << BigInt(prec)) >> BigInt(shift);
  if (m >= scale + (scale >> 1n)) {
    m >>= 1n;
    shift += 1;
  }
  return ln1pFixed(m - scale, scale, g, maxIters) + ln2 * BigInt(shift);
}

/**
 * safe-bigmath `SafeInt::pow_ratio_scaled(bn, bd, en, ed, precision, scale)`:
 * ≈ (bn/bd)^(en/ed) · scale, floored. Exact (integer root) when the reduced exponent's parts
 * are both ≤ 1024; otherwise a log/exp series at max(precision, 32, bits(scale)+8) bits plus
 * 24 guard bits. null where the library returns None (zero denominators, negative inputs).
 */
export function powRatioScaled(bn: bigint, bd: bigint, en: bigint, ed: bigint, precision: number, scale: bigint): bigint | null {
  if (bd === 0n || ed === 0n) return null;
  if (bn === 0n) return 0n;
  if (scale < 0n || bn < 0n || bd < 0n || en < 0n || ed < 0n) return null;
  if (en === 0n) return scale;
  const gg = gcd(en, ed);
  if (gg > 1n) {
    en /= gg;
    ed /= gg;
  }
  if (bitLength(en) <= 32 && bitLength(ed) <= 32 && en <= 1024n && ed <= 1024n) {
    return nthRootRatioFloor(bn ** en * scale ** ed, bd ** en, Number(ed));
  }
  const requested = Math.max(precision, 32, bitLength(scale) + 8);
  const guardBits = 24;
  const internal = requested + guardBits;
  const maxIters = Math.max(1, Math.min(4096, internal + 128));
  const targetScale = 1n << BigInt(requested);
  const g = 1n << BigInt(guardBits);
  const iscale = 1n << BigInt(internal);
  const ln2 = -ln1pFixed(-(iscale >> 1n), iscale, g, maxIters);
  const lnBase = lnInteger(bn, internal, iscale, g, ln2, maxIters) - lnInteger(bd, internal, iscale, g, ln2, maxIters);
  const lnScaled = floorDiv(lnBase * en, ed);
  const e = roundGuard(expFixed(lnScaled, iscale, g, maxIters), g);
  return floorDiv(e * scale, targetScale);
}

// ---------------------------------------------------------------- Perquintill

/** `Perquintill::from_rational(p, q)`: ⌊p·10^18 / q⌋; `one()` when q = 0 or p > q. */
export function perquintillFromRational(p: bigint, q: bigint): bigint {
  if (q === 0n || p > q) return ACCURACY;
  return (p * ACCURACY) / q;
}

/** balancer.rs `check_constraints`: both weights ≥ MIN_WEIGHT. */
export function weightsValid(quote: bigint): boolean {
  const base = quote > ACCURACY ? 0n : ACCURACY - quote;
  return base >= MIN_WEIGHT && quote >= MIN_WEIGHT;
}

/** balancer.rs `mul_perquintill_round`: ⌊(value·parts + 10^18/2) / 10^18⌋ (round half up). */
function mulPerquintillRound(parts: bigint, value: bigint): bigint {
  const r = (value * parts + ACCURACY / 2n) / ACCURACY;
  const U128_MAX = (1n << 128n) - 1n;
  return r > U128_MAX ? U128_MAX : r;
}

// ---------------------------------------------------------------- pool math

/**
 * `Balancer::calculate_price(x = alpha, y = tao)` in U64F64:
 * (w1 / w2) · (y / x), each quotient `safe_div` (0 on a zero divisor), the product saturating.
 */
export function calculatePrice(quote: bigint, alpha: bigint, tao: bigint): bigint {
  const w2 = fromInt(U64F64, quote);
  const w1 = fromInt(U64F64, ACCURACY - quote);
  return saturatingMul(U64F64, safeDiv(U64F64, w1, w2), safeDiv(U64F64, fromInt(U64F64, tao), fromInt(U64F64, alpha)));
}

/**
 * impls.rs `current_price` (= `current_alpha_price`), U64F64 raw: a dynamic subnet
 * (mechanism 1) with alpha reserve > 0 → `calculate_price`; alpha reserve 0 → 0; any other
 * mechanism (stable) → 1.
 */
export function currentAlphaPrice(pool: Pool): bigint {
  if (pool.mechanism !== 1) return U64F64_ONE;
  if (pool.alphaReserve === 0n) return 0n;
  return calculatePrice(pool.quoteWeight, pool.alphaReserve, pool.taoReserve);
}

/**
 * balancer.rs `exp_scaled(x, dx, base_quote)`, U64F64 raw:
 * (x / (x+dx))^(w1/w2) if baseQuote else ^(w2/w1), via `pow_ratio_scaled` at precision 256 and
 * scale 10^18, then ÷ 10^18 in U64F64; capped at 1 when dx ≥ 0; 0 when x+dx = 0 or the scaled
 * result does not fit a u64. dx is signed (i128 in the source).
 */
export function expScaled(quote: bigint, x: bigint, dx: bigint, baseQuote: boolean): bigint {
  const xdx = dx >= 0n ? satAddU64(x, dx) : satSubU64(x, -dx);
  if (xdx === 0n) return 0n;
  const w1 = ACCURACY - quote;
  const w2 = quote;
  const r = baseQuote ? powRatioScaled(x, xdx, w1, w2, 256, ACCURACY) : powRatioScaled(x, xdx, w2, w1, 256, ACCURACY);
  if (r === null || r < 0n || r > U64_MAX) return 0n;
  const v = safeDiv(U64F64, fromInt(U64F64, r), fromInt(U64F64, ACCURACY));
  return dx >= 0n && v > U64F64_ONE ? U64F64_ONE : v;
}

/** Alpha out for TAO in (`convert_deltas`, buy): ⌊x · (1 − (y/(y+dy))^(w2/w1))⌋. */
export function alphaOutForTaoIn(pool: Pool, taoIn: bigint): bigint {
  const e = expScaled(pool.quoteWeight, pool.taoReserve, taoIn, false);
  return toU64(U64F64, saturatingMul(U64F64, fromInt(U64F64, pool.alphaReserve), saturatingSub(U64F64, U64F64_ONE, e)));
}

/** TAO out for alpha in (`convert_deltas`, sell): ⌊y · (1 − (x/(x+dx))^(w1/w2))⌋. */
export function taoOutForAlphaIn(pool: Pool, alphaIn: bigint): bigint {
  const e = expScaled(pool.quoteWeight, pool.alphaReserve, alphaIn, true);
  return toU64(U64F64, saturatingMul(U64F64, fromInt(U64F64, pool.taoReserve), saturatingSub(U64F64, U64F64_ONE, e)));
}

/**
 * balancer.rs `update_weights_for_added_liquidity`: the new quote weight that keeps the price,
 *   q1 = round(w1 · y · (x+dx)),  q2 = round(w2 · x · (y+dy))   (u128, half up),
 *   w2' = Perquintill::from_rational(q2, q1 + q2)   (1/2 if q1 + q2 = 0),
 * or null when w2' breaks the [0.01, 0.99] constraint (the pallet then injects nothing).
 */
export function updateWeightsForAddedLiquidity(quote: bigint, tao: bigint, alpha: bigint, dTao: bigint, dAlpha: bigint): bigint | null {
  const q1 = mulPerquintillRound(ACCURACY - quote, tao * (alpha + dAlpha));
  const q2 = mulPerquintillRound(quote, alpha * (tao + dTao));
  const sum = q1 + q2;
  const w = sum !== 0n ? perquintillFromRational(q2, sum) : ACCURACY / 2n;
  return weightsValid(w) ? w : null;
}

/** The state of one subnet's pool: reserves (SubnetTAO, SubnetAlphaIn), weight, fee, mechanism. */
export interface Pool {
  taoReserve: bigint; // SubnetTAO, rao
  alphaReserve: bigint; // SubnetAlphaIn, alpha rao
  quoteWeight: bigint; // SwapBalancer quote weight, Perquintill parts
  feeRate: bigint; // FeeRate, u16 (÷ 65535)
  mechanism: number; // SubnetMechanism: 1 = dynamic (the pool), 0 = stable (1:1)
}

/**
 * impls.rs `adjust_protocol_liquidity(tao_delta, alpha_delta)`: only the weight moves here;
 * returns the new pool weight and what was "actually injected" — both deltas, or (0, 0) with
 * the weight unchanged when the new weight would break the constraint. The reserves themselves
 * are raised by the caller (`inject_and_maybe_swap`), see `injectAndMaybeSwap` in coinbase.ts.
 */
export function adjustProtocolLiquidity(pool: Pool, taoDelta: bigint, alphaDelta: bigint): { quoteWeight: bigint; tao: bigint; alpha: bigint } {
  const w = updateWeightsForAddedLiquidity(pool.quoteWeight, pool.taoReserve, pool.alphaReserve, taoDelta, alphaDelta);
  if (w === null) return { quoteWeight: pool.quoteWeight, tao: 0n, alpha: 0n };
  return { quoteWeight: w, tao: taoDelta, alpha: alphaDelta };
}

/** impls.rs `calculate_fee_amount`: ⌊amount · (FeeRate/65535)⌋ in U64F64; 0 with drop_fees or a stable subnet. */
export function feeAmount(pool: Pool, amount: bigint, dropFees: boolean): bigint {
  if (dropFees || pool.mechanism !== 1) return 0n;
  const rate = safeDiv(U64F64, fromInt(U64F64, pool.feeRate), fromInt(U64F64, 65535n));
  return toU64(U64F64, saturatingMul(U64F64, fromInt(U64F64, amount), rate));
}

/**
 * balancer.rs `calculate_quote_delta_in(p, p', y)`: TAO needed to move the price from p up to
 * p', y · ((p'/p)^w1 − 1), the power by `pow_ratio_scaled` at precision 1024, scale 10^18.
 */
export function quoteDeltaIn(quote: bigint, current: bigint, target: bigint, reserve: bigint): bigint {
  return deltaInToPrice(target, current, ACCURACY - quote, reserve);
}

/** balancer.rs `calculate_base_delta_in(p, p', x)`: alpha needed to move p down to p', x · ((p/p')^w2 − 1). */
export function baseDeltaIn(quote: bigint, current: bigint, target: bigint, reserve: bigint): bigint {
  return deltaInToPrice(current, target, quote, reserve);
}

function deltaInToPrice(num: bigint, den: bigint, w: bigint, reserve: bigint): bigint {
  const scale = ACCURACY;
  const r = powRatioScaled(num, den, w, ACCURACY, 1024, scale);
  if (r === null) return 0n;
  const ef = r > U64_MAX ? fromInt(U64F64, U64_MAX) : r < 0n ? 0n : fromInt(U64F64, r);
  const factor = saturatingSub(U64F64, safeDiv(U64F64, ef, fromInt(U64F64, scale)), U64F64_ONE);
  return toU64(U64F64, saturatingMul(U64F64, fromInt(U64F64, reserve), factor));
}

export type SwapError = "SwapInputTooLarge" | "ReservesTooLow" | "PriceLimitExceeded" | "InsufficientLiquidity";

export interface SwapResult {
  amountPaidIn: bigint; // enters the input reserve (net of the fee)
  amountPaidOut: bigint; // leaves the output reserve
  feePaid: bigint; // in the input token; goes to the block author, never into the pool
  pool: Pool; // reserves after the swap (the subtensor side of `swap_tao_for_alpha` / `swap_alpha_for_tao`)
}

/**
 * One swap on a dynamic pool (`do_swap` → `swap_inner` → `BasicSwapStep`, plus the reserve
 * updates of stake_utils.rs). `buy` = TAO in, alpha out (`GetAlphaForTao`); otherwise alpha in,
 * TAO out. `limitPrice` is a U64F64 raw price (TAO per alpha); the chain's default limits are
 * `MAX_PRICE_RAO`/`MIN_PRICE_RAO` ÷ 10^9, see `priceLimitFromRao`.
 *
 *   fee = ⌊amount·rate⌋; in = amount − fee; out = convert(in), with the output capped by the
 *   limit price (then in = delta_in(p, limit) and fee = ⌊in · rate/(65535 − rate)⌋).
 * A stable subnet (mechanism ≠ 1) swaps 1:1 with no fee and no reserve checks.
 */
export function swap(pool: Pool, buy: boolean, amount: bigint, limitPrice: bigint, dropFees: boolean): SwapResult | SwapError {
  if (pool.mechanism !== 1) {
    return { amountPaidIn: amount, amountPaidOut: amount, feePaid: 0n, pool: applySwap(pool, buy, amount, amount) };
  }
  const inReserve = buy ? pool.taoReserve : pool.alphaReserve;
  const outReserve = buy ? pool.alphaReserve : pool.taoReserve;
  // ensure_swap_input_within_reserve_limit
  const fee0 = feeAmount(pool, amount, dropFees);
  const maxIn = inReserve * MAX_SWAP_INPUT_RESERVE_MULTIPLIER > U64_MAX ? U64_MAX : inReserve * MAX_SWAP_INPUT_RESERVE_MULTIPLIER;
  if (amount - fee0 > maxIn) return "SwapInputTooLarge";
  // swap_inner
  if (outReserve < MINIMUM_RESERVE) return "ReservesTooLow";
  const current = currentAlphaPrice(pool);
  if (buy ? !(current < limitPrice) : !(current > limitPrice)) return "PriceLimitExceeded";
  // BasicSwapStep::new
  let fee = fee0;
  const requested = amount - fee;
  const convert = (d: bigint) => (buy ? alphaOutForTaoIn(pool, d) : taoOutForAlphaIn(pool, d));
  const dOut = convert(requested);
  const target = buy
    ? calculatePrice(pool.quoteWeight, satSubU64(pool.alphaReserve, dOut), satAddU64(pool.taoReserve, requested))
    : calculatePrice(pool.quoteWeight, satAddU64(pool.alphaReserve, requested), satSubU64(pool.taoReserve, dOut));
  // determine_action
  let deltaIn: bigint;
  if (buy ? target <= limitPrice : target >= limitPrice) {
    deltaIn = requested;
  } else {
    deltaIn = buy
      ? quoteDeltaIn(pool.quoteWeight, current, limitPrice, pool.taoReserve)
      : baseDeltaIn(pool.quoteWeight, current, limitPrice, pool.alphaReserve);
    const rate = dropFees ? 0n : fromInt(U64F64, pool.feeRate);
    const u16max = fromInt(U64F64, 65535n);
    fee = toU64(U64F64, saturatingMul(U64F64, fromInt(U64F64, deltaIn), safeDiv(U64F64, rate, saturatingSub(U64F64, u16max, rate))));
  }
  // process_swap
  const deltaOut = convert(deltaIn);
  if (deltaIn !== 0n && deltaOut === 0n) return "ReservesTooLow";
  // do_swap: the output reserve must cover the payout
  if (outReserve < deltaOut) return "InsufficientLiquidity";
  return { amountPaidIn: deltaIn, amountPaidOut: deltaOut, feePaid: fee, pool: applySwap(pool, buy, deltaIn, deltaOut) };
}

function applySwap(pool: Pool, buy: boolean, paidIn: bigint, paidOut: bigint): Pool {
  return buy
    ? { ...pool, taoReserve: satAddU64(pool.taoReserve, paidIn), alphaReserve: satSubU64(pool.alphaReserve, paidOut) }
    : { ...pool, alphaReserve: satAddU64(pool.alphaReserve, paidIn), taoReserve: satSubU64(pool.taoReserve, paidOut) };
}

/** The pallet's price limit conversion: U64F64(rao) ÷ 10^9 (`SwapEngine::swap`). */
export function priceLimitFromRao(rao: bigint): bigint {
  return safeDiv(U64F64, fromInt(U64F64, rao), fromInt(U64F64, 1_000_000_000n));
}
