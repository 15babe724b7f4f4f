// Replay reports (`yuma replay --html / --csv`): built to stay readable and small at 256 uids —
// the top K validators by stake (plus any uid asked for) as dividend lines in 40 distinct
// styles, the top N miners by incentive as one compact uid × epoch heat map per version, the
// totals of every validator in a table, the peer's padding (skip the first epochs) and window
// averaging.

import type { ReplayResult } from "../chain/replay.js";
import { csvLine } from "./format.js";
import { esc, fmt, heatMap, lineChart, REPORT_CSS } from "./svg.js";

export interface ReplayReportOptions {
  /** Validators charted: the top K by stake (default 8) … */
  top?: number;
  /** … plus these uids. */
  uids?: number[];
  /** Miners in the heat map: the top N by total incentive (default 64). */
  topMiners?: number;
  /** The peer's padding: leave out the first P epochs (warm-up) from charts, tables and CSV. */
  padding?: number;
  /** The peer's window: chart averages over consecutive windows of W epochs (default 1). */
  window?: number;
  generator?: string;
}

const TAO = 1e9;

/** Per-uid value as a fraction: u16 outputs over 65535, research fractions as they are. */
function scale(r: ReplayResult): (x: number) => number {
  return r.units === "u16" ? (x) => x / 65535 : (x) => x;
}

/** The validators charted: top K by stake (ties: lower uid), then the named uids. */
export function chartedValidators(r: ReplayResult, top: number, uids: readonly number[]): number[] {
  const byStake = r.validators.slice().sort((a, b) => {
    const d = BigInt(r.stake[b]!) - BigInt(r.stake[a]!);
    return d > 0n ? 1 : d < 0n ? -1 : a - b;
  });
  const out = byStake.slice(0, top);
  for (const u of uids) if (!out.includes(u)) out.push(u);
  return out;
}

function name(r: ReplayResult, u: number): string {
  const hk = r.hotkeys?.[u];
  return hk ? `uid ${u} (${hk.slice(0, 6)}…)` : `uid ${u}`;
}

/** Windows of W epochs over [padding, K): their first epoch and the mean of `values` in each. */
function windows(values: number[], padding: number, w: number): { x0: number; means: number[] } {
  const means: number[] = [];
  for (let a = padding; a < values.length; a += w) {
    const part = values.slice(a, Math.min(values.length, a + w));
    means.push(part.reduce((s, v) => s + v, 0) / part.length);
  }
  return { x0: padding, means };
}

function stakeTao(r: ReplayResult, u: number): string {
  const s = Number(BigInt(r.stake[u]!)) / TAO;
  return s === 0 ? "0" : s.toLocaleString("en-US", { maximumFractionDigits: 2 });
}

/** Totals per validator over the epochs after padding: dividends summed (as fractions), and
 *  Dn − Sn (mean dividends share minus stake share; "-" with no stake on the subnet). */
export function replayTotals(r: ReplayResult, padding: number): Array<{ version: string; uid: number; stake: string; dividends: number; relative: number | null }> {
  const f = scale(r);
  const totalStake = r.validators.reduce((a, u) => a + BigInt(r.stake[u]!), 0n);
  const out: Array<{ version: string; uid: number; stake: string; dividends: number; relative: number | null }> = [];
  for (const v of r.versions) {
    const eps = v.epochs.slice(padding);
    for (const u of r.validators) {
      const d = eps.reduce((a, e) => a + f(e.dividends[u]!), 0);
      const sn = totalStake === 0n ? null : Number(BigInt(r.stake[u]!)) / Number(totalStake);
      out.push({ version: v.version, uid: u, stake: r.stake[u]!, dividends: d, relative: sn === null || eps.length === 0 ? null : d / eps.length - sn });
    }
  }
  return out;
}

/** CSV: one row per version × epoch × uid (after padding). */
export function replayCsv(r: ReplayResult, padding = 0): string {
  const exact = r.engine === "exact";
  const lines = [csvLine(["version", "epoch", "block", "uid", "role", "stake_rao", "consensus", "incentive", "dividends", ...(exact ? ["emission_rao"] : [])])];
  const isV = new Set(r.validators);
  for (const v of r.versions) {
    v.epochs.forEach((e, k) => {
      if (k < padding) return;
      for (let u = 0; u < r.n; u++) {
        lines.push(csvLine([v.version, k, e.block, u, isV.has(u) ? "validator" : "miner", r.stake[u]!, e.consensus[u]!, e.incentive[u]!, e.dividends[u]!, ...(exact ? [e.emission![u]!] : [])]));
      }
    });
  }
  return lines.join("");
}

/** The text summary printed by `yuma replay`: per version, the charted validators' totals and the top miners. */
export function replayText(r: ReplayResult, o: ReplayReportOptions = {}): string {
  const padding = o.padding ?? 0;
  const f = scale(r);
  const shown = chartedValidators(r, o.top ?? 8, o.uids ?? []);
  const totals = replayTotals(r, padding);
  const out: string[] = [`netuid ${r.netuid}  n ${r.n}  engine ${r.engine} (${r.semantics})  epochs ${r.versions[0]!.epochs.length}${padding ? ` (first ${padding} left out)` : ""}  validators ${r.validators.length}`];
  for (const v of r.versions) {
    out.push("", `${v.label}:`);
    out.push("  validator                    stake τ        Σ dividends   Dn − Sn");
    for (const u of shown) {
      const t = totals.find((x) => x.version === v.version && x.uid === u);
      if (!t) continue;
      out.push(`  ${name(r, u).padEnd(26)} ${stakeTao(r, u).padStart(14)}  ${fmt(t.dividends, 6).padStart(12)}  ${t.relative === null ? "-" : fmt(t.relative, 4)}`);
    }
    const inc = Array.from({ length: r.n }, (_, u) => ({ u, s: v.epochs.slice(padding).reduce((a, e) => a + f(e.incentive[u]!), 0) }))
      .filter((x) => x.s > 0).sort((a, b) => b.s - a.s || a.u - b.u).slice(0, 5);
    out.push(`  top miners by Σ incentive: ${inc.map((x) => `${x.u} (${fmt(x.s, 4)})`).join(", ") || "none"}`);
  }
  if (r.check) {
    out.push("", `check against the chain's outputs of block ${r.check.chainBlock} (replay epoch at ${r.check.replayBlock}): ${r.check.equal ? "equal" : "DIFFERENT"}`);
    for (const c of r.check.fields) out.push(`  ${c.field.padEnd(16)} max |Δ| ${String(c.maxAbsDiff).padStart(6)}  uids differing ${c.differing}${c.firstUid === null ? "" : ` (first ${c.firstUid})`}`);
  }
  return out.join("\n");
}

