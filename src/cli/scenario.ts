// `yuma scenarios`, `yuma scenario NAME`, `yuma sweep`: the scenario library, reports and
// hyperparameter sweeps.

import { writeFileSync } from "node:fs";
import { existsSync } from "node:fs";
import { renderAllScenariosHtml, renderScenarioHtml, totalsCsv, totalsText } from "../report/html.js";
import { readScenarioFile } from "../scenarios/file.js";
import { renderSweepHtml, sweepCsv, sweepText } from "../report/sweep.js";
import { ScenarioError } from "../scenarios/exact.js";
import {
  CHAIN_SCENARIOS, CLASSIC_SCENARIOS, EXACT_VERSIONS, SCENARIOS, YUMA_VERSIONS, expandScenario, findScenario,
  type ScenarioParamOverrides, type ScenarioSpec, type ScenarioVersion,
} from "../scenarios/index.js";
import { runScenario } from "../scenarios/run.js";
import { SWEEP_PARAMS, parseMetric, runSweep, type SweepAxis, type SweepFlag } from "../scenarios/sweep.js";
import { CliError, didYouMean, intOption, parseCli, readJsonArg, writeOut, type OptionSpecs } from "./util.js";
import { quote } from "../input.js";

export const SCENARIOS_USAGE = `usage: yuma scenarios [--json]
  Lists the built-in scenarios (name and one-line description).`;

const PARAM_HELP = `parameters (override the per-version defaults):
  --kappa X  --bond-penalty X  --bond-moving-average X  --alpha-low X  --alpha-high X
  --alpha-steepness X  --decay-rate X  --capacity-alpha X  --liquid-alpha-mode current|previous|mixed`;

export const SCENARIO_USAGE = `usage: yuma scenario NAME|all|FILE.json [--versions V1,V2,...] [--exact] [--html FILE] [--csv FILE] [--json]
  Runs a built-in scenario (see "yuma scenarios"), every one of them ("all": one page with every
  case, a totals CSV across cases), or your own scenario file (yuma-scenario/1, docs/research.md)
  for each version and prints a totals table per version (Total = sum of dividends per 1000 TAO
  over the epochs, and % vs the base validator).
  --versions LIST   ${YUMA_VERSIONS.join(",")} (default: all six; with --exact: ${EXACT_VERSIONS.join(",")})
  --exact           run on the exact chain engine (u16 weights, rao stakes, runTrajectory)
  --peer            research kernels in peer-compatible semantics (reproduce bactensor/yuma-simulation,
                    float32) instead of the default chain-like float64 semantics
  --html FILE       write a self-contained HTML report with the charts
  --csv FILE        write the totals as CSV
  --json            print one JSON object with per-version per-epoch outputs and totals
  --no-bond-reset   ignore the scenario's bond resets (re-registrations; applied by default, as in
                    the peer's published tables: research kernels and --exact alike)
${PARAM_HELP}`;

export const SWEEP_USAGE = `usage: yuma sweep --scenario NAME [--kappa 0.3,0.5,0.7] [--bond-penalty 0,0.5,1] ...
                  [--versions LIST] [--metric total[:VALIDATOR]|diff:VALIDATOR] [--threads K]
                  [--csv FILE] [--html FILE] [--json]
  Runs the scenario on the research kernels for every combination of the listed values and
  every version (worker pool), reducing each run to one metric:
    total[:V]  Total dividends per 1000 TAO of validator V (default: the base validator)
    diff:V     % difference of V's Total vs the base validator's
  V is a 0-based index, a name or a unique part of a name.
  Sweepable: ${Object.keys(SWEEP_PARAMS).map((f) => `--${f}`).join(" ")}
  Values: comma lists (0,0.5,1) or ranges FROM:TO:STEP (0:1:0.25).
  --html FILE writes one heat map per version (x = first swept parameter, y = second).
  --peer and --liquid-alpha-mode as for "yuma scenario".`;

