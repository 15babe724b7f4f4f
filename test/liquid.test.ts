// Yuma 3 liquid-alpha bonds against a BigInt reference of subtensor's
// `compute_liquid_alpha_values_sparse` + `alpha_sigmoid` + `mat_ema_alpha_sparse`
// (epoch/math.rs), fed with the engine's traced inputs (masked weights, consensus) and
// checked on the traced EMA bonds.
//
// The engine evaluates each distinct sigmoid input once, with an unrolled series and four
// exps interleaved (assembly/bonds.ts, assembly/fixed.ts): many random rows give many
// distinct distances, so every lane of that code and every batch remainder is exercised.
import { describe, expect, it } from "vitest";
import { runEpoch } from "../src/index.js";
import { rng } from "./helpers/rng.js";

const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;
const ONE = 1n << 32n;
const HALF = 1n << 31n;
const sat = (x: bigint) => (x > I64_MAX ? I64_MAX : x < I64_MIN ? I64_MIN : x);
const sadd = (a: bigint, b: bigint) => sat(a + b);
const ssub = (a: bigint, b: bigint) => sat(a - b);
const smul = (a: bigint, b: bigint) => sat((a * b) >> 32n);
function sdiv(a: bigint, b: bigint): bigint {
  const q = (a << 32n) / b; // truncates toward zero like Rust
  return sat(q);
}
const clamp = (v: bigint, lo: bigint, hi: bigint) => { const a = v < hi ? v : hi; return a > lo ? a : lo; };

// substrate-fixed transcendental::exp (I32F32), as in test/fixed.test.ts.
const E_I32F32 = (0xadf8_5458_a2bb_4a9a_afdc_5620_273d_3cf1n >> 103n) << 9n;
function refExp(x: bigint): { value: bigint; err: boolean } {
  const ERR = { value: 0n, err: true };
  if (x === 0n) return { value: ONE, err: false };
  if (x === ONE) return { value: E_I32F32, err: false };
  const neg = x < 0n;
  const op = neg ? -x : x;
  let result = op + ONE;
  let term = op;
  for (let i = 2n; i < 32n; i++) {
    term = (term * op) >> 32n;
    if (term > I64_MAX) return ERR;
    term = term / i;
    result += term;
    if (result > I64_MAX) return ERR;
  }
  if (neg) result = (ONE << 32n) / result;
  return { value: result, err: false };
}
function expSafe(x: bigint): bigint {
  let s = x;
  if (s < -20n * ONE) s = -20n * ONE;
  else if (20n * ONE < s) s = 20n * ONE;
  const r = refExp(s);
  if (!r.err) return r.value;
  return s <= 0n ? 0n : I64_MAX;
}

function alphaSigmoid(consensus: bigint, weight: bigint, bond: bigint, low: bigint, high: bigint, steepness: number): bigint {
  const steep = sdiv(BigInt(steepness) << 32n, -100n << 32n);
  const diffBuy = clamp(ssub(weight, consensus), 0n, ONE);
  const diffSell = clamp(ssub(bond, weight), 0n, ONE);
  const diff = weight >= bond ? diffBuy : diffSell;
  const sig = sdiv(ONE, sadd(ONE, expSafe(smul(steep, ssub(diff, HALF)))));
  return clamp(sadd(low, smul(sig, ssub(high, low))), low, high);
}

/**
 * What compute_liquid_alpha_values_sparse reads of a stored row: it walks one cursor over
 * the row while the target column rises 0..n−1, so in an unsorted row an entry whose column
 * is not above the last one matched is never seen (read as 0).
 */
function seen(row: Array<[number, bigint]>, n: number): Map<number, bigint> {
  const m = new Map<number, bigint>();
  let next = 0;
  for (const [c, v] of row) {
    if (c < next) continue;
    if (c >= n) break;
    m.set(c, v);
    next = c + 1;
  }
  return m;
}

