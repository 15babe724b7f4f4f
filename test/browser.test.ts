// The library in a real browser (Chromium via puppeteer-core; test/helpers/chromium.ts finds one): the built ESM bundle is
// served from localhost and imported by a page, which runs golden fixtures, block emission and
// a small network. Chromium is required: if it is missing, these tests fail.
import type { Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Network } from "../src/index.js";
import { openBundlePage, type BundlePage } from "./helpers/chromium.js";

let harness: BundlePage;
let page: Page;

beforeAll(async () => {
  // Only dist/ and test/fixtures/ are served.
  harness = await openBundlePage(/^(dist|test\/fixtures)\//);
  page = harness.page;
});

afterAll(async () => {
  await harness?.close();
});

describe("in chromium", () => {
  it("imports the ESM bundle and runs golden fixtures bit for bit", async () => {
    const names = ["rand-n64-yuma3-liquid-bp1.json", "tiny-n4-unsorted-weights-liquid.json", "rand-n16-yuma2-dense-owner-ties-commitreveal.json", "traj-kappa-moves-first-yuma3-liquid.json"];
    // Page code is passed as a string: the test file itself is transformed by Vite.
    const results = (await page.evaluate(`(async () => {
      const m = await import("/dist/index.js");
      await m.ready();
      const out = [];
      for (const name of ${JSON.stringify(names)}) {
        const fx = await (await fetch("/test/fixtures/epoch/" + name)).json();
        let got, want;
        if (fx.kind === "epoch") {
          got = m.outputsToJson(m.runEpoch(fx.params, fx.inputs));
          want = fx.expected;
        } else {
          got = m.runTrajectory(fx).map(m.outputsToJson);
          want = fx.epochs.map((e) => e.expected);
        }
        out.push({ name, ok: JSON.stringify(got) === JSON.stringify(want), hasBuffer: typeof globalThis.Buffer !== "undefined" });
      }
      return out;
    })()`)) as Array<{ name: string; ok: boolean; hasBuffer: boolean }>;
    expect(results.map((r) => r.name)).toEqual(names);
    for (const r of results) expect(r).toEqual({ name: r.name, ok: true, hasBuffer: false });
  });

  it("computes block emission and a small network with the same digest as Node", async () => {
    const cfg = { seed: 3, subnets: 3, defaults: { neurons: 16, validators: 4, tempo: 9, liquidAlpha: true } };
    const inBrowser = (await page.evaluate(`(async () => {
      const m = await import("/dist/index.js");
      await m.ready();
      const net = new m.Network(${JSON.stringify(cfg)});
      return { emission: m.blockEmission(10500000000000000n).toString(), summary: net.step(60) };
    })()`)) as { emission: string; summary: unknown };
    expect(inBrowser.emission).toBe("500000000");
    expect(inBrowser.summary).toEqual(new Network(cfg).step(60));
  });

  it("refuses bad input with the typed error", async () => {
    const r = await page.evaluate(`(async () => {
      const m = await import("/dist/index.js");
      try {
        m.blockEmission("12x");
        return null;
      } catch (e) {
        return { name: e.name, field: e.field };
      }
    })()`);
    expect(r).toEqual({ name: "YumaInputError", field: "issuance" });
  });
});
