// The HTML reports in a real browser (Chromium via puppeteer-core; test/helpers/chromium.ts finds one): every chart is laid
// out and draws its data points. Chromium is required: if it is missing, these tests fail.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderScenarioHtml } from "../../src/report/html.js";
import { expandScenario, findScenario } from "../../src/scenarios/index.js";
import { runScenario } from "../../src/scenarios/run.js";
import { YUMA_VERSIONS } from "../../src/scenarios/types.js";
import { renderSweepHtml } from "../../src/report/sweep.js";
import { parseMetric, runSweep } from "../../src/scenarios/sweep.js";
import { launchChromium } from "../helpers/chromium.js";
import { Network, type DtaoHistory, type DtaoSummary } from "../../src/index.js";
import { renderNetworkHtml } from "../../src/report/network.js";
import { importMetagraph, renderReplayHtml, replay } from "../../src/index.js";

let browser: Browser;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "yuma-report-"));
  browser = await launchChromium(join(dir, "profile"));
});

afterAll(async () => {
  await browser?.close();
  if (dir && !process.env.YUMA_KEEP_REPORTS) rmSync(dir, { recursive: true, force: true });
});

interface ChartInfo {
  id: string;
  expected: number;
  marks: number;
  paths: number;
  cells: number;
  width: number;
  height: number;
}

/** Open a page and measure every chart as the browser rendered it. */
async function inspect(file: string, screenshot: string): Promise<{ charts: ChartInfo[]; errors: string[]; requests: string[] }> {
  const page = await browser.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  page.on("request", (r) => { if (!r.url().startsWith("file:") && !r.url().startsWith("data:")) requests.push(r.url()); });
  await page.setViewport({ width: 1400, height: 900 });
  await page.goto(`file://${file}`, { waitUntil: "load" });
  const charts = await page.$$eval("figure.chart", (figs) => figs.map((f) => {
    const svg = f.querySelector("svg")!;
    const box = svg.getBoundingClientRect();
    // Only marks that really have a position and size in the rendered SVG.
    const visible = (sel: string) => Array.from(f.querySelectorAll(sel)).filter((el) => {
      const b = (el as SVGGraphicsElement).getBBox();
      return Number.isFinite(b.x) && Number.isFinite(b.y) && (b.width > 0 || b.height > 0);
    }).length;
    return {
      id: f.id,
      expected: Number(f.getAttribute("data-points")),
      marks: visible("circle.pt"),
      paths: visible("g.series path"),
      cells: visible("rect.cell:not(.empty)"),
      width: box.width,
      height: box.height,
    };
  }));
  await page.screenshot({ path: screenshot, fullPage: true });
  await page.close();
  return { charts, errors, requests };
}

