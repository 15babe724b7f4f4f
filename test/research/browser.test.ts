// The research kernels in a real browser (Chromium via puppeteer-core; test/helpers/chromium.ts finds one): the built ESM
// bundle, served from localhost, compiles the research module asynchronously (researchReady)
// and gives the same outputs as Node, in both semantics. Chromium is required.
import type { Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runResearch } from "../../src/research/index.js";
import type { ResearchInput } from "../../src/research/types.js";
import { openBundlePage, type BundlePage } from "../helpers/chromium.js";
import { input, rng, VERSIONS } from "./helpers.js";

let harness: BundlePage;
let page: Page;

beforeAll(async () => {
  harness = await openBundlePage(/^dist\/[\w.-]+\.js$/, "research");
  page = harness.page;
});

afterAll(async () => {
  await harness?.close();
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
