// Readers that turn other tools' metagraph dumps into `yuma-metagraph/1`:
//  - bactensor/yuma-simulation's saved metagraphs (a torch.save zip: netuid, block, S, W, hotkeys)
//  - a JSON dump of the bittensor SDK's metagraph attributes (docs/metagraph.md has the Python)
// Float values are converted back to what the chain stores, each conversion listed as a named
// assumption; everything the dump lacks is filled by readMetagraph's assumptions.

import { YumaInputError } from "../errors.js";
import { hasOwn, jsonDepth, MAX_JSON_DEPTH, quote } from "../input.js";
import type { SparseMatrix } from "../types.js";
import { requireArray, requireBytes, requireInt, requireNoHoles, requireObject } from "../validate.js";
import { ASSUMPTIONS, METAGRAPH_FORMAT, readMetagraph, type Metagraph, type MetagraphAssumption } from "./metagraph.js";
import { isNdArray, MAX_ELEMENTS, type NdArray } from "./pickle.js";
import { readTorchSave } from "./torch.js";

const fail = (field: string, rule: string): never => {
  throw new YumaInputError(field, rule);
};

/**
 * The rao nearest to `tao` TAO, computed exactly from the binary value of the float (a
 * float32 widened to a double is exact): round(tao × 10^9), ties to even.
 */
export function taoFloatToRao(tao: number, field = "stake"): bigint {
  if (!Number.isFinite(tao) || tao < 0) return fail(field, `must be a finite non-negative TAO amount, got ${tao}`);
  if (tao === 0) return 0n;
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, tao);
  const bits = dv.getBigUint64(0);
  const exp = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & ((1n << 52n) - 1n);
  const mant = exp === 0 ? frac : frac | (1n << 52n);
  const e = (exp === 0 ? 1 : exp) - 1075; // tao = mant · 2^e
  const num = mant * 1_000_000_000n;
  if (e >= 0) return num << BigInt(e);
  const den = 1n << BigInt(-e);
  const q = num / den, r = num % den;
  const twice = 2n * r;
  return twice > den || (twice === den && (q & 1n) === 1n) ? q + 1n : q;
}

/**
 * Row-normalised float weights (bittensor's `metagraph.W`: each stored u16 row divided by
 * its sum) back to stored u16 rows, assuming each row was max-upscaled to 65535 when set
 * (subtensor's `set_weights`): `round(w / max(row) × 65535)`. Zero entries are left out
 * (a dense float row cannot tell an explicit zero from a missing one); rows ascend by uid.
 * Returns the rows and the largest distance of `w / max × 65535` from a whole number.
 */
export function recoverU16Rows(rows: number[][], field: string): { rows: SparseMatrix; maxDeviation: number } {
  let maxDeviation = 0;
  const out = requireArray(rows, field).map((r, i) => {
    const row = requireArray(r, `${field}[${i}]`) as number[];
    let max = 0;
    row.forEach((w, j) => {
      if (typeof w !== "number" || !Number.isFinite(w) || w < 0) fail(`${field}[${i}][${j}]`, `must be a finite non-negative weight, got ${quote(w)}`);
      if (w > max) max = w;
    });
    const sparse: Array<[number, number]> = [];
    if (max === 0) return sparse;
    row.forEach((w, j) => {
      if (w === 0) return;
      const x = (w / max) * 65535;
      const u = Math.round(x);
      maxDeviation = Math.max(maxDeviation, Math.abs(x - u));
      sparse.push([j, u]);
    });
    return sparse;
  });
  return { rows: out, maxDeviation };
}

function numbers(v: unknown, field: string): number[] {
  if (isNdArray(v)) return v.data.map((x, i) => (typeof x === "number" ? x : typeof x === "bigint" ? Number(x) : fail(`${field}[${i}]`, "must be numeric")));
  if (!Array.isArray(v)) return fail(field, "must be an array of numbers");
  requireNoHoles(v, field); // map skips holes
  return v.map((x, i) => (typeof x === "number" ? x : fail(`${field}[${i}]`, `must be a number, got ${quote(x)}`)));
}

