// Validation of research inputs and their encoding into flat typed arrays for the WASM
// kernels. Errors name the field and the rule (YumaInputError); nothing invalid goes further.

import { YumaInputError } from "../errors.js";
import { checkKeys, hasOwn, keyPath, ownRecord, quote } from "../input.js";
import { checkResearchMemory } from "../memory.js";
import type { ResearchInput, ResearchOptions, ResearchParams, YumaVersion } from "./types.js";

export const RESEARCH_FORMAT = "yuma-research-input/1";

export const YUMA_VERSIONS: readonly YumaVersion[] = ["YUMA1", "YUMA2", "YUMA2B", "YUMA2C", "YUMA3", "YUMA3_LIQUID"];

/**
 * Defaults of missing parameters: yuma-simulation 0.1.1's dataclass defaults
 * (SimulationHyperparameters, YumaParams), except `bondPenalty`, whose peer default is
 * None (Yuma 1/2/2B then fail); we use 1, subtensor's default BondsPenalty (65535/65535).
 */
export const DEFAULT_RESEARCH_PARAMS: Readonly<ResearchParams> = Object.freeze({
  kappa: 0.5,
  bondPenalty: 1,
  bondMovingAverage: 0.1,
  liquidAlpha: false,
  alphaLow: 0.1,
  alphaHigh: 0.3,
  alphaSigmoidSteepness: 10,
  decayRate: 0.1,
  capacityAlpha: 0.1,
  winnerTakesAll: false,
  liquidAlphaConsensusMode: "current",
  validatorEmissionRatio: 0.41,
  totalEpochEmission: 100,
  totalSubnetStake: 1_000_000,
});

/** What a checked input says besides its epochs' values. */
export interface ResearchShape {
  version: YumaVersion;
  peerCompat: boolean;
  peerFloat: "float32" | "float64";
  peerVectorBits: 256 | 512;
  params: ResearchParams;
  /** Liquid alpha in effect (the parameter, or implied by YUMA3_LIQUID). */
  liquid: boolean;
  validators: number;
  servers: number;
  epochs: number;
}

/** A validated input: every epoch's W row-major in one Float64Array, S in another. */
export interface EncodedResearch extends ResearchShape {
  /** epochs × validators × servers, row-major per epoch. */
  W: Float64Array;
  /** epochs × validators. */
  S: Float64Array;
  /** Bond-reset mask, epochs × servers (1 = reset); absent when no epoch has resets. */
  R?: Uint8Array;
}

const FLOAT32_MAX = 3.4028234663852886e38;

const fail = (field: string, rule: string): never => {
  throw new YumaInputError(field, rule);
};

function typeName(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return typeof v;
}

function describe(v: unknown): string {
  return typeof v === "number" ? String(v) : typeName(v);
}

/** An object as a null-prototype copy of its own properties (inherited names read as undefined). */
function requireObject(v: unknown, field: string): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) fail(field, `must be an object, got ${typeName(v)}`);
  return ownRecord(v as object);
}

function requireNumber(v: unknown, field: string, min: number, max: number): number {
  if (typeof v !== "number" || !Number.isFinite(v)) return fail(field, `must be a finite number, got ${describe(v)}`);
  if (v < min || v > max) fail(field, `must be in [${min}, ${max}], got ${v}`);
  return v;
}

function requireBoolean(v: unknown, field: string): boolean {
  if (typeof v !== "boolean") fail(field, `must be a boolean, got ${typeName(v)}`);
  return v as boolean;
}

/** The rule of a sum that overflows the peer's float type. */
function overflowRule(what: string, value: number, peerFloat: "float32" | "float64"): string {
  const shown = Number.isFinite(value) ? value.toPrecision(4) : "beyond float64's range";
  return `${what} ${shown} overflows ${peerFloat} (the peer-compatible kernels compute in it, as the peer does): scale the values down`;
}

/** The rule a weight or stake breaks (called only for a refused value). */
function badValue(field: string, x: unknown, limit: number): never {
  if (typeof x !== "number" || !Number.isFinite(x)) return fail(field, `must be a finite number, got ${describe(x)}`);
  if (x < 0) return fail(field, `must not be negative, got ${x}`);
  return fail(field, `must be at most ${limit} (float32), got ${x}`);
}

type ParamRule = (v: unknown, field: string) => unknown;
const unit: ParamRule = (v, f) => requireNumber(v, f, 0, 1);
const nonNegative: ParamRule = (v, f) => requireNumber(v, f, 0, Number.MAX_VALUE);

