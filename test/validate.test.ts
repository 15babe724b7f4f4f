// Input validation: each rule of src/validate.ts (and of runTrajectory's per-epoch overrides)
// is broken once, starting from a valid golden fixture, and must be reported as a
// YumaInputError naming the offending field. Nothing invalid may produce a result.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { inputError } from "./helpers/errors.js";
import { encodeEpoch, outputsToJson, runEpoch, runTrajectory, YumaInputError } from "../src/index.js";
import { requireArray, requireNoHoles } from "../src/validate.js";

const dir = join(__dirname, "fixtures", "epoch");
const load = (name: string) => JSON.parse(readFileSync(join(dir, `${name}.json`), "utf8"));
// n = 4, commit-reveal on (commitBlocks is an array with nulls), ownerUid null
const BASE = load("tiny-n4-commit-reveal");
// n = 4, ownerUid 3
const OWNER = load("tiny-n4-owner-miner");
// n = 5 trajectory, 10 epochs with lastUpdate/weights overrides
const TRAJ = load("traj-one-epoch-switch");

// Untyped on purpose: these tests feed the API what plain-JS callers could.
type Fx = { params: any; inputs: any };

type Case = [what: string, mutate: (f: Fx) => void, field: string, rule?: RegExp];

function epochCases(title: string, base: Fx, cases: Case[]) {
  describe(title, () => {
    for (const [what, mutate, field, rule] of cases) {
      it(`${field}: ${what}`, () => {
        const f = structuredClone(base) as Fx;
        mutate(f);
        const e = inputError(() => runEpoch(f.params, f.inputs));
        expect({ field: e.field }).toEqual({ field });
        if (rule) expect(e.rule).toMatch(rule);
        expect(e.message).toBe(`${e.field}: ${e.rule}`);
      });
    }
  });
}

describe("YumaInputError", () => {
  it("is an Error with field, rule and a 'field: rule' message", () => {
    const e = inputError(() => runEpoch({ ...BASE.params, kappa: 70000 }, BASE.inputs));
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe("YumaInputError");
    expect(e.field).toBe("params.kappa");
    expect(e.rule).toMatch(/65535/);
    expect(e.message).toBe(`params.kappa: ${e.rule}`);
  });
  it("the base fixtures are valid and reproduce their expected outputs", () => {
    for (const fx of [BASE, OWNER]) expect(outputsToJson(runEpoch(fx.params, fx.inputs))).toEqual(fx.expected);
  });
});

const p = (f: Fx) => f.params;
const inp = (f: Fx) => f.inputs;
const del = (o: Record<string, unknown>, k: string) => { delete o[k]; };

epochCases("params and inputs objects", BASE, [
  ["params is null", (f) => { (f as any).params = null; }, "params", /object/],
  ["params is an array", (f) => { (f as any).params = []; }, "params", /object/],
  ["params is a string", (f) => { (f as any).params = "{}"; }, "params", /object/],
  ["inputs is missing", (f) => { (f as any).inputs = undefined; }, "inputs", /object/],
  ["inputs is an array", (f) => { (f as any).inputs = [1]; }, "inputs", /object/],
]);

epochCases("params.n", BASE, [
  ["missing", (f) => del(p(f), "n"), "params.n", /integer/],
  ["not an integer", (f) => { p(f).n = 4.5; }, "params.n", /integer/],
  ["a string", (f) => { p(f).n = "4"; }, "params.n", /integer/],
  ["negative", (f) => { p(f).n = -1; }, "params.n", /0\.\.=65535/],
  ["above 65535", (f) => { p(f).n = 65536; }, "params.n", /0\.\.=65535/],
  ["disagrees with the input lengths (the first length checked is stake's)", (f) => { p(f).n = 5; }, "inputs.stake", /length 5/],
]);

