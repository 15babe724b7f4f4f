// Fixture-shaped JSON for outputs: rao as decimal strings, everything else as numbers.

import type { EpochOutputs } from "./types.js";

export interface EpochOutputsJson {
  active: boolean[];
  stakeWeight: number[];
  consensus: number[];
  incentive: number[];
  dividends: number[];
  validatorTrust: number[];
  newValidatorPermit: boolean[];
  serverEmission: string[];
  validatorEmission: string[];
  emission: string[];
  bonds: Array<Array<[number, number]>>;
  trace?: Record<string, unknown>;
}

const str = (xs: bigint[]) => xs.map((x) => x.toString());
const num = (x: bigint) => Number(x); // raw I32F32 bits: |x| < 2^63; exact below 2^53 (as in the fixtures)

/** The exact key set and order of a fixture's `expected` (plus `trace` when asked). */
export function outputsToJson(o: EpochOutputs): EpochOutputsJson {
  const j: EpochOutputsJson = {
    active: o.active,
    stakeWeight: o.stakeWeight,
    consensus: o.consensus,
    incentive: o.incentive,
    dividends: o.dividends,
    validatorTrust: o.validatorTrust,
    newValidatorPermit: o.newValidatorPermit,
    serverEmission: str(o.serverEmission),
    validatorEmission: str(o.validatorEmission),
    emission: str(o.emission),
    bonds: o.bonds,
  };
  if (o.trace) {
    const t = o.trace;
    const sp = (m: Array<Array<[number, bigint]>>) => m.map((r) => r.map(([c, v]) => [c, num(v)]));
    j.trace = {
      stake: t.stake.map(num),
      activeStake: t.activeStake.map(num),
      weights: sp(t.weights),
      consensus: t.consensus.map(num),
      validatorTrust: t.validatorTrust.map(num),
      incentive: t.incentive.map(num),
      dividends: t.dividends.map(num),
      emaBonds: sp(t.emaBonds),
    };
  }
  return j;
}
