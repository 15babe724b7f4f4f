/**
 * A rao amount (u64) on input: a bigint, or a decimal string as in the fixture JSON (a safe-integer
 * number is accepted too, but amounts past 2^53 need a bigint or string). Outputs are bigints.
 */
export type Rao = bigint | string | number;
/**
 * A block number or other u64: a safe-integer number, a bigint, or a decimal string (digits only,
 * no sign or leading zeros).
 */
export type U64 = number | bigint | string;
/** A sparse row: `[uid, value]` pairs in stored order (order and explicit zeros matter). */
export type SparseRow = Array<[number, number]>;
export type SparseMatrix = SparseRow[];

/** Hyperparameters and chain state of one subnet epoch (field names as in FORMAT.md). */
export interface EpochParams {
  /** Number of uids (SubnetworkN), 0..65535. Every per-uid array has this length. */
  n: number;
  /** Block at which the epoch runs. */
  currentBlock: U64;
  /** Tempo (u16). */
  tempo: number;
  /** Activity cutoff in blocks (already derived from the factor and tempo). */
  activityCutoff: U64;
  /** Kappa, a u16 proportion (32767 ≈ 0.5): the consensus majority. */
  kappa: number;
  /** BondsPenalty, a u16 proportion (65535 = 1). */
  bondsPenalty: number;
  /** Parts per million (900000 = 0.9). */
  bondsMovingAverage: U64;
  /** Yuma 3 (bonds in the new form) instead of Yuma 2. */
  yuma3: boolean;
  /** Liquid alpha: per-entry bond EMA alpha from a sigmoid of the distance to consensus. */
  liquidAlpha: boolean;
  /** Liquid alpha lower bound, a u16 proportion; `alphaLow ≤ alphaHigh`. */
  alphaLow: number;
  /** Liquid alpha upper bound, a u16 proportion. */
  alphaHigh: number;
  /** Liquid alpha sigmoid steepness (i16). */
  alphaSigmoidSteepness: number;
  /** MaxAllowedValidators: how many uids can hold a validator permit (u16). */
  maxAllowedValidators: number;
  /** StakeThreshold in rao: stake below it counts as zero. */
  stakeThreshold: Rao;
  /** The subnet owner's uid (keeps its permit, takes no emission), or null. Must be < n. */
  ownerUid: number | null;
  /** LastMechanismStepBlock of the subnet (0 = never stepped). */
  lastMechanismStepBlock: U64;
  /** The emission in rao handed to this epoch, split between incentive and dividends. */
  raoEmission: Rao;
  /** null: commit-reveal off; else per uid the block of its earliest active commit, or null. */
  commitBlocks: Array<U64 | null> | null;
}

/** Stored state the epoch reads. */
export interface EpochInputs {
  /** Stake weight per uid in rao (n entries); the total must be below 2^63. */
  stake: Rao[];
  /** May be shorter than n: missing trailing uids read block 0 (the chain pads with zeros). */
  lastUpdate: U64[];
  /** Block at which each uid registered (n entries). */
  blockAtRegistration: U64[];
  /** Validator permit per uid before this epoch (n entries). */
  validatorPermit: boolean[];
  /** Stored weights: one row per uid of `[uid, u16 weight]` pairs (n rows). */
  weights: SparseMatrix;
  /** Stored bonds: one row per uid of `[uid, u16 bond]` pairs (n rows). */
  bonds: SparseMatrix;
}

/** Raw I32F32 intermediates of one epoch: each value is the fixed-point bit pattern (value·2^32) as a bigint. */
export interface EpochTrace {
  /** Normalised, threshold-filtered stake per uid. */
  stake: bigint[];
  /** Stake after removing inactive and non-permitted uids, renormalised. */
  activeStake: bigint[];
  /** Weights after all masks and row normalisation (what consensus is computed on), sparse rows of `[uid, I32F32 bits]`. */
  weights: Array<Array<[number, bigint]>>;
  /** Stake-weighted median weight per column, before the u16 conversion. */
  consensus: bigint[];
  /** Validator trust per uid, before the u16 conversion. */
  validatorTrust: bigint[];
  /** Incentive per uid, before the u16 conversion. */
  incentive: bigint[];
  /** Dividends per uid, before the u16 conversion. */
  dividends: bigint[];
  /**
   * The new bond matrix before the u16 conversion (Yuma 2: after column max-upscaling; Yuma 3: raw
   * EMA values), sparse rows of `[uid, I32F32 bits]`; rows of non-permitted uids still present.
   */
  emaBonds: Array<Array<[number, bigint]>>;
}