epochCases("u16 / i16 / bool parameters", BASE, [
  ["tempo above u16", (f) => { p(f).tempo = 65536; }, "params.tempo"],
  ["tempo negative", (f) => { p(f).tempo = -1; }, "params.tempo"],
  ["tempo as a string", (f) => { p(f).tempo = "360"; }, "params.tempo"],
  ["tempo missing", (f) => del(p(f), "tempo"), "params.tempo"],
  ["kappa above u16", (f) => { p(f).kappa = 65536; }, "params.kappa"],
  ["kappa fractional", (f) => { p(f).kappa = 0.5; }, "params.kappa"],
  ["kappa negative", (f) => { p(f).kappa = -1; }, "params.kappa"],
  ["bondsPenalty above u16", (f) => { p(f).bondsPenalty = 65536; }, "params.bondsPenalty"],
  ["bondsPenalty NaN", (f) => { p(f).bondsPenalty = NaN; }, "params.bondsPenalty"],
  ["maxAllowedValidators above u16", (f) => { p(f).maxAllowedValidators = 65536; }, "params.maxAllowedValidators"],
  ["maxAllowedValidators negative", (f) => { p(f).maxAllowedValidators = -1; }, "params.maxAllowedValidators"],
  ["alphaLow above u16", (f) => { p(f).alphaLow = 65536; }, "params.alphaLow"],
  ["alphaHigh negative", (f) => { p(f).alphaHigh = -1; }, "params.alphaHigh"],
  ["alphaHigh as a string", (f) => { p(f).alphaHigh = "58982"; }, "params.alphaHigh"],
  ["alphaLow > alphaHigh", (f) => { p(f).alphaLow = 58983; }, "params.alphaLow", /alphaHigh/],
  ["alphaSigmoidSteepness above i16", (f) => { p(f).alphaSigmoidSteepness = 32768; }, "params.alphaSigmoidSteepness"],
  ["alphaSigmoidSteepness below i16", (f) => { p(f).alphaSigmoidSteepness = -32769; }, "params.alphaSigmoidSteepness"],
  ["alphaSigmoidSteepness fractional", (f) => { p(f).alphaSigmoidSteepness = 1.5; }, "params.alphaSigmoidSteepness"],
  ["yuma3 as a string", (f) => { p(f).yuma3 = "true"; }, "params.yuma3", /boolean/],
  ["yuma3 as a number", (f) => { p(f).yuma3 = 1; }, "params.yuma3", /boolean/],
  ["liquidAlpha missing", (f) => del(p(f), "liquidAlpha"), "params.liquidAlpha", /boolean/],
  ["liquidAlpha null", (f) => { p(f).liquidAlpha = null; }, "params.liquidAlpha", /boolean/],
]);

epochCases("u64 parameters (numbers, bigints, decimal strings)", BASE, [
  ["currentBlock negative", (f) => { p(f).currentBlock = -1; }, "params.currentBlock", /negative/],
  ["currentBlock negative bigint", (f) => { p(f).currentBlock = -1n; }, "params.currentBlock", /negative/],
  ["currentBlock fractional", (f) => { p(f).currentBlock = 1000000.5; }, "params.currentBlock", /integer/],
  ["currentBlock an unsafe number (2^53)", (f) => { p(f).currentBlock = 2 ** 53; }, "params.currentBlock", /2\^53/],
  ["currentBlock 2^64 as a string", (f) => { p(f).currentBlock = "18446744073709551616"; }, "params.currentBlock", /at most/],
  ["currentBlock 2^64 as a bigint", (f) => { p(f).currentBlock = 1n << 64n; }, "params.currentBlock", /at most/],
  ["currentBlock with a leading zero", (f) => { p(f).currentBlock = "01000000"; }, "params.currentBlock", /decimal/],
  ["currentBlock with a sign", (f) => { p(f).currentBlock = "+1000000"; }, "params.currentBlock", /decimal/],
  ["currentBlock null", (f) => { p(f).currentBlock = null; }, "params.currentBlock"],
  ["currentBlock missing", (f) => del(p(f), "currentBlock"), "params.currentBlock"],
  ["activityCutoff in exponent notation", (f) => { p(f).activityCutoff = "5e3"; }, "params.activityCutoff", /decimal/],
  ["activityCutoff negative", (f) => { p(f).activityCutoff = -5000; }, "params.activityCutoff"],
  ["lastMechanismStepBlock hex string", (f) => { p(f).lastMechanismStepBlock = "0x10"; }, "params.lastMechanismStepBlock", /decimal/],
  ["lastMechanismStepBlock boolean", (f) => { p(f).lastMechanismStepBlock = true; }, "params.lastMechanismStepBlock"],
  ["bondsMovingAverage above 1e6", (f) => { p(f).bondsMovingAverage = 1_000_001; }, "params.bondsMovingAverage", /1000000/],
  ["bondsMovingAverage above 1e6 as a string", (f) => { p(f).bondsMovingAverage = "1000001"; }, "params.bondsMovingAverage", /1000000/],
  ["bondsMovingAverage huge bigint", (f) => { p(f).bondsMovingAverage = 1n << 63n; }, "params.bondsMovingAverage"],
  ["bondsMovingAverage negative", (f) => { p(f).bondsMovingAverage = -1; }, "params.bondsMovingAverage"],
]);

