// Several incentive mechanisms per subnet (subtensor @14bc6f9f9 `subnets/mechanism.rs`): the
// split of a subnet's emission between its mechanisms and the weighted accumulation that
// aggregates their epoch terms per uid. docs/mechanisms.md; oracle test/reference/mechanism.ts.

import { addSat, divShl, mulShr, toU64, wHi, wLo } from "./wide";

/**
 * `split_emissions`: with a split (u16s summing to 65535), ⌊alpha·s_k / 65535⌋ in u128; without,
 * ⌊alpha / count⌋ each; a split shorter than the count is padded with 0; the rounding remainder
 * goes to mechanism 0. splitPtr: u16[splitLen] (splitLen 0 = even); out: u64[count].
 */
export function splitEmissions(alpha: u64, count: i32, splitPtr: usize, splitLen: i32, out: usize): void {
  let given: u64 = 0;
  for (let k = 0; k < count; k++) {
    let v: u64 = 0;
    if (splitLen == 0) v = alpha / <u64>count;
    else if (k < splitLen) {
      mulShr(0, alpha, 0, <u64>load<u16>(splitPtr + (<usize>k << 1)), 0);
      divShl(wHi, wLo, 0, 65535, 0);
      v = wLo;
    }
    store<u64>(out + (<usize>k << 3), v);
    given += v;
  }
  const rest = alpha > given ? alpha - given : 0;
  const first = load<u64>(out);
  const s = first + rest;
  store<u64>(out, s < first ? 0xffff_ffff_ffff_ffff : s);
}

/** A mechanism's weight: U64F64(sub) / U64F64(rao), or (rao = 0) 1 for mechanism 0, else 0. */
export let weightHi: u64 = 0;
export let weightLo: u64 = 0;
export function mechanismWeight(sub: u64, rao: u64, first: bool): void {
  if (divShl(0, sub, 0, rao, 64)) {
    weightHi = wHi;
    weightLo = wLo;
  } else {
    weightHi = first ? 1 : 0;
    weightLo = 0;
  }
}

/** `weighted_acc_u16`: U64F64(existing) + U64F64(added)·w, to u16 (floor, saturating). */
export function weightedAccU16(existing: u32, added: u32, wgtHi: u64, wgtLo: u64): u32 {
  mulShr(<u64>added, 0, wgtHi, wgtLo, 64);
  addSat(<u64>existing, 0, wHi, wLo);
  const v = toU64(wHi, wLo, 64);
  return v > 65535 ? 65535 : <u32>v;
}

/** `weighted_acc_alpha`: the same in u64. */
export function weightedAccAlpha(existing: u64, added: u64, wgtHi: u64, wgtLo: u64): u64 {
  mulShr(added, 0, wgtHi, wgtLo, 64);
  addSat(existing, 0, wHi, wLo);
  return toU64(wHi, wLo, 64);
}

/** `weightedAccU16` over n uids in place: existing[i] = acc(existing[i], added[i]) (u32 arrays). */
export function weightedAccU16Batch(existing: usize, added: usize, n: i32, wgtHi: u64, wgtLo: u64): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    store<u32>(existing + o, weightedAccU16(load<u32>(existing + o), load<u32>(added + o), wgtHi, wgtLo));
  }
}

/** `weightedAccAlpha` over n uids in place (u64 arrays). */
export function weightedAccAlphaBatch(existing: usize, added: usize, n: i32, wgtHi: u64, wgtLo: u64): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    store<u64>(existing + o, weightedAccAlpha(load<u64>(existing + o), load<u64>(added + o), wgtHi, wgtLo));
  }
}
