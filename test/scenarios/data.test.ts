// Scenario library: the classic cases restate the published schedules, the noise generator
// follows PyTorch's documented CPU generator, the chain scenarios have the properties their
// descriptions promise.
import { describe, expect, it } from "vitest";
import {
  CHAIN_SCENARIOS, CLASSIC_SCENARIOS, SCENARIOS, expandScenario, findScenario, type ScenarioSpec,
} from "../../src/scenarios/index.js";
import { Mt19937, TorchCpuGenerator } from "../../src/scenarios/torchNoise.js";
import { oneHotArgmax, threeServerNoisyWeights, twoServerNoisyWeights } from "../../src/scenarios/noisyWeights.js";

const get = (name: string): ScenarioSpec => {
  const s = findScenario(name);
  if (!s) throw new Error(`no scenario ${name}`);
  return s;
};
const argmax = (r: number[]) => r.indexOf(Math.max(...r));
const S1 = [1, 0], S2 = [0, 1];

describe("classic cases", () => {
  it("are the 22 cases, 40 epochs, three validators, two or three servers", () => {
    expect(CLASSIC_SCENARIOS.map((s) => s.name)).toEqual(Array.from({ length: 22 }, (_, i) => `case${i + 1}`));
    for (const s of CLASSIC_SCENARIOS) {
      expect(s.numEpochs).toBe(40);
      expect(s.validators.length).toBe(3);
      expect([2, 3]).toContain(s.servers.length);
      expect(s.title.startsWith(`Case ${s.name.slice(4)} - `)).toBe(true);
      const ep = expandScenario(s);
      expect(ep.length).toBe(40);
      for (const { W, S } of ep) {
        expect(W.length).toBe(3);
        for (const row of W) expect(row.length).toBe(s.servers.length);
        expect(S.length).toBe(3);
      }
    }
    // 3-server cases: 15–18, 21, 22.
    expect(CLASSIC_SCENARIOS.filter((s) => s.servers.length === 3).map((s) => s.name))
      .toEqual(["case15", "case16", "case17", "case18", "case21", "case22"]);
  });

  it("names are found case-insensitively, with spaces or dashes", () => {
    expect(findScenario("Case 1")?.name).toBe("case1");
    expect(findScenario("CASE-12")?.name).toBe("case12");
    expect(findScenario("late_weights")?.name).toBe("late-weights");
    expect(findScenario("case23")).toBeUndefined();
  });

  it("case 1: the big validator moves first, the lazy ones one and two epochs later", () => {
    const ep = expandScenario(get("case1"));
    expect(ep[0]!.W).toEqual([S1, S1, S1]);
    expect(ep[1]!.W).toEqual([S2, S1, S1]);
    expect(ep[2]!.W).toEqual([S2, S2, S1]);
    for (let e = 3; e < 40; e++) expect(ep[e]!.W).toEqual([S2, S2, S2]);
    expect(ep[7]!.S).toEqual([0.8, 0.1, 0.1]);
    expect(get("case1").validators[get("case1").base]).toBe("Big vali. (0.8)");
  });

  it("case 3: the big validator moves last (kappa moves third)", () => {
    const ep = expandScenario(get("case3"));
    expect(ep[1]!.W).toEqual([S1, S2, S1]);
    expect(ep[2]!.W).toEqual([S1, S2, S2]);
    expect(ep[3]!.W).toEqual([S2, S2, S2]);
  });

  it("case 5 switches back at epochs 21–23 and resets server 2's bonds at epoch 20 in 2C/3/3-liquid", () => {
    const s = get("case5");
    const ep = expandScenario(s);
    expect(ep[20]!.W).toEqual([S2, S2, S2]);
    expect(ep[21]!.W).toEqual([S2, S1, S2]);
    expect(ep[22]!.W).toEqual([S2, S1, S1]);
    expect(ep[39]!.W).toEqual([S1, S1, S1]);
    expect(s.resetBonds).toEqual([{ epoch: 20, server: 1, versions: ["YUMA2C", "YUMA3", "YUMA3_LIQUID"] }]);
    expect(s.validators[s.base]).toBe("Small eager-eager vali. (0.1)");
  });

  it("bond resets are in cases 5, 6, 7, 8, 12, 13 only", () => {
    expect(CLASSIC_SCENARIOS.filter((s) => s.resetBonds).map((s) => [s.name, s.resetBonds![0]!.epoch, s.resetBonds![0]!.server]))
      .toEqual([["case5", 20, 1], ["case6", 21, 0], ["case7", 21, 0], ["case8", 20, 1], ["case12", 20, 1], ["case13", 20, 0]]);
  });

  it("case 9 merges the small stakes after epoch 5", () => {
    const ep = expandScenario(get("case9"));
    expect(ep[5]!.S).toEqual([0.8, 0.1, 0.1]);
    expect(ep[6]!.S).toEqual([0.8, 0.2, 0]);
    for (const e of ep) expect(e.W).toEqual([S2, S2, S2]);
  });

  it("case 10 delays the big validator to epoch 10", () => {
    const ep = expandScenario(get("case10"));
    expect(ep[9]!.W).toEqual([S1, S2, S1]);
    expect(ep[10]!.W).toEqual([S2, S2, S1]);
    expect(ep[11]!.W).toEqual([S2, S2, S2]);
  });

  it("case 11 and 12 keep the published fractional weights", () => {
    const c11 = expandScenario(get("case11"));
    expect(c11[19]!.W).toEqual([[0.3, 0.7], [0.6, 0.4], [0.61, 0.39]]);
    expect(c11[20]!.W).toEqual([[0.3, 0.7], [0.6, 0.4], [0.3, 0.61]]);
    expect(c11[0]!.S).toEqual([0.49, 0.49, 0.02]);
    const c12 = expandScenario(get("case12"));
    expect(c12[0]!.W[1]).toEqual([0.999, 0.001]);
    expect(c12[20]!.W[1]).toEqual([0.001, 0.999]);
    expect(c12[21]!.W[1]).toEqual([0.999, 0.001]);
  });

  it("case 14: one validator weights server 2 in epoch 20 only", () => {
    const ep = expandScenario(get("case14"));
    ep.forEach((e, k) => expect(e.W).toEqual(k === 20 ? [S1, S1, S2] : [S1, S1, S1]));
    expect(ep[0]!.S).toEqual([0.33, 0.33, 0.34]);
  });

  it("cases 15–18: server 3 keeps the stable share in every row", () => {
    for (const [name, stable] of [["case15", 0.25], ["case16", 0.5], ["case17", 0.75], ["case18", 0.9]] as const) {
      const ep = expandScenario(get(name));
      for (const { W } of ep) for (const row of W) {
        expect(row[2]).toBe(stable);
        expect(row[0]! + row[1]! + row[2]!).toBeCloseTo(1, 12);
      }
      expect(argmax(ep[1]!.W[1]!.slice(0, 2))).toBe(1); // eager moves at epoch 1
      expect(argmax(ep[1]!.W[0]!.slice(0, 2))).toBe(0); // big still on server 1
      expect(argmax(ep[2]!.W[0]!.slice(0, 2))).toBe(1);
      expect(argmax(ep[2]!.W[2]!.slice(0, 2))).toBe(0);
    }
  });

  it("winner-takes-all: 19 client-side one-hot, 20/22 server-side flag, 21 both", () => {
    const wta = (n: string) => get(n).params?.winnerTakesAll === true;
    expect([wta("case19"), wta("case20"), wta("case21"), wta("case22")]).toEqual([false, true, true, true]);
    for (const n of ["case19", "case21"]) {
      for (const { W } of expandScenario(get(n))) for (const row of W) {
        expect(row.filter((x) => x === 1).length).toBe(1);
        expect(row.reduce((a, b) => a + b, 0)).toBe(1);
      }
    }
    // Same noise underneath: case 19 is the argmax of case 20's rows.
    const c19 = expandScenario(get("case19")), c20 = expandScenario(get("case20"));
    c20.forEach((e, k) => expect(oneHotArgmax(e.W)).toEqual(c19[k]!.W));
  });
});

