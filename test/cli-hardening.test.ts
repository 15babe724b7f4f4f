// CLI hardening, end to end on the built dist/cli.js (`npm run build` first): prototype-named
// keys, deep and huge JSON, conveniences (--version, help, did-you-mean, negative numbers,
// progress ETA, simulate --json extras), EPIPE and Ctrl-C.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { slots } from "./helpers/slots.js";
import { COMMANDS } from "../src/cli/commands.js";
import { etaText } from "../src/cli/simulate.js";
import { closest } from "../src/cli/util.js";

const root = join(__dirname, "..");
const CLI = join(root, "dist", "cli.js");
const PROTO_NAMES = Object.getOwnPropertyNames(Object.prototype);
const SHOW_CURSOR = "\x1b[?25h", HIDE_CURSOR = "\x1b[?25l";

interface Run { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }
interface RunOptions {
  stdin?: string;
  /** Close our end of the child's stdout: "now" (before any output) or "first" (after the first chunk). */
  closeStdout?: "now" | "first";
  /** Called with the child and the stderr so far whenever stderr grows. */
  onStderr?: (child: ReturnType<typeof spawn>, stderr: string) => void;
}

// At most 2 processes at a time (the machine is shared).
const slot = slots(2);

function yuma(args: string[], opts: RunOptions = {}): Promise<Run> {
  return slot(() => new Promise<Run>((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: root, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "", stderr = "";
    if (opts.closeStdout === "now") child.stdout.destroy();
    else {
      child.stdout.setEncoding("utf8").on("data", (d) => {
        stdout += d;
        if (opts.closeStdout === "first") child.stdout.destroy();
      });
    }
    child.stderr.setEncoding("utf8").on("data", (d) => {
      stderr += d;
      opts.onStderr?.(child, stderr);
    });
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
    child.stdin.on("error", () => {});
    child.stdin.end(opts.stdin ?? "");
  }));
}

/** Exit code 2, nothing on stdout, exactly one short stderr line starting `yuma: `. */
function expectOneLineFailure(r: Run, mentions?: string | RegExp, maxLength = 700) {
  expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 2, stdout: "" });
  expect(r.stderr).toMatch(/^yuma: [^\n]+\n$/);
  expect(r.stderr.length).toBeLessThan(maxLength);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  if (mentions) expect(r.stderr).toMatch(mentions);
}