const PARAM_RULES: Record<keyof ResearchParams, ParamRule> = {
  kappa: unit,
  bondPenalty: unit,
  bondMovingAverage: unit,
  liquidAlpha: requireBoolean,
  alphaLow: unit,
  alphaHigh: unit,
  alphaSigmoidSteepness: (v, f) => requireNumber(v, f, -Number.MAX_VALUE, Number.MAX_VALUE),
  decayRate: unit,
  capacityAlpha: unit,
  winnerTakesAll: requireBoolean,
  liquidAlphaConsensusMode: (v, f) => {
    const m = typeof v === "string" ? v.toLowerCase() : undefined;
    if (m !== "current" && m !== "previous" && m !== "mixed") {
      fail(f, `must be "current", "previous" or "mixed", got ${typeof v === "string" ? quote(v) : typeName(v)}`);
    }
    return m;
  },
  validatorEmissionRatio: unit,
  totalEpochEmission: nonNegative,
  totalSubnetStake: nonNegative,
};

/** The full parameter set: given values checked, missing ones from the defaults. */
export function resolveParams(raw: unknown, field = "params"): ResearchParams {
  const out: Record<string, unknown> = { ...DEFAULT_RESEARCH_PARAMS };
  if (raw === undefined) return out as unknown as ResearchParams;
  const given = requireObject(raw, field);
  for (const [key, value] of Object.entries(given)) {
    // Own keys of the rule table only: `toString`, `valueOf`, `__proto__`… are unknown parameters.
    if (!hasOwn(PARAM_RULES, key)) fail(keyPath(field, key), `unknown parameter (known: ${Object.keys(PARAM_RULES).join(", ")})`);
    if (value === undefined || value === null) continue; // null (the peer's None): the default
    out[key] = PARAM_RULES[key as keyof ResearchParams](value, `${field}.${key}`);
  }
  const p = out as unknown as ResearchParams;
  if (p.alphaLow > p.alphaHigh) fail(`${field}.alphaLow`, `must not exceed alphaHigh (${p.alphaHigh}), got ${p.alphaLow}`);
  return p;
}

/**
 * Check parameter overrides (scenario and sweep options): every own key must name a
 * parameter (inherited names such as `toString` never do) and every value obey its rule;
 * undefined and null entries are dropped. Returns the checked values.
 */
export function checkParamOverrides(raw: unknown, field = "params"): Partial<ResearchParams> {
  const out: Record<string, unknown> = {};
  if (raw === undefined) return out;
  const given = requireObject(raw, field);
  for (const [key, value] of Object.entries(given)) {
    if (!hasOwn(PARAM_RULES, key)) fail(keyPath(field, key), `unknown parameter (known: ${Object.keys(PARAM_RULES).join(", ")})`);
    if (value === undefined || value === null) continue;
    out[key] = PARAM_RULES[key as keyof ResearchParams](value, `${field}.${key}`);
  }
  return out as Partial<ResearchParams>;
}

/** A row of numbers: a plain array, or a typed array (Float64Array, Float32Array…: what a
 *  caller holding tensors passes without building arrays of boxed numbers). */
function isVector(x: unknown): x is ArrayLike<unknown> {
  return Array.isArray(x) || (ArrayBuffer.isView(x) && !(x instanceof DataView));
}

/**
 * A research input checked up to its epochs' arrays: format, version, parameters, options, the
 * epoch list and the shape (V × N) of epoch 0, with the memory that shape needs. Each epoch's
 * W, S and resets are checked by `encodeEpochInto`, as they are written (into the flat arrays
 * of `encodeResearch`, or straight into the kernels' linear memory by `runResearch`).
 */
export interface ResearchHeader extends ResearchShape {
  /** The epochs as given (each checked by encodeEpochInto). */
  epochList: readonly unknown[];
  prefix: string;
}

/** Check everything of a research input but its epochs' values. `prefix` is prepended to field paths. */
const RESEARCH_OPTION_KEYS: ReadonlySet<string> = new Set(["peerFloat", "peerVectorBits"]);

