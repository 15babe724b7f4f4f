// Hand-written inline SVG charts (no dependencies, no scripts): line charts with markers and
// heat maps. Every chart is a <figure class="chart"> with data-series / data-points attributes
// so a viewer (or a test) can see how much data it holds.

export const PALETTE = [
  "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
  "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
];
const DASHES = ["", "6 3", "2 2", "8 3 2 3"];

/** Series k's colour and dash: ten colours, then the same ten dashed, and so on — 40 distinct
 *  styles before any repeats (the legend draws the dash too). */
export function seriesStyle(k: number): { color: string; dash: string } {
  return { color: PALETTE[k % PALETTE.length]!, dash: DASHES[Math.floor(k / PALETTE.length) % DASHES.length]! };
}

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** Compact number formatting for axis labels and tooltips. */
export function fmt(x: number, digits = 4): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return "0";
  const a = Math.abs(x);
  if (a >= 1e5 || a < 1e-3) return x.toExponential(Math.max(0, digits - 2)).replace("e+", "e");
  return String(Number(x.toPrecision(digits)));
}

/** "Nice" axis ticks covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
  if (hi - lo < 1e-12) {
    const pad = Math.abs(hi) > 1e-12 ? Math.abs(hi) * 0.1 : 1;
    lo -= pad;
    hi += pad;
  }
  const raw = (hi - lo) / count;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const first = Math.floor(lo / step + 1e-9);
  const last = Math.max(first + 1, Math.ceil(hi / step - 1e-9));
  const ticks: number[] = [];
  for (let k = first; k <= last; k++) ticks.push(Number((k * step).toPrecision(12)));
  return ticks;
}

export interface Series {
  name: string;
  /** y per x index; null or NaN = no point. */
  values: Array<number | null>;
  /** Label shown in the legend (defaults to name). */
  label?: string;
}

export interface LineChartOptions {
  id: string;
  title: string;
  xLabel?: string;
  yLabel?: string;
  series: Series[];
  /** x value of index 0 (epochs start at 0). */
  x0?: number;
  /** Force the y range to include these values (e.g. 0, or [0, 1]). */
  yInclude?: number[];
  width?: number;
  height?: number;
  /** Shift each series by this fraction of an x step so identical lines stay visible. */
  jitter?: number;
}

