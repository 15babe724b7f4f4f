// Shared harness for the real-browser tests: Debian's chromium driven by puppeteer-core, and a
// localhost server for the built bundle. Chromium is required: if it is missing, tests fail.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { extname, join, normalize } from "node:path";
import puppeteer, { type Browser, type Page } from "puppeteer-core";

export const ROOT = join(__dirname, "..", "..");
export const CHROMIUM = "/usr/bin/chromium";

/** Headless chromium with the flags this machine needs (no background networking). */
export function launchChromium(profileDir: string): Promise<Browser> {
  return puppeteer.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
      `--user-data-dir=${profileDir}`,
    ],
  });
}

export interface BundlePage {
  browser: Browser;
  page: Page;
  /** http://127.0.0.1:PORT */
  base: string;
  close(): Promise<void>;
}

/**
 * Serve the repository's files whose path matches `allow` (e.g. /^dist\//) on localhost, open a
 * blank page there and return it. Requires a built dist/.
 */
export async function openBundlePage(allow: RegExp, title = "yuma-wasm"): Promise<BundlePage> {
  if (!existsSync(join(ROOT, "dist", "index.js"))) throw new Error("dist/index.js missing: run npm run build first");
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname === "/") {
      res.writeHead(200, { "content-type": "text/html" }).end(`<!doctype html><title>${title}</title><body>ok</body>`);
      return;
    }
    const path = normalize(url.pathname).replace(/^\/+/, "");
    if (path.includes("..") || !allow.test(path)) {
      res.writeHead(404).end();
      return;
    }
    try {
      const body = readFileSync(join(ROOT, path));
      res.writeHead(200, { "content-type": extname(path) === ".js" ? "text/javascript" : "application/json" }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const addr = server.address();
  const base = `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}`;
  const profile = mkdtempSync(join(tmpdir(), "yuma-chromium-"));
  const browser = await launchChromium(profile);
  const page = await browser.newPage();
  await page.goto(base + "/");
  return {
    browser,
    page,
    base,
    async close() {
      await browser.close();
      await new Promise((r) => server.close(r));
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
