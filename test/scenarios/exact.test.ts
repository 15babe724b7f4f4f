// Scenarios on the exact (chain) engine: the conversion reproduces the golden subtensor
// trajectories of the same switching patterns, and reports per-1000-TAO metrics consistently.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { outputsToJson, runTrajectory } from "../../src/index.js";
import { findScenario, type ScenarioSpec } from "../../src/scenarios/index.js";
import {
  ScenarioError, maxUpscaleRow, runScenarioExact, scenarioToTrajectory, stakesToRao,
} from "../../src/scenarios/exact.js";
import { resolveParams } from "../../src/scenarios/params.js";

const get = (name: string): ScenarioSpec => findScenario(name)!;
const fixture = (name: string) =>
  JSON.parse(readFileSync(join(__dirname, "..", "fixtures", "epoch", `${name}.json`), "utf8"));

describe("exact conversion", () => {
  it("max-upscales rows to u16 as set_weights stores them", () => {
    expect(maxUpscaleRow([1, 0])).toEqual([65535, 0]);
    // 0.3 / 0.7 · 65535 = 28086.43
    expect(maxUpscaleRow([0.3, 0.7])).toEqual([28086, 65535]);
    expect(maxUpscaleRow([0.25, 0, 0.75])).toEqual([21845, 0, 65535]);
    expect(maxUpscaleRow([0, 0])).toEqual([0, 0]);
  });

  it("stakes become integer rao proportional to the shares", () => {
    expect(stakesToRao([0.8, 0.1, 0.1], 1_000_000)).toEqual([800_000_000_000_000n, 100_000_000_000_000n, 100_000_000_000_000n]);
    expect(stakesToRao([40, 35, 25, 0], 1000)).toEqual([400_000_000_000n, 350_000_000_000n, 250_000_000_000n, 0n]);
  });

  // The golden trajectories were produced by the native subtensor code for the same switching
  // patterns as classic cases 1 and 2 (first 12 epochs).
  for (const [fx, name, version, over] of [
    ["traj-kappa-moves-first-yuma3-liquid", "case1", "YUMA3_LIQUID", { bondPenalty: 0 }],
    ["traj-kappa-moves-second-yuma3-liquid", "case2", "YUMA3_LIQUID", { bondPenalty: 0 }],
    ["traj-kappa-moves-first-yuma2", "case1", "YUMA2", { bondPenalty: 1, bondMovingAverage: 0.9 }],
    ["traj-kappa-moves-second-yuma2", "case2", "YUMA2", { bondPenalty: 1, bondMovingAverage: 0.9 }],
  ] as const) {
    it(`${name} ${version} reproduces the golden ${fx}`, () => {
      const f = fixture(fx);
      const s = { ...get(name), numEpochs: f.epochs.length };
      const t = scenarioToTrajectory(s, version, resolveParams(version, s.params, over), { bondResets: true });
      expect(t.params.kappa).toBe(f.params.kappa);
      expect(t.params.bondsMovingAverage).toBe(f.params.bondsMovingAverage);
      expect(t.params.alphaLow).toBe(f.params.alphaLow);
      expect(t.params.alphaHigh).toBe(f.params.alphaHigh);
      expect(t.params.alphaSigmoidSteepness).toBe(f.params.alphaSigmoidSteepness);
      const outs = runTrajectory(t).map(outputsToJson);
      outs.forEach((o, e) => {
        const want = f.epochs[e].expected;
        for (const k of ["consensus", "incentive", "dividends", "validatorTrust", "bonds"] as const) {
          expect(o[k], `epoch ${e} ${k}`).toEqual(want[k]);
        }
      });
    });
  }

  it("only YUMA2, YUMA3 and YUMA3_LIQUID run exactly; the error names --exact", () => {
    const s = get("case1");
    for (const v of ["YUMA1", "YUMA2B", "YUMA2C"] as const) {
      expect(() => scenarioToTrajectory(s, v, resolveParams(v, s.params, {}), { bondResets: true })).toThrow(ScenarioError);
      expect(() => scenarioToTrajectory(s, v, resolveParams(v, s.params, {}), { bondResets: true })).toThrow(/--exact/);
    }
    const wta = get("case20");
    expect(() => scenarioToTrajectory(wta, "YUMA3", resolveParams("YUMA3", wta.params, {}), { bondResets: true })).toThrow(/winner-takes-all/);
  });

  it("maps the versions to the chain flags", () => {
    const s = get("case4");
    const flags = (v: "YUMA2" | "YUMA3" | "YUMA3_LIQUID") => {
      const t = scenarioToTrajectory(s, v, resolveParams(v, s.params, {}), { bondResets: true });
      return [t.params.yuma3, t.params.liquidAlpha];
    };
    expect(flags("YUMA2")).toEqual([false, false]);
    expect(flags("YUMA3")).toEqual([true, false]);
    expect(flags("YUMA3_LIQUID")).toEqual([true, true]);
  });

  it("a bond reset is a re-registration: bonds on that server restart from zero", () => {
    const s = get("case5"); // server 2 reset at epoch 20 for YUMA3
    const p = resolveParams("YUMA3", s.params, {});
    const withReset = runScenarioExact(s, "YUMA3", p, { bondResets: true });
    const without = runScenarioExact(s, "YUMA3", p, { bondResets: false });
    // Before the reset everything is identical.
    expect(withReset.epochs[19]).toEqual(without.epochs[19]);
    // All validators weight server 2 fully in epoch 20: without the reset their bond has been
    // growing for 18 epochs; with it, the EMA restarts from zero (one step of alpha = 0.025).
    for (let v = 0; v < 3; v++) {
      expect(without.epochs[20]!.bonds[v]![1]).toBeGreaterThan(0.3);
      expect(withReset.epochs[20]!.bonds[v]![1]).toBeLessThan(0.05);
    }
    // The peer resets only in 2C/3/3-liquid: YUMA2 is unaffected.
    const p2 = resolveParams("YUMA2", s.params, {});
    expect(runScenarioExact(s, "YUMA2", p2, { bondResets: true }).epochs)
      .toEqual(runScenarioExact(s, "YUMA2", p2, { bondResets: false }).epochs);
  });

  it("reports per-1000-TAO dividends: equal stake-normalized pay when everybody agrees", () => {
    // Case 9: everybody weights server 2 in every epoch; from epoch 6 one validator has 0 stake.
    const s = get("case9");
    const r = runScenarioExact(s, "YUMA3", resolveParams("YUMA3", s.params, {}), { bondResets: true });
    // Per epoch the validators share 0.41 · 100 TAO; per 1000 TAO of a 1M TAO subnet that is
    // 0.041 for everybody who agrees with consensus.
    const e = r.epochs[3]!;
    for (const d of e.dividendsPer1000Tao) expect(d).toBeCloseTo(0.041, 3);
    expect(e.dividends.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    for (const x of e.relativeDividends) expect(Math.abs(x)).toBeLessThan(1e-3);
    // The zero-stake validator earns nothing per 1000 TAO (no stake units).
    expect(r.epochs[10]!.dividendsPer1000Tao[2]).toBe(0);
    // Totals are sums over the epochs, % vs the base validator.
    const total0 = r.epochs.reduce((a, ep) => a + ep.dividendsPer1000Tao[0]!, 0);
    expect(r.totals[0]!.total).toBeCloseTo(total0, 12);
    expect(r.totals[0]!.isBase).toBe(true);
    expect(r.totals[0]!.diffVsBasePct).toBe(0);
    const t1 = r.totals[1]!;
    expect(t1.diffVsBasePct!).toBeCloseTo(((t1.total - total0) / total0) * 100, 9);
  });

  it("late-weights: the late validator's lastUpdate stays at its last set block, within the activity cutoff", () => {
    const s = get("late-weights");
    const t = scenarioToTrajectory(s, "YUMA3", resolveParams("YUMA3", s.params, {}), { bondResets: true });
    const lu = t.epochs.map((e) => (e.lastUpdate as number[])[3]!);
    expect(lu[5]).toBe(lu[0]);
    expect(lu[6]! - lu[5]!).toBe(6 * 360);
    for (let e = 0; e < t.epochs.length; e++) {
      expect(Number(t.epochs[e]!.currentBlock) - lu[e]!).toBeLessThan(t.params.activityCutoff as number);
    }
  });

  it("commit-reveal: commit blocks precede the newcomer's registration exactly in the masked epochs", () => {
    const s = get("commit-reveal");
    const t = scenarioToTrajectory(s, "YUMA3", resolveParams("YUMA3", s.params, {}), { bondResets: true });
    const V = 4;
    t.epochs.forEach((ep, e) => {
      const reg = (ep.blockAtRegistration as number[])[V + 3]!;
      const commits = ep.commitBlocks as Array<number | null>;
      const masked = commits.slice(0, V).some((c) => c !== null && c < reg) && e >= 20;
      expect(masked, `epoch ${e}`).toBe(e === 20 || e === 21);
    });
  });
});
