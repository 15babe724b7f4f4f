// The coinbase kernels of dynamic TAO (subtensor @14bc6f9f9 `coinbase/run_coinbase.rs`,
// `coinbase/subnet_emissions.rs`, `coinbase/block_step.rs`, `staking/stake_utils.rs`), each a
// small pure function in the chain's fixed-point types: U96F32 (u128 raw, 32 fraction bits)
// and U64F64 (64 fraction bits) through assembly/wide.ts; values whose raw bits always fit 64
// bits (proportions ≤ 1 in U96F32, amounts below 2^32 TAO) travel as u64 raw.
// docs/economics.md gives each formula; test/reference/coinbase.ts is the BigInt oracle.

import { blockEmission } from "./emission";
import { hi128, lo128, umul128 } from "./fixed";
import { addSat, divShl, lt128, mulShr, subSat, wHi, wLo } from "./wide";

const U64_MAX: u64 = 0xffff_ffff_ffff_ffff;

// @ts-ignore: decorator
@inline function satAdd64(a: u64, b: u64): u64 {
  const s = a + b;
  return s < a ? U64_MAX : s;
}

/** `get_tao_weight`: U96F32(TaoWeight) / U96F32(u64::MAX), `safe_div` (U96F32 raw < 2^32). */
export function getTaoWeight(taoWeight: u64): u64 {
  divShl(taoWeight >> 32, taoWeight << 32, U64_MAX >> 32, U64_MAX << 32, 32);
  return wLo;
}

/**
 * block_step.rs `root_proportion`: τR / (τR + alpha issuance), U96F32 with τR =
 * U96F32(SubnetTAO[root])·τ; `checked_div` → 0.
 */
export function rootProportion(alphaIssuance: u64, rootTao: u64, tau: u64): u64 {
  mulShr(rootTao >> 32, rootTao << 32, 0, tau, 32);
  const rHi = wHi, rLo = wLo;
  addSat(rHi, rLo, alphaIssuance >> 32, alphaIssuance << 32);
  if (!divShl(rHi, rLo, wHi, wLo, 32)) return 0;
  return wLo;
}

/** 1 − min(MinerBurned, 1) as U64F64 into (wHi, wLo); MinerBurned is U96F32 raw. */
function unburned(b: u64): void {
  let bHi = b >> 32, bLo = b << 32;
  if (bHi >= 1) {
    bHi = 1;
    bLo = 0;
  }
  subSat(1, 0, bHi, bLo);
}

/**
 * subnet_emissions.rs `get_shares` over the subnets to emit to, U64F64 into (outHi, outLo):
 * P_i = `get_moving_alpha_price` (1 for a stable subnet, else the I96F32 EMA, negative → 0),
 * s_i = P_i / ΣP (`checked_div` → 0), w_i = s_i·(1 − min(MinerBurned_i, 1)), share_i = w_i / Σw,
 * or s_i when Σw = 0. Returns run_coinbase's root sell flag: the wrapping ΣP > 1.
 */
export function getShares(m: i32, emaPtr: usize, mechPtr: usize, burnedPtr: usize, outHi: usize, outLo: usize): bool {
  let tHi: u64 = 0, tLo: u64 = 0; // saturating Σ P
  let sumHi: u64 = 0, sumLo: u64 = 0; // wrapping Σ P (the iterator sum)
  for (let k = 0; k < m; k++) {
    const o = <usize>k << 3;
    let pHi: u64, pLo: u64;
    if (load<u8>(mechPtr + <usize>k) == 0) {
      pHi = 1;
      pLo = 0;
    } else {
      const raw = load<i64>(emaPtr + o);
      pHi = raw < 0 ? 0 : <u64>raw >> 32;
      pLo = raw < 0 ? 0 : <u64>raw << 32;
    }
    store<u64>(outHi + o, pHi);
    store<u64>(outLo + o, pLo);
    addSat(tHi, tLo, pHi, pLo);
    tHi = wHi;
    tLo = wLo;
    const lo = sumLo + pLo;
    sumHi = sumHi + pHi + (lo < sumLo ? 1 : 0);
    sumLo = lo;
  }
  // Price shares, then weighted by the unburned part.
  let wsHi: u64 = 0, wsLo: u64 = 0;
  for (let k = 0; k < m; k++) {
    const o = <usize>k << 3;
    divShl(load<u64>(outHi + o), load<u64>(outLo + o), tHi, tLo, 64);
    const sHi = wHi, sLo = wLo;
    store<u64>(outHi + o, sHi);
    store<u64>(outLo + o, sLo);
    unburned(load<u64>(burnedPtr + o));
    mulShr(sHi, sLo, wHi, wLo, 64);
    addSat(wsHi, wsLo, wHi, wLo);
    wsHi = wHi;
    wsLo = wLo;
  }
  if (wsHi != 0 || wsLo != 0) {
    for (let k = 0; k < m; k++) {
      const o = <usize>k << 3;
      unburned(load<u64>(burnedPtr + o));
      mulShr(load<u64>(outHi + o), load<u64>(outLo + o), wHi, wLo, 64);
      divShl(wHi, wLo, wsHi, wsLo, 64); // safe_div: 0 on failure
      store<u64>(outHi + o, wHi);
      store<u64>(outLo + o, wLo);
    }
  }
  return sumHi > 1 || (sumHi == 1 && sumLo > 0);
}

