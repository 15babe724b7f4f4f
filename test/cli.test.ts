// The `yuma epoch` command, run as a real process on the built dist/cli.js (`npm test` builds
// it first; when iterating: `npm run build` once, then `npx vitest run test/cli.test.ts`).
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { slots } from "./helpers/slots.js";

const root = join(__dirname, "..");
const CLI = join(root, "dist", "cli.js");
const dir = join(__dirname, "fixtures", "epoch");
const files = readdirSync(dir).filter((f) => f.endsWith(".json")).sort();
const fixture = (f: string) => JSON.parse(readFileSync(join(dir, f), "utf8"));

interface Run { code: number | null; stdout: string; stderr: string }

// A small process pool: each fixture costs one node start-up (~0.1 s), so run a few at once.
const LIMIT = Math.max(2, Math.min(4, availableParallelism()));
const slot = slots(LIMIT);

function yuma(args: string[], stdin?: string): Promise<Run> {
  return slot(() => new Promise<Run>((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: root, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "", stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d) => { stdout += d; });
    child.stderr.setEncoding("utf8").on("data", (d) => { stderr += d; });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.on("error", () => {}); // the CLI may exit before reading stdin
    child.stdin.end(stdin ?? "");
  }));
}

/** Exit code 2, nothing on stdout, exactly one stderr line starting `yuma: `. */
function expectInputFailure(r: Run, mentions?: string | RegExp) {
  expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 2, stdout: "" });
  expect(r.stderr).toMatch(/^yuma: [^\n]+\n$/);
  if (mentions) expect(r.stderr).toMatch(mentions);
}

const tmp = mkdtempSync(join(tmpdir(), "yuma-cli-test-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let tmpCount = 0;
function tmpFile(content: unknown): string {
  const p = join(tmp, `case-${tmpCount++}.json`);
  writeFileSync(p, typeof content === "string" ? content : JSON.stringify(content));
  return p;
}

/** The expected outputs of a fixture, as the CLI prints them (without --trace). */
function expectedBody(fx: any) {
  return fx.kind === "epoch" ? fx.expected : { epochs: fx.epochs.map((e: any) => e.expected) };
}

it("dist/cli.js is built (npm test builds it; else run `npm run build`)", () => {
  expect(existsSync(CLI)).toBe(true);
});

describe.concurrent("every golden fixture passes `yuma epoch FILE --check`", () => {
  for (const f of files) {
    it(f, async ({ expect }) => {
      const r = await yuma(["epoch", join(dir, f), "--check"]);
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
      const fx = fixture(f);
      const epochs = fx.kind === "epoch" ? 1 : fx.epochs.length;
      expect(r.stdout).toMatch(new RegExp(`^ok: ${epochs} epochs?\\b[^\\n]*\\n$`));
    });
  }
});

// Every fixture that carries a trace (the larger random ones have none; --check covers them).
const traced = files.filter((f) => { const fx = fixture(f); return fx.trace || fx.epochs?.some((e: any) => e.trace); });

describe.concurrent("`yuma epoch FILE --trace` prints the expected outputs and the fixture's trace", () => {
  it("most fixtures carry a trace", ({ expect }) => {
    expect(traced.length).toBeGreaterThan(40);
  });
  for (const f of traced) {
    it(f, async ({ expect }) => {
      const fx = fixture(f);
      const r = await yuma(["epoch", join(dir, f), "--trace"]);
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
      expect(r.stdout.endsWith("}\n")).toBe(true);
      const out = JSON.parse(r.stdout);
      const split = (o: any) => { const { trace, ...rest } = o; return { rest, trace }; };
      if (fx.kind === "epoch") {
        const { rest, trace } = split(out);
        expect(Object.keys(rest)).toEqual(Object.keys(fx.expected));
        expect(rest).toEqual(fx.expected);
        expect(Object.keys(trace)).toEqual(["stake", "activeStake", "weights", "consensus", "validatorTrust", "incentive", "dividends", "emaBonds"]);
        if (fx.trace) expect(trace).toEqual(fx.trace);
      } else {
        expect(Object.keys(out)).toEqual(["epochs"]);
        expect(out.epochs.length).toBe(fx.epochs.length);
        fx.epochs.forEach((ep: any, k: number) => {
          const { rest, trace } = split(out.epochs[k]);
          expect({ epoch: k, keys: Object.keys(rest) }).toEqual({ epoch: k, keys: Object.keys(ep.expected) });
          expect({ epoch: k, ...rest }).toEqual({ epoch: k, ...ep.expected });
          if (ep.trace) expect({ epoch: k, trace }).toEqual({ epoch: k, trace: ep.trace });
        });
      }
    });
  }
});

describe.concurrent("plain output, stdin", () => {
  const sample = ["tiny-n0-empty.json", "tiny-n4-commit-reveal.json", "rand-n1024-yuma3-liquid-sparse.json",
    "traj-kappa-moves-first-yuma3-liquid.json", "traj-random-n64-yuma3.json"];
  for (const f of sample) {
    it(`${f}: stdout is exactly the expected JSON (same keys, same order, no trace)`, async ({ expect }) => {
      const fx = fixture(f);
      const r = await yuma(["epoch", join(dir, f)]);
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
      const out = JSON.parse(r.stdout);
      expect(out).toEqual(expectedBody(fx));
      expect(JSON.stringify(out)).toBe(JSON.stringify(expectedBody(fx))); // key order too
      expect(r.stdout.split("\n").length).toBe(2); // one line + final newline
    });
  }
  it("`yuma epoch -` reads an epoch from stdin", async ({ expect }) => {
    const f = "tiny-n4-owner-miner.json";
    const r = await yuma(["epoch", "-"], readFileSync(join(dir, f), "utf8"));
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
    expect(JSON.parse(r.stdout)).toEqual(fixture(f).expected);
  });
  it("`yuma epoch - --check --trace` reads a trajectory from stdin", async ({ expect }) => {
    const f = "traj-one-epoch-switch.json";
    const r = await yuma(["epoch", "-", "--check", "--trace"], readFileSync(join(dir, f), "utf8"));
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
    expect(r.stdout).toMatch(/^ok: 10 epochs/);
  });
  it("`yuma epoch - --trace` on stdin prints the trace", async ({ expect }) => {
    const fx = fixture("tiny-n2-yuma3-liquid.json");
    const r = await yuma(["epoch", "--trace", "-"], JSON.stringify(fx));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).trace).toEqual(fx.trace);
  });
  it("a file without a format header is accepted (format is optional)", async ({ expect }) => {
    const { format: _f, ...fx } = fixture("tiny-n2-yuma2.json");
    const r = await yuma(["epoch", tmpFile(fx), "--check"]);
    expect(r.code).toBe(0);
  });
});