epochCases("rao amounts (stakeThreshold, raoEmission)", BASE, [
  ["stakeThreshold negative number", (f) => { p(f).stakeThreshold = -1; }, "params.stakeThreshold"],
  ["stakeThreshold unsafe number", (f) => { p(f).stakeThreshold = 2 ** 60; }, "params.stakeThreshold", /bigint or decimal string/],
  ["stakeThreshold fractional number", (f) => { p(f).stakeThreshold = 0.5; }, "params.stakeThreshold"],
  ["stakeThreshold '-0'", (f) => { p(f).stakeThreshold = "-0"; }, "params.stakeThreshold", /decimal/],
  ["stakeThreshold null", (f) => { p(f).stakeThreshold = null; }, "params.stakeThreshold"],
  ["raoEmission with a separator", (f) => { p(f).raoEmission = "1_000_000_000"; }, "params.raoEmission", /decimal/],
  ["raoEmission with a fraction", (f) => { p(f).raoEmission = "1.5"; }, "params.raoEmission", /decimal/],
  ["raoEmission empty string", (f) => { p(f).raoEmission = ""; }, "params.raoEmission", /decimal/],
  ["raoEmission 2^64", (f) => { p(f).raoEmission = "18446744073709551616"; }, "params.raoEmission", /at most/],
  ["raoEmission negative bigint", (f) => { p(f).raoEmission = -1n; }, "params.raoEmission", /negative/],
  ["raoEmission boolean", (f) => { p(f).raoEmission = false; }, "params.raoEmission"],
  ["raoEmission missing", (f) => del(p(f), "raoEmission"), "params.raoEmission"],
]);

epochCases("params.ownerUid", OWNER, [
  ["missing (must be null when absent)", (f) => del(p(f), "ownerUid"), "params.ownerUid", /required/],
  ["equal to n", (f) => { p(f).ownerUid = 4; }, "params.ownerUid", /below n/],
  ["above u16", (f) => { p(f).ownerUid = 70000; }, "params.ownerUid"],
  ["negative", (f) => { p(f).ownerUid = -1; }, "params.ownerUid"],
  ["fractional", (f) => { p(f).ownerUid = 1.5; }, "params.ownerUid"],
  ["a string", (f) => { p(f).ownerUid = "3"; }, "params.ownerUid"],
  ["any uid with n = 0", (f) => {
    p(f).n = 0;
    p(f).ownerUid = 0;
    Object.assign(inp(f), { stake: [], lastUpdate: [], blockAtRegistration: [], validatorPermit: [], weights: [], bonds: [] });
  }, "params.ownerUid", /below n/],
]);

