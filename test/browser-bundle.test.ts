// The package bundled for the browser as a user would: a small page importing "yuma-wasm",
// bundled by esbuild with no flags but the platform. The bundle holds no Node built-in import,
// and in chromium `Network.run` on Web Workers gives Node's digest for 1, 2 and 3 workers (and a
// typed error where there are no workers). Chromium is required (test/helpers/chromium.ts).
import { build } from "esbuild";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Network, type NetworkConfig } from "../src/index.js";
import { launchChromium, ROOT } from "./helpers/chromium.js";

const dir = mkdtempSync(join(tmpdir(), "yuma-bundle-"));
let server: Server;
let base = "";

const CONFIGS: Record<string, NetworkConfig> = {
  dtao: { seed: 4, subnets: [{ netuid: 1, neurons: 24, validators: 4, tempo: 20 }, { netuid: 2, neurons: 16, validators: 3, tempo: 30, mechanisms: 2 }, { netuid: 3, neurons: 20, validators: 4, tempo: 25, churn: { arrivals: 0.05 } }] },
  static: { economy: "static", seed: 4, subnets: 4, defaults: { neurons: 20, validators: 4, tempo: 15 } },
};

const PAGE = `
import { Network, ready, runEpoch, WorkersUnavailableError } from "yuma-wasm";
const configs = ${JSON.stringify(CONFIGS)};
(async () => {
  await ready();
  const out = {};
  for (const [name, cfg] of Object.entries(configs)) {
    for (const threads of [1, 2, 3]) {
      const n = new Network(cfg);
      const s = await n.run({ blocks: 240, threads });
      await n.close();
      out[name + "-" + threads] = s.digest;
    }
    out[name + "-step"] = new Network(cfg).step(240).digest;
  }
  // No Worker: a typed error that says so.
  const W = globalThis.Worker;
  globalThis.Worker = undefined;
  try {
    await new Network(configs.static).run({ blocks: 10, threads: 2 });
    out.noWorkers = "ran";
  } catch (e) {
    out.noWorkers = (e instanceof WorkersUnavailableError ? "WorkersUnavailableError: " : "other: ") + e.message;
  }
  globalThis.Worker = W;
  out.epoch = runEpoch({ n: 2, currentBlock: 100, tempo: 10, activityCutoff: 1000, kappa: 32767, bondsPenalty: 65535,
    bondsMovingAverage: 900000, yuma3: true, liquidAlpha: false, alphaLow: 45875, alphaHigh: 58982, alphaSigmoidSteepness: 1000,
    maxAllowedValidators: 64, stakeThreshold: "0", ownerUid: null, lastMechanismStepBlock: 89, raoEmission: "1000000000", commitBlocks: null },
    { stake: ["1000", "0"], lastUpdate: [99, 0], blockAtRegistration: [0, 0], validatorPermit: [true, false], weights: [[[1, 65535]], []], bonds: [[], []] }).incentive;
  window.__result = out;
})().catch((e) => { window.__error = String(e && e.stack || e); });
`;

let bundle = "";

beforeAll(async () => {
  // A project whose node_modules holds this package (as npm would link it).
  mkdirSync(join(dir, "node_modules"), { recursive: true });
  symlinkSync(ROOT, join(dir, "node_modules", "yuma-wasm"), "dir");
  writeFileSync(join(dir, "page.js"), PAGE);
  const r = await build({
    entryPoints: [join(dir, "page.js")], bundle: true, platform: "browser", format: "esm", outfile: join(dir, "out", "page.js"),
    logLevel: "silent", preserveSymlinks: true, absWorkingDir: dir,
  });
  expect(r.errors).toEqual([]);
  bundle = readFileSync(join(dir, "out", "page.js"), "utf8");
  writeFileSync(join(dir, "out", "index.html"), `<!doctype html><meta charset="utf-8"><title>bundle</title><script type="module" src="page.js"></script>`);
  server = createServer((req, res) => {
    const f = (req.url ?? "/").split("?")[0] === "/" ? "index.html" : (req.url ?? "").replace(/^\/+/, "");
    if (f.includes("..")) return void res.writeHead(404).end();
    try {
      res.writeHead(200, { "content-type": f.endsWith(".js") ? "text/javascript" : "text/html" }).end(readFileSync(join(dir, "out", f)));
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r2) => server.listen(0, "127.0.0.1", () => r2()));
  const a = server.address();
  base = `http://127.0.0.1:${typeof a === "object" && a ? a.port : 0}`;
}, 120_000);

afterAll(async () => {
  await new Promise((r) => server?.close(r));
  rmSync(dir, { recursive: true, force: true });
});

describe("the package in a browser bundle", () => {
  it("has no Node built-in import (esbuild, platform browser, no flags)", () => {
    expect(bundle.length).toBeGreaterThan(100_000);
    expect(bundle).not.toMatch(/\b(from\s*|import\s*\(\s*|require\s*\(\s*)["'](node:[\w/]+|worker_threads|os|fs|path|piscina)["']/);
    expect(bundle).not.toMatch(/["']worker_threads["']/);
  });

  it("runs in chromium: Network.run on Web Workers gives Node's digest for 1, 2 and 3 workers", async () => {
    const browser = await launchChromium(mkdtempSync(join(tmpdir(), "yuma-bundle-chromium-")));
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(String(e)));
      const t0 = performance.now();
      await page.goto(base + "/");
      await page.waitForFunction("window.__result || window.__error", { timeout: 60_000 });
      const err = await page.evaluate("window.__error");
      expect(err, String(err)).toBeUndefined();
      const got = (await page.evaluate("window.__result")) as Record<string, unknown>;
      console.log(`browser bundle: ${(bundle.length / 1024).toFixed(0)} KiB; 2 networks × (3 runs on Web Workers + a step) in ${(performance.now() - t0).toFixed(0)} ms in chromium`);
      for (const [name, cfg] of Object.entries(CONFIGS)) {
        const want = new Network(cfg).step(240).digest;
        for (const k of ["1", "2", "3", "step"]) expect(got[`${name}-${k}`], `${name}-${k}`).toBe(want);
      }
      expect(got.noWorkers).toMatch(/^WorkersUnavailableError: (createPool|Network\.run): this environment has no Web Workers/);
      expect(got.epoch).toEqual([0, 65535]);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 120_000);
});