function scalarInt(v: unknown, field: string): number {
  let x: unknown = v;
  if (isNdArray(v)) {
    if (v.data.length !== 1) fail(field, `must be a single integer, got an array of shape (${v.shape.join(", ")})`);
    x = v.data[0];
  }
  // A bigint is judged as itself: Number() would round it, and the message quote the rounding.
  if (typeof x === "bigint") {
    if (x < 0n || x > BigInt(Number.MAX_SAFE_INTEGER)) fail(field, `must be a non-negative integer up to 2^53 - 1, got ${x}`);
    x = Number(x);
  }
  if (typeof x !== "number" || !Number.isSafeInteger(x) || x < 0) return fail(field, `must be a non-negative integer up to 2^53 - 1, got ${quote(x)}`);
  return x as number;
}

function matrix(v: unknown, field: string, n: number): number[][] {
  if (isNdArray(v)) {
    const a = v as NdArray;
    if (a.shape.length !== 2 || a.shape[0] !== n || a.shape[1] !== n) fail(field, `must have shape (${n}, ${n}), got (${a.shape.join(", ")})`);
    const flat = numbers(a, field);
    return Array.from({ length: n }, (_, i) => flat.slice(i * n, (i + 1) * n));
  }
  if (!Array.isArray(v) || v.length !== n) return fail(field, `must be ${n} rows of ${n} numbers`);
  requireNoHoles(v, field);
  return v.map((row, i) => {
    const r = numbers(row, `${field}[${i}]`);
    if (r.length !== n) fail(`${field}[${i}]`, `must have ${n} entries, got ${r.length}`);
    return r;
  });
}

function strings(v: unknown, field: string, n: number): string[] {
  if (!Array.isArray(v) || v.length !== n) return fail(field, `must be a list of ${n} strings`);
  requireNoHoles(v, field);
  return v.map((x, i) => (typeof x === "string" ? x : fail(`${field}[${i}]`, "must be a string")));
}

function stakeFromTao(S: number[], field: string): { stake: string[]; assumption: MetagraphAssumption } {
  return {
    stake: S.map((x, i) => taoFloatToRao(x, `${field}[${i}]`).toString()),
    assumption: { field: "stake", assumption: ASSUMPTIONS.stakeTaoFloatToRao, detail: `${field} is TAO as a float: stake = the rao nearest its exact binary value (round(S × 1e9), ties to even); float32 keeps ~7 significant digits` },
  };
}

function weightsAssumption(field: string, maxDeviation: number): MetagraphAssumption {
  return {
    field: "weights", assumption: ASSUMPTIONS.weightsMaxUpscaled,
    detail: `${field} rows are the stored u16 rows divided by their sum; each stored row is assumed max-upscaled to 65535 (set_weights), so u16 = round(w / max(row) × 65535); zero entries dropped; largest distance from a whole number before rounding: ${maxDeviation.toPrecision(3)}`,
  };
}

/**
 * A bactensor/yuma-simulation saved metagraph (`torch.save` of a dict with `netuid`, `block`,
 * `S` (stake, TAO float), `W` (row-normalised dense weights) and optionally `hotkeys`).
 * Values may be numpy arrays or torch tensors. Returns a validated Metagraph whose
 * `assumptions` list the float conversions and every assumed field.
 */
export function importYumaSimulationPt(bytes: Uint8Array, source?: Record<string, unknown>): Metagraph {
  requireBytes(bytes, "bytes");
  const obj = readTorchSave(bytes);
  if (!(obj instanceof Map)) return fail("file", "the pickle must hold a dict (netuid, block, S, W, hotkeys)");
  for (const k of ["netuid", "block", "S", "W"]) if (!obj.has(k)) fail(`file:${k}`, "missing (a yuma-simulation metagraph holds netuid, block, S, W)");
  const netuid = scalarInt(obj.get("netuid"), "file:netuid");
  const block = scalarInt(obj.get("block"), "file:block");
  const S = numbers(obj.get("S"), "file:S");
  const n = S.length;
  if (n > 65535) fail("file:S", `at most 65535 uids, got ${n}`);
  // W is dense n×n whatever its form (array, tensor, or lists of rows the pickle may share):
  // the pickle reader's element bound, before any row is converted.
  if (n * n > MAX_ELEMENTS) fail("file:W", `a dense ${n}×${n} matrix (${n * n} entries) is more than the import takes (${MAX_ELEMENTS}: at most 4096 uids)`);
  const W = matrix(obj.get("W"), "file:W", n);
  const hotkeys = obj.has("hotkeys") ? strings(obj.get("hotkeys"), "file:hotkeys", n) : undefined;
  const { stake, assumption } = stakeFromTao(S, "S");
  const { rows, maxDeviation } = recoverU16Rows(W, "file:W");
  return readMetagraph({
    format: METAGRAPH_FORMAT, netuid, block, n, ...(source ? { source } : {}), ...(hotkeys ? { hotkeys } : {}),
    stake, weights: rows, assumptions: [assumption, weightsAssumption("W", maxDeviation)],
  });
}