/** Number ranges accepted per parameter. */
const PARAM_RANGES: Record<SweepFlag, [number, number]> = {
  kappa: [0, 1],
  "bond-penalty": [0, 1],
  "bond-moving-average": [0, 1],
  "alpha-low": [0, 1],
  "alpha-high": [0, 1],
  "alpha-steepness": [-1e6, 1e6],
  "decay-rate": [0, 1],
  "capacity-alpha": [0, 1],
};

function parseNumber(flag: string, text: string): number {
  const t = text.trim();
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(t)) throw new CliError(`--${flag}: not a number: ${quote(text)}`);
  return Number(t);
}

function checkRange(flag: SweepFlag, x: number): number {
  const [lo, hi] = PARAM_RANGES[flag];
  if (x < lo || x > hi) throw new CliError(`--${flag} must be in [${lo}, ${hi}], got ${x}`);
  return x;
}

/** "0,0.5,1" or "0:1:0.25" → numbers. */
export function parseList(flag: SweepFlag, text: string): number[] {
  const range = /^([^:]+):([^:]+):([^:]+)$/.exec(text.trim());
  let values: number[];
  if (range) {
    const [a, b, step] = [parseNumber(flag, range[1]!), parseNumber(flag, range[2]!), parseNumber(flag, range[3]!)];
    if (!(step > 0)) throw new CliError(`--${flag}: range step must be > 0`);
    if (b < a) throw new CliError(`--${flag}: range end must be >= start`);
    const n = Math.floor((b - a) / step + 1e-9) + 1;
    if (n > 1000) throw new CliError(`--${flag}: range has more than 1000 values`);
    values = Array.from({ length: n }, (_, i) => Number((a + i * step).toPrecision(12)));
  } else {
    values = text.split(",").map((x) => parseNumber(flag, x));
  }
  if (values.length === 0) throw new CliError(`--${flag}: no values`);
  values.forEach((x) => checkRange(flag, x));
  return [...new Set(values)];
}

export function parseVersions(text: string | undefined, exact: boolean): ScenarioVersion[] {
  if (text === undefined) return exact ? [...EXACT_VERSIONS] : [...YUMA_VERSIONS];
  const out: ScenarioVersion[] = [];
  for (const raw of text.split(",")) {
    const v = raw.trim().toUpperCase().replace(/-/g, "_");
    if (!v) continue;
    if (!(YUMA_VERSIONS as readonly string[]).includes(v)) {
      throw new CliError(`--versions: unknown version ${quote(raw.trim())} (known: ${YUMA_VERSIONS.join(", ")})`);
    }
    if (exact && !EXACT_VERSIONS.includes(v as ScenarioVersion)) {
      throw new CliError(`--exact: version ${v} has no exact engine (only ${EXACT_VERSIONS.join(", ")} run on chain); drop --exact or the version`);
    }
    if (!out.includes(v as ScenarioVersion)) out.push(v as ScenarioVersion);
  }
  if (out.length === 0) throw new CliError(`--versions: empty list`);
  return out;
}

function getScenario(name: string | undefined): ScenarioSpec {
  if (!name) throw new CliError(`missing scenario NAME (see "yuma scenarios")`);
  const s = findScenario(name);
  if (!s) {
    const key = (x: string) => x.toLowerCase().replace(/[\s_-]+/g, "");
    const names = SCENARIOS.map((x) => x.name);
    const hint = didYouMean(key(name), names.map(key), (k) => names[names.map(key).indexOf(k)]!);
    throw new CliError(`unknown scenario ${quote(name)}${hint} (see "yuma scenarios")`);
  }
  return s;
}

const PARAM_OPTIONS: OptionSpecs = Object.fromEntries([
  ...Object.keys(SWEEP_PARAMS).map((k) => [k, { type: "string" as const, meta: "X" }]),
  ["liquid-alpha-mode", { type: "string" as const, meta: "current|previous|mixed" }],
]);

export const SCENARIOS_OPTIONS = { json: { type: "boolean" }, help: { type: "boolean", short: "h" } } satisfies OptionSpecs;