describe("PyTorch CPU generator reimplementation", () => {
  it("MT19937 matches the standard reference outputs", () => {
    const mt = new Mt19937(5489);
    expect(mt.next()).toBe(3499211612); // first output of std::mt19937 with the default seed
    for (let i = 2; i < 10000; i++) mt.next();
    expect(mt.next()).toBe(4123659995); // the 10000th output required by the C++ standard
  });

  it("torch.manual_seed(0); torch.randn(5) gives the well-known values", () => {
    // Printed by PyTorch (tensor([ 1.5410, -0.2934, -2.1788,  0.5684, -1.0845])).
    const g = new TorchCpuGenerator(0);
    const x = g.normal(0, 1, 5);
    [1.541, -0.2934, -2.1788, 0.5684, -1.0845].forEach((v, i) => expect(x[i]).toBeCloseTo(v, 4));
    // Values are float32.
    for (const v of x) expect(Math.fround(v)).toBe(v);
  });

  it("noisy scores are float32, in [0, 1], rows normalized, deterministic", () => {
    for (const gen of [twoServerNoisyWeights, threeServerNoisyWeights]) {
      const a = gen(40), b = gen(40);
      expect(a).toEqual(b);
      for (const W of a) for (const row of W) {
        for (const w of row) {
          expect(w).toBeGreaterThanOrEqual(0);
          expect(w).toBeLessThanOrEqual(1);
          expect(Math.fround(w)).toBe(w);
        }
        expect(row.reduce((x, y) => x + y, 0)).toBeCloseTo(1, 5);
      }
    }
    // Low-noise validator 0 prefers the truly better server 1 (0.6 vs 0.55) most of the time;
    // the σ = 0.15 validators much less reliably.
    const W = twoServerNoisyWeights(40);
    const wins = (v: number) => W.filter((e) => e[v]![0]! > e[v]![1]!).length;
    expect(wins(0)).toBeGreaterThan(wins(1));
    expect(wins(0)).toBeGreaterThanOrEqual(30);
  });
});