/** SDK hyperparameter name → fixture params name (docs/metagraph.md). */
const SDK_HYPERPARAMS: Record<string, string> = {
  tempo: "tempo", kappa: "kappa", activity_cutoff: "activityCutoff", bonds_moving_avg: "bondsMovingAverage",
  max_validators: "maxAllowedValidators", alpha_low: "alphaLow", alpha_high: "alphaHigh",
  liquid_alpha_enabled: "liquidAlpha", yuma3_enabled: "yuma3", bonds_penalty: "bondsPenalty",
};
const SDK_KEYS: ReadonlySet<string> = new Set([
  "netuid", "block", "n", "S", "W", "B", "last_update", "validator_permit", "block_at_registration", "hotkeys", "coldkeys",
  "hyperparameters", "C", "I", "D", "Tv", "E", "epoch_block", "source",
]);

function u16FromFraction(xs: number[], field: string): number[] {
  return xs.map((x, i) => {
    const u = Math.round(x * 65535);
    if (!(u >= 0 && u <= 65535) || Math.abs(x * 65535 - u) > 0.01) fail(`${field}[${i}]`, `must be a u16 fraction (k / 65535), got ${x}`);
    return u;
  });
}

/** The block of the last epoch at or before `block`: subtensor runs a subnet's epoch when (block + netuid + 1) % (tempo + 1) == 0. */
export function lastEpochBlock(block: number, netuid: number, tempo: number): number {
  requireInt(block, "block", 0, Number.MAX_SAFE_INTEGER);
  requireInt(netuid, "netuid", 0, 65535);
  requireInt(tempo, "tempo", 0, 65535);
  const r = (block + netuid + 1) % (tempo + 1);
  return block - r;
}

/**
 * A JSON dump of the bittensor SDK's metagraph attributes (docs/metagraph.md):
 * `netuid`, `block`, `S` (TAO floats), `W` (row-normalised dense floats), optional `B`
 * (dense raw u16 bond values), `last_update`, `validator_permit`, `block_at_registration`,
 * `hotkeys`, `coldkeys`, `hyperparameters` (SDK names) and the chain's outputs `C`, `I`,
 * `D`, `Tv` (u16 fractions) and `E` (TAO floats), with optional `epoch_block`.
 */