/** A line chart: one path plus one marker per data point for every series. */
export function lineChart(o: LineChartOptions): string {
  const W = o.width ?? 560, H = o.height ?? 250;
  const m = { l: 58, r: 12, t: 10, b: 38 };
  const pw = W - m.l - m.r, ph = H - m.t - m.b;
  const len = Math.max(1, ...o.series.map((s) => s.values.length));
  const x0 = o.x0 ?? 0;
  const ys: number[] = [...(o.yInclude ?? [])];
  for (const s of o.series) for (const v of s.values) if (v !== null && Number.isFinite(v)) ys.push(v);
  const yt = niceTicks(ys.length ? Math.min(...ys) : 0, ys.length ? Math.max(...ys) : 1);
  const yLo = yt[0]!, yHi = yt[yt.length - 1]!;
  const xt = niceTicks(x0, x0 + len - 1, 8).filter((t) => t >= x0 && t <= x0 + len - 1 && Number.isInteger(t));
  const sx = (i: number) => m.l + (len === 1 ? pw / 2 : (i / (len - 1)) * pw);
  const sy = (v: number) => m.t + ph - ((v - yLo) / (yHi - yLo || 1)) * ph;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(o.title)}">`);
  // Grid and axes.
  parts.push(`<g class="grid">`);
  for (const t of yt) parts.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${sy(t).toFixed(1)}" y2="${sy(t).toFixed(1)}"/>`);
  for (const t of xt) parts.push(`<line x1="${sx(t - x0).toFixed(1)}" x2="${sx(t - x0).toFixed(1)}" y1="${m.t}" y2="${m.t + ph}"/>`);
  parts.push(`</g><g class="axis">`);
  for (const t of yt) parts.push(`<text x="${m.l - 6}" y="${(sy(t) + 4).toFixed(1)}" text-anchor="end">${esc(fmt(t, 3))}</text>`);
  for (const t of xt) parts.push(`<text x="${sx(t - x0).toFixed(1)}" y="${m.t + ph + 15}" text-anchor="middle">${t}</text>`);
  parts.push(`<line x1="${m.l}" x2="${m.l}" y1="${m.t}" y2="${m.t + ph}"/><line x1="${m.l}" x2="${W - m.r}" y1="${m.t + ph}" y2="${m.t + ph}"/>`);
  if (o.xLabel) parts.push(`<text x="${m.l + pw / 2}" y="${H - 4}" text-anchor="middle" class="label">${esc(o.xLabel)}</text>`);
  if (o.yLabel) parts.push(`<text transform="translate(12 ${m.t + ph / 2}) rotate(-90)" text-anchor="middle" class="label">${esc(o.yLabel)}</text>`);
  parts.push(`</g>`);
  let points = 0, nonEmpty = 0;
  const step = len > 1 ? pw / (len - 1) : 0;
  o.series.forEach((s, k) => {
    const { color, dash } = seriesStyle(k);
    const dx = (o.jitter ?? 0) * step * (k - (o.series.length - 1) / 2);
    let d = "";
    let pen = false;
    const marks: string[] = [];
    s.values.forEach((v, i) => {
      if (v === null || !Number.isFinite(v)) {
        pen = false;
        return;
      }
      const x = (sx(i) + dx).toFixed(1), y = sy(v).toFixed(1);
      d += `${pen ? "L" : "M"}${x} ${y}`;
      pen = true;
      marks.push(`<circle class="pt" cx="${x}" cy="${y}" r="2.2"><title>${esc(s.name)} · ${o.xLabel ?? "x"} ${i + x0}: ${esc(fmt(v, 6))}</title></circle>`);
    });
    if (marks.length === 0) return;
    nonEmpty++;
    points += marks.length;
    parts.push(`<g class="series" data-name="${esc(s.name)}" stroke="${color}" fill="${color}">`);
    parts.push(`<path d="${d}" fill="none" stroke-width="1.6"${dash ? ` stroke-dasharray="${dash}"` : ""}/>`);
    parts.push(...marks, `</g>`);
  });
  parts.push(`</svg>`);
  const legend = o.series
    .map((s, k) => {
      const { color, dash } = seriesStyle(k);
      return `<span class="key"><svg width="22" height="8" aria-hidden="true"><line x1="1" x2="21" y1="4" y2="4" stroke="${color}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ""}/></svg>${esc(s.label ?? s.name)}</span>`;
    })
    .join("");
  return `<figure class="chart" id="${esc(o.id)}" data-series="${nonEmpty}" data-points="${points}">` +
    `<figcaption>${esc(o.title)}</figcaption>${parts.join("")}<div class="legend">${legend}</div></figure>`;
}

export interface HeatMapOptions {
  id: string;
  title: string;
  xLabel: string;
  yLabel: string;
  xValues: string[];
  yValues: string[];
  /** cells[y][x]; null = no value. */
  cells: Array<Array<number | null>>;
  /** Diverging colors around 0 (for % differences) instead of a sequential scale. */
  diverging?: boolean;
  /** Formats the number printed in a cell. */
  format?: (v: number) => string;
  /** Color scale domain (default: this map's min and max), to share one scale across maps. */
  range?: [number, number];
  /** Small cells without printed values (many rows or columns); every cell keeps its tooltip. */
  compact?: boolean;
}

/** The colour scale of a heat map: a gradient bar from lo to hi, with both ends labelled. */
function colourLegend(lo: number, hi: number, diverging: boolean, f: (v: number) => string): string {
  const stops = Array.from({ length: 9 }, (_, i) => {
    const v = diverging ? -Math.max(Math.abs(lo), Math.abs(hi)) + (i / 8) * 2 * Math.max(Math.abs(lo), Math.abs(hi)) : lo + (i / 8) * (hi - lo);
    return `<stop offset="${(i / 8).toFixed(3)}" stop-color="${heatColor(v, lo, hi, diverging)}"/>`;
  }).join("");
  const id = `g${Math.abs(Math.round(lo * 1e6)) % 100000}-${Math.abs(Math.round(hi * 1e6)) % 100000}-${diverging ? 1 : 0}`;
  const [a, b] = diverging ? [-Math.max(Math.abs(lo), Math.abs(hi)), Math.max(Math.abs(lo), Math.abs(hi))] : [lo, hi];
  return `<div class="scale"><span>${esc(f(a))}</span><svg width="160" height="12" aria-label="colour scale from ${esc(f(a))} to ${esc(f(b))}">` +
    `<defs><linearGradient id="${id}">${stops}</linearGradient></defs><rect width="160" height="12" fill="url(#${id})"/></svg><span>${esc(f(b))}</span></div>`;
}

