// Chart primitives and formats: hand-checked values.
import { describe, expect, it } from "vitest";
import { csvField, csvLine, formatDiff, formatTotal } from "../../src/report/format.js";
import { esc, fmt, heatColor, heatMap, lineChart, niceTicks } from "../../src/report/svg.js";

const count = (html: string, re: RegExp) => (html.match(re) ?? []).length;

describe("formats", () => {
  it("Total= and % vs base as the peer prints them", () => {
    expect(formatTotal(1.6559)).toBe("1.655900");
    expect(formatTotal(0)).toBe("0.000e+0");
    expect(formatTotal(2.5e-7)).toBe("2.500e-7");
    expect(formatDiff(0, true)).toBe("(Base)");
    expect(formatDiff(2.56, false)).toBe("(+2.6%)");
    expect(formatDiff(-18.04, false)).toBe("(-18.0%)");
    expect(formatDiff(null, false)).toBe("(n/a)");
  });

  it("CSV quoting (RFC 4180)", () => {
    expect(csvField("Big vali. (0.8)")).toBe("Big vali. (0.8)");
    expect(csvField('say "hi", ok')).toBe('"say ""hi"", ok"');
    expect(csvField(null)).toBe("");
    expect(csvField(Number.NaN)).toBe("");
    expect(csvLine(["a", 1, true, null])).toBe("a,1,true,\n");
  });

  it("escapes HTML", () => {
    expect(esc(`<b a="1">&'`)).toBe("&lt;b a=&quot;1&quot;&gt;&amp;&#39;");
  });

  it("compact numbers", () => {
    expect(fmt(0.041)).toBe("0.041");
    expect(fmt(1234.5678)).toBe("1235");
    expect(fmt(0)).toBe("0");
    expect(fmt(1e-5)).toBe("1.00e-5");
  });
});

describe("axis ticks", () => {
  it("cover the data range with round steps", () => {
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0, 0.0415)).toEqual([0, 0.01, 0.02, 0.03, 0.04, 0.05]);
    expect(niceTicks(-0.093, 0.093)).toEqual([-0.1, -0.05, 0, 0.05, 0.1]);
    for (const [lo, hi] of [[0.3, 0.37], [-5, 123], [1e-4, 3e-4], [7, 7]] as const) {
      const t = niceTicks(lo, hi);
      expect(t[0]!).toBeLessThanOrEqual(lo);
      expect(t[t.length - 1]!).toBeGreaterThanOrEqual(hi);
      expect(t.length).toBeGreaterThanOrEqual(2);
    }
  });
});

describe("line chart", () => {
  it("draws one path per non-empty series and one marker per finite value", () => {
    const html = lineChart({
      id: "c", title: "T <x>", xLabel: "epoch",
      series: [
        { name: "a", values: [1, 2, 3] },
        { name: "b", values: [null, 2, Number.NaN] },
        { name: "empty", values: [null, null, null] },
      ],
    });
    expect(count(html, /<circle class="pt"/g)).toBe(4);
    expect(count(html, /<path d="M/g)).toBe(2);
    expect(html).toContain('data-series="2"');
    expect(html).toContain('data-points="4"');
    expect(html).toContain("T &lt;x&gt;");
    // A gap (null) breaks the line: series b has a single point, drawn as a move only.
    expect(html).toMatch(/<path d="M[\d.]+ [\d.]+" fill="none"/);
  });

  it("maps values into the plot box (top for max, bottom for min)", () => {
    const html = lineChart({ id: "c", title: "t", series: [{ name: "a", values: [0, 1] }], width: 200, height: 100 });
    const ys = [...html.matchAll(/<circle class="pt" cx="([\d.]+)" cy="([\d.]+)"/g)].map((m) => Number(m[2]));
    // margins: top 10, bottom 38 → plot from y=10 (value 1) to y=62 (value 0).
    expect(ys).toEqual([62, 10]);
  });
});

describe("heat map", () => {
  it("one cell per value, empty cells marked, values printed", () => {
    const html = heatMap({
      id: "h", title: "H", xLabel: "kappa", yLabel: "bond-penalty", xValues: ["0.3", "0.5"], yValues: ["0", "1"],
      cells: [[1, 2], [3, null]], format: (v) => `v${v}`,
    });
    expect(count(html, /<rect class="cell"/g)).toBe(3);
    expect(count(html, /<rect class="cell empty"/g)).toBe(1);
    expect(html).toContain('data-points="3"');
    for (const v of ["v1", "v2", "v3"]) expect(html).toContain(`>${v}</text>`);
  });

  it("diverging colors: white at 0, blue for positive, red for negative", () => {
    expect(heatColor(0, -5, 5, true)).toBe("rgb(247,247,247)");
    expect(heatColor(5, -5, 5, true)).toBe("rgb(5,113,176)");
    expect(heatColor(-5, -5, 5, true)).toBe("rgb(202,0,32)");
    expect(heatColor(0, 0, 1, false)).toBe("rgb(255,255,204)");
    expect(heatColor(1, 0, 1, false)).toBe("rgb(12,44,132)");
  });
});
