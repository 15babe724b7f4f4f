// Entries whose uid is ≥ n: refused by default; with outOfRangeUids "ignore" (and in the CLI,
// which reads the fixture format) they behave as FORMAT.md and the chain say.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { outputsToJson, runEpoch, runTrajectory, YumaInputError } from "../src/index.js";

const dir = join(__dirname, "fixtures", "epoch");
const files = readdirSync(dir).filter((f) => f.endsWith(".json")).sort();
const load = (f: string) => JSON.parse(readFileSync(join(dir, f), "utf8"));
const strip = (o: ReturnType<typeof outputsToJson>) => {
  const { trace: _t, ...rest } = o;
  return rest;
};

/** Append entries with uids n, n+7 and 65535 to every row (after the stored ones). */
function padRows(m: Array<Array<[number, number]>>, n: number): Array<Array<[number, number]>> {
  return m.map((row, i) => [...row, [n, 65535], [Math.min(65535, n + 7), i % 65536], [65535, 1]].filter(
    (e, k, all) => all.findIndex((x) => x[0] === e[0]) === k,
  ) as Array<[number, number]>);
}

describe("uids ≥ n", () => {
  it("are refused by default, naming the entry", () => {
    const fx = load("tiny-n4-self-weights.json");
    fx.inputs.weights[1].push([4, 100]);
    let err: unknown;
    try {
      runEpoch(fx.params, fx.inputs);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(YumaInputError);
    expect((err as YumaInputError).field).toBe(`inputs.weights[1][${fx.inputs.weights[1].length - 1}][0]`);
    expect(() => runEpoch(fx.params, fx.inputs, { outOfRangeUids: "maybe" as never })).toThrow(/outOfRangeUids/);
  });

  for (const f of files) {
    it(`${f}: trailing out-of-range weight and bond entries change nothing`, () => {
      const fx = load(f);
      const n = fx.params.n;
      fx.inputs.weights = padRows(fx.inputs.weights, n);
      fx.inputs.bonds = padRows(fx.inputs.bonds, n);
      if (fx.kind === "epoch") {
        expect(strip(outputsToJson(runEpoch(fx.params, fx.inputs, { outOfRangeUids: "ignore" })))).toEqual(fx.expected);
      } else {
        for (const e of fx.epochs) if (e.weights) e.weights = padRows(e.weights, n);
        const outs = runTrajectory(fx, { outOfRangeUids: "ignore" }).map((o) => strip(outputsToJson(o)));
        expect(outs).toEqual(fx.epochs.map((e: { expected: unknown }) => e.expected));
      }
    });
  }
});
