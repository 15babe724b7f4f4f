// Test-only oracle, part 3: subtensor `epoch_mechanism` (pallets/subtensor/src/epoch/run_epoch.rs)
// and the helpers it calls, ported statement by statement onto the BigInt fixed-point of
// ./fixed.ts and the kernels of ./math.ts. The chain's storage reads are replaced by the
// fixture fields (test/fixtures/FORMAT.md), each mapped through the same getter the chain uses:
//
//   SubnetworkN               params.n
//   get_last_update           inputs.lastUpdate, resized to n with 0 (utils/misc.rs `get_last_update`)
//   get_block_at_registration inputs.blockAtRegistration
//   get_stake_weights_for_network  I64F64::saturating_from_num(stake) per uid
//   get_validator_permit      inputs.validatorPermit
//   get_weights_sparse        I32F32::saturating_from_num(u16) per stored pair with uid_j < n
//   get_bonds_sparse          u16_to_fixed(u16) per stored pair (Yuma3: then / 65535)
//   commit-reveal             params.commitBlocks (null entry → u64::MAX)
//
// Independent of the engine under test: nothing here is shared with src/ or assembly/.

import {
  I32F32, I64F64, I96F32, ONE, ZERO, U64_MAX, add, fromFixed, fromInt, fx, mul, safeDiv, saturatingDiv,
  saturatingMul, sub, sum32, toU64, type Bits,
} from "./fixed.js";
import {
  clampValue, colClipSparse, expSafe, fixed64ToU64, fixedProportionToU16, fixedToFixedU16Proportion,
  inplaceColMaxUpscaleSparse, inplaceColNormalizeSparse, inplaceMaskVector, inplaceNormalize, inplaceNormalize64,
  inplaceNormalizeUsingSum, inplaceRowNormalizeSparse, interpolateSparse, isTopkNonzero, isZero, matEmaAlphaSparse,
  matEmaSparse, matVecMulSparse, matmulSparse, matmulTransposeSparse, maskDiagSparse, maskDiagSparseExceptIndex,
  maskRowsSparse, rowHadamardSparse, rowSumSparse, scalarVecMaskSparseMatrix, u16ToFixed, vecFixed64ToFixed32,
  vecMaskSparseMatrix, vecMul, weightedMedianColSparse, type Pair, type SparseMat,
} from "./math.js";

type U64In = number | bigint | string;

export interface RefParams {
  n: number;
  currentBlock: U64In;
  tempo: number;
  activityCutoff: U64In;
  kappa: number;
  bondsPenalty: number;
  bondsMovingAverage: U64In;
  yuma3: boolean;
  liquidAlpha: boolean;
  alphaLow: number;
  alphaHigh: number;
  alphaSigmoidSteepness: number;
  maxAllowedValidators: number;
  stakeThreshold: U64In;
  ownerUid: number | null;
  lastMechanismStepBlock: U64In;
  raoEmission: U64In;
  commitBlocks: Array<U64In | null> | null;
}

export interface RefInputs {
  stake: U64In[];
  lastUpdate: U64In[];
  blockAtRegistration: U64In[];
  validatorPermit: boolean[];
  weights: Array<Array<[number, number]>>;
  bonds: Array<Array<[number, number]>>;
}

export interface RefTrace {
  stake: bigint[];
  activeStake: bigint[];
  weights: Array<Array<[number, bigint]>>;
  consensus: bigint[];
  validatorTrust: bigint[];
  incentive: bigint[];
  dividends: bigint[];
  emaBonds: Array<Array<[number, bigint]>>;
}

/** Same shape as the engine's `EpochOutputs` (rao as bigint, trace bits as bigint). */
export interface RefOutputs {
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
  bonds: Array<Array<[number, number]>>;
  trace: RefTrace;
}

const big = (x: U64In): bigint => BigInt(x);
const u64SatAdd = (a: bigint, b: bigint) => (a + b > U64_MAX ? U64_MAX : a + b);
const u64SatSub = (a: bigint, b: bigint) => (a > b ? a - b : 0n);

