// Self-contained HTML report of a scenario run: totals table, inputs, and per version the
// dividends, relative dividends, incentive, consensus and bonds charts (inline SVG, no script,
// no network).

import type { ScenarioResult, VersionResult } from "../scenarios/metrics.js";
import { csvLine, formatDiff, formatTotal } from "./format.js";
import { REPORT_CSS, esc, fmt, heatMap, lineChart, type Series } from "./svg.js";

/** How much of a scenario a report charts: beyond these, validators are filtered (top K by
 *  stake, the base always kept) and servers summarised (the top N by incentive charted, all of
 *  them in an incentive heat map). */
export interface ReportLimits {
  /** Validators charted (default 8). */
  top?: number;
  /** Servers charted one by one (default 8). */
  servers?: number;
}

/** Rows of a server heat map at most. */
const HEAT_ROWS = 64;

/** Indices of the validators charted: all up to `top`, else the top `top` by first-epoch
 *  stake plus the base, in their original order. */
export function shownValidators(r: ScenarioResult, stakes: number[], top: number): number[] {
  const V = r.scenario.validators.length;
  if (V <= top) return Array.from({ length: V }, (_, i) => i);
  const base = r.scenario.validators.indexOf(r.scenario.baseValidator);
  const order = Array.from({ length: V }, (_, i) => i).sort((a, b) => (stakes[b] ?? 0) - (stakes[a] ?? 0) || a - b);
  const keep = new Set(order.slice(0, top));
  if (base >= 0) keep.add(base);
  return [...keep].sort((a, b) => a - b);
}

/** Indices of the servers charted one by one: all up to `limit`, else the top by total incentive (first version). */
export function shownServers(r: ScenarioResult, limit: number): number[] {
  const N = r.scenario.servers.length;
  if (N <= limit) return Array.from({ length: N }, (_, j) => j);
  const v = r.versions[0]!;
  const total = Array.from({ length: N }, (_, j) => v.epochs.reduce((a, e) => a + (e.incentive[j] ?? 0), 0));
  return Array.from({ length: N }, (_, j) => j).sort((a, b) => total[b]! - total[a]! || a - b).slice(0, limit).sort((a, b) => a - b);
}

/** CSV of the totals: one line per (version, validator). */
export function totalsCsv(r: ScenarioResult): string {
  let out = csvLine(["scenario", "engine", "version", "validator", "is_base", "total_dividends_per_1000_tao", "diff_vs_base_pct"]);
  for (const v of r.versions) {
    for (const t of v.totals) {
      out += csvLine([r.scenario.name, v.engine, v.version, t.validator, t.isBase, t.total, t.diffVsBasePct]);
    }
  }
  return out;
}

/** Readable plain-text totals, one block per version (what `yuma scenario` prints). */
export function totalsText(r: ScenarioResult): string {
  const s = r.scenario;
  const lines: string[] = [];
  lines.push(`${s.title}`);
  lines.push(`${s.description}`);
  lines.push(`${s.numEpochs} epochs · ${s.validators.length} validators · ${s.servers.length} servers · base: ${s.baseValidator} · engine: ${engineText(r)}`);
  for (const n of r.notes) lines.push(`note: ${n}`);
  const nameW = Math.max(9, ...s.validators.map((v) => v.length));
  for (const v of r.versions) {
    lines.push("");
    lines.push(`${v.version} — ${v.label}`);
    lines.push(`  ${"validator".padEnd(nameW)}  ${"Total".padStart(12)}  vs base`);
    for (const t of v.totals) {
      lines.push(`  ${t.validator.padEnd(nameW)}  ${formatTotal(t.total).padStart(12)}  ${formatDiff(t.diffVsBasePct, t.isBase)}`);
    }
  }
  return lines.join("\n") + "\n";
}

/** "exact chain engine", "research kernels (chain-like float64)", "research kernels (peer-compatible)". */
export function engineText(r: ScenarioResult): string {
  if (r.engine === "exact") return "exact chain engine";
  return r.semantics === "peer" ? "research kernels (peer-compatible)" : "research kernels (chain-like float64)";
}

const perEpoch = <T>(v: VersionResult, f: (e: VersionResult["epochs"][number]) => T): T[] => v.epochs.map(f);

