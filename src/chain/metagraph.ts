// The `yuma-metagraph/1` format (docs/metagraph.md): one subnet's stored state at a block,
// with the field names of the epoch fixture format. Missing fields are filled by named
// assumptions, each listed in `assumptions` (never silently).

import { YumaInputError } from "../errors.js";
import { checkKeys, quote } from "../input.js";
import type { EpochInputs, EpochParams, SparseMatrix } from "../types.js";
import {
  encodeEpoch, encodeSparse, PARAM_KEYS, requireArray, requireBool, requireInt, requireObject, requireRao, requireU16, requireU64,
} from "../validate.js";

export const METAGRAPH_FORMAT = "yuma-metagraph/1";

/** One filled-in or converted field: `assumption` is a stable name (docs/metagraph.md), `detail` says what was assumed. */
export interface MetagraphAssumption {
  field: string;
  assumption: string;
  detail: string;
}

/** The chain's own outputs of the last epoch before `block` (all optional but `block`). */
export interface ChainOutputs {
  /** Block of the epoch these outputs come from. */
  block: number;
  consensus?: number[];
  incentive?: number[];
  dividends?: number[];
  validatorTrust?: number[];
  trust?: number[];
  rank?: number[];
  /** Emission storage, rao per uid. */
  emission?: bigint[];
  validatorPermit?: boolean[];
}

/** A validated metagraph; every epoch field is present (assumed ones are listed in `assumptions`). */
export interface Metagraph {
  format: typeof METAGRAPH_FORMAT;
  netuid: number;
  block: number;
  n: number;
  hotkeys?: string[];
  coldkeys?: string[];
  /** The epoch's params (fixture names); `params.n === n`. */
  params: EpochParams;
  stake: bigint[];
  lastUpdate: number[];
  blockAtRegistration: number[];
  validatorPermit: boolean[];
  weights: SparseMatrix;
  bonds: SparseMatrix;
  chainOutputs?: ChainOutputs;
  assumptions: MetagraphAssumption[];
  /** Free-form provenance (file, repository, commit…); not read by the engine. */
  source?: Record<string, unknown>;
}

export const METAGRAPH_KEYS: ReadonlySet<string> = new Set([
  "format", "netuid", "block", "n", "hotkeys", "coldkeys", "params", "stake", "lastUpdate", "blockAtRegistration",
  "validatorPermit", "weights", "bonds", "chainOutputs", "assumptions", "source",
]);
const CHAIN_OUTPUT_KEYS: ReadonlySet<string> = new Set([
  "block", "consensus", "incentive", "dividends", "validatorTrust", "trust", "rank", "emission", "validatorPermit",
]);
const ASSUMPTION_KEYS: ReadonlySet<string> = new Set(["field", "assumption", "detail"]);

/**
 * Subtensor's default hyperparameters (runtime `Initial*` constants / storage defaults), used
 * for every params field a metagraph leaves out. Assumption name: `chain-default`.
 */
export const CHAIN_DEFAULT_PARAMS = {
  tempo: 360,
  activityCutoff: 5000,
  kappa: 32767,
  bondsPenalty: 65535,
  bondsMovingAverage: 900000,
  yuma3: false,
  liquidAlpha: false,
  alphaLow: 45875,
  alphaHigh: 58982,
  alphaSigmoidSteepness: 1000,
  maxAllowedValidators: 64,
  stakeThreshold: "0",
} as const;

/** The named assumptions (docs/metagraph.md describes each). */
export const ASSUMPTIONS = {
  chainDefault: "chain-default",
  epochAtSnapshotBlock: "epoch-at-snapshot-block",
  lastEpochOneTempoAgo: "last-epoch-one-tempo-ago",
  emissionOneTaoPerBlock: "emission-one-tao-per-block",
  noOwnerUid: "no-owner-uid",
  commitRevealOff: "commit-reveal-off",
  freshWeights: "fresh-weights",
  noRecentRegistration: "no-recent-registration",
  topKPermitsByStake: "top-k-permits-by-stake",
  zeroBonds: "zero-bonds",
  weightsMaxUpscaled: "weights-max-upscaled",
  stakeTaoFloatToRao: "stake-tao-float-to-rao",
} as const;

