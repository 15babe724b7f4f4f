// The epoch's normalised emission shares and the split of an amount by them: for every golden
// fixture, emitByShares(shares, rao) reproduces the epoch's own emissions bit for bit, and for
// any rao it equals running the whole epoch with that rao (the split is amount-independent).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { emitByShares, epochShares, outputsToJson, runEpoch, runTrajectory, YumaInputError } from "../src/index.js";
import type { EpochOutputs, EpochShares } from "../src/index.js";

const dir = join(__dirname, "fixtures", "epoch");
const files = readdirSync(dir).filter((f) => f.endsWith(".json")).sort();
const load = (f: string) => JSON.parse(readFileSync(join(dir, f), "utf8"));
const ONE = 1n << 32n;
const U64_MAX = (1n << 64n) - 1n;

function checkShares(s: EpochShares, n: number) {
  for (const v of [s.server, s.validator, s.combined]) {
    expect(v).toBeInstanceOf(BigInt64Array);
    expect(v.length).toBe(n);
    let sum = 0n;
    for (const x of v) {
      expect(x >= 0n).toBe(true);
      sum += x;
    }
    expect(sum <= ONE).toBe(true);
  }
}

function split(out: EpochOutputs, rao: bigint) {
  const s = epochShares(out);
  return {
    serverEmission: Array.from(emitByShares(s.server, rao), String),
    validatorEmission: Array.from(emitByShares(s.validator, rao), String),
    emission: Array.from(emitByShares(s.combined, rao), String),
  };
}

const emissions = (e: { serverEmission: unknown; validatorEmission: unknown; emission: unknown }) =>
  ({ serverEmission: e.serverEmission, validatorEmission: e.validatorEmission, emission: e.emission });

describe("epoch shares reproduce every golden fixture's emissions", () => {
  for (const file of files) {
    it(file, () => {
      const fx = load(file);
      if (fx.kind === "epoch") {
        const out = runEpoch(fx.params, fx.inputs, { shares: true });
        checkShares(out.shares!, fx.params.n);
        expect(split(out, BigInt(fx.params.raoEmission))).toEqual(emissions(fx.expected));
        // The option adds only `shares`: the JSON outputs are unchanged.
        expect(outputsToJson(out)).toEqual(fx.expected);
      } else {
        const outs = runTrajectory(fx, { shares: true });
        fx.epochs.forEach((ep: any, k: number) => {
          const rao = BigInt(ep.raoEmission ?? fx.params.raoEmission);
          checkShares(outs[k]!.shares!, fx.params.n);
          expect({ epoch: k, ...split(outs[k]!, rao) }).toEqual({ epoch: k, ...emissions(ep.expected) });
        });
      }
    });
  }
});

describe("the split is amount-independent and exact", () => {
  // Small epoch fixtures, so that many amounts run quickly; include zero-emission fallbacks.
  const small = files.filter((f) => load(f).kind === "epoch" && load(f).params.n <= 64);
  const rao = fc.oneof(
    fc.constantFrom(0n, 1n, 2n, 999_999_999n, 1_000_000_000n, 500_000_000n, 1_476_000_000n,
      21_000_000_000_000_000n, U64_MAX, U64_MAX - 1n, 1n << 63n, (1n << 32n) - 1n, 1n << 32n),
    fc.bigInt({ min: 0n, max: U64_MAX }),
    fc.bigInt({ min: 0n, max: 10n ** 12n }),
  );
  it("has small fixtures to try", () => expect(small.length).toBeGreaterThan(10));
  it("emitByShares(shares, rao) == the epoch run with rao", () => {
    const cases = small.map((f) => {
      const fx = load(f);
      const out = runEpoch(fx.params, fx.inputs, { shares: true });
      return { fx, out };
    });
    fc.assert(fc.property(fc.nat(cases.length - 1), rao, (i, r) => {
      const { fx, out } = cases[i]!;
      const full = runEpoch({ ...fx.params, raoEmission: r.toString() }, fx.inputs, { shares: true });
      // Shares and every non-emission output do not depend on the amount.
      expect(full.shares).toEqual(out.shares);
      const strip = (o: EpochOutputs) => {
        const { serverEmission, validatorEmission, emission, shares, ...rest } = o;
        return rest;
      };
      expect(strip(full)).toEqual(strip(out));
      expect(split(out, r)).toEqual(emissions(outputsToJson(full)));
    }), { numRuns: 300 });
  });
  it("trajectory epochs: shares with any per-epoch rao give that run's emissions", () => {
    const traj = files.map(load).filter((fx) => fx.kind === "trajectory" && fx.params.n <= 64).slice(0, 3);
    expect(traj.length).toBeGreaterThan(0);
    fc.assert(fc.property(fc.nat(traj.length - 1), fc.array(rao, { minLength: 1, maxLength: 8 }), (i, raos) => {
      const fx = traj[i]!;
      const base = runTrajectory(fx, { shares: true });
      const epochs = fx.epochs.map((ep: any, k: number) => ({ ...ep, raoEmission: raos[k % raos.length]!.toString() }));
      const full = runTrajectory({ ...fx, epochs }, { shares: true });
      full.forEach((o, k) => {
        expect(o.shares).toEqual(base[k]!.shares);
        expect(split(base[k]!, raos[k % raos.length]!)).toEqual(emissions(outputsToJson(o)));
      });
    }), { numRuns: 20 });
  });
});

describe("emitByShares / epochShares API", () => {
  it("empty and edge values", () => {
    expect(emitByShares(new BigInt64Array(0), 5n)).toEqual(new BigUint64Array(0));
    expect(Array.from(emitByShares(BigInt64Array.from([ONE, 0n, ONE / 2n]), 1000n))).toEqual([1000n, 0n, 500n]);
    expect(Array.from(emitByShares(BigInt64Array.from([1n]), U64_MAX))).toEqual([U64_MAX >> 32n]);
  });
  it("refuses bad input", () => {
    expect(() => emitByShares([1n] as any, 1n)).toThrow(YumaInputError);
    expect(() => emitByShares(new BigInt64Array(1), -1n)).toThrow(YumaInputError);
    expect(() => emitByShares(new BigInt64Array(1), 1n << 64n)).toThrow(YumaInputError);
    const fx = load(files.find((f) => load(f).kind === "epoch")!);
    expect(() => epochShares(runEpoch(fx.params, fx.inputs))).toThrow(YumaInputError);
    expect(runEpoch(fx.params, fx.inputs).shares).toBeUndefined();
  });
});
