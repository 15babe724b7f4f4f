// `yuma simulate` with the dtao economy end to end (spawns dist/cli.js, built by npm test):
// the JSON contract, its integer identities, the text summary and the day report.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const cli = join(__dirname, "..", "..", "dist", "cli.js");
const yuma = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: "utf8" });
const small = ["--subnets", "5", "--neurons", "16", "--validators", "4", "--tempo", "30", "--blocks", "150"];
const DEC = /^(0|[1-9][0-9]*)$/;

describe("yuma simulate --economy dtao", () => {
  it("--json prints exactly the contract's keys; the TAO and alpha identities hold in integers", () => {
    const r = yuma("simulate", ...small, "--threads", "2", "--json");
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(Object.keys(j)).toEqual(["economy", "shareRule", "blocks", "issuanceStart", "issuanceEnd", "minted", "recycled", "rootStake", "subnets", "unallocated", "digest"]);
    expect([j.economy, j.shareRule, j.blocks]).toEqual(["dtao", "price-ema", 150]);
    let entered = 0n;
    for (const s of j.subnets) {
      expect(Object.keys(s)).toEqual(["netuid", "tempo", "epochs", "price", "emaPrice", "share", "taoIn", "excessTao", "alphaIn", "alphaOut", "owner", "miners", "validators", "root", "burned", "recycled", "pending", "poolTao", "poolAlpha"]);
      for (const k of ["taoIn", "excessTao", "alphaIn", "alphaOut", "owner", "miners", "validators", "root", "burned", "pending", "poolTao", "poolAlpha"]) expect(s[k]).toMatch(DEC);
      for (const k of ["price", "emaPrice", "share"]) expect(typeof s[k]).toBe("number");
      entered += BigInt(s.taoIn) + BigInt(s.excessTao);
      const parts = ["owner", "miners", "validators", "root", "burned", "recycled", "pending"].reduce((a, k) => a + BigInt(s[k]), 0n);
      expect(parts).toBe(BigInt(s.alphaOut));
    }
    expect(entered + BigInt(j.recycled) + BigInt(j.unallocated)).toBe(BigInt(j.minted));
    // Past the first halving by default: 0.5 TAO per block.
    expect(BigInt(j.minted)).toBe(150n * 500_000_000n);
  });

  it("same JSON for 1 and 3 threads; each share rule runs; --economy static keeps the old shape", () => {
    const a = JSON.parse(yuma("simulate", ...small, "--threads", "1", "--json").stdout);
    const b = JSON.parse(yuma("simulate", ...small, "--threads", "3", "--json").stdout);
    expect(b).toEqual(a);
    for (const rule of ["tao-flow", "static"]) {
      const r = yuma("simulate", ...small, "--share-rule", rule, "--json");
      expect(r.status, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).shareRule).toBe(rule);
    }
    const s = JSON.parse(yuma("simulate", ...small, "--economy", "static", "--json").stdout);
    expect(Object.keys(s)).toEqual(["blocks", "issuanceStart", "issuanceEnd", "subnets", "unallocated", "digest"]);
  });

  it("refuses bad flags with a clear message", () => {
    for (const [args, msg] of [
      [["--economy", "dynamic"], /--economy must be dtao or static/],
      [["--share-rule", "flow"], /--share-rule must be/],
      [["--economy", "static", "--share-rule", "price-ema"], /--share-rule applies to --economy dtao/],
      [["--economy", "static", "--html", "x.html"], /--html applies to --economy dtao/],
    ] as const) {
      const r = yuma("simulate", ...small, ...args);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(msg);
    }
  });

  it("prints the dtao table and writes the --html day report", () => {
    const dir = mkdtempSync(join(tmpdir(), "yuma-dtao-"));
    const file = join(dir, "day.html");
    const r = yuma("simulate", ...small, "--html", file);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/netuid\s+epochs\s+price τ\/α\s+EMA price\s+share %/);
    expect(r.stdout).toMatch(/root stake .* Σ prices/);
    const html = readFileSync(file, "utf8");
    expect(html.startsWith("<!DOCTYPE html>") || html.startsWith("<!doctype html>")).toBe(true);
    expect(html).toContain("<svg");
    // Self-contained: no resource is fetched (the SVG namespace is the only URL).
    expect(html.replaceAll('xmlns="http://www.w3.org/2000/svg"', "")).not.toMatch(/https?:\/\//);
  });
});

