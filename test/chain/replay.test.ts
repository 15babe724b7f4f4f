// `replay` (src/chain/replay.ts) and `yuma replay`: the exact replay against epochs run by hand
// with runEpoch, the check against the chain-generated fixtures' expected outputs, series with
// re-registered uids and the shifted validator, the research replay's invariants, the real
// SN15 metagraph (read from ../shared at run time), the CLI and its reports.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  importMetagraph, metagraphToJson, readMetagraph, renderReplayHtml, replay, replayCsv, runEpoch, YumaInputError, type Metagraph,
} from "../../src/index.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const SN15_PT = join(ROOT, "..", "shared", "real", "sn15-b4769998", "netuid15_block4769998_4769998.pt");
const FIXTURES = join(ROOT, "test", "fixtures", "epoch");
const cli = join(ROOT, "dist", "cli.js");
const yuma = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", maxBuffer: 1 << 28 });

/** A fixture epoch as a metagraph, with the chain's own outputs of that epoch as chainOutputs. */
function fixtureMetagraph(name: string): { m: Metagraph; doc: any } {
  const doc = JSON.parse(readFileSync(join(FIXTURES, name), "utf8"));
  const n = doc.params.n;
  const e = doc.expected;
  const m = readMetagraph({
    format: "yuma-metagraph/1", netuid: 3, block: doc.params.currentBlock, n, params: doc.params,
    stake: doc.inputs.stake, lastUpdate: [...doc.inputs.lastUpdate, ...new Array(n - doc.inputs.lastUpdate.length).fill(0)],
    blockAtRegistration: doc.inputs.blockAtRegistration, validatorPermit: doc.inputs.validatorPermit,
    weights: doc.inputs.weights, bonds: doc.inputs.bonds,
    chainOutputs: {
      block: doc.params.currentBlock, consensus: e.consensus, incentive: e.incentive, dividends: e.dividends,
      validatorTrust: e.validatorTrust, emission: e.emission, validatorPermit: e.newValidatorPermit,
    },
  });
  return { m, doc };
}

describe("check against the chain's outputs", () => {
  for (const f of ["rand-n64-yuma3-liquid-bp1.json", "rand-n64-yuma2-bphalf.json", "tiny-n4-recently-registered-yuma3-liquid.json"]) {
    it(`${f}: the first replayed epoch equals the chain's outputs; a changed value is found in u16 units`, () => {
      const { m } = fixtureMetagraph(f);
      const r = replay(m, { epochs: 1, check: true });
      expect(r.check!.equal).toBe(true);
      expect(r.check!.fields.map((x) => x.field)).toEqual(["consensus", "incentive", "dividends", "validatorTrust", "emission", "validatorPermit"]);
      // The chain said 7 more at the last uid with any consensus.
      const cons = m.chainOutputs!.consensus!;
      let u = cons.length - 1;
      while (u > 0 && cons[u] === 0) u--;
      const edited = { ...m, chainOutputs: { ...m.chainOutputs!, consensus: m.chainOutputs!.consensus!.map((x, i) => (i === u ? x + 7 : x)) } };
      const c = replay(edited, { epochs: 1, check: true }).check!;
      expect(c.equal).toBe(false);
      expect(c.fields[0]).toEqual({ field: "consensus", maxAbsDiff: 7, differing: 1, firstUid: u });
      expect(c.fields.slice(1).every((x) => x.differing === 0)).toBe(true);
    });
  }

  it("a metagraph without chain outputs cannot be checked (typed error)", () => {
    const { m } = fixtureMetagraph("tiny-n2-yuma3.json");
    const { chainOutputs: _c, ...bare } = m;
    expect(() => replay(bare as Metagraph, { check: true })).toThrow(YumaInputError);
  });
});

