// Your own scenario (`yuma-scenario/1`, src/scenarios/file.ts), `yuma scenario FILE.json` and
// `yuma scenario all`; scenario reports that filter validators and summarise many servers.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readScenarioFile } from "../../src/scenarios/file.js";
import { findScenario, SCENARIOS, YUMA_VERSIONS, expandScenario, type ScenarioSpec } from "../../src/scenarios/index.js";
import { runScenario } from "../../src/scenarios/run.js";
import { renderScenarioHtml } from "../../src/report/html.js";
import { YumaInputError } from "../../src/index.js";

const CLI = join(__dirname, "..", "..", "dist", "cli.js");
const yuma = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", maxBuffer: 1 << 28 });
const dir = mkdtempSync(join(tmpdir(), "yuma-scenario-file-"));

/** A built-in scenario written in the file format (steps as the library defines them). */
function asFile(s: ScenarioSpec): Record<string, unknown> {
  if (typeof s.weights === "function" || typeof s.stakes === "function") throw new Error("generated scenario");
  return {
    format: "yuma-scenario/1", name: `my-${s.name}`, title: s.title, description: s.description,
    validators: s.validators, servers: s.servers, base: s.base, numEpochs: s.numEpochs,
    weights: s.weights, stakes: s.stakes, ...(s.resetBonds ? { resetBonds: s.resetBonds } : {}), ...(s.params ? { params: s.params } : {}),
  };
}

