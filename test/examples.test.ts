// examples/: the README's library snippet as a runnable script, run with Node against the built
// package (it imports "yuma-wasm", which resolves to dist/ through the package's self-reference,
// exactly as in an installed copy), and its epoch input. Needs a built dist/ (npm run build).
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { Network, outputsToJson, runEpoch, runTrajectory } from "../src/index.js";

const ROOT = join(__dirname, "..");
const fx = JSON.parse(readFileSync(join(ROOT, "examples", "epoch-n4.json"), "utf8"));
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let printed: any;

beforeAll(() => {
  if (!existsSync(join(ROOT, "dist", "index.js"))) throw new Error("dist/index.js missing: run npm run build first");
  printed = JSON.parse(execFileSync(process.execPath, [join(ROOT, "examples", "library.mjs")], { cwd: ROOT, encoding: "utf8" }));
});

const sum = (xs: string[]) => xs.reduce((a, b) => a + BigInt(b), 0n);

describe("examples/library.mjs", () => {
  it("runs the example epoch: the library's result, the file's `expected`, and what the numbers must satisfy", () => {
    expect(printed.epoch).toEqual(outputsToJson(runEpoch(fx.params, fx.inputs)));
    expect(printed.epoch).toEqual(fx.expected);
    const e = printed.epoch;
    // Validator 0 holds 70 % of the stake and puts more weight on miner 2, as does the consensus.
    expect(e.stakeWeight[0]).toBeGreaterThan(e.stakeWeight[1]);
    expect(e.incentive[2]).toBeGreaterThan(e.incentive[3]);
    expect(e.incentive[2] + e.incentive[3]).toBeGreaterThanOrEqual(65534);
    expect(e.dividends[0]).toBeGreaterThan(e.dividends[1]);
    // Half to miners, half to validators, all of raoEmission up to rounding (a rao per uid).
    const rao = BigInt(fx.params.raoEmission);
    expect(sum(e.emission)).toBe(sum(e.serverEmission) + sum(e.validatorEmission));
    expect(rao - sum(e.emission)).toBeGreaterThanOrEqual(0n);
    expect(rao - sum(e.emission)).toBeLessThanOrEqual(4n);
    expect(sum(e.serverEmission) * 2n).toBeGreaterThanOrEqual(rao - 4n);
    expect(printed.traceKeys).toEqual(["stake", "activeStake", "weights", "consensus", "validatorTrust", "incentive", "dividends", "emaBonds"]);
  });

  it("runs the trajectory with bonds carried over", () => {
    const want = runTrajectory({ params: fx.params, inputs: fx.inputs, epochs: [{ currentBlock: 7200 }, { currentBlock: 7561 }] });
    expect(printed.trajectory).toEqual(want.map((o) => ({ incentive: o.incentive, dividends: o.dividends, bonds: o.bonds })));
    expect(printed.trajectory[0].bonds).toEqual(fx.expected.bonds);
    // The second epoch starts from the first one's bonds, so they grow by the EMA.
    expect(printed.trajectory[1].bonds[0][0][1]).toBeGreaterThan(printed.trajectory[0].bonds[0][0][1]);
  });

  it("prints the block emission after the first halving", () => {
    expect(printed.blockEmission).toBe("500000000");
  });

  it("runs the dtao network on worker threads: every rao accounted for, same digest as a main-thread run and with its own pool", () => {
    const s = printed.network;
    expect([s.economy, s.blocks]).toEqual(["dtao", 720]);
    expect(s.subnets).toHaveLength(4);
    let entered = 0n;
    for (const sub of s.subnets) {
      for (const k of ["owner", "miners", "validators", "root", "burned", "pending", "taoIn", "excessTao"]) expect(sub[k]).toMatch(/^(0|[1-9]\d*)$/);
      entered += BigInt(sub.taoIn) + BigInt(sub.excessTao);
      expect(sum([sub.owner, sub.miners, sub.validators, sub.root, sub.burned, sub.recycled, sub.pending])).toBe(BigInt(sub.alphaOut));
    }
    expect(entered + BigInt(s.recycled) + BigInt(s.unallocated)).toBe(BigInt(s.minted));
    // 11M TAO issued by default: 0.5 TAO per block.
    expect(BigInt(s.minted)).toBe(720n * 500_000_000n);
    const here = new Network({ subnets: 4, seed: 1, defaults: { neurons: 32, validators: 8, tempo: 99, liquidAlpha: true } });
    expect(here.step(720).digest).toBe(s.digest);
    expect(printed.snapshotBlock).toBe(7_000_720);
    expect(printed.sameDigestWithOwnPool).toBe(true);
  });

  it("the example input passes `yuma epoch --check`", () => {
    const out = execFileSync(process.execPath, [join(ROOT, "dist", "cli.js"), "epoch", join(ROOT, "examples", "epoch-n4.json"), "--check"], { encoding: "utf8" });
    expect(out).toMatch(/^ok:/);
  });

  it("the README's library snippet is the script's code", () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const snippet = /## Library\n\n```js\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(snippet).toBeDefined();
    const script = readFileSync(join(ROOT, "examples", "library.mjs"), "utf8");
    const code = snippet!.split("\n").map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("//"));
    expect(code.length).toBeGreaterThan(10);
    expect(code.filter((l) => !script.includes(l))).toEqual([]);
  });
});
