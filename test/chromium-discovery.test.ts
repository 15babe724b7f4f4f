// Which browser the real-browser tests launch (test/helpers/chromium.ts): $CHROMIUM_PATH, then a
// system Chromium/Chrome, then the one that ships in the npm devDependency @sparticuz/chromium.
import { existsSync, statSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { findChromium, SYSTEM_CHROMIUM_PATHS, unpackNpmChromium } from "./helpers/chromium.js";

const fs = (...present: string[]) => (p: string) => present.includes(p);

describe("findChromium", () => {
  it("takes CHROMIUM_PATH first, even when a system browser exists", () => {
    expect(findChromium({ env: { CHROMIUM_PATH: "/opt/my/chrome" }, exists: fs("/opt/my/chrome", "/usr/bin/chromium") }))
      .toEqual({ kind: "env", path: "/opt/my/chrome" });
  });

  it("refuses a CHROMIUM_PATH that does not exist instead of silently using another browser", () => {
    expect(() => findChromium({ env: { CHROMIUM_PATH: "/nope/chrome" }, exists: fs("/usr/bin/chromium") }))
      .toThrow(/CHROMIUM_PATH=\/nope\/chrome does not exist/);
  });

  it("ignores an empty CHROMIUM_PATH", () => {
    expect(findChromium({ env: { CHROMIUM_PATH: "" }, exists: fs("/usr/bin/chromium") }))
      .toEqual({ kind: "system", path: "/usr/bin/chromium" });
  });

  it("then takes the first system browser in order", () => {
    expect(SYSTEM_CHROMIUM_PATHS.slice(0, 3)).toEqual(["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]);
    expect(findChromium({ env: {}, exists: fs("/usr/bin/google-chrome", "/usr/bin/chromium-browser") }))
      .toEqual({ kind: "system", path: "/usr/bin/chromium-browser" });
    expect(findChromium({ env: {}, exists: fs("/usr/bin/google-chrome") }))
      .toEqual({ kind: "system", path: "/usr/bin/google-chrome" });
    expect(findChromium({ env: {}, exists: fs("/b"), systemPaths: ["/a", "/b"] })).toEqual({ kind: "system", path: "/b" });
  });

  it("falls back to the npm package when nothing else is there", () => {
    expect(findChromium({ env: { PATH: "/usr/bin" }, exists: fs() })).toEqual({ kind: "npm", packageName: "@sparticuz/chromium" });
  });
});

describe("the npm Chromium", () => {
  it("unpacks into node_modules/.cache as an executable, and reuses it", () => {
    const bin = unpackNpmChromium();
    expect(bin).toMatch(/node_modules\/\.cache\/yuma-chromium\/138\.0\.\d+\/chromium$/);
    expect(existsSync(bin)).toBe(true);
    expect(statSync(bin).mode & 0o100).toBe(0o100);
    expect(statSync(bin).size).toBeGreaterThan(50_000_000);
    expect(unpackNpmChromium()).toBe(bin);
  });
});