export function importSdkJson(json: unknown): Metagraph {
  const o = requireObject(json, "sdk", SDK_KEYS);
  for (const k of ["netuid", "block", "S", "W"]) if (o[k] === undefined) fail(`sdk.${k}`, "missing (the SDK dump needs netuid, block, S, W)");
  const netuid = scalarInt(o.netuid, "sdk.netuid");
  const block = scalarInt(o.block, "sdk.block");
  const S = numbers(o.S, "sdk.S");
  const n = S.length;
  if (n > 65535) fail("sdk.S", `at most 65535 uids, got ${n}`);
  if (o.n !== undefined && scalarInt(o.n, "sdk.n") !== n) fail("sdk.n", `must equal the length of S (${n}), got ${quote(o.n)}`);
  const { stake, assumption } = stakeFromTao(S, "S");
  const { rows, maxDeviation } = recoverU16Rows(matrix(o.W, "sdk.W", n), "sdk.W");
  const assumptions = [assumption, weightsAssumption("W", maxDeviation)];
  const m: Record<string, unknown> = { format: METAGRAPH_FORMAT, netuid, block, n, stake, weights: rows };
  if (o.source !== undefined) m.source = o.source;
  if (o.hotkeys !== undefined) m.hotkeys = strings(o.hotkeys, "sdk.hotkeys", n);
  if (o.coldkeys !== undefined) m.coldkeys = strings(o.coldkeys, "sdk.coldkeys", n);
  const vec = (k: string) => {
    const v = o[k];
    if (!Array.isArray(v) || v.length !== n) return fail(`sdk.${k}`, `must be a list of ${n} values (one per uid)`);
    requireNoHoles(v, `sdk.${k}`);
    return v;
  };
  if (o.last_update !== undefined) m.lastUpdate = vec("last_update").map((x, i) => scalarInt(x, `sdk.last_update[${i}]`));
  if (o.block_at_registration !== undefined) m.blockAtRegistration = vec("block_at_registration").map((x, i) => scalarInt(x, `sdk.block_at_registration[${i}]`));
  if (o.validator_permit !== undefined) m.validatorPermit = vec("validator_permit").map((x, i) => (typeof x === "boolean" ? x : x === 0 || x === 1 ? x === 1 : fail(`sdk.validator_permit[${i}]`, "must be a boolean")));
  if (o.B !== undefined) {
    m.bonds = matrix(o.B, "sdk.B", n).map((row, i) => {
      const r: Array<[number, number]> = [];
      row.forEach((b, j) => {
        if (!Number.isInteger(b) || b < 0 || b > 65535) fail(`sdk.B[${i}][${j}]`, `must be a raw u16 bond value (the SDK keeps bonds unnormalised), got ${b}`);
        if (b !== 0) r.push([j, b]);
      });
      return r;
    });
  }
  const params: Record<string, unknown> = {};
  if (o.hyperparameters !== undefined) {
    const h = requireObject(o.hyperparameters, "sdk.hyperparameters");
    for (const [sdk, ours] of Object.entries(SDK_HYPERPARAMS)) if (hasOwn(h, sdk) && h[sdk] !== undefined && h[sdk] !== null) params[ours] = h[sdk];
    if (hasOwn(h, "yuma_version") && params.yuma3 === undefined && typeof h.yuma_version === "number") params.yuma3 = h.yuma_version >= 3;
  }
  m.params = params;
  const outs: Record<string, unknown> = {};
  const fr: Array<[string, string]> = [["C", "consensus"], ["I", "incentive"], ["D", "dividends"], ["Tv", "validatorTrust"]];
  for (const [sdk, ours] of fr) if (o[sdk] !== undefined) outs[ours] = u16FromFraction(numbers(vec(sdk), `sdk.${sdk}`), `sdk.${sdk}`);
  if (o.E !== undefined) outs.emission = numbers(vec("E"), "sdk.E").map((x, i) => taoFloatToRao(x, `sdk.E[${i}]`).toString());
  if (Object.keys(outs).length > 0) {
    if (o.epoch_block !== undefined) outs.block = scalarInt(o.epoch_block, "sdk.epoch_block");
    else {
      const tempo = typeof params.tempo === "number" ? params.tempo : 360;
      outs.block = lastEpochBlock(block, netuid, tempo);
      assumptions.push({
        field: "chainOutputs.block", assumption: "last-epoch-by-tempo",
        detail: `no epoch_block in the dump: the outputs are taken to be those of the last epoch at or before block ${block}, block ${outs.block as number} ((b + netuid + 1) % (tempo + 1) == 0, tempo ${tempo})`,
      });
    }
    if (o.E !== undefined) assumptions.push({ field: "chainOutputs.emission", assumption: ASSUMPTIONS.stakeTaoFloatToRao, detail: "E is TAO as a float: emission = the nearest rao" });
    m.chainOutputs = outs;
  }
  m.assumptions = assumptions;
  return readMetagraph(m);
}

/**
 * Import a file by content: a zip (torch.save) → importYumaSimulationPt; JSON with
 * `"format": "yuma-metagraph/1"` → readMetagraph; other JSON → importSdkJson. JSON nested
 * deeper than 100 levels is refused (YumaInputError on `file`).
 */
export function importMetagraph(bytes: Uint8Array, source?: Record<string, unknown>): Metagraph {
  requireBytes(bytes, "bytes");
  if (bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b) return importYumaSimulationPt(bytes, source);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch (e) {
    return fail("file", `neither a torch.save zip nor JSON (${(e as Error).message.slice(0, 120)})`);
  }
  // The CLI's depth rule for JSON (here too: `source` is copied into the output, which a
  // deeply nested value would overflow the stack of JSON.stringify on).
  if (jsonDepth(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) fail("file", `JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return fail("file", `neither a torch.save zip nor JSON (${(e as Error).message.slice(0, 120)})`);
  }
  if (typeof json === "object" && json !== null && (json as { format?: unknown }).format === METAGRAPH_FORMAT) return readMetagraph(json);
  const j = json as Record<string, unknown>;
  if (source && typeof j === "object" && j !== null && !Array.isArray(j) && j.source === undefined) return importSdkJson({ ...j, source });
  return importSdkJson(json);
}