epochCases("params.commitBlocks", BASE, [
  ["missing (must be null when off)", (f) => del(p(f), "commitBlocks"), "params.commitBlocks", /required/],
  ["a boolean", (f) => { p(f).commitBlocks = false; }, "params.commitBlocks", /array/],
  ["an object", (f) => { p(f).commitBlocks = {}; }, "params.commitBlocks", /array/],
  ["shorter than n", (f) => { p(f).commitBlocks = [1, 2, null]; }, "params.commitBlocks", /length 4/],
  ["longer than n", (f) => { p(f).commitBlocks = [1, 2, null, null, 5]; }, "params.commitBlocks", /length 4/],
  ["negative entry", (f) => { p(f).commitBlocks[1] = -1; }, "params.commitBlocks[1]"],
  ["malformed string entry", (f) => { p(f).commitBlocks[0] = "0999959"; }, "params.commitBlocks[0]", /decimal/],
  ["fractional entry", (f) => { p(f).commitBlocks[2] = 1.5; }, "params.commitBlocks[2]"],
  ["undefined entry (only null means no commit)", (f) => { p(f).commitBlocks[3] = undefined; }, "params.commitBlocks[3]"],
]);

epochCases("inputs.stake", BASE, [
  ["not an array", (f) => { inp(f).stake = "600000000000"; }, "inputs.stake", /array/],
  ["wrong length", (f) => { inp(f).stake.pop(); }, "inputs.stake", /length 4/],
  ["negative decimal string", (f) => { inp(f).stake[0] = "-1"; }, "inputs.stake[0]", /decimal/],
  ["leading zero", (f) => { inp(f).stake[1] = "0400000000000"; }, "inputs.stake[1]", /decimal/],
  ["leading space", (f) => { inp(f).stake[1] = " 1"; }, "inputs.stake[1]", /decimal/],
  ["fraction", (f) => { inp(f).stake[2] = "1.0"; }, "inputs.stake[2]", /decimal/],
  ["negative number", (f) => { inp(f).stake[2] = -5; }, "inputs.stake[2]"],
  ["fractional number", (f) => { inp(f).stake[3] = 1.5; }, "inputs.stake[3]"],
  ["number beyond 2^53", (f) => { inp(f).stake[0] = 2 ** 53; }, "inputs.stake[0]", /bigint or decimal string/],
  ["boolean", (f) => { inp(f).stake[3] = true; }, "inputs.stake[3]"],
  ["null", (f) => { inp(f).stake[3] = null; }, "inputs.stake[3]"],
  ["above u64", (f) => { inp(f).stake[0] = "18446744073709551616"; }, "inputs.stake[0]", /at most/],
  ["negative bigint", (f) => { inp(f).stake[0] = -1n; }, "inputs.stake[0]", /negative/],
  ["total exactly 2^63", (f) => { inp(f).stake = ["4611686018427387904", "4611686018427387904", "0", "0"]; }, "inputs.stake", /2\^63/],
  ["total above 2^63 though every entry is below", (f) => {
    inp(f).stake = ["3074457345618258603", "3074457345618258603", "3074457345618258603", "0"];
  }, "inputs.stake", /2\^63/],
  ["total of u64::MAX entries", (f) => { inp(f).stake = Array(4).fill("18446744073709551615"); }, "inputs.stake", /2\^63/],
]);

epochCases("inputs.validatorPermit", BASE, [
  ["not an array", (f) => { inp(f).validatorPermit = true; }, "inputs.validatorPermit", /array/],
  ["wrong length", (f) => { inp(f).validatorPermit.push(false); }, "inputs.validatorPermit", /length 4/],
  ["number entry", (f) => { inp(f).validatorPermit[1] = 1; }, "inputs.validatorPermit[1]", /boolean/],
  ["string entry", (f) => { inp(f).validatorPermit[0] = "true"; }, "inputs.validatorPermit[0]", /boolean/],
  ["null entry", (f) => { inp(f).validatorPermit[3] = null; }, "inputs.validatorPermit[3]", /boolean/],
]);