const fail = (field: string, rule: string): never => {
  throw new YumaInputError(field, rule);
};

function safeInt(v: unknown, field: string): number {
  const b = requireU64(v, field, BigInt(Number.MAX_SAFE_INTEGER));
  return Number(b);
}

/**
 * Top-k validator permits by stake, as the epoch selects them: sort uids by stake
 * descending (stable: the lower uid first on ties), the first min(k, n) get a permit.
 */
export function topKPermits(stake: readonly bigint[], k: number): boolean[] {
  const order = stake.map((s, i) => [s, i] as const).sort((a, b) => (a[0] === b[0] ? a[1] - b[1] : a[0] > b[0] ? -1 : 1));
  const out = new Array<boolean>(stake.length).fill(false);
  for (let r = 0; r < Math.min(k, stake.length); r++) out[order[r]![1]] = true;
  return out;
}

function validateSparse(v: unknown, field: string, n: number): SparseMatrix {
  encodeSparse(v, field, n, "error");
  return (v as Array<Array<[number, number]>>).map((row) => row.map(([u, w]) => [u, w] as [number, number]));
}

function u16Array(v: unknown, field: string, n: number): number[] {
  return requireArray(v, field, n).map((x, i) => requireU16(x, `${field}[${i}]`));
}

function stringArray(v: unknown, field: string, n: number): string[] {
  return requireArray(v, field, n).map((x, i) => (typeof x === "string" ? x : fail(`${field}[${i}]`, `must be a string, got ${quote(x)}`)));
}

/**
 * Validate a `yuma-metagraph/1` object and return it typed, with every missing field filled
 * by a named assumption (appended to `assumptions` after those the file already lists).
 * Bad input → YumaInputError naming the field.
 */
