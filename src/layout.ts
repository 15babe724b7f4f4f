// Byte layouts shared with assembly/epoch.ts (EpochParams and EpochOutput blocks).

export const PARAMS = {
  n: 0, flags: 4, kappa: 8, bondsPenalty: 12, alphaLow: 16, alphaHigh: 20, steepness: 24,
  maxValidators: 28, owner: 32, lastUpdateLen: 36,
  currentBlock: 40, tempo: 48, activityCutoff: 56, bma: 64, stakeThreshold: 72, lms: 80, rao: 88,
  stake: 96, lastUpdate: 100, registration: 104, permit: 108, commit: 112,
  wStart: 116, wCol: 120, wVal: 124, bStart: 128, bCol: 132, bVal: 136,
  size: 144,
} as const;

export const FLAGS = { yuma3: 1, liquid: 2, commitReveal: 4, owner: 8, trace: 16 } as const;

export const OUTPUT = {
  active: 0, stakeWeight: 4, consensus: 8, incentive: 12, dividends: 16, trust: 20, permit: 24,
  server: 28, validator: 32, emission: 36, bondsStart: 40, bondsCol: 44, bondsVal: 48,
  tStake: 52, tActiveStake: 56, tWStart: 60, tWCol: 64, tWVal: 68, tConsensus: 72, tTrust: 76,
  tIncentive: 80, tDividends: 84, tBStart: 88, tBCol: 92, tBVal: 96,
  /** Normalised emission shares (I32F32 raw, i64[n]), always written. */
  serverShare: 100, validatorShare: 104, combinedShare: 108,
} as const;