export function researchHeader(input: unknown, options: ResearchOptions = {}, prefix = ""): ResearchHeader {
  const at = (f: string) => prefix + f;
  const doc = requireObject(input, prefix ? prefix.replace(/\.$/, "") : "input") as Partial<ResearchInput> & Record<string, unknown>;
  if (doc.format !== RESEARCH_FORMAT) {
    fail(at("format"), `must be ${JSON.stringify(RESEARCH_FORMAT)}, got ${typeof doc.format === "string" ? quote(doc.format) : typeName(doc.format)}`);
  }
  // Other top-level fields (a name, a description...) are ignored, like fields of an epoch
  // other than W, S and resetBonds (peer compatibility; docs/research.md). Fields are read as
  // own properties only, so an ignored key such as "toString" or "__proto__" never stands in
  // for a known one.
  const version = doc.version as YumaVersion;
  if (!YUMA_VERSIONS.includes(version)) {
    fail(at("version"), `must be one of ${YUMA_VERSIONS.join(", ")}, got ${typeof doc.version === "string" ? quote(doc.version) : typeName(doc.version)}`);
  }
  const peerCompat = doc.peerCompat === undefined ? false : requireBoolean(doc.peerCompat, at("peerCompat"));
  const params = resolveParams(doc.params, at("params"));
  // A misspelt option (peerFlot) would silently run the default.
  checkKeys(requireObject(options, "options"), RESEARCH_OPTION_KEYS, "options", "option");
  const peerFloat = options.peerFloat ?? "float32";
  if (peerFloat !== "float32" && peerFloat !== "float64") fail("options.peerFloat", `must be "float32" or "float64", got ${quote(peerFloat)}`);
  const peerVectorBits = options.peerVectorBits ?? 256;
  if (peerVectorBits !== 256 && peerVectorBits !== 512) fail("options.peerVectorBits", `must be 256 or 512, got ${quote(peerVectorBits)}`);
  if (peerCompat && peerFloat === "float32") {
    // The peer computes with its parameters as float32 scalars too: beyond float32's range
    // they would be Infinity.
    for (const key of ["totalEpochEmission", "totalSubnetStake", "alphaSigmoidSteepness"] as const) {
      const v = params[key];
      if (!(Math.abs(v) <= FLOAT32_MAX)) fail(at(`params.${key}`), `must be at most ${FLOAT32_MAX} in magnitude (float32) with peerCompat, got ${v}`);
    }
  }

  if (!Array.isArray(doc.epochs)) return fail(at("epochs"), `must be an array, got ${typeName(doc.epochs)}`);
  const epochs = doc.epochs as unknown[];
  let V = 0, N = 0;
  if (epochs.length > 0) {
    // Epoch 0 fixes the shape; its checks come in the order encodeEpochInto makes them.
    const ef = at("epochs[0]");
    const ep = requireObject(epochs[0], ef);
    const rows = ep.W;
    if (!Array.isArray(rows)) return fail(`${ef}.W`, `must be an array of rows, got ${typeName(rows)}`);
    if (!isVector(ep.S)) return fail(`${ef}.S`, `must be an array, got ${typeName(ep.S)}`);
    V = rows.length;
    if (V === 0) fail(`${ef}.W`, "must have at least one row (validator)");
    const first = rows[0];
    if (!isVector(first)) return fail(`${ef}.W[0]`, `must be an array, got ${typeName(first)}`);
    N = first.length;
    if (N === 0) fail(`${ef}.W[0]`, "must have at least one entry (server)");
    // Before anything of that size is allocated (here, in WASM, or for the outputs of all epochs).
    checkResearchMemory(V, N, `${ef}.W`, { count: epochs.length, field: at("epochs") });
  }
  const liquid = version === "YUMA3_LIQUID" || params.liquidAlpha;
  return {
    version, peerCompat, peerFloat, peerVectorBits, params, liquid,
    validators: V, servers: N, epochs: epochs.length, epochList: epochs, prefix,
  };
}

/**
 * Rows a and b (plain arrays of n) into W at base and base + n, if every entry is a number in
 * [0, small] (the common case: no error, no row sum to check); else false, some entries
 * written, and the caller checks and writes the rows one by one. Two rows in one loop: two
 * independent streams of loads and stores run about twice as fast as one.
 */
function copyPair(a: unknown[], b: unknown[], W: Float64Array | Float32Array, base: number, n: number, small: number): boolean {
  const next = base + n;
  for (let j = 0; j < n; j++) {
    const x = a[j], y = b[j];
    if (typeof x !== "number" || typeof y !== "number" || !(x >= 0 && x <= small && y >= 0 && y <= small)) return false;
    W[base + j] = x;
    W[next + j] = y;
  }
  return true;
}

/**
 * Row a (a plain array of n) into W at base, if every entry is a number (of any value:
 * `firstOutside` checks the values after); else false, some entries written. Eight entries per
 * step, all read before any is written: measured a third faster than one or two rows per step
 * (V8 does not unroll loops).
 */
