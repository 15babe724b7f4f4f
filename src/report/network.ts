// Self-contained HTML day report of a dtao network run (`yuma simulate --html FILE`): the
// network totals, line charts over blocks of the ten largest subnets by final emission share
// (EMA and spot price on a log scale, share, root proportion, alpha emission, validator yield),
// a heat map of every subnet's share over time, and a table of every subnet. Inline SVG and
// CSS only: no script, no network request. Sized for 128 subnets: ten lines per chart, one
// heat-map row per subnet, one table row per subnet.

import type { DtaoHistory, DtaoSummary } from "../economy/dtao.js";
import { REPORT_CSS, esc, fmt, heatColor, lineChart, PALETTE, type Series } from "./svg.js";

const RAO = 1_000_000_000n;

/** A rao (or alpha rao) decimal string as units with 9 decimals, exactly ("1234.500000000"). */
export function formatRao(rao: string | bigint): string {
  const r = BigInt(rao);
  const neg = r < 0n;
  const a = neg ? -r : r;
  const whole = (a / RAO).toString().replace(/\B(?=(\d{3})+(?!\d))/g, " ");
  const frac = (a % RAO).toString().padStart(9, "0");
  return `${neg ? "−" : ""}${whole}.${frac}`;
}

/** A TAO value of an alpha amount at a price, for display (rounded to 3 decimals). */
function taoValue(alpha: string, price: number): string {
  return (Number(BigInt(alpha)) / 1e9 * price).toFixed(3);
}

const TOP = 10;

function top(summary: DtaoSummary): number[] {
  return summary.subnets
    .map((s, i) => ({ i, share: s.share }))
    .sort((a, b) => b.share - a.share || a.i - b.i)
    .slice(0, TOP)
    .map((x) => x.i);
}

function chart(id: string, title: string, yLabel: string, h: DtaoHistory, pick: number[], key: keyof DtaoHistory["subnets"][number], log = false): string {
  const series: Series[] = pick.map((i) => {
    const s = h.subnets[i]!;
    const vals = (s[key] as number[]).map((v) => (log ? (v > 0 ? Math.log10(v) : null) : v));
    return { name: `SN${s.netuid}`, values: vals };
  });
  return lineChart({ id, title, xLabel: `sample (every ${sampleStep(h)} blocks from block ${h.blocks[0] ?? 0})`, yLabel: log ? `log10 ${yLabel}` : yLabel, series });
}

function sampleStep(h: DtaoHistory): number {
  return h.blocks.length > 1 ? h.blocks[1]! - h.blocks[0]! : 1;
}

/** Every subnet's share over time: one row per subnet, one cell per sample (colour only). */
function shareMap(h: DtaoHistory): string {
  const rows = h.subnets.length, cols = h.blocks.length;
  if (rows === 0 || cols === 0) return "<p>No samples.</p>";
  const cw = Math.max(2, Math.min(8, Math.floor(900 / cols))), ch = 6;
  const left = 56;
  let max = 0;
  for (const s of h.subnets) for (const v of s.share) if (v > max) max = v;
  const parts: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${left + cw * cols + 10} ${ch * rows + 24}" role="img" aria-label="emission share heat map">`];
  h.subnets.forEach((s, r) => {
    if (r % Math.max(1, Math.ceil(rows / 32)) === 0) parts.push(`<text x="${left - 4}" y="${r * ch + ch}" text-anchor="end" font-size="7">SN${s.netuid}</text>`);
    // Runs of equal colour become one rect, which keeps the file small.
    let start = 0;
    let color = heatColor(s.share[0] ?? 0, 0, max || 1, false);
    for (let c = 1; c <= cols; c++) {
      const next = c < cols ? heatColor(s.share[c] ?? 0, 0, max || 1, false) : "";
      if (next !== color) {
        parts.push(`<rect class="cell" x="${left + start * cw}" y="${r * ch}" width="${(c - start) * cw}" height="${ch}" fill="${color}"/>`);
        start = c;
        color = next;
      }
    }
  });
  parts.push(`<text x="${left}" y="${ch * rows + 16}" font-size="9">blocks ${h.blocks[0]} → ${h.blocks[cols - 1]}; darker = larger share (max ${fmt(max * 100, 3)} %)</text></svg>`);
  return `<figure class="chart" id="share-map"><figcaption>Emission share of every subnet over the run</figcaption>${parts.join("")}</figure>`;
}