describe("exact replay of one metagraph, weights held", () => {
  it("equals epochs run by hand: blocks every tempo + 1, last updates moved with them, bonds and permits carried", () => {
    const { m } = fixtureMetagraph("rand-n64-yuma3-liquid-bp1.json");
    const K = 4;
    const r = replay(m, { epochs: K, versions: ["chain", "YUMA2"] });
    expect(r.versions.map((v) => v.version)).toEqual(["chain", "YUMA2"]);
    for (const [vi, flags] of [[0, { yuma3: m.params.yuma3, liquidAlpha: m.params.liquidAlpha }], [1, { yuma3: false, liquidAlpha: false }]] as const) {
      let bonds = m.bonds, permits = m.validatorPermit, prev = m.params.lastMechanismStepBlock;
      const b0 = Number(m.params.currentBlock), period = m.params.tempo + 1;
      for (let k = 0; k < K; k++) {
        const block = b0 + k * period;
        const o = runEpoch({ ...m.params, ...flags, currentBlock: block, lastMechanismStepBlock: prev }, {
          stake: m.stake.map(String), lastUpdate: m.lastUpdate.map((b) => (b === 0 ? 0 : b + k * period)),
          blockAtRegistration: m.blockAtRegistration, validatorPermit: permits, weights: m.weights, bonds,
        });
        const e = r.versions[vi]!.epochs[k]!;
        expect(e.block).toBe(block);
        expect(e.consensus).toEqual(o.consensus);
        expect(e.incentive).toEqual(o.incentive);
        expect(e.dividends).toEqual(o.dividends);
        expect(e.emission).toEqual(o.emission.map(String));
        bonds = o.bonds;
        permits = o.newValidatorPermit;
        prev = block;
      }
    }
    expect(r.assumptions.map((a) => a.assumption)).toContain("weights-held");
  });
});

describe("a series of metagraphs", () => {
  const base = fixtureMetagraph("rand-n16-yuma3-bp1.json").m;
  const n = base.n;
  const hot = (tag: string) => Array.from({ length: n }, (_, u) => `hk${u}${tag}`);
  // Three blocks one tempo apart; the validator with the most stake changes its weights each time.
  const v = base.stake.indexOf(base.stake.reduce((a, b) => (b > a ? b : a)));
  const at = (k: number, hotkeys: string[]): Metagraph => ({
    ...base,
    block: base.block + k * (base.params.tempo + 1),
    params: { ...base.params, currentBlock: Number(base.params.currentBlock) + k * (base.params.tempo + 1) },
    hotkeys,
    weights: base.weights.map((row, u) => (u === v ? Array.from({ length: n }, (_, j) => [j, ((j + k * 5) % n) * 4000 + 1] as [number, number]) : row)),
  });
  const series = [at(0, hot("")), at(1, hot("")), at(2, hot("").map((h, u) => (u === v ? "newcomer" : h)))];

  it("one epoch per metagraph; a uid whose hotkey changed loses its bond row", () => {
    const r = replay(series, {});
    expect(r.versions[0]!.epochs.map((e) => e.block)).toEqual(series.map((m) => Number(m.params.currentBlock)));
    // Recompute the three epochs by hand.
    let bonds = series[0]!.bonds, prev = series[0]!.params.lastMechanismStepBlock;
    series.forEach((m, k) => {
      if (k === 2) bonds = bonds.map((row, u) => (u === v ? [] : row));
      const o = runEpoch({ ...m.params, lastMechanismStepBlock: prev }, {
        stake: m.stake.map(String), lastUpdate: m.lastUpdate, blockAtRegistration: m.blockAtRegistration,
        validatorPermit: k === 0 ? m.validatorPermit : m.validatorPermit, weights: m.weights, bonds,
      });
      expect(r.versions[0]!.epochs[k]!.dividends).toEqual(o.dividends);
      expect(r.versions[0]!.epochs[k]!.incentive).toEqual(o.incentive);
      bonds = o.bonds;
      prev = Number(m.params.currentBlock);
    });
  });

  it("--shift UID: the validator's weights of epoch k are its weights of epoch k + 1 (the peer's rule)", () => {
    const shifted = replay(series, { shift: v });
    const moved = series.map((m, k) => (k + 1 < series.length ? { ...m, weights: m.weights.map((row, u) => (u === v ? series[k + 1]!.weights[v]! : row)) } : m));
    expect(shifted.versions).toEqual(replay(moved, {}).versions);
    expect(shifted.versions[0]!.epochs[0]!.incentive).not.toEqual(replay(series, {}).versions[0]!.epochs[0]!.incentive);
  });

  it("the series must agree on n and netuid and move forward", () => {
    const other = fixtureMetagraph("tiny-n2-yuma3.json").m;
    expect(() => replay([series[0]!, { ...other, block: series[1]!.block }], {})).toThrow(/metagraphs\[1\]\.n/);
    expect(() => replay([series[1]!, series[0]!], {})).toThrow(/metagraphs\[1\]\.block/);
    expect(() => replay(series, { epochs: 4 })).toThrow(/epochs/);
  });
});