export const SCENARIO_OPTIONS = {
  versions: { type: "string", meta: "LIST" }, exact: { type: "boolean" }, peer: { type: "boolean" },
  html: { type: "string", meta: "FILE" }, csv: { type: "string", meta: "FILE" }, json: { type: "boolean" },
  "no-bond-reset": { type: "boolean" }, help: { type: "boolean", short: "h" }, ...PARAM_OPTIONS,
} satisfies OptionSpecs;

export const SWEEP_OPTIONS = {
  scenario: { type: "string", meta: "NAME", required: true }, versions: { type: "string", meta: "LIST" },
  metric: { type: "string", meta: "total[:V]|diff:V" }, threads: { type: "string", meta: "K" },
  html: { type: "string", meta: "FILE" }, csv: { type: "string", meta: "FILE" }, json: { type: "boolean" },
  peer: { type: "boolean" }, help: { type: "boolean", short: "h" },
  ...Object.fromEntries(Object.keys(SWEEP_PARAMS).map((k) => [k, { type: "string" as const, meta: "LIST" }])),
  "liquid-alpha-mode": PARAM_OPTIONS["liquid-alpha-mode"]!,
} satisfies OptionSpecs;

/** Single-valued parameter overrides of `yuma scenario`. */
function paramOverrides(values: Record<string, unknown>, swept: boolean): ScenarioParamOverrides {
  const o: Record<string, unknown> = {};
  if (!swept) {
    for (const [flag, key] of Object.entries(SWEEP_PARAMS) as Array<[SweepFlag, string]>) {
      const v = values[flag];
      if (typeof v === "string") o[key] = checkRange(flag, parseNumber(flag, v));
    }
  }
  const mode = values["liquid-alpha-mode"];
  if (typeof mode === "string") {
    if (!["current", "previous", "mixed"].includes(mode)) throw new CliError(`--liquid-alpha-mode must be current, previous or mixed, got ${quote(mode)}`);
    o.liquidAlphaConsensusMode = mode;
  }
  return o as ScenarioParamOverrides;
}

