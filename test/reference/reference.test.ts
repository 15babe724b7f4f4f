// Validates the BigInt reference (test/reference/*.ts, a port of subtensor's epoch_mechanism)
// against every golden fixture: each `expected` block, and each `trace` block where present,
// must come out exactly. The engine under test is not involved here: this is what makes the
// reference trustworthy as the oracle of test/differential.test.ts.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { epochMechanism, refToJson, runReferenceTrajectory } from "./epoch.js";
import { E_I32F32, I32F32, I64F64, ONE, checkedDiv, exp, fx, safeDiv, saturatingMul, fromFixed, toU64 } from "./fixed.js";
import { expSafe, isTopkNonzero, weightedMedian } from "./math.js";

const dir = join(__dirname, "..", "fixtures", "epoch");
const files = readdirSync(dir).filter((f) => f.endsWith(".json")).sort();

describe("reference epoch reproduces the golden fixtures", () => {
  it("sees all 75 scenarios", () => {
    expect(files.length).toBe(75);
  });
  for (const file of files) {
    it(file, () => {
      const fx = JSON.parse(readFileSync(join(dir, file), "utf8"));
      if (fx.kind === "epoch") {
        const got = refToJson(epochMechanism(fx.params, fx.inputs), !!fx.trace);
        const { trace, ...rest } = got;
        if (fx.trace) expect(trace).toEqual(fx.trace);
        expect(rest).toEqual(fx.expected);
      } else {
        expect(fx.kind).toBe("trajectory");
        const outs = runReferenceTrajectory(fx);
        expect(outs.length).toBe(fx.epochs.length);
        fx.epochs.forEach((ep: any, k: number) => {
          const { trace, ...rest } = refToJson(outs[k]!, !!ep.trace);
          if (ep.trace) expect({ epoch: k, trace }).toEqual({ epoch: k, trace: ep.trace });
          expect({ epoch: k, ...rest }).toEqual({ epoch: k, ...ep.expected });
        });
      }
    });
  }
});

// A few hand-checked facts of the fixed-point layer (values worked out from the crate's rules,
// independently of the fixtures).
describe("reference fixed-point primitives", () => {
  it("I32F32 multiplication floors toward −∞ and saturates by sign", () => {
    expect(saturatingMul(I32F32, -1n, 1n)).toBe(-1n); // −2^-32 · 2^-32 → floor → −2^-32
    expect(saturatingMul(I32F32, 3n, ONE >> 1n)).toBe(1n); // 3·2^-32 · 0.5 = 1.5·2^-32 → 1
    expect(saturatingMul(I32F32, fx(1n << 20n), fx(1n << 20n))).toBe(I32F32.max);
    expect(saturatingMul(I32F32, fx(-(1n << 20n)), fx(1n << 20n))).toBe(I32F32.min);
  });
  it("division truncates toward zero; safe_div is 0 on zero divisor and on overflow", () => {
    expect(checkedDiv(I32F32, -1n, fx(2))).toBe(0n); // −2^-33 truncates to 0
    expect(safeDiv(I32F32, fx(5), 0n)).toBe(0n);
    expect(safeDiv(I32F32, fx(1n << 30n), 1n)).toBe(0n); // 2^30 / 2^-32 overflows
    expect(safeDiv(I32F32, fx(1), fx(3))).toBe(1431655765n);
  });
  it("conversions truncate fractional bits toward −∞ and saturate", () => {
    expect(fromFixed(I32F32, I64F64, (1n << 64n) - 1n)).toBe((1n << 32n) - 1n);
    expect(fromFixed(I32F32, I64F64, -1n)).toBe(-1n);
    expect(toU64(I32F32, -1n)).toBe(0n);
    expect(fromFixed(I32F32, I64F64, 1n << 126n)).toBe(I32F32.max);
  });
  it("exp follows the crate's series (e and the clamp of exp_safe)", () => {
    expect(exp(0n)).toBe(ONE);
    expect(exp(ONE)).toBe(E_I32F32);
    // e as I9F23 widened: 2.71828174591064453125 (the 23-bit truncation of e)
    expect(Number(E_I32F32) / 2 ** 32).toBe(2.71828174591064453125);
    expect(expSafe(fx(1000))).toBe(expSafe(fx(20)));
    expect(expSafe(fx(-1000))).toBe(expSafe(fx(-20)));
    const e2 = Number(exp(fx(2))!) / 2 ** 32;
    expect(Math.abs(e2 - Math.exp(2))).toBeLessThan(1e-6);
  });
  it("top-k keeps the later uid among equal stakes (stable ascending sort drops the first ones)", () => {
    expect(isTopkNonzero([5n, 5n, 5n, 0n], 2)).toEqual([false, true, true, false]);
    expect(isTopkNonzero([5n, 5n], 3)).toEqual([true, true]);
    expect(isTopkNonzero([0n, 7n], 0)).toEqual([false, false]);
  });
  it("weighted median: mid pivot, equal scores dropped from both sides", () => {
    const half = ONE / 2n;
    // two voters of equal stake scoring 0.2 and 0.8, minority 1 − 0.5: pivot (index 1) is 0.8;
    // lower {0.2} has stake 0.5, minority 0.5 < 0 + 0.5 is false; upper empty → 0.8.
    const s = [half, half];
    const sc = [fx(1) / 5n, (fx(4) / 5n)];
    expect(weightedMedian(s, sc, [0, 1], ONE - half, 0n, ONE)).toBe(sc[1]);
  });
});