// ---------------------------------------------------------------- run_epoch.rs helpers

/** `get_float_kappa` / `get_float_bonds_penalty`: I32F32(v).safe_div(I32F32(u16::MAX)). */
export const u16ParamToFloat = (v: number): Bits => safeDiv(I32F32, fx(v), fx(65535));

/** `get_alpha_values_32`: each of (low, high) as I32F32(v).safe_div(I32F32(u16::MAX)). */
export const getAlphaValues32 = (p: RefParams): [Bits, Bits] => [u16ParamToFloat(p.alphaLow), u16ParamToFloat(p.alphaHigh)];

/** `get_alpha_sigmoid_steepness`: I32F32::saturating_from_num(i16). */
export const getAlphaSigmoidSteepness = (p: RefParams): Bits => fx(p.alphaSigmoidSteepness);

/** `alpha_sigmoid(consensus, weight, bond, alpha_low, alpha_high, steepness)`. */
export function alphaSigmoid(
  consensus: Bits, weight: Bits, bond: Bits, alphaLow: Bits, alphaHigh: Bits, alphaSigmoidSteepness: Bits,
): Bits {
  const zero = ZERO;
  const one = ONE;
  const diffBuy = clampValue(sub(weight, consensus), zero, one);
  const diffSell = clampValue(sub(bond, weight), zero, one);
  const combinedDiff = weight >= bond ? diffBuy : diffSell;
  // sigmoid = 1 / (1 + e^(-steepness * (combined_diff - 0.5)))   [steepness / -100, as on chain]
  const half = ONE >> 1n; // I32F32::from_num(0.5)
  const sigmoid = saturatingDiv(
    I32F32,
    one,
    add(one, expSafe(mul(saturatingDiv(I32F32, alphaSigmoidSteepness, fx(-100)), sub(combinedDiff, half)))),
  );
  const alpha = add(alphaLow, mul(sigmoid, sub(alphaHigh, alphaLow)));
  return clampValue(alpha, alphaLow, alphaHigh);
}

/**
 * `compute_liquid_alpha_values_sparse`: a dense n-column matrix of alphas. For each row and
 * each column j in 0..consensus.len(), the weight and bond rows are walked with peekable
 * iterators as if sorted: skip entries with uid < j, take the entry with uid == j, stop at the
 * first uid > j (so an unsorted row hides every entry behind a larger uid).
 */
export function computeLiquidAlphaValuesSparse(
  p: RefParams, weights: SparseMat, bonds: SparseMat, consensus: Bits[],
): Bits[][] {
  const alphas: Bits[][] = [];
  if (weights.length !== bonds.length) return alphas;
  const alphaSigmoidSteepness = getAlphaSigmoidSteepness(p);
  const [alphaLow, alphaHigh] = getAlphaValues32(p);
  for (let r = 0; r < weights.length; r++) {
    const wRow = weights[r]!, bRow = bonds[r]!;
    const rowAlphas: Bits[] = [];
    let w = 0; // peekable position in wRow
    let b = 0; // peekable position in bRow
    for (let jPos = 0; jPos < consensus.length; jPos++) {
      const j = jPos & 0xffff; // `j_pos as u16`
      let weight = ZERO;
      while (w < wRow.length) {
        const [i, val] = wRow[w]!;
        if (i < j) w++;
        else {
          if (i === j) weight = val;
          break;
        }
      }
      let bond = ZERO;
      while (b < bRow.length) {
        const [i, val] = bRow[b]!;
        if (i < j) b++;
        else {
          if (i === j) bond = val;
          break;
        }
      }
      rowAlphas.push(alphaSigmoid(consensus[jPos]!, weight, bond, alphaLow, alphaHigh, alphaSigmoidSteepness));
    }
    alphas.push(rowAlphas);
  }
  return alphas;
}