function lerp(a: number[], b: number[], t: number): string {
  const c = a.map((x, i) => Math.round(x + (b[i]! - x) * t));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

/** Color of a value: sequential (light yellow → dark blue) or diverging (red ↔ white ↔ blue). */
export function heatColor(v: number, lo: number, hi: number, diverging: boolean): string {
  if (diverging) {
    const m = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
    const t = Math.max(-1, Math.min(1, v / m));
    return t < 0 ? lerp([247, 247, 247], [202, 0, 32], -t) : lerp([247, 247, 247], [5, 113, 176], t);
  }
  const t = hi > lo ? (v - lo) / (hi - lo) : 0.5;
  const stops = [[255, 255, 204], [161, 218, 180], [65, 182, 196], [34, 94, 168], [12, 44, 132]];
  const pos = Math.max(0, Math.min(1, t)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(pos));
  return lerp(stops[i]!, stops[i + 1]!, pos - i);
}

/** A heat map's size, colour domain, number format and opening <svg> (drawn at its own size). */
function heatFrame(o: HeatMapOptions, cw: number, ch: number, m: { l: number; r: number; t: number; b: number }) {
  const W = m.l + m.r + cw * o.xValues.length, H = m.t + m.b + ch * o.yValues.length;
  const vals = o.cells.flat().filter((v): v is number => v !== null && Number.isFinite(v));
  const [lo, hi] = o.range ?? [vals.length ? Math.min(...vals) : 0, vals.length ? Math.max(...vals) : 1];
  const f = o.format ?? ((v: number) => fmt(v, 4));
  const parts: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(o.title)}">`];
  return { W, H, lo: lo!, hi: hi!, f, parts };
}

/** A heat map: one <rect class="cell"> per (x, y) value, the value printed inside. */
export function heatMap(o: HeatMapOptions): string {
  if (o.compact) return compactHeatMap(o);
  const cw = 86, ch = 34;
  const m = { l: 90, r: 12, t: 10, b: 46 };
  const { H, lo, hi, f, parts } = heatFrame(o, cw, ch, m);
  let points = 0;
  o.yValues.forEach((yv, yi) => {
    // Highest y value at the top.
    const row = o.yValues.length - 1 - yi;
    const y = m.t + row * ch;
    parts.push(`<text class="axis" x="${m.l - 6}" y="${y + ch / 2 + 4}" text-anchor="end">${esc(yv)}</text>`);
    o.xValues.forEach((_, xi) => {
      const v = o.cells[yi]?.[xi] ?? null;
      const x = m.l + xi * cw;
      if (v === null || !Number.isFinite(v)) {
        parts.push(`<rect class="cell empty" x="${x}" y="${y}" width="${cw - 2}" height="${ch - 2}" fill="#eee"/>`);
        return;
      }
      points++;
      const fill = heatColor(v, lo, hi, !!o.diverging);
      const dark = /rgb\((\d+),(\d+),(\d+)\)/.exec(fill)!;
      const lum = 0.299 * +dark[1]! + 0.587 * +dark[2]! + 0.114 * +dark[3]!;
      parts.push(`<rect class="cell" x="${x}" y="${y}" width="${cw - 2}" height="${ch - 2}" fill="${fill}"><title>${esc(o.xLabel)}=${esc(o.xValues[xi]!)}, ${esc(o.yLabel)}=${esc(yv)}: ${esc(fmt(v, 8))}</title></rect>`);
      parts.push(`<text x="${x + (cw - 2) / 2}" y="${y + ch / 2 + 3}" text-anchor="middle" class="cellv" style="fill:${lum < 128 ? "#fff" : "#222"}">${esc(f(v))}</text>`);
    });
  });
  o.xValues.forEach((xv, xi) => {
    parts.push(`<text class="axis" x="${m.l + xi * cw + (cw - 2) / 2}" y="${m.t + ch * o.yValues.length + 14}" text-anchor="middle">${esc(xv)}</text>`);
  });
  parts.push(`<text class="label" x="${m.l + (cw * o.xValues.length) / 2}" y="${H - 6}" text-anchor="middle">${esc(o.xLabel)}</text>`);
  parts.push(`<text class="label" transform="translate(12 ${m.t + (ch * o.yValues.length) / 2}) rotate(-90)" text-anchor="middle">${esc(o.yLabel)}</text>`);
  parts.push(`</svg>`);
  return `<figure class="chart heatmap" id="${esc(o.id)}" data-series="${points > 0 ? 1 : 0}" data-points="${points}">` +
    `<figcaption>${esc(o.title)}</figcaption><div class="scroll">${parts.join("")}</div>${colourLegend(lo, hi, !!o.diverging, f)}</figure>`;
}

