// The WASM fixed-point primitives against independent BigInt references.
//
// The references are written from the semantics of the `substrate-fixed` crate (v0.6.0) as
// subtensor uses it, not from assembly/fixed.ts:
//   * I32F32 multiply: exact i128 product, arithmetic shift right by 32 (= floor), then either
//     saturated (saturating_mul) or reported as overflow (checked_mul);
//   * I32F32 divide: (a << 32) / b in i128, Rust integer division (truncation toward zero);
//     checked: None on a zero divisor or when the quotient leaves i64;
//   * `transcendental::exp`: the crate's Taylor loop `for i in 2..frac_nbits` with checked
//     mul/div/add, 1/result for negative inputs, and the I9F23 constant E for exp(1);
//   * subtensor's `exp_safe`, `fixed_proportion_to_u16`, u16 → proportion, I96F32 rao products.
// Both WASM builds (baseline and SIMD) are checked when the engine accepts the SIMD one.
import { describe, expect, it } from "vitest";
import { instantiate, wasmBuildBytes, type YumaExports } from "../src/wasm.js";

const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;
const U64_MAX = (1n << 64n) - 1n;
const MASK64 = U64_MAX;
const ONE = 1n << 32n;
const inI64 = (x: bigint) => x >= I64_MIN && x <= I64_MAX;
const u64 = (x: bigint) => BigInt.asUintN(64, x);
const i64 = (x: bigint) => BigInt.asIntN(64, x);

// ---------------------------------------------------------------- references

interface Checked { value: bigint; overflow: boolean }

/** I32F32 product: floor(a·b / 2^32); on overflow the saturated value. */
function refMul(a: bigint, b: bigint): Checked {
  const p = (a * b) >> 32n; // BigInt >> is an arithmetic shift: floor for negatives
  if (inI64(p)) return { value: p, overflow: false };
  return { value: p < 0n ? I64_MIN : I64_MAX, overflow: true };
}

/** I32F32 quotient: (a·2^32)/b truncated toward zero; saturated (or 0 for /0) on overflow. */
function refDiv(a: bigint, b: bigint): Checked {
  if (b === 0n) return { value: 0n, overflow: true };
  const q = (a << 32n) / b; // BigInt division truncates toward zero, like Rust's i128 `/`
  if (inI64(q)) return { value: q, overflow: false };
  return { value: q < 0n ? I64_MIN : I64_MAX, overflow: true };
}

/** `checked_div(..).unwrap_or_default()`. */
function refSafeDiv(a: bigint, b: bigint): bigint {
  const r = refDiv(a, b);
  return r.overflow ? 0n : r.value;
}

function refImul128(a: bigint, b: bigint): [bigint, bigint] {
  const p = BigInt.asUintN(128, a * b);
  return [p >> 64n, p & MASK64];
}

function refUdiv128(hi: bigint, lo: bigint, d: bigint): [bigint, bigint] {
  const q = ((hi << 64n) | lo) / d;
  return [q >> 64n, q & MASK64];
}

// substrate-fixed consts::E is a U2F126; transcendental::E = I9F23(E.to_bits() >> 103).
const E_U2F126 = 0xadf8_5458_a2bb_4a9a_afdc_5620_273d_3cf1n;
const E_I9F23 = E_U2F126 >> 103n;
const E_I32F32 = E_I9F23 << 9n; // I32F32::from(I9F23): 23 → 32 fractional bits

/** substrate-fixed `transcendental::exp::<I32F32, I32F32>`; err = the crate's Err(()). */
function refExp(x: bigint): { value: bigint; err: boolean } {
  const ERR = { value: 0n, err: true };
  if (x === 0n) return { value: ONE, err: false };
  if (x === ONE) return { value: E_I32F32, err: false };
  const neg = x < 0n;
  // `-operand` and `operand + 1` are plain (wrapping in release) ops in the crate; any case
  // where they wrap fails the first checked_mul anyway.
  const op = neg ? i64(-x) : x;
  let result = i64(op + ONE);
  let term = op;
  for (let i = 2n; i < 32n; i++) {
    const m = refMul(term, op);
    if (m.overflow) return ERR;
    term = m.value;
    const d = refDiv(term, i << 32n);
    if (d.overflow) return ERR;
    term = d.value;
    const s = result + term;
    if (!inI64(s)) return ERR;
    result = s;
  }
  if (neg) {
    const d = refDiv(ONE, result);
    if (d.overflow) return ERR;
    result = d.value;
  }
  return { value: result, err: false };
}