/** `compute_disabled_liquid_alpha`: 1 − I32F32::from_num(I64F64(bma).saturating_div(I64F64(1e6))). */
export function computeDisabledLiquidAlpha(p: RefParams): Bits {
  const bma = saturatingDiv(I64F64, fromInt(I64F64, big(p.bondsMovingAverage)), fromInt(I64F64, 1_000_000n));
  return sub(ONE, fromFixed(I32F32, I64F64, bma));
}

/** `compute_bonds_sparse`: liquid alpha when on and the consensus has a non-zero entry; else the fixed EMA. */
export function computeBondsSparse(p: RefParams, weights: SparseMat, bonds: SparseMat, consensus: Bits[]): SparseMat {
  if (p.liquidAlpha && consensus.length > 0 && consensus.some((c) => c !== ZERO)) {
    const alphas = computeLiquidAlphaValuesSparse(p, weights, bonds, consensus);
    return matEmaAlphaSparse(weights, bonds, alphas);
  }
  const alpha = computeDisabledLiquidAlpha(p);
  return matEmaSparse(weights, bonds, alpha);
}

/** `compute_ema_bonds_normal_sparse`: alpha = 1 − I32F32(I64F64(bma).safe_div(I64F64(1e6))). */
export function computeEmaBondsNormalSparse(p: RefParams, bondsDelta: SparseMat, bonds: SparseMat): SparseMat {
  const bma = safeDiv(I64F64, fromInt(I64F64, big(p.bondsMovingAverage)), fromInt(I64F64, 1_000_000n));
  const alpha = sub(ONE, fromFixed(I32F32, I64F64, bma));
  return matEmaSparse(bondsDelta, bonds, alpha);
}

/** `get_weights_sparse`: stored rows, pairs with uid_j < n, value I32F32::saturating_from_num(u16). */
export function getWeightsSparse(p: RefParams, inp: RefInputs): SparseMat {
  const n = p.n;
  const weights: SparseMat = Array.from({ length: n }, () => []);
  for (let i = 0; i < Math.min(n, inp.weights.length); i++) {
    for (const [j, w] of inp.weights[i]!) if (j < n) weights[i]!.push([j, fromInt(I32F32, BigInt(w))]);
  }
  return weights;
}

/** `get_bonds_sparse`: stored rows (uid_i < n), value `u16_to_fixed`. */
export function getBondsSparse(p: RefParams, inp: RefInputs): SparseMat {
  const n = p.n;
  const bonds: SparseMat = Array.from({ length: n }, () => []);
  for (let i = 0; i < Math.min(n, inp.bonds.length); i++) {
    for (const [j, b] of inp.bonds[i]!) bonds[i]!.push([j, u16ToFixed(b)]);
  }
  return bonds;
}

/** `get_bonds_sparse_fixed_proportion`: each bond / 65535 (safe_div). */
export function getBondsSparseFixedProportion(p: RefParams, inp: RefInputs): SparseMat {
  const bonds = getBondsSparse(p, inp);
  for (const row of bonds) for (const pair of row) pair[1] = fixedToFixedU16Proportion(pair[1]);
  return bonds;
}

/** `get_last_update`: LastUpdate resized to SubnetworkN with 0 when shorter. */
export function getLastUpdate(p: RefParams, inp: RefInputs): bigint[] {
  const v = inp.lastUpdate.map(big);
  while (v.length < p.n) v.push(0n);
  return v;
}

// ---------------------------------------------------------------- epoch_mechanism