/**
 * subnet_emissions.rs `get_subnet_block_emissions`: T_i = U96F32(U64F64(E)·share_i), U96F32
 * raw into out (< 2^62 for any E ≤ 10^9). With any subnet disabled, the enabled shares are
 * renormalised by their sum and the disabled get 0.
 */
export function getSubnetBlockEmissions(m: i32, shHi: usize, shLo: usize, enabledPtr: usize, emission: u64, out: usize): void {
  let anyDisabled = false;
  let eHi: u64 = 0, eLo: u64 = 0;
  for (let k = 0; k < m; k++) {
    const o = <usize>k << 3;
    if (load<u8>(enabledPtr + <usize>k) == 0) {
      anyDisabled = true;
      continue;
    }
    addSat(eHi, eLo, load<u64>(shHi + o), load<u64>(shLo + o));
    eHi = wHi;
    eLo = wLo;
  }
  for (let k = 0; k < m; k++) {
    const o = <usize>k << 3;
    let sHi = load<u64>(shHi + o), sLo = load<u64>(shLo + o);
    if (anyDisabled) {
      if (load<u8>(enabledPtr + <usize>k) == 0 || (eHi == 0 && eLo == 0)) {
        sHi = 0;
        sLo = 0;
      } else {
        divShl(sHi, sLo, eHi, eLo, 64);
        sHi = wHi;
        sLo = wLo;
      }
    }
    // The effective share is written back (the caller reports it as the subnet's share).
    store<u64>(shHi + o, sHi);
    store<u64>(shLo + o, sLo);
    // U64F64(E)·s is exactly E·s raw; dropping 32 fraction bits is one floor.
    mulShr(0, emission, sHi, sLo, 32);
    store<u64>(out + o, wLo);
  }
}

export let termTaoIn: u64 = 0;
export let termAlphaIn: u64 = 0;
export let termAlphaOut: u64 = 0;
export let termExcess: u64 = 0;

/**
 * run_coinbase.rs `get_subnet_terms` for one subnet (U96F32 raw results): α_E from the subnet's
 * alpha issuance; α_in = T / price (`safe_div_or` 0), capped at rootProp·α_E, in which case
 * tao_in = α_in·price; excess = T − tao_in. price = the spot U64F64 truncated to U96F32.
 */
export function getSubnetTerms(tao: u64, alphaIssuance: u64, spotHi: u64, spotLo: u64, rootProp: u64): void {
  const e = blockEmission(alphaIssuance);
  const aeHi = e >> 32, aeLo = e << 32;
  const pHi = spotHi >> 32, pLo = (spotLo >> 32) | (spotHi << 32);
  let inHi: u64 = 0, inLo: u64 = 0;
  if (divShl(0, tao, pHi, pLo, 32)) {
    inHi = wHi;
    inLo = wLo;
  }
  mulShr(0, rootProp, aeHi, aeLo, 32);
  const capHi = wHi, capLo = wLo;
  let taoIn: u64 = tao;
  if (lt128(capHi, capLo, inHi, inLo)) {
    inHi = capHi;
    inLo = capLo;
    mulShr(capHi, capLo, pHi, pLo, 32);
    taoIn = wHi != 0 ? U64_MAX : wLo;
  }
  termTaoIn = taoIn;
  // Capped or not, α_in ≤ cap ≤ α_E < 2^62 raw when it was capped; uncapped it is below the
  // cap too. Either way it fits one word.
  termAlphaIn = inLo;
  termAlphaOut = (aeHi << 32) != 0 ? U64_MAX : aeLo; // e < 2^32 always (≤ 10^9)
  termExcess = tao > taoIn ? tao - taoIn : 0;
}