describe.concurrent("--check reports mismatches (exit 1, names the field and uid)", () => {
  const base = "tiny-n4-commit-reveal.json";
  // expected.incentive is [0,0,65535,0], validatorEmission ["390724846","109275152","0","0"],
  // bonds [[[2,65535]],[[2,18328]],[],[]] in that fixture
  const cases: Array<[string, (fx: any) => void, RegExp]> = [
    ["a u16 value", (fx) => { fx.expected.incentive[2] = 65534; }, /\bincentive\b.*\buid 2\b/],
    ["a rao decimal string", (fx) => { fx.expected.validatorEmission[1] = "109275153"; }, /\bvalidatorEmission\b.*\buid 1\b/],
    ["a boolean", (fx) => { fx.expected.newValidatorPermit[3] = true; }, /\bnewValidatorPermit\b.*\buid 3\b/],
    ["a bond row", (fx) => { fx.expected.bonds[1] = [[2, 18329]]; }, /\bbonds\b.*\buid 1\b/],
    ["an extra entry", (fx) => { fx.expected.active.push(true); }, /\bactive\b.*\buid 4\b/],
  ];
  for (const [what, alter, line] of cases) {
    it(what, async ({ expect }) => {
      const fx = fixture(base);
      alter(fx);
      const r = await yuma(["epoch", tmpFile(fx), "--check"]);
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 1, stderr: "" });
      const lines = r.stdout.trimEnd().split("\n");
      const hits = lines.filter((l) => line.test(l));
      expect(hits.length).toBe(1);
      // only the altered field is reported, and the result is not "ok"
      const others = lines.filter((l) => /uid \d+/.test(l) && !line.test(l));
      expect(others).toEqual([]);
      expect(r.stdout).not.toMatch(/^ok:/m);
    });
  }
  it("a missing expected field", async ({ expect }) => {
    const fx = fixture(base);
    delete fx.expected.consensus;
    const r = await yuma(["epoch", tmpFile(fx), "--check"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/\bconsensus\b/);
  });
  it("a trajectory epoch: names the epoch, the field and the uid", async ({ expect }) => {
    const fx = fixture("traj-kappa-moves-last-yuma2.json");
    fx.epochs[3].expected.dividends[0] = fx.epochs[3].expected.dividends[0] === 0 ? 1 : 0;
    const r = await yuma(["epoch", tmpFile(fx), "--check"]);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 1, stderr: "" });
    const hits = r.stdout.split("\n").filter((l) => /\bepoch 3\b.*\bdividends\b.*\buid 0\b/.test(l));
    expect(hits.length).toBe(1);
    expect(r.stdout.split("\n").filter((l) => /uid \d+/.test(l)).length).toBe(1);
  });
  it("without --check, a wrong expected value is ignored (exit 0)", async ({ expect }) => {
    const fx = fixture(base);
    fx.expected.incentive[2] = 1;
    const r = await yuma(["epoch", tmpFile(fx)]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).incentive[2]).toBe(65535);
  });
});

