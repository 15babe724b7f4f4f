// Test-only oracle of subnets/mechanism.rs @14bc6f9f9 on BigInt: `split_emissions`, the
// mechanism weight of `epoch_with_mechanisms`, `weighted_acc_u16` / `weighted_acc_alpha` and
// the fold over the mechanisms' epoch terms (JSON outputs of the reference epoch).
import { U64F64, U64_MAX, checkedDiv, fromInt, saturatingAdd, saturatingMul, toU64 } from "./fixed.js";

export function splitEmissions(alpha: bigint, count: number, split: number[] | null): bigint[] {
  let r = split ? split.map((s) => (alpha * BigInt(s)) / 65535n) : Array.from({ length: count }, () => alpha / BigInt(count));
  r = r.slice(0, count);
  while (r.length < count) r.push(0n);
  const sum = r.reduce((a, b) => a + b, 0n);
  const err = alpha > sum ? alpha - sum : 0n;
  r[0] = r[0]! + err > U64_MAX ? U64_MAX : r[0]! + err;
  return r;
}

/** U64F64(sub).safe_div_or(U64F64(rao), 1 for mechanism 0 else 0). */
export function mechanismWeight(sub: bigint, rao: bigint, k: number): bigint {
  return checkedDiv(U64F64, fromInt(U64F64, sub), fromInt(U64F64, rao)) ?? fromInt(U64F64, k === 0 ? 1n : 0n);
}

export function weightedAccU16(existing: number, added: number, w: bigint): number {
  const v = toU64(U64F64, saturatingAdd(U64F64, fromInt(U64F64, BigInt(existing)), saturatingMul(U64F64, fromInt(U64F64, BigInt(added)), w)));
  return Number(v > 65535n ? 65535n : v);
}

export function weightedAccAlpha(existing: bigint, added: bigint, w: bigint): bigint {
  return toU64(U64F64, saturatingAdd(U64F64, fromInt(U64F64, existing), saturatingMul(U64F64, fromInt(U64F64, added), w)));
}

type Out = { active: boolean[]; stakeWeight: number[]; consensus: number[]; incentive: number[]; dividends: number[]; validatorTrust: number[]; newValidatorPermit: boolean[]; serverEmission: string[]; validatorEmission: string[]; emission: string[] };

/** The fold: the first mechanism inserts (every term weighted), later ones modify (incentive untouched). */
export function aggregate(rao: bigint, amounts: bigint[], outs: Out[]): Record<string, unknown> {
  const n = outs[0]!.active.length;
  const res: Record<string, unknown[]> = {
    active: [], stakeWeight: [], consensus: [], incentive: [], dividends: [], validatorTrust: [], newValidatorPermit: [],
    serverEmission: [], validatorEmission: [], emission: [],
  };
  for (let u = 0; u < n; u++) {
    let t: any;
    outs.forEach((o, k) => {
      const w = mechanismWeight(amounts[k]!, rao, k);
      if (k === 0) {
        t = {
          active: o.active[u], stakeWeight: weightedAccU16(0, o.stakeWeight[u]!, w), consensus: weightedAccU16(0, o.consensus[u]!, w),
          incentive: weightedAccU16(0, o.incentive[u]!, w), dividends: weightedAccU16(0, o.dividends[u]!, w),
          validatorTrust: weightedAccU16(0, o.validatorTrust[u]!, w), newValidatorPermit: o.newValidatorPermit[u],
          serverEmission: BigInt(o.serverEmission[u]!), validatorEmission: BigInt(o.validatorEmission[u]!),
          emission: weightedAccAlpha(0n, BigInt(o.emission[u]!), w),
        };
        return;
      }
      const sat = (a: bigint, b: bigint) => (a + b > U64_MAX ? U64_MAX : a + b);
      t.validatorEmission = sat(t.validatorEmission, BigInt(o.validatorEmission[u]!));
      t.serverEmission = sat(t.serverEmission, BigInt(o.serverEmission[u]!));
      t.dividends = weightedAccU16(t.dividends, o.dividends[u]!, w);
      t.stakeWeight = weightedAccU16(t.stakeWeight, o.stakeWeight[u]!, w);
      t.active = t.active || o.active[u];
      t.emission = weightedAccAlpha(t.emission, BigInt(o.emission[u]!), w);
      t.consensus = weightedAccU16(t.consensus, o.consensus[u]!, w);
      t.validatorTrust = weightedAccU16(t.validatorTrust, o.validatorTrust[u]!, w);
      t.newValidatorPermit = t.newValidatorPermit || o.newValidatorPermit[u];
    });
    for (const key of Object.keys(res)) res[key]!.push(typeof t[key] === "bigint" ? t[key].toString() : t[key]);
  }
  return res;
}