export function epochMechanism(p: RefParams, inp: RefInputs): RefOutputs {
  const n = p.n;

  // == Active & updated ==
  const currentBlock = big(p.currentBlock);
  const tempo = BigInt(p.tempo);
  const activityCutoff = big(p.activityCutoff);
  const lastUpdate = getLastUpdate(p, inp);
  const inactive = lastUpdate.map((updated) => u64SatAdd(updated, activityCutoff) < currentBlock);
  const active = inactive.map((b) => !b);
  const blockAtRegistration = inp.blockAtRegistration.map(big);

  // == Stake ==
  const totalStake: Bits[] = inp.stake.map((s) => fromInt(I64F64, big(s)));
  const minStake = big(p.stakeThreshold);
  const ownerUid = p.ownerUid;
  const filteredStake: Bits[] = totalStake.map((s, uid) => {
    if (ownerUid !== uid && fixed64ToU64(s) < minStake) return 0n;
    return s;
  });
  inplaceNormalize64(filteredStake);
  const stake: Bits[] = vecFixed64ToFixed32(filteredStake);

  // == Validator permits ==
  const validatorPermits: boolean[] = inp.validatorPermit.slice();
  if (ownerUid !== null && ownerUid < validatorPermits.length) validatorPermits[ownerUid] = true;
  const validatorForbids = validatorPermits.map((b) => !b);
  const maxAllowedValidators = p.maxAllowedValidators;
  const newValidatorPermits = isTopkNonzero(stake, maxAllowedValidators);
  if (ownerUid !== null && ownerUid < newValidatorPermits.length) newValidatorPermits[ownerUid] = true;

  // == Active Stake ==
  const activeStake = stake.slice();
  inplaceMaskVector(inactive, activeStake);
  inplaceMaskVector(validatorForbids, activeStake);
  inplaceNormalize(activeStake);

  // == Weights ==
  let weights = getWeightsSparse(p, inp);
  weights = maskRowsSparse(validatorForbids, weights);
  if (ownerUid !== null) weights = maskDiagSparseExceptIndex(weights, ownerUid);
  else weights = maskDiagSparse(weights);
  weights = vecMaskSparseMatrix(weights, lastUpdate, blockAtRegistration, (updated, registered) => updated <= registered);

  if (p.commitBlocks !== null) {
    const commitBlocks: bigint[] = new Array(n).fill(U64_MAX); // MAX ⇒ no active commit
    for (let i = 0; i < n; i++) {
      const cb = p.commitBlocks[i];
      if (cb !== null && cb !== undefined) commitBlocks[i] = big(cb);
    }
    weights = vecMaskSparseMatrix(weights, commitBlocks, blockAtRegistration, (cb, reg) => cb < reg);
  }

  inplaceRowNormalizeSparse(weights);

  // == Consensus, Validator Trust ==
  const kappa = u16ParamToFloat(p.kappa);
  const consensus = weightedMedianColSparse(activeStake, weights, n, kappa);
  const clippedWeights = colClipSparse(weights, consensus);
  const validatorTrust = rowSumSparse(clippedWeights);

  // == Ranks, Trust, Incentive ==
  const ranks = matmulSparse(clippedWeights, activeStake, n);
  inplaceNormalize(ranks);
  const incentive = ranks.slice();

  // == Bonds and Dividends ==
  const bondsPenalty = u16ParamToFloat(p.bondsPenalty);
  const weightsForBonds = interpolateSparse(weights, clippedWeights, n, bondsPenalty);

  const lms = big(p.lastMechanismStepBlock);
  const lastTempo = lms === 0n ? u64SatSub(currentBlock, tempo) : u64SatAdd(lms, 1n);

  let dividends: Bits[];
  let emaBonds: SparseMat;
  if (p.yuma3) {
    let bonds = getBondsSparseFixedProportion(p, inp);
    bonds = scalarVecMaskSparseMatrix(bonds, lastTempo, blockAtRegistration, (lt, registered) => lt <= registered);
    emaBonds = computeBondsSparse(p, weightsForBonds, bonds, consensus);
    const emaBondsNorm: SparseMat = emaBonds.map((r) => r.map(([j, v]) => [j, v] as Pair));
    inplaceColNormalizeSparse(emaBondsNorm, n);
    const totalBondsPerValidator = rowSumSparse(matVecMulSparse(emaBondsNorm, incentive));
    dividends = vecMul(totalBondsPerValidator, activeStake);
    inplaceNormalize(dividends);
  } else {
    let bonds = getBondsSparse(p, inp);
    bonds = scalarVecMaskSparseMatrix(bonds, lastTempo, blockAtRegistration, (lt, registered) => lt <= registered);
    inplaceColNormalizeSparse(bonds, n);
    const bondsDelta = rowHadamardSparse(weightsForBonds, activeStake);
    inplaceColNormalizeSparse(bondsDelta, n);
    emaBonds = computeEmaBondsNormalSparse(p, bondsDelta, bonds);
    inplaceColNormalizeSparse(emaBonds, n);
    dividends = matmulTransposeSparse(emaBonds, incentive);
    inplaceNormalize(dividends);
    inplaceColMaxUpscaleSparse(emaBonds, n);
  }

  // == Emission ==
  const combinedEmission: Bits[] = [];
  for (let i = 0; i < Math.min(incentive.length, dividends.length); i++) combinedEmission.push(add(incentive[i]!, dividends[i]!));
  const emissionSum = sum32(combinedEmission);

  let normalizedServerEmission = incentive.slice();
  let normalizedValidatorEmission = dividends.slice();
  let normalizedCombinedEmission = combinedEmission.slice();
  inplaceNormalizeUsingSum(normalizedServerEmission, emissionSum);
  inplaceNormalizeUsingSum(normalizedValidatorEmission, emissionSum);
  inplaceNormalize(normalizedCombinedEmission);

  if (emissionSum === ZERO) {
    if (isZero(activeStake)) {
      normalizedValidatorEmission = stake.slice();
      normalizedCombinedEmission = stake.slice();
    } else {
      normalizedValidatorEmission = activeStake.slice();
      normalizedCombinedEmission = activeStake.slice();
    }
  }

  // I96F32::saturating_from_num(rao) ; I96F32::saturating_from_num(x).saturating_mul(..).saturating_to_num::<u64>()
  const floatRaoEmission = fromInt(I96F32, big(p.raoEmission));
  const toRao = (x: Bits) => toU64(I96F32, saturatingMul(I96F32, fromFixed(I96F32, I32F32, x), floatRaoEmission));
  const serverEmission = normalizedServerEmission.map(toRao);
  const validatorEmission = normalizedValidatorEmission.map(toRao);
  const combinedRao = normalizedCombinedEmission.map(toRao);

  // == Populate epoch output == (uids 0..n; `.get(uid).unwrap_or_default()`)
  const at = <T>(v: T[], i: number, d: T): T => (i < v.length ? v[i]! : d);
  const out: RefOutputs = {
    active: [], stakeWeight: [], consensus: [], incentive: [], dividends: [], validatorTrust: [],
    newValidatorPermit: [], serverEmission: [], validatorEmission: [], emission: [], bonds: [],
    trace: {
      stake: stake.slice(),
      activeStake: activeStake.slice(),
      weights: weights.map((r) => r.map(([j, v]) => [j, v] as [number, bigint])),
      consensus: consensus.slice(),
      validatorTrust: validatorTrust.slice(),
      incentive: incentive.slice(),
      dividends: dividends.slice(),
      emaBonds: emaBonds.map((r) => r.map(([j, v]) => [j, v] as [number, bigint])),
    },
  };
  for (let uid = 0; uid < n; uid++) {
    out.dividends.push(fixedProportionToU16(at(dividends, uid, ZERO)));
    out.incentive.push(fixedProportionToU16(at(incentive, uid, ZERO)));
    out.validatorEmission.push(at(validatorEmission, uid, 0n));
    out.serverEmission.push(at(serverEmission, uid, 0n));
    out.stakeWeight.push(fixedProportionToU16(at(stake, uid, ZERO)));
    out.active.push(at(active, uid, false));
    out.emission.push(at(combinedRao, uid, 0n));
    out.consensus.push(fixedProportionToU16(at(consensus, uid, ZERO)));
    out.validatorTrust.push(fixedProportionToU16(at(validatorTrust, uid, ZERO)));
    const newPermit = at(newValidatorPermits, uid, false);
    out.newValidatorPermit.push(newPermit);
    // Bonds: a new permit stores its EMA row as u16; every other uid gets an empty row
    // (`terms.bond` stays / is set empty, and persist_mechanism_epoch_terms writes all rows).
    if (newPermit) out.bonds.push(at(emaBonds, uid, [] as Pair[]).map(([j, v]) => [j, fixedProportionToU16(v)] as [number, number]));
    else out.bonds.push([]);
  }
  return out;
}

