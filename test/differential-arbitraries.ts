// Generators and comparison for test/differential.test.ts: random VALID subnets (FORMAT.md)
// built to hit the hard cases of the chain epoch — ties in stake and in weights, explicit
// zeros, all-zero columns, unsorted weight and bond rows, bond uids outside the weight row,
// parameter extremes, short/empty LastUpdate, recently registered uids, commit-reveal, owner,
// stake threshold, huge and zero stakes, emissions up to u64::MAX — and a first-difference
// report between the engine's outputs and the BigInt reference (test/reference/).
import fc from "fast-check";
import type { EpochOutputs } from "../src/index.js";
import type { RefOutputs } from "./reference/epoch.js";

const U64_MAX = (1n << 64n) - 1n;
const STAKE_TOTAL_MAX = (1n << 63n) - 1n; // FORMAT.md: the total stays below 2^63
const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

export type Row = Array<[number, number]>;
// Parsed fixture JSON: untyped, as JSON.parse returns it (the API checks it at run time).
export type Json = any;
export interface Subnet { params: Json; inputs: Json }

const u64 = (x: bigint): number | string => (x <= SAFE ? Number(x) : x.toString());
const satSub = (a: bigint, b: bigint) => (a > b ? a - b : 0n);
const satAdd = (a: bigint, b: bigint) => (a + b > U64_MAX ? U64_MAX : a + b);
const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const w = <T>(weight: number, arbitrary: fc.Arbitrary<T>) => ({ weight, arbitrary });
export const bigJson = (x: unknown) => JSON.stringify(x, (_, v) => (typeof v === "bigint" ? v.toString() : v));

// ------------------------------------------------------------------ arbitraries

/** Subnet sizes of the committed test: 0..48 (the reference is slow; larger n in scratch runs). */
export const DEFAULT_N = fc.oneof(
  w(1, fc.constant(0)),
  w(4, fc.integer({ min: 1, max: 4 })),
  w(5, fc.integer({ min: 5, max: 16 })),
  w(3, fc.integer({ min: 17, max: 48 })),
);

const u16Edge = (...edges: number[]) => fc.oneof(w(1, fc.constantFrom(...edges)), w(2, fc.integer({ min: 0, max: 65535 })));