/** mat_ema_alpha_sparse with alphas from compute_liquid_alpha_values_sparse. */
function refLiquidEma(
  neu: Array<Array<[number, bigint]>>, old: Array<Array<[number, bigint]>>, consensus: bigint[],
  low: bigint, high: bigint, steepness: number,
): Array<Array<[number, bigint]>> {
  const n = consensus.length;
  return neu.map((row, i) => {
    const w = seen(row, n), b = seen(old[i]!, n);
    const alpha = Array.from({ length: n }, (_, j) => alphaSigmoid(consensus[j]!, w.get(j) ?? 0n, b.get(j) ?? 0n, low, high, steepness));
    const decayed = new Array<bigint>(n).fill(0n);
    for (const [j, v] of old[i]!) decayed[j] = smul(ssub(ONE, alpha[j]!), v);
    const out: Array<[number, bigint]> = [];
    for (const [j, v] of row) {
      let inc = smul(alpha[j]!, v);
      if (inc < 0n) inc = 0n;
      let r = sadd(decayed[j]!, inc);
      if (r > ONE) r = ONE;
      if (r > 0n) out.push([j, r]);
    }
    return out;
  });
}


describe("liquid alpha bonds match the chain's formulas", () => {
  it("on 400 random subnets (many distinct sigmoid inputs, assorted steepness and alpha bounds)", () => {
    let distinct = 0;
    for (let seed = 1; seed <= 400; seed++) {
      const r = rng(seed);
      const n = 4 + Math.floor(r() * 40);
      const voters = 1 + Math.floor(r() * Math.min(n, 12));
      const steepness = [1000, -1000, 0, 1, 50, 7000, 32767, -32768][Math.floor(r() * 8)]!;
      const alphaLow = Math.floor(r() * 40000);
      const alphaHigh = alphaLow + Math.floor(r() * (65535 - alphaLow));
      const weights: Array<Array<[number, number]>> = [];
      const bonds: Array<Array<[number, number]>> = [];
      for (let i = 0; i < n; i++) {
        const w: Array<[number, number]> = [], b: Array<[number, number]> = [];
        if (i < voters) for (let j = 0; j < n; j++) if (r() < 0.85) w.push([j, Math.floor(r() * 65536)]);
        for (let j = 0; j < n; j++) if (r() < 0.6) b.push([j, Math.floor(r() * 65536)]);
        // Some stored rows out of order (set_weights keeps the caller's order).
        if (r() < 0.15) w.reverse();
        if (r() < 0.15) b.sort(() => r() - 0.5);
        weights.push(w);
        bonds.push(b);
      }
      const params = {
        n, currentBlock: 10_000, tempo: 360, activityCutoff: 5000, kappa: [32767, 13107, 52428][seed % 3]!,
        bondsPenalty: 65535, bondsMovingAverage: 900000, yuma3: true, liquidAlpha: true, alphaLow, alphaHigh,
        alphaSigmoidSteepness: steepness, maxAllowedValidators: n, stakeThreshold: "0", ownerUid: null,
        lastMechanismStepBlock: 9_000, raoEmission: "1000000000", commitBlocks: null,
      };
      const inputs = {
        stake: Array.from({ length: n }, (_, i) => (i < voters ? String(1 + Math.floor(r() * 1e12)) : "0")),
        lastUpdate: Array.from({ length: n }, () => 9_990),
        blockAtRegistration: Array.from({ length: n }, () => 1),
        validatorPermit: Array.from({ length: n }, (_, i) => i < voters),
        weights,
        bonds,
      };
      const t = runEpoch(params, inputs, { trace: true }).trace!;
      if (!t.consensus.some((c) => c !== 0n)) continue; // liquid alpha only runs with a consensus
      // Bonds penalty 1: the EMA reads the clipped weights.
      const clipped = t.weights.map((row) => row.flatMap(([j, v]): Array<[number, bigint]> => {
        const c = t.consensus[j]!;
        if (c < v) return c > 0n ? [[j, c]] : [];
        return [[j, v]];
      }));
      const old = bonds.map((row) => row.map(([j, v]): [number, bigint] => [j, (BigInt(v) << 32n) / 65535n]));
      const expected = refLiquidEma(clipped, old, t.consensus, (BigInt(alphaLow) << 32n) / 65535n, (BigInt(alphaHigh) << 32n) / 65535n, steepness);
      expect({ seed, emaBonds: t.emaBonds }).toEqual({ seed, emaBonds: expected });
      const diffs = new Set<bigint>();
      clipped.forEach((row, i) => {
        const b = new Map(old[i]);
        for (const [j, w] of row) {
          const bond = b.get(j) ?? 0n;
          diffs.add(w >= bond ? clamp(w - t.consensus[j]!, 0n, ONE) : clamp(bond - w, 0n, ONE));
        }
      });
      distinct += diffs.size;
    }
    expect(distinct).toBeGreaterThan(20_000);
  });
});
