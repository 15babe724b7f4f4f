// The dtao day report's renderer (src/report/network.ts) without a browser: exact rao
// formatting, one row per subnet with independently formatted amounts, the top-ten legend,
// self-containment, size at 128 subnets, and the degenerate inputs.
import { describe, expect, it } from "vitest";
import { formatRao, renderNetworkHtml } from "../../src/report/network.js";
import type { DtaoHistory, DtaoSummary } from "../../src/index.js";

/** Independent formatting: integer and fraction by string slicing, thousands by a loop. */
function expectRao(s: string): string {
  const neg = s.startsWith("-");
  const d = (neg ? s.slice(1) : s).padStart(10, "0");
  let whole = d.slice(0, d.length - 9).replace(/^0+(?=\d)/, "");
  const frac = d.slice(d.length - 9);
  const groups: string[] = [];
  while (whole.length > 3) {
    groups.unshift(whole.slice(-3));
    whole = whole.slice(0, -3);
  }
  groups.unshift(whole);
  return `${neg ? "−" : ""}${groups.join(" ")}.${frac}`;
}

function fixture(subnets: number, samples: number): { summary: DtaoSummary; history: DtaoHistory } {
  const history: DtaoHistory = { blocks: Array.from({ length: samples }, (_, k) => 7_000_000 + 50 * k), subnets: [] };
  const rows = [];
  for (let i = 0; i < subnets; i++) {
    const share = (i + 1) / ((subnets * (subnets + 1)) / 2);
    history.subnets.push({
      netuid: i + 1,
      spot: history.blocks.map((_, k) => 0.01 * (i + 1) * (1 + k / 1000)),
      ema: history.blocks.map(() => 0.01 * (i + 1)),
      share: history.blocks.map(() => share),
      rootProp: history.blocks.map(() => 0.05),
      alphaEmission: history.blocks.map(() => 1),
      validatorApy: history.blocks.map(() => 0.12),
    });
    rows.push({
      netuid: i + 1, tempo: 360, epochs: 20, price: 0.01 * (i + 1), emaPrice: 0.01 * (i + 1), share,
      taoIn: String(123_456_789_012n * BigInt(i + 1)), excessTao: "5", alphaIn: "1000000000", alphaOut: "7200000000000",
      owner: "1296000000000", miners: "2952000000000", validators: "2800000000000", root: "152000000000", burned: "0",
      recycled: String(-1 * (i % 2)), pending: "0", poolTao: "18446744073709551615", poolAlpha: "1000000000000000",
    });
  }
  return {
    history,
    summary: {
      economy: "dtao", shareRule: "price-ema", blocks: 7200, issuanceStart: "11000000000000000", issuanceEnd: "11003599999999998",
      minted: "3600000000000", recycled: "2", rootStake: "3500000000000000", subnets: rows, unallocated: "0", digest: "ab".repeat(32),
    },
  };
}

describe("dtao day report", () => {
  it("formats rao exactly, big values and negatives included", () => {
    for (const v of ["0", "1", "999999999", "1000000000", "1234500000000", "18446744073709551615", "-1", "-1234567890123"]) {
      expect(formatRao(v)).toBe(expectRao(v));
    }
    expect(formatRao("18446744073709551615")).toBe("18 446 744 073.709551615");
  });

  it("128 subnets × 145 samples: every row with its exact amounts, the top-ten legend, no fetch, < 2 MB", () => {
    const { summary, history } = fixture(128, 145);
    const html = renderNetworkHtml(summary, history, { generator: "test" });
    expect(html.length).toBeLessThan(2_000_000);
    expect(html.replaceAll('xmlns="http://www.w3.org/2000/svg"', "")).not.toMatch(/https?:\/\/|<script/);
    const rows = html.match(/<tr( class="top")?><td>SN\d+<\/td>/g) ?? [];
    expect(rows).toHaveLength(128);
    for (const s of summary.subnets) {
      expect(html).toContain(`<td>SN${s.netuid}</td><td>20</td>`);
      expect(html).toContain(`<td>${expectRao(s.taoIn)}</td>`);
    }
    // Shares grow with the netuid here, so the ten largest are SN119..SN128.
    const legendP = /<h2>The ten largest subnets by final share<\/h2><p>(.*?)<\/p>/.exec(html)![1]!;
    const legend = [...legendP.matchAll(/<span class="key"><i [^>]*><\/i>SN(\d+)<\/span>/g)].map((m) => Number(m[1]));
    expect(legend).toEqual([128, 127, 126, 125, 124, 123, 122, 121, 120, 119]);
    expect((html.match(/<tr class="top">/g) ?? []).length).toBe(10);
    expect(html).toContain(`<td>${expectRao("18446744073709551615")}</td>`);
    expect(html).toContain("−0.000000001");
    expect(html).not.toMatch(/NaN|Infinity/);
  });

  it("degenerate inputs render without NaN: no samples, one subnet, all-zero shares", () => {
    const none = fixture(3, 0);
    const a = renderNetworkHtml(none.summary, none.history);
    expect(a).toContain("No samples.");
    const one = fixture(1, 5);
    const b = renderNetworkHtml(one.summary, one.history);
    expect((b.match(/<tr( class="top")?><td>SN\d+<\/td>/g) ?? [])).toHaveLength(1);
    const zero = fixture(4, 6);
    for (const s of zero.history.subnets) s.share = s.share.map(() => 0);
    for (const s of zero.summary.subnets) s.share = 0;
    const c = renderNetworkHtml(zero.summary, zero.history);
    for (const h of [a, b, c]) expect(h).not.toMatch(/NaN|Infinity/);
  });
});