describe("the metagraph argument is read as yuma-metagraph/1 first", () => {
  const { m } = fixtureMetagraph("rand-n16-yuma3-bp1.json");
  const json = JSON.parse(JSON.stringify(metagraphToJson(m)));
  const field = (f: () => unknown) => { try { f(); } catch (e) { expect(e).toBeInstanceOf(YumaInputError); return (e as YumaInputError).field; } return "none"; };

  it("anything but a metagraph is a typed error naming its field, for one metagraph or a series", () => {
    expect(field(() => replay({} as never))).toBe("format");
    expect(field(() => replay(null as never))).toBe("metagraph");
    expect(field(() => replay([m, null] as never))).toBe("metagraphs[1]");
    expect(field(() => replay(m, null as never))).toBe("options");
    // A weight to a uid past n: the metagraph's field, not the research kernels' epochs[0].W.
    const badW = { ...json, weights: json.weights.map((r: unknown[], u: number) => (u === 0 ? [[99, 5]] : r)) };
    expect(field(() => replay(badW, { engine: "research" }))).toBe("weights[0][0][0]");
    expect(field(() => replay(badW))).toBe("weights[0][0][0]");
    const later = { ...badW, block: m.block + 361, params: { ...json.params, currentBlock: Number(m.params.currentBlock) + 361 } };
    expect(field(() => replay([json, later], { engine: "research" }))).toBe("metagraphs[1].weights[0][0][0]");
  });

  it("parsed JSON is replayed like the metagraph readMetagraph makes of it, params left out included", () => {
    expect(replay(json, { epochs: 3 })).toEqual(replay(readMetagraph(json), { epochs: 3 }));
    const { params: _p, ...bare } = json;
    const r = replay(bare, { epochs: 3 });
    expect(r).toEqual(replay(readMetagraph(bare), { epochs: 3 }));
    expect(r.assumptions.map((a) => a.field)).toContain("params.tempo");
    expect(r.versions[0]!.epochs.map((e) => e.block)).toEqual([0, 1, 2].map((k) => m.block + k * 361));
  });
});

describe("a series runs its epochs forward", () => {
  const { m } = fixtureMetagraph("rand-n16-yuma3-bp1.json");
  const at = (block: number, currentBlock: number): Metagraph => ({ ...m, block, params: { ...m.params, currentBlock } });

  it("params.currentBlock (the epoch's block) must increase too, not only block", () => {
    const b = m.block;
    const err = (s: Metagraph[]) => { try { replay(s); } catch (e) { return (e as YumaInputError).field; } return "none"; };
    expect(err([at(b, b), at(b + 100, b - 50)])).toBe("metagraphs[1].params.currentBlock");
    expect(err([at(b, b), at(b + 100, b)])).toBe("metagraphs[1].params.currentBlock");
    expect(err([at(b, b), at(b + 100, b + 1), at(b + 200, b + 1)])).toBe("metagraphs[2].params.currentBlock");
    expect(replay([at(b, b), at(b + 100, b + 1)]).versions[0]!.epochs.map((e) => e.block)).toEqual([b, b + 1]);
  });
});

describe("epoch blocks stay exact integers (below 2^53)", () => {
  const { m } = fixtureMetagraph("rand-n16-yuma3-bp1.json");
  const json = metagraphToJson(m) as Record<string, any>;
  const MAX = Number.MAX_SAFE_INTEGER;
  const near = (b0: number) => readMetagraph({ ...json, block: b0, params: { ...json.params, currentBlock: b0, lastMechanismStepBlock: 0 } });
  const period = m.params.tempo + 1;

  for (const engine of ["exact", "research"] as const) {
    it(`${engine}: epochs that would run past 2^53 - 1 are refused naming params.currentBlock; up to 2^53 - 1 they are exact`, () => {
      for (const b0 of [MAX - 1, MAX - 2 * period + 1]) {
        let e: unknown;
        try { replay(near(b0), { epochs: 3, engine }); } catch (x) { e = x; }
        expect(e).toBeInstanceOf(YumaInputError);
        expect((e as YumaInputError).field).toBe("params.currentBlock");
        expect((e as YumaInputError).rule).toContain(String(b0));
      }
      const b0 = MAX - 2 * period;
      const blocks = replay(near(b0), { epochs: 3, engine }).versions[0]!.epochs.map((x) => x.block);
      expect(blocks).toEqual([b0, b0 + period, b0 + 2 * period]);
      expect(blocks.at(-1)).toBe(MAX);
      expect(blocks.every(Number.isSafeInteger)).toBe(true);
    });
  }

  it("held last updates move with the epochs: one that would pass 2^53 - 1 is refused naming lastUpdate[u]", () => {
    const lu = [...m.lastUpdate];
    lu[3] = MAX - period + 1;
    const g = readMetagraph({ ...json, lastUpdate: lu });
    let e: unknown;
    try { replay(g, { epochs: 2 }); } catch (x) { e = x; }
    expect(e).toBeInstanceOf(YumaInputError);
    expect((e as YumaInputError).field).toBe("lastUpdate[3]");
    expect(replay(g, { epochs: 1 }).versions[0]!.epochs).toHaveLength(1);
  });
});

