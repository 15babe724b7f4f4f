// Object keys from JSON, through the library: every Object.prototype name used as a key
// (`valueOf`, `__proto__`, `toString`, `constructor`…) is an unknown field where the input
// has a fixed set of fields (epoch params/inputs, trajectory epochs, research params, network
// config, scenario and sweep options) — refused with a YumaInputError naming it, never a
// crash and never silently accepted — and is ignored where docs/research.md says extra fields
// are ignored (research input top level and epochs), without standing in for a known field.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { inputError } from "./helpers/errors.js";
import { type EpochParams,
  DEFAULT_RESEARCH_PARAMS, findScenario, resolveConfig, runEpoch, runResearch, runScenario, runSweep, runTrajectory,
  YumaInputError, type ResearchInput, type ScenarioSpec,
} from "../src/index.js";

/** Every own property name of Object.prototype: __proto__, constructor, valueOf, toString, … */
const PROTO_NAMES = Object.getOwnPropertyNames(Object.prototype);

const dir = join(__dirname, "fixtures", "epoch");
const load = (name: string) => JSON.parse(readFileSync(join(dir, `${name}.json`), "utf8"));
const EPOCH = load("tiny-n4-commit-reveal");
const TRAJ = load("traj-one-epoch-switch");

/** `o` with an own enumerable property `key` (works for "__proto__" too, as JSON.parse does). */
function withKey<T extends object>(o: T, key: string, value: unknown): T {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
  return o;
}

async function inputErrorAsync(fn: () => Promise<unknown>): Promise<YumaInputError> {
  try {
    await fn();
  } catch (e) {
    if (!(e instanceof YumaInputError)) throw new Error(`expected a YumaInputError, got ${String(e)}`);
    return e;
  }
  throw new Error("expected a YumaInputError, got a result");
}

it("the names under test include the ones the issue reported", () => {
  for (const k of ["valueOf", "__proto__", "hasOwnProperty", "toLocaleString", "__defineGetter__", "toString", "constructor", "isPrototypeOf"]) {
    expect(PROTO_NAMES).toContain(k);
  }
});

