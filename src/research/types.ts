// Research mode: float epoch kernels for the Yuma variants (see docs in src/research/index.ts).

export type YumaVersion = "YUMA1" | "YUMA2" | "YUMA2B" | "YUMA2C" | "YUMA3" | "YUMA3_LIQUID";

export interface ResearchParams {
  kappa: number;
  bondPenalty: number;
  bondMovingAverage: number;
  liquidAlpha: boolean;
  alphaLow: number;
  alphaHigh: number;
  alphaSigmoidSteepness: number;
  decayRate: number;
  capacityAlpha: number;
  winnerTakesAll: boolean;
  liquidAlphaConsensusMode: "current" | "previous" | "mixed";
  validatorEmissionRatio: number;
  totalEpochEmission: number;
  totalSubnetStake: number;
}

export interface ResearchEpochInput {
  /** V rows of N weights: arrays, or typed arrays (Float64Array, Float32Array…). */
  W: ReadonlyArray<ArrayLike<number>>;
  S: ArrayLike<number>;
  /**
   * Bond resets at this epoch: server indices (0 ≤ j < N, no duplicates) whose bond every
   * validator loses before the epoch's bond update. Chain-like: every version (subtensor's
   * `do_reset_bonds`). Peer-compatible: YUMA2C, YUMA3 and YUMA3_LIQUID from the second epoch
   * on, as yuma-simulation applies a case's `reset_bonds_index` (other versions ignore it).
   */
  resetBonds?: number[];
}

export interface ResearchInput {
  format: "yuma-research-input/1";
  version: YumaVersion;
  peerCompat?: boolean;
  params?: Partial<ResearchParams>;
  epochs: ResearchEpochInput[];
}

export interface ResearchEpochOutput {
  consensus: number[];
  incentive: number[];
  bonds: number[][];
  dividends: number[];
  dividendsPer1000Tao: number[];
}

export interface ResearchOutput {
  epochs: ResearchEpochOutput[];
}

/**
 * Extension (not part of the input file format): how the peer-compatible kernels model the
 * reference's floating point. Defaults reproduce yuma-simulation as it runs out of the box.
 */
export interface ResearchOptions {
  /**
   * Element type of the reference's tensors: "float32" (default; torch's default dtype, which
   * every tensor of yuma-simulation 0.1.1 has) or "float64" (the same program on float64
   * tensors). Ignored by the chain-like kernels, which always compute in float64.
   */
  peerFloat?: "float32" | "float64";
  /**
   * SIMD width, in bits, of the torch build whose summation order is reproduced: 256 (default;
   * x86 AVX2, and arm64) or 512 (x86 AVX-512).
   */
  peerVectorBits?: 256 | 512;
}