export let splitAlphaCreated: u64 = 0;
export let splitOwnerCut: u64 = 0;
export let splitServer: u64 = 0;
export let splitValidator: u64 = 0;
export let splitRoot: u64 = 0;

/** ⌊a·b / 2^32⌋ for a, b whose product stays below 2^96 (U96F32 raw products here). */
// @ts-ignore: decorator
@inline function mul32(a: u64, b: u64): u64 {
  umul128(a, b);
  return (hi128 << 32) | (lo128 >> 32);
}

/**
 * The per-subnet split of `emit_to_subnets` (U96F32; alphaOut < 2^62 raw, rootProp ≤ 2^32):
 * oc = α·cut (if enabled), α' = α − oc; root = rootProp·α'·½; server = α'·½;
 * validator = α' − server − root; each pending adds the floor (tou64).
 */
export function pendingSplit(alphaOut: u64, rootProp: u64, ownerCutEnabled: bool, rootSell: bool, cutU16: u64): void {
  const cut: u64 = (cutU16 << 32) / 65535;
  let a = alphaOut, oc: u64 = 0;
  if (ownerCutEnabled) {
    oc = mul32(a, cut);
    a -= oc;
  }
  const root = mul32(mul32(rootProp, a), 1 << 31);
  const server = mul32(a, 1 << 31);
  const v1 = a - server;
  const validator = v1 > root ? v1 - root : 0;
  splitAlphaCreated = alphaOut >> 32;
  splitOwnerCut = ownerCutEnabled ? oc >> 32 : 0;
  splitServer = server >> 32;
  splitValidator = validator >> 32;
  splitRoot = root >> 32;
}

/**
 * stake_utils.rs `update_moving_price` (U64F64): b = block − (first − 1), α = movingAlpha ·
 * b/(b + halving), P' = α·min(spot, 1) + (1 − α)·P, stored as I96F32 (raw returned).
 */
export function updateMovingPrice(price: i64, spotHi: u64, spotLo: u64, mechanism: i32, block: u64, first: u64, halving: u64, movingAlpha: i64): i64 {
  const start = first > 0 ? first - 1 : 0;
  const b = block > start ? block - start : 0;
  const d = satAdd64(b, halving);
  let fHi: u64 = 0, fLo: u64 = 0;
  if (d != 0) {
    // Both as U64F64 integers: the quotient is ⌊b·2^64 / d⌋ (d overflowing u64 would saturate
    // the U64F64 sum; blocks never get near).
    divShl(0, b, 0, d, 64);
    fHi = wHi;
    fLo = wLo;
  }
  const ma = movingAlpha < 0 ? 0 : <u64>movingAlpha;
  mulShr(ma >> 32, ma << 32, fHi, fLo, 64);
  const aHi = wHi, aLo = wLo;
  subSat(1, 0, aHi, aLo);
  const omHi = wHi, omLo = wLo;
  let sHi = spotHi, sLo = spotLo;
  if (sHi >= 1) {
    sHi = 1;
    sLo = 0;
  }
  mulShr(aHi, aLo, sHi, sLo, 64);
  const cHi = wHi, cLo = wLo;
  let pHi: u64, pLo: u64;
  if (mechanism == 0) {
    pHi = 1;
    pLo = 0;
  } else {
    pHi = price < 0 ? 0 : <u64>price >> 32;
    pLo = price < 0 ? 0 : <u64>price << 32;
  }
  mulShr(omHi, omLo, pHi, pLo, 64);
  addSat(cHi, cLo, wHi, wLo);
  // U64F64 → I96F32: drop 32 fraction bits; the value is ≤ 1 here.
  return <i64>((wLo >> 32) | (wHi << 32));
}

/** `distribute_emission`: the validators get the server alpha too when no incentive was paid. */
export function validatorAlphaFor(pendingServer: u64, pendingValidator: u64, incentiveSum: u64): u64 {
  return incentiveSum != 0 ? pendingValidator : satAdd64(pendingValidator, pendingServer);
}

