// Fixture-shaped JSON for outputs: rao as decimal strings, everything else as numbers.

import type { EpochOutputs, EpochTrace } from "./types.js";

/** {@link EpochTrace} as JSON: every I32F32 bit pattern (value·2^32) as a number (exact below 2^53). */
export interface EpochTraceJson {
  /** Normalised, threshold-filtered stake per uid. */
  stake: number[];
  /** Stake after removing inactive and non-permitted uids, renormalised. */
  activeStake: number[];
  /** Weights after all masks and row normalisation, sparse rows of `[uid, bits]`. */
  weights: Array<Array<[number, number]>>;
  /** Stake-weighted median weight per column, before the u16 conversion. */
  consensus: number[];
  /** Validator trust per uid, before the u16 conversion. */
  validatorTrust: number[];
  /** Incentive per uid, before the u16 conversion. */
  incentive: number[];
  /** Dividends per uid, before the u16 conversion. */
  dividends: number[];
  /** The new bond matrix before the u16 conversion, sparse rows of `[uid, bits]`. */
  emaBonds: Array<Array<[number, number]>>;
}

/**
 * {@link EpochOutputs} in the fixture's `expected` shape (test/fixtures/FORMAT.md): rao amounts
 * as decimal strings, everything else as in EpochOutputs. Every array has n entries.
 */
export interface EpochOutputsJson
  extends Pick<EpochOutputs, "active" | "stakeWeight" | "consensus" | "incentive" | "dividends" | "validatorTrust" | "newValidatorPermit"> {
  /** Rao emitted to each uid as a miner, decimal strings. */
  serverEmission: string[];
  /** Rao emitted to each uid as a validator, decimal strings. */
  validatorEmission: string[];
  /** Combined emission per uid in rao (Emission storage), decimal strings. */
  emission: string[];
  /** The Bonds rows this epoch writes, exactly as stored: rows of `[uid, u16]`. */
  bonds: Array<Array<[number, number]>>;
  /** Only when the outputs carry a trace (`{ trace: true }`). */
  trace?: EpochTraceJson;
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
    const sp = (m: Array<Array<[number, bigint]>>) => m.map((r) => r.map(([c, v]): [number, number] => [c, num(v)]));
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