epochCases("inputs.lastUpdate / inputs.blockAtRegistration", BASE, [
  ["lastUpdate not an array", (f) => { inp(f).lastUpdate = 5; }, "inputs.lastUpdate", /array/],
  ["lastUpdate longer than n", (f) => { inp(f).lastUpdate.push(0); }, "inputs.lastUpdate", /at most 4/],
  ["lastUpdate negative entry", (f) => { inp(f).lastUpdate[2] = -1; }, "inputs.lastUpdate[2]"],
  ["lastUpdate malformed entry", (f) => { inp(f).lastUpdate[1] = "x"; }, "inputs.lastUpdate[1]", /decimal/],
  ["lastUpdate null entry", (f) => { inp(f).lastUpdate[3] = null; }, "inputs.lastUpdate[3]"],
  ["blockAtRegistration shorter than n", (f) => { inp(f).blockAtRegistration.pop(); }, "inputs.blockAtRegistration", /length 4/],
  ["blockAtRegistration empty", (f) => { inp(f).blockAtRegistration = []; }, "inputs.blockAtRegistration", /length 4/],
  ["blockAtRegistration longer than n", (f) => { inp(f).blockAtRegistration.push(1); }, "inputs.blockAtRegistration", /length 4/],
  ["blockAtRegistration negative entry", (f) => { inp(f).blockAtRegistration[0] = -1; }, "inputs.blockAtRegistration[0]"],
  ["blockAtRegistration fractional entry", (f) => { inp(f).blockAtRegistration[3] = 0.25; }, "inputs.blockAtRegistration[3]"],
]);

for (const m of ["weights", "bonds"] as const) {
  const f0 = `inputs.${m}`;
  epochCases(`inputs.${m} (sparse matrix)`, BASE, [
    ["not an array", (f) => { inp(f)[m] = {}; }, f0, /array/],
    ["fewer rows than n", (f) => { inp(f)[m].pop(); }, f0, /length 4/],
    ["more rows than n", (f) => { inp(f)[m].push([]); }, f0, /length 4/],
    ["a row that is not an array", (f) => { inp(f)[m][2] = {}; }, `${f0}[2]`, /array/],
    ["a null row", (f) => { inp(f)[m][3] = null; }, `${f0}[3]`, /array/],
    ["an entry that is not a pair", (f) => { inp(f)[m][0][1] = 3; }, `${f0}[0][1]`, /pair/],
    ["a pair of length 1", (f) => { inp(f)[m][0][0] = [2]; }, `${f0}[0][0]`, /pair/],
    ["a pair of length 3", (f) => { inp(f)[m][1][0] = [2, 1, 0]; }, `${f0}[1][0]`, /pair/],
    ["an object entry", (f) => { inp(f)[m][1][1] = { uid: 3, value: 1 }; }, `${f0}[1][1]`, /pair/],
    ["uid equal to n", (f) => { inp(f)[m][2] = [[4, 100]]; }, `${f0}[2][0][0]`, /0\.\.4/],
    ["uid 65535 (>= n)", (f) => { inp(f)[m][0][1][0] = 65535; }, `${f0}[0][1][0]`],
    ["negative uid", (f) => { inp(f)[m][1][0][0] = -1; }, `${f0}[1][0][0]`],
    ["fractional uid", (f) => { inp(f)[m][1][0][0] = 1.5; }, `${f0}[1][0][0]`],
    ["string uid", (f) => { inp(f)[m][0][0][0] = "2"; }, `${f0}[0][0][0]`],
    ["duplicate uid in a row", (f) => { inp(f)[m][0].push([2, 7]); }, `${f0}[0][2][0]`, /twice/],
    ["duplicate uid, both explicit zeros", (f) => { inp(f)[m][3] = [[1, 0], [0, 0], [1, 0]]; }, `${f0}[3][2][0]`, /twice/],
    ["value above u16", (f) => { inp(f)[m][0][1][1] = 65536; }, `${f0}[0][1][1]`],
    ["negative value", (f) => { inp(f)[m][1][1][1] = -1; }, `${f0}[1][1][1]`],
    ["fractional value", (f) => { inp(f)[m][1][0][1] = 0.5; }, `${f0}[1][0][1]`],
    ["string value", (f) => { inp(f)[m][0][0][1] = "65535"; }, `${f0}[0][0][1]`],
    ["null value", (f) => { inp(f)[m][0][0][1] = null; }, `${f0}[0][0][1]`],
  ]);
}

