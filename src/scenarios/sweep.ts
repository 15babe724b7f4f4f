// Hyperparameter sweeps: a scenario run on the research kernels for every point of a grid
// (cartesian product of parameter lists × versions), all points in one batch on the worker
// pool, reduced to one metric per point.

import { runResearchBatch } from "../research/index.js";
import type { ResearchInput, ResearchOutput } from "../research/types.js";
import { YumaInputError } from "../errors.js";
import { checkKeys, quote } from "../input.js";
import { ScenarioError } from "./exact.js";
import { scenarioInfo, type ScenarioInfo } from "./metrics.js";
import { resolveParams, type ScenarioParams } from "./params.js";
import { researchVersionResult, scenarioResearchInput } from "./run.js";
import type { ScenarioParamOverrides, ScenarioSpec, ScenarioVersion } from "./types.js";

/** Sweepable parameters: CLI flag → parameter name. */
export const SWEEP_PARAMS = {
  kappa: "kappa",
  "bond-penalty": "bondPenalty",
  "bond-moving-average": "bondMovingAverage",
  "alpha-low": "alphaLow",
  "alpha-high": "alphaHigh",
  "alpha-steepness": "alphaSigmoidSteepness",
  "decay-rate": "decayRate",
  "capacity-alpha": "capacityAlpha",
} as const satisfies Record<string, keyof ScenarioParams>;
export type SweepFlag = keyof typeof SWEEP_PARAMS;
export type SweepKey = (typeof SWEEP_PARAMS)[SweepFlag];

export interface SweepAxis {
  flag: SweepFlag;
  key: SweepKey;
  values: number[];
}

/**
 * The swept metric of one validator: "total" = its Total (sum of dividends per 1000 TAO over
 * the epochs), "diff" = its % difference vs the base validator's Total.
 */
export interface SweepMetric {
  kind: "total" | "diff";
  validator: number;
}

export interface SweepSpec {
  scenario: ScenarioSpec;
  versions: readonly ScenarioVersion[];
  axes: SweepAxis[];
  metric: SweepMetric;
  /** Fixed overrides applied at every grid point (below the swept values). */
  params?: ScenarioParamOverrides;
  /** Research kernels in peer-compatible semantics (peerCompat). */
  peer?: boolean;
}

export interface SweepPoint {
  version: ScenarioVersion;
  /** Swept parameter values at this point, by parameter name. */
  at: Partial<Record<SweepKey, number>>;
  /** null when undefined (a % difference against a base that earned nothing). */
  value: number | null;
}

export interface SweepResult {
  format: "yuma-sweep/1";
  scenario: ScenarioInfo;
  metric: { kind: "total" | "diff"; validator: string; label: string };
  semantics: "chain-like" | "peer";
  axes: SweepAxis[];
  versions: ScenarioVersion[];
  points: SweepPoint[];
  notes: string[];
}

/** Resolve a validator given as 0-based index, exact name, "base" or a unique name fragment. */
export function resolveValidator(s: ScenarioSpec, ref: string): number {
  const r = ref.trim();
  if (r === "" || r.toLowerCase() === "base") return s.base;
  if (/^[0-9]+$/.test(r)) {
    const i = Number(r);
    if (i >= s.validators.length) throw new ScenarioError(`--metric: validator index ${i} out of range (0..${s.validators.length - 1})`);
    return i;
  }
  const exact = s.validators.findIndex((v) => v.toLowerCase() === r.toLowerCase());
  if (exact >= 0) return exact;
  const hits = s.validators.map((v, i) => [v, i] as const).filter(([v]) => v.toLowerCase().includes(r.toLowerCase()));
  if (hits.length === 1) return hits[0]![1];
  throw new ScenarioError(`--metric: ${hits.length ? "ambiguous" : "unknown"} validator ${quote(ref)} (validators: ${s.validators.map((v, i) => `${i}=${v}`).join(", ")})`);
}