describe.each(PROTO_NAMES)("key %s", (key) => {
  // Values that a prototype member would mishandle: a number, null, a string.
  for (const value of [1, null, "x"]) {
    it(`epoch params / inputs refuse it (value ${JSON.stringify(value)})`, () => {
      const p = withKey(structuredClone(EPOCH.params), key, value);
      let e = inputError(() => runEpoch(p, EPOCH.inputs));
      expect([e.field, e.rule]).toEqual([`params.${key}`, expect.stringMatching(/^unknown field/)]);
      const inp = withKey(structuredClone(EPOCH.inputs), key, value);
      e = inputError(() => runEpoch(EPOCH.params, inp));
      expect([e.field, e.rule]).toEqual([`inputs.${key}`, expect.stringMatching(/^unknown field/)]);
    });
  }

  it("trajectory epochs and the trajectory's top level refuse it", () => {
    const t = structuredClone(TRAJ);
    withKey(t.epochs[1], key, 1);
    expect(inputError(() => runTrajectory(t)).field).toBe(`epochs[1].${key}`);
    const top = withKey(structuredClone(TRAJ), key, 1);
    expect(inputError(() => runTrajectory(top)).field).toBe(`trajectory.${key}`);
  });

  it("research params refuse it (also with null, which means 'default' for a real parameter)", () => {
    for (const value of [1, null, true, "current"]) {
      const doc = { format: "yuma-research-input/1", version: "YUMA3", params: withKey({ kappa: 0.5 }, key, value), epochs: [{ W: [[1, 0]], S: [1] }] };
      const e = inputError(() => runResearch(doc as unknown as ResearchInput));
      expect([e.field, e.rule]).toEqual([`params.${key}`, expect.stringMatching(/^unknown parameter/)]);
    }
  });

  it("research top level and epochs ignore it as an extra field, as documented", () => {
    const plain = { format: "yuma-research-input/1", version: "YUMA3", epochs: [{ W: [[1, 0], [0, 1]], S: [3, 1] }] };
    const want = runResearch(plain as ResearchInput);
    const doc = withKey(structuredClone(plain), key, { version: "YUMA1", params: { kappa: 0.9 } });
    withKey(doc.epochs[0]!, key, { W: [[0, 1], [1, 0]] });
    expect(runResearch(doc as ResearchInput)).toEqual(want);
  });

  it("network config refuses it at every level", () => {
    const cases: Array<[unknown, string]> = [
      [withKey({ subnets: 1 }, key, 1), `config.${key}`],
      [{ subnets: 1, defaults: withKey({}, key, 1) }, `config.defaults.${key}`],
      [{ subnets: [withKey({ netuid: 1 }, key, 1)] }, `config.subnets[0].${key}`],
      [{ subnets: 1, defaults: { policies: withKey({ lazy: 1 }, key, 1) } }, `config.subnets[0].policies.${key}`],
    ];
    for (const [config, field] of cases) expect(inputError(() => resolveConfig(config)).field).toBe(field);
  });

  it("scenario and sweep options refuse it", async () => {
    const s = findScenario("case1") as ScenarioSpec;
    let e = inputError(() => runScenario(s, ["YUMA3"], { params: withKey({}, key, 0.5) as never }));
    expect([e.field, e.rule]).toEqual([`params.${key}`, expect.stringMatching(/^unknown parameter/)]);
    e = inputError(() => runScenario(s, ["YUMA3"], withKey({}, key, 1)));
    expect(e.field).toBe(`options.${key}`);
    const spec = { scenario: s, versions: ["YUMA3" as const], axes: [], metric: { kind: "total" as const, validator: 0 } };
    const batch = async () => { throw new Error("must not run"); };
    e = await inputErrorAsync(() => runSweep({ ...spec, params: withKey({}, key, 0.5) as never }, { batch }));
    expect(e.field).toBe(`spec.params.${key}`);
    e = await inputErrorAsync(() => runSweep(withKey({ ...spec }, key, 1), { batch }));
    expect(e.field).toBe(`spec.${key}`);
  });
});

describe("own properties only", () => {
  it("an inherited field does not stand in for a missing one", () => {
    const params = Object.create(structuredClone(EPOCH.params)) as EpochParams; // every field inherited
    expect(inputError(() => runEpoch(params, EPOCH.inputs)).field).toBe("params.n");
    const doc = Object.create({ format: "yuma-research-input/1", version: "YUMA3", epochs: [] }) as object;
    expect(inputError(() => runResearch(doc as ResearchInput)).field).toBe("format");
  });

  it("research params still accept every real parameter, and null still means the default", () => {
    const doc = (params: object) => ({ format: "yuma-research-input/1", version: "YUMA2", params, epochs: [{ W: [[1, 0], [0, 1]], S: [3, 1] }] }) as ResearchInput;
    expect(runResearch(doc({ ...DEFAULT_RESEARCH_PARAMS }))).toEqual(runResearch(doc({})));
    expect(runResearch(doc({ kappa: null }))).toEqual(runResearch(doc({})));
  });

  it("unknown keys are named in the error, and typos in options are caught", () => {
    const p = { ...EPOCH.params, tempoo: 3 };
    const e = inputError(() => runEpoch(p, EPOCH.inputs));
    expect(e.field).toBe("params.tempoo");
    expect(e.rule).toMatch(/known: n, currentBlock/);
    const s = findScenario("case1") as ScenarioSpec;
    expect(inputError(() => runScenario(s, ["YUMA3"], { engin: "exact" } as never)).field).toBe("options.engin");
    expect(inputError(() => runScenario(s, ["YUMA3"], { engine: "exakt" as never })).field).toBe("options.engine");
  });

  it("fixture files still run: header, expected and trace are accepted at the top level and in epochs", () => {
    expect(() => runTrajectory(TRAJ)).not.toThrow();
    expect(TRAJ.epochs[0].expected).toBeDefined();
  });
});