function versionSection(r: ScenarioResult, v: VersionResult, vs: number[], ss: number[]): string {
  const s = r.scenario;
  const id = v.version;
  const charts: string[] = [];
  const divSeries: Series[] = vs.map((i) => {
    const name = s.validators[i]!;
    const t = v.totals[i]!;
    return {
      name,
      label: `${name}: Total=${formatTotal(t.total)} ${formatDiff(t.diffVsBasePct, t.isBase)}`,
      values: perEpoch(v, (e) => e.dividendsPer1000Tao[i] ?? null),
    };
  });
  charts.push(lineChart({
    id: `${id}-dividends`, title: "Dividends per 1,000 TAO per epoch", xLabel: "epoch", yLabel: "dividend / 1000 TAO",
    series: divSeries, yInclude: [0], jitter: 0.04,
  }));
  charts.push(lineChart({
    id: `${id}-relative`, title: "Relative dividends (Dn − Sn)", xLabel: "epoch", yLabel: "Dn − Sn",
    series: vs.map((i) => ({ name: s.validators[i]!, values: perEpoch(v, (e) => e.relativeDividends[i] ?? null) })),
    yInclude: [0], jitter: 0.04,
  }));
  if (ss.length === s.servers.length) {
    charts.push(lineChart({
      id: `${id}-incentive`, title: "Incentive per server", xLabel: "epoch", yLabel: "incentive",
      series: s.servers.map((name, j) => ({ name, values: perEpoch(v, (e) => e.incentive[j] ?? null) })),
      yInclude: [0, 1], jitter: 0.04,
    }));
    charts.push(lineChart({
      id: `${id}-consensus`, title: "Consensus per server", xLabel: "epoch", yLabel: "consensus weight",
      series: s.servers.map((name, j) => ({ name, values: perEpoch(v, (e) => e.consensus[j] ?? null) })),
      yInclude: [0], jitter: 0.04,
    }));
  } else {
    // Many servers: one server × epoch map each instead of a line per server (at most the 64
    // with the most incentive, so the page stays light).
    const epochs = v.epochs.map((_, k) => String(k));
    const total = s.servers.map((_, j) => v.epochs.reduce((a, e) => a + (e.incentive[j] ?? 0), 0));
    const rows = s.servers.map((_, j) => j).sort((a, b) => total[b]! - total[a]! || a - b).slice(0, HEAT_ROWS).sort((a, b) => a - b);
    const what = rows.length === s.servers.length ? `all ${s.servers.length} servers` : `the ${rows.length} servers with the most incentive (of ${s.servers.length})`;
    charts.push(heatMap({
      id: `${id}-incentive`, title: `Incentive of ${what}`, xLabel: "epoch", yLabel: "server", compact: true,
      xValues: epochs, yValues: rows.map((j) => s.servers[j]!), cells: rows.map((j) => perEpoch(v, (e) => e.incentive[j] ?? null)),
    }));
    charts.push(heatMap({
      id: `${id}-consensus`, title: `Consensus of ${what}`, xLabel: "epoch", yLabel: "server", compact: true,
      xValues: epochs, yValues: rows.map((j) => s.servers[j]!), cells: rows.map((j) => perEpoch(v, (e) => e.consensus[j] ?? null)),
    }));
  }
  ss.forEach((j) => {
    const server = s.servers[j]!;
    charts.push(lineChart({
      id: `${id}-bonds-${j}`, title: `Bonds on ${server}`, xLabel: "epoch", yLabel: "bond",
      series: vs.map((i) => ({ name: s.validators[i]!, values: perEpoch(v, (e) => e.bonds[i]?.[j] ?? null) })),
      yInclude: [0], jitter: 0.04,
    }));
  });
  return `<section class="version" id="v-${esc(id)}"><h2>${esc(v.label)} <span class="note">(${esc(v.version)}, ${v.engine} engine)</span></h2>` +
    `<div class="charts">${charts.join("")}</div></section>`;
}

function totalsTable(r: ScenarioResult): string {
  const head = r.versions.map((v) => `<th colspan="2">${esc(v.version)}</th>`).join("");
  const sub = r.versions.map(() => `<th>Total</th><th>vs base</th>`).join("");
  const rows = r.scenario.validators.map((name, i) => {
    const isBase = name === r.scenario.baseValidator;
    const cells = r.versions.map((v) => {
      const t = v.totals[i]!;
      const cls = t.isBase || t.diffVsBasePct === null ? "" : t.diffVsBasePct < 0 ? "neg" : "pos";
      return `<td>${formatTotal(t.total)}</td><td class="${cls}">${formatDiff(t.diffVsBasePct, t.isBase)}</td>`;
    }).join("");
    return `<tr${isBase ? ' class="base"' : ""}><td class="name">${esc(name)}</td>${cells}</tr>`;
  }).join("");
  return `<table class="totals"><thead><tr><th class="name" rowspan="2">validator</th>${head}</tr><tr>${sub}</tr></thead><tbody>${rows}</tbody></table>`;
}

