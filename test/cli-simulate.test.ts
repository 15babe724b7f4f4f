// `yuma simulate` and `yuma emission` end to end (spawns dist/cli.js, built by npm test).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { blockEmission } from "../src/index.js";

const cli = join(__dirname, "..", "dist", "cli.js");
const yuma = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: "utf8" });

describe("yuma simulate", () => {
  const small = ["--economy", "static", "--subnets", "4", "--neurons", "16", "--validators", "4", "--tempo", "20", "--blocks", "100"];

  it("--json prints exactly the contract's keys, amounts as decimal strings", () => {
    const r = yuma("simulate", ...small, "--threads", "2", "--json");
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(Object.keys(j)).toEqual(["blocks", "issuanceStart", "issuanceEnd", "subnets", "unallocated", "digest"]);
    expect(j.blocks).toBe(100);
    expect(j.subnets).toHaveLength(4);
    for (const s of j.subnets) {
      // The original contract's keys, in order, then what the table also shows.
      expect(Object.keys(s)).toEqual(["netuid", "tempo", "epochs", "owner", "miners", "validators", "pending", "topEarners", "nakamoto"]);
      for (const k of ["owner", "miners", "validators", "pending"]) expect(s[k]).toMatch(/^(0|[1-9][0-9]*)$/);
    }
    expect(j.digest).toMatch(/^[0-9a-f]{64}$/);
    // 100 blocks of 1 TAO from issuance 0.
    expect(j.issuanceEnd).toBe("100000000000");
  });

  it("gives the same digest with 1 and 3 threads, and honours --seed and --issuance", () => {
    const a = JSON.parse(yuma("simulate", ...small, "--threads", "1", "--json").stdout);
    const b = JSON.parse(yuma("simulate", ...small, "--threads", "3", "--json").stdout);
    expect(b).toEqual(a);
    const c = JSON.parse(yuma("simulate", ...small, "--seed", "9", "--json").stdout);
    expect(c.digest).not.toBe(a.digest);
    const issuance = "10500000000000000";
    const d = JSON.parse(yuma("simulate", ...small, "--issuance", issuance, "--json").stdout);
    let i = BigInt(issuance);
    for (let k = 0; k < 100; k++) i += blockEmission(i);
    expect(d.issuanceEnd).toBe(i.toString());
  });

  it("reads a config file; flags override it", () => {
    const dir = mkdtempSync(join(tmpdir(), "yuma-sim-"));
    const file = join(dir, "net.json");
    writeFileSync(file, JSON.stringify({ seed: 4, subnets: [{ netuid: 7, tempo: 5, share: 2 }, { netuid: 9, tempo: 6 }], defaults: { neurons: 12, validators: 3 } }));
    const j = JSON.parse(yuma("simulate", "--economy", "static", "--config", file, "--blocks", "30", "--json").stdout);
    expect(j.subnets.map((s: { netuid: number; tempo: number }) => [s.netuid, s.tempo])).toEqual([[7, 5], [9, 6]]);
    const k = JSON.parse(yuma("simulate", "--economy", "static", "--config", file, "--blocks", "30", "--tempo", "3", "--json").stdout);
    expect(k.subnets.map((s: { tempo: number }) => s.tempo)).toEqual([3, 3]);
  });

  it("prints a readable summary table without --json", () => {
    const r = yuma("simulate", ...small);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/netuid\s+tempo\s+epochs\s+owner τ\s+miners τ\s+validators τ\s+pending τ\s+top earners\s+nakamoto/);
    expect(r.stdout).toMatch(/digest [0-9a-f]{64}/);
    expect(r.stdout.trim().split("\n").length).toBeGreaterThan(6);
  });

  it("refuses bad input with exit code 2 and one line on stderr", () => {
    const dir = mkdtempSync(join(tmpdir(), "yuma-sim-"));
    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify({ subnets: [{ neurons: 4, validators: 5 }] }));
    for (const args of [["--threads", "0"], ["--subnets", "x"], ["--bogus"], ["extra"], ["--config", bad], ["--config", join(dir, "missing.json")], ["--issuance", "-1"]]) {
      const r = yuma("simulate", ...args, "--blocks", "1");
      expect({ args, status: r.status }).toEqual({ args, status: 2 });
      const lines = r.stderr.trim().split("\n");
      expect({ args, lines: lines.length }).toEqual({ args, lines: 1 });
      expect(lines[0]).toMatch(/^yuma: /);
    }
    expect(yuma("simulate", "--config", bad).stderr).toMatch(/config\.subnets\[0\]\.validators/);
  });
});

describe("yuma epoch --table", () => {
  it("prints one readable row per uid with the emission totals", () => {
    const fx = join(__dirname, "fixtures", "epoch", "tiny-n4-self-weights.json");
    const r = yuma("epoch", fx, "--table");
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^epoch at block \d+: n = 4, miners \d+ rao, validators \d+ rao$/);
    expect(lines[1]).toMatch(/uid\s+stake\s+active\s+permit\s+consensus\s+incentive\s+dividends\s+v\.trust\s+miner rao\s+validator rao\s+bonds/);
    expect(lines).toHaveLength(3 + 4);
    const want = JSON.parse(readFileSync(fx, "utf8")).expected;
    const totals = lines[0]!.match(/miners (\d+) rao, validators (\d+) rao/)!;
    const sum = (xs: string[]) => xs.reduce((a, x) => a + BigInt(x), 0n).toString();
    expect([totals[1], totals[2]]).toEqual([sum(want.serverEmission), sum(want.validatorEmission)]);
  });
});

describe("yuma emission", () => {
  it("prints one emission per issuance, in order", () => {
    const r = yuma("emission", "0", "10500000000000000", "21000000000000000", "15750000000000000");
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(["1000000000", "500000000", "0", "250000000"].join("\n") + "\n");
  });
  it("refuses malformed amounts", () => {
    for (const a of ["01", "1.5", "abc", "18446744073709551616"]) {
      const r = yuma("emission", a);
      expect({ a, status: r.status }).toEqual({ a, status: 2 });
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    }
  });
});