/** subtensor `exp_safe`: clamp to [-20, 20]; 0 or I32F32::MAX when the series fails. */
function refExpSafe(x: bigint): bigint {
  let s = x;
  if (s < -20n * ONE) s = -20n * ONE;
  else if (20n * ONE < s) s = 20n * ONE;
  const r = refExp(s);
  if (!r.err) return r.value;
  return s <= 0n ? 0n : I64_MAX;
}

/** `I32F32::from_num(v).safe_div(I32F32::from_num(65535))`. */
const refU16ToProportion = (v: bigint) => (v << 32n) / 65535n;

/** `fixed_proportion_to_u16`: (x·65535).to_num::<u16>() with saturation at both ends. */
function refProportionToU16(x: bigint): number {
  const whole = refMul(x, 65535n << 32n).value >> 32n;
  if (whole < 0n) return 0;
  if (whole > 65535n) return 65535;
  return Number(whole);
}

/** I96F32(x) · I96F32(rao), saturating_to_num::<u64>. */
function refTimesRao(x: bigint, rao: bigint): bigint {
  const p = (x * rao) >> 32n; // I96F32 bits of the product = x·rao; to_num floors
  if (p < 0n) return 0n;
  return p > U64_MAX ? U64_MAX : p;
}

/** An I64F64 share num/den narrowed to I32F32: floor(num·2^32 / den); 0 when den = 0. */
const refShareOf = (num: bigint, den: bigint) => (den === 0n ? 0n : (num << 32n) / den);

// ---------------------------------------------------------------- inputs

/** SplitMix64: a seeded, deterministic PRNG over u64 BigInts. */
function splitmix(seed: bigint) {
  let s = BigInt.asUintN(64, seed);
  return () => {
    s = BigInt.asUintN(64, s + 0x9e3779b97f4a7c15n);
    let z = s;
    z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
    z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
    return z ^ (z >> 31n);
  };
}

function gens(seed: bigint) {
  const next = splitmix(seed);
  const below = (n: number) => Number(next() % BigInt(n));
  /** Unsigned with a uniformly random bit length 0..=bits. */
  const ubits = (bits: number) => {
    const len = below(bits + 1);
    return len === 0 ? 0n : (next() & ((1n << BigInt(len)) - 1n)) | (1n << BigInt(len - 1));
  };
  /** Runs of ones and zeros: the patterns that exercise carries and Knuth D corrections. */
  const runs = (bits: number) => {
    let x = 0n, at = 0;
    while (at < bits) {
      const len = 1 + below(Math.max(1, bits >> 2));
      if (below(2)) x |= ((1n << BigInt(len)) - 1n) << BigInt(at);
      at += len;
    }
    return x & ((1n << BigInt(bits)) - 1n);
  };
  /** A signed i64 from one of several shapes (any scale, uniform, runs, near 2^k). */
  const i64v = () => {
    let m: bigint;
    switch (below(4)) {
      case 0: m = ubits(63); break;
      case 1: m = next() >> 1n; break;
      case 2: m = runs(63); break;
      default: { const k = BigInt(below(63)); m = (1n << k) + BigInt(below(5)) - 2n; if (m < 0n) m = 0n; }
    }
    const v = below(2) ? -m : m;
    return below(50) === 0 ? I64_MIN : v;
  };
  const u64v = () => {
    switch (below(3)) {
      case 0: return ubits(64);
      case 1: return next();
      default: return runs(64);
    }
  };
  return { next, below, ubits, runs, i64v, u64v };
}

const EDGE: bigint[] = (() => {
  const s = new Set<bigint>();
  const base = [0n, 1n, 2n, 3n, ONE - 1n, ONE, ONE + 1n, 1n << 31n, (1n << 31n) - 1n, (1n << 31n) + 1n,
    1n << 62n, (1n << 62n) - 1n, I64_MAX, I64_MAX - 1n, 65535n << 32n, 1n << 48n, 1n << 16n,
    3037000499n, 3037000500n, // ~ sqrt(2^63)
    0x7fff_ffffn << 32n, (0x7fff_ffffn << 32n) + 0xffff_fffen, 0xffff_ffffn, 0x1_0000_0001n];
  for (const b of base) { s.add(b); s.add(-b); }
  s.add(I64_MIN);
  s.add(I64_MIN + 1n);
  return [...s];
})();

