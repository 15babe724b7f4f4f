// Scenario data format (our own): who validates, who serves, and what every validator
// weights and stakes in every epoch — enough to drive both the float64 research kernels and the
// exact chain engine.

export const YUMA_VERSIONS = ["YUMA1", "YUMA2", "YUMA2B", "YUMA2C", "YUMA3", "YUMA3_LIQUID"] as const;
export type ScenarioVersion = (typeof YUMA_VERSIONS)[number];

/** Versions the exact (chain) engine implements. */
export const EXACT_VERSIONS: readonly ScenarioVersion[] = ["YUMA2", "YUMA3", "YUMA3_LIQUID"];

/** Human names the peer simulator prints for each version. */
export const VERSION_LABELS: Record<ScenarioVersion, string> = {
  YUMA1: "Yuma 1",
  YUMA2: "Yuma 2 (subtensor)",
  YUMA2B: "Yuma 2B (Adrian-Fish)",
  YUMA2C: "Yuma 2C (Rhef+reset)",
  YUMA3: "Yuma 3 (Rhef+relative bonds)",
  YUMA3_LIQUID: "Yuma 3 (Rhef+relative bonds) - liquid alpha on",
};

/** One step of a piecewise-constant schedule: `value` holds from epoch `from` until the next step. */
export interface Step<T> {
  from: number;
  value: T;
}

/** Research-kernel hyperparameters a scenario may override (names as in ResearchParams). */
export interface ScenarioParamOverrides {
  kappa?: number;
  bondPenalty?: number;
  bondMovingAverage?: number;
  liquidAlpha?: boolean;
  alphaLow?: number;
  alphaHigh?: number;
  alphaSigmoidSteepness?: number;
  decayRate?: number;
  capacityAlpha?: number;
  winnerTakesAll?: boolean;
  liquidAlphaConsensusMode?: "current" | "previous" | "mixed";
  validatorEmissionRatio?: number;
  totalEpochEmission?: number;
  totalSubnetStake?: number;
}

/**
 * A bond reset: at epoch `epoch` every validator's bond on server `server` is set to zero
 * before the epoch runs (the server's uid was re-registered). `versions`: the versions it
 * applies to (the classic cases reset only for YUMA2C/YUMA3/YUMA3_LIQUID, as the peer does);
 * omitted = every version.
 */
export interface BondReset {
  epoch: number;
  server: number;
  versions?: ScenarioVersion[];
}

/** Chain details used only by the exact-engine conversion (blocks, commit-reveal). */
export interface ChainDetails {
  /** Commit-reveal: weights are revealed `delay` epochs after they are committed. */
  commitReveal?: { delay: number };
  /**
   * Per epoch and validator: the epoch whose block the validator last set (revealed) its
   * weights in; default: the current epoch. `null`: never set weights yet.
   */
  lastSet?: (epoch: number) => Array<number | null>;
  /** Validators that join (register) at an epoch; before it they have no stake and no weights. */
  joins?: Array<{ validator: number; epoch: number }>;
}

export interface ScenarioSpec {
  /** CLI name, e.g. "case1" or "copier". */
  name: string;
  /** Display title, e.g. "Case 1 - kappa moves first". */
  title: string;
  /** One line for `yuma scenarios`. */
  description: string;
  group: "classic" | "chain";
  validators: string[];
  servers: string[];
  /** Index of the base validator (the % differences are relative to it). */
  base: number;
  numEpochs: number;
  /** Weight rows (validators × servers, any non-negative scale; each row is normalized). */
  weights: Array<Step<number[][]>> | ((numEpochs: number) => number[][][]);
  /** Stake per validator (any positive scale; normalized by the kernels). */
  stakes: Array<Step<number[]>> | ((numEpochs: number) => number[][]);
  resetBonds?: BondReset[];
  params?: ScenarioParamOverrides;
  chain?: ChainDetails;
}

/** The scenario expanded epoch by epoch. */
export interface ScenarioEpoch {
  W: number[][];
  S: number[];
}
