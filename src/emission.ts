// Block emission (subtensor `get_block_emission_for_issuance`) and the owner cut of the
// coinbase, computed by the WASM module.

import { requireRao } from "./validate.js";
import { engine, type YumaExports } from "./wasm.js";

/** Total supply in rao (21M TAO). */
export const TOTAL_SUPPLY = 21_000_000_000_000_000n;
/** SubnetOwnerCut default: 11796 / 65535 ≈ 18 %. */
export const SUBNET_OWNER_CUT = 11796;

const u64 = (x: bigint) => BigInt.asUintN(64, x);

/** Rao minted by one block at total issuance `issuance` (1e9 rao halved at each 21M·(1−2^−k)). */
export function blockEmission(issuance: bigint | string, wasm: YumaExports = engine()): bigint {
  const i = requireRao(issuance, "issuance");
  return u64(wasm.blockEmission(i));
}

/** The subnet owner's cut of `amount` rao at `cut`/65535 (U96F32, truncated), as the coinbase takes it. */
export function ownerCut(amount: bigint | string, cut: number = SUBNET_OWNER_CUT, wasm: YumaExports = engine()): bigint {
  const a = requireRao(amount, "amount");
  return u64(wasm.ownerCut(a, BigInt(cut)));
}