describe("yuma simulate --arrivals / --mechanisms", () => {
  const churned = ["--subnets", "4", "--neurons", "32", "--validators", "4", "--tempo", "30", "--blocks", "400", "--arrivals", "0.05", "--mechanisms", "2", "--json"];
  it("adds registrations, prunes and the burn price per subnet, the same for 1 and 3 threads", () => {
    const a = yuma("simulate", ...churned, "--threads", "1");
    expect(a.status, a.stderr).toBe(0);
    const j = JSON.parse(a.stdout);
    let regs = 0;
    for (const s of j.subnets) {
      expect(Object.keys(s).slice(-6)).toEqual(["registrationTao", "registrationAlphaBurned", "registrationSwapsFailed", "registrations", "prunes", "burn"]);
      expect(s.prunes).toBe(s.registrations);
      expect(s.burn).toMatch(DEC);
      // Every registration paid at least the chain's MinBurn.
      expect(BigInt(s.registrationTao)).toBeGreaterThanOrEqual(BigInt(s.registrations) * 500_000n);
      regs += s.registrations;
    }
    expect(regs).toBeGreaterThan(30);
    const b = JSON.parse(yuma("simulate", ...churned, "--threads", "3").stdout);
    expect(b).toEqual(j);
    const text = yuma("simulate", ...churned.slice(0, -1), "--threads", "1");
    expect(text.stdout).toMatch(/regs\s+burn τ/);
  });

  it("--arrivals changes the rate only: each subnet keeps its own churn settings (regression: they were replaced by the defaults')", () => {
    const dir = mkdtempSync(join(tmpdir(), "yuma-arrivals-"));
    const own = { arrivals: 0.5, immunityPeriod: 0, minNonImmune: 0, burn: "500000", maxBurn: "500000", minBurn: "500000" };
    const fixed = { burn: "700000", maxBurn: "700000", minBurn: "700000" };
    const config = (rate: number) => ({
      economy: "static", defaults: { neurons: 32, validators: 4, tempo: 9, churn: { arrivals: 0.25, ...fixed } },
      subnets: [{ netuid: 1, churn: { ...own, arrivals: rate } }, { netuid: 2 }, { netuid: 3, churn: null }],
    });
    const write = (name: string, c: unknown) => {
      const f = join(dir, name);
      writeFileSync(f, JSON.stringify(c));
      return f;
    };
    const run = (...args: string[]) => {
      const r = yuma("simulate", "--blocks", "200", "--threads", "1", "--json", ...args);
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(r.stdout);
    };
    // --arrivals 2 on the file = the file with every churn block at rate 2 (the null one gets churn).
    const flagged = run("--config", write("a.json", config(0.5)), "--arrivals", "2");
    const written = config(2);
    written.defaults.churn.arrivals = 2;
    written.subnets[2] = { netuid: 3, churn: { arrivals: 2 } } as never;
    expect(flagged).toEqual(run("--config", write("b.json", written)));
    expect(flagged.subnets.map((s: { burn: string }) => s.burn)).toEqual(["500000", "700000", expect.stringMatching(DEC)]);
    expect(flagged.subnets.every((s: { registrations: number }) => s.registrations > 0)).toBe(true);
  });

  it("static economy: the same fields; bad values exit 2 naming the flag or field", () => {
    const r = yuma("simulate", "--economy", "static", ...churned);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).subnets[0].registrations).toBeGreaterThan(0);
    for (const [flag, value, msg] of [["--arrivals", "-1", /--arrivals/], ["--arrivals", "x", /--arrivals/], ["--mechanisms", "3", /mechanisms/]] as const) {
      const bad = yuma("simulate", "--blocks", "1", flag, value);
      expect(bad.status).toBe(2);
      expect(bad.stderr).toMatch(msg);
    }
    const big = yuma("simulate", "--blocks", "1", "--mechanisms", "2", "--neurons", "200");
    expect(big.status).toBe(2);
    expect(big.stderr).toMatch(/config\.defaults|subnets\[0\]\.mechanisms/);
  });
});
