// Block emission and the coinbase split, as subtensor coinbase/block_emission.rs and
// run_coinbase.rs compute them in I96F32 / U96F32 (96 integer bits, 32 fraction bits).

import { divlu, hi128, lo128, udiv128, umul128 } from "./fixed";

const TOTAL_SUPPLY: u64 = 21_000_000_000_000_000;
const DEFAULT_BLOCK_EMISSION: u64 = 1_000_000_000;
/** SubnetOwnerCut default (11796 / 65535 ≈ 18 %). */
export const SUBNET_OWNER_CUT: u64 = 11796;

/**
 * `get_block_emission_for_issuance(issuance)`:
 *   residual = log2(1 / (1 − issuance / (2 · 10.5e15)))   (I96F32, substrate-fixed log2)
 *   emission = ⌊1e9 / 2^⌊residual⌋⌋, and 0 at or above the total supply.
 * Only the integer part of the crate's log2 matters: it is the number of rounding halvings
 * (`rs`: x/2 rounded half up on the raw bits) until x < 2.
 */
export function blockEmission(issuance: u64): u64 {
  if (issuance >= TOTAL_SUPPLY) return 0;
  // ratio = issuance / 21e15 as I96F32: ⌊issuance·2^32 / 21e15⌋ raw (< 2^32 here).
  udiv128(issuance >> 32, issuance << 32, TOTAL_SUPPLY);
  const ratio = lo128;
  // d = 1 − ratio (raw, ≥ 1); r = 1 / d = ⌊2^64 / d⌋ raw.
  const d: u64 = ((<u64>1) << 32) - ratio;
  let rHi: u64, rLo: u64;
  if (d == 1) {
    rHi = 1;
    rLo = 0;
  } else {
    rHi = 0;
    rLo = divlu(1, 0, d); // 2^64 / d with d > 1 fits in 64 bits
  }
  // log2_inner: count x >= 2 halvings with x = (x >> 1) + (x & 1) on the raw bits.
  let count: u64 = 0;
  const two: u64 = (<u64>2) << 32;
  while (rHi != 0 || rLo >= two) {
    const carry = rLo & 1;
    rLo = (rLo >> 1) | (rHi << 63);
    rHi = rHi >> 1;
    // + lsb, with carry into the high word
    const sum = rLo + carry;
    if (sum < rLo) rHi += 1;
    rLo = sum;
    count++;
  }
  // multiplier = 2^count (saturating in I96F32, irrelevant below 2^95); 1 / multiplier raw =
  // ⌊2^32 / 2^count⌋; times 1e9 and back to u64: ⌊pct_raw · 1e9 / 2^32⌋.
  if (count > 32) return 0;
  const pctRaw: u64 = (<u64>1 << 32) >> count;
  umul128(pctRaw, DEFAULT_BLOCK_EMISSION);
  return (hi128 << 32) | (lo128 >> 32);
}

/**
 * Owner cut of a subnet's block emission: `alpha_out.saturating_mul(cut)` truncated to u64,
 * with cut = U96F32(cutU16) / 65535 = ⌊cutU16·2^32 / 65535⌋ raw.
 */
export function ownerCut(amount: u64, cutU16: u64): u64 {
  const cut: u64 = (cutU16 << 32) / 65535;
  umul128(amount, cut);
  return (hi128 << 32) | (lo128 >> 32);
}
