// Sweep outputs: CSV (one line per grid point and version), a text table, and a self-contained
// HTML page with one heat map per version (and per combination of any further swept axes).

import type { SweepAxis, SweepPoint, SweepResult } from "../scenarios/sweep.js";
import { csvLine } from "./format.js";
import { REPORT_CSS, esc, fmt, heatMap } from "./svg.js";

export function sweepCsv(r: SweepResult): string {
  let out = csvLine(["scenario", "version", ...r.axes.map((a) => a.key), "metric", "validator", "value"]);
  for (const p of r.points) {
    out += csvLine([r.scenario.name, p.version, ...r.axes.map((a) => p.at[a.key] ?? null), r.metric.kind, r.metric.validator, p.value]);
  }
  return out;
}

const fmtValue = (r: SweepResult) => (v: number | null) =>
  v === null ? "n/a" : r.metric.kind === "diff" ? `${v >= 0 ? "+" : ""}${v.toFixed(2)}%` : v.toFixed(6);

/** Plain-text table: one line per grid point, one column per version. */
export function sweepText(r: SweepResult): string {
  const f = fmtValue(r);
  const lines = [`${r.scenario.title} — ${r.metric.label}`, ...r.notes.map((n) => `note: ${n}`), ""];
  const head = [...r.axes.map((a) => a.flag), ...r.versions];
  const rows: string[][] = [];
  const n = r.points.length / Math.max(1, r.versions.length);
  for (let k = 0; k < n; k++) {
    const p = r.points[k]!;
    rows.push([...r.axes.map((a) => String(p.at[a.key])), ...r.versions.map((_, vi) => f(r.points[vi * n + k]!.value))]);
  }
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  lines.push(head.map((h, i) => h.padStart(widths[i]!)).join("  "));
  for (const row of rows) lines.push(row.map((c, i) => c.padStart(widths[i]!)).join("  "));
  return lines.join("\n") + "\n";
}

/** Split the grid into panels: x = first axis, y = second axis, one panel per other combination. */
function panels(r: SweepResult, points: SweepPoint[]): Array<{ title: string; x: SweepAxis | null; y: SweepAxis | null; cells: Array<Array<number | null>> }> {
  const [xa, ya, ...rest] = r.axes;
  const restCombos: Array<Record<string, number>> = rest.reduce<Array<Record<string, number>>>(
    (acc, a) => acc.flatMap((c) => a.values.map((v) => ({ ...c, [a.key]: v }))), [{}]);
  return restCombos.map((combo) => {
    const match = (p: SweepPoint) => Object.entries(combo).every(([k, v]) => p.at[k as keyof SweepPoint["at"]] === v);
    const xs = xa ? xa.values : [NaN];
    const ys = ya ? ya.values : [NaN];
    const cells = ys.map((yv) => xs.map((xv) => {
      const p = points.find((q) => match(q) && (!xa || q.at[xa.key] === xv) && (!ya || q.at[ya.key] === yv));
      return p ? p.value : null;
    }));
    const flagOf = (k: string) => rest.find((a) => a.key === k)?.flag ?? k;
    const title = Object.entries(combo).map(([k, v]) => `${flagOf(k)} = ${v}`).join(", ");
    return { title, x: xa ?? null, y: ya ?? null, cells };
  });
}

export function renderSweepHtml(r: SweepResult): string {
  const f = fmtValue(r);
  // One color scale for every map, so versions compare at a glance.
  const all = r.points.map((p) => p.value).filter((v): v is number => v !== null && Number.isFinite(v));
  const range: [number, number] | undefined = all.length ? [Math.min(...all), Math.max(...all)] : undefined;
  const sections = r.versions.map((version) => {
    const pts = r.points.filter((p) => p.version === version);
    const figs = panels(r, pts).map((panel, i) => heatMap({
      id: `${version}-heat-${i}`,
      title: panel.title ? `${version} · ${panel.title}` : `${version} · ${r.metric.label}`,
      xLabel: panel.x ? panel.x.flag : "",
      yLabel: panel.y ? panel.y.flag : "",
      xValues: panel.x ? panel.x.values.map((v) => fmt(v, 6)) : ["—"],
      yValues: panel.y ? panel.y.values.map((v) => fmt(v, 6)) : ["—"],
      cells: panel.cells,
      diverging: r.metric.kind === "diff",
      format: (v) => f(v),
      ...(range ? { range } : {}),
    }));
    return `<section id="v-${esc(version)}"><h2>${esc(version)}</h2><div class="charts">${figs.join("")}</div></section>`;
  });
  const csv = sweepCsv(r);
  const axes = r.axes.map((a) => `${esc(a.flag)} ∈ {${a.values.map((v) => esc(fmt(v, 6))).join(", ")}}`).join(" · ");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Sweep: ${esc(r.scenario.title)}</title><style>${REPORT_CSS}</style></head>
<body>
<header><h1>Sweep: ${esc(r.scenario.title)}</h1>
<p>${esc(r.scenario.description)}</p>
<p class="meta">Metric: <b>${esc(r.metric.label)}</b> · ${axes || "no swept parameter"} · ${r.points.length} runs · research kernels (${r.semantics === "peer" ? "peer-compatible" : "chain-like float64"})</p>
${r.notes.map((n) => `<p class="note">Note: ${esc(n)}</p>`).join("")}
<p><a download="${esc(r.scenario.name)}-sweep.csv" href="data:text/csv;charset=utf-8,${encodeURIComponent(csv)}">Download as CSV</a></p>
</header>
${sections.join("\n")}
</body></html>
`;
}