/** What one epoch writes back to the chain, per uid (every array has n entries). */
export interface EpochOutputs {
  /** Active: `lastUpdate[i] + activityCutoff >= currentBlock`. */
  active: boolean[];
  /** Normalised, threshold-filtered stake as a u16 proportion (StakeWeight). */
  stakeWeight: number[];
  /** Stake-weighted median weight per column, u16 (Consensus). */
  consensus: number[];
  /** Miner incentive, u16 proportion (Incentive). */
  incentive: number[];
  /** Validator dividends, u16 proportion (Dividends). */
  dividends: number[];
  /** Validator trust, u16 proportion (ValidatorTrust). */
  validatorTrust: number[];
  /** Validator permits after this epoch (ValidatorPermit). */
  newValidatorPermit: boolean[];
  /** Rao emitted to each uid as a miner (its incentive share), bigint. */
  serverEmission: bigint[];
  /** Rao emitted to each uid as a validator (its dividend share), bigint. */
  validatorEmission: bigint[];
  /** Combined emission per uid in rao, as written to the Emission storage. */
  emission: bigint[];
  /**
   * The Bonds rows this epoch writes, exactly as stored on chain: n rows of `[uid, u16]` in the
   * order the epoch produced them, explicit zeros kept; empty for uids without a new permit.
   */
  bonds: SparseMatrix;
  /** The raw fixed-point intermediates, only with `{ trace: true }`. */
  trace?: EpochTrace;
  /** The normalised emission shares (I32F32 raw), only with `{ shares: true }`. */
  shares?: EpochShares;
}

export interface EpochOptions {
  /** Also return the raw fixed-point intermediates. */
  trace?: boolean;
  /**
   * Weight/bond entries whose uid is ≥ n: `"error"` (default) refuses them; `"ignore"` treats
   * them as the chain and the fixture format do (weights dropped, bonds without effect).
   */
  outOfRangeUids?: "error" | "ignore";
  /** Also return the normalised emission shares (`EpochOutputs.shares`, I32F32 raw). */
  shares?: boolean;
}

/**
 * An epoch's normalised emission shares, I32F32 raw (value / 2^32), one per uid: the vectors
 * its server / validator / combined emissions are floored from (after normalisation and the
 * zero-emission stake fallback). `emitByShares(shares.server, rao)` gives `serverEmission`.
 */
export interface EpochShares {
  server: BigInt64Array;
  validator: BigInt64Array;
  combined: BigInt64Array;
}

/** One epoch of a trajectory: overrides that apply from this epoch on. */
export interface TrajectoryEpoch {
  /** Block of this epoch (required). */
  currentBlock: U64;
  /** Default: `params.lastMechanismStepBlock` for the first epoch, else the previous epoch's `currentBlock`. */
  lastMechanismStepBlock?: U64;
  /** Default: `params.raoEmission`. */
  raoEmission?: Rao;
  stake?: Rao[];
  lastUpdate?: U64[];
  blockAtRegistration?: U64[];
  weights?: SparseMatrix;
  commitBlocks?: Array<U64 | null> | null;
}

/**
 * Several epochs of one subnet (fixture `kind: "trajectory"`): bonds and validator permits carry
 * over from each epoch to the next; other fields come from `params`/`inputs` and the per-epoch overrides.
 */
export interface Trajectory {
  params: EpochParams;
  inputs: EpochInputs;
  epochs: TrajectoryEpoch[];
}
