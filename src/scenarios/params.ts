// Hyperparameters used for scenario runs: the peer's chart-table defaults per version, then the
// scenario's own overrides (e.g. winner-takes-all), then the user's.

import type { ResearchParams } from "../research/types.js";
import type { ScenarioParamOverrides, ScenarioVersion } from "./types.js";

/** The full parameter set a scenario run uses: exactly the research kernels' parameters. */
export type ScenarioParams = ResearchParams;

const COMMON: ScenarioParams = {
  kappa: 0.5,
  bondPenalty: 1,
  bondMovingAverage: 0.1,
  liquidAlpha: false,
  alphaLow: 0.1,
  alphaHigh: 0.3,
  alphaSigmoidSteepness: 10,
  decayRate: 0.1,
  capacityAlpha: 0.1,
  winnerTakesAll: false,
  liquidAlphaConsensusMode: "mixed",
  validatorEmissionRatio: 0.41,
  totalEpochEmission: 100,
  totalSubnetStake: 1_000_000,
};

/**
 * Per-version defaults, as in the peer's published chart tables: Yuma 1 without bond EMA
 * memory (moving average 0), Yuma 2/2B/2C with moving average 0.1, Yuma 3 with 0.975 (liquid
 * alpha on for YUMA3_LIQUID), bond penalty 1 (the chain default), kappa 0.5, liquid-alpha
 * consensus mode "mixed".
 */
export function versionDefaults(version: ScenarioVersion): ScenarioParams {
  switch (version) {
    case "YUMA1":
      return { ...COMMON, bondMovingAverage: 0 };
    case "YUMA2":
    case "YUMA2B":
    case "YUMA2C":
      return { ...COMMON };
    case "YUMA3":
      return { ...COMMON, bondMovingAverage: 0.975 };
    case "YUMA3_LIQUID":
      return { ...COMMON, bondMovingAverage: 0.975, liquidAlpha: true };
  }
}

export function resolveParams(
  version: ScenarioVersion,
  scenario: ScenarioParamOverrides | undefined,
  user: ScenarioParamOverrides | undefined,
): ScenarioParams {
  const p: ScenarioParams = { ...versionDefaults(version), ...(scenario ?? {}), ...(user ?? {}) };
  // The liquid variant is defined by liquid alpha; the plain versions never use it.
  p.liquidAlpha = version === "YUMA3_LIQUID";
  return p;
}