function paramsTable(r: ScenarioResult): string {
  const keys = Object.keys(r.versions[0]?.params ?? {}) as Array<keyof VersionResult["params"]>;
  const head = r.versions.map((v) => `<th>${esc(v.version)}</th>`).join("");
  const rows = keys.map((k) => `<tr><td class="name">${esc(k)}</td>${r.versions.map((v) => `<td>${esc(String(v.params[k]))}</td>`).join("")}</tr>`).join("");
  return `<table class="params"><thead><tr><th class="name">parameter</th>${head}</tr></thead><tbody>${rows}</tbody></table>`;
}

export interface ReportInputs {
  /** Per epoch: weights (validators × servers) and stakes, as the scenario defines them. */
  epochs: Array<{ W: number[][]; S: number[] }>;
}

function inputsSection(r: ScenarioResult, inputs: ReportInputs, vs: number[], ss: number[]): string {
  const s = r.scenario;
  const charts: string[] = [];
  charts.push(lineChart({
    id: "input-stake", title: "Stake share per validator", xLabel: "epoch", yLabel: "stake share",
    series: vs.map((i) => ({
      name: s.validators[i]!,
      values: inputs.epochs.map((e) => {
        const t = e.S.reduce((a, b) => a + b, 0);
        return t > 0 ? e.S[i]! / t : 0;
      }),
    })),
    yInclude: [0], jitter: 0.04,
  }));
  ss.forEach((j) => {
    const server = s.servers[j]!;
    charts.push(lineChart({
      id: `input-weights-${j}`, title: `Weights on ${server} (row-normalized)`, xLabel: "epoch", yLabel: "weight",
      series: vs.map((i) => ({
        name: s.validators[i]!,
        values: inputs.epochs.map((e) => {
          const row = e.W[i]!;
          const t = row.reduce((a, b) => a + b, 0);
          return t > 0 ? row[j]! / t : 0;
        }),
      })),
      yInclude: [0, 1], jitter: 0.04,
    }));
  });
  return `<section id="inputs"><h2>Inputs</h2><div class="charts">${charts.join("")}</div></section>`;
}

function evenShareNote(r: ScenarioResult): string {
  const p = r.versions[0]?.params;
  if (!p) return "";
  const even = (p.validatorEmissionRatio * p.totalEpochEmission) / (p.totalSubnetStake / 1000);
  return `With ${esc(fmt(p.validatorEmissionRatio))} · ${esc(fmt(p.totalEpochEmission))} TAO of validator emission per epoch on a ` +
    `${esc(fmt(p.totalSubnetStake))} TAO subnet, the even share is ${esc(fmt(even, 4))} per 1,000 TAO per epoch ` +
    `(${esc(fmt(even * r.scenario.numEpochs, 4))} over ${r.scenario.numEpochs} epochs).`;
}

/** The whole report page. */
export function renderScenarioHtml(r: ScenarioResult, inputs: ReportInputs, meta: { generator?: string } & ReportLimits = {}): string {
  const s = r.scenario;
  const vs = shownValidators(r, inputs.epochs[0]?.S ?? [], meta.top ?? 8);
  const ss = shownServers(r, meta.servers ?? 8);
  const filtered = vs.length < s.validators.length || ss.length < s.servers.length
    ? `<p class="note">Charted: ${vs.length} of ${s.validators.length} validators (the top ${meta.top ?? 8} by stake and the base)` +
      `${ss.length < s.servers.length ? `, ${ss.length} of ${s.servers.length} servers one by one (the top by incentive; up to 64 in the heat maps)` : ""}; the totals table lists everyone.</p>`
    : "";
  const csv = totalsCsv(r);
  const nav = r.versions.map((v) => `<a href="#v-${esc(v.version)}">${esc(v.version)}</a>`).join("");
  const resets = r.bondResets ? "" : " · bond resets off";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(s.title)} — Yuma scenario report</title><style>${REPORT_CSS}</style></head>
