// Every golden fixture must come out bit for bit: each file is its own test.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { outputsToJson, runEpoch, runTrajectory } from "../src/index.js";

const dir = join(__dirname, "fixtures", "epoch");
const files = readdirSync(dir).filter((f) => f.endsWith(".json")).sort();

function stripTrace(o: ReturnType<typeof outputsToJson>) {
  const { trace, ...rest } = o;
  return { rest, trace };
}

describe("golden epoch fixtures", () => {
  it("has all 75 scenarios", () => {
    expect(files.length).toBe(75);
  });
  for (const file of files) {
    it(file, () => {
      const fx = JSON.parse(readFileSync(join(dir, file), "utf8"));
      if (fx.kind === "epoch") {
        const { rest, trace } = stripTrace(outputsToJson(runEpoch(fx.params, fx.inputs, { trace: !!fx.trace })));
        if (fx.trace) expect(trace).toEqual(fx.trace);
        expect(rest).toEqual(fx.expected);
      } else {
        expect(fx.kind).toBe("trajectory");
        const outs = runTrajectory(fx, { trace: true });
        expect(outs.length).toBe(fx.epochs.length);
        fx.epochs.forEach((ep: any, k: number) => {
          const { rest, trace } = stripTrace(outputsToJson(outs[k]!));
          if (ep.trace) expect({ epoch: k, trace }).toEqual({ epoch: k, trace: ep.trace });
          expect({ epoch: k, ...rest }).toEqual({ epoch: k, ...ep.expected });
        });
      }
    });
  }
});
