// Self-contained HTML report of a scenario run: totals table, inputs, and per version the
// dividends, relative dividends, incentive, consensus and bonds charts (inline SVG, no script,
// no network).

import type { ScenarioResult, VersionResult } from "../scenarios/metrics.js";
import { csvLine, formatDiff, formatTotal } from "./format.js";
import { REPORT_CSS, esc, fmt, lineChart, type Series } from "./svg.js";

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

function versionSection(r: ScenarioResult, v: VersionResult): string {
  const s = r.scenario;
  const id = v.version;
  const charts: string[] = [];
  const divSeries: Series[] = s.validators.map((name, i) => {
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
    series: s.validators.map((name, i) => ({ name, values: perEpoch(v, (e) => e.relativeDividends[i] ?? null) })),
    yInclude: [0], jitter: 0.04,
  }));
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
  s.servers.forEach((server, j) => {
    charts.push(lineChart({
      id: `${id}-bonds-${j}`, title: `Bonds on ${server}`, xLabel: "epoch", yLabel: "bond",
      series: s.validators.map((name, i) => ({ name, values: perEpoch(v, (e) => e.bonds[i]?.[j] ?? null) })),
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

function inputsSection(r: ScenarioResult, inputs: ReportInputs): string {
  const s = r.scenario;
  const charts: string[] = [];
  charts.push(lineChart({
    id: "input-stake", title: "Stake share per validator", xLabel: "epoch", yLabel: "stake share",
    series: s.validators.map((name, i) => ({
      name,
      values: inputs.epochs.map((e) => {
        const t = e.S.reduce((a, b) => a + b, 0);
        return t > 0 ? e.S[i]! / t : 0;
      }),
    })),
    yInclude: [0], jitter: 0.04,
  }));
  s.servers.forEach((server, j) => {
    charts.push(lineChart({
      id: `input-weights-${j}`, title: `Weights on ${server} (row-normalized)`, xLabel: "epoch", yLabel: "weight",
      series: s.validators.map((name, i) => ({
        name,
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
export function renderScenarioHtml(r: ScenarioResult, inputs: ReportInputs, meta: { generator?: string } = {}): string {
  const s = r.scenario;
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
${inputsSection(r, inputs)}
${r.versions.map((v) => versionSection(r, v)).join("\n")}
<p class="note">${evenShareNote(r)}</p>
</body></html>
`;
}