// ---------------------------------------------------------------- modules

function builds(): Array<[string, YumaExports]> {
  const out: Array<[string, YumaExports]> = [["baseline", instantiate(new WebAssembly.Module(wasmBuildBytes("baseline") as BufferSource))]];
  const simd = wasmBuildBytes("simd");
  if (WebAssembly.validate(simd as BufferSource)) out.push(["simd", instantiate(new WebAssembly.Module(simd as BufferSource))]);
  return out;
}

const hex = (x: bigint) => (x < 0n ? "-0x" + (-x).toString(16) : "0x" + x.toString(16));

for (const [build, w] of builds()) {
  const mul = (a: bigint, b: bigint): Checked => {
    const value = w.fxMul(a, b);
    return { value, overflow: w.fxOverflowed() !== 0 };
  };
  const div = (a: bigint, b: bigint): Checked => {
    const value = w.fxDiv(a, b);
    return { value, overflow: w.fxOverflowed() !== 0 };
  };
  const imul = (a: bigint, b: bigint): [bigint, bigint] => {
    w.fxImul128(a, b);
    return [u64(w.fxHi()), u64(w.fxLo())];
  };
  const udiv = (hi: bigint, lo: bigint, d: bigint): [bigint, bigint] => {
    w.fxUdiv128(hi, lo, d);
    return [u64(w.fxHi()), u64(w.fxLo())];
  };
  const exp = (x: bigint) => {
    const value = w.fxExp(x);
    return { value, err: w.fxOverflowed() !== 0 };
  };

  /** Compare a list of cases at once so a failure shows every mismatching input. */
  function agree<A extends unknown[], R>(cases: A[], got: (...a: A) => R, want: (...a: A) => R) {
    const bad: Array<{ input: string; got: R; want: R }> = [];
    for (const c of cases) {
      const g = got(...c), e = want(...c);
      if (JSON.stringify(g, (_, v) => (typeof v === "bigint" ? hex(v) : v)) !== JSON.stringify(e, (_, v) => (typeof v === "bigint" ? hex(v) : v))) {
        if (bad.length < 10) bad.push({ input: c.map((v) => (typeof v === "bigint" ? hex(v) : String(v))).join(", "), got: g, want: e });
      }
    }
    expect(bad).toEqual([]);
  }

  const pairs = (xs: bigint[], ys: bigint[] = xs) => xs.flatMap((a) => ys.map((b) => [a, b] as [bigint, bigint]));

  describe(`fixed point (${build} build)`, () => {
    describe("mul (I32F32 saturating/checked)", () => {
      it("hand-computed values", () => {
        expect(mul(ONE, ONE)).toEqual({ value: ONE, overflow: false });
        expect(mul(ONE / 2n, ONE / 2n)).toEqual({ value: ONE / 4n, overflow: false });
        expect(mul(3n * ONE, -2n * ONE)).toEqual({ value: -6n * ONE, overflow: false });
        // 1 raw · 1 raw = 2^-64 → floor 0; −1 raw · 1 raw = −2^-64 → floor is −1 raw (toward −∞)
        expect(mul(1n, 1n)).toEqual({ value: 0n, overflow: false });
        expect(mul(-1n, 1n)).toEqual({ value: -1n, overflow: false });
        expect(mul(-1n, -1n)).toEqual({ value: 0n, overflow: false });
        // 2^31 · 2^31 = 2^62 exactly
        expect(mul(1n << 31n << 32n, 1n << 31n << 32n)).toEqual({ value: I64_MAX, overflow: true });
        // 2^47 raw · 2^48 raw = 2^95 → 2^63 raw: one past i64::MAX; the negative product fits exactly
        expect(mul(1n << 47n, 1n << 48n)).toEqual({ value: I64_MAX, overflow: true });
        expect(mul(1n << 47n, -(1n << 48n))).toEqual({ value: I64_MIN, overflow: false });
        expect(mul((1n << 47n) - 1n, 1n << 48n)).toEqual({ value: I64_MAX - (1n << 16n) + 1n, overflow: false });
        expect(mul(I64_MIN, ONE)).toEqual({ value: I64_MIN, overflow: false });
        expect(mul(I64_MIN, -ONE)).toEqual({ value: I64_MAX, overflow: true });
        expect(mul(I64_MAX, 0n)).toEqual({ value: 0n, overflow: false });
        expect(mul(I64_MIN, I64_MIN)).toEqual({ value: I64_MAX, overflow: true });
        expect(mul(I64_MIN, I64_MAX)).toEqual({ value: I64_MIN, overflow: true });
      });
      it("all pairs of edge values", () => {
        agree(pairs(EDGE), mul, refMul);
      });
      it("random operands of every scale, and products around the saturation bound", () => {
        const g = gens(1n);
        const cases: Array<[bigint, bigint]> = [];
        for (let k = 0; k < 4000; k++) cases.push([g.i64v(), g.i64v()]);
        for (let k = 0; k < 3000; k++) {
          // bit lengths summing to 94..96: the 2^63 · 2^32 boundary of the product
          const la = 32 + g.below(32), lb = 94 + g.below(3) - la;
          let a = (g.next() & ((1n << BigInt(la)) - 1n)) | (1n << BigInt(la - 1));
          let b = (g.next() & ((1n << BigInt(lb)) - 1n)) | (1n << BigInt(lb - 1));
          if (a > I64_MAX) a = I64_MAX;
          if (b > I64_MAX) b = I64_MAX;
          cases.push([g.below(2) ? -a : a, g.below(2) ? -b : b]);
        }
        // operands in [0, 1) (the engine's fast path) and just outside it
        for (let k = 0; k < 1000; k++) cases.push([g.next() >> 32n, (g.next() >> 31n) - 1n]);
        agree(cases, mul, refMul);
      });
    });

    describe("div / safeDiv (I32F32, truncating)", () => {
      it("hand-computed values", () => {
        expect(div(ONE, 3n * ONE)).toEqual({ value: 1431655765n, overflow: false }); // ⌊2^32/3⌋
        expect(div(-ONE, 3n * ONE)).toEqual({ value: -1431655765n, overflow: false }); // toward zero, not −∞
        expect(div(ONE, -3n * ONE)).toEqual({ value: -1431655765n, overflow: false });
        expect(div(-ONE, -3n * ONE)).toEqual({ value: 1431655765n, overflow: false });
        expect(div(7n * ONE, 2n * ONE)).toEqual({ value: 7n * ONE / 2n, overflow: false });
        expect(div(1n, ONE)).toEqual({ value: 1n, overflow: false });
        expect(div(-1n, 3n * ONE)).toEqual({ value: 0n, overflow: false }); // −1/3 raw → 0
        expect(div(ONE, 0n).overflow).toBe(true);
        expect(div(0n, 0n).overflow).toBe(true);
        expect(w.fxSafeDiv(ONE, 0n)).toBe(0n);
        expect(w.fxSafeDiv(I64_MIN, 0n)).toBe(0n);
        // quotient exactly −2^63 fits, +2^63 does not
        expect(div(-(1n << 31n), 1n)).toEqual({ value: I64_MIN, overflow: false });
        expect(div(-(1n << 32n), 2n)).toEqual({ value: I64_MIN, overflow: false });
        expect(div(1n << 32n, 2n)).toEqual({ value: I64_MAX, overflow: true });
        expect(w.fxSafeDiv(1n << 32n, 2n)).toBe(0n);
        expect(div((1n << 31n) - 1n, 1n)).toEqual({ value: ((1n << 31n) - 1n) << 32n, overflow: false });
        expect(div(I64_MIN, -1n)).toEqual({ value: I64_MAX, overflow: true });
        expect(div(I64_MIN, ONE)).toEqual({ value: I64_MIN, overflow: false });
        expect(div(I64_MIN, -ONE)).toEqual({ value: I64_MAX, overflow: true });
        expect(div(I64_MAX, I64_MAX)).toEqual({ value: ONE, overflow: false });
        expect(div(I64_MIN, I64_MIN)).toEqual({ value: ONE, overflow: false });
        expect(div(0n, -5n)).toEqual({ value: 0n, overflow: false });
      });
      it("a in [0.5, 1) divided by 1 raw (2^-32) overflows: quotient a·2^32 >= 2^63", () => {
        // (0.5 · 2^32 raw) / 1 raw = 2^31 as a number = 2^63 raw: one past i64::MAX.
        // checked_div gives None, saturating_div gives i64::MAX, safe_div gives 0.
        for (const a of [1n << 31n, (1n << 31n) + 1n, 0xb504_f333n, ONE - 1n]) {
          expect({ a: hex(a), ...div(a, 1n) }).toEqual({ a: hex(a), value: I64_MAX, overflow: true });
          expect({ a: hex(a), safe: w.fxSafeDiv(a, 1n) }).toEqual({ a: hex(a), safe: 0n });
          // with a negative divisor the quotient is −a·2^32 <= −2^63: fits only for a = 2^31
          const neg = refDiv(a, -1n);
          expect({ a: hex(a), ...div(a, -1n) }).toEqual({ a: hex(a), ...neg });
        }
        // just inside: (2^31 − 1) raw / 1 raw = (2^31 − 1)·2^32 fits
        expect(div((1n << 31n) - 1n, 1n)).toEqual({ value: ((1n << 31n) - 1n) << 32n, overflow: false });
      });
      it("all pairs of edge values", () => {
        agree(pairs(EDGE), div, refDiv);
        agree(pairs(EDGE), (a, b) => w.fxSafeDiv(a, b), refSafeDiv);
      });
      it("random operands, and quotients just inside / just outside the i64 range", () => {
        const g = gens(2n);
        const cases: Array<[bigint, bigint]> = [];
        for (let k = 0; k < 4000; k++) cases.push([g.i64v(), g.i64v()]);
        for (let k = 0; k < 4000; k++) {
          // |a|·2^32 / |b| ≈ 2^63, i.e. |a| ≈ |b|·2^31 (only possible for |b| < 2^32):
          // exact multiples ± a few raw units, and k·2^61 for k = 1..4 (4 overflows)
          let b = g.ubits(32);
          if (b === 0n) b = 1n;
          let a = (b << 31n) + BigInt(g.below(9)) - 4n;
          if (g.below(4) === 0) a = (b * BigInt(1 + g.below(4))) << 29n;
          if (g.below(4) === 0) a += BigInt(g.below(Number(b > 1000n ? 1000n : b))); // within one quotient step
          if (a > I64_MAX) a = I64_MAX;
          if (a < 0n) a = 0n;
          cases.push([g.below(2) ? -a : a, g.below(2) ? -b : b]);
        }
        const abs = (x: bigint) => (x < 0n ? -x : x);
        const near = cases.slice(-4000).filter(([a, b]) => { const q = abs((a << 32n) / b); return q >= (1n << 62n) && q < (1n << 64n); });
        expect(near.length).toBeGreaterThan(3000); // the generator really lands at the boundary
        for (const [a, b] of [[1n << 31n, 1n], [(1n << 31n) - 1n, 1n], [(1n << 32n) - 2n, 2n], [(1n << 32n) - 1n, 2n],
          [(0xffff_ffffn << 31n), 0xffff_ffffn], [(0xffff_ffffn << 31n) - 1n, 0xffff_ffffn], [(0xffff_ffffn << 31n) + 1n, 0xffff_ffffn]]) {
          for (const [sa, sb] of [[1n, 1n], [1n, -1n], [-1n, 1n], [-1n, -1n]]) cases.push([a! * sa!, b! * sb!]);
        }
        for (let k = 0; k < 1000; k++) cases.push([g.next() >> 32n, g.i64v()]); // engine fast path
        for (let k = 0; k < 200; k++) cases.push([g.i64v(), 0n]);
        agree(cases, div, refDiv);
        agree(cases, (a, b) => w.fxSafeDiv(a, b), refSafeDiv);
      });
    });

    describe("imul128 (signed 64×64 → 128)", () => {
      it("hand-computed values", () => {
        expect(imul(0n, I64_MIN)).toEqual([0n, 0n]);
        expect(imul(-1n, 1n)).toEqual([U64_MAX, U64_MAX]);
        expect(imul(-1n, -1n)).toEqual([0n, 1n]);
        expect(imul(I64_MIN, I64_MIN)).toEqual([1n << 62n, 0n]);
        expect(imul(I64_MIN, 1n)).toEqual([U64_MAX, 1n << 63n]);
        expect(imul(I64_MIN, -1n)).toEqual([0n, 1n << 63n]);
        expect(imul(I64_MAX, I64_MAX)).toEqual([(1n << 62n) - 1n, 1n]);
        expect(imul(I64_MAX, I64_MIN)).toEqual([u64(-(1n << 62n)), 1n << 63n]);
        expect(imul(ONE, ONE)).toEqual([1n, 0n]);
        expect(imul(0xffff_ffffn, 0xffff_ffffn)).toEqual([0n, 0xffff_fffe_0000_0001n]);
      });
      it("edge pairs and random operands match BigInt", () => {
        const g = gens(3n);
        const cases: Array<[bigint, bigint]> = pairs(EDGE);
        for (let k = 0; k < 5000; k++) cases.push([g.i64v(), g.i64v()]);
        agree(cases, imul, refImul128);
      });
    });

    describe("udiv128 (unsigned 128 / 64 → 128 quotient)", () => {
      it("hand-computed values", () => {
        expect(udiv(0n, 0n, 1n)).toEqual([0n, 0n]);
        expect(udiv(U64_MAX, U64_MAX, 1n)).toEqual([U64_MAX, U64_MAX]);
        expect(udiv(U64_MAX, U64_MAX, U64_MAX)).toEqual([1n, 1n]); // (2^128−1)/(2^64−1) = 2^64+1
        expect(udiv(1n, 0n, 2n)).toEqual([0n, 1n << 63n]);
        expect(udiv(1n, 0n, 3n)).toEqual([0n, 0x5555_5555_5555_5555n]);
        expect(udiv(1n << 63n, 0n, 1n << 63n)).toEqual([1n, 0n]);
        expect(udiv(0n, 12345n, 10n)).toEqual([0n, 1234n]);
        // hi = d − 1: the largest numerator with a 64-bit quotient
        expect(udiv(U64_MAX - 1n, U64_MAX, U64_MAX)).toEqual([0n, U64_MAX]);
      });
      it("structured cases: high-bit divisors, tiny divisors, hi close to the divisor", () => {
        const g = gens(4n);
        const divisors = [1n, 2n, 3n, 7n, 10n, 0xffffn, 0xffff_ffffn, 1n << 32n, (1n << 32n) + 1n, 0x1_ffff_ffffn,
          1n << 63n, (1n << 63n) + 1n, U64_MAX, U64_MAX - 1n, 0x8000_0000_ffff_ffffn, 0xffff_ffff_0000_0000n,
          0x8000_0001_0000_0000n, 0xffff_fffe_ffff_ffffn, 0x7fff_ffff_ffff_ffffn, 0x7fff_ffff_8000_0000n];
        const cases: Array<[bigint, bigint, bigint]> = [];
        for (const d of divisors) {
          const his = [0n, 1n, d - 1n, d, d + 1n, d >> 1n, U64_MAX, U64_MAX - d, 0x8000_0000_0000_0000n]
            .filter((h) => h >= 0n && h <= U64_MAX);
          const los = [0n, 1n, U64_MAX, U64_MAX - 1n, d - 1n, d, 1n << 63n, 0xffff_ffff_0000_0000n, 0xffff_ffffn];
          for (const h of his) for (const l of los) cases.push([h, l, d]);
        }
        // Random divisors with the high bit set, numerator hi just below the divisor
        for (let k = 0; k < 2000; k++) {
          const d = g.next() | (1n << 63n);
          const back = BigInt(g.below(4));
          cases.push([d - 1n - back, g.u64v(), d]);
        }
        // Divisors that are runs of ones/zeros, numerators likewise (Knuth D correction steps)
        for (let k = 0; k < 2000; k++) {
          let d = g.runs(64);
          if (d === 0n) d = 1n;
          cases.push([g.runs(64), g.runs(64), d]);
        }
        agree(cases, udiv, refUdiv128);
      });
      it("random numerators and divisors of every scale", () => {
        const g = gens(5n);
        const cases: Array<[bigint, bigint, bigint]> = [];
        for (let k = 0; k < 5000; k++) {
          let d = g.u64v();
          if (d === 0n) d = 1n;
          cases.push([g.below(4) === 0 ? 0n : g.u64v(), g.u64v(), d]);
        }
        for (let k = 0; k < 1000; k++) {
          // small divisors
          const d = BigInt(1 + g.below(1 << 16));
          cases.push([g.u64v(), g.u64v(), d]);
        }
        agree(cases, udiv, refUdiv128);
      });
    });

    describe("exp (substrate-fixed transcendental::exp) and exp_safe", () => {
      it("special inputs", () => {
        expect(exp(0n)).toEqual({ value: ONE, err: false });
        // exp(1) is the crate's I9F23 constant, not the series
        expect(E_I9F23).toBe(22802600n);
        expect(exp(ONE)).toEqual({ value: E_I32F32, err: false });
        expect(exp(I64_MIN).err).toBe(true);
        expect(exp(I64_MAX).err).toBe(true);
        expect(exp(-I64_MAX).err).toBe(true);
        expect(exp(22n * ONE).err).toBe(true); // e^22 > 2^31
        expect(exp(-22n * ONE).err).toBe(true); // the crate computes 1/e^22, so it fails the same way
      });
      it("matches the BigInt series on a grid and on random inputs", () => {
        const g = gens(6n);
        const xs: bigint[] = [...EDGE];
        for (let k = -96; k <= 96; k++) xs.push((BigInt(k) * ONE) / 4n); // −24..24 in quarters
        for (let k = 0; k < 1500; k++) {
          // mostly |x| < 32 (where the series does not overflow), some anywhere
          const x = g.below(5) === 0 ? g.i64v() : (g.next() % (64n * ONE)) - 32n * ONE;
          xs.push(x);
        }
        xs.push(ONE - 1n, ONE + 1n, -ONE, -ONE + 1n, 21n * ONE, -21n * ONE, 1n, -1n);
        agree(xs.map((x) => [x] as [bigint]), exp, refExp);
      });
      it("is close to Math.exp on [-20, 20] (loose tolerance)", () => {
        const bad: string[] = [];
        for (let k = -200; k <= 200; k++) {
          const x = k / 10;
          const raw = BigInt(Math.round(x * 2 ** 32));
          const r = exp(raw);
          expect(r.err).toBe(false);
          const got = Number(r.value) / 2 ** 32, want = Math.exp(Number(raw) / 2 ** 32);
          // The 30-step Taylor sum is accurate to ~1e-7 relative up to |x| = 10; at |x| = 20 the
          // truncated tail costs ~1.3 %. For negative x the 1/result adds up to 2^-32 absolute.
          const rel = Math.abs(x) <= 10 ? 1e-6 : 2e-2;
          if (Math.abs(got - want) > rel * want + 2 ** -31) bad.push(`exp(${x}) = ${got}, Math.exp = ${want}`);
        }
        expect(bad).toEqual([]);
      });
      it("exp_safe clamps to [-20, 20]", () => {
        const e20 = refExp(20n * ONE), em20 = refExp(-20n * ONE);
        expect(e20.err || em20.err).toBe(false);
        for (const x of [20n * ONE, 20n * ONE + 1n, 21n * ONE, 1000n * ONE, I64_MAX]) expect(w.fxExpSafe(x)).toBe(e20.value);
        for (const x of [-20n * ONE, -20n * ONE - 1n, -21n * ONE, -1000n * ONE, I64_MIN]) expect(w.fxExpSafe(x)).toBe(em20.value);
        expect(Math.abs(Number(e20.value) / 2 ** 32 / Math.exp(20) - 1)).toBeLessThan(2e-2);
        const g = gens(7n);
        const xs: bigint[] = [...EDGE];
        for (let k = 0; k < 1500; k++) xs.push(g.below(3) === 0 ? g.i64v() : (g.next() % (48n * ONE)) - 24n * ONE);
        agree(xs.map((x) => [x] as [bigint]), (x) => w.fxExpSafe(x), refExpSafe);
      });
    });

    describe("u16 ⇄ proportion", () => {
      it("u16ToProportion for all 65536 values", () => {
        const bad: string[] = [];
        for (let v = 0; v <= 65535; v++) {
          const got = w.fxU16ToProportion(v), want = refU16ToProportion(BigInt(v));
          if (got !== want && bad.length < 10) bad.push(`${v}: got ${got}, want ${want}`);
        }
        expect(bad).toEqual([]);
        expect(w.fxU16ToProportion(0)).toBe(0n);
        expect(w.fxU16ToProportion(65535)).toBe(ONE);
        expect(w.fxU16ToProportion(32767)).toBe(2147450879n); // ⌊32767·2^32/65535⌋ by hand
      });
      it("proportionToU16 on edge values", () => {
        const cases: Array<[bigint, number]> = [
          [0n, 0], [ONE, 65535], [ONE - 1n, 65534], [ONE + 1n, 65535], [2n * ONE, 65535],
          [ONE / 2n, 32767], [-1n, 0], [-ONE, 0], [I64_MIN, 0], [I64_MAX, 65535],
          [65536n, 0], [65537n, 0], [65538n, 1], // 65537·65535 = 2^32 − 1 → 0; 65538·65535 = 2^32 + 65534 → 1
          [1n << 48n, 65535], // 65536 · 65535 = too big for u16 → clamp
        ];
        for (const [x, want] of cases) {
          expect({ x: hex(x), got: w.fxProportionToU16(x) }).toEqual({ x: hex(x), got: want });
          expect(refProportionToU16(x)).toBe(want);
        }
      });
      it("proportionToU16 round-trips every u16 and matches BigInt on random inputs", () => {
        const bad: string[] = [];
        for (let v = 0; v <= 65535; v++) {
          // ⌊⌊v·2^32/65535⌋·65535 / 2^32⌋ is v for v = 0 and 65535, else v−1 or v
          const p = refU16ToProportion(BigInt(v));
          const got = w.fxProportionToU16(p), want = refProportionToU16(p);
          if (got !== want && bad.length < 10) bad.push(`${v}: got ${got}, want ${want}`);
        }
        expect(bad).toEqual([]);
        const g = gens(8n);
        const xs: bigint[] = [...EDGE];
        for (let k = 0; k < 3000; k++) xs.push(g.below(2) ? g.i64v() : g.next() % (2n * ONE));
        agree(xs.map((x) => [x] as [bigint]), (x) => w.fxProportionToU16(x), refProportionToU16);
      });
    });

    describe("fixedTimesRao and shareOf", () => {
      it("fixedTimesRao hand-computed values", () => {
        expect(u64(w.fxTimesRao(ONE, 1_000_000_000n))).toBe(1_000_000_000n);
        expect(u64(w.fxTimesRao(ONE / 2n, 1_000_000_001n))).toBe(500_000_000n);
        expect(u64(w.fxTimesRao(0n, U64_MAX))).toBe(0n);
        expect(u64(w.fxTimesRao(-1n, U64_MAX))).toBe(0n);
        expect(u64(w.fxTimesRao(I64_MIN, U64_MAX))).toBe(0n);
        expect(u64(w.fxTimesRao(ONE, U64_MAX))).toBe(U64_MAX);
        expect(u64(w.fxTimesRao(ONE + 1n, U64_MAX))).toBe(U64_MAX); // saturates
        expect(u64(w.fxTimesRao(I64_MAX, U64_MAX))).toBe(U64_MAX);
        expect(u64(w.fxTimesRao(1n, ONE - 1n))).toBe(0n);
        expect(u64(w.fxTimesRao(1n, ONE))).toBe(1n);
      });
      it("fixedTimesRao matches BigInt", () => {
        const g = gens(9n);
        const cases: Array<[bigint, bigint]> = [];
        const raos = [0n, 1n, 1_000_000_000n, U64_MAX, U64_MAX - 1n, 1n << 63n, ONE, ONE - 1n, 21_000_000n * 1_000_000_000n];
        for (const x of EDGE) for (const r of raos) cases.push([x, r]);
        for (let k = 0; k < 4000; k++) cases.push([g.below(2) ? g.i64v() : g.next() % (ONE + 1n), g.u64v()]);
        agree(cases, (x, r) => u64(w.fxTimesRao(x, r)), refTimesRao);
      });
      it("shareOf matches BigInt for 0 <= num <= den < 2^63", () => {
        expect(w.fxShareOf(0n, 0n)).toBe(0n);
        expect(w.fxShareOf(5n, 0n)).toBe(0n);
        expect(w.fxShareOf(1n, 3n)).toBe(1431655765n);
        expect(w.fxShareOf(I64_MAX, I64_MAX)).toBe(ONE);
        expect(w.fxShareOf(I64_MAX - 1n, I64_MAX)).toBe(ONE - 1n);
        expect(w.fxShareOf(1n, I64_MAX)).toBe(0n);
        const g = gens(10n);
        const cases: Array<[bigint, bigint]> = [];
        for (let k = 0; k < 4000; k++) {
          let den = g.u64v() >> BigInt(1 + g.below(3) * g.below(30));
          if (den > I64_MAX) den = I64_MAX;
          const num = den === 0n ? 0n : g.below(5) === 0 ? den - BigInt(g.below(3)) : g.u64v() % (den + 1n);
          cases.push([num < 0n ? 0n : num, den]);
        }
        agree(cases, (a, b) => w.fxShareOf(a, b), refShareOf);
      });
    });
  });
}