/** MinerBurned = withheld / total incentive, U96F32 (`checked_div` → 0). */
export function minerBurned(withheld: u64, total: u64): u64 {
  if (!divShl(0, withheld, 0, total, 32)) return 0; // U96F32(w)/U96F32(t) = ⌊w·2^32/t⌋
  return wLo;
}

// The alpha and root parts of one uid's dividend (U96F32 u128), for both passes below.
let adHi: u64 = 0, adLo: u64 = 0, rdHi: u64 = 0, rdLo: u64 = 0;

function dividendParts(dividend: u64, alphaStake: u64, rootStake: u64, tau: u64): void {
  mulShr(rootStake >> 32, rootStake << 32, 0, tau, 32); // root alpha = R·τ
  const raHi = wHi, raLo = wLo;
  addSat(alphaStake >> 32, alphaStake << 32, raHi, raLo);
  let rpHi: u64 = 0, rpLo: u64 = 0;
  if (divShl(raHi, raLo, wHi, wLo, 32)) {
    rpHi = wHi;
    rpLo = wLo;
  }
  const dHi = dividend >> 32, dLo = dividend << 32;
  mulShr(dHi, dLo, rpHi, rpLo, 32);
  rdHi = wHi;
  rdLo = wLo;
  subSat(dHi, dLo, rdHi, rdLo);
  adHi = wHi;
  adLo = wLo;
}

/** `applyDelegateTake` of one U96F32 amount: (tou64(take), tou64(rest)) into the two pointers. */
function delegateTake(xHi: u64, xLo: u64, takeRate: u64, takeOut: usize, restOut: usize): void {
  mulShr(0, takeRate, xHi, xLo, 32);
  const tHi = wHi, tLo = wLo;
  store<u64>(takeOut, tHi >> 32 != 0 ? U64_MAX : (tLo >> 32) | (tHi << 32));
  subSat(xHi, xLo, tHi, tLo);
  store<u64>(restOut, wHi >> 32 != 0 ? U64_MAX : (wLo >> 32) | (wHi << 32));
}

/**
 * run_coinbase.rs `calculate_dividend_distribution` over the uids (a zero dividend adds and
 * gets nothing, so every uid can take part), then the delegate take of
 * `distribute_dividends_and_incentives` on each uid's alpha and root amount. Per uid:
 * rootProp = Rτ/(A + Rτ); root part d·rootProp, alpha part the rest; the pendings are then
 * split in proportion to those parts (U96F32, `checked_div` → 0).
 */
export function distributeDividends(
  n: i32, dividendPtr: usize, alphaStakePtr: usize, rootStakePtr: usize, pendingAlpha: u64, pendingRoot: u64,
  tau: u64, takeU16: u64, aTake: usize, aRest: usize, rTake: usize, rRest: usize,
): void {
  let taHi: u64 = 0, taLo: u64 = 0, trHi: u64 = 0, trLo: u64 = 0;
  for (let k = 0; k < n; k++) {
    const o = <usize>k << 3;
    dividendParts(load<u64>(dividendPtr + o), load<u64>(alphaStakePtr + o), load<u64>(rootStakePtr + o), tau);
    addSat(taHi, taLo, adHi, adLo);
    taHi = wHi;
    taLo = wLo;
    addSat(trHi, trLo, rdHi, rdLo);
    trHi = wHi;
    trLo = wLo;
  }
  const takeRate: u64 = (takeU16 << 32) / 65535;
  for (let k = 0; k < n; k++) {
    const o = <usize>k << 3;
    dividendParts(load<u64>(dividendPtr + o), load<u64>(alphaStakePtr + o), load<u64>(rootStakePtr + o), tau);
    const rHi = rdHi, rLo = rdLo;
    let qHi: u64 = 0, qLo: u64 = 0;
    if (divShl(adHi, adLo, taHi, taLo, 32)) {
      qHi = wHi;
      qLo = wLo;
    }
    mulShr(pendingAlpha >> 32, pendingAlpha << 32, qHi, qLo, 32);
    delegateTake(wHi, wLo, takeRate, aTake + o, aRest + o);
    qHi = 0;
    qLo = 0;
    if (divShl(rHi, rLo, trHi, trLo, 32)) {
      qHi = wHi;
      qLo = wLo;
    }
    mulShr(pendingRoot >> 32, pendingRoot << 32, qHi, qLo, 32);
    delegateTake(wHi, wLo, takeRate, rTake + o, rRest + o);
  }
}