export function readMetagraph(json: unknown): Metagraph {
  const o = requireObject(json, "metagraph");
  checkKeys(o, METAGRAPH_KEYS, "");
  if (o.format !== METAGRAPH_FORMAT) fail("format", `must be ${JSON.stringify(METAGRAPH_FORMAT)}, got ${quote(o.format)}`);
  const netuid = requireU16(o.netuid, "netuid");
  const block = safeInt(o.block, "block");
  const n = requireInt(o.n, "n", 0, 65535);
  const assumptions: MetagraphAssumption[] = [];
  if (o.assumptions !== undefined) {
    requireArray(o.assumptions, "assumptions").forEach((a, i) => {
      const r = requireObject(a, `assumptions[${i}]`, ASSUMPTION_KEYS);
      for (const k of ["field", "assumption"] as const) if (typeof r[k] !== "string") fail(`assumptions[${i}].${k}`, "must be a string");
      if (r.detail !== undefined && typeof r.detail !== "string") fail(`assumptions[${i}].detail`, "must be a string");
      assumptions.push({ field: r.field as string, assumption: r.assumption as string, detail: (r.detail as string | undefined) ?? "" });
    });
  }
  const assume = (field: string, assumption: string, detail: string) => assumptions.push({ field, assumption, detail });

  const hotkeys = o.hotkeys === undefined ? undefined : stringArray(o.hotkeys, "hotkeys", n);
  const coldkeys = o.coldkeys === undefined ? undefined : stringArray(o.coldkeys, "coldkeys", n);
  if (o.stake === undefined) fail("stake", "is required (rao per uid, decimal strings)");
  const stake = requireArray(o.stake, "stake", n).map((s, i) => requireRao(s, `stake[${i}]`));
  if (o.weights === undefined) fail("weights", "is required (sparse u16 rows as stored)");
  const weights = validateSparse(o.weights, "weights", n);

  // params: given fields are kept; each missing one is assumed and listed.
  const pin = o.params === undefined ? Object.create(null) as Record<string, unknown> : requireObject(o.params, "params");
  checkKeys(pin, PARAM_KEYS, "params");
  if (pin.n !== undefined && pin.n !== n) fail("params.n", `must equal n = ${n}, got ${quote(pin.n)}`);
  const p: Record<string, unknown> = { n };
  for (const [k, v] of Object.entries(CHAIN_DEFAULT_PARAMS)) {
    if (pin[k] !== undefined) p[k] = pin[k];
    else {
      p[k] = v;
      assume(`params.${k}`, ASSUMPTIONS.chainDefault, `${k} = ${JSON.stringify(v)} (subtensor default)`);
    }
  }
  const tempo = requireU16(p.tempo, "params.tempo");
  const given = (k: string, value: () => unknown, name: string, detail: string) => {
    if (pin[k] !== undefined) p[k] = pin[k];
    else {
      p[k] = value();
      assume(`params.${k}`, name, detail);
    }
  };
  given("currentBlock", () => block, ASSUMPTIONS.epochAtSnapshotBlock, `currentBlock = block = ${block}: the epoch runs on the state read at the snapshot block`);
  const curBlock = safeInt(p.currentBlock, "params.currentBlock");
  given("lastMechanismStepBlock", () => Math.max(0, curBlock - tempo), ASSUMPTIONS.lastEpochOneTempoAgo, `lastMechanismStepBlock = currentBlock - tempo = ${Math.max(0, curBlock - tempo)}`);
  given("raoEmission", () => String(BigInt(tempo) * 1_000_000_000n), ASSUMPTIONS.emissionOneTaoPerBlock, `raoEmission = tempo × 1 TAO = ${BigInt(tempo) * 1_000_000_000n} rao (the emission only scales the rao outputs)`);
  given("ownerUid", () => null, ASSUMPTIONS.noOwnerUid, "ownerUid = null: the subnet owner has no uid on the subnet");
  given("commitBlocks", () => null, ASSUMPTIONS.commitRevealOff, "commitBlocks = null: commit-reveal off, every stored weight is visible");

  const lastUpdate = o.lastUpdate !== undefined
    ? requireArray(o.lastUpdate, "lastUpdate", n).map((x, i) => safeInt(x, `lastUpdate[${i}]`))
    : (assume("lastUpdate", ASSUMPTIONS.freshWeights, `lastUpdate = block = ${block} for every uid: no weight row is masked by the activity cutoff`), new Array<number>(n).fill(block));
  const blockAtRegistration = o.blockAtRegistration !== undefined
    ? requireArray(o.blockAtRegistration, "blockAtRegistration", n).map((x, i) => safeInt(x, `blockAtRegistration[${i}]`))
    : (assume("blockAtRegistration", ASSUMPTIONS.noRecentRegistration, "blockAtRegistration = 0 for every uid: nobody registered after setting or receiving weights"), new Array<number>(n).fill(0));
  const k = requireU16(p.maxAllowedValidators, "params.maxAllowedValidators");
  const validatorPermit = o.validatorPermit !== undefined
    ? requireArray(o.validatorPermit, "validatorPermit", n).map((x, i) => requireBool(x, `validatorPermit[${i}]`))
    : (assume("validatorPermit", ASSUMPTIONS.topKPermitsByStake, `permits for the top ${Math.min(k, n)} uids by stake (k = maxAllowedValidators = ${k}; ties: lower uid first)`), topKPermits(stake, k));
  const bonds = o.bonds !== undefined
    ? validateSparse(o.bonds, "bonds", n)
    : (assume("bonds", ASSUMPTIONS.zeroBonds, "previous bonds are zero (every bond row empty)"), Array.from({ length: n }, () => [] as Array<[number, number]>));

  let chainOutputs: ChainOutputs | undefined;
  if (o.chainOutputs !== undefined) {
    const c = requireObject(o.chainOutputs, "chainOutputs", CHAIN_OUTPUT_KEYS);
    chainOutputs = { block: safeInt(c.block, "chainOutputs.block") };
    for (const f of ["consensus", "incentive", "dividends", "validatorTrust", "trust", "rank"] as const) {
      if (c[f] !== undefined) chainOutputs[f] = u16Array(c[f], `chainOutputs.${f}`, n);
    }
    if (c.emission !== undefined) chainOutputs.emission = requireArray(c.emission, "chainOutputs.emission", n).map((x, i) => requireRao(x, `chainOutputs.emission[${i}]`));
    if (c.validatorPermit !== undefined) chainOutputs.validatorPermit = requireArray(c.validatorPermit, "chainOutputs.validatorPermit", n).map((x, i) => requireBool(x, `chainOutputs.validatorPermit[${i}]`));
  }
  const source = o.source === undefined ? undefined : requireObject(o.source, "source");

  // One representation per field: u64s as numbers (bigints past 2^53), rao as decimal strings.
  const e = encodeEpoch(p as unknown as EpochParams, { stake, lastUpdate: [], blockAtRegistration: new Array(n).fill(0), validatorPermit: new Array(n).fill(false), weights: new Array(n).fill([]), bonds: new Array(n).fill([]) });
  const u64 = (b: bigint) => (b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b);
  const params: EpochParams = {
    n, currentBlock: u64(e.currentBlock), tempo: Number(e.tempo), activityCutoff: u64(e.activityCutoff), kappa: e.kappa,
    bondsPenalty: e.bondsPenalty, bondsMovingAverage: u64(e.bondsMovingAverage), yuma3: e.yuma3, liquidAlpha: e.liquidAlpha,
    alphaLow: e.alphaLow, alphaHigh: e.alphaHigh, alphaSigmoidSteepness: e.alphaSigmoidSteepness,
    maxAllowedValidators: e.maxAllowedValidators, stakeThreshold: String(e.stakeThreshold), ownerUid: e.ownerUid < 0 ? null : e.ownerUid,
    lastMechanismStepBlock: u64(e.lastMechanismStepBlock), raoEmission: String(e.raoEmission),
    commitBlocks: e.commitBlocks === null ? null : [...e.commitBlocks].map((b) => (b === (1n << 64n) - 1n ? null : u64(b))),
  };
  const m: Metagraph = {
    format: METAGRAPH_FORMAT, netuid, block, n, ...(hotkeys ? { hotkeys } : {}), ...(coldkeys ? { coldkeys } : {}),
    params, stake, lastUpdate, blockAtRegistration, validatorPermit, weights, bonds,
    ...(chainOutputs ? { chainOutputs } : {}), assumptions, ...(source ? { source: { ...source } } : {}),
  };
  // The whole epoch is checked once more by the engine's own validation (params ranges etc.).
  encodeEpoch(params, metagraphToEpoch(m).inputs);
  return m;
}

