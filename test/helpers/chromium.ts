// Shared harness for the real-browser tests: a Chromium driven by puppeteer-core, and a
// localhost server for the built bundle. Which Chromium (see findChromium): $CHROMIUM_PATH, else a
// system Chromium/Chrome, else the headless Chromium that ships inside the pinned npm devDependency
// @sparticuz/chromium (unpacked once into node_modules/.cache). So `npm ci && npm test` needs no
// system browser. If none can be started, the tests fail: they are never skipped.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { extname, join, normalize } from "node:path";
import puppeteer, { type Browser, type Page } from "puppeteer-core";

export const ROOT = join(__dirname, "..", "..");

/** System browsers tried in this order when $CHROMIUM_PATH is not set. */
export const SYSTEM_CHROMIUM_PATHS: readonly string[] = [
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome",
  "/usr/bin/google-chrome-stable",
  "/snap/bin/chromium",
  "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
  "/Applications/Chromium.app/Contents/MacOS/Chromium",
];

/** Where the browser comes from: a path to run, or the npm package to unpack. */
export type ChromiumSource =
  | { kind: "env"; path: string }
  | { kind: "system"; path: string }
  | { kind: "npm"; packageName: "@sparticuz/chromium" };

/**
 * Chooses the browser, purely (the file-system check is injected): `CHROMIUM_PATH` wins (and must
 * exist: a wrong explicit path is an error, not a silent fallback), then the first existing
 * system path, then the npm package.
 */
export function findChromium(deps: {
  env: Readonly<Record<string, string | undefined>>;
  exists: (path: string) => boolean;
  systemPaths?: readonly string[];
}): ChromiumSource {
  const fromEnv = deps.env.CHROMIUM_PATH;
  if (fromEnv !== undefined && fromEnv !== "") {
    if (!deps.exists(fromEnv)) throw new Error(`CHROMIUM_PATH=${fromEnv} does not exist`);
    return { kind: "env", path: fromEnv };
  }
  for (const path of deps.systemPaths ?? SYSTEM_CHROMIUM_PATHS) {
    if (deps.exists(path)) return { kind: "system", path };
  }
  return { kind: "npm", packageName: "@sparticuz/chromium" };
}

/**
 * Unpacks @sparticuz/chromium's headless Chromium into node_modules/.cache/yuma-chromium/VERSION
 * and returns the binary's path. The package extracts into os.tmpdir(), so it runs in a child
 * process whose TMPDIR is a private staging directory, which is then renamed into place: vitest
 * workers (or other checkouts) racing here never see a half-written binary, and nothing is left
 * in the shared /tmp. Needs no npm install script (the package unpacks at run time).
 */
export function unpackNpmChromium(): string {
  const pkgJson = join(ROOT, "node_modules", "@sparticuz", "chromium", "package.json");
  if (!existsSync(pkgJson)) throw new Error("no Chromium: set CHROMIUM_PATH, install chromium, or run npm ci (devDependency @sparticuz/chromium)");
  const version = (JSON.parse(readFileSync(pkgJson, "utf8")) as { version: string }).version;
  const cacheRoot = join(ROOT, "node_modules", ".cache", "yuma-chromium");
  const dir = join(cacheRoot, version);
  const bin = join(dir, "chromium");
  if (existsSync(bin)) return bin;
  mkdirSync(cacheRoot, { recursive: true });
  const staging = mkdtempSync(join(cacheRoot, `.staging-${version}-`));
  try {
    const r = spawnSync(process.execPath, ["--input-type=module", "-e",
      'import c from "@sparticuz/chromium"; process.stdout.write(await c.executablePath());'], {
      cwd: ROOT, env: { ...process.env, TMPDIR: staging, TMP: staging, TEMP: staging }, encoding: "utf8", timeout: 120_000,
    });
    if (r.status !== 0 || r.stdout !== join(staging, "chromium")) {
      throw new Error(`unpacking @sparticuz/chromium failed (exit ${r.status}): ${r.stderr || r.stdout}`);
    }
    try {
      renameSync(staging, dir);
    } catch (e) {
      // Another process got there first: use its copy.
      if (!existsSync(bin)) throw e;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return bin;
}

/** The browser to launch: its path and whether it is a headless-shell build. */
export function resolveChromium(): { path: string; source: ChromiumSource["kind"]; headlessShell: boolean } {
  const found = findChromium({ env: process.env, exists: existsSync });
  if (found.kind === "npm") return { path: unpackNpmChromium(), source: "npm", headlessShell: true };
  return { path: found.path, source: found.kind, headlessShell: false };
}

/** Our flags, whichever browser: no background networking, no sandbox (CI runs as root), a private profile. */
export function chromiumArgs(profileDir: string): string[] {
  return [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-domain-reliability", "--no-pings", "--no-default-browser-check",
    `--user-data-dir=${profileDir}`,
  ];
}

/** Headless chromium with the flags this machine needs (no background networking). */
export function launchChromium(profileDir: string): Promise<Browser> {
  const chromium = resolveChromium();
  return puppeteer.launch({
    executablePath: chromium.path,
    // @sparticuz/chromium is chrome-headless-shell; a system Chromium runs the new headless mode.
    headless: chromium.headlessShell ? "shell" : true,
    args: chromiumArgs(profileDir),
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
