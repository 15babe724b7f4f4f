import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { importYumaSimulationPt, metagraphToEpoch, outputsToJson, readMetagraph, runEpoch } from "../../src/index.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const CLI = join(ROOT, "dist", "cli.js");
const PT = join(ROOT, "..", "shared", "real", "sn15-b4769998", "netuid15_block4769998_4769998.pt");
const tmp = mkdtempSync(join(tmpdir(), "yuma-metagraph-cli-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const yuma = (...args: string[]) => {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

describe("bundle", () => {
  it("bundles fflate: dist/index.js has no static import of a bare package (browsers need none)", () => {
    const js = readFileSync(join(ROOT, "dist", "index.js"), "utf8");
    expect(js).not.toMatch(/^import [^;]*from\s*["'][^./][^"']*["']/m);
    expect(js).not.toContain('from "fflate"');
  });
});

describe("yuma metagraph import", () => {
  it("writes the sn15 .pt as yuma-metagraph/1, listing every assumption on stderr and in the file", () => {
    const out = join(tmp, "m15.json");
    const r = yuma("metagraph", "import", PT, "--out", out);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
    const doc = JSON.parse(readFileSync(out, "utf8"));
    expect(doc.format).toBe("yuma-metagraph/1");
    expect(typeof doc.stake[0]).toBe("string");
    const lib = importYumaSimulationPt(readFileSync(PT), { file: "netuid15_block4769998_4769998.pt" });
    expect(readMetagraph(doc)).toEqual(lib);
    for (const a of doc.assumptions) expect(r.stderr).toContain(`assumption ${a.assumption} for ${a.field}`);
    expect(doc.assumptions.length).toBeGreaterThan(10);
    // `yuma epoch` runs the written metagraph: same outputs as the library.
    const e = yuma("epoch", out);
    expect(e.code).toBe(0);
    const { params, inputs } = metagraphToEpoch(lib);
    expect(JSON.parse(e.stdout)).toEqual(outputsToJson(runEpoch(params, inputs)));
    expect(e.stderr).toContain("assumption fresh-weights for lastUpdate");
  });
  it("imports an SDK JSON dump written to a file", () => {
    const sdk = join(tmp, "sdk-ok.json");
    writeFileSync(sdk, JSON.stringify({ netuid: 2, block: 100, S: [10, 20], W: [[0, 1], [1, 0]], last_update: [99, 98], hyperparameters: { tempo: 10, kappa: 30000 } }));
    const r = yuma("metagraph", "import", sdk);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ netuid: 2, block: 100, n: 2, stake: ["10000000000", "20000000000"], weights: [[[1, 65535]], [[0, 65535]]], lastUpdate: [99, 98], source: { file: "sdk-ok.json" } });
    expect(doc.params).toMatchObject({ tempo: 10, kappa: 30000 });
    expect(r.stderr).toContain("assumption zero-bonds for bonds");
    expect(r.stderr).not.toContain("for lastUpdate");
  });
  it("prints to stdout without --out; --quiet silences the assumptions", () => {
    const r = yuma("metagraph", "import", PT, "--quiet");
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout).n).toBe(256);
  });
  it("refuses unreadable input with one line and exit code 2", () => {
    const bad = join(tmp, "bad.pt");
    writeFileSync(bad, readFileSync(PT).subarray(0, 5000));
    for (const args of [["metagraph", "import", bad], ["metagraph", "import", join(tmp, "missing")], ["metagraph", "export", PT], ["metagraph"]]) {
      const r = yuma(...args);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(/^yuma: [^\n]+\n$/);
    }
    // An SDK dump whose source nests 20,000 levels: the depth rule, not a stack overflow.
    const deep = join(tmp, "deep.json"), D = 20_000;
    writeFileSync(deep, `{"netuid":1,"block":1000,"S":[100,50],"W":[[0,1],[0,0]],"source":{"x":${"[".repeat(D)}${"]".repeat(D)}}}`);
    for (const args of [["metagraph", "import", deep], ["replay", deep]]) {
      const r = yuma(...args);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toBe("yuma: file: JSON nested deeper than 100 levels\n");
    }
    const sdk = join(tmp, "sdk.json");
    writeFileSync(sdk, JSON.stringify({ netuid: 1, block: 10, S: [1, 2], W: [[0, 1]] }));
    const r = yuma("metagraph", "import", sdk);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^yuma: sdk\.W/);
  });
});