describe("arrays with holes (library callers)", () => {
  // map, forEach and reduce skip holes: a check written with them passed [, 65535].
  it("requireArray and requireNoHoles refuse a hole naming its index; dense arrays and explicit undefined pass", () => {
    const deleted = [1, 2, 3];
    delete deleted[2];
    for (const [a, k] of [[[, 1], 0], [new Array(3), 0], [[1, , 3], 1], [deleted, 2]] as Array<[unknown[], number]>) {
      const e = inputError(() => requireArray(a, "x"));
      expect(e.field).toBe(`x[${k}]`);
      expect(e.rule).toBe("must be given, got a hole (a missing entry of a sparse array)");
      expect(inputError(() => requireNoHoles(a, "y")).field).toBe(`y[${k}]`);
    }
    expect(requireArray([1, undefined, 3], "x")).toEqual([1, undefined, 3]); // left to the entry's own check
    expect(() => requireNoHoles([], "x")).not.toThrow();
    expect(() => requireNoHoles([0, null, "a"], "x")).not.toThrow();
  });
});

describe("valid boundary values are accepted", () => {
  const ok = (mutate: (f: Fx) => void) => {
    const f = structuredClone(BASE) as Fx;
    mutate(f);
    const out = runEpoch(f.params, f.inputs);
    expect(out.emission.length).toBe(f.params.n);
    return out;
  };
  it("stake total 2^63 − 1, as strings, bigints and safe numbers", () => {
    ok((f) => { inp(f).stake = ["9223372036854775806", "1", "0", "0"]; });
    ok((f) => { inp(f).stake = [(1n << 63n) - 2n, 1n, 0n, 0n]; });
    ok((f) => { inp(f).stake = [600000000000, 400000000000, 0, 0]; });
  });
  it("u64 extremes for blocks and rao; bma 0 and 1e6; equal alphas; i16 steepness extremes", () => {
    ok((f) => { p(f).currentBlock = "18446744073709551615"; p(f).activityCutoff = 18446744073709551615n; });
    ok((f) => { p(f).lastMechanismStepBlock = "18446744073709551615"; p(f).raoEmission = "18446744073709551615"; });
    ok((f) => { p(f).stakeThreshold = "18446744073709551615"; });
    ok((f) => { p(f).bondsMovingAverage = 1_000_000; });
    ok((f) => { p(f).bondsMovingAverage = "0"; });
    ok((f) => { p(f).alphaLow = 100; p(f).alphaHigh = 100; });
    ok((f) => { p(f).alphaSigmoidSteepness = -32768; p(f).yuma3 = true; p(f).liquidAlpha = true; });
    ok((f) => { p(f).alphaSigmoidSteepness = 32767; p(f).yuma3 = true; p(f).liquidAlpha = true; });
    ok((f) => { p(f).tempo = 65535; p(f).kappa = 65535; p(f).maxAllowedValidators = 0; });
  });
  it("lastUpdate shorter than n (even empty), commitBlocks all null or null, uid 0 owner", () => {
    ok((f) => { inp(f).lastUpdate = []; });
    ok((f) => { inp(f).lastUpdate = [999990]; });
    ok((f) => { p(f).commitBlocks = [null, null, null, null]; });
    ok((f) => { p(f).commitBlocks = null; });
    ok((f) => { p(f).ownerUid = 0; });
    ok((f) => { p(f).commitBlocks = ["18446744073709551615", 0, 1n, null]; });
  });
  it("the same uid in different rows, explicit zero values, unsorted rows, max u16 values", () => {
    ok((f) => { inp(f).weights = [[[3, 0], [2, 65535]], [[2, 0]], [[2, 1]], [[0, 65535], [1, 0], [3, 5], [2, 9]]]; });
    ok((f) => { inp(f).bonds = [[[3, 65535], [0, 0]], [[3, 1]], [], [[2, 65535]]]; });
  });
  it("n = 0 with empty arrays", () => {
    const out = runEpoch({ ...BASE.params, n: 0, commitBlocks: [] },
      { stake: [], lastUpdate: [], blockAtRegistration: [], validatorPermit: [], weights: [], bonds: [] });
    expect(out.emission).toEqual([]);
  });
  it("encodeEpoch accepts the fixtures and refuses what runEpoch refuses", () => {
    expect(encodeEpoch(BASE.params, BASE.inputs).n).toBe(4);
    const e = inputError(() => encodeEpoch({ ...BASE.params, kappa: -1 }, BASE.inputs));
    expect(e.field).toBe("params.kappa");
  });
});

