/** A rao amount (u64): a bigint, or a decimal string as in the fixture JSON. */
export type Rao = bigint | string;
/** A block number or other u64 that stays below 2^53 in practice: a number, or a bigint. */
export type U64 = number | bigint;
/** A sparse row: `[uid, value]` pairs in stored order (order and explicit zeros matter). */
export type SparseRow = Array<[number, number]>;
export type SparseMatrix = SparseRow[];

/** Hyperparameters and chain state of one subnet epoch (field names as in FORMAT.md). */
export interface EpochParams {
  n: number;
  currentBlock: U64;
  tempo: number;
  /** Activity cutoff in blocks (already derived from the factor and tempo). */
  activityCutoff: U64;
  kappa: number;
  bondsPenalty: number;
  /** Parts per million (900000 = 0.9). */
  bondsMovingAverage: U64;
  yuma3: boolean;
  liquidAlpha: boolean;
  alphaLow: number;
  alphaHigh: number;
  alphaSigmoidSteepness: number;
  maxAllowedValidators: number;
  stakeThreshold: Rao;
  ownerUid: number | null;
  lastMechanismStepBlock: U64;
  raoEmission: Rao;
  /** null: commit-reveal off; else per uid the block of its earliest active commit, or null. */
  commitBlocks: Array<U64 | null> | null;
}

/** Stored state the epoch reads. */
export interface EpochInputs {
  stake: Rao[];
  /** May be shorter than n: missing trailing uids read block 0 (the chain pads with zeros). */
  lastUpdate: U64[];
  blockAtRegistration: U64[];
  validatorPermit: boolean[];
  weights: SparseMatrix;
  bonds: SparseMatrix;
}

/** Raw I32F32 intermediates (value·2^32 as bigint). */
export interface EpochTrace {
  stake: bigint[];
  activeStake: bigint[];
  weights: Array<Array<[number, bigint]>>;
  consensus: bigint[];
  validatorTrust: bigint[];
  incentive: bigint[];
  dividends: bigint[];
  emaBonds: Array<Array<[number, bigint]>>;
}

export interface EpochOutputs {
  active: boolean[];
  stakeWeight: number[];
  consensus: number[];
  incentive: number[];
  dividends: number[];
  validatorTrust: number[];
  newValidatorPermit: boolean[];
  serverEmission: bigint[];
  validatorEmission: bigint[];
  emission: bigint[];
  bonds: SparseMatrix;
  trace?: EpochTrace;
}

export interface EpochOptions {
  /** Also return the raw fixed-point intermediates. */
  trace?: boolean;
  /**
   * Weight/bond entries whose uid is ≥ n: `"error"` (default) refuses them; `"ignore"` treats
   * them as the chain and the fixture format do (weights dropped, bonds without effect).
   */
  outOfRangeUids?: "error" | "ignore";
}

/** One epoch of a trajectory: overrides that apply from this epoch on. */
export interface TrajectoryEpoch {
  currentBlock: U64;
  lastMechanismStepBlock?: U64;
  raoEmission?: Rao;
  stake?: Rao[];
  lastUpdate?: U64[];
  blockAtRegistration?: U64[];
  weights?: SparseMatrix;
  commitBlocks?: Array<U64 | null> | null;
}

export interface Trajectory {
  params: EpochParams;
  inputs: EpochInputs;
  epochs: TrajectoryEpoch[];
}