describe.concurrent("bad input: exit 2, one stderr line `yuma: ...`", () => {
  const good = () => fixture("tiny-n4-commit-reveal.json");
  it("missing file", async () => {
    expectInputFailure(await yuma(["epoch", join(tmp, "does-not-exist.json")]), /does-not-exist\.json/);
  });
  it("missing file with --check", async () => {
    expectInputFailure(await yuma(["epoch", join(tmp, "does-not-exist.json"), "--check"]));
  });
  it("a directory instead of a file", async () => {
    expectInputFailure(await yuma(["epoch", tmp]));
  });
  it("invalid JSON in a file", async () => {
    expectInputFailure(await yuma(["epoch", tmpFile('{"format": "yuma-epoch-fixture/1", "kind": ')]), /JSON/);
  });
  it("invalid JSON on stdin", async () => {
    expectInputFailure(await yuma(["epoch", "-"], "{ not json"), /JSON/);
  });
  it("empty stdin", async () => {
    expectInputFailure(await yuma(["epoch", "-"], ""));
  });
  it("JSON that is not an object", async () => {
    expectInputFailure(await yuma(["epoch", tmpFile("[1, 2, 3]")]));
  });
  it("unknown format", async () => {
    expectInputFailure(await yuma(["epoch", tmpFile({ ...good(), format: "yuma-epoch-fixture/2" })]), /format/);
  });
  it("the block-emission format", async () => {
    const fx = JSON.parse(readFileSync(join(__dirname, "fixtures", "emission", "block_emission.json"), "utf8"));
    expectInputFailure(await yuma(["epoch", tmpFile(fx)]));
  });
  it("bad kind", async () => {
    expectInputFailure(await yuma(["epoch", tmpFile({ ...good(), kind: "epochs" })]), /kind/);
  });
  it("missing kind", async () => {
    const { kind: _k, ...fx } = good();
    expectInputFailure(await yuma(["epoch", tmpFile(fx)]), /kind/);
  });
  it("invalid parameter", async () => {
    const fx = good();
    fx.params.kappa = 70000;
    expectInputFailure(await yuma(["epoch", tmpFile(fx)]), /params\.kappa/);
  });
  it("invalid parameter with --check (validation comes first)", async () => {
    const fx = good();
    fx.params.bondsMovingAverage = 1000001;
    expectInputFailure(await yuma(["epoch", tmpFile(fx), "--check"]), /params\.bondsMovingAverage/);
  });
  it("invalid sparse entry", async () => {
    const fx = good();
    fx.inputs.weights[2] = [[70000, 1]];
    expectInputFailure(await yuma(["epoch", tmpFile(fx)]), /inputs\.weights\[2\]\[0\]\[0\]/);
  });
  it("weight and bond entries with uid >= n are ignored, as FORMAT.md specifies", async () => {
    const fx = good();
    const n = fx.params.n;
    fx.inputs.weights[2] = [...fx.inputs.weights[2], [n, 1], [n + 9, 65535]];
    fx.inputs.bonds[0] = [...fx.inputs.bonds[0], [n + 1, 777]];
    const r = await yuma(["epoch", tmpFile(fx), "--check"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ok:/);
  });
  it("invalid stake string on stdin", async () => {
    const fx = good();
    fx.inputs.stake[1] = "4e11";
    expectInputFailure(await yuma(["epoch", "-"], JSON.stringify(fx)), /inputs\.stake\[1\]/);
  });
  it("missing params", async () => {
    const { params: _p, ...fx } = good();
    expectInputFailure(await yuma(["epoch", tmpFile(fx)]), /params/);
  });
  it("invalid trajectory override", async () => {
    const fx = fixture("traj-one-epoch-switch.json");
    delete fx.epochs[1].currentBlock;
    expectInputFailure(await yuma(["epoch", tmpFile(fx)]), /epochs\[1\]\.currentBlock/);
  });
  it("trajectory without epochs", async () => {
    const { epochs: _e, ...fx } = fixture("traj-one-epoch-switch.json");
    expectInputFailure(await yuma(["epoch", tmpFile(fx)]), /epochs/);
  });
  it("unknown option", async () => {
    expectInputFailure(await yuma(["epoch", join(dir, "tiny-n0-empty.json"), "--bogus"]), /bogus/);
  });
  it("no FILE argument (usage error: exit 2, first line `yuma: `)", async () => {
    const r = await yuma(["epoch"]);
    expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 2, stdout: "" });
    expect(r.stderr).toMatch(/^yuma: /);
  });
  it("two FILE arguments (usage error)", async () => {
    const f = join(dir, "tiny-n0-empty.json");
    const r = await yuma(["epoch", f, f]);
    expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 2, stdout: "" });
    expect(r.stderr).toMatch(/^yuma: /);
  });
});