// ------------------------------------------------------------------ trajectories

type Traj = { params: any; inputs: any; epochs: any[] };
const ep = (t: Traj, k: number) => t.epochs[k]!;

/** `mutate` edits the trajectory in place, or returns a replacement document. */
function trajCases(title: string, cases: Array<[string, (t: Traj) => unknown, string, RegExp?]>) {
  describe(title, () => {
    for (const [what, mutate, field, rule] of cases) {
      it(`${field}: ${what}`, () => {
        const t = structuredClone(TRAJ) as Traj;
        const replaced = mutate(t);
        const doc = replaced === undefined ? t : replaced;
        const e = inputError(() => runTrajectory(doc as Traj));
        expect({ field: e.field }).toEqual({ field });
        if (rule) expect(e.rule).toMatch(rule);
      });
    }
  });
}

describe("runTrajectory: valid base", () => {
  it("the base trajectory is valid and reproduces its expected outputs", () => {
    const outs = runTrajectory(TRAJ).map(outputsToJson);
    expect(outs).toEqual(TRAJ.epochs.map((e: any) => e.expected));
  });
});

trajCases("runTrajectory: document shape", [
  ["trajectory is null", () => null, "trajectory", /object/],
  ["trajectory is an array", (t) => [t], "trajectory", /object/],
  ["epochs missing", (t) => { delete (t as any).epochs; }, "epochs", /array/],
  ["epochs is an object", (t) => { (t as any).epochs = { 0: {} }; }, "epochs", /array/],
  ["an epoch is null", (t) => { t.epochs[1] = null as any; }, "epochs[1]", /object/],
  ["an epoch is a number", (t) => { t.epochs[3] = 5 as any; }, "epochs[3]", /object/],
  ["invalid base params", (t) => { t.params.kappa = 65536; }, "params.kappa"],
  ["invalid base inputs", (t) => { t.inputs.stake[4] = "-1"; }, "inputs.stake[4]"],
]);