/** The compact heat map: 12 × 9 px cells, axis labels thinned to stay legible, tooltips on cells. */
function compactHeatMap(o: HeatMapOptions): string {
  const cw = 12, ch = 9;
  const m = { l: 58, r: 8, t: 6, b: 34 };
  const { H, lo, hi, f, parts } = heatFrame(o, cw, ch, m);
  const everyY = Math.max(1, Math.ceil(12 / ch)), everyX = Math.max(1, Math.ceil(28 / cw));
  let points = 0;
  o.yValues.forEach((yv, yi) => {
    const y = m.t + yi * ch;
    if (yi % everyY === 0) parts.push(`<text class="axis" x="${m.l - 4}" y="${y + ch}" text-anchor="end">${esc(yv)}</text>`);
    o.xValues.forEach((xv, xi) => {
      const v = o.cells[yi]?.[xi] ?? null;
      if (v === null || !Number.isFinite(v)) return;
      points++;
      parts.push(`<rect class="cell" x="${m.l + xi * cw}" y="${y}" width="${cw}" height="${ch}" fill="${heatColor(v, lo, hi, !!o.diverging)}"><title>${esc(o.yLabel)} ${esc(yv)}, ${esc(o.xLabel)} ${esc(xv)}: ${esc(f(v))}</title></rect>`);
    });
  });
  o.xValues.forEach((xv, xi) => {
    if (xi % everyX === 0) parts.push(`<text class="axis" x="${m.l + xi * cw + cw / 2}" y="${m.t + ch * o.yValues.length + 12}" text-anchor="middle">${esc(xv)}</text>`);
  });
  parts.push(`<text class="label" x="${m.l + (cw * o.xValues.length) / 2}" y="${H - 4}" text-anchor="middle">${esc(o.xLabel)}</text>`);
  parts.push(`<text class="label" transform="translate(10 ${m.t + (ch * o.yValues.length) / 2}) rotate(-90)" text-anchor="middle">${esc(o.yLabel)}</text>`);
  parts.push(`</svg>`);
  return `<figure class="chart heatmap compact" id="${esc(o.id)}" data-series="${points > 0 ? 1 : 0}" data-points="${points}">` +
    `<figcaption>${esc(o.title)}</figcaption><div class="scroll">${parts.join("")}</div>${colourLegend(lo, hi, !!o.diverging, f)}</figure>`;
}

/** Shared page style for all reports. */
export const REPORT_CSS = `
:root{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d1d1f;background:#fff}
body{margin:0 auto;padding:16px 24px 48px;max-width:1400px}
h1{font-size:1.5rem;margin:.2em 0}h2{font-size:1.2rem;margin:1.6em 0 .4em;border-bottom:1px solid #ddd;padding-bottom:.2em}
h3{font-size:1rem;margin:1em 0 .3em}
p.meta{color:#555;font-size:.9rem;margin:.2em 0}
nav a{margin-right:1em;font-size:.9rem}
table{border-collapse:collapse;font-size:.85rem;margin:.4em 0}
th,td{border:1px solid #ddd;padding:3px 8px;text-align:right;white-space:nowrap}
th{background:#f4f4f6}td.name,th.name{text-align:left}
tr.base td{font-weight:600;background:#fbfbe8}
td.neg{color:#b00020}td.pos{color:#0a6e31}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(430px,1fr));gap:12px 20px}
.chart{margin:0;min-width:0}
.chart figcaption{font-size:.85rem;font-weight:600;margin-bottom:2px}
.chart svg{width:100%;height:auto;display:block}
.chart .grid line{stroke:#e6e6e6;stroke-width:1}
.chart .axis line{stroke:#888}
.chart text{font-size:10px;fill:#444}
.chart text.label{font-size:11px;fill:#222}
.chart text.cellv{font-size:11px}
.chart circle.pt{stroke:none}
.legend{font-size:.75rem;display:flex;flex-wrap:wrap;gap:2px 12px;margin-top:2px}
.legend .key i{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:4px;vertical-align:-1px}
.legend .key svg{display:inline-block;vertical-align:middle;margin-right:4px;width:22px;height:8px}
details{margin:.5em 0}summary{cursor:pointer;font-size:.9rem}
.note{font-size:.8rem;color:#666}
.heatmap .scroll{overflow-x:auto}
.heatmap svg{width:auto;max-width:none}
.heatmap.compact svg text{font-size:11px}
.scale{display:flex;align-items:center;gap:6px;font-size:.75rem;margin-top:4px}
`;