const paramsArb = fc.record({
  block: fc.oneof(
    w(1, fc.bigInt({ min: 0n, max: 6_000n })), // young chain: blocks below the activity cutoff
    w(8, fc.bigInt({ min: 1_000_000n, max: 6_000_000n })),
    w(1, fc.bigInt({ min: U64_MAX - 20_000n, max: U64_MAX })),
  ),
  tempo: fc.oneof(w(4, fc.constant(360)), w(2, fc.integer({ min: 1, max: 2000 })), w(1, fc.constantFrom(0, 1, 65535))),
  activityCutoff: fc.oneof(w(5, fc.constant(5000n)), w(3, fc.bigInt({ min: 1n, max: 20_000n })), w(1, fc.constantFrom(0n, 1n, U64_MAX))),
  kappa: fc.oneof(w(3, fc.constant(32767)), w(1, fc.constantFrom(0, 1, 13107, 32768, 65534, 65535)), w(2, fc.integer({ min: 0, max: 65535 }))),
  bondsPenalty: u16Edge(0, 1, 32767, 65534, 65535),
  bondsMovingAverage: fc.oneof(w(1, fc.constantFrom(0, 1, 500000, 900000, 975000, 999999, 1000000)), w(2, fc.integer({ min: 0, max: 1_000_000 }))),
  variant: fc.oneof(w(2, fc.constant("yuma2")), w(1, fc.constant("yuma2+liquid")), w(2, fc.constant("yuma3")), w(5, fc.constant("yuma3+liquid"))),
  alphas: fc.oneof(
    w(2, fc.constant([45875, 58982])),
    w(3, fc.tuple(fc.integer({ min: 0, max: 65535 }), fc.integer({ min: 0, max: 65535 })).map(([a, b]) => (a <= b ? [a, b] : [b, a]))),
    w(1, fc.integer({ min: 0, max: 65535 }).map((a) => [a, a])), // alphaLow == alphaHigh
    w(1, fc.constantFrom([0, 65535], [1638, 1638], [0, 0], [65535, 65535], [1638, 65535])),
  ),
  steepness: fc.oneof(
    // ±200 / ±400 make the exp input exactly 1.0 for diff 0 or 1 / 0.25 or 0.75 (exp's e shortcut)
    w(2, fc.constantFrom(-32768, -32767, -1000, -400, -200, -100, -1, 0, 1, 100, 200, 400, 1000, 32767)),
    w(2, fc.integer({ min: -32768, max: 32767 })),
    w(1, fc.integer({ min: -2000, max: 2000 })),
  ),
  maxValidatorsKind: fc.oneof(w(5, fc.nat(1000)), w(1, fc.constantFrom(64, 128, 256, 65535))), // mapped to 0..n+2 below
  thresholdKind: fc.oneof(w(5, fc.constant("zero")), w(2, fc.constant("some")), w(1, fc.constant("exact")), w(1, fc.constant("max"))),
  ownerPick: fc.option(fc.nat(1000), { freq: 2 }),
  lmsKind: fc.oneof(w(2, fc.constant("zero")), w(4, fc.constant("tempo")), w(2, fc.constant("near")), w(1, fc.constant("ahead"))),
  lmsOffset: fc.bigInt({ min: 0n, max: 3_000n }),
  raoEmission: fc.oneof(
    w(3, fc.constant(1_000_000_000n)),
    w(1, fc.constantFrom(0n, 1n, U64_MAX, U64_MAX - 1n, 1n << 63n)),
    w(2, fc.bigInt({ min: 0n, max: U64_MAX })),
  ),
  commitReveal: fc.oneof(w(3, fc.constant(false)), w(1, fc.constant(true))),
});

/** Per-uid raw choices; turned into chain values once n, the block and the params are known. */
const uidArb = fc.record({
  stake: fc.bigInt({ min: 0n, max: 1n << 62n }),
  stakePool: fc.constantFrom(0n, 0n, 1n, 1000n, 10n ** 9n, 10n ** 12n, 10n ** 12n, 5n * 10n ** 12n),
  luKind: fc.oneof(
    w(8, fc.constant("recent")), w(1, fc.constant("edge")), w(1, fc.constant("edge-1")), w(2, fc.constant("stale")), w(1, fc.constant("zero")),
  ),
  luOffset: fc.bigInt({ min: 0n, max: 30_000n }),
  regKind: fc.oneof(
    w(16, fc.constant("old")), w(1, fc.constant("at-update")), w(1, fc.constant("after-update")),
    w(1, fc.constant("at-lms")), w(1, fc.constant("after-lms")), w(1, fc.constant("zero")), w(1, fc.constant("tempo-edge")),
  ),
  regOffset: fc.bigInt({ min: 0n, max: 3n }),
  permit: fc.oneof(w(5, fc.constant(true)), w(1, fc.constant(false))),
  commitKind: fc.oneof(w(2, fc.constant("none")), w(2, fc.constant("old")), w(1, fc.constant("recent")), w(1, fc.constant("at-reg"))),
  commitOffset: fc.bigInt({ min: 0n, max: 2_000n }),
});

const VALUE_MODES = ["random", "coarse", "binary", "agree", "few", "few", "max-upscaled", "sum-65535"] as const;
const ORDERS = ["sorted", "reversed", "shuffled", "shuffled"] as const;

/** A stored row: a subset of uids (sometimes all, sometimes none) in some order, with values. */
const rowChoiceArb = (n: number) => fc.record({
  // density −1: exactly one entry (a normalised weight of exactly 1.0)
  density: fc.oneof(w(1, fc.constant(0)), w(1, fc.constant(-1)), w(4, fc.double({ min: 0, max: 1, noNaN: true })), w(4, fc.constant(1))),
  keys: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: n, maxLength: n }), // uid sort keys (shuffle)
  pick: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: n, maxLength: n }), // inclusion draws
  values: fc.array(fc.integer({ min: 0, max: 65535 }), { minLength: n, maxLength: n }),
  noise: fc.array(fc.integer({ min: -3, max: 3 }), { minLength: n, maxLength: n }),
});