describe("yuma-scenario/1", () => {
  const stepped = SCENARIOS.filter((s) => s.group === "classic" && typeof s.weights !== "function" && typeof s.stakes !== "function");
  it("has classic cases to restate", () => expect(stepped.length).toBeGreaterThan(10));
  for (const s of stepped.slice(0, 6)) {
    it(`${s.name} restated as a file runs to the built-in's totals on every version`, () => {
      const mine = readScenarioFile(JSON.parse(JSON.stringify(asFile(s))));
      expect(expandScenario(mine)).toEqual(expandScenario(s));
      const a = runScenario(mine, YUMA_VERSIONS), b = runScenario(s, YUMA_VERSIONS);
      expect(a.versions.map((v) => v.totals)).toEqual(b.versions.map((v) => v.totals));
    });
  }

  it("bad files are refused naming the field", () => {
    const good = asFile(findScenario("case1")!);
    const field = (doc: unknown) => { try { readScenarioFile(doc); } catch (e) { return (e as YumaInputError).field; } return "none"; };
    expect(field({ ...good, format: "x" })).toBe("scenario.format");
    expect(field({ ...good, weights: [{ from: 0, value: [[1, 0]] }] })).toBe("scenario.weights[0].value");
    expect(field({ ...good, weights: [{ from: 0, value: [[1, 0], [1, -1], [0, 1]] }] })).toBe("scenario.weights[0].value[1][1]");
    expect(field({ ...good, weights: [{ from: 1, value: [[1, 0], [1, 0], [0, 1]] }] })).toBe("scenario.weights[0].from");
    expect(field({ ...good, stakes: [{ from: 0, value: [0, 0, 0] }] })).toBe("scenario.stakes[0].value");
    expect(field({ ...good, validators: ["a", "a", "b"] })).toBe("scenario.validators[1]");
    expect(field({ ...good, base: 3 })).toBe("scenario.base");
    expect(field({ ...good, resetBonds: [{ epoch: 99, server: 0 }] })).toBe("scenario.resetBonds[0].epoch");
    expect(field({ ...good, params: { kappa: 2 } })).toBe("scenario.params.kappa");
    expect(field({ ...good, extra: 1 })).toBe("scenario.extra");
  });

  it("a file whose epochs × validators × servers exceed the research bound is refused before it is expanded", () => {
    // 4 × 4096 × 4097 = 2^26 + 2^14 weight and bond values held at once (the bound of
    // runResearch's outputs, MAX_RESEARCH_VALUES); 64 × 4096 × 10,000 ran out of memory.
    const servers = Array.from({ length: 4096 }, (_, j) => `s${j}`);
    const big = (numEpochs: number) => ({
      format: "yuma-scenario/1", name: "big", validators: ["a", "b", "c", "d"], servers, numEpochs,
      weights: [{ from: 0, value: Array.from({ length: 4 }, (_, i) => servers.map((_, j) => (j === i ? 1 : 0))) }],
      stakes: [{ from: 0, value: [1, 1, 1, 1] }],
    });
    let err: unknown;
    try {
      readScenarioFile(big(4097));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(YumaInputError);
    expect((err as YumaInputError).field).toBe("scenario.numEpochs");
    expect((err as YumaInputError).rule).toBe("4097 epochs of 4 validators × 4096 servers return 67125248 bond values; the limit is 67108864 (2^26) per run: fewer epochs, or split the run");
    expect(readScenarioFile(big(4096)).numEpochs).toBe(4096); // at the bound: accepted
  });
});

describe("yuma scenario FILE.json / all", () => {
  it("runs a file: the same JSON as the built-in it restates", () => {
    const file = join(dir, "case1.json");
    writeFileSync(file, JSON.stringify(asFile(findScenario("case1")!)));
    const a = JSON.parse(yuma("scenario", file, "--json").stdout), b = JSON.parse(yuma("scenario", "case1", "--json").stdout);
    expect(a.versions.map((v: { totals: unknown }) => v.totals)).toEqual(b.versions.map((v: { totals: unknown }) => v.totals));
    const bad = yuma("scenario", join(dir, "missing.json"));
    expect(bad.status).toBe(2);
    writeFileSync(join(dir, "bad.json"), JSON.stringify({ format: "yuma-scenario/1" }));
    const r = yuma("scenario", join(dir, "bad.json"));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/scenario\.name/);
  });

  it("all: one page with every case and one totals CSV across them", () => {
    const html = join(dir, "all.html"), csv = join(dir, "all.csv");
    const r = yuma("scenario", "all", "--versions", "YUMA2,YUMA3", "--html", html, "--csv", csv);
    expect(r.status, r.stderr).toBe(0);
    const page = readFileSync(html, "utf8");
    for (const s of SCENARIOS) expect(page).toContain(`id="case-${s.name}"`);
    const lines = readFileSync(csv, "utf8").trim().split("\n");
    expect(lines.filter((l) => l.startsWith("scenario,")).length).toBe(1);
    expect(lines.length).toBe(1 + SCENARIOS.reduce((a, s) => a + 2 * s.validators.length, 0));
    expect(new Set(lines.slice(1).map((l) => l.split(",")[0])).size).toBe(SCENARIOS.length);
    // On the exact engine the winner-takes-all cases are left out, and said so.
    const ex = yuma("scenario", "all", "--exact", "--versions", "YUMA3", "--json");
    expect(ex.status, ex.stderr).toBe(0);
    const wta = SCENARIOS.filter((s) => s.params?.winnerTakesAll).map((s) => s.name);
    expect(wta.length).toBeGreaterThan(0);
    expect(ex.stderr).toContain(`left out ${wta.join(", ")}`);
    expect(JSON.parse(ex.stdout).length).toBe(SCENARIOS.length - wta.length);
  });
});

describe("scenario reports of a big scenario", () => {
  it("chart the top 8 validators by stake and the base, and every server in heat maps", () => {
    const V = 12, N = 20;
    const s = readScenarioFile({
      format: "yuma-scenario/1", name: "wide", validators: Array.from({ length: V }, (_, i) => `v${i}`), servers: Array.from({ length: N }, (_, j) => `s${j}`),
      base: 11, numEpochs: 10,
      weights: [{ from: 0, value: Array.from({ length: V }, (_, i) => Array.from({ length: N }, (_, j) => ((i + j) % 5) + 1)) }],
      stakes: [{ from: 0, value: Array.from({ length: V }, (_, i) => V - i) }],
    });
    const r = runScenario(s, ["YUMA2"]);
    const html = renderScenarioHtml(r, { epochs: expandScenario(s) });
    const div = /id="YUMA2-dividends" data-series="(\d+)"/.exec(html)!;
    expect(Number(div[1])).toBe(9); // v0..v7 by stake, and v11 the base
    expect(html).toContain('id="YUMA2-incentive"');
    expect(html).toMatch(/class="chart heatmap compact" id="YUMA2-incentive" data-series="1" data-points="200"/);
    expect(html.match(/id="YUMA2-bonds-\d+"/g)!.length).toBe(8);
    expect(html).toContain("Charted: 9 of 12 validators");
  });
});