// ---------------------------------------------------------------- trajectories (FORMAT.md)

export interface RefTrajectoryEpoch {
  currentBlock: U64In;
  lastMechanismStepBlock?: U64In;
  raoEmission?: U64In;
  stake?: U64In[];
  lastUpdate?: U64In[];
  blockAtRegistration?: U64In[];
  weights?: Array<Array<[number, number]>>;
  commitBlocks?: Array<U64In | null> | null;
}

/**
 * Epochs in sequence: per-epoch overrides stay in force until replaced; lastMechanismStepBlock
 * defaults to the previous epoch's block (params value for epoch 0); raoEmission defaults to
 * params; bonds and validator permits carry over from the previous epoch's outputs.
 */
export function runReferenceTrajectory(t: { params: RefParams; inputs: RefInputs; epochs: RefTrajectoryEpoch[] }): RefOutputs[] {
  const outs: RefOutputs[] = [];
  let inputs: RefInputs = { ...t.inputs };
  let commitBlocks = t.params.commitBlocks;
  let prevBlock: U64In | null = null;
  for (let k = 0; k < t.epochs.length; k++) {
    const ep = t.epochs[k]!;
    if (ep.stake !== undefined) inputs = { ...inputs, stake: ep.stake };
    if (ep.lastUpdate !== undefined) inputs = { ...inputs, lastUpdate: ep.lastUpdate };
    if (ep.blockAtRegistration !== undefined) inputs = { ...inputs, blockAtRegistration: ep.blockAtRegistration };
    if (ep.weights !== undefined) inputs = { ...inputs, weights: ep.weights };
    if (ep.commitBlocks !== undefined) commitBlocks = ep.commitBlocks;
    const params: RefParams = {
      ...t.params,
      currentBlock: ep.currentBlock,
      lastMechanismStepBlock: ep.lastMechanismStepBlock ?? (k === 0 ? t.params.lastMechanismStepBlock : prevBlock!),
      raoEmission: ep.raoEmission ?? t.params.raoEmission,
      commitBlocks,
    };
    const o = epochMechanism(params, inputs);
    outs.push(o);
    inputs = { ...inputs, bonds: o.bonds, validatorPermit: o.newValidatorPermit };
    prevBlock = ep.currentBlock;
  }
  return outs;
}

/** Fixture-shaped JSON of a reference result (rao as decimal strings, trace bits as numbers). */
export function refToJson(o: RefOutputs, withTrace: boolean): Record<string, unknown> {
  const j: Record<string, unknown> = {
    active: o.active,
    stakeWeight: o.stakeWeight,
    consensus: o.consensus,
    incentive: o.incentive,
    dividends: o.dividends,
    validatorTrust: o.validatorTrust,
    newValidatorPermit: o.newValidatorPermit,
    serverEmission: o.serverEmission.map(String),
    validatorEmission: o.validatorEmission.map(String),
    emission: o.emission.map(String),
    bonds: o.bonds,
  };
  if (withTrace) {
    const t = o.trace;
    const sp = (m: Array<Array<[number, bigint]>>) => m.map((r) => r.map(([c, v]) => [c, Number(v)]));
    j.trace = {
      stake: t.stake.map(Number),
      activeStake: t.activeStake.map(Number),
      weights: sp(t.weights),
      consensus: t.consensus.map(Number),
      validatorTrust: t.validatorTrust.map(Number),
      incentive: t.incentive.map(Number),
      dividends: t.dividends.map(Number),
      emaBonds: sp(t.emaBonds),
    };
  }
  return j;
}
