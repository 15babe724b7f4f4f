// Deep or huge values through the library: a 200,000-deep nested array or a multi-megabyte
// string anywhere in an input gives a YumaInputError whose message quotes at most ~80
// characters of the value — never a stack overflow, never the whole value echoed.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { inputError } from "./helpers/errors.js";
import { resolveConfig, runEpoch, runResearch, runTrajectory, YumaInputError, type ResearchInput } from "../src/index.js";
import { quote, truncate } from "../src/input.js";

const dir = join(__dirname, "fixtures", "epoch");
const load = (name: string) => JSON.parse(readFileSync(join(dir, `${name}.json`), "utf8"));
const EPOCH = load("tiny-n4-commit-reveal");
const TRAJ = load("traj-one-epoch-switch");

/** [[[…]]] nested `depth` times, built without recursion. */
function deep(depth: number): unknown[] {
  let v: unknown[] = [];
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}
const DEEP = deep(200_000);
const HUGE = "7".repeat(3_000_000) + "x"; // 3 MB; digits first so number-ish checks look at it all
const MAX_MESSAGE = 400; // field ≤ ~80 + rule with a ≤ 80-character quote

const research = (over: Record<string, unknown>, params: Record<string, unknown> = {}) =>
  ({ format: "yuma-research-input/1", version: "YUMA3", params, epochs: [{ W: [[1]], S: [1] }], ...over }) as unknown as ResearchInput;

type Place = [where: string, run: (v: unknown) => unknown, field: string];
const PLACES: Place[] = [
  ["epoch params.n", (v) => runEpoch({ ...EPOCH.params, n: v }, EPOCH.inputs), "params.n"],
  ["epoch params.stakeThreshold", (v) => runEpoch({ ...EPOCH.params, stakeThreshold: v }, EPOCH.inputs), "params.stakeThreshold"],
  ["epoch params.ownerUid", (v) => runEpoch({ ...EPOCH.params, ownerUid: v }, EPOCH.inputs), "params.ownerUid"],
  ["epoch inputs.weights[0][0][0]", (v) => runEpoch(EPOCH.params, { ...EPOCH.inputs, weights: [[[v, 1]], [], [], []] }), "inputs.weights[0][0][0]"],
  ["trajectory epochs[0].currentBlock", (v) => runTrajectory({ ...TRAJ, epochs: [{ currentBlock: v }] }), "epochs[0].currentBlock"],
  ["research format", (v) => runResearch(research({ format: v })), "format"],
  ["research version", (v) => runResearch(research({ version: v })), "version"],
  ["research params.kappa", (v) => runResearch(research({}, { kappa: v })), "params.kappa"],
  ["research params.liquidAlphaConsensusMode", (v) => runResearch(research({}, { liquidAlphaConsensusMode: v })), "params.liquidAlphaConsensusMode"],
  ["research epochs[0].W[0][0]", (v) => runResearch(research({ epochs: [{ W: [[v]], S: [1] }] })), "epochs[0].W[0][0]"],
  ["config.issuance", (v) => resolveConfig({ issuance: v }), "config.issuance"],
  ["config defaults.stakeMode", (v) => resolveConfig({ defaults: { stakeMode: v } }), "config.subnets[0].stakeMode"],
  ["config defaults.noise", (v) => resolveConfig({ defaults: { noise: v } }), "config.subnets[0].noise"],
  ["config defaults.validatorStake", (v) => resolveConfig({ defaults: { validatorStake: v } }), "config.subnets[0].validatorStake"],
];

describe.each(PLACES)("%s", (_where, run, field) => {
  it("a 200,000-deep nested array is refused, not a stack overflow", () => {
    const e = inputError(() => run(DEEP));
    expect(e.field).toBe(field);
    expect(e.message.length).toBeLessThan(MAX_MESSAGE);
  });
  it("a 3 MB string is refused with at most ~80 characters of it quoted", () => {
    const e = inputError(() => run(HUGE));
    expect(e.field).toBe(field);
    expect(e.message.length).toBeLessThan(MAX_MESSAGE);
    expect(e.message).not.toMatch(/7{81}/);
  });
});

describe("huge keys and messages", () => {
  it("an unknown key of 1 MB is named by its first ~80 characters", () => {
    const key = "k".repeat(1_000_000);
    for (const run of [
      () => runEpoch({ ...EPOCH.params, [key]: 1 }, EPOCH.inputs),
      () => runResearch(research({}, { [key]: 1 })),
      () => resolveConfig({ defaults: { [key]: 1 } }),
    ]) {
      const e = inputError(run);
      expect(e.message.length).toBeLessThan(MAX_MESSAGE + 400); // the rule lists the known names
      expect(e.field).toMatch(/\["k{80}"… \(1000000 characters\)\]$/);
    }
  });

  it("YumaInputError itself bounds field and rule (last guard)", () => {
    const e = new YumaInputError("f".repeat(10_000), "r".repeat(10_000));
    expect(e.field.length).toBeLessThan(260);
    expect(e.rule.length).toBeLessThan(460);
    expect(e.message).toBe(`${e.field}: ${e.rule}`);
    const short = new YumaInputError("params.n", "must be an integer, got 1.5");
    expect(short.message).toBe("params.n: must be an integer, got 1.5");
  });

  it("quote() never serialises structure and cuts strings at 80 characters", () => {
    expect(quote(DEEP)).toBe("an array");
    expect(quote({ a: DEEP })).toBe("an object");
    expect(quote("abc")).toBe('"abc"');
    expect(quote("x".repeat(100))).toBe(`"${"x".repeat(80)}"… (100 characters)`);
    expect(quote(12n)).toBe("12");
    expect(truncate("y".repeat(81))).toBe(`${"y".repeat(80)}… (81 characters)`);
  });
});
