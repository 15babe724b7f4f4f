// A user's own scenario file, `yuma-scenario/1` (docs/research.md, "Your own scenario"): the
// same data as a built-in scenario — who validates, who serves, each validator's weights and
// stake as steps over the epochs, optional bond resets and parameter overrides. Every field is
// checked; errors name it (`scenario.weights[1].value[0][2]`).

import { YumaInputError } from "../errors.js";
import { checkKeys, quote } from "../input.js";
import { checkResearchMemory } from "../memory.js";
import { checkParamOverrides } from "../research/validate.js";
import { requireArray, requireInt, requireObject } from "../validate.js";
import { YUMA_VERSIONS, type BondReset, type ScenarioSpec, type ScenarioVersion, type Step } from "./types.js";

export const SCENARIO_FORMAT = "yuma-scenario/1";

const KEYS = new Set(["format", "name", "title", "description", "validators", "servers", "base", "numEpochs", "weights", "stakes", "resetBonds", "params"]);
const MAX_EPOCHS = 10_000;
const MAX_SIDE = 4096;

const fail = (field: string, rule: string): never => {
  throw new YumaInputError(field, rule);
};

function names(v: unknown, field: string): string[] {
  const a = requireArray(v, field);
  if (a.length === 0 || a.length > MAX_SIDE) fail(field, `must hold 1 to ${MAX_SIDE} names, got ${a.length}`);
  const seen = new Set<string>();
  return a.map((x, i) => {
    if (typeof x !== "string" || x.length === 0 || x.length > 200) return fail(`${field}[${i}]`, `must be a non-empty string of at most 200 characters, got ${quote(x)}`);
    if (seen.has(x)) fail(`${field}[${i}]`, `${quote(x)} appears twice`);
    seen.add(x);
    return x;
  });
}

function nonNegative(v: unknown, field: string): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0) return fail(field, `must be a finite number ≥ 0, got ${quote(v)}`);
  return v;
}

/** Steps `[{from, value}]` starting at epoch 0, strictly increasing, each value checked by `value`. */
function steps<T>(v: unknown, field: string, numEpochs: number, value: (x: unknown, f: string) => T): Array<Step<T>> {
  const a = requireArray(v, field);
  if (a.length === 0) fail(field, "must hold at least one step {\"from\": 0, \"value\": …}");
  let last = -1;
  return a.map((raw, k) => {
    const f = `${field}[${k}]`;
    const o = requireObject(raw, f, new Set(["from", "value"]));
    const from = requireInt(o.from, `${f}.from`, 0, numEpochs - 1);
    if (k === 0 && from !== 0) fail(`${f}.from`, "the first step must start at epoch 0");
    if (from <= last) fail(`${f}.from`, `must be after the previous step's epoch ${last}, got ${from}`);
    last = from;
    return { from, value: value(o.value, `${f}.value`) };
  });
}

/** Read and check a `yuma-scenario/1` document. */
export function readScenarioFile(json: unknown, field = "scenario"): ScenarioSpec {
  const o = requireObject(json, field);
  checkKeys(o, KEYS, field);
  if (o.format !== SCENARIO_FORMAT) fail(`${field}.format`, `must be ${JSON.stringify(SCENARIO_FORMAT)}, got ${quote(o.format)}`);
  const name = typeof o.name === "string" && o.name.length > 0 && o.name.length <= 100 ? o.name : fail(`${field}.name`, `must be a non-empty string of at most 100 characters, got ${quote(o.name)}`);
  const text = (k: "title" | "description", d: string) => (o[k] === undefined ? d : typeof o[k] === "string" ? (o[k] as string) : fail(`${field}.${k}`, `must be a string, got ${quote(o[k])}`));
  const validators = names(o.validators, `${field}.validators`);
  const servers = names(o.servers, `${field}.servers`);
  const V = validators.length, N = servers.length;
  const numEpochs = requireInt(o.numEpochs, `${field}.numEpochs`, 1, MAX_EPOCHS);
  // Every epoch's V×N weights and bonds are held at once (research input and output, metrics):
  // the research run's bound on epochs × V × N, before any of it is expanded.
  checkResearchMemory(V, N, `${field}.servers`, { count: numEpochs, field: `${field}.numEpochs` });
  const base = o.base === undefined ? 0 : requireInt(o.base, `${field}.base`, 0, V - 1);
  const weights = steps(o.weights, `${field}.weights`, numEpochs, (x, f) => {
    const rows = requireArray(x, f, V);
    return rows.map((r, i) => requireArray(r, `${f}[${i}]`, N).map((w, j) => nonNegative(w, `${f}[${i}][${j}]`)));
  });
  const stakes = steps(o.stakes, `${field}.stakes`, numEpochs, (x, f) => {
    const s = requireArray(x, f, V).map((w, i) => nonNegative(w, `${f}[${i}]`));
    if (!s.some((w) => w > 0)) fail(f, "needs some stake (every value is 0)");
    return s;
  });
  let resetBonds: BondReset[] | undefined;
  if (o.resetBonds !== undefined) {
    resetBonds = requireArray(o.resetBonds, `${field}.resetBonds`).map((raw, k) => {
      const f = `${field}.resetBonds[${k}]`;
      const r = requireObject(raw, f, new Set(["epoch", "server", "versions"]));
      const out: BondReset = { epoch: requireInt(r.epoch, `${f}.epoch`, 0, numEpochs - 1), server: requireInt(r.server, `${f}.server`, 0, N - 1) };
      if (r.versions !== undefined) {
        out.versions = requireArray(r.versions, `${f}.versions`).map((v, i) =>
          (YUMA_VERSIONS as readonly unknown[]).includes(v) ? (v as ScenarioVersion) : fail(`${f}.versions[${i}]`, `must be one of ${YUMA_VERSIONS.join(", ")}, got ${quote(v)}`));
      }
      return out;
    });
  }
  const params = o.params === undefined ? undefined : checkParamOverrides(o.params, `${field}.params`);
  return {
    name,
    title: text("title", name),
    description: text("description", "a user scenario"),
    group: "chain",
    validators,
    servers,
    base,
    numEpochs,
    weights,
    stakes,
    ...(resetBonds ? { resetBonds } : {}),
    ...(params ? { params: params as ScenarioSpec["params"] } : {}),
  };
}