function writeFile(path: string, body: string): void {
  try {
    writeFileSync(path, body);
  } catch (e) {
    throw new CliError(`cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** Turn scenario-level errors (unsupported version…) into one-line usage errors. */
async function asCli<T>(f: () => T | Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof ScenarioError) throw new CliError(e.message);
    throw e;
  }
}

export async function scenariosCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCli(argv, SCENARIOS_OPTIONS, "scenarios");
  if (values.help) {
    await writeOut(SCENARIOS_USAGE + "\n");
    return 0;
  }
  if (positionals.length) throw new CliError(`unexpected argument ${quote(positionals[0])}`);
  if (values.json) {
    await writeOut(JSON.stringify(SCENARIOS.map((s) => ({
      name: s.name, title: s.title, description: s.description, group: s.group,
      validators: s.validators, servers: s.servers, baseValidator: s.validators[s.base], numEpochs: s.numEpochs,
    }))) + "\n");
    return 0;
  }
  const w = Math.max(...SCENARIOS.map((s) => s.name.length)) + 2;
  const block = (title: string, list: ScenarioSpec[]) =>
    `${title}\n` + list.map((s) => `  ${s.name.padEnd(w)}${s.group === "classic" ? s.title.replace(/^Case \d+ - /, "") : s.title}: ${s.description}`).join("\n") + "\n";
  await writeOut(block("Classic synthetic cases (3 validators, 40 epochs):", CLASSIC_SCENARIOS) + "\n" +
    block("Chain-realistic scenarios:", CHAIN_SCENARIOS));
  return 0;
}

export async function scenarioCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCli(argv, SCENARIO_OPTIONS, "scenario");
  if (values.help) {
    await writeOut(SCENARIO_USAGE + "\n");
    return 0;
  }
  if (positionals.length > 1) throw new CliError(`expected one scenario NAME, got ${positionals.length} arguments`);
  const exact = values.exact === true;
  if (exact && values.peer) throw new CliError(`--peer and --exact exclude each other (--peer selects the research kernels' peer-compatible semantics)`);
  const versions = parseVersions(values.versions, exact);
  const params = paramOverrides(values, false);
  const run = (s: ScenarioSpec) => asCli(() => runScenario(s, versions, {
    engine: exact ? "exact" : "research", params, bondResets: values["no-bond-reset"] !== true, peer: values.peer === true,
  }));
  const arg = positionals[0];
  if (arg !== undefined && arg.toLowerCase() === "all") {
    const results = [];
    const skipped: string[] = [];
    for (const s of SCENARIOS) {
      try {
        results.push({ r: runScenario(s, versions, { engine: exact ? "exact" : "research", params, bondResets: values["no-bond-reset"] !== true, peer: values.peer === true }), inputs: { epochs: expandScenario(s) } });
      } catch (e) {
        // A case the engine cannot run (winner-takes-all on the exact engine) is left out, said.
        if (!(e instanceof ScenarioError)) throw e;
        skipped.push(s.name);
      }
    }
    if (skipped.length) process.stderr.write(`yuma: left out ${skipped.join(", ")}: ${exact ? "winner-takes-all incentive has no exact engine" : "not runnable with these options"}\n`);
    if (values.html) writeFile(values.html, renderAllScenariosHtml(results, { generator: "yuma-wasm" }));
    if (values.csv) writeFile(values.csv, results.map(({ r }, k) => (k === 0 ? totalsCsv(r) : totalsCsv(r).split("\n").slice(1).join("\n"))).join(""));
    await writeOut(values.json ? JSON.stringify(results.map(({ r }) => r)) + "\n" : results.map(({ r }) => totalsText(r)).join("\n"));
    return 0;
  }
  // A file: a path ending in .json, or any existing path that is not a scenario's name.
  const s = arg !== undefined && !findScenario(arg) && (arg.endsWith(".json") || arg === "-" || existsSync(arg))
    ? readScenarioFile(readJsonArg(arg, "scenario FILE"))
    : getScenario(arg);
  const result = await run(s);
  if (values.html) writeFile(values.html, renderScenarioHtml(result, { epochs: expandScenario(s) }, { generator: "yuma-wasm" }));
  if (values.csv) writeFile(values.csv, totalsCsv(result));
  await writeOut(values.json ? JSON.stringify(result) + "\n" : totalsText(result));
  return 0;
}

export async function sweepCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCli(argv, SWEEP_OPTIONS, "sweep");
  if (values.help) {
    await writeOut(SWEEP_USAGE + "\n");
    return 0;
  }
  if (positionals.length) throw new CliError(`unexpected argument ${quote(positionals[0])} (the scenario goes in --scenario NAME)`);
  if (!values.scenario) throw new CliError(`missing --scenario NAME (see "yuma scenarios")`);
  const s = getScenario(values.scenario);
  const versions = parseVersions(values.versions, false);
  const axes: SweepAxis[] = [];
  for (const [flag, key] of Object.entries(SWEEP_PARAMS) as Array<[SweepFlag, SweepAxis["key"]]>) {
    const v = (values as Record<string, unknown>)[flag];
    if (typeof v === "string") axes.push({ flag, key, values: parseList(flag, v) });
  }
  const size = axes.reduce((n, a) => n * a.values.length, 1) * versions.length;
  if (size > 20000) throw new CliError(`sweep too large: ${size} runs (limit 20000)`);
  const threads = intOption(values.threads, "threads", 1, 256);
  const metric = await asCli(() => parseMetric(s, values.metric));
  const result = await asCli(() => runSweep(
    { scenario: s, versions, axes, metric, params: paramOverrides(values, true), peer: values.peer === true },
    { threads },
  ));
  if (values.html) writeFile(values.html, renderSweepHtml(result));
  if (values.csv) writeFile(values.csv, sweepCsv(result));
  await writeOut(values.json ? JSON.stringify(result) + "\n" : sweepText(result));
  return 0;
}
