// Metrics of a scenario run, shared by the research and the exact engine: dividends per
// 1000 TAO, relative dividends (Dn − Sn) and the peer's "Total=" with % difference vs the base
// validator.

import type { ScenarioParams } from "./params.js";
import type { ScenarioEpoch, ScenarioSpec, ScenarioVersion } from "./types.js";

export interface EpochMetrics {
  /** Per server, in [0, 1]. */
  consensus: number[];
  /** Per server, in [0, 1]. */
  incentive: number[];
  /** Validators × servers. */
  bonds: number[][];
  /** Normalized dividends per validator (sum 1 when anything is paid). */
  dividends: number[];
  dividendsPer1000Tao: number[];
  /** Dn − Sn: normalized dividends minus normalized stake. */
  relativeDividends: number[];
}

export interface ValidatorTotal {
  validator: string;
  /** Sum over epochs of the dividends per 1000 TAO (the peer's "Total="). */
  total: number;
  /** (total − base) / base · 100; 0 for the base itself; null if the base total is 0. */
  diffVsBasePct: number | null;
  isBase: boolean;
}

export interface VersionResult {
  version: ScenarioVersion;
  label: string;
  engine: "research" | "exact";
  params: ScenarioParams;
  epochs: EpochMetrics[];
  totals: ValidatorTotal[];
}

export interface ScenarioInfo {
  name: string;
  title: string;
  description: string;
  group: "classic" | "chain";
  validators: string[];
  servers: string[];
  baseValidator: string;
  numEpochs: number;
}

export interface ScenarioResult {
  format: "yuma-scenario-run/1";
  scenario: ScenarioInfo;
  engine: "research" | "exact";
  /**
   * "exact": the chain engine; "chain-like": research kernels in float64 chain semantics;
   * "peer": research kernels reproducing the peer simulator (peerCompat).
   */
  semantics: "exact" | "chain-like" | "peer";
  /** Whether the scenario's bond resets were applied (both engines; false with --no-bond-reset). */
  bondResets: boolean;
  /** Caveats of this run (e.g. features an engine cannot express). */
  notes: string[];
  versions: VersionResult[];
}

export function scenarioInfo(s: ScenarioSpec): ScenarioInfo {
  return {
    name: s.name,
    title: s.title,
    description: s.description,
    group: s.group,
    validators: s.validators.slice(),
    servers: s.servers.slice(),
    baseValidator: s.validators[s.base]!,
    numEpochs: s.numEpochs,
  };
}

export function normalizedStake(S: number[]): number[] {
  const t = S.reduce((a, b) => a + b, 0);
  return t > 0 ? S.map((x) => x / t) : S.map(() => 0);
}

/**
 * Dividends per 1000 TAO of stake per epoch, as the peer defines it: the validator's share of
 * the validator emission (ratio × epoch emission × Dn) divided by its stake in units of
 * 1000 TAO (Sn × total subnet stake / 1000); 0 for a validator with (almost) no stake.
 */
export function dividendsPer1000Tao(D: number[], S: number[], p: ScenarioParams): number[] {
  const Sn = normalizedStake(S);
  return D.map((d, i) => {
    const units = (Sn[i]! * p.totalSubnetStake) / 1000;
    return units > 1e-6 ? (p.validatorEmissionRatio * d * p.totalEpochEmission) / units : 0;
  });
}

export function relativeDividends(D: number[], S: number[]): number[] {
  const Sn = normalizedStake(S);
  return D.map((d, i) => d - Sn[i]!);
}

/** Totals over all epochs and % differences vs the base validator. */
export function computeTotals(validators: string[], base: number, epochs: EpochMetrics[]): ValidatorTotal[] {
  const totals = validators.map((_, i) => epochs.reduce((acc, e) => acc + (e.dividendsPer1000Tao[i] ?? 0), 0));
  const b = totals[base]!;
  return validators.map((validator, i) => ({
    validator,
    total: totals[i]!,
    diffVsBasePct: i === base ? 0 : b === 0 ? null : ((totals[i]! - b) / b) * 100,
    isBase: i === base,
  }));
}

/** Build the full metrics of one epoch from raw outputs. */
export function epochMetrics(
  raw: { consensus: number[]; incentive: number[]; bonds: number[][]; dividends: number[]; dividendsPer1000Tao?: number[] },
  input: ScenarioEpoch,
  p: ScenarioParams,
): EpochMetrics {
  return {
    consensus: raw.consensus.slice(),
    incentive: raw.incentive.slice(),
    bonds: raw.bonds.map((r) => r.slice()),
    dividends: raw.dividends.slice(),
    dividendsPer1000Tao: raw.dividendsPer1000Tao ? raw.dividendsPer1000Tao.slice() : dividendsPer1000Tao(raw.dividends, input.S, p),
    relativeDividends: relativeDividends(raw.dividends, input.S),
  };
}
