// Run a scenario on the research kernels (float64, all six versions) or the exact engine, and
// collect the metrics the reports show.

import { YumaInputError } from "../errors.js";
import { checkKeys, quote } from "../input.js";
import { runResearch } from "../research/index.js";
import type { ResearchInput, ResearchOutput } from "../research/types.js";
import { runScenarioExact } from "./exact.js";
import { expandScenario } from "./index.js";
import { computeTotals, epochMetrics, scenarioInfo, type ScenarioResult, type VersionResult } from "./metrics.js";
import { resolveParams, type ScenarioParams } from "./params.js";
import { VERSION_LABELS, type BondReset, type ScenarioParamOverrides, type ScenarioSpec, type ScenarioVersion } from "./types.js";

export interface ScenarioRunOptions {
  engine?: "research" | "exact";
  /** User overrides on top of the version defaults and the scenario's own parameters. */
  params?: ScenarioParamOverrides;
  /** Apply the scenario's bond resets (both engines; default true, as in the peer's published tables). */
  bondResets?: boolean;
  /**
   * Research kernels: reproduce the peer simulator operation by operation (float32 tensors,
   * peerCompat) instead of the default chain-like float64 semantics.
   */
  peer?: boolean;
}

/** Bond resets of the scenario that apply to `version`. */
export function applicableResets(s: ScenarioSpec, version: ScenarioVersion): BondReset[] {
  return (s.resetBonds ?? []).filter((r) => !r.versions || r.versions.includes(version));
}

/**
 * The research-kernel input of one version of a scenario. The scenario's bond resets that apply
 * to the version become the epochs' `resetBonds` (unless `bondResets` is false): the kernels
 * zero those bond columns before the epoch's bond update (peer-compatible: in YUMA2C, YUMA3
 * and YUMA3_LIQUID, as the peer simulator does).
 */
export function scenarioResearchInput(
  s: ScenarioSpec,
  version: ScenarioVersion,
  p: ScenarioParams,
  opts: { peer?: boolean; bondResets?: boolean } = {},
): ResearchInput {
  const resets = opts.bondResets === false ? [] : applicableResets(s, version);
  return {
    format: "yuma-research-input/1",
    version,
    ...(opts.peer ? { peerCompat: true } : {}),
    params: { ...p },
    epochs: expandScenario(s).map((e, k) => {
      const servers = [...new Set(resets.filter((r) => r.epoch === k).map((r) => r.server))];
      return servers.length ? { W: e.W, S: e.S, resetBonds: servers } : { W: e.W, S: e.S };
    }),
  };
}

/** Metrics of one version from the research output. */
export function researchVersionResult(
  s: ScenarioSpec,
  version: ScenarioVersion,
  p: ScenarioParams,
  out: ResearchOutput,
): VersionResult {
  const inputs = expandScenario(s);
  const epochs = out.epochs.map((e, k) => epochMetrics(e, inputs[k]!, p));
  return {
    version,
    label: VERSION_LABELS[version],
    engine: "research",
    params: p,
    epochs,
    totals: computeTotals(s.validators, s.base, epochs),
  };
}

const RUN_OPTION_KEYS: ReadonlySet<string> = new Set(["engine", "params", "bondResets", "peer"]);

/** Run a scenario for several versions (options and parameter overrides checked: unknown keys refused). */
export function runScenario(s: ScenarioSpec, versions: readonly ScenarioVersion[], opts: ScenarioRunOptions = {}): ScenarioResult {
  checkKeys(opts, RUN_OPTION_KEYS, "options");
  const engine = opts.engine ?? "research";
  if (engine !== "research" && engine !== "exact") throw new YumaInputError("options.engine", `must be "research" or "exact", got ${quote(engine)}`);
  const bondResets = opts.bondResets !== false;
  const results = versions.map((version) => {
    const p = resolveParams(version, s.params, opts.params);
    if (engine === "exact") return runScenarioExact(s, version, p, { bondResets });
    const input = scenarioResearchInput(s, version, p, { peer: opts.peer, bondResets });
    return researchVersionResult(s, version, p, runResearch(input));
  });
  return {
    format: "yuma-scenario-run/1", scenario: scenarioInfo(s), engine,
    semantics: engine === "exact" ? "exact" : opts.peer ? "peer" : "chain-like",
    bondResets, notes: [], versions: results,
  };
}