describe("research replay", () => {
  it("per epoch: incentive and the validators' dividends are distributions; non-validators get no dividends", () => {
    const { m } = fixtureMetagraph("rand-n64-yuma3-liquid-bp1.json");
    const r = replay(m, { engine: "research", epochs: 5, versions: ["YUMA1", "YUMA3_LIQUID"] });
    expect(r.units).toBe("fraction");
    expect(r.semantics).toBe("chain-like");
    for (const v of r.versions) {
      for (const e of v.epochs) {
        expect(e.incentive.reduce((a, x) => a + x, 0)).toBeCloseTo(1, 9);
        expect(e.dividends.reduce((a, x) => a + x, 0)).toBeCloseTo(1, 9);
        e.dividends.forEach((d, u) => { if (!m.validatorPermit[u]) expect(d).toBe(0); });
        for (const c of e.consensus) expect(c >= 0 && c <= 1).toBe(true);
      }
    }
    expect(replay(m, { engine: "research", epochs: 2, peer: true }).semantics).toBe("peer");
  });

  it("bad options are typed errors naming the option", () => {
    const { m } = fixtureMetagraph("tiny-n4-yuma2-liquid-flag-ignored.json");
    const err = (o: object) => { try { replay(m, o as never); } catch (e) { return (e as YumaInputError).field; } return "none"; };
    expect(err({ engine: "exact", versions: ["YUMA1"] })).toBe("options.versions[0]");
    expect(err({ engine: "gpu" })).toBe("options.engine");
    expect(err({ shift: 99 })).toBe("options.shift");
    expect(err({ engine: "research", check: true })).toBe("options.check");
    expect(err({ peer: true })).toBe("options.peer");
    expect(err({ epochs: 0 })).toBe("epochs");
    expect(err({ speed: 1 })).toBe("options.speed");
  });
});

describe("the real SN15 metagraph (../shared, read at run time)", () => {
  const m = importMetagraph(readFileSync(SN15_PT));

  it("replays on both engines; the report of 256 uids × 40 epochs × 2 versions stays small and readable", () => {
    const exact = replay(m, { epochs: 40, versions: ["YUMA2", "YUMA3"] });
    const html = renderReplayHtml(exact, { top: 8, uids: [126] });
    expect(html.length).toBeLessThan(2_000_000);
    // The top 8 by stake and uid 126 are charted: 9 series per version, one heat map each.
    expect([...html.matchAll(/class="chart" id="div-\d" data-series="(\d+)"/g)].map((x) => Number(x[1]))).toEqual([9, 9]);
    expect(html.match(/class="chart heatmap compact"/g)?.length).toBe(2);
    const research = replay(m, { engine: "research", epochs: 40 });
    expect(research.versions[1]!.epochs[39]!.dividends.filter((d) => d > 0).length).toBeGreaterThan(5);
    const csv = replayCsv(exact, 10);
    expect(csv.trim().split("\n").length).toBe(1 + 2 * 30 * 256);
  });

  it("yuma replay: the metagraph file, --html, --csv, --json, exit codes", () => {
    const dir = mkdtempSync(join(tmpdir(), "replay-"));
    const file = join(dir, "sn15.json");
    writeFileSync(file, JSON.stringify(metagraphToJson(m)));
    const html = join(dir, "r.html"), csv = join(dir, "r.csv");
    const r = yuma("replay", file, "--epochs", "40", "--versions", "YUMA2,YUMA3", "--html", html, "--csv", csv, "--padding", "5", "--window", "5");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Yuma 3 \(Rhef\+relative bonds\):/);
    expect(r.stderr).toMatch(/assumption zero-bonds/);
    expect(statSync(html).size).toBeLessThan(2_000_000);
    expect(readFileSync(csv, "utf8").trim().split("\n").length).toBe(1 + 2 * 35 * 256);
    const j = JSON.parse(yuma("replay", file, "--epochs", "2", "--json").stdout);
    expect(j.format).toBe("yuma-replay/1");
    expect(j.versions[0].version).toBe("chain");
    // The .pt directly, on the research engine.
    expect(yuma("replay", SN15_PT, "--engine", "research", "--epochs", "3").status).toBe(0);
    for (const bad of [["--versions", "YUMA9"], ["--shift", "999"], ["--padding", "40", "--epochs", "40"], ["--engine", "gpu"], ["--check"]]) {
      const b = yuma("replay", file, ...bad);
      expect(b.status, bad.join(" ")).toBe(2);
      expect(b.stderr.split("\n").filter(Boolean).length).toBe(1);
    }
  });
});