trajCases("runTrajectory: per-epoch overrides", [
  ["currentBlock missing", (t) => { delete ep(t, 1).currentBlock; }, "epochs[1].currentBlock", /required/],
  ["currentBlock negative", (t) => { ep(t, 0).currentBlock = -1; }, "epochs[0].currentBlock"],
  ["currentBlock malformed", (t) => { ep(t, 2).currentBlock = "3000200.0"; }, "epochs[2].currentBlock", /decimal/],
  ["lastMechanismStepBlock negative", (t) => { ep(t, 2).lastMechanismStepBlock = -5; }, "epochs[2].lastMechanismStepBlock"],
  ["lastMechanismStepBlock null", (t) => { ep(t, 1).lastMechanismStepBlock = null; }, "epochs[1].lastMechanismStepBlock"],
  ["raoEmission fractional", (t) => { ep(t, 0).raoEmission = "1.5"; }, "epochs[0].raoEmission", /decimal/],
  ["raoEmission unsafe number", (t) => { ep(t, 4).raoEmission = 2 ** 60; }, "epochs[4].raoEmission"],
  ["raoEmission negative", (t) => { ep(t, 4).raoEmission = -1; }, "epochs[4].raoEmission"],
  ["stake wrong length", (t) => { ep(t, 1).stake = ["1", "2", "3", "4"]; }, "epochs[1].stake", /length 5/],
  ["stake malformed entry", (t) => { ep(t, 1).stake = ["1", "2", "-3", "4", "5"]; }, "epochs[1].stake[2]", /decimal/],
  ["stake total >= 2^63", (t) => { ep(t, 1).stake = ["9223372036854775807", "1", "0", "0", "0"]; }, "epochs[1].stake", /2\^63/],
  ["lastUpdate longer than n", (t) => { ep(t, 1).lastUpdate = [1, 2, 3, 4, 5, 6]; }, "epochs[1].lastUpdate", /at most 5/],
  ["lastUpdate not an array", (t) => { ep(t, 1).lastUpdate = "3000097"; }, "epochs[1].lastUpdate", /array/],
  ["lastUpdate malformed entry", (t) => { ep(t, 1).lastUpdate[3] = "x"; }, "epochs[1].lastUpdate[3]"],
  ["blockAtRegistration wrong length", (t) => { ep(t, 1).blockAtRegistration = [1, 2, 3, 4]; }, "epochs[1].blockAtRegistration", /length 5/],
  ["blockAtRegistration negative entry", (t) => { ep(t, 1).blockAtRegistration = [-1, 0, 0, 0, 0]; }, "epochs[1].blockAtRegistration[0]"],
  ["weights uid >= n", (t) => { ep(t, 1).weights[0][0][0] = 5; }, "epochs[1].weights[0][0][0]"],
  ["weights duplicate uid", (t) => { ep(t, 1).weights[2].push([3, 1]); }, "epochs[1].weights[2][2][0]", /twice/],
  ["weights value above u16", (t) => { ep(t, 1).weights[0][1][1] = 70000; }, "epochs[1].weights[0][1][1]"],
  ["weights wrong row count", (t) => { ep(t, 1).weights.pop(); }, "epochs[1].weights", /length 5/],
  ["commitBlocks wrong length", (t) => { ep(t, 1).commitBlocks = [null, null, null, null]; }, "epochs[1].commitBlocks", /length 5/],
  ["commitBlocks a boolean", (t) => { ep(t, 1).commitBlocks = true; }, "epochs[1].commitBlocks", /array/],
  ["commitBlocks negative entry", (t) => { ep(t, 1).commitBlocks = [null, null, -1, null, null]; }, "epochs[1].commitBlocks[2]"],
  ["a late epoch (after valid ones ran)", (t) => { ep(t, 9).weights = [[], [], [], [], [[4, 65536]]]; }, "epochs[9].weights[4][0][1]"],
]);

describe("runTrajectory: valid overrides are accepted", () => {
  it("stake, blockAtRegistration, commitBlocks (on and off again), raoEmission, short lastUpdate", () => {
    const t = structuredClone(TRAJ) as Traj;
    ep(t, 1).stake = ["1", "2", "3", "4", 5n];
    ep(t, 1).blockAtRegistration = [0, 0, 0, 0, 0];
    ep(t, 2).commitBlocks = [null, 1, "2", null, 3000000];
    ep(t, 3).commitBlocks = null;
    ep(t, 4).raoEmission = "0";
    ep(t, 5).lastUpdate = [];
    ep(t, 6).lastMechanismStepBlock = 0;
    const outs = runTrajectory(t);
    expect(outs.length).toBe(t.epochs.length);
    const raoOf = (k: number) => outs[k]!.emission.reduce((a, b) => a + b, 0n);
    expect(raoOf(4)).toBe(0n);
  });
});

describe("the shared engine is unaffected by refused inputs", () => {
  it("after many refusals (some mid-trajectory) a fixture still reproduces exactly", () => {
    for (let k = 0; k < 10; k++) {
      const t = structuredClone(TRAJ) as Traj;
      ep(t, k).weights = [[[9, 1]], [], [], [], []];
      inputError(() => runTrajectory(t));
      inputError(() => runEpoch({ ...BASE.params, n: 4.5 }, BASE.inputs));
    }
    expect(outputsToJson(runEpoch(BASE.params, BASE.inputs))).toEqual(BASE.expected);
    expect(runTrajectory(TRAJ).map(outputsToJson)).toEqual(TRAJ.epochs.map((e: any) => e.expected));
  });
});