/** The self-contained HTML report. */
export function renderReplayHtml(r: ReplayResult, o: ReplayReportOptions = {}): string {
  const padding = o.padding ?? 0, w = Math.max(1, o.window ?? 1);
  const f = scale(r);
  const shown = chartedValidators(r, o.top ?? 8, o.uids ?? []);
  const totals = replayTotals(r, padding);
  const epochs = r.versions[0]!.epochs.length;
  const xLabel = w > 1 ? `epoch (mean of ${w})` : "epoch";
  const sections = r.versions.map((v, vi) => {
    const series = shown.map((u) => {
      const win = windows(v.epochs.map((e) => f(e.dividends[u]!)), padding, w);
      return { name: name(r, u), values: win.means };
    });
    const x0 = padding;
    const divChart = lineChart({ id: `div-${vi}`, title: `Dividends — ${v.label}`, xLabel, yLabel: "dividends", series, x0, yInclude: [0] });
    // Miners: the top N by incentive as a uid × epoch heat map (one compact map, not N charts).
    const inc = Array.from({ length: r.n }, (_, u) => ({ u, s: v.epochs.slice(padding).reduce((a, e) => a + f(e.incentive[u]!), 0) }))
      .filter((x) => x.s > 0).sort((a, b) => b.s - a.s || a.u - b.u).slice(0, o.topMiners ?? 64);
    const cols: number[] = [];
    for (let a = padding; a < epochs; a += w) cols.push(a);
    const heat = inc.length === 0
      ? `<p class="note">No uid earned incentive in these epochs.</p>`
      : heatMap({
        id: `inc-${vi}`, title: `Incentive of the top ${inc.length} miners — ${v.label}`, xLabel, yLabel: "uid", compact: true,
        xValues: cols.map(String), yValues: inc.map((x) => String(x.u)),
        cells: inc.map((x) => windows(v.epochs.map((e) => f(e.incentive[x.u]!)), padding, w).means),
        format: (x) => fmt(x, 4),
      });
    const rows = totals.filter((t) => t.version === v.version)
      .sort((a, b) => b.dividends - a.dividends || a.uid - b.uid)
      .map((t) => `<tr><td class="name">${esc(name(r, t.uid))}</td><td>${esc(stakeTao(r, t.uid))}</td><td>${esc(fmt(t.dividends, 6))}</td>` +
        `<td class="${t.relative !== null && t.relative < 0 ? "neg" : "pos"}">${t.relative === null ? "-" : esc(fmt(t.relative, 4))}</td></tr>`)
      .join("");
    return `<h2 id="v-${vi}">${esc(v.label)}</h2><div class="charts">${divChart}${heat}</div>` +
      `<details><summary>All ${r.validators.length} validators: Σ dividends over the epochs shown, Dn − Sn</summary>` +
      `<table><tr><th class="name">validator</th><th>stake τ</th><th>Σ dividends</th><th>Dn − Sn</th></tr>${rows}</table></details>`;
  });
  const check = r.check
    ? `<h2>Check against the chain</h2><p class="meta">The chain's outputs of block ${r.check.chainBlock}, the replay's first epoch at block ${r.check.replayBlock}: <b>${r.check.equal ? "equal" : "different"}</b>.</p>` +
      `<table><tr><th class="name">field</th><th>max |Δ| (u16, rao)</th><th>uids differing</th><th>first</th></tr>${r.check.fields.map((c) =>
        `<tr><td class="name">${esc(c.field)}</td><td>${esc(String(c.maxAbsDiff))}</td><td>${c.differing}</td><td>${c.firstUid ?? "-"}</td></tr>`).join("")}</table>`
    : "";
  const assumptions = r.assumptions.length
    ? `<details><summary>${r.assumptions.length} assumptions</summary><ul>${r.assumptions.map((a) => `<li><b>${esc(a.assumption)}</b> (${esc(a.field)}): ${esc(a.detail)}</li>`).join("")}</ul></details>`
    : "";
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<title>Replay of netuid ${r.netuid}</title><style>${REPORT_CSS}</style></head><body>` +
    `<h1>Replay of netuid ${r.netuid}</h1>` +
    `<p class="meta">${r.n} uids, ${r.validators.length} validators, ${epochs} epochs${padding ? ` (the first ${padding} left out)` : ""}, ` +
    `${esc(r.engine)} engine (${esc(r.semantics)}). Charted: the top ${o.top ?? 8} validators by stake${o.uids?.length ? ` and uids ${o.uids.join(", ")}` : ""}.` +
    `${o.generator ? ` Generated by ${esc(o.generator)}.` : ""}</p>` +
    `<nav>${r.versions.map((v, i) => `<a href="#v-${i}">${esc(v.label)}</a>`).join("")}</nav>${check}${sections.join("")}${assumptions}</body></html>\n`;
}