export const makeSubnetArb = (nArb: fc.Arbitrary<number>): fc.Arbitrary<Subnet> => fc.tuple(nArb, paramsArb).chain(([n, p]) =>
  fc.record({
    n: fc.constant(n),
    p: fc.constant(p),
    uids: fc.array(uidArb, { minLength: n, maxLength: n }),
    stakeMode: fc.oneof(
      w(4, fc.constant("random")), w(3, fc.constant("pool")), w(2, fc.constant("huge")), w(1, fc.constant("zeros")),
      w(1, fc.constant("one-huge")), w(1, fc.constant("small")), w(2, fc.constant("kappa-boundary")),
    ),
    luLen: fc.oneof(w(6, fc.constant(n)), w(2, fc.integer({ min: 0, max: n })), w(1, fc.constant(0))),
    weightMode: fc.constantFrom(...VALUE_MODES),
    weightOrder: fc.constantFrom(...ORDERS),
    weightRows: fc.array(rowChoiceArb(n), { minLength: n, maxLength: n }),
    bondMode: fc.constantFrom("random", "coarse", "max-upscaled", "from-weights", "saturated", "copy-weights"),
    bondOrder: fc.constantFrom("sorted", "reversed", "shuffled", "weight-order"),
    bondRows: fc.array(rowChoiceArb(n), { minLength: n, maxLength: n }),
    agreeBase: fc.array(fc.integer({ min: 0, max: 65535 }), { minLength: n, maxLength: n }),
    thresholdPick: fc.nat(),
    // a "healthy" subnet (every uid recent and permitted, staked validators, no threshold) makes
    // non-degenerate epochs common; the others are free-for-all
    healthy: fc.boolean(),
  }).map(build));

function pickValue(mode: string, raw: number, base: number, noise: number): number {
  switch (mode) {
    case "coarse": return [0, 0, 1, 2, 32767, 65534, 65535, 65535][raw % 8]!;
    case "binary": return raw % 2 === 0 ? 0 : 65535;
    case "few": return [base === 0 ? 1 : base, 65535, 0, 32768][raw % 4]!; // a handful of values: median ties
    case "agree": return Math.min(65535, Math.max(0, base + noise * (raw % 5 === 0 ? 1000 : 1)));
    default: return raw;
  }
}

function buildRow(n: number, c: Json, mode: string, order: string, agreeBase: number[], weightRow?: Row): Row {
  let uids = c.density === -1
    ? range(n).sort((a, b) => c.pick[a] - c.pick[b] || a - b).slice(0, 1)
    : range(n).filter((j) => c.density === 1 || c.pick[j] < c.density);
  if (order === "reversed") uids.reverse();
  else if (order === "shuffled") uids.sort((a, b) => c.keys[a] - c.keys[b] || a - b);
  else if (order === "weight-order" && weightRow) {
    // follow the weight row's order (as the liquid path stores bonds), then the rest shuffled
    const inW = weightRow.map(([j]) => j).filter((j) => uids.includes(j));
    const rest = uids.filter((j) => !inW.includes(j)).sort((a, b) => c.keys[a] - c.keys[b] || a - b);
    uids = [...inW, ...rest];
  }
  const raw = mode === "max-upscaled" || mode === "sum-65535" ? "random" : mode;
  const row: Row = uids.map((j) => [j, pickValue(raw, c.values[j], agreeBase[j]!, c.noise[j])]);
  if (mode === "sum-65535" && row.length > 0) {
    // values summing to exactly 65535: each normalised weight then equals the u16 proportion
    // v/65535 of the same value (so a bond row copying it ties weight == bond exactly)
    const tot = row.reduce((a, [, v]) => a + v, 0);
    let left = 65535;
    row.forEach((e, k) => {
      e[1] = k === row.length - 1 ? left : Math.min(left, tot === 0 ? 0 : Math.floor((e[1] * 65535) / tot));
      left -= e[1];
    });
  }
  if (mode === "max-upscaled" && row.length > 0) {
    // as set_weights stores it: the row maximum is 65535 (ties allowed)
    const mx = Math.max(...row.map(([, v]) => v));
    for (const e of row) e[1] = mx === 0 ? 65535 : Math.floor((e[1] * 65535) / mx);
  }
  return row;
}

