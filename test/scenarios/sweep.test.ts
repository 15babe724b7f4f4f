// Sweeps: grid construction, metric parsing, and agreement of every grid point with a single
// scenario run at the same parameters.
import { describe, expect, it } from "vitest";
import { findScenario } from "../../src/scenarios/index.js";
import { runScenario } from "../../src/scenarios/run.js";
import { gridPoints, parseMetric, resolveValidator, runSweep } from "../../src/scenarios/sweep.js";
import { sweepCsv, sweepText } from "../../src/report/sweep.js";
import { parseList, parseVersions } from "../../src/cli/scenario.js";

const s = findScenario("case2")!;

describe("sweep grid and metric", () => {
  it("grid points are the cartesian product, first axis outermost", () => {
    const pts = gridPoints([
      { flag: "kappa", key: "kappa", values: [0.3, 0.5] },
      { flag: "bond-penalty", key: "bondPenalty", values: [0, 1] },
    ]);
    expect(pts).toEqual([
      { kappa: 0.3, bondPenalty: 0 }, { kappa: 0.3, bondPenalty: 1 },
      { kappa: 0.5, bondPenalty: 0 }, { kappa: 0.5, bondPenalty: 1 },
    ]);
    expect(gridPoints([])).toEqual([{}]);
  });

  it("value lists and ranges", () => {
    expect(parseList("kappa", "0.3,0.5,0.7")).toEqual([0.3, 0.5, 0.7]);
    expect(parseList("bond-penalty", "0:1:0.25")).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(parseList("kappa", "0.1:0.3:0.1")).toEqual([0.1, 0.2, 0.3]);
    expect(() => parseList("kappa", "0.5,x")).toThrow(/--kappa: not a number/);
    expect(() => parseList("kappa", "1.5")).toThrow(/--kappa must be in \[0, 1\]/);
    expect(() => parseList("kappa", "0:1:0")).toThrow(/step must be > 0/);
  });

  it("versions: case-insensitive, dashes allowed, --exact restricts them", () => {
    expect(parseVersions("yuma2,YUMA3-liquid", false)).toEqual(["YUMA2", "YUMA3_LIQUID"]);
    expect(parseVersions(undefined, false).length).toBe(6);
    expect(parseVersions(undefined, true)).toEqual(["YUMA2", "YUMA3", "YUMA3_LIQUID"]);
    expect(() => parseVersions("YUMA4", false)).toThrow(/unknown version "YUMA4"/);
    expect(() => parseVersions("YUMA2B", true)).toThrow(/--exact: version YUMA2B/);
  });

  it("validators by index, name, fragment or 'base'; metric syntax", () => {
    expect(resolveValidator(s, "0")).toBe(0);
    expect(resolveValidator(s, "Small lazy vali. (0.1)")).toBe(2);
    expect(resolveValidator(s, "big")).toBe(0);
    expect(resolveValidator(s, "base")).toBe(1);
    expect(() => resolveValidator(s, "small")).toThrow(/ambiguous/);
    expect(() => resolveValidator(s, "7")).toThrow(/out of range/);
    expect(parseMetric(s, undefined)).toEqual({ kind: "total", validator: 1 });
    expect(parseMetric(s, "diff:lazy")).toEqual({ kind: "diff", validator: 2 });
    expect(() => parseMetric(s, "diff")).toThrow(/base validator is always 0/);
    expect(() => parseMetric(s, "median:0")).toThrow(/expected total/);
  });
});

describe("runSweep", () => {
  it("every grid point equals a single scenario run with those parameters", async () => {
    const metric = parseMetric(s, "diff:Big");
    const r = await runSweep({
      scenario: s, versions: ["YUMA2", "YUMA3"],
      axes: [
        { flag: "kappa", key: "kappa", values: [0.5, 0.7] },
        { flag: "bond-penalty", key: "bondPenalty", values: [0, 1] },
      ],
      metric,
    }, { threads: 1 });
    expect(r.points.length).toBe(8);
    expect(r.metric.label).toBe("% difference of Big vali. (0.8) vs base (Small eager vali. (0.1))");
    for (const p of r.points) {
      const single = runScenario(s, [p.version], { params: { kappa: p.at.kappa!, bondPenalty: p.at.bondPenalty! } });
      expect(p.value).toBe(single.versions[0]!.totals[0]!.diffVsBasePct);
    }
    const csv = sweepCsv(r).trim().split("\n");
    expect(csv[0]).toBe("scenario,version,kappa,bondPenalty,metric,validator,value");
    expect(csv.length).toBe(9);
    expect(csv[1]!.startsWith("case2,YUMA2,0.5,0,diff,Big vali. (0.8),")).toBe(true);
    const text = sweepText(r);
    expect(text.split("\n").filter((l) => /^\s*0\.[57]\s/.test(l)).length).toBe(4);
  });

  it("total metric of the base validator; the bond-penalty axis changes Yuma 3 outcomes", async () => {
    const r = await runSweep({
      scenario: s, versions: ["YUMA3"],
      axes: [{ flag: "bond-penalty", key: "bondPenalty", values: [0, 1] }],
      metric: parseMetric(s, "total"),
    }, { threads: 1 });
    expect(r.metric.validator).toBe("Small eager vali. (0.1)");
    const [bp0, bp1] = r.points.map((p) => p.value!);
    expect(bp0).not.toBeCloseTo(bp1!, 6);
  });
});