/** Parse "total[:VALIDATOR]" or "diff:VALIDATOR". */
export function parseMetric(s: ScenarioSpec, text: string | undefined): SweepMetric {
  const t = text ?? "total";
  const m = /^(total|diff)(?::(.*))?$/i.exec(t.trim());
  if (!m) throw new ScenarioError(`--metric: expected total[:VALIDATOR] or diff:VALIDATOR, got ${quote(t)}`);
  const kind = m[1]!.toLowerCase() as "total" | "diff";
  const validator = resolveValidator(s, m[2] ?? "");
  if (kind === "diff" && validator === s.base) {
    throw new ScenarioError(`--metric: diff of the base validator is always 0; name another validator (diff:VALIDATOR)`);
  }
  return { kind, validator };
}

export function metricLabel(s: ScenarioSpec, m: SweepMetric): string {
  const name = s.validators[m.validator]!;
  return m.kind === "total"
    ? `Total dividends per 1000 TAO of ${name}`
    : `% difference of ${name} vs base (${s.validators[s.base]})`;
}

/** Every grid point (all axes combined), in row-major order of the axes. */
export function gridPoints(axes: SweepAxis[]): Array<Partial<Record<SweepKey, number>>> {
  let pts: Array<Partial<Record<SweepKey, number>>> = [{}];
  for (const a of axes) pts = pts.flatMap((p) => a.values.map((v) => ({ ...p, [a.key]: v })));
  return pts;
}

export interface SweepRunOptions {
  threads?: number;
  /** Replace the batch runner (tests); default runResearchBatch on the worker pool. */
  batch?: (inputs: ResearchInput[], opts: { threads?: number }) => Promise<ResearchOutput[]>;
}

const SPEC_KEYS: ReadonlySet<string> = new Set(["scenario", "versions", "axes", "metric", "params", "peer"]);
const AXIS_KEYS: ReadonlySet<string> = new Set(["flag", "key", "values"]);
const SWEEP_RUN_KEYS: ReadonlySet<string> = new Set(["threads", "batch"]);
const SWEEP_KEYS: readonly string[] = Object.values(SWEEP_PARAMS);

/** Keys of the spec, its axes and the run options: own names only, unknown ones refused. */
function checkSweepSpec(spec: SweepSpec, opts: SweepRunOptions): void {
  checkKeys(spec, SPEC_KEYS, "spec");
  checkKeys(opts, SWEEP_RUN_KEYS, "options");
  if (!Array.isArray(spec.axes)) throw new YumaInputError("spec.axes", "must be an array");
  spec.axes.forEach((a, i) => {
    checkKeys(a, AXIS_KEYS, `spec.axes[${i}]`);
    if (!SWEEP_KEYS.includes(a.key)) throw new YumaInputError(`spec.axes[${i}].key`, `must be a sweepable parameter (${SWEEP_KEYS.join(", ")}), got ${quote(a.key)}`);
  });
}

export async function runSweep(spec: SweepSpec, opts: SweepRunOptions = {}): Promise<SweepResult> {
  checkSweepSpec(spec, opts);
  const s = spec.scenario;
  const grid = gridPoints(spec.axes);
  const jobs: Array<{ version: ScenarioVersion; at: SweepPoint["at"]; params: ScenarioParams }> = [];
  for (const version of spec.versions) {
    for (const at of grid) jobs.push({ version, at, params: resolveParams(version, s.params, { ...spec.params, ...at }, "spec.params") });
  }
  const inputs = jobs.map((j) => scenarioResearchInput(s, j.version, j.params, { peer: spec.peer }));
  const batch = opts.batch ?? ((i: ResearchInput[], o: { threads?: number }) => runResearchBatch(i, o));
  const outputs = await batch(inputs, opts.threads !== undefined ? { threads: opts.threads } : {});
  const points: SweepPoint[] = jobs.map((j, k) => {
    const totals = researchVersionResult(s, j.version, j.params, outputs[k]!).totals;
    const t = totals[spec.metric.validator]!;
    return { version: j.version, at: j.at, value: spec.metric.kind === "total" ? t.total : t.diffVsBasePct };
  });
  const v = s.validators[spec.metric.validator]!;
  return {
    format: "yuma-sweep/1",
    scenario: scenarioInfo(s),
    metric: { kind: spec.metric.kind, validator: v, label: metricLabel(s, spec.metric) },
    semantics: spec.peer ? "peer" : "chain-like",
    axes: spec.axes,
    versions: [...spec.versions],
    points,
    notes: [],
  };
}
