// The market: stake and unstake swaps through the subnet pools between blocks, so prices —
// and with them the emission shares — move as on chain. Seeded policies (yield-seeking
// stakers, noise traders) and a user hook. Policies decide in floating point (they model
// behaviour, not chain arithmetic); every amount they produce is a whole number of rao that
// the WASM pool then swaps exactly.

import { YumaInputError } from "../errors.js";
import { key, Rng } from "../network/prng.js";
import type { ResolvedMarket } from "./config.js";

/** What a policy or a hook sees of one subnet at a block (floats, for decisions only). */
export interface MarketSubnetView {
  netuid: number;
  /** Spot price, TAO per alpha. */
  price: number;
  emaPrice: number;
  /** Emission share of the last block (0..1). */
  share: number;
  /** TAO in the pool. */
  poolTao: number;
  /** Alpha outstanding. */
  alphaOut: number;
  /** Alpha the market's stakers hold (what they can unstake). */
  marketAlpha: number;
}

/** One order: stake `tao` rao into a subnet (buy alpha), or unstake `alpha` rao (sell). */
export type Order = { index: number; buy: true; amount: bigint } | { index: number; buy: false; amount: bigint; inTao: boolean };

/**
 * The user hook: per subnet (config order) the TAO to stake (positive) or the TAO value to
 * unstake at the spot price (negative), in rao as bigint, integer number or decimal string;
 * undefined or 0 for no trade. Called once per block on the calling thread, after the
 * block's coinbase and epochs.
 */
export type FlowsHook = (block: number, subnets: readonly MarketSubnetView[]) => ReadonlyArray<bigint | number | string | undefined> | undefined;

const STREAM_MARKET = 12;
const RAO = 1e9;

/** Orders of the seeded policies at `block` (only on market rounds). */
export function policyOrders(m: ResolvedMarket, seed: number, block: number, view: readonly MarketSubnetView[]): Order[] {
  if (!m.enabled || block % m.interval !== 0 || view.length === 0) return [];
  const orders: Order[] = [];
  // Yield seekers: emission per TAO of staked value; move from the worst to the best subnet.
  const yieldStake = BigInt(m.yieldStake);
  if (yieldStake > 0n && view.length > 1) {
    let best = -1, worst = -1, bestY = -Infinity, worstY = Infinity;
    view.forEach((s, i) => {
      const value = s.alphaOut * s.price;
      if (value <= 0) return;
      const y = s.share / value;
      if (y > bestY) { bestY = y; best = i; }
      if (s.marketAlpha > 0 && y < worstY) { worstY = y; worst = i; }
    });
    if (best >= 0 && worst >= 0 && best !== worst) {
      orders.push({ index: worst, buy: false, amount: yieldStake, inTao: true });
      orders.push({ index: best, buy: true, amount: yieldStake });
    }
  }
  // Noise traders: random subnet, random side, exponential size around the mean.
  const mean = Number(BigInt(m.noiseStake)) / RAO;
  if (mean > 0) {
    const rng = new Rng(key(seed, 0, 0, block, STREAM_MARKET));
    for (let t = 0; t < m.noiseTrades; t++) {
      const index = Math.min(view.length - 1, Math.floor(rng.next() * view.length));
      const buy = rng.next() < 0.5;
      const tao = BigInt(Math.floor(-Math.log(1 - rng.next()) * mean * RAO));
      if (tao > 0n) orders.push(buy ? { index, buy, amount: tao } : { index, buy: false, amount: tao, inTao: true });
    }
  }
  return orders;
}

/** Orders from the user hook's answer, every entry checked. */
export function hookOrders(answer: unknown, n: number, block: number): Order[] {
  if (answer === undefined) return [];
  const field = `flows(${block})`;
  if (!Array.isArray(answer) || answer.length !== n) throw new YumaInputError(field, `must be an array of ${n} TAO amounts (one per subnet) or undefined`);
  const orders: Order[] = [];
  answer.forEach((v, i) => {
    if (v === undefined || v === 0 || v === "0" || v === 0n) return;
    let x: bigint;
    if (typeof v === "bigint") x = v;
    else if (typeof v === "number" && Number.isSafeInteger(v)) x = BigInt(v);
    else if (typeof v === "string" && /^-?\d{1,20}$/.test(v)) x = BigInt(v);
    else throw new YumaInputError(`${field}[${i}]`, `must be a whole number of rao (bigint, safe integer or decimal string), got ${String(v)}`);
    const abs = x < 0n ? -x : x;
    if (abs >= 1n << 62n) throw new YumaInputError(`${field}[${i}]`, "must be below 2^62 rao in absolute value");
    orders.push(x > 0n ? { index: i, buy: true, amount: x } : { index: i, buy: false, amount: abs, inTao: true });
  });
  return orders;
}