describe("reports in chromium", () => {
  it("replay report of the real SN15 (256 uids × 40 epochs × 2 versions): size and open time printed, every chart drawn", async () => {
    const m = importMetagraph(readFileSync(join(__dirname, "..", "..", "..", "shared", "real", "sn15-b4769998", "netuid15_block4769998_4769998.pt")));
    const r = replay(m, { epochs: 40, versions: ["YUMA2", "YUMA3"] });
    const file = join(dir, "replay.html");
    writeFileSync(file, renderReplayHtml(r, { top: 8 }));
    const bytes = statSync(file).size;
    const page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 900 });
    const t0 = performance.now();
    await page.goto(`file://${file}`, { waitUntil: "load" });
    await page.evaluate(() => new Promise((res) => requestAnimationFrame(() => res(null))));
    const openMs = performance.now() - t0;
    await page.close();
    console.log(`replay report: ${(bytes / 1e6).toFixed(2)} MB, opened and painted in ${openMs.toFixed(0)} ms in chromium`);
    expect(bytes).toBeLessThan(2_000_000);
    const { charts, errors, requests } = await inspect(file, join(dir, "replay.png"));
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    expect(charts.map((c) => c.id)).toEqual(["div-0", "inc-0", "div-1", "inc-1"]);
    for (const c of charts.filter((x) => x.id.startsWith("div"))) {
      expect(c.expected, c.id).toBe(8 * 40);
      expect(c.marks, c.id).toBe(c.expected);
      expect(c.paths, c.id).toBe(8);
    }
    for (const c of charts.filter((x) => x.id.startsWith("inc"))) {
      expect(c.cells, c.id).toBe(c.expected);
      expect(c.expected % 40, c.id).toBe(0);
      expect(c.expected, c.id).toBeGreaterThan(40);
    }
  });

  it("scenario report: every chart of all six versions draws all its data points", async () => {
    const s = findScenario("case2")!;
    const result = runScenario(s, YUMA_VERSIONS);
    const file = join(dir, "case2.html");
    writeFileSync(file, renderScenarioHtml(result, { epochs: expandScenario(s) }));
    const shot = join(dir, "case2.png");
    const { charts, errors, requests } = await inspect(file, shot);
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    // inputs: stake + 2 weight charts; per version: dividends, relative, incentive, consensus, 2 bond charts.
    expect(charts.length).toBe(3 + 6 * 6);
    for (const c of charts) {
      expect(c.width, c.id).toBeGreaterThan(300);
      expect(c.height, c.id).toBeGreaterThan(100);
      // 40 epochs × (3 validators or 2 servers), each drawn as a marker, plus one line per series.
      expect(c.expected, c.id).toBe(c.id.endsWith("incentive") || c.id.endsWith("consensus") ? 80 : 120);
      expect(c.marks, c.id).toBe(c.expected);
      expect(c.paths, c.id).toBeGreaterThan(0);
    }
    expect(statSync(shot).size).toBeGreaterThan(50_000);
    expect(readFileSync(shot).subarray(1, 4).toString()).toBe("PNG");
  });

  it("sweep heat map: one filled cell per grid point and version", async () => {
    const s = findScenario("case2")!;
    const result = await runSweep({
      scenario: s, versions: ["YUMA2", "YUMA3"],
      axes: [
        { flag: "kappa", key: "kappa", values: [0.3, 0.5, 0.7] },
        { flag: "bond-penalty", key: "bondPenalty", values: [0, 0.5, 1] },
      ],
      metric: parseMetric(s, "diff:Big"),
    }, { threads: 1 });
    const file = join(dir, "sweep.html");
    writeFileSync(file, renderSweepHtml(result));
    const { charts, errors, requests } = await inspect(file, join(dir, "sweep.png"));
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    expect(charts.map((c) => c.id)).toEqual(["YUMA2-heat-0", "YUMA3-heat-0"]);
    // Cells keep their size (the map scrolls instead of shrinking): cell text renders ≥ 11 px,
    // and each map carries its colour scale.
    const page = await browser.newPage();
    await page.setViewport({ width: 390, height: 800 });
    await page.goto(`file://${file}`, { waitUntil: "load" });
    const px = await page.$$eval("text.cellv", (ts) => ts.map((t) => {
      const svg = (t as SVGTextElement).ownerSVGElement!;
      const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
      return parseFloat(getComputedStyle(t).fontSize) * scale;
    }));
    const scales = await page.$$eval("figure.heatmap .scale", (x) => x.length);
    await page.close();
    expect(px.length).toBe(18);
    expect(Math.min(...px)).toBeGreaterThanOrEqual(11);
    expect(scales).toBe(2);
    for (const c of charts) {
      expect(c.cells, c.id).toBe(9);
      expect(c.expected, c.id).toBe(9);
      expect(c.width).toBeGreaterThan(200);
    }
  });

  it("dtao day report: six line charts of the ten largest subnets and the share map of all", async () => {
    const net = new Network({ seed: 3, subnets: 24, defaults: { neurons: 16, validators: 4, tempo: 100 } });
    const history: DtaoHistory = { blocks: [], subnets: [] };
    const summary = net.step(600, { history, sampleEvery: 20 }) as DtaoSummary;
    const file = join(dir, "day.html");
    writeFileSync(file, renderNetworkHtml(summary, history));
    const { charts, errors, requests } = await inspect(file, join(dir, "day.png"));
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    // 600 blocks sampled every 20: 30 samples (the last block is one of them).
    expect(history.blocks.length).toBe(30);
    const lines = charts.filter((c) => c.id !== "share-map");
    expect(lines.map((c) => c.id)).toEqual(["ema-price", "spot-price", "share", "root-prop", "alpha-emission", "validator-apy"]);
    for (const c of lines) {
      expect(c.expected, c.id).toBe(10 * 30);
      expect(c.marks, c.id).toBe(c.expected);
      expect(c.paths, c.id).toBe(10);
      expect(c.width, c.id).toBeGreaterThan(300);
    }
    const map = charts.find((c) => c.id === "share-map")!;
    expect(map.cells).toBeGreaterThanOrEqual(24);
  });
});
