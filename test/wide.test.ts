// assembly/wide.ts (u128 fixed point) against BigInt: products floored and saturated at
// 2^128 − 1, quotients ⌊a·2^s / b⌋ refused (false, 0) on a zero divisor or a quotient of
// 2^128 or more, saturating add/sub, and saturating_to_num::<u64>.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { engine } from "../src/wasm.js";

const M64 = (1n << 64n) - 1n;
const U128_MAX = (1n << 128n) - 1n;
const w = engine() as unknown as Record<string, (...a: unknown[]) => unknown>;
const split = (x: bigint): [bigint, bigint] => [x >> 64n, x & M64];
const got = () => (BigInt.asUintN(64, w.wdHi!() as bigint) << 64n) | BigInt.asUintN(64, w.wdLo!() as bigint);

// Values from every magnitude, with the edges a carry or a normalisation step gets wrong.
const u128 = fc.oneof(
  fc.bigInt({ min: 0n, max: U128_MAX }),
  fc.bigInt({ min: 0n, max: M64 }),
  fc.bigInt({ min: 0n, max: (1n << 96n) - 1n }),
  fc.integer({ min: 0, max: 128 }).chain((k) => fc.bigInt({ min: -2n, max: 2n }).map((d) => {
    const v = (1n << BigInt(k)) + d;
    return v < 0n ? 0n : v > U128_MAX ? U128_MAX : v;
  })),
  fc.constantFrom(0n, 1n, M64, 1n << 64n, U128_MAX, U128_MAX - 1n, (1n << 127n) + 1n),
);
const shift = fc.constantFrom(0, 32, 64, 1, 63, 96, 128);

describe("wide: u128 fixed point", () => {
  it("mulShr is ⌊a·b/2^s⌋, saturated", () => {
    fc.assert(fc.property(u128, u128, shift, (a, b, s) => {
      w.wdMulShr!(...split(a), ...split(b), s);
      const exact = (a * b) >> BigInt(s);
      expect(got()).toBe(exact > U128_MAX ? U128_MAX : exact);
      expect(Boolean(w.wdOver!())).toBe(exact > U128_MAX);
    }), { numRuns: 4000 });
  });

  it("divShl is ⌊a·2^s/b⌋, None on 0 or overflow", () => {
    fc.assert(fc.property(u128, u128, shift, (a, b, s) => {
      const ok = Boolean(w.wdDivShl!(...split(a), ...split(b), s));
      if (b === 0n) {
        expect(ok).toBe(false);
        expect(got()).toBe(0n);
        return;
      }
      const q = (a << BigInt(s)) / b;
      expect(ok).toBe(q <= U128_MAX);
      expect(got()).toBe(q <= U128_MAX ? q : 0n);
    }), { numRuns: 6000 });
  });

  it("divShl: hand-checked quotients (Knuth add-back and one-word paths)", () => {
    // 2^128 − 1 over 2^64 + 1 (two-word divisor) and 2^64·3 + 5 over 7 (one word).
    w.wdDivShl!(...split(U128_MAX), ...split((1n << 64n) + 1n), 0);
    expect(got()).toBe(18446744073709551615n);
    w.wdDivShl!(...split((3n << 64n) + 5n), 0n, 7n, 0);
    expect(got()).toBe(7905747460161236407n);
    // The docs/economics.md case 1 price share: ⌊2^62·2^64 / (1.125·2^64)⌋.
    w.wdDivShl!(0n, 1n << 62n, 1n, 1n << 61n, 64);
    expect(got()).toBe(4099276460824344803n);
  });

  it("addSat / subSat saturate; toU64 floors and clamps", () => {
    fc.assert(fc.property(u128, u128, fc.constantFrom(0, 32, 64), (a, b, f) => {
      w.wdAddSat!(...split(a), ...split(b));
      expect(got()).toBe(a + b > U128_MAX ? U128_MAX : a + b);
      w.wdSubSat!(...split(a), ...split(b));
      expect(got()).toBe(a > b ? a - b : 0n);
      const int = a >> BigInt(f);
      expect(BigInt.asUintN(64, w.wdToU64!(...split(a), f) as bigint)).toBe(int > M64 ? M64 : int);
    }), { numRuns: 3000 });
  });
});