const tmp = mkdtempSync(join(tmpdir(), "yuma-cli-hardening-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let count = 0;
function file(content: unknown): string {
  const p = join(tmp, `f${count++}.json`);
  writeFileSync(p, typeof content === "string" ? content : JSON.stringify(content));
  return p;
}
const fixturePath = (name: string) => join(__dirname, "fixtures", "epoch", `${name}.json`);
const fixture = (name: string) => JSON.parse(readFileSync(fixturePath(name), "utf8"));
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** JSON text of `o` with `"KEY": value` added to the object at `path` (keeps "__proto__" as a plain key). */
function jsonWithKey(o: Record<string, unknown>, path: string[], key: string, value: unknown): string {
  const marker = "__yuma_marker__";
  let at = o;
  for (const p of path) at = at[p] as Record<string, unknown>;
  at[marker] = value;
  return JSON.stringify(o).replace(JSON.stringify(marker), JSON.stringify(key));
}
const RESEARCH = { format: "yuma-research-input/1", version: "YUMA3", params: { kappa: 0.5 }, epochs: [{ W: [[1, 0], [0, 1]], S: [3, 1] }] };

describe("item 5: Object.prototype names as keys", () => {
  it.each(PROTO_NAMES)("%s: refused in research params, epoch params and simulate config; not a command", async (key) => {
    const r1 = await yuma(["research", file(jsonWithKey(structuredClone(RESEARCH), ["params"], key, 1))]);
    expectOneLineFailure(r1, new RegExp(`params\\.${escape(key)}: unknown parameter`));
    const r2 = await yuma(["epoch", file(jsonWithKey(fixture("tiny-n4-commit-reveal"), ["params"], key, 1))]);
    expectOneLineFailure(r2, new RegExp(`params\\.${escape(key)}: unknown field`));
    const r3 = await yuma(["simulate", "--blocks", "1", "--config", file(jsonWithKey({ subnets: 1, defaults: {} }, ["defaults"], key, 1))]);
    expectOneLineFailure(r3, new RegExp(`config\\.defaults\\.${escape(key)}: unknown field`));
    const r4 = await yuma([key]);
    expectOneLineFailure(r4, /unknown command/);
  });

  it("research: an extra top-level key is ignored (docs/research.md), even a prototype name", async () => {
    const plain = await yuma(["research", file(RESEARCH)]);
    expect(plain.code).toBe(0);
    const extra = await yuma(["research", file(jsonWithKey(structuredClone(RESEARCH), [], "__proto__", { version: "YUMA1" }))]);
    expect(extra).toMatchObject({ code: 0, stdout: plain.stdout });
  });

  it("epoch: unknown top-level, inputs and trajectory-epoch keys are refused; the fixture header is accepted", async () => {
    expectOneLineFailure(await yuma(["epoch", file({ ...fixture("tiny-n4-commit-reveal"), paramz: {} })]), /file\.paramz: unknown field/);
    expectOneLineFailure(await yuma(["epoch", file(jsonWithKey(fixture("tiny-n4-commit-reveal"), ["inputs"], "valueOf", 1))]), /inputs\.valueOf: unknown field/);
    const t = fixture("traj-one-epoch-switch");
    t.epochs[2].curentBlock = 5;
    expectOneLineFailure(await yuma(["epoch", file(t)]), /epochs\[2\]\.curentBlock: unknown field/);
    const ok = await yuma(["epoch", fixturePath("traj-one-epoch-switch"), "--check"]);
    expect(ok.code).toBe(0);
  });

  it("simulate: a config subnet that is not an object is refused (was silently replaced by {})", async () => {
    expectOneLineFailure(await yuma(["simulate", "--blocks", "1", "--config", file({ subnets: [5] })]), /config\.subnets\[0\]: must be an object/);
    expectOneLineFailure(await yuma(["simulate", "--blocks", "1", "--tempo", "3", "--config", file({ defaults: "abc" })]), /config\.defaults: must be an object/);
  });
});

describe("item 6: deep or huge JSON", () => {
  const D = 200_000;
  const deepText = "[".repeat(D) + "]".repeat(D);
  const cases: Array<[string, string[], string]> = [
    ["epoch: deep kind", ["epoch"], `{"kind":${deepText}}`],
    ["epoch: deep format", ["epoch"], `{"format":${deepText},"kind":"epoch"}`],
    ["epoch --check: deep expected", ["epoch", "--check"], JSON.stringify(fixture("tiny-n4-commit-reveal")).replace(/"expected":\{"active":\[/, `"expected":{"active":[${deepText},`)],
    ["research: deep params value", ["research"], JSON.stringify(RESEARCH).replace('"kappa":0.5', `"kappa":${deepText}`)],
    ["research: only brackets", ["research"], deepText],
    ["simulate --config: deep stakeMode", ["simulate", "--blocks", "1", "--config"], `{"subnets":1,"defaults":{"stakeMode":${deepText}}}`],
  ];
  it.each(cases)("%s: exit 2, one line", async (_what, args, text) => {
    const r = await yuma([...args, file(text)]);
    expectOneLineFailure(r, /nested deeper than 100 levels/);
  });

  it("deep JSON on stdin too", async () => {
    expectOneLineFailure(await yuma(["research", "-"], { stdin: deepText }), /stdin: JSON nested deeper than 100 levels/);
    expectOneLineFailure(await yuma(["epoch", "-"], { stdin: deepText }), /stdin: JSON nested deeper/);
  });

  it("nesting inside strings does not count", async () => {
    const r = await yuma(["research", file({ ...RESEARCH, note: "[".repeat(1000) })]);
    expect(r.code).toBe(0);
  });

  const BIG = "x".repeat(50_000_000);
  const bigCases: Array<[string, string[], string]> = [
    ["epoch: kind", ["epoch"], JSON.stringify({ format: "yuma-epoch-fixture/1", kind: BIG })],
    ["epoch: format", ["epoch"], JSON.stringify({ format: BIG, kind: "epoch" })],
    ["epoch: stakeThreshold", ["epoch"], JSON.stringify({ ...fixture("tiny-n4-commit-reveal"), params: { ...fixture("tiny-n4-commit-reveal").params, stakeThreshold: BIG } })],
    ["research: version", ["research"], JSON.stringify({ ...RESEARCH, version: BIG })],
    ["research: unknown key", ["research"], JSON.stringify({ ...RESEARCH, params: { [BIG]: 1 } })],
    ["simulate --config: stakeMode", ["simulate", "--blocks", "1", "--config"], JSON.stringify({ defaults: { stakeMode: BIG } })],
    ["simulate --config: unknown key", ["simulate", "--blocks", "1", "--config"], JSON.stringify({ [BIG]: 1 })],
  ];
  it.each(bigCases)("a 50 MB string (%s) is quoted to ~80 characters", async (_what, args, text) => {
    const r = await yuma([...args, file(text)]);
    expectOneLineFailure(r, /x{80}"… \(50000000 characters\)/);
  });

  it("a mistyped argument of 100 kB is not echoed in full", async () => {
    // (one argument can be at most 128 KiB on Linux)
    expectOneLineFailure(await yuma(["emission", "9".repeat(100_000) + "x"]), /… \(100001 characters\)/);
    expectOneLineFailure(await yuma(["simulate", "--blocks", "9".repeat(100_000)]), /must be in 0\.\.=1000000000, got 9{80}…/);
    expectOneLineFailure(await yuma(["simulate", "--" + "s".repeat(100_000)]), /unknown option --s{78}… \(100002 characters\)/);
  });
});

describe("item 10: conveniences", () => {
  it("--version prints package.json's version", async () => {
    const r = await yuma(["--version"]);
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string };
    expect(r).toMatchObject({ code: 0, stdout: `${pkg.version}\n`, stderr: "" });
  });

  it("help CMD and CMD --help print the same usage, for every command", async () => {
    for (const name of COMMANDS.keys()) {
      const a = await yuma(["help", name]);
      const b = await yuma([name, "--help"]);
      expect({ name, code: a.code }).toEqual({ name, code: 0 });
      expect({ name, code: b.code }).toEqual({ name, code: 0 });
      expect(a.stdout).toBe(b.stdout);
      expect(a.stdout).toMatch(/^usage: yuma /);
    }
    expectOneLineFailure(await yuma(["help", "simulat"]), /unknown command "simulat" \(did you mean simulate\?\)/);
    // `yuma help help` explains help itself and lists the commands.
    const h = await yuma(["help", "help"]);
    expect(h.code).toBe(0);
    expect(h.stdout).toMatch(/^usage: yuma help \[COMMAND\]/);
    for (const name of COMMANDS.keys()) expect(h.stdout).toContain(name);
  });

  it("the top-level help lists every flag of every command, and each command's help its own", async () => {
    const top = (await yuma(["--help"])).stdout;
    expect(top).toMatch(/yuma epoch FILE\|- \[--check\] \[--trace\] \[--table\]/);
    for (const [name, c] of COMMANDS) {
      const own = (await yuma([name, "--help"])).stdout;
      const block = top.slice(top.indexOf(`yuma ${name} `) >= 0 ? top.indexOf(`yuma ${name} `) : top.indexOf(`yuma ${name}\n`));
      const section = block.slice(0, block.search(/\n {6}\S/)); // up to the summary line
      for (const opt of Object.keys(c.options)) {
        if (opt === "help") continue;
        expect({ name, opt, inTop: section.includes(`--${opt}`) }).toEqual({ name, opt, inTop: true });
        expect({ name, opt, inOwn: own.includes(`--${opt}`) }).toEqual({ name, opt, inOwn: true });
      }
    }
  });

  it("mistyped options, commands and scenario names get a suggestion and exit 2", async () => {
    expectOneLineFailure(await yuma(["simulate", "--subnet", "3"]), /unknown option --subnet .*\(did you mean --subnets\?\)/);
    expectOneLineFailure(await yuma(["epoch", "--tabel", fixturePath("tiny-n4-commit-reveal")]), /did you mean --table\?/);
    expectOneLineFailure(await yuma(["scenario", "case1", "--bond-penalt", "0.5"]), /did you mean --bond-penalty\?/);
    expectOneLineFailure(await yuma(["scenario", "cas5"]), /unknown scenario "cas5" \(did you mean case5\?\)/);
    expectOneLineFailure(await yuma(["sweep", "--scenario", "copyer"]), /did you mean copier\?/);
    expectOneLineFailure(await yuma(["simulat"]), /unknown command "simulat" \(did you mean simulate\?\)/);
    expectOneLineFailure(await yuma(["--verison"]), /did you mean --version\?/);
    expectOneLineFailure(await yuma(["research", "--json", "x.json"]), /unknown option --json/);
  });

  it("the suggestion is the closest name, and none when nothing is close", () => {
    expect(closest("subnet", ["subnets", "neurons", "seed"])).toBe("subnets");
    expect(closest("cas5", ["case1", "case5", "case15"])).toBe("case5");
    expect(closest("zzzz", ["subnets", "neurons"])).toBeUndefined();
  });

  it("negative numbers are values: --blocks -5 meets the range check", async () => {
    expectOneLineFailure(await yuma(["simulate", "--blocks", "-5"]), /--blocks must be in 0\.\.=1000000000, got -5$/m);
    expectOneLineFailure(await yuma(["simulate", "--seed=-1"]), /--seed must be in/);
    expectOneLineFailure(await yuma(["emission", "-5"]), /must be a decimal rao amount, got "-5"/);
    expectOneLineFailure(await yuma(["scenario", "case1", "--kappa", "-0.5"]), /--kappa must be in \[0, 1\], got -0\.5/);
    const r = await yuma(["sweep", "--scenario", "case1", "--versions", "YUMA3", "--alpha-steepness", "-5,5", "--threads", "1", "--json"]);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { axes: Array<{ values: number[] }> }).axes[0]!.values).toEqual([-5, 5]);
    expectOneLineFailure(await yuma(["simulate", "--blocks"]), /--blocks needs a value/);
    expectOneLineFailure(await yuma(["simulate", "--config", "--json"]), /--config needs a value/);
  });

  it("the progress ETA is never INF or NaN", async () => {
    expect(etaText(0, 0, 10)).toBe("ETA --");
    expect(etaText(5000, 0, 10)).toBe("ETA --");
    expect(etaText(1000, 5, 10)).toBe("ETA 1s");
    expect(etaText(1000, 1, 200)).toBe("ETA 3m19s");
    expect(etaText(1000, 1, 1e5)).toBe("ETA 27h46m");
    expect(etaText(1000, 10, 10)).toBe("ETA 0s");
    const r = await yuma(["simulate", "--progress", "--subnets", "2", "--neurons", "16", "--validators", "4", "--tempo", "5", "--blocks", "200", "--threads", "1"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/simulating \|.*\| \d+% \| \d+\/\d+ epochs \| ETA /);
    expect(r.stderr).not.toMatch(/INF|NaN|NULL|undefined/);
    // The cursor is hidden while the bar runs and shown again at the end.
    expect(r.stderr.indexOf(HIDE_CURSOR)).toBeGreaterThanOrEqual(0);
    expect(r.stderr.lastIndexOf(SHOW_CURSOR)).toBeGreaterThan(r.stderr.lastIndexOf(HIDE_CURSOR));
    const quiet = await yuma(["simulate", "--no-progress", "--subnets", "1", "--neurons", "8", "--validators", "2", "--blocks", "10", "--threads", "1"]);
    expect(quiet).toMatchObject({ code: 0, stderr: "" });
  });

  it("simulate --json carries the table's top earners and Nakamoto coefficient, existing fields unchanged", async () => {
    const args = ["simulate", "--economy", "static", "--subnets", "3", "--neurons", "16", "--validators", "4", "--tempo", "10", "--blocks", "120", "--threads", "1"];
    const [j, t] = await Promise.all([yuma([...args, "--json"]), yuma(args)]);
    expect(j.code).toBe(0);
    const out = JSON.parse(j.stdout) as { subnets: Array<Record<string, unknown>> };
    expect(Object.keys(out)).toEqual(["blocks", "issuanceStart", "issuanceEnd", "subnets", "unallocated", "digest"]);
    const rows = t.stdout.split("\n").filter((l) => /^\s*\d+\s/.test(l)).map((l) => l.trim().split(/\s+/));
    expect(rows).toHaveLength(3);
    out.subnets.forEach((s, i) => {
      expect(Object.keys(s).slice(0, 7)).toEqual(["netuid", "tempo", "epochs", "owner", "miners", "validators", "pending"]);
      const top = s.topEarners as Array<{ uid: number; role: string; amount: string }>;
      expect(top).toHaveLength(3);
      for (const e of top) {
        expect(Object.keys(e)).toEqual(["uid", "role", "amount"]);
        expect(e.role).toBe(e.uid < 4 ? "validator" : "miner");
        expect(e.amount).toMatch(/^(0|[1-9][0-9]*)$/);
      }
      expect(BigInt(top[0]!.amount) >= BigInt(top[1]!.amount) && BigInt(top[1]!.amount) >= BigInt(top[2]!.amount)).toBe(true);
      const row = rows[i]!;
      expect(row[0]).toBe(String(s.netuid));
      expect(row[row.length - 2]).toBe(top.map((e) => `${e.uid}${e.role[0]}`).join(","));
      expect(row[row.length - 1]).toBe(String(s.nakamoto));
    });
  });
});

describe("item 8: process hygiene", () => {
  const researchBig = () => {
    const V = 20, N = 300;
    const epochs = Array.from({ length: 20 }, (_, e) => ({
      W: Array.from({ length: V }, (_, i) => Array.from({ length: N }, (_, j) => ((i * 7 + j * 13 + e) % 17) / 17)),
      S: Array.from({ length: V }, (_, i) => i + 1),
    }));
    return file({ format: "yuma-research-input/1", version: "YUMA3", epochs });
  };

  it("output closed after the first chunk (yuma … | head): exit 0, nothing on stderr", async () => {
    const cases: string[][] = [
      ["research", researchBig()],
      ["scenario", "case1", "--json"],
      ["epoch", fixturePath("rand-n1024-yuma2-sparse"), "--trace"],
      ["emission", ...Array.from({ length: 20_000 }, (_, i) => String(i * 1e9))],
    ];
    for (const args of cases) {
      const r = await yuma(args, { closeStdout: "first" });
      expect({ cmd: args[0], code: r.code, stderr: r.stderr }).toEqual({ cmd: args[0], code: 0, stderr: "" });
    }
  });

  it("output closed before any output, for every command: exit 0, no stack trace", async () => {
    const cases: string[][] = [
      ["epoch", fixturePath("tiny-n4-commit-reveal")],
      ["emission", "0"],
      ["research", file(RESEARCH)],
      ["simulate", "--subnets", "1", "--neurons", "8", "--validators", "2", "--blocks", "10", "--threads", "1"],
      ["simulate", "--subnets", "1", "--neurons", "8", "--validators", "2", "--blocks", "10", "--threads", "1", "--json"],
      ["scenarios"],
      ["scenario", "case1", "--versions", "YUMA3"],
      ["sweep", "--scenario", "case1", "--versions", "YUMA3", "--kappa", "0.4,0.6", "--threads", "1"],
      ["--help"],
      ["--version"],
      ["help", "epoch"],
    ];
    for (const args of cases) {
      const r = await yuma(args, { closeStdout: "now" });
      expect({ args, code: r.code, stderr: r.stderr }).toEqual({ args, code: 0, stderr: "" });
    }
  });

  it.each([["SIGINT", 130], ["SIGTERM", 143]] as const)("%s during simulate shows the cursor again and exits %i", async (signal, code) => {
    let sent = false;
    const r = await yuma(
      ["simulate", "--progress", "--subnets", "2", "--neurons", "64", "--validators", "8", "--tempo", "5", "--blocks", "100000000", "--threads", "1"],
      {
        onStderr: (child, stderr) => {
          if (!sent && stderr.includes("simulating |")) {
            sent = true;
            child.kill(signal);
          }
        },
      },
    );
    expect(sent).toBe(true);
    expect({ code: r.code, signal: r.signal }).toEqual({ code, signal: null });
    expect(r.stderr).toContain(HIDE_CURSOR);
    expect(r.stderr.endsWith(SHOW_CURSOR)).toBe(true);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(r.stdout).toBe("");
  }, 60_000);
});
