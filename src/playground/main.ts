// The playground page (site/index.html, `yuma playground --out DIR`): every engine of the
// package in a static page, no server, no network. Plain TypeScript over the package's own
// modules; charts and tables are the HTML report's (src/report/html.ts). State lives in the URL
// hash, so a link reproduces a view.

import { ready } from "../wasm.js";
import { researchReady } from "../research/index.js";
import { runScenario } from "../scenarios/run.js";
import { EXACT_VERSIONS, SCENARIOS, VERSION_LABELS, YUMA_VERSIONS, expandScenario, findScenario, type ScenarioSpec, type ScenarioVersion } from "../scenarios/index.js";
import type { ScenarioResult } from "../scenarios/metrics.js";
import { readScenarioFile } from "../scenarios/file.js";
import { readMetagraph } from "../chain/metagraph.js";
import { scenarioCharts, scenarioTotalsTable, totalsCsv, engineText } from "../report/html.js";
import { esc, fmt, REPORT_CSS } from "../report/svg.js";
import { Network, type NetworkSummary } from "../network/network.js";
import type { DtaoSummary } from "../economy/dtao.js";

type Engine = "research" | "exact";
const PARAMS = [
  { key: "kappa", label: "kappa", min: 0, max: 1, step: 0.01, def: 0.5 },
  { key: "bondPenalty", label: "bonds penalty", min: 0, max: 1, step: 0.01, def: 1 },
  { key: "bondMovingAverage", label: "bonds moving average", min: 0, max: 1, step: 0.005, def: 0.9 },
  { key: "alphaLow", label: "liquid alpha low", min: 0, max: 1, step: 0.01, def: 0.7 },
  { key: "alphaHigh", label: "liquid alpha high", min: 0, max: 1, step: 0.01, def: 0.9 },
  { key: "alphaSigmoidSteepness", label: "liquid alpha steepness", min: 0, max: 1000, step: 1, def: 10 },
] as const;
type ParamKey = (typeof PARAMS)[number]["key"];

interface State {
  tab: "scenario" | "network";
  scenario: string;
  versions: ScenarioVersion[];
  engine: Engine;
  params: Partial<Record<ParamKey, number>>;
  epochs: number | null;
  diffA: ScenarioVersion;
  diffB: ScenarioVersion;
}

const state: State = { tab: "scenario", scenario: "case2", versions: [...YUMA_VERSIONS], engine: "research", params: {}, epochs: null, diffA: "YUMA2", diffB: "YUMA3" };
/** A scenario edited or loaded from a file (not in the URL: too big). */
let custom: ScenarioSpec | undefined;
let last: { result: ScenarioResult; ms: number } | undefined;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

// ---------------------------------------------------------------- URL hash

function toHash(): string {
  const p = new URLSearchParams();
  if (state.tab !== "scenario") p.set("tab", state.tab);
  p.set("s", state.scenario);
  if (state.engine !== "research") p.set("engine", state.engine);
  p.set("v", state.versions.join(","));
  for (const [k, v] of Object.entries(state.params)) p.set(k, String(v));
  if (state.epochs !== null) p.set("epochs", String(state.epochs));
  p.set("diff", `${state.diffA},${state.diffB}`);
  return "#" + p.toString();
}