function copyRowNumbers(a: unknown[], W: Float64Array | Float32Array, base: number, n: number): boolean {
  let j = 0;
  for (; j + 8 <= n; j += 8) {
    const x0 = a[j], x1 = a[j + 1], x2 = a[j + 2], x3 = a[j + 3];
    const x4 = a[j + 4], x5 = a[j + 5], x6 = a[j + 6], x7 = a[j + 7];
    if (
      typeof x0 !== "number" || typeof x1 !== "number" || typeof x2 !== "number" || typeof x3 !== "number" ||
      typeof x4 !== "number" || typeof x5 !== "number" || typeof x6 !== "number" || typeof x7 !== "number"
    ) return false;
    const at = base + j;
    W[at] = x0;
    W[at + 1] = x1;
    W[at + 2] = x2;
    W[at + 3] = x3;
    W[at + 4] = x4;
    W[at + 5] = x5;
    W[at + 6] = x6;
    W[at + 7] = x7;
  }
  for (; j < n; j++) {
    const x = a[j];
    if (typeof x !== "number") return false;
    W[base + j] = x;
  }
  return true;
}

/**
 * The index (from `at`) of the first of `count` entries of W outside [+0, small] — negative
 * (−0 too), NaN, or above small in W's element type — or −1: the range check of the rows
 * encodeEpochInto copies unchecked (float rows whole, plain rows by copyRowNumbers), run by
 * the kernels' module on W in its linear memory.
 */
export type FirstOutside = (at: number, count: number, small: number) => number;

/**
 * Check epoch e of a checked input and write it: W row-major at W[wAt..] (float32 for the
 * float32 peer's kernels: stored rounded, as its tensor holds them), the stakes at
 * S[sAt..], and its bond resets as 1s at resets()[rAt + j] (`resets` is called only when the
 * epoch lists some, and must return zeros there). Returns whether it listed any.
 * With `firstOutside` (W in the kernels' memory), float rows are copied whole and plain rows
 * with a type test only, their values checked by it; rows from the first entry it
 * names on (and from the first row of another kind or length) take the entry-by-entry checks
 * below.
 */
