import { readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { inputError } from "../helpers/errors.js";
import { zipSync } from "fflate";
import {
  importMetagraph, importSdkJson, importYumaSimulationPt, metagraphToEpoch, metagraphToJson, outputsToJson, readMetagraph,
  lastEpochBlock, recoverU16Rows, runEpoch, taoFloatToRao, unpickle, YumaInputError,
} from "../../src/index.js";
import {
  BINPERSID, BUILD, concat, dict, EMPTY_LIST, global, int, MARK, APPENDS, NEWFALSE, NEWTRUE, NONE, PROTO2, REDUCE, STOP, str, tensor, tuple,
} from "./pickle-writer.js";
import { MAX_ELEMENTS } from "../../src/chain/pickle.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const SN15 = join(ROOT, "..", "shared", "real", "sn15-b4769998");
const FIXTURES = join(ROOT, "test", "fixtures", "epoch");

describe("yuma-metagraph/1 round trip against the epoch fixtures", () => {
  const files = readdirSync(FIXTURES).filter((f) => f.endsWith(".json"));
  const cases = files
    .map((f) => ({ f, doc: JSON.parse(readFileSync(join(FIXTURES, f), "utf8")) }))
    .filter(({ doc }) => doc.kind === "epoch" && doc.params.n <= 256)
    .filter(({ doc }) => [...doc.inputs.weights, ...doc.inputs.bonds].every((r: number[][]) => r.every(([u]) => u! < doc.params.n)));
  it("has fixtures to compare with", () => expect(cases.length).toBeGreaterThan(5));
  for (const { f, doc } of cases) {
    it(`${f}: metagraph → epoch gives the fixture's expected outputs`, () => {
      const { n } = doc.params;
      const lastUpdate = [...doc.inputs.lastUpdate, ...new Array(n - doc.inputs.lastUpdate.length).fill(0)];
      const m = readMetagraph({
        format: "yuma-metagraph/1", netuid: 1, block: doc.params.currentBlock, n, params: doc.params,
        stake: doc.inputs.stake, lastUpdate, blockAtRegistration: doc.inputs.blockAtRegistration,
        validatorPermit: doc.inputs.validatorPermit, weights: doc.inputs.weights, bonds: doc.inputs.bonds,
      });
      expect(m.assumptions).toEqual([]);
      const { params, inputs } = metagraphToEpoch(m);
      const got = outputsToJson(runEpoch(params, inputs));
      const { trace: _t, ...want } = doc.expected;
      expect(got).toEqual(want);
      // And through JSON again: the written file reads back to the same metagraph.
      expect(readMetagraph(JSON.parse(JSON.stringify(metagraphToJson(m))))).toEqual(m);
    });
  }
});

describe("missing fields are filled by named assumptions", () => {
  const base = {
    format: "yuma-metagraph/1", netuid: 7, block: 1000, n: 3,
    stake: ["5", "30", "20"], weights: [[[1, 65535], [2, 100]], [], [[1, 65535]]],
  };
  it("lists every assumed field with its name", () => {
    const m = readMetagraph(base);
    const byField = Object.fromEntries(m.assumptions.map((a) => [a.field, a.assumption]));
    expect(byField).toMatchObject({
      lastUpdate: "fresh-weights", blockAtRegistration: "no-recent-registration", validatorPermit: "top-k-permits-by-stake",
      bonds: "zero-bonds", "params.currentBlock": "epoch-at-snapshot-block", "params.kappa": "chain-default",
      "params.tempo": "chain-default", "params.lastMechanismStepBlock": "last-epoch-one-tempo-ago",
      "params.raoEmission": "emission-one-tao-per-block", "params.ownerUid": "no-owner-uid", "params.commitBlocks": "commit-reveal-off",
    });
    expect(m.lastUpdate).toEqual([1000, 1000, 1000]);
    expect(m.blockAtRegistration).toEqual([0, 0, 0]);
    expect(m.bonds).toEqual([[], [], []]);
    expect(m.params.currentBlock).toBe(1000);
    expect(m.params.lastMechanismStepBlock).toBe(640);
    expect(m.params.kappa).toBe(32767);
  });
  it("top-k permits go to the largest stakes, lower uid first on ties", () => {
    expect(readMetagraph({ ...base, params: { maxAllowedValidators: 2 } }).validatorPermit).toEqual([false, true, true]);
    expect(readMetagraph({ ...base, stake: ["7", "7", "7"], params: { maxAllowedValidators: 2 } }).validatorPermit).toEqual([true, true, false]);
  });
  it("given fields are kept and not listed", () => {
    const m = readMetagraph({ ...base, lastUpdate: [1, 2, 3], params: { kappa: 40000 } });
    expect(m.lastUpdate).toEqual([1, 2, 3]);
    expect(m.params.kappa).toBe(40000);
    expect(m.assumptions.map((a) => a.field)).not.toContain("lastUpdate");
    expect(m.assumptions.map((a) => a.field)).not.toContain("params.kappa");
  });
  it("u64 params past 2^53 stay exact through JSON (decimal strings)", () => {
    const m = readMetagraph({ ...base, params: { activityCutoff: "18446744073709551615", stakeThreshold: 5 } });
    expect(m.params.activityCutoff).toBe(18446744073709551615n);
    expect(m.params.stakeThreshold).toBe("5");
    const json = metagraphToJson(m) as { params: Record<string, unknown> };
    expect(json.params.activityCutoff).toBe("18446744073709551615");
    expect(readMetagraph(JSON.parse(JSON.stringify(json)))).toEqual(m);
  });
  it("refuses bad input with a field and a rule", () => {
    expect(inputError(() => readMetagraph({ ...base, format: "x" })).field).toBe("format");
    expect(inputError(() => readMetagraph({ ...base, stake: ["1", "2"] })).field).toBe("stake");
    expect(inputError(() => readMetagraph({ ...base, stake: ["1", "2", "-3"] })).field).toBe("stake[2]");
    expect(inputError(() => readMetagraph({ ...base, weights: [[[5, 1]], [], []] })).field).toBe("weights[0][0][0]");
    expect(inputError(() => readMetagraph({ ...base, params: { n: 4 } })).field).toBe("params.n");
    expect(inputError(() => readMetagraph({ ...base, params: { kapa: 1 } })).field).toBe("params.kapa");
    expect(inputError(() => readMetagraph({ ...base, extra: 1 })).field).toBe("extra");
    expect(inputError(() => readMetagraph({ ...base, lastUpdate: [1, 2] })).field).toBe("lastUpdate");
    expect(inputError(() => readMetagraph({ ...base, chainOutputs: { consensus: [1, 2, 3] } })).field).toBe("chainOutputs.block");
    expect(inputError(() => readMetagraph({ ...base, chainOutputs: { block: 1, consensus: [1, 2, 70000] } })).field).toBe("chainOutputs.consensus[2]");
    expect(inputError(() => readMetagraph({ ...base, params: { kappa: 70000 } })).field).toBe("params.kappa");
    expect(inputError(() => readMetagraph({ ...base, hotkeys: ["a", "b"] })).field).toBe("hotkeys");
    expect(inputError(() => readMetagraph({ ...base, assumptions: [{ field: "x" }] })).field).toBe("assumptions[0].assumption");
    expect(inputError(() => readMetagraph([])).field).toBe("metagraph");
  });
});

describe("taoFloatToRao", () => {
  it("is the nearest rao to the exact binary value", () => {
    expect(taoFloatToRao(0)).toBe(0n);
    expect(taoFloatToRao(1)).toBe(1_000_000_000n);
    expect(taoFloatToRao(0.5)).toBe(500_000_000n);
    // float32 0.1 is 0.100000001490116119384765625 TAO
    expect(taoFloatToRao(Math.fround(0.1))).toBe(100_000_001n);
    // 2^-31 TAO = 0.465661287307739257812… rao → 0
    expect(taoFloatToRao(2 ** -31)).toBe(0n);
    // 1.5e-9 TAO as a double is just below 1.5 rao → 1
    expect(taoFloatToRao(1.5e-9)).toBe(1n);
    expect(taoFloatToRao(1894367.125)).toBe(1_894_367_125_000_000n);
    expect(inputError(() => taoFloatToRao(-1, "S[3]")).field).toBe("S[3]");
    expect(inputError(() => taoFloatToRao(NaN)).field).toBe("stake");
  });
});

describe("bactensor/yuma-simulation .pt (real sn15 metagraph)", () => {
  const pt = readFileSync(join(SN15, "netuid15_block4769998_4769998.pt"));
  const snap = JSON.parse(readFileSync(join(SN15, "snapshot.json"), "utf8"));
  const m = importYumaSimulationPt(pt);
  it("gives exactly the values of snapshot.json", () => {
    expect(m.netuid).toBe(snap.netuid);
    expect(m.block).toBe(snap.block);
    expect(m.n).toBe(snap.n);
    expect(m.hotkeys).toEqual(snap.hotkeys);
    const rows = new Map<number, Array<[number, number]>>(snap.weights_u16_recovered);
    expect(m.weights).toEqual(Array.from({ length: snap.n }, (_, i) => rows.get(i) ?? []));
    expect(m.weights.filter((r) => r.length > 0).length).toBe(20);
    expect(m.weights.reduce((a, r) => a + r.length, 0)).toBe(1687);
    snap.stake_tao_f32.forEach((tao: number, i: number) => {
      const rao = Number(m.stake[i]!);
      // the nearest rao to the float32 value: within half a rao (plus double rounding of tao·1e9) …
      expect(Math.abs(rao - tao * 1e9)).toBeLessThanOrEqual(0.5 + tao * 1e9 * 2 ** -52);
      // … and it reads back as the same float32
      expect(Math.fround(rao / 1e9)).toBe(tao);
    });
  });
  it("lists its assumptions", () => {
    const names = m.assumptions.map((a) => `${a.field}:${a.assumption}`);
    expect(names).toEqual(expect.arrayContaining([
      "stake:stake-tao-float-to-rao", "weights:weights-max-upscaled", "lastUpdate:fresh-weights",
      "blockAtRegistration:no-recent-registration", "validatorPermit:top-k-permits-by-stake", "bonds:zero-bonds",
      "params.kappa:chain-default", "params.bondsMovingAverage:chain-default", "params.yuma3:chain-default",
    ]));
    expect(m.validatorPermit.filter(Boolean).length).toBe(64);
  });
  it("runs on the exact engine", () => {
    const { params, inputs } = metagraphToEpoch(m);
    const out = runEpoch(params, inputs);
    const total = out.emission.reduce((a, b) => a + b, 0n);
    expect(total).toBeGreaterThan(0n);
    expect(total).toBeLessThanOrEqual(BigInt(params.raoEmission));
  });
  it("importMetagraph detects the zip", () => {
    expect(importMetagraph(pt)).toEqual(m);
  });
  it("refuses a damaged zip or pickle", () => {
    expect(inputError(() => importYumaSimulationPt(pt.subarray(0, 1000))).field).toBe("file");
    expect(inputError(() => importMetagraph(new TextEncoder().encode("PK not a zip"))).rule).toMatch(/zip/);
  });
});

/** A torch.save zip of `pickle` with the given storages (key → raw little-endian bytes). */
function torchZip(pickle: Uint8Array, storages: Record<string, Uint8Array> = {}): Uint8Array {
  const files: Record<string, Uint8Array> = { "archive/data.pkl": pickle, "archive/byteorder": new TextEncoder().encode("little"), "archive/version": new TextEncoder().encode("3\n") };
  for (const [k, v] of Object.entries(storages)) files[`archive/data/${k}`] = v;
  return zipSync(files);
}
const f32 = (xs: number[]) => new Uint8Array(Float32Array.from(xs).buffer);
const i64 = (xs: bigint[]) => new Uint8Array(BigInt64Array.from(xs).buffer);

describe("torch tensors (persistent-id storages)", () => {
  // S = [1, 2, 0.5] TAO; W stored as a 3×3 view with offset 1 and strides (3, 1) in a 10-element storage.
  const W = [0, 0.25, 0.75, 0, 0, 1, 0, 0, 0, 0];
  const good = () => concat(PROTO2, dict([
    ["netuid", int(9)],
    ["block", tensor("LongStorage", "1", 1, 0, [], [])],
    ["S", tensor("FloatStorage", "0", 3, 0, [3], [1])],
    ["W", tensor("FloatStorage", "2", 10, 1, [3, 3], [3, 1])],
    ["hotkeys", [...EMPTY_LIST, ...MARK, ...str("a"), ...str("b"), ...str("c"), ...APPENDS]],
  ]), STOP);
  const storages = { "0": f32([1, 2, 0.5]), "1": i64([123456n]), "2": f32(W) };
  it("reads tensors through their storages, offsets and strides", () => {
    const m = importYumaSimulationPt(torchZip(good(), storages));
    expect(m.netuid).toBe(9);
    expect(m.block).toBe(123456);
    expect(m.stake).toEqual([1_000_000_000n, 2_000_000_000n, 500_000_000n]);
    // rows: [0.25, 0.75, 0] → [21845, 65535]; [0, 1, 0] → [65535]; [0,0,0] → []
    expect(m.weights).toEqual([[[0, 21845], [1, 65535]], [[1, 65535]], []]);
    expect(m.hotkeys).toEqual(["a", "b", "c"]);
  });
  it("refuses a missing storage, a missing array, inconsistent lengths, foreign globals", () => {
    expect(inputError(() => importYumaSimulationPt(torchZip(good(), { "0": storages["0"], "1": storages["1"] }))).rule).toMatch(/missing from the zip/);
    const noW = concat(PROTO2, dict([["netuid", int(9)], ["block", int(5)], ["S", tensor("FloatStorage", "0", 3, 0, [3], [1])]]), STOP);
    expect(inputError(() => importYumaSimulationPt(torchZip(noW, storages))).field).toBe("file:W");
    const shortW = concat(PROTO2, dict([["netuid", int(9)], ["block", int(5)], ["S", tensor("FloatStorage", "0", 3, 0, [3], [1])], ["W", tensor("FloatStorage", "2", 10, 0, [2, 3], [3, 1])]]), STOP);
    expect(inputError(() => importYumaSimulationPt(torchZip(shortW, storages))).rule).toMatch(/shape \(3, 3\)/);
    const evil = concat(PROTO2, global("os", "system"), tuple(str("echo hi")), REDUCE, STOP);
    expect(inputError(() => importYumaSimulationPt(torchZip(evil))).rule).toMatch(/refusing global "os.system"/);
    const truncated = good().subarray(0, 40);
    expect(inputError(() => importYumaSimulationPt(torchZip(truncated, storages))).rule).toMatch(/truncated|underflow|MARK/);
    const notDict = concat(PROTO2, int(3), STOP);
    expect(inputError(() => importYumaSimulationPt(torchZip(notDict))).rule).toMatch(/dict/);
    expect(inputError(() => importYumaSimulationPt(torchZip(concat(PROTO2, [0xff], STOP)))).rule).toMatch(/opcode 0xff/);
    void BINPERSID; void NEWFALSE;
  });
});

describe("the exported import helpers guard their arguments", () => {
  it("wrong types are YumaInputErrors naming the argument, not TypeErrors", () => {
    for (const f of [() => importMetagraph(null as never), () => importYumaSimulationPt("abc" as never), () => unpickle("abc" as never)]) {
      expect(inputError(f)).toMatchObject({ field: "bytes", rule: expect.stringMatching(/must be a Uint8Array/) });
    }
    expect(inputError(() => recoverU16Rows(null as never, "W")).field).toBe("W");
    expect(inputError(() => recoverU16Rows([[0.5, 0.5], null] as never, "W")).field).toBe("W[1]");
    expect(inputError(() => recoverU16Rows([[0.5, "1" as never]], "W")).field).toBe("W[0][1]");
    expect(recoverU16Rows([[0.25, 0.75, 0]], "W").rows).toEqual([[[0, 21845], [1, 65535]]]);
    expect(inputError(() => lastEpochBlock(100, 1, -1)).field).toBe("tempo");
    expect(inputError(() => lastEpochBlock(-5, 1, 360)).field).toBe("block");
    expect(inputError(() => lastEpochBlock(100, 1.5, 360)).field).toBe("netuid");
    // (block + netuid + 1) % (tempo + 1) == 0 at 359 for netuid 1, tempo 360: 359 + 2 = 361.
    expect(lastEpochBlock(400, 1, 360)).toBe(359);
  });

  it("a .pt block past 2^53 is refused quoting its own value, not a rounding of it", () => {
    const pt = (block: bigint) => torchZip(concat(PROTO2, dict([
      ["netuid", int(9)],
      ["block", tensor("LongStorage", "1", 1, 0, [], [])],
      ["S", tensor("FloatStorage", "0", 1, 0, [1], [1])],
      ["W", tensor("FloatStorage", "2", 1, 0, [1, 1], [1, 1])],
    ]), STOP), { "0": f32([1]), "1": i64([block]), "2": f32([1]) });
    const e = inputError(() => importYumaSimulationPt(pt(1n << 62n)));
    expect(e.field).toBe("file:block");
    expect(e.rule).toContain("4611686018427387904");
    expect(importYumaSimulationPt(pt(BigInt(Number.MAX_SAFE_INTEGER))).block).toBe(Number.MAX_SAFE_INTEGER);
  });
});

describe("size bound of a .pt import (2^24 elements: a 4096×4096 W)", () => {
  // An 8192×8192 float32 W (a 261 KB zip) ran out of memory; 5792×5792 (2^25) too, while
  // 4096×4096 imports. Every check below fires on a shape or count, before the data is built.
  const f64 = (x: number) => { const b = new Uint8Array(8); new DataView(b.buffer).setFloat64(0, x, false); return [0x47, ...b]; };
  const bytes = (b: Uint8Array) => [0x42, ...new Uint8Array(Uint32Array.of(b.length).buffer), ...b]; // BINBYTES
  /** numpy.core.multiarray._reconstruct(ndarray, (0,), b'b') with BUILD state (1, shape, <f4, False, data). */
  const ndarray = (shape: number[], data: Uint8Array) => [
    ...global("numpy.core.multiarray", "_reconstruct"), ...tuple(global("numpy", "ndarray"), tuple(int(0)), bytes(new Uint8Array([98]))), ...REDUCE,
    ...tuple(int(1), tuple(...shape.map(int)),
      [...global("numpy", "dtype"), ...tuple(str("f4"), NEWFALSE, NEWTRUE), ...REDUCE, ...tuple(int(3), str("<"), NONE, NONE, NONE, int(-1), int(-1), int(0)), ...BUILD],
      NEWFALSE, bytes(data)),
    ...BUILD,
  ];
  const file = (W: number[], S: number[] = ndarray([2], f32([1, 3]))) =>
    torchZip(concat(PROTO2, dict([["netuid", int(1)], ["block", int(7)], ["S", S], ["W", W]]), STOP));
  const tooMany = /more than the reader takes \(16777216 elements: a 4096×4096 matrix\)/;

  it("is 2^24", () => expect(MAX_ELEMENTS).toBe(2 ** 24));

  it("a numpy W is read (control), and one larger than the bound is refused by its shape before its bytes are decoded", () => {
    expect(importYumaSimulationPt(file(ndarray([2, 2], f32([1, 0, 0, 1])))).weights).toEqual([[[0, 65535]], [[1, 65535]]]);
    const e = inputError(() => importYumaSimulationPt(file(ndarray([4097, 4097], f32([1])))));
    expect(e.field).toMatch(/^file:archive\/data\.pkl@\d+$/);
    expect(e.rule).toMatch(/^ndarray: 16785409 elements \(shape \(4097, 4097\)\) is /);
    expect(e.rule).toMatch(tooMany);
  });

  it("torch: a storage or a tensor larger than the bound is refused before it is built", () => {
    const big = inputError(() => importYumaSimulationPt(file(tensor("FloatStorage", "0", 2 ** 24 + 1, 0, [2, 2], [2, 1]))));
    expect(big.rule).toBe("storage numel must be in 0..=16777216 (a 4096×4096 matrix), got 16777217");
    const view = inputError(() => importYumaSimulationPt(torchZip(concat(PROTO2, dict([["W", tensor("FloatStorage", "0", 1, 0, [4097, 4097], [0, 0])]]), STOP), { "0": f32([1]) })));
    expect(view.rule).toMatch(/^_rebuild_tensor: 16785409 elements \(size \(4097, 4097\)\) is /);
    expect(view.rule).toMatch(tooMany);
  });

  it("a W given as lists (one row shared 4097 times through the memo) is refused by n before any row is converted", () => {
    const n = 4097;
    const row = [...EMPTY_LIST, ...MARK, ...Array.from({ length: n }, () => f64(0)).flat(), ...APPENDS, 0x71, 0]; // BINPUT 0
    const W = [...EMPTY_LIST, ...MARK, ...row, ...Array.from({ length: n - 1 }, () => [0x68, 0]).flat(), ...APPENDS]; // BINGET 0
    const e = inputError(() => importYumaSimulationPt(file(W, ndarray([n], f32(new Array(n).fill(1))))));
    expect(e.field).toBe("file:W");
    expect(e.rule).toBe("a dense 4097×4097 matrix (16785409 entries) is more than the import takes (16777216: at most 4096 uids)");
  });

  it("a zip entry claiming more than 2^24 float64 is refused from its header, before it is inflated", () => {
    // A small valid file whose central directory says W's storage unzips to 2^27 + 1 bytes: the
    // unzip would allocate that much first (a zip bomb's few KB claim gigabytes).
    const good = file(ndarray([2, 2], f32([1, 0, 0, 1])));
    expect(importYumaSimulationPt(good).n).toBe(2);
    const claim = (size: number) => {
      const z = good.slice();
      const dv = new DataView(z.buffer);
      for (let o = 0; o + 4 <= z.length; o++) {
        // Central directory headers (PK\x01\x02) of data.pkl: uncompressed size at +24.
        if (dv.getUint32(o, true) === 0x02014b50 && new TextDecoder().decode(z.subarray(o + 46, o + 46 + dv.getUint16(o + 28, true))).endsWith("data.pkl")) dv.setUint32(o + 24, size, true);
      }
      return z;
    };
    const e = inputError(() => importYumaSimulationPt(claim(2 ** 27 + 1)));
    expect(e.field).toBe("file:archive/data.pkl");
    expect(e.rule).toMatch(/^unzips to 134217729 bytes .* the reader takes at most 134217728 per entry and 536870912 in all$/);
    // At the bound the header passes (the entry is inflated into that much room and read).
    expect(importYumaSimulationPt(claim(2 ** 27)).weights).toEqual([[[0, 65535]], [[1, 65535]]]);
  });
});

describe("bittensor SDK JSON dump", () => {
  // What docs/metagraph.md's Python writes for a 4-uid subnet.
  const sdk = {
    netuid: 3, block: 5000, n: 4,
    S: [100.5, 0, 2000, 1e-9],
    W: [[0, 0.5, 0.5, 0], [0, 0, 0, 0], [0.2, 0.8, 0, 0], [0, 0, 0, 0]],
    B: [[0, 30000, 65535, 0], [0, 0, 0, 0], [1, 0, 0, 0], [0, 0, 0, 0]],
    last_update: [4990, 10, 4999, 0],
    validator_permit: [true, false, true, false],
    hotkeys: ["h0", "h1", "h2", "h3"], coldkeys: ["c0", "c1", "c2", "c3"],
    hyperparameters: { tempo: 99, kappa: 32767, activity_cutoff: 5000, bonds_moving_avg: 900000, max_validators: 64, alpha_low: 45875, alpha_high: 58982, liquid_alpha_enabled: false, rho: 10, immunity_period: 5000 },
    C: [0, 32767 / 65535, 1, 0], I: [0, 16384 / 65535, 49151 / 65535, 0], D: [1, 0, 0, 0], Tv: [1, 0, Math.fround(32768 / 65535), 0], E: [0.5, 0, 1.25, 0],
  };
  it("converts every attribute", () => {
    const m = importSdkJson(sdk);
    expect(m.stake).toEqual(["100500000000", "0", "2000000000000", "1"].map(BigInt));
    expect(m.weights).toEqual([[[1, 65535], [2, 65535]], [], [[0, 16384], [1, 65535]], []]);
    expect(m.bonds).toEqual([[[1, 30000], [2, 65535]], [], [[0, 1]], []]);
    expect(m.lastUpdate).toEqual([4990, 10, 4999, 0]);
    expect(m.validatorPermit).toEqual([true, false, true, false]);
    expect(m.params.tempo).toBe(99);
    expect(m.params.activityCutoff).toBe(5000);
    expect(m.coldkeys).toEqual(["c0", "c1", "c2", "c3"]);
    // last epoch at or before 5000 for netuid 3, tempo 99: (b + 4) % 100 == 0 → 4996
    expect(m.chainOutputs).toEqual({ block: 4996, consensus: [0, 32767, 65535, 0], incentive: [0, 16384, 49151, 0], dividends: [65535, 0, 0, 0], validatorTrust: [65535, 0, 32768, 0], emission: [500000000n, 0n, 1250000000n, 0n] });
    const names = m.assumptions.map((a) => `${a.field}:${a.assumption}`);
    expect(names).toEqual(expect.arrayContaining(["chainOutputs.block:last-epoch-by-tempo", "blockAtRegistration:no-recent-registration", "params.bondsPenalty:chain-default"]));
    expect(names).not.toContain("bonds:zero-bonds");
    expect(names).not.toContain("params.tempo:chain-default");
    const { params, inputs } = metagraphToEpoch(m);
    expect(() => runEpoch(params, inputs)).not.toThrow();
    expect(importMetagraph(new TextEncoder().encode(JSON.stringify(sdk)))).toEqual(m);
  });
  it("importMetagraph refuses JSON nested deeper than 100 levels (the CLI's rule) before parsing it", () => {
    // The dump's object and `source` are 2 levels: d brackets inside make 2 + d.
    const withSource = (d: number) => new TextEncoder().encode(JSON.stringify(sdk).slice(0, -1) + `,"source":{"x":${"[".repeat(d)}${"]".repeat(d)}}}`);
    expect(importMetagraph(withSource(98)).source).toEqual({ x: JSON.parse("[".repeat(98) + "]".repeat(98)) });
    for (const d of [99, 20_000]) {
      const e = inputError(() => importMetagraph(withSource(d)));
      expect(e.field).toBe("file");
      expect(e.rule).toBe("JSON nested deeper than 100 levels");
    }
  });
  it("refuses missing arrays and inconsistent lengths", () => {
    const { W: _w, ...noW } = sdk;
    expect(inputError(() => importSdkJson(noW)).field).toBe("sdk.W");
    expect(inputError(() => importSdkJson({ ...sdk, last_update: [1, 2] })).field).toBe("sdk.last_update");
    expect(inputError(() => importSdkJson({ ...sdk, W: sdk.W.slice(1) })).field).toBe("sdk.W");
    expect(inputError(() => importSdkJson({ ...sdk, n: 5 })).field).toBe("sdk.n");
    expect(inputError(() => importSdkJson({ ...sdk, B: [[0.5, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]] })).field).toBe("sdk.B[0][0]");
    expect(inputError(() => importSdkJson({ ...sdk, C: [0.3, 0, 0, 0] })).field).toBe("sdk.C[0]");
    expect(inputError(() => importSdkJson({ ...sdk, S: [1, -2, 3, 4] })).field).toBe("S[1]");
    // Holes (library callers): map skipped them and the conversion threw a TypeError.
    const hole = (v: Record<string, unknown>) => inputError(() => importSdkJson({ ...sdk, ...v }));
    expect(hole({ S: [100, , 0, 0] }).field).toBe("sdk.S[1]");
    expect(hole({ S: [100, , 0, 0] }).rule).toBe("must be given, got a hole (a missing entry of a sparse array)");
    expect(hole({ W: [sdk.W[0], , sdk.W[2], sdk.W[3]] }).field).toBe("sdk.W[1]");
    expect(hole({ W: [[0, 1, 1, 0], [0, 0, 0, 0], [0.25, , 0, 0], [0, 0, 0, 0]] }).field).toBe("sdk.W[2][1]");
    expect(hole({ last_update: [4990, , 4999, 0] }).field).toBe("sdk.last_update[1]");
    expect(hole({ hotkeys: ["h0", , "h2", "h3"] }).field).toBe("sdk.hotkeys[1]");
    expect(inputError(() => importSdkJson({ ...sdk, surprise: 1 })).field).toBe("sdk.surprise");
  });
});
