// `yuma research` as a real process on the built dist/cli.js (`npm test` builds it first).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runResearch } from "../../src/research/index.js";
import type { ResearchInput } from "../../src/research/types.js";
import { expectClose } from "./helpers.js";

const root = join(__dirname, "..", "..");
const CLI = join(root, "dist", "cli.js");
const tmp = mkdtempSync(join(tmpdir(), "yuma-research-cli-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Run { code: number | null; stdout: string; stderr: string }

function yuma(args: string[], stdin?: string): Promise<Run> {
  return new Promise<Run>((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: root, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "", stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d) => { stdout += d; });
    child.stderr.setEncoding("utf8").on("data", (d) => { stderr += d; });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ?? "");
  });
}

async function usageError(args: string[], pattern: RegExp, stdin?: string): Promise<void> {
  const r = await yuma(args, stdin);
  expect(r.code, r.stderr).toBe(2);
  expect(r.stdout).toBe("");
  expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
  expect(r.stderr).toMatch(pattern);
}

function file(name: string, content: unknown): string {
  const p = join(tmp, name);
  writeFileSync(p, typeof content === "string" ? content : JSON.stringify(content));
  return p;
}

// The 3×2 case of hand.test.ts: chain-like Yuma 2 dividends [1/3, 14/27, 4/27].
const doc: ResearchInput = {
  format: "yuma-research-input/1",
  version: "YUMA2",
  params: { kappa: 0.5 },
  epochs: [{ W: [[1, 0], [0.5, 0.5], [0, 1]], S: [0.45, 0.35, 0.2] }, { W: [[1, 0], [1, 0], [0, 1]], S: [0.45, 0.35, 0.2] }],
};

describe("yuma research", () => {
  it("prints the outputs of every epoch in the contract's shape", async () => {
    const r = await yuma(["research", file("in.json", doc)]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe("");
    const out = JSON.parse(r.stdout) as { epochs: Array<Record<string, unknown>> };
    expect(Object.keys(out)).toEqual(["epochs"]);
    expect(out.epochs).toHaveLength(2);
    for (const e of out.epochs) {
      expect(Object.keys(e)).toEqual(["consensus", "incentive", "bonds", "dividends", "dividendsPer1000Tao"]);
      expect(e.consensus).toHaveLength(2);
      expect(e.incentive).toHaveLength(2);
      expect(e.bonds).toHaveLength(3);
      for (const row of e.bonds as number[][]) expect(row).toHaveLength(2);
      expect(e.dividends).toHaveLength(3);
      expect(e.dividendsPer1000Tao).toHaveLength(3);
    }
    expectClose(out.epochs[0]!.dividends as number[], [1 / 3, 14 / 27, 4 / 27], 1e-12);
    // The same numbers as the library call, to the last digit.
    expect(out).toEqual(JSON.parse(JSON.stringify(runResearch(doc))));
  });

  it("reads stdin with -, and the peer options reach the kernels", async () => {
    const peer = { ...doc, peerCompat: true };
    const r32 = await yuma(["research", "-"], JSON.stringify(peer));
    expect(r32.code, r32.stderr).toBe(0);
    expect(JSON.parse(r32.stdout)).toEqual(JSON.parse(JSON.stringify(runResearch(peer))));
    const r64 = await yuma(["research", "-", "--peer-float", "float64", "--peer-vector-bits", "512"], JSON.stringify(peer));
    expect(r64.code, r64.stderr).toBe(0);
    expect(JSON.parse(r64.stdout)).toEqual(JSON.parse(JSON.stringify(runResearch(peer, { peerFloat: "float64", peerVectorBits: 512 }))));
    expect(r64.stdout).not.toBe(r32.stdout);
  });

  it("applies resetBonds (the 2×2 reset of resets.test.ts: chain-like Yuma 3 → Dn [0.75, 0.25])", async () => {
    const reset: ResearchInput = {
      format: "yuma-research-input/1",
      version: "YUMA3",
      params: { bondPenalty: 0.5, bondMovingAverage: 0.5 },
      epochs: [{ W: [[1, 0], [0, 1]], S: [3, 1] }, { W: [[1, 0], [1, 0]], S: [3, 1], resetBonds: [0] }],
    };
    const r = await yuma(["research", file("reset.json", reset)]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { epochs: Array<Record<string, unknown>> };
    expect(Object.keys(out.epochs[1]!)).toEqual(["consensus", "incentive", "bonds", "dividends", "dividendsPer1000Tao"]);
    // B_old [[0.5,0],[0,0.25]] → reset [[0,0],[0,0.25]]; B = 0.5·[[1,0],[1,0]] + 0.5·that.
    expectClose(out.epochs[1]!.bonds as number[][], [[0.5, 0], [0.5, 0.125]], 1e-12);
    expectClose(out.epochs[1]!.dividends as number[], [0.75, 0.25], 1e-12);
    await usageError(
      ["research", file("reset-bad.json", { ...reset, epochs: [reset.epochs[0], { ...reset.epochs[1], resetBonds: [0, 2] }] })],
      /^yuma: epochs\[1\]\.resetBonds\[1\]: must be an integer server index in \[0, 1\], got 2/,
    );
  });

  it("--help prints the usage with the defaults", async () => {
    const r = await yuma(["research", "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/usage: yuma research FILE/);
    expect(r.stdout).toMatch(/bondMovingAverage 0\.1/);
    expect(r.stdout).toMatch(/resetBonds/);
  });

  it("usage and input errors exit 2 with one line", async () => {
    await Promise.all([
      usageError(["research"], /expected one FILE argument/),
      usageError(["research", "a.json", "b.json"], /expected one FILE argument/),
      usageError(["research", "--peer-float", "float16", file("ok.json", doc)], /--peer-float must be float32 or float64/),
      usageError(["research", "--peer-vector-bits", "128", file("ok2.json", doc)], /--peer-vector-bits must be 256 or 512/),
      usageError(["research", "--frobnicate", file("ok3.json", doc)], /frobnicate/),
      usageError(["research", join(tmp, "missing.json")], /cannot read .*missing\.json: ENOENT/),
      usageError(["research", file("bad.json", "{ not json")], /invalid JSON/),
      usageError(["research", file("v.json", { ...doc, version: "YUMA9" })], /^yuma: version: must be one of/),
      usageError(["research", file("f.json", { ...doc, format: "other" })], /^yuma: format: must be "yuma-research-input\/1"/),
      usageError(
        ["research", file("r.json", { ...doc, epochs: [{ W: [[1, 0], [1]], S: [1, 1] }] })],
        /^yuma: epochs\[0\]\.W\[1\]: must have 2 entries/,
      ),
    ]);
  });
});
