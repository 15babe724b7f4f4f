// The kernels' range check of the weights JS wrote (assembly/research/check.ts firstOutside):
// the first entry outside [+0, small] — sign bit set, NaN, or above small in the stored type —
// against an oracle written here, with special values at every position of a vector step and
// in the scalar tail, in both builds.

import { describe, expect, it } from "vitest";
import { RESEARCH_WASM, RESEARCH_WASM_SIMD } from "../../src/generated/wasm.js";
import { decodeBase64 } from "../../src/wasm.js";
import { instantiateResearch, TABLE, TABLE_SLOTS } from "../../src/research/wasm.js";
import { rng } from "./helpers.js";

const builds = {
  baseline: instantiateResearch(new WebAssembly.Module(decodeBase64(RESEARCH_WASM) as BufferSource)),
  simd: instantiateResearch(new WebAssembly.Module(decodeBase64(RESEARCH_WASM_SIMD) as BufferSource)),
};

/** The oracle: the entry's sign bit, NaN, or above small as stored (float32: above the
 *  largest float32 not past small). */
function oracle(values: Float64Array | Float32Array, small: number): number {
  const f32 = values instanceof Float32Array;
  let limit = f32 ? Math.fround(small) : small;
  if (f32 && limit > small) {
    const b = new Float32Array([limit]);
    new Uint32Array(b.buffer)[0]! -= 1;
    limit = b[0]!;
  }
  for (let k = 0; k < values.length; k++) {
    const x = values[k]!;
    if (Object.is(x, -0) || x < 0 || Number.isNaN(x) || x > limit) return k;
  }
  return -1;
}

describe("firstOutside", () => {
  const SPECIAL = [-0, -1e-300, -1, NaN, -NaN, Infinity, -Infinity, 1e300];
  for (const [name, engine] of Object.entries(builds)) {
    for (const f32 of [false, true]) {
      it(`${name} build, ${f32 ? "float32" : "float64"}: the first entry outside, wherever it is`, () => {
        const r = rng(f32 ? 7 : 8);
        // A run's weight buffer (4 × 64 entries) holds the values.
        const table = engine.init(4, 64, 1, 0, 32);
        const at = new Uint32Array(engine.memory.buffer, table, TABLE_SLOTS)[TABLE.W]!;
        const Elem = f32 ? Float32Array : Float64Array;
        for (let t = 0; t < 600; t++) {
          const n = 1 + Math.floor(r() * 70);
          const small = [1, 0.5, 3.4028234663852886e38 / 8, 1e-3][t % 4]!;
          const view = new Elem(engine.memory.buffer, at, n);
          for (let k = 0; k < n; k++) view[k] = r() * small;
          if (t % 5 !== 0) {
            // One or two special entries (a value just above small now and then).
            for (let m = 0; m < 1 + (t % 2); m++) {
              const k = Math.floor(r() * n);
              view[k] = r() < 0.2 ? small * (1 + 1e-7) : SPECIAL[Math.floor(r() * SPECIAL.length)]!;
            }
          } else if (t % 10 === 0) view[n - 1] = small; // exactly small: inside
          expect(engine.firstOutside(at, n, small, f32 ? 1 : 0), `t ${t}`).toBe(oracle(view, small));
        }
      });
    }
  }
});
