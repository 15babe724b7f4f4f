// The playground (site/, built by `npm run build`) in chromium, served from a local static
// server and opened from file://: a slider change redraws every chart and the totals, equal to
// the CLI's numbers for the same inputs; the engine switch; a real metagraph loaded through the
// file input; the network tab on Web Workers against Node's digest; the URL hash; the CSV export.
// Prints the page's figures (redraw times, size, first render). Chromium is required.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import type { Browser, Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importMetagraph, metagraphToJson, Network } from "../src/index.js";
import { launchChromium, ROOT } from "./helpers/chromium.js";

const SITE = join(ROOT, "site");
const CLI = join(ROOT, "dist", "cli.js");
const SN15 = join(ROOT, "..", "shared", "real", "sn15-b4769998", "netuid15_block4769998_4769998.pt");
const yuma = (...args: string[]) => JSON.parse(spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" }).stdout);

const dir = mkdtempSync(join(tmpdir(), "yuma-playground-"));
let server: Server;
let base = "";
let browser: Browser;
const figures: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const f = (req.url ?? "/").split(/[?#]/)[0] === "/" ? "index.html" : (req.url ?? "").split(/[?#]/)[0]!.replace(/^\/+/, "");
    if (f.includes("..")) return void res.writeHead(404).end();
    try {
      res.writeHead(200, { "content-type": f.endsWith(".js") ? "text/javascript" : "text/html" }).end(readFileSync(join(SITE, f)));
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const a = server.address();
  base = `http://127.0.0.1:${typeof a === "object" && a ? a.port : 0}`;
  browser = await launchChromium(join(dir, "profile"));
}, 60_000);

afterAll(async () => {
  console.log(`playground figures:\n  ${figures.join("\n  ")}`);
  await browser?.close();
  await new Promise((r) => server?.close(r));
  rmSync(dir, { recursive: true, force: true });
});

async function open(url: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.setViewport({ width: 1280, height: 900 });
  await page.goto(url);
  await page.waitForFunction("window.__playground && window.__playground.ready", { timeout: 30_000 });
  return { page, errors };
}

type Totals = Array<{ version: string; totals: Array<{ validator: string; total: number }> }>;
const totalsOf = (r: { versions: Totals }) => r.versions.map((v) => ({ version: v.version, totals: v.totals.map((t) => [t.validator, t.total]) }));

describe("the playground in chromium", () => {
  it("is small: app.js ≤ 200 KB gzip", () => {
    const gz = gzipSync(readFileSync(join(SITE, "app.js"))).length;
    figures.push(`app.js (JS + both WASM modules): ${(statSync(join(SITE, "app.js")).size / 1024).toFixed(0)} KiB, ${(gz / 1024).toFixed(0)} KiB gzip`);
    expect(gz).toBeLessThan(200 * 1024);
  });

  it("a slider change redraws charts and totals, equal to yuma scenario's numbers; the engine switch runs the exact engine", async () => {
    const { page, errors } = await open(base + "/#s=case2");
    figures.push(`first render (local load, both modules compiled, case 2 × 6 versions drawn): ${(await page.evaluate("window.__playground.firstRenderMs") as number).toFixed(0)} ms`);
    const before = await page.evaluate("window.__playground.result") as { versions: Totals };
    const charts0 = await page.$$eval("#report figure.chart", (f) => f.length);
    expect(charts0).toBe(3 + 6 * 6);
    // Move kappa to 0.95 (beyond the big validator and one small one; the slider marks
    // the override itself).
    await page.evaluate(`(() => { const s = document.getElementById("p-kappa"); s.value = "0.95"; s.dispatchEvent(new Event("input")); })()`);
    const after = await page.evaluate("window.__playground.result") as { versions: Totals };
    const redraw = await page.evaluate("window.__playground.lastMs") as number;
    figures.push(`slider change, classic case × 6 versions, charts and totals redrawn: ${redraw.toFixed(1)} ms`);
    expect(totalsOf(after)).not.toEqual(totalsOf(before));
    expect(totalsOf(after)).toEqual(totalsOf(yuma("scenario", "case2", "--kappa", "0.95", "--json")));
    expect(await page.$eval("#out-kappa", (o) => o.textContent)).toBe("0.95");
    expect(await page.evaluate("location.hash")).toMatch(/kappa=0\.95/);
    // Exact engine: only its three versions run.
    await page.click("#engine-exact");
    const exact = await page.evaluate("window.__playground.result") as { engine: string; versions: Totals };
    expect(exact.engine).toBe("exact");
    expect(totalsOf(exact)).toEqual(totalsOf(yuma("scenario", "case2", "--exact", "--kappa", "0.95", "--json")));
    expect(await page.$eval("#v-YUMA1", (b) => (b as HTMLInputElement).disabled)).toBe(true);
    // The shareable link reproduces it.
    const hash = await page.evaluate("location.hash") as string;
    const again = await open(base + "/" + hash);
    expect(totalsOf(await again.page.evaluate("window.__playground.result") as { versions: Totals })).toEqual(totalsOf(exact));
    // The CSV export is the CLI's totals CSV.
    await page.evaluate(`(() => { window.__blobs = []; const c = URL.createObjectURL; URL.createObjectURL = (b) => { window.__blobs.push(b); return c(b); }; document.getElementById("csv").click(); })()`);
    const csv = await page.evaluate("window.__blobs[0].text()");
    const file = join(dir, "cli.csv");
    spawnSync(process.execPath, [CLI, "scenario", "case2", "--exact", "--kappa", "0.95", "--csv", file], { encoding: "utf8" });
    expect(csv).toBe(readFileSync(file, "utf8"));
    await page.screenshot({ path: join(dir, "playground.png"), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
    await again.page.close();
  }, 120_000);

  it("editing: add a validator and shift one; the diff table follows", async () => {
    const { page, errors } = await open(base + "/#s=case1&v=YUMA2,YUMA3");
    await page.click("details > summary");
    await page.click("#addValidator");
    let r = await page.evaluate("window.__playground.result") as { scenario: { validators: string[] } };
    expect(r.scenario.validators.length).toBe(4);
    await page.select("#shiftWho", "0");
    await page.click("#shiftOne");
    r = await page.evaluate("window.__playground.result") as { scenario: { validators: string[] } };
    expect(r.scenario.validators.length).toBe(4);
    expect(await page.$$eval("#diff tr", (x) => x.length)).toBe(1 + 4);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it("a real metagraph through the file input: 256 uids, 64 validators, 40 epochs, 2 versions", async () => {
    const file = join(dir, "sn15.json");
    writeFileSync(file, JSON.stringify(metagraphToJson(importMetagraph(readFileSync(SN15)))));
    const { page, errors } = await open(base + "/#s=case1&v=YUMA2,YUMA3");
    const input = (await page.$("#file")) as unknown as { uploadFile(...paths: string[]): Promise<void> };
    const t0 = performance.now();
    await input.uploadFile(file);
    await page.waitForFunction(`document.getElementById("fileStatus").textContent.startsWith("loaded")`, { timeout: 60_000 });
    const wall = performance.now() - t0;
    const r = await page.evaluate("window.__playground.result") as { scenario: { validators: string[]; servers: string[]; numEpochs: number }; versions: unknown[] };
    expect([r.scenario.validators.length, r.scenario.servers.length, r.scenario.numEpochs, r.versions.length]).toEqual([64, 256, 40, 2]);
    figures.push(`256-uid metagraph (64 validators × 40 epochs × 2 versions): ${(await page.evaluate("window.__playground.lastMs") as number).toFixed(0)} ms computed and drawn (${wall.toFixed(0)} ms from the file input)`);
    expect(await page.$$eval("#report figure.heatmap", (f) => f.length)).toBe(4);
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it("an epoch fixture loads too (weights held over 40 epochs)", async () => {
    const { page, errors } = await open(base + "/#s=case1&v=YUMA3");
    const text = readFileSync(join(ROOT, "test", "fixtures", "epoch", "rand-n16-yuma3-bp1.json"), "utf8");
    await page.evaluate(`window.__playground.loadText(${JSON.stringify(text)}, "rand-n16-yuma3-bp1.json")`);
    const r = await page.evaluate("window.__playground.result") as { scenario: { servers: string[]; numEpochs: number } };
    expect([r.scenario.servers.length, r.scenario.numEpochs]).toEqual([16, 40]);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it("the network tab runs on Web Workers and gives Node's digest", async () => {
    const { page, errors } = await open(base + "/#tab=network");
    const set = (id: string, v: string) => page.evaluate(`document.getElementById(${JSON.stringify(id)}).value = ${JSON.stringify(v)}`);
    await set("netSubnets", "6");
    await set("netNeurons", "32");
    await set("netValidators", "8");
    await set("netTempo", "30");
    await set("netBlocks", "300");
    await set("netWorkers", "2");
    await page.click("#netRun");
    await page.waitForFunction("window.__network", { timeout: 60_000 });
    const got = await page.evaluate("window.__network") as { digest: string };
    const want = new Network({ economy: "dtao", seed: 1, subnets: 6, defaults: { neurons: 32, validators: 8, tempo: 30 } }).step(300).digest;
    expect(got.digest).toBe(want);
    expect(await page.$eval("#netProgress", (p) => (p as HTMLProgressElement).value === (p as HTMLProgressElement).max)).toBe(true);
    expect(await page.$$eval("#netResult tr", (x) => x.length)).toBe(1 + 6);
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it("opens from file:// and draws", async () => {
    const { page, errors } = await open(`file://${join(SITE, "index.html")}#s=case3&v=YUMA3`);
    expect(await page.$$eval("#report figure.chart", (f) => f.length)).toBe(3 + 6);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);
});