<body>
<header><h1>${esc(s.title)}</h1>
<p>${esc(s.description)}</p>
<p class="meta">${s.numEpochs} epochs · ${s.validators.length} validators · ${s.servers.length} servers · base validator: <b>${esc(s.baseValidator)}</b> · engine: ${esc(engineText(r))}${resets}${meta.generator ? ` · ${esc(meta.generator)}` : ""}</p>
${r.notes.map((n) => `<p class="note">Note: ${esc(n)}</p>`).join("")}
<nav><a href="#totals">Totals</a><a href="#inputs">Inputs</a>${nav}</nav></header>
<section id="totals"><h2>Totals</h2>
<p class="note">Total = sum over all epochs of the dividends per 1,000 TAO of stake; vs base = (Total − Total<sub>base</sub>) / Total<sub>base</sub>.</p>
${totalsTable(r)}
<p><a download="${esc(s.name)}-totals.csv" href="data:text/csv;charset=utf-8,${encodeURIComponent(csv)}">Download the totals as CSV</a></p>
<details><summary>Parameters</summary>${paramsTable(r)}</details>
</section>
${filtered}
${scenarioCharts(r, inputs, meta)}
<p class="note">${evenShareNote(r)}</p>
</body></html>
`;
}

/** The report's charts (inputs, then per version), as an HTML fragment: the playground draws
 *  the same charts with this. */
export function scenarioCharts(r: ScenarioResult, inputs: ReportInputs, meta: ReportLimits = {}): string {
  const vs = shownValidators(r, inputs.epochs[0]?.S ?? [], meta.top ?? 8);
  const ss = shownServers(r, meta.servers ?? 8);
  return `${inputsSection(r, inputs, vs, ss)}\n${r.versions.map((v) => versionSection(r, v, vs, ss)).join("\n")}`;
}

/** The totals table (validators × versions: Total and % vs base), as an HTML fragment. */
export function scenarioTotalsTable(r: ScenarioResult): string {
  return totalsTable(r);
}

/** One page of many scenario runs (`yuma scenario all`): per case its totals table and one
 *  dividends chart per version, with a contents list. */
export function renderAllScenariosHtml(results: Array<{ r: ScenarioResult; inputs: ReportInputs }>, meta: { generator?: string } = {}): string {
  const csv = results.map(({ r }, k) => (k === 0 ? totalsCsv(r) : totalsCsv(r).split("\n").slice(1).join("\n"))).join("");
  const cases = results.map(({ r, inputs }) => {
    const s = r.scenario;
    const vs = shownValidators(r, inputs.epochs[0]?.S ?? [], 8);
    const charts = r.versions.map((v) => lineChart({
      id: `${s.name}-${v.version}-dividends`, title: `${v.version}: dividends per 1,000 TAO`, xLabel: "epoch", yLabel: "dividend / 1000 TAO",
      series: vs.map((i) => ({ name: s.validators[i]!, values: v.epochs.map((e) => e.dividendsPer1000Tao[i] ?? null) })),
      yInclude: [0], jitter: 0.04, width: 420, height: 200,
    }));
    return `<section id="case-${esc(s.name)}"><h2>${esc(s.title)}</h2><p>${esc(s.description)}</p>` +
      `<p class="meta">${s.numEpochs} epochs · ${s.validators.length} validators · ${s.servers.length} servers · base: <b>${esc(s.baseValidator)}</b></p>` +
      `${totalsTable(r)}<details><summary>Dividends charts</summary><div class="charts">${charts.join("")}</div></details></section>`;
  });
  const engine = results[0] ? engineText(results[0].r) : "";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Every scenario — Yuma scenario report</title><style>${REPORT_CSS}</style></head>
<body><header><h1>Every scenario</h1>
<p class="meta">${results.length} scenarios · engine: ${esc(engine)}${meta.generator ? ` · ${esc(meta.generator)}` : ""}</p>
<p><a download="scenarios-totals.csv" href="data:text/csv;charset=utf-8,${encodeURIComponent(csv)}">Download every total as CSV</a></p>
<nav>${results.map(({ r }) => `<a href="#case-${esc(r.scenario.name)}">${esc(r.scenario.name)}</a>`).join("")}</nav></header>
${cases.join("\n")}
</body></html>
`;
}
