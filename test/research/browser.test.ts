// The research kernels in a real browser (Debian chromium via puppeteer-core): the built ESM
// bundle, served from localhost, compiles the research module asynchronously (researchReady)
// and gives the same outputs as Node, in both semantics. Chromium is required.
import { createServer, type Server } from "node:http";
import { mkdtempSync, readFileSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, normalize } from "node:path";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runResearch } from "../../src/research/index.js";
import type { ResearchInput } from "../../src/research/types.js";
import { input, rng, VERSIONS } from "./helpers.js";

const root = join(__dirname, "..", "..");
let server: Server;
let base: string;
let browser: Browser;
let page: Page;
let profile: string;

beforeAll(async () => {
  if (!existsSync(join(root, "dist", "index.js"))) throw new Error("dist/index.js missing: run npm run build first");
  server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname === "/") {
      res.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><title>research</title><body>ok</body>");
      return;
    }
    const path = normalize(url.pathname).replace(/^\/+/, "");
    if (!/^dist\/[\w.-]+\.js$/.test(path)) {
      res.writeHead(404).end();
      return;
    }
    try {
      res.writeHead(200, { "content-type": "text/javascript" }).end(readFileSync(join(root, path)));
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const addr = server.address();
  base = `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}`;
  profile = mkdtempSync(join(tmpdir(), "yuma-research-browser-"));
  browser = await puppeteer.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
      `--user-data-dir=${profile}`,
    ],
  });
  page = await browser.newPage();
  await page.goto(base + "/");
});

afterAll(async () => {
  await browser?.close();
  await new Promise((r) => server?.close(r));
  if (profile) rmSync(profile, { recursive: true, force: true });
});

describe("research kernels in chromium", () => {
  it("every version, chain-like and peer-compatible, equals Node's outputs", async () => {
    const r = rng(5);
    const epochs = Array.from({ length: 4 }, () => ({
      W: Array.from({ length: 4 }, () => Array.from({ length: 9 }, () => (r() < 0.3 ? 0 : r()))),
      S: Array.from({ length: 4 }, () => 0.1 + r()),
    }));
    const inputs: ResearchInput[] = [];
    for (const peer of [false, true]) for (const v of VERSIONS) inputs.push(input(v, epochs, { liquidAlpha: true }, peer));
    // Page code is passed as a string: the test file itself is transformed by Vite.
    const got = await page.evaluate(`(async () => {
      const m = await import("/dist/index.js");
      await m.researchReady();
      return ${JSON.stringify(inputs)}.map((i) => m.runResearch(i));
    })()`);
    expect(got).toEqual(inputs.map((i) => JSON.parse(JSON.stringify(runResearch(i)))));
  });

  it("refuses bad input with the typed error", async () => {
    const res = await page.evaluate(`(async () => {
      const m = await import("/dist/index.js");
      await m.researchReady();
      try {
        m.runResearch({ format: "yuma-research-input/1", version: "YUMA7", epochs: [] });
        return null;
      } catch (e) {
        return { name: e.name, field: e.field };
      }
    })()`);
    expect(res).toEqual({ name: "YumaInputError", field: "version" });
  });
});