function table(s: DtaoSummary, topSet: Set<number>): string {
  const head = ["netuid", "epochs", "price τ/α", "EMA", "share %", "TAO in τ", "excess τ", "alpha in α", "alpha out α", "owner α (τ)", "miners α (τ)", "validators α (τ)", "root α (τ)", "burned α", "recycled α", "pending α", "pool τ", "pool α"];
  const rows = s.subnets.map((x, i) => {
    const cells = [
      `SN${x.netuid}`, String(x.epochs), fmt(x.price, 5), fmt(x.emaPrice, 5), fmt(x.share * 100, 4), formatRao(x.taoIn), formatRao(x.excessTao), formatRao(x.alphaIn),
      formatRao(x.alphaOut), `${formatRao(x.owner)} (${taoValue(x.owner, x.price)})`, `${formatRao(x.miners)} (${taoValue(x.miners, x.price)})`,
      `${formatRao(x.validators)} (${taoValue(x.validators, x.price)})`, `${formatRao(x.root)} (${taoValue(x.root, x.price)})`, formatRao(x.burned),
      formatRao(x.recycled), formatRao(x.pending), formatRao(x.poolTao), formatRao(x.poolAlpha),
    ];
    return `<tr${topSet.has(i) ? ' class="top"' : ""}>${cells.map((c) => `<td>${esc(c)}</td>`).join("")}</tr>`;
  });
  return `<table class="totals"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

/** The whole page. */
export function renderNetworkHtml(summary: DtaoSummary, history: DtaoHistory, meta: { title?: string; generator?: string } = {}): string {
  const pick = top(summary).filter((i) => i < history.subnets.length);
  const legend = pick.map((i, k) => `<span class="key"><i style="background:${PALETTE[k % PALETTE.length]}"></i>SN${summary.subnets[i]!.netuid}</span>`).join(" ");
  const sumPrice = summary.subnets.reduce((a, x) => a + x.price, 0);
  const title = meta.title ?? `Dynamic-TAO network: ${summary.subnets.length} subnets, ${summary.blocks} blocks`;
  const charts = history.blocks.length === 0 ? "<p>No samples.</p>" : [
    chart("ema-price", "EMA price (the share rule's input)", "TAO per alpha", history, pick, "ema", true),
    chart("spot-price", "Spot price", "TAO per alpha", history, pick, "spot", true),
    chart("share", "Emission share of each block's TAO", "share", history, pick, "share"),
    chart("root-prop", "Root proportion", "root proportion", history, pick, "rootProp"),
    chart("alpha-emission", "Alpha emission per block", "alpha", history, pick, "alphaEmission"),
    chart("validator-apy", "Validator yield (alpha per year over alpha stake)", "APY", history, pick, "validatorApy"),
  ].join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title><style>${REPORT_CSS}
.key{display:inline-block;margin-right:.8em;font-size:.85rem}.key i{display:inline-block;width:.9em;height:.9em;margin-right:.3em;vertical-align:-.1em}
table.totals{font-size:.75rem;border-collapse:collapse}table.totals td,table.totals th{padding:2px 6px;text-align:right;border-bottom:1px solid #eee;white-space:nowrap}
table.totals tr.top td{font-weight:600}.grid2{display:grid;grid-template-columns:repeat(auto-fill,minmax(520px,1fr));gap:12px}</style></head>
<body>
<header><h1>${esc(title)}</h1>
<p class="meta">economy dtao · share rule ${esc(summary.shareRule)} · ${summary.blocks} blocks · issuance ${esc(formatRao(summary.issuanceStart))} → ${esc(formatRao(summary.issuanceEnd))} τ · minted ${esc(formatRao(summary.minted))} τ · recycled ${esc(formatRao(summary.recycled))} τ · unallocated ${esc(formatRao(summary.unallocated))} τ</p>
<p class="meta">root stake ${esc(formatRao(summary.rootStake))} τ · Σ prices ${esc(fmt(sumPrice, 5))} · digest <code>${esc(summary.digest)}</code>${meta.generator ? ` · ${esc(meta.generator)}` : ""}</p>
<nav><a href="#charts">Charts</a><a href="#share-map">Shares</a><a href="#subnets">Subnets</a></nav></header>
<section id="charts"><h2>The ten largest subnets by final share</h2><p>${legend}</p><div class="grid2">${charts}</div></section>
<section><h2>Every subnet</h2>${shareMap(history)}</section>
<section id="subnets"><h2>Subnets</h2><p class="note">Amounts in TAO / alpha with 9 decimals, exact; (τ): the alpha's value at the final price. Bold: the ten largest.</p>
${table(summary, new Set(pick))}</section>
</body></html>
`;
}
