// `yuma scenarios`, `yuma scenario`, `yuma sweep` as real processes on the built dist/cli.js
// (`npm test` builds it first; when iterating: `npm run build`, then run this file).
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = join(__dirname, "..", "..");
const CLI = join(root, "dist", "cli.js");
const tmp = mkdtempSync(join(tmpdir(), "yuma-scenario-cli-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Run { code: number | null; stdout: string; stderr: string }

function yuma(args: string[]): Promise<Run> {
  return new Promise<Run>((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "", stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d) => { stdout += d; });
    child.stderr.setEncoding("utf8").on("data", (d) => { stderr += d; });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** A usage error: exit 2, one line on stderr naming the problem, nothing on stdout. */
async function usageError(args: string[], pattern: RegExp): Promise<void> {
  const r = await yuma(args);
  expect(r.code, r.stderr).toBe(2);
  expect(r.stdout).toBe("");
  expect(r.stderr.trimEnd().split("\n").length).toBe(1);
  expect(r.stderr).toMatch(pattern);
}

describe("yuma scenarios", () => {
  it("lists every scenario on one line with its description", async () => {
    const r = await yuma(["scenarios"]);
    expect(r.code).toBe(0);
    const lines = r.stdout.split("\n").filter((l) => /^ {2}\S/.test(l));
    expect(lines.length).toBe(27);
    expect(lines[0]).toMatch(/^ {2}case1 +kappa moves first: the big validator/);
    for (const n of ["case22", "copier", "late-weights", "whale-joins", "rising-miner", "commit-reveal"]) {
      expect(lines.some((l) => l.startsWith(`  ${n} `))).toBe(true);
    }
    const json = JSON.parse((await yuma(["scenarios", "--json"])).stdout);
    expect(json.length).toBe(27);
    expect(json[0]).toMatchObject({ name: "case1", baseValidator: "Big vali. (0.8)", numEpochs: 40 });
  });
});

describe("yuma scenario", () => {
  it("prints a totals table per version; --json holds the same totals and per-epoch outputs", async () => {
    const text = await yuma(["scenario", "case3", "--versions", "YUMA2,YUMA3"]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain("YUMA2 — Yuma 2 (subtensor)");
    expect(text.stdout).toContain("YUMA3 — Yuma 3 (Rhef+relative bonds)");
    const json = await yuma(["scenario", "case3", "--versions", "YUMA2,YUMA3", "--json"]);
    expect(json.code).toBe(0);
    const r = JSON.parse(json.stdout);
    expect(r.format).toBe("yuma-scenario-run/1");
    expect(r.versions.map((v: { version: string }) => v.version)).toEqual(["YUMA2", "YUMA3"]);
    for (const v of r.versions) {
      expect(v.epochs.length).toBe(40);
      v.totals.forEach((t: { validator: string; total: number; isBase: boolean }, i: number) => {
        // Total = sum over epochs of the per-epoch dividends per 1000 TAO.
        const sum = v.epochs.reduce((a: number, e: { dividendsPer1000Tao: number[] }) => a + e.dividendsPer1000Tao[i]!, 0);
        expect(t.total).toBeCloseTo(sum, 12);
        // The text table shows the same value with 6 decimals.
        expect(text.stdout).toMatch(new RegExp(`${t.validator.replace(/[().]/g, "\\$&")} +${t.total.toFixed(6)}  ${t.isBase ? "\\(Base\\)" : "\\([+-]"}`));
      });
    }
  });

  it("defaults to all six versions and writes the HTML report and the CSV", async () => {
    const html = join(tmp, "r.html"), csv = join(tmp, "r.csv");
    const r = await yuma(["scenario", "copier", "--html", html, "--csv", csv]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.match(/^YUMA[0-9A-Z_]+ — /gm)!.length).toBe(6);
    const page = readFileSync(html, "utf8");
    expect(page.startsWith("<!doctype html>")).toBe(true);
    expect(page.match(/<figure class="chart"/g)!.length).toBe(1 + 4 + 6 * (4 + 4));
    const lines = readFileSync(csv, "utf8").trim().split("\n");
    expect(lines.length).toBe(1 + 6 * 5);
  });

  it("--exact runs on the chain engine (YUMA2, YUMA3, YUMA3_LIQUID by default)", async () => {
    const r = await yuma(["scenario", "case1", "--exact", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.engine).toBe("exact");
    expect(j.versions.map((v: { version: string }) => v.version)).toEqual(["YUMA2", "YUMA3", "YUMA3_LIQUID"]);
  });

  it("usage errors exit 2 with one line", async () => {
    await usageError(["scenario", "case1", "--exact", "--versions", "YUMA1"], /--exact: version YUMA1 has no exact engine/);
    await usageError(["scenario", "case20", "--exact"], /--exact: scenario case20 uses winner-takes-all/);
    await usageError(["scenario", "nope"], /unknown scenario "nope"/);
    await usageError(["scenario"], /missing scenario NAME/);
    await usageError(["scenario", "case1", "--versions", "YUMA9"], /--versions: unknown version "YUMA9"/);
    await usageError(["scenario", "case1", "--kappa", "2"], /--kappa must be in \[0, 1\], got 2/);
    await usageError(["scenario", "case1", "--bogus"], /bogus/);
    // Output paths (regression: "" wrote nothing with exit 0; one file for both got the CSV).
    await usageError(["scenario", "case1", "--html", ""], /^yuma: --html needs a file path, got ""/);
    await usageError(["sweep", "case1", "--csv", ""], /^yuma: --csv needs a file path, got ""/);
    const same = join(tmp, "same.html");
    await usageError(["scenario", "case1", "--html", same, "--csv", same], /--html and --csv name the same file/);
    await usageError(["scenario", "case1", "--html", same, "--csv", join(tmp, ".", "same.html")], /--html and --csv name the same file/);
    expect(existsSync(same)).toBe(false);
  });
});

describe("yuma sweep", () => {
  it("runs the grid on the worker pool and writes CSV and heat-map HTML", async () => {
    const csv = join(tmp, "s.csv"), html = join(tmp, "s.html");
    const r = await yuma([
      "sweep", "--scenario", "case2", "--kappa", "0.3,0.5", "--bond-penalty", "0:1:0.5", "--versions", "YUMA2,YUMA3",
      "--metric", "diff:Big", "--threads", "2", "--csv", csv, "--html", html, "--json",
    ]);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.format).toBe("yuma-sweep/1");
    expect(j.points.length).toBe(2 * 3 * 2);
    const lines = readFileSync(csv, "utf8").trim().split("\n");
    expect(lines[0]).toBe("scenario,version,kappa,bondPenalty,metric,validator,value");
    expect(lines.length).toBe(13);
    expect(readFileSync(html, "utf8").match(/<rect class="cell"/g)!.length).toBe(12);
    // One point against a single run of the same parameters.
    const one = JSON.parse((await yuma(["scenario", "case2", "--versions", "YUMA3", "--kappa", "0.5", "--bond-penalty", "0.5", "--json"])).stdout);
    const p = j.points.find((q: { version: string; at: Record<string, number> }) => q.version === "YUMA3" && q.at.kappa === 0.5 && q.at.bondPenalty === 0.5);
    expect(p.value).toBe(one.versions[0].totals[0].diffVsBasePct);
  });

  it("usage errors exit 2 with one line", async () => {
    await usageError(["sweep", "--kappa", "0.5"], /missing --scenario/);
    await usageError(["sweep", "--scenario", "case2", "--metric", "diff"], /--metric: diff of the base validator/);
    await usageError(["sweep", "--scenario", "case2", "--kappa", "0.5,abc"], /--kappa: not a number/);
    await usageError(["sweep", "--scenario", "case2", "--threads", "0"], /--threads must be in 1\.\.=256/);
  });
});
