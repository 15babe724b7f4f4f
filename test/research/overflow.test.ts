// Float overflow in research mode. Chain-like (float64) kernels normalise a row or the stake
// vector whose sum overflows by scaling it by its maximum first, so the results are those of
// the scaled-down input; peer-compatible kernels compute in the peer's float type, so sums
// that overflow it are refused; non-finite inputs and results never pass silently.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runResearch, runResearchBatch, YUMA_VERSIONS, type ResearchInput, type YumaVersion } from "../../src/research/index.js";
import { YumaInputError } from "../../src/errors.js";

const CLI = join(__dirname, "..", "..", "dist", "cli.js");
const doc = (version: YumaVersion, epochs: Array<{ W: number[][]; S: number[] }>, extra: Partial<ResearchInput> = {}): ResearchInput =>
  ({ format: "yuma-research-input/1", version, epochs, ...extra }) as ResearchInput;

function refused(fn: () => unknown): YumaInputError {
  try {
    fn();
  } catch (e) {
    if (e instanceof YumaInputError) return e;
    throw e;
  }
  throw new Error("expected a YumaInputError, got a result");
}

const allZero = (xs: number[]) => xs.every((x) => x === 0);

describe("chain-like: sums past float64's maximum", () => {
  for (const version of YUMA_VERSIONS) {
    it(`${version}: W rows near 1e308 give the results of the scaled-down rows (W / 1e308)`, () => {
      // Two epochs, so bonds carry over through the scaled path too.
      const big = doc(version, [{ W: [[1e308, 1e308], [0, 1]], S: [3, 1] }, { W: [[1e308, 5e307], [0, 1]], S: [3, 1] }]);
      const scaled = doc(version, [{ W: [[1, 1], [0, 1e-308]], S: [3, 1] }, { W: [[1, 0.5], [0, 1e-308]], S: [3, 1] }]);
      const got = runResearch(big);
      expect(got).toEqual(runResearch(scaled));
      // And what the row normalises to, whatever the scale: [0.5, 0.5] / [2/3, 1/3] and [0, 1].
      expect(got).toEqual(runResearch(doc(version, [{ W: [[2, 2], [0, 7]], S: [3, 1] }, { W: [[2, 1], [0, 7]], S: [3, 1] }])));
      const e0 = got.epochs[0]!;
      expect(allZero(e0.incentive)).toBe(false);
      expect(allZero(e0.dividends)).toBe(false);
    });

    it(`${version}: a stake vector near 1e308 gives the results of the scaled-down stake`, () => {
      const W = [[1, 1], [0, 1]];
      const got = runResearch(doc(version, [{ W, S: [1e308, 1e308] }]));
      expect(got).toEqual(runResearch(doc(version, [{ W, S: [1, 1] }])));
      expect(allZero(got.epochs[0]!.dividends)).toBe(false);
      const both = runResearch(doc(version, [{ W: [[1e308, 1e308], [0, 1]], S: [1.5e308, 5e307] }]));
      expect(both).toEqual(runResearch(doc(version, [{ W: [[1, 1], [0, 1]], S: [3, 1] }])));
    });
  }

  it("the issue's input: consensus, incentive and dividends are those of W = [[1, 1], [0, 1]]", () => {
    const o = runResearch(doc("YUMA3", [{ W: [[1e308, 1e308], [0, 1]], S: [3, 1] }])).epochs[0]!;
    // Server 0: weights 0.5 (stake 3/4) and 0 → κ-quantile 0.5; server 1: 0.5 and 1 → 0.5.
    expect(o.consensus).toEqual([0.5, 0.5]);
    expect(o.incentive).toEqual([0.375 / 0.875, 0.5 / 0.875]);
  });

  it("dividends per 1000 TAO that overflow float64 are refused, naming the parameter", () => {
    const e = refused(() => runResearch(doc("YUMA3", [{ W: [[1, 1], [0, 1]], S: [3, 1] }], { params: { totalEpochEmission: 1e308, totalSubnetStake: 1 } })));
    expect(e.field).toBe("params.totalEpochEmission");
    expect(e.rule).toMatch(/epochs\[0\]'s dividendsPer1000Tao of validator \d overflow float64/);
  });

  it("runResearchBatch refuses it too, with the input's index", async () => {
    const ok = doc("YUMA3", [{ W: [[1, 1], [0, 1]], S: [3, 1] }]);
    const bad = doc("YUMA3", [{ W: [[1, 1], [0, 1]], S: [3, 1] }], { params: { totalEpochEmission: 1e308, totalSubnetStake: 1 } });
    await expect(runResearchBatch([ok, bad], { threads: 1 })).rejects.toMatchObject({ name: "YumaInputError", field: "inputs[1].params.totalEpochEmission" });
  });
});

describe("peer-compatible: values and sums beyond the peer's float type", () => {
  const peer = (epochs: Array<{ W: number[][]; S: number[] }>, params = {}) => doc("YUMA3", epochs, { peerCompat: true, params });

  it("a weight beyond float32's range is refused naming it", () => {
    const e = refused(() => runResearch(peer([{ W: [[1, 3.5e38], [0, 1]], S: [3, 1] }])));
    expect(e.field).toBe("epochs[0].W[0][1]");
    expect(e.rule).toBe("must be at most 3.4028234663852886e+38 (float32), got 3.5e+38");
    // float32's maximum itself is accepted as a value.
    expect(() => runResearch(peer([{ W: [[1, 3.4028234663852886e38], [0, 1]], S: [3, 1] }]))).not.toThrow();
  });

  it("a row whose float32 sum overflows is refused (the peer would normalise it to zeros)", () => {
    const e = refused(() => runResearch(peer([{ W: [[3e38, 3e38], [0, 1]], S: [3, 1] }])));
    expect(e.field).toBe("epochs[0].W[0]");
    expect(e.rule).toMatch(/^row sum 6\.000e\+38 overflows float32/);
    // With float64 tensors the same row is fine.
    expect(() => runResearch(peer([{ W: [[3e38, 3e38], [0, 1]], S: [3, 1] }]), { peerFloat: "float64" })).not.toThrow();
  });

  it("a total stake that overflows float32 is refused", () => {
    const e = refused(() => runResearch(peer([{ W: [[1, 1], [0, 1]], S: [3e38, 3e38] }])));
    expect(e.field).toBe("epochs[0].S");
    expect(e.rule).toMatch(/^total stake 6\.000e\+38 overflows float32/);
  });

  it("a stake whose product with totalSubnetStake overflows float32 is refused (it would pay 0)", () => {
    const e = refused(() => runResearch(peer([{ W: [[1, 1], [0, 1]], S: [1e33, 1] }])));
    expect(e.field).toBe("epochs[0].S[0]");
    expect(e.rule).toMatch(/^S\[i\] × params\.totalSubnetStake 1\.000e\+39 overflows float32/);
  });

  it("parameters beyond float32's range are refused", () => {
    const e = refused(() => runResearch(peer([{ W: [[1, 1], [0, 1]], S: [3, 1] }], { totalEpochEmission: 1e39 })));
    expect(e.field).toBe("params.totalEpochEmission");
    expect(refused(() => runResearch(peer([{ W: [[1, 1], [0, 1]], S: [3, 1] }], { alphaSigmoidSteepness: -1e39 }))).field).toBe("params.alphaSigmoidSteepness");
  });
});

describe("NaN and Infinity anywhere in the input are refused", () => {
  const W = [[1, 1], [0, 1]], S = [3, 1];
  for (const peerCompat of [false, true]) {
    for (const bad of [NaN, Infinity, -Infinity]) {
      it(`${peerCompat ? "peer-compatible" : "chain-like"}: ${bad}`, () => {
        const mk = (w: number[][], s: number[], params = {}) => doc("YUMA2", [{ W, S }, { W: w, S: s }], { peerCompat, params });
        const a = refused(() => runResearch(mk([[1, bad], [0, 1]], S)));
        expect([a.field, a.rule]).toEqual(["epochs[1].W[0][1]", `must be a finite number, got ${bad}`]);
        const b = refused(() => runResearch(mk(W, [3, bad])));
        expect([b.field, b.rule]).toEqual(["epochs[1].S[1]", `must be a finite number, got ${bad}`]);
        for (const key of ["kappa", "totalEpochEmission", "totalSubnetStake", "alphaSigmoidSteepness"]) {
          const c = refused(() => runResearch(mk(W, S, { [key]: bad })));
          expect([c.field, c.rule]).toEqual([`params.${key}`, `must be a finite number, got ${bad}`]);
        }
      });
    }
  }
});

describe("yuma research (CLI)", () => {
  const run = (input: unknown) => spawnSync(process.execPath, [CLI, "research", "-"], { input: JSON.stringify(input), encoding: "utf8" });

  it("chain-like: the issue's input runs (exit 0) with the scaled-down results", () => {
    const input = doc("YUMA3", [{ W: [[1e308, 1e308], [0, 1]], S: [3, 1] }]);
    const r = run(input);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(runResearch(doc("YUMA3", [{ W: [[1, 1], [0, 1]], S: [3, 1] }])));
  });

  for (const [name, input, pattern] of [
    ["peer-compatible row sum", doc("YUMA3", [{ W: [[3e38, 3e38], [0, 1]], S: [3, 1] }], { peerCompat: true }), /^yuma: epochs\[0\]\.W\[0\]: row sum 6\.000e\+38 overflows float32/],
    ["peer-compatible value", doc("YUMA3", [{ W: [[1e308, 1e308], [0, 1]], S: [3, 1] }], { peerCompat: true }), /^yuma: epochs\[0\]\.W\[0\]\[0\]: must be at most 3\.4028234663852886e\+38 \(float32\), got 1e\+308\n$/],
    ["dividends per 1000 TAO", doc("YUMA3", [{ W: [[1, 1], [0, 1]], S: [3, 1] }], { params: { totalEpochEmission: 1e308, totalSubnetStake: 1 } }), /^yuma: params\.totalEpochEmission: makes epochs\[0\]'s dividendsPer1000Tao/],
  ] as const) {
    it(`refuses ${name}: exit 2, one line on stderr`, () => {
      const r = run(input);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(pattern);
    });
  }
});

describe("chain-like normalisations: products with the sum's reciprocal, divisions where it is not a normal number", () => {
  const chain = (version: YumaVersion, W: number[][], S: number[]) => runResearch(doc(version, [{ W, S }, { W, S }]));
  for (const version of YUMA_VERSIONS) {
    it(`${version}: a row with one non-zero weight normalises to exactly 1 (49 · (1/49) is 1 − 2^-53)`, () => {
      expect(49 * (1 / 49)).not.toBe(1); // (the product these kernels would give otherwise)
      // Each validator weighs one server alone (49): the normalised rows are [1, 0] and [0, 1],
      // the results those of weights of 1, and the consensus of server 0 exactly 1.
      const got = chain(version, [[49, 0], [0, 49]], [3, 1]);
      expect(got).toEqual(chain(version, [[1, 0], [0, 1]], [3, 1]));
      expect(got.epochs[1]!.consensus).toEqual([1, 0]);
    });

    it(`${version}: rows summing below 2^-1024 (the reciprocal overflows) and above 2^1022 (it is subnormal) give the quotients of a division`, () => {
      // [2^-1070, 2^-1069] and [2^1021, 2^1022] are [1, 2] scaled by powers of two: a
      // division gives 1/3 and 2/3 exactly as for [1, 2]; x · (1/c) would give Infinity for
      // the first, and lose bits of the subnormal 1/c for the second.
      const tiny = [2 ** -1070, 2 ** -1069], huge = [2 ** 1021, 2 ** 1022];
      const ref = chain(version, [[1, 2], [2, 1]], [3, 1]);
      expect(chain(version, [tiny, [2, 1]], [3, 1])).toEqual(ref);
      expect(chain(version, [huge, [2, 1]], [3, 1])).toEqual(ref);
      expect(chain(version, [[1, 2], [2, 1]], [3 * 2 ** 1021, 2 ** 1021])).toEqual(ref);
    });
  }
});