function build(g: Json): Subnet {
  const n: number = g.n;
  const p = g.p;
  const block: bigint = p.block;
  const cutoff: bigint = p.activityCutoff;
  const tempo = BigInt(p.tempo);

  // lastMechanismStepBlock
  let lms: bigint;
  switch (p.lmsKind) {
    case "zero": lms = 0n; break;
    case "tempo": lms = satSub(block, tempo + 1n); break;
    case "near": lms = satSub(block, p.lmsOffset); break;
    default: lms = satAdd(block, p.lmsOffset); break; // ahead of the current block
  }
  const lastTempo = lms === 0n ? satSub(block, tempo) : satAdd(lms, 1n);

  // stakes
  const stakeMode = g.healthy && ["zeros", "small"].includes(g.stakeMode) ? "random" : g.stakeMode;
  let stake: bigint[] = g.uids.map((u: Json) => {
    switch (stakeMode) {
      case "pool": return u.stakePool;
      case "zeros": return 0n;
      case "small": return u.stake % 4n;
      default: return u.stake;
    }
  });
  if (stakeMode === "huge" && n > 0) {
    // total just under 2^63: scale to the limit, then give the rounding slack to one uid
    const tot = stake.reduce((a, b) => a + b, 0n);
    if (tot > 0n) {
      stake = stake.map((s) => (s * STAKE_TOTAL_MAX) / tot);
      const slack = STAKE_TOTAL_MAX - stake.reduce((a, b) => a + b, 0n);
      stake[0] = stake[0]! + slack - (slack > 0n ? 1n : 0n);
    }
  } else if (stakeMode === "kappa-boundary" && n > 0) {
    // total exactly 2^32 rao, so each normalised stake is its rao amount as I32F32 bits; uid 0
    // holds exactly kappa (as I32F32) or 1 − kappa: stake sums then land exactly on the
    // median's minority boundary (minority = Σstake − kappa)
    const K = (BigInt(p.kappa) << 32n) / 65535n;
    const first = g.uids[0].stake % 2n === 0n ? K : (1n << 32n) - K;
    let rest = (1n << 32n) - first;
    stake = stake.map((x, i) => {
      if (i === 0) return first;
      if (i === n - 1) return rest;
      const take = rest === 0n ? 0n : x % (rest + 1n);
      rest -= take;
      return take;
    });
    if (n === 1) stake[0] = 1n << 32n;
  } else if (stakeMode === "one-huge" && n > 0) {
    stake = stake.map((_, i) => (i === 0 ? STAKE_TOTAL_MAX - BigInt(n) : 1n));
  }
  const total = stake.reduce((a, b) => a + b, 0n);
  if (total > STAKE_TOTAL_MAX) stake = stake.map((s) => (s * STAKE_TOTAL_MAX) / total);

  // threshold
  let threshold = 0n;
  if (g.healthy) threshold = 0n;
  else if (p.thresholdKind === "max") threshold = U64_MAX;
  else if (n > 0 && p.thresholdKind !== "zero") {
    const s = stake[g.thresholdPick % n]!;
    threshold = p.thresholdKind === "exact" ? s : s / 2n + 1n;
  }

  // per-uid blocks
  const lastUpdateFull: bigint[] = g.uids.map((u: Json) => {
    switch (g.healthy ? "recent" : u.luKind) {
      case "recent": return satSub(block, cutoff === U64_MAX ? u.luOffset : u.luOffset % (cutoff + 1n));
      case "edge": return satSub(block, cutoff); // exactly active
      case "edge-1": return satSub(block, satAdd(cutoff, 1n)); // just inactive
      case "stale": return satSub(block, satAdd(cutoff, 1n + u.luOffset));
      default: return 0n;
    }
  });
  const registration: bigint[] = g.uids.map((u: Json, i: number) => {
    const lu = lastUpdateFull[i]!;
    switch (u.regKind) {
      case "old": return satSub(satSub(lu, 1n), u.luOffset * 10n);
      case "at-update": return lu; // updated <= registered: the uid's incoming weights are outdated
      case "after-update": return satAdd(lu, 1n + u.regOffset);
      case "at-lms": return satAdd(satSub(lastTempo, 1n), u.regOffset); // around last_tempo <= registered
      case "after-lms": return satAdd(lastTempo, u.regOffset);
      case "tempo-edge": return satAdd(satSub(block, tempo + 1n), u.regOffset);
      default: return 0n;
    }
  });
  const commitBlocks = !p.commitReveal ? null : g.uids.map((u: Json, i: number) => {
    switch (u.commitKind) {
      case "none": return null;
      case "old": return u64(satSub(block, 10_000n + u.commitOffset));
      case "recent": return u64(satSub(block, u.commitOffset % 50n));
      default: return u64(satAdd(satSub(registration[(i * 7 + 3) % n]!, 1n), u.commitOffset % 3n)); // around cb < reg
    }
  });

  const weights: Row[] = g.weightRows.map((c: Json) =>
    buildRow(n, g.healthy && c.density !== -1 ? { ...c, density: Math.max(c.density, 0.85) } : c, g.weightMode, g.weightOrder, g.agreeBase));
  const bonds: Row[] = g.bondRows.map((c: Json, i: number) => {
    if (g.bondMode === "copy-weights") return weights[i]!.map(([j, v]) => [j, v] as [number, number]);
    if (g.bondMode === "saturated") {
      // bond 65535 (a proportion of exactly 1.0) on the weight row's uids: weight == bond ties
      return weights[i]!.map(([j]) => [j, 65535] as [number, number]);
    }
    if (g.bondMode === "from-weights") {
      // mostly the weight row's uids (in its order), plus a few others: bond uids not in the row
      const base = buildRow(n, c, "random", "weight-order", g.agreeBase, weights[i]);
      const inW = new Set(weights[i]!.map(([j]) => j));
      return base.filter(([j]) => inW.has(j) || c.noise[j] >= 2);
    }
    return buildRow(n, c, g.bondMode, g.bondOrder, g.agreeBase, weights[i]);
  });

  const maxValidators = p.maxValidatorsKind >= 64 && [64, 128, 256, 65535].includes(p.maxValidatorsKind)
    ? p.maxValidatorsKind : p.maxValidatorsKind % (n + 3);
  const [yuma3, liquid] = { yuma2: [false, false], "yuma2+liquid": [false, true], yuma3: [true, false], "yuma3+liquid": [true, true] }[p.variant as string]!;

  return {
    params: {
      n, currentBlock: u64(block), tempo: p.tempo, activityCutoff: u64(cutoff), kappa: p.kappa, bondsPenalty: p.bondsPenalty,
      bondsMovingAverage: p.bondsMovingAverage, yuma3, liquidAlpha: liquid, alphaLow: p.alphas[0], alphaHigh: p.alphas[1],
      alphaSigmoidSteepness: p.steepness, maxAllowedValidators: maxValidators, stakeThreshold: threshold.toString(),
      ownerUid: p.ownerPick === null || n === 0 ? null : p.ownerPick % n, lastMechanismStepBlock: u64(lms),
      raoEmission: p.raoEmission.toString(), commitBlocks,
    },
    inputs: {
      stake: stake.map(String),
      lastUpdate: lastUpdateFull.slice(0, g.luLen).map(u64),
      blockAtRegistration: registration.map(u64),
      validatorPermit: g.uids.map((u: Json) => g.healthy || u.permit),
      weights,
      bonds,
    },
  };
}