function fromHash(hash: string): void {
  const p = new URLSearchParams(hash.replace(/^#/, ""));
  if (p.get("tab") === "network") state.tab = "network";
  const s = p.get("s");
  if (s && findScenario(s)) state.scenario = findScenario(s)!.name;
  if (p.get("engine") === "exact") state.engine = "exact";
  const v = p.get("v")?.split(",").filter((x): x is ScenarioVersion => (YUMA_VERSIONS as readonly string[]).includes(x));
  if (v && v.length) state.versions = v;
  for (const d of PARAMS) {
    const x = Number(p.get(d.key));
    if (p.has(d.key) && Number.isFinite(x) && x >= d.min && x <= d.max) state.params[d.key] = x;
  }
  const e = Number(p.get("epochs"));
  if (p.has("epochs") && Number.isInteger(e) && e >= 1 && e <= 200) state.epochs = e;
  const diff = p.get("diff")?.split(",") ?? [];
  if ((YUMA_VERSIONS as readonly string[]).includes(diff[0] ?? "")) state.diffA = diff[0] as ScenarioVersion;
  if ((YUMA_VERSIONS as readonly string[]).includes(diff[1] ?? "")) state.diffB = diff[1] as ScenarioVersion;
}

// ---------------------------------------------------------------- scenario runs

function currentSpec(): ScenarioSpec {
  const base = state.scenario === "custom" && custom ? custom : findScenario(state.scenario)!;
  if (state.epochs === null || state.epochs === base.numEpochs) return base;
  // More or fewer epochs: the last step holds (a generated case is generated for the new length).
  const epochs = expandScenario(base);
  const n = state.epochs;
  const at = (k: number) => epochs[Math.min(k, epochs.length - 1)]!;
  return {
    ...base, numEpochs: n,
    weights: () => Array.from({ length: n }, (_, k) => at(k).W),
    stakes: () => Array.from({ length: n }, (_, k) => at(k).S),
    resetBonds: (base.resetBonds ?? []).filter((r) => r.epoch < n),
  };
}

function activeVersions(): ScenarioVersion[] {
  const v = state.versions.filter((x) => state.engine === "research" || EXACT_VERSIONS.includes(x));
  return v.length ? v : state.engine === "exact" ? ["YUMA3"] : ["YUMA2"];
}

function run(): void {
  const spec = currentSpec();
  const t0 = performance.now();
  let result: ScenarioResult;
  try {
    result = runScenario(spec, activeVersions(), { engine: state.engine, params: { ...state.params } });
  } catch (e) {
    $("report").innerHTML = `<p class="error" role="alert">${esc((e as Error).message)}</p>`;
    return;
  }
  const inputs = { epochs: expandScenario(spec) };
  const s = result.scenario;
  $("report").innerHTML =
    `<h2>${esc(s.title)}</h2><p>${esc(s.description)}</p>` +
    `<p class="meta">${s.numEpochs} epochs · ${s.validators.length} validators · ${s.servers.length} servers · base: <b>${esc(s.baseValidator)}</b> · ${esc(engineText(result))}</p>` +
    `<section id="totals"><h3>Totals</h3>${scenarioTotalsTable(result)}</section>` + diffSection(result) + scenarioCharts(result, inputs);
  const ms = performance.now() - t0;
  last = { result, ms };
  $("timing").textContent = `computed and drawn in ${ms.toFixed(1)} ms`;
  history.replaceState(null, "", toHash());
}

/** Two versions side by side: each validator's Total under A and B, and B's change. */
function diffSection(r: ScenarioResult): string {
  const a = r.versions.find((v) => v.version === state.diffA), b = r.versions.find((v) => v.version === state.diffB);
  const opts = (sel: ScenarioVersion) => r.versions.map((v) => `<option value="${v.version}"${v.version === sel ? " selected" : ""}>${esc(v.version)}</option>`).join("");
  const pick = `<label>A <select id="diffA">${opts(state.diffA)}</select></label> <label>B <select id="diffB">${opts(state.diffB)}</select></label>`;
  if (!a || !b) return `<section id="diff"><h3>Diff of two versions</h3>${pick}<p class="note">Pick two of the versions run.</p></section>`;
  const rows = r.scenario.validators.map((name, i) => {
    const ta = a.totals[i]!.total, tb = b.totals[i]!.total;
    const d = ta === 0 ? null : ((tb - ta) / ta) * 100;
    return `<tr><td class="name">${esc(name)}</td><td>${fmt(ta, 6)}</td><td>${fmt(tb, 6)}</td><td class="${d === null ? "" : d < 0 ? "neg" : "pos"}">${d === null ? "n/a" : `${d >= 0 ? "+" : ""}${d.toFixed(2)} %`}</td></tr>`;
  }).join("");
  return `<section id="diff"><h3>Diff of two versions</h3>${pick}` +
    `<table><tr><th class="name">validator</th><th>Total (A)</th><th>Total (B)</th><th>B vs A</th></tr>${rows}</table></section>`;
}

// ---------------------------------------------------------------- editing and loading

function editable(): { spec: ScenarioSpec; epochs: Array<{ W: number[][]; S: number[] }> } {
  const spec = currentSpec();
  return { spec, epochs: expandScenario(spec) };
}

function setCustom(base: ScenarioSpec, epochs: Array<{ W: number[][]; S: number[] }>, validators = base.validators, title = base.title): void {
  custom = {
    ...base, name: "custom", title: `${title} (edited)`, validators, numEpochs: epochs.length,
    weights: () => epochs.map((e) => e.W), stakes: () => epochs.map((e) => e.S), resetBonds: base.resetBonds?.filter((r) => r.epoch < epochs.length),
  };
  state.scenario = "custom";
  state.epochs = null;
  syncControls();
  renderEditor();
  run();
}

function renderEditor(): void {
  const { spec, epochs } = editable();
  const k = Math.min(Number(($("editEpoch") as HTMLInputElement | null)?.value ?? 0) || 0, epochs.length - 1);
  const e = epochs[k]!;
  const head = `<tr><th class="name">validator</th><th>stake</th>${spec.servers.slice(0, 16).map((s) => `<th>${esc(s)}</th>`).join("")}</tr>`;
  const rows = spec.validators.slice(0, 32).map((v, i) =>
    `<tr><td class="name">${esc(v)}</td><td><input aria-label="stake of ${esc(v)}" type="number" min="0" step="any" data-i="${i}" data-j="-1" value="${e.S[i]}"></td>` +
    spec.servers.slice(0, 16).map((s, j) => `<td><input aria-label="weight of ${esc(v)} on ${esc(s)}" type="number" min="0" step="any" data-i="${i}" data-j="${j}" value="${e.W[i]![j]}"></td>`).join("") + "</tr>").join("");
  $("editor").innerHTML =
    `<p class="note">Epoch <input id="editEpoch" aria-label="epoch to edit" type="number" min="0" max="${epochs.length - 1}" value="${k}"> of ${epochs.length}: values apply from this epoch on.</p>` +
    `<table class="grid">${head}${rows}</table>` +
    `<p><button type="button" id="applyEdit">Apply from this epoch</button> <button type="button" id="addValidator">Add a validator</button> ` +
    `<label>Shift <select id="shiftWho">${spec.validators.map((v, i) => `<option value="${i}">${esc(v)}</option>`).join("")}</select></label> <button type="button" id="shiftOne">by one epoch</button></p>`;
}

function applyEdit(): void {
  const { spec, epochs } = editable();
  const k = Number(($("editEpoch") as HTMLInputElement).value) || 0;
  const inputs = Array.from($("editor").querySelectorAll<HTMLInputElement>("input[data-i]"));
  for (let e = k; e < epochs.length; e++) {
    for (const inp of inputs) {
      const i = Number(inp.dataset.i), j = Number(inp.dataset.j), x = Math.max(0, Number(inp.value) || 0);
      if (j < 0) epochs[e]!.S[i] = x;
      else epochs[e]!.W[i]![j] = x;
    }
  }
  setCustom(spec, epochs);
}

function addValidator(): void {
  const { spec, epochs } = editable();
  const name = `Validator ${spec.validators.length + 1}`;
  for (const e of epochs) {
    e.W.push(e.W[0]!.slice());
    e.S.push(Math.min(...e.S.filter((x) => x > 0), 1) / 2);
  }
  setCustom(spec, epochs, [...spec.validators, name]);
}

function shiftValidator(i: number): void {
  const { spec, epochs } = editable();
  // Its weights lag one epoch: epoch k gets its row of epoch k − 1 (epoch 0 keeps its own).
  for (let e = epochs.length - 1; e >= 1; e--) epochs[e]!.W[i] = epochs[e - 1]!.W[i]!.slice();
  setCustom(spec, epochs);
}

/** A file: yuma-scenario/1, yuma-metagraph/1, or an epoch fixture (weights held over the epochs). */
function loadFile(text: string, name: string): void {
  const doc = JSON.parse(text) as Record<string, unknown>;
  let spec: ScenarioSpec;
  if (doc.format === "yuma-scenario/1") spec = readScenarioFile(doc);
  else {
    const fx = doc.inputs as Record<string, unknown> | undefined, fp = doc.params as Record<string, unknown> | undefined;
    const n = Number(fp?.n);
    // An epoch fixture's last updates may stop before n (the rest never updated).
    const lastUpdate = Array.isArray(fx?.lastUpdate) ? [...fx!.lastUpdate as number[], ...new Array(Math.max(0, n - (fx!.lastUpdate as number[]).length)).fill(0)] : undefined;
    const m = doc.format === "yuma-metagraph/1" ? readMetagraph(doc) : readMetagraph({
      format: "yuma-metagraph/1", netuid: 0, block: Number(fp?.currentBlock ?? 0), n, params: fp, ...fx, ...(lastUpdate ? { lastUpdate } : {}),
    });
    const validators = m.validatorPermit.flatMap((p, u) => (p ? [u] : []));
    if (validators.length === 0) throw new Error("no uid holds a validator permit");
    const W = validators.map((u) => {
      const row = new Array<number>(m.n).fill(0);
      for (const [j, x] of m.weights[u]!) row[j] = x / 65535;
      return row;
    });
    const S = validators.map((u) => Number(m.stake[u]!) / 1e9);
    spec = {
      name: "custom", title: `${name} (netuid ${m.netuid}, block ${m.block})`, description: `${m.n} uids, ${validators.length} validators; weights held`,
      group: "chain", validators: validators.map((u) => `uid ${u}`), servers: Array.from({ length: m.n }, (_, u) => `uid ${u}`), base: 0,
      numEpochs: 40, weights: [{ from: 0, value: W }], stakes: [{ from: 0, value: S }],
    };
  }
  custom = { ...spec, name: "custom" };
  state.scenario = "custom";
  state.epochs = null;
  syncControls();
  renderEditor();
  run();
}

// ---------------------------------------------------------------- network tab

async function runNetwork(): Promise<void> {
  const num = (id: string) => Number(($(id) as HTMLInputElement).value);
  const cfg = {
    economy: ($("netEconomy") as HTMLSelectElement).value as "dtao" | "static",
    seed: num("netSeed"), subnets: num("netSubnets"),
    defaults: { neurons: num("netNeurons"), validators: num("netValidators"), tempo: num("netTempo") },
  };
  const bar = $("netProgress") as HTMLProgressElement;
  const out = $("netResult");
  out.textContent = "";
  const button = $("netRun") as HTMLButtonElement;
  button.disabled = true;
  const t0 = performance.now();
  let net: Network | undefined;
  try {
    net = new Network(cfg);
    const summary = await net.run({ blocks: num("netBlocks"), threads: num("netWorkers"), onProgress: (p) => { bar.max = p.epochsTotal || 1; bar.value = p.epochsDone; } });
    bar.value = bar.max;
    out.innerHTML = networkTable(summary) + `<p class="meta">${(performance.now() - t0).toFixed(0)} ms on ${num("netWorkers")} Web Worker(s) · digest <code id="netDigest">${summary.digest}</code></p>`;
    (window as unknown as { __network?: unknown }).__network = { digest: summary.digest, config: cfg, blocks: num("netBlocks") };
  } catch (e) {
    out.innerHTML = `<p class="error" role="alert">${esc((e as Error).message)}</p>`;
  } finally {
    await net?.close();
    button.disabled = false;
  }
}

function networkTable(s: NetworkSummary | DtaoSummary): string {
  if ("economy" in s && s.economy === "dtao") {
    return `<table><tr><th>netuid</th><th>epochs</th><th>price τ/α</th><th>share %</th><th>miners α</th><th>validators α</th><th>owner α</th></tr>` +
      s.subnets.map((x) => `<tr><td>${x.netuid}</td><td>${x.epochs}</td><td>${x.price.toFixed(6)}</td><td>${(x.share * 100).toFixed(3)}</td><td>${(Number(x.miners) / 1e9).toFixed(3)}</td><td>${(Number(x.validators) / 1e9).toFixed(3)}</td><td>${(Number(x.owner) / 1e9).toFixed(3)}</td></tr>`).join("") + "</table>";
  }
  return `<table><tr><th>netuid</th><th>epochs</th><th>owner τ</th><th>miners τ</th><th>validators τ</th></tr>` +
    s.subnets.map((x) => `<tr><td>${x.netuid}</td><td>${x.epochs}</td><td>${(Number(x.owner) / 1e9).toFixed(3)}</td><td>${(Number(x.miners) / 1e9).toFixed(3)}</td><td>${(Number(x.validators) / 1e9).toFixed(3)}</td></tr>`).join("") + "</table>";
}

// ---------------------------------------------------------------- controls

function syncControls(): void {
  ($("scenario") as HTMLSelectElement).value = state.scenario === "custom" ? "custom" : state.scenario;
  ($("customOption") as HTMLOptionElement).hidden = !custom;
  for (const v of YUMA_VERSIONS) {
    const box = $(`v-${v}`) as HTMLInputElement;
    box.checked = state.versions.includes(v);
    box.disabled = state.engine === "exact" && !EXACT_VERSIONS.includes(v);
  }
  ($(`engine-${state.engine}`) as HTMLInputElement).checked = true;
  for (const d of PARAMS) {
    const on = state.params[d.key] !== undefined;
    ($(`on-${d.key}`) as HTMLInputElement).checked = on;
    const slider = $(`p-${d.key}`) as HTMLInputElement;
    slider.value = String(state.params[d.key] ?? d.def);
    $(`out-${d.key}`).textContent = on ? slider.value : "version default";
  }
  const spec = state.scenario === "custom" && custom ? custom : findScenario(state.scenario)!;
  ($("epochs") as HTMLInputElement).value = String(state.epochs ?? spec.numEpochs);
  $("out-epochs").textContent = String(state.epochs ?? spec.numEpochs);
  for (const t of ["scenario", "network"] as const) {
    $(`tab-${t}`).setAttribute("aria-selected", String(state.tab === t));
    $(`panel-${t}`).hidden = state.tab !== t;
  }
}

function download(name: string, type: string, body: string): void {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(new Blob([body], { type }));
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
}

function wire(): void {
  const sel = $("scenario") as HTMLSelectElement;
  sel.innerHTML = `<optgroup label="Classic cases">${SCENARIOS.filter((s) => s.group === "classic").map((s) => `<option value="${s.name}">${esc(s.title)}</option>`).join("")}</optgroup>` +
    `<optgroup label="Chain-realistic">${SCENARIOS.filter((s) => s.group === "chain").map((s) => `<option value="${s.name}">${esc(s.title)}</option>`).join("")}</optgroup>` +
    `<option id="customOption" value="custom" hidden>Edited / loaded scenario</option>`;
  sel.addEventListener("change", () => { state.scenario = sel.value; state.epochs = null; syncControls(); renderEditor(); run(); });
  $("versions").innerHTML = YUMA_VERSIONS.map((v) => `<label title="${esc(VERSION_LABELS[v])}"><input type="checkbox" id="v-${v}" value="${v}"> ${v}</label>`).join("");
  for (const v of YUMA_VERSIONS) $(`v-${v}`).addEventListener("change", () => {
    state.versions = YUMA_VERSIONS.filter((x) => ($(`v-${x}`) as HTMLInputElement).checked);
    run();
  });
  for (const e of ["research", "exact"] as const) $(`engine-${e}`).addEventListener("change", () => { state.engine = e; syncControls(); run(); });
  $("params").innerHTML = PARAMS.map((d) =>
    `<div class="param"><label for="p-${d.key}">${d.label}</label> <output id="out-${d.key}" for="p-${d.key}"></output>` +
    `<input type="range" id="p-${d.key}" min="${d.min}" max="${d.max}" step="${d.step}">` +
    `<label class="small"><input type="checkbox" id="on-${d.key}"> override the version default</label></div>`).join("");
  for (const d of PARAMS) {
    const slider = $(`p-${d.key}`) as HTMLInputElement;
    slider.addEventListener("input", () => { state.params[d.key] = Number(slider.value); syncControls(); run(); });
    $(`on-${d.key}`).addEventListener("change", () => {
      if (($(`on-${d.key}`) as HTMLInputElement).checked) state.params[d.key] = Number(slider.value);
      else delete state.params[d.key];
      syncControls();
      run();
    });
  }
  const epochs = $("epochs") as HTMLInputElement;
  epochs.addEventListener("input", () => { state.epochs = Number(epochs.value); syncControls(); run(); });
  $("report").addEventListener("change", (e) => {
    const t = e.target as HTMLSelectElement;
    if (t.id === "diffA") state.diffA = t.value as ScenarioVersion;
    if (t.id === "diffB") state.diffB = t.value as ScenarioVersion;
    if (t.id === "diffA" || t.id === "diffB") run();
  });
  $("editor").addEventListener("click", (e) => {
    const id = (e.target as HTMLElement).id;
    if (id === "applyEdit") applyEdit();
    if (id === "addValidator") addValidator();
    if (id === "shiftOne") shiftValidator(Number(($("shiftWho") as HTMLSelectElement).value));
  });
  $("editor").addEventListener("change", (e) => { if ((e.target as HTMLElement).id === "editEpoch") renderEditor(); });
  ($("file") as HTMLInputElement).addEventListener("change", async () => {
    const f = ($("file") as HTMLInputElement).files?.[0];
    if (!f) return;
    try {
      loadFile(await f.text(), f.name);
      $("fileStatus").textContent = `loaded ${f.name}`;
    } catch (e) {
      $("fileStatus").textContent = `could not load ${f.name}: ${(e as Error).message}`;
    }
  });
  $("csv").addEventListener("click", () => last && download(`${last.result.scenario.name}-totals.csv`, "text/csv", totalsCsv(last.result)));
  $("json").addEventListener("click", () => last && download(`${last.result.scenario.name}.json`, "application/json", JSON.stringify(last.result)));
  for (const t of ["scenario", "network"] as const) $(`tab-${t}`).addEventListener("click", () => { state.tab = t; syncControls(); history.replaceState(null, "", toHash()); });
  $("netRun").addEventListener("click", () => void runNetwork());
  window.addEventListener("hashchange", () => { fromHash(location.hash); syncControls(); run(); });
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const style = document.createElement("style");
  style.textContent = REPORT_CSS;
  document.head.prepend(style);
  await Promise.all([ready(), researchReady()]);
  fromHash(location.hash);
  wire();
  syncControls();
  renderEditor();
  run();
  const api = {
    ready: true,
    firstRenderMs: performance.now() - t0,
    get result() { return last?.result; },
    get lastMs() { return last?.ms; },
    loadText: (text: string, name: string) => loadFile(text, name),
  };
  (window as unknown as { __playground: typeof api }).__playground = api;
}

main().catch((e) => {
  document.body.insertAdjacentHTML("afterbegin", `<p class="error" role="alert">The playground could not start: ${esc(String((e as Error)?.message ?? e))}</p>`);
});