export function encodeEpochInto(
  h: ResearchHeader, e: number, W: Float64Array | Float32Array, wAt: number, S: Float64Array, sAt: number,
  resets: () => Uint8Array, rAt: number, firstOutside?: FirstOutside,
): boolean {
  const V = h.validators, N = h.servers;
  const ef = `${h.prefix}epochs[${e}]`;
  const float32 = h.peerCompat && h.peerFloat === "float32";
  const limit = float32 ? FLOAT32_MAX : Number.MAX_VALUE;
  const ep = requireObject(h.epochList[e], ef);
  const rows = ep.W, stakes = ep.S;
  if (!Array.isArray(rows)) return fail(`${ef}.W`, `must be an array of rows, got ${typeName(rows)}`);
  if (!isVector(stakes)) return fail(`${ef}.S`, `must be an array, got ${typeName(stakes)}`);
  if (rows.length !== V) fail(`${ef}.W`, `must have ${V} rows like epochs[0] (the validator set is fixed), got ${rows.length}`);
  if (stakes.length !== V) fail(`${ef}.S`, `must have one stake per row of W (${V}), got ${stakes.length}`);
  // A row whose entries are all ≤ limit / 2N sums to at most limit / 2: its sum is computed
  // (for the overflow rule below) only when some entry is larger, which keeps the loop free
  // of a carried floating-point dependency.
  const small = limit / (2 * N);
  let i = 0;
  if (firstOutside) {
    // Float rows copied whole, plain rows with a type test per entry, as far as
    // the rows are of these kinds and of length N.
    let r = 0;
    while (r < V) {
      const a = rows[r];
      if (a instanceof Float64Array || a instanceof Float32Array) {
        if (a.length !== N) break;
        W.set(a, wAt + r * N);
        r++;
        continue;
      }
      if (!Array.isArray(a) || a.length !== N || !copyRowNumbers(a, W, wAt + r * N, N)) break;
      r++;
    }
    const k = r > 0 ? firstOutside(wAt, r * N, small) : -1;
    i = k < 0 ? r : Math.floor(k / N);
  }
  for (; i < V; i++) {
    const row = rows[i];
    if (!isVector(row)) return fail(`${ef}.W[${i}]`, `must be an array, got ${typeName(row)}`);
    if (row.length !== N) fail(`${ef}.W[${i}]`, `must have ${N} entries like ${e === 0 ? "W[0]" : "epochs[0].W[0]"} (ragged or changing server set), got ${row.length}`);
    const base = wAt + i * N;
    if (i + 1 < V && Array.isArray(row)) {
      const next = rows[i + 1];
      if (Array.isArray(next) && next.length === N && copyPair(row, next, W, base, N, small)) {
        i++;
        continue;
      }
    }
    let large = false;
    if (row instanceof Float64Array || row instanceof Float32Array) {
      // A float row is copied whole, then checked as given (W may be float32, where a tiny
      // negative would read as −0).
      W.set(row, base);
      for (let j = 0; j < N; j++) {
        const x = row[j]!;
        if (!(x >= 0 && x <= small)) {
          if (!(x >= 0 && x <= limit)) badValue(`${ef}.W[${i}][${j}]`, x, limit);
          large = true;
        }
      }
    } else {
      for (let j = 0; j < N; j++) {
        const x = row[j];
        // One comparison pair accepts the finite values in [0, small] (NaN fails it); the
        // rest are checked against the limit, or mark the row for its sum.
        if (typeof x !== "number" || !(x >= 0 && x <= small)) {
          if (typeof x !== "number" || !(x >= 0 && x <= limit)) badValue(`${ef}.W[${i}][${j}]`, x, limit);
          large = true;
        }
        W[base + j] = x as number;
      }
    }
    // Peer-compatible kernels sum the row as the peer does, in its float type: past its
    // maximum the sum is Infinity and the row normalises to zeros. (Chain-like kernels scale
    // such a row by its maximum first.)
    if (h.peerCompat && large) {
      let rowSum = 0;
      for (let j = 0; j < N; j++) rowSum += float32 ? Math.fround(W[base + j]!) : W[base + j]!;
      if (!(rowSum <= limit)) fail(`${ef}.W[${i}]`, overflowRule("row sum", rowSum, h.peerFloat));
    }
  }
  let total = 0;
  for (let i = 0; i < V; i++) {
    const x = stakes[i];
    if (typeof x !== "number" || !(x >= 0 && x <= limit)) badValue(`${ef}.S[${i}]`, x, limit);
    S[sAt + i] = x as number;
    total += float32 ? Math.fround(x as number) : (x as number);
  }
  if (!(total > 0)) fail(`${ef}.S`, "must have a positive total stake");
  if (h.peerCompat) {
    if (!(total <= limit)) fail(`${ef}.S`, overflowRule("total stake", total, h.peerFloat));
    // The peer's dividends per 1000 TAO divide by S_i·totalSubnetStake (in its float type):
    // Infinity there would pay 0.
    const subnet = h.params.totalSubnetStake;
    for (let i = 0; i < V; i++) {
      const s = S[sAt + i]!;
      const units = float32 ? Math.fround(s) * Math.fround(subnet) : s * subnet;
      if (!(units <= limit)) fail(`${ef}.S[${i}]`, overflowRule("S[i] × params.totalSubnetStake", units, h.peerFloat));
    }
  }
  const list = ep.resetBonds;
  if (list === undefined) return false;
  if (!Array.isArray(list)) return fail(`${ef}.resetBonds`, `must be an array of server indices, got ${typeName(list)}`);
  let R: Uint8Array | undefined;
  for (let k = 0; k < list.length; k++) {
    const j = list[k];
    if (typeof j !== "number" || !Number.isInteger(j) || j < 0 || j >= N) {
      fail(`${ef}.resetBonds[${k}]`, `must be an integer server index in [0, ${N - 1}], got ${describe(j)}`);
    }
    R ??= resets();
    const m = rAt + (j as number);
    if (R[m]) fail(`${ef}.resetBonds[${k}]`, `must not repeat server ${j as number} (listed earlier in resetBonds)`);
    R[m] = 1;
  }
  return R !== undefined;
}

/** Validate a research input and flatten it. `prefix` is prepended to field paths. */
export function encodeResearch(input: unknown, options: ResearchOptions = {}, prefix = ""): EncodedResearch {
  const h = researchHeader(input, options, prefix);
  const V = h.validators, N = h.servers, E = h.epochs;
  const W = new Float64Array(E * V * N), S = new Float64Array(E * V);
  let R: Uint8Array | undefined;
  const resets = () => (R ??= new Uint8Array(E * N));
  for (let e = 0; e < E; e++) encodeEpochInto(h, e, W, e * V * N, S, e * V, resets, e * N);
  const { epochList: _list, prefix: _prefix, ...rest } = h;
  return { ...rest, W, S, ...(R ? { R } : {}) };
}