// ------------------------------------------------------------------ comparison

const FIELDS = ["active", "stakeWeight", "consensus", "incentive", "dividends", "validatorTrust", "newValidatorPermit",
  "serverEmission", "validatorEmission", "emission", "bonds"] as const;
const TRACE_FIELDS = ["stake", "activeStake", "weights", "consensus", "validatorTrust", "incentive", "dividends", "emaBonds"] as const;

/** The first output (or trace) field where engine and reference differ, with both values. */
export function firstDiff(got: EpochOutputs | Json, want: RefOutputs): string | null {
  for (const f of FIELDS) {
    const a = bigJson((got as Json)[f]), b = bigJson((want as Json)[f]);
    if (a !== b) return `${f}: got ${a} want ${b}`;
  }
  for (const f of TRACE_FIELDS) {
    const a = bigJson((got as Json).trace?.[f]), b = bigJson((want.trace as Json)[f]);
    if (a !== b) return `trace.${f}: got ${a} want ${b}`;
  }
  return null;
}

// ------------------------------------------------------------------ trajectories

export interface Traj { params: Json; inputs: Json; epochs: Json[] }

export const subnetArb: fc.Arbitrary<Subnet> = makeSubnetArb(DEFAULT_N);

export const makeTrajectoryArb = (subnets: fc.Arbitrary<Subnet>): fc.Arbitrary<Traj> => subnets.chain((s) => {
  const n: number = s.params.n;
  const epochArb = fc.record({
    gap: fc.oneof(w(3, fc.constant(360n)), w(2, fc.bigInt({ min: 1n, max: 8_000n })), w(1, fc.constant(0n))),
    lmsOverride: fc.option(fc.constant(0), { freq: 5 }),
    rao: fc.option(fc.bigInt({ min: 0n, max: U64_MAX }), { freq: 4 }),
    newWeights: fc.option(fc.record({
      rows: fc.array(rowChoiceArb(n), { minLength: n, maxLength: n }),
      mode: fc.constantFrom(...VALUE_MODES),
      order: fc.constantFrom(...ORDERS),
      base: fc.array(fc.integer({ min: 0, max: 65535 }), { minLength: n, maxLength: n }),
      stakeShift: fc.nat(),
    }), { freq: 3 }),
    refreshUpdate: fc.boolean(),
    cr: fc.option(fc.boolean(), { freq: 3 }),
  });
  return fc.array(epochArb, { minLength: 2, maxLength: 4 }).map((eps): Traj => {
    let block = BigInt(s.params.currentBlock);
    const epochs = eps.map((e, k) => {
      if (k > 0) block = satAdd(block, e.gap);
      const ep: Json = { currentBlock: u64(block) };
      if (e.lmsOverride !== null) ep.lastMechanismStepBlock = 0;
      if (e.rao !== null) ep.raoEmission = e.rao.toString();
      if (k > 0 && e.newWeights !== null) {
        const nw = e.newWeights;
        ep.weights = nw.rows.map((c) => buildRow(n, c, nw.mode, nw.order, nw.base));
        // rotate the stakes: permits move, so bonds rows appear and disappear
        ep.stake = range(n).map((i) => s.inputs.stake[(i + nw.stakeShift) % n]);
      }
      if (k > 0 && e.refreshUpdate) ep.lastUpdate = s.inputs.lastUpdate.map(() => u64(satSub(block, 10n)));
      if (k > 0 && e.cr !== null) ep.commitBlocks = e.cr ? range(n).map((i) => (i % 3 === 0 ? null : u64(satSub(block, BigInt(i * 97))))) : null;
      return ep;
    });
    return { params: { ...s.params, currentBlock: epochs[0]!.currentBlock }, inputs: s.inputs, epochs };
  });
});

export const trajectoryArb: fc.Arbitrary<Traj> = makeTrajectoryArb(subnetArb);
