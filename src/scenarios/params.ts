// Hyperparameters used for scenario runs: the peer's chart-table defaults per version, then the
// scenario's own overrides (e.g. winner-takes-all), then the user's.

import type { ResearchParams } from "../research/types.js";
import { DEFAULT_RESEARCH_PARAMS, checkParamOverrides } from "../research/validate.js";
import type { ScenarioParamOverrides, ScenarioVersion } from "./types.js";

/** The full parameter set a scenario run uses: exactly the research kernels' parameters. */
export type ScenarioParams = ResearchParams;

// The research defaults (the peer's dataclasses), with the consensus mode of the peer's chart tables.
const COMMON: ScenarioParams = { ...DEFAULT_RESEARCH_PARAMS, liquidAlphaConsensusMode: "mixed" };

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

/** The parameters of one run: version defaults, then the scenario's, then the user's (checked). */
export function resolveParams(
  version: ScenarioVersion,
  scenario: ScenarioParamOverrides | undefined,
  user: ScenarioParamOverrides | undefined,
  field = "params",
): ScenarioParams {
  const p: ScenarioParams = { ...versionDefaults(version), ...(scenario ?? {}), ...checkParamOverrides(user, field) };
  // The liquid variant is defined by liquid alpha; the plain versions never use it.
  p.liquidAlpha = version === "YUMA3_LIQUID";
  return p;
}