/** params + inputs that runEpoch accepts (the metagraph's stored state at its block). */
export function metagraphToEpoch(m: Metagraph): { params: EpochParams; inputs: EpochInputs } {
  return {
    params: { ...m.params, n: m.n },
    inputs: {
      stake: m.stake.map(String),
      lastUpdate: [...m.lastUpdate],
      blockAtRegistration: [...m.blockAtRegistration],
      validatorPermit: [...m.validatorPermit],
      weights: m.weights.map((r) => r.map(([u, w]) => [u, w] as [number, number])),
      bonds: m.bonds.map((r) => r.map(([u, w]) => [u, w] as [number, number])),
    },
  };
}

/** A Metagraph as `yuma-metagraph/1` JSON (rao and u64 as decimal strings where the format says so). */
export function metagraphToJson(m: Metagraph): Record<string, unknown> {
  // bigints (u64s past 2^53) are written as decimal strings, which readMetagraph accepts.
  const big = (x: unknown) => (typeof x === "bigint" ? x.toString() : x);
  const p: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(m.params)) p[k] = Array.isArray(v) ? v.map(big) : big(v);
  const out: Record<string, unknown> = { format: m.format, netuid: m.netuid, block: m.block, n: m.n };
  if (m.source) out.source = m.source;
  if (m.hotkeys) out.hotkeys = m.hotkeys;
  if (m.coldkeys) out.coldkeys = m.coldkeys;
  out.params = p;
  out.stake = m.stake.map(String);
  out.lastUpdate = m.lastUpdate;
  out.blockAtRegistration = m.blockAtRegistration;
  out.validatorPermit = m.validatorPermit;
  out.weights = m.weights;
  out.bonds = m.bonds;
  if (m.chainOutputs) {
    const c = m.chainOutputs;
    out.chainOutputs = { ...c, ...(c.emission ? { emission: c.emission.map(String) } : {}) };
  }
  out.assumptions = m.assumptions;
  return out;
}

