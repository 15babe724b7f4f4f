// expf4 (assembly/research/vexp.ts): Mathf.exp four lanes at a time must give the scalar
// function's bits on every input — every table index, the whole fast range, the edges where
// the scalar function special-cases, NaN and infinities.

import { describe, expect, it } from "vitest";
import { RESEARCH_WASM_SIMD } from "../../src/generated/wasm.js";
import { decodeBase64 } from "../../src/wasm.js";
import { instantiateResearch, TABLE } from "../../src/research/wasm.js";

const engine = instantiateResearch(new WebAssembly.Module(decodeBase64(RESEARCH_WASM_SIMD) as BufferSource));
const expfInPlace = engine.expfInPlace as (p: number, n: number, vector: number) => void;

/** The values' exp through the vector path and through the scalar function, as bits. */
function both(values: Float32Array): [Uint32Array, Uint32Array] {
  const n = values.length;
  const table = engine.init(1, Math.ceil(n / 2), 1, 0, 32) >>> 0;
  const at = new Uint32Array(engine.memory.buffer, table, 9)[TABLE.W]!;
  const mem = () => new Float32Array(engine.memory.buffer, at, n);
  mem().set(values);
  expfInPlace(at, n, 1);
  const vector = new Uint32Array(mem().slice().buffer);
  mem().set(values);
  expfInPlace(at, n, 0);
  const scalar = new Uint32Array(mem().slice().buffer);
  return [vector, scalar];
}

function expectSame(values: Float32Array): void {
  const [v, s] = both(values);
  for (let k = 0; k < values.length; k++) {
    if (v[k] !== s[k]) expect.fail(`exp(${values[k]}): vector bits ${v[k]!.toString(16)}, scalar ${s[k]!.toString(16)}`);
  }
}

describe("expf4 = Mathf.exp, bit for bit", () => {
  it("is the SIMD build's", () => {
    expect(typeof expfInPlace).toBe("function");
  });

  it("2M random values over the whole finite range that matters (|x| < 120), and 2M in the sigmoid's [-10, 10]", () => {
    let a = 99;
    const r = () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = Math.imul(a ^ (a >>> 15), a | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    expectSame(Float32Array.from({ length: 1 << 21 }, () => (r() * 2 - 1) * 120));
    expectSame(Float32Array.from({ length: 1 << 21 }, () => (r() * 2 - 1) * 10));
  });

  it("every table index, at and beside the points where k changes", () => {
    const xs: number[] = [];
    for (let k = -150 * 32; k <= 128 * 32; k++) {
      const x = (k * Math.LN2) / 32;
      xs.push(x, Math.fround(x), Math.fround(x) * (1 + 2 ** -23), Math.fround(x) * (1 - 2 ** -23), (k + 0.5) * Math.LN2 / 32);
    }
    expectSame(Float32Array.from(xs));
  });

  it("edges: ±0, subnormals, the overflow and underflow thresholds, infinities, NaN — in every lane position", () => {
    const f = (bits: number) => new Float32Array(new Uint32Array([bits]).buffer)[0]!;
    const specials = [0, -0, 1e-45, -1e-45, 1e-38, 88, 88.5, f(0x42b17217), f(0x42b17218), -87.9, -88, -103.9, f(0xc2cff1b4), f(0xc2cff1b5),
      -104, -150, -151, 127, 128, 1e30, -1e30, Infinity, -Infinity, NaN, 3.4028234663852886e38, -3.4028234663852886e38];
    const xs: number[] = [];
    // Each special in each of the four lanes beside ordinary values (one special lane sends the
    // whole vector to the scalar function; the others must still be exact).
    for (const x of specials) for (let lane = 0; lane < 4; lane++) for (let k = 0; k < 4; k++) xs.push(k === lane ? x : 0.25 * k - 1.3);
    expectSame(Float32Array.from(xs));
  });
});
