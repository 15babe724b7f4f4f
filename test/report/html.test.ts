// The scenario report page: every chart present with the right amount of data, totals table
// and CSV consistent with the run, self-contained (no external resources, no script).
import { describe, expect, it } from "vitest";
import { renderScenarioHtml, totalsCsv, totalsText } from "../../src/report/html.js";
import { expandScenario, findScenario } from "../../src/scenarios/index.js";
import { runScenarioExact } from "../../src/scenarios/exact.js";
import { scenarioInfo, type ScenarioResult } from "../../src/scenarios/metrics.js";
import { resolveParams } from "../../src/scenarios/params.js";

function exactRun(name: string): ScenarioResult {
  const s = findScenario(name)!;
  const versions = (["YUMA2", "YUMA3"] as const).map((v) => runScenarioExact(s, v, resolveParams(v, s.params, {}), { bondResets: true }));
  return { format: "yuma-scenario-run/1", scenario: scenarioInfo(s), engine: "exact", semantics: "exact", bondResets: true, notes: [], versions };
}

describe("scenario report", () => {
  const s = findScenario("case15")!; // 3 validators, 3 servers
  const r = exactRun("case15");
  const html = renderScenarioHtml(r, { epochs: expandScenario(s) });

  it("has the inputs and, per version, dividends, relative dividends, incentive, consensus and bonds per server", () => {
    const ids = [...html.matchAll(/<figure class="chart" id="([^"]+)"/g)].map((m) => m[1]);
    expect(ids).toEqual([
      "input-stake", "input-weights-0", "input-weights-1", "input-weights-2",
      ...["YUMA2", "YUMA3"].flatMap((v) => [
        `${v}-dividends`, `${v}-relative`, `${v}-incentive`, `${v}-consensus`, `${v}-bonds-0`, `${v}-bonds-1`, `${v}-bonds-2`,
      ]),
    ]);
    // 40 epochs × 3 validators (or servers) per chart, every value finite.
    for (const m of html.matchAll(/<figure class="chart" id="[^"]+" data-series="(\d+)" data-points="(\d+)"/g)) {
      expect(Number(m[1])).toBe(3);
      expect(Number(m[2])).toBe(120);
    }
  });

  it("shows the peer's Total= labels and the base validator", () => {
    for (const v of r.versions) {
      for (const t of v.totals) {
        expect(html).toContain(`${t.validator.replace(/&/g, "&amp;")}: Total=${t.total.toFixed(6)}`);
      }
    }
    expect(html).toContain("(Base)");
    expect(html).toMatch(/<tr class="base"><td class="name">Small eager vali\. \(0\.1\)<\/td>/);
  });

  it("is self-contained: no scripts, no external URLs", () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/(src|href)="https?:/i);
    expect(html).not.toMatch(/@import|url\(/i);
  });

  it("embeds the totals CSV, which has one line per version and validator", () => {
    const csv = totalsCsv(r);
    const lines = csv.trim().split("\n");
    expect(lines[0]).toBe("scenario,engine,version,validator,is_base,total_dividends_per_1000_tao,diff_vs_base_pct");
    expect(lines.length).toBe(1 + 2 * 3);
    expect(lines[1]!.startsWith("case15,exact,YUMA2,Big vali. (0.8),false,")).toBe(true);
    expect(html).toContain(`href="data:text/csv;charset=utf-8,${encodeURIComponent(csv)}"`);
    // % vs base in the CSV recomputes from the totals.
    for (const line of lines.slice(1)) {
      const f = line.split(",");
      const total = Number(f[5]);
      const base = Number(lines.find((l) => l.includes(`,${f[2]},`) && l.split(",")[4] === "true")!.split(",")[5]);
      expect(Number(f[6])).toBeCloseTo(((total - base) / base) * 100, 9);
    }
  });

  it("text totals: one block per version", () => {
    const text = totalsText(r);
    expect(text).toContain("YUMA2 — Yuma 2 (subtensor)");
    expect(text).toContain("YUMA3 — Yuma 3 (Rhef+relative bonds)");
    expect(text.match(/\(Base\)/g)!.length).toBe(2);
  });
});