describe("chain-realistic scenarios", () => {
  it("there are at least five, each with a base validator and a one-line description", () => {
    expect(CHAIN_SCENARIOS.length).toBeGreaterThanOrEqual(5);
    expect(CHAIN_SCENARIOS.map((s) => s.name)).toEqual(
      expect.arrayContaining(["copier", "late-weights", "whale-joins", "rising-miner", "commit-reveal"]));
    const names = SCENARIOS.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    for (const s of SCENARIOS) {
      expect(s.description).not.toMatch(/\n/);
      expect(s.base).toBeGreaterThanOrEqual(0);
      expect(s.base).toBeLessThan(s.validators.length);
      expect(expandScenario(s).length).toBe(s.numEpochs);
    }
  });

  it("copier submits the previous epoch's stake-weighted honest average", () => {
    const s = get("copier");
    const ep = expandScenario(s);
    const stakes = ep[0]!.S.slice(0, 4);
    const total = stakes.reduce((a, b) => a + b, 0);
    for (let e = 1; e < ep.length; e++) {
      const prev = ep[e - 1]!.W;
      const expected = prev[0]!.map((_, j) => prev.slice(0, 4).reduce((acc, r, v) => acc + r[j]! * stakes[v]!, 0) / total);
      ep[e]!.W[4]!.forEach((w, j) => expect(w).toBeCloseTo(expected[j]!, 12));
    }
  });

  it("late-weights validator keeps its row for 6 epochs at a time", () => {
    const ep = expandScenario(get("late-weights"));
    for (let e = 0; e < ep.length; e++) expect(ep[e]!.W[3]).toEqual(ep[6 * Math.floor(e / 6)]!.W[3]);
    expect(ep[6]!.W[3]).not.toEqual(ep[5]!.W[3]);
    // The prompt validators change every epoch (noise).
    expect(ep[1]!.W[0]).not.toEqual(ep[0]!.W[0]);
  });

  it("whale has no stake and no weights before epoch 15, then 60% of the stake", () => {
    const ep = expandScenario(get("whale-joins"));
    for (let e = 0; e < 15; e++) {
      expect(ep[e]!.S[3]).toBe(0);
      expect(ep[e]!.W[3]).toEqual([0, 0, 0]);
    }
    const S = ep[15]!.S;
    expect(S[3]! / S.reduce((a, b) => a + b, 0)).toBeCloseTo(0.6, 12);
  });

  it("rising miner becomes the fast validator's top choice between epochs 15 and 22, the slow one's 6 epochs later", () => {
    const ep = expandScenario(get("rising-miner"));
    const firstTop = (v: number) => ep.findIndex((e) => argmax(e.W[v]!) === 4);
    expect(firstTop(0)).toBeGreaterThanOrEqual(15);
    expect(firstTop(0)).toBeLessThanOrEqual(22);
    expect(firstTop(2)).toBeGreaterThan(firstTop(0));
    expect(argmax(ep[39]!.W[2]!)).toBe(4);
    expect(argmax(ep[0]!.W[0]!)).toBe(0);
  });

  it("commit-reveal masks the re-registered miner for delay − 1 epochs and resets its bonds", () => {
    const s = get("commit-reveal");
    const ep = expandScenario(s);
    expect(s.chain?.commitReveal?.delay).toBe(3);
    for (const e of [20, 21]) for (const row of ep[e]!.W) expect(row[3]).toBe(0);
    for (const e of [19, 22]) for (const row of ep[e]!.W.slice(0, 3)) expect(row[3]).toBeGreaterThan(0);
    expect(s.resetBonds).toEqual([{ epoch: 20, server: 3 }]);
    // Honest weights are the evaluations committed 3 epochs earlier: the newcomer shows up as
    // the top miner in the honest rows from epoch 23, in the copier's only from epoch 27.
    const top = (e: number, v: number) => argmax(ep[e]!.W[v]!);
    expect(top(22, 0)).not.toBe(3);
    expect(top(23, 0)).toBe(3);
    expect(top(26, 3)).not.toBe(3);
    expect(top(27, 3)).toBe(3);
  });
});
