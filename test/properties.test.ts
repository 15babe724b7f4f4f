// Properties of the exact epoch over random VALID subnets (fast-check, fixed seeds), and of
// random single-field corruptions of them. The expectations are invariants that follow from
// the chain's arithmetic (every share is a floored quotient of a sum it is part of, so the
// floored rao amounts cannot add up to more than the emission), from FORMAT.md, or from
// small BigInt re-derivations (stake weights, validator permits) — never engine outputs.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  encodeEpoch, instantiate, outputsToJson, rawToOutputs, runEncoded, runEpoch, runTrajectory, YumaInputError,
} from "../src/index.js";

const U64_MAX = (1n << 64n) - 1n;
const STAKE_LIMIT = (1n << 63n) - 1n; // the total must stay below 2^63
const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

// Parsed fixture JSON: untyped, as JSON.parse returns it (the API checks it at run time).
type Json = any;
interface Subnet { params: Json; inputs: Json }

/** A u64 in one of the accepted encodings: a number when safe, else a decimal string. */
const u64 = (x: bigint): number | string => (x <= SAFE ? Number(x) : x.toString());
const satSub = (a: bigint, b: bigint) => (a > b ? a - b : 0n);
const bigJson = (x: unknown) => JSON.stringify(x, (_, v) => (typeof v === "bigint" ? `${v}n` : v));

// ------------------------------------------------------------------ arbitraries

const nArb = fc.oneof(
  { weight: 1, arbitrary: fc.constant(0) },
  { weight: 6, arbitrary: fc.integer({ min: 1, max: 8 }) },
  { weight: 3, arbitrary: fc.integer({ min: 9, max: 40 }) },
);

/** currentBlock: young chain (≤ cutoffs), typical, or near u64::MAX. */
const blockArb = fc.oneof(
  { weight: 2, arbitrary: fc.bigInt({ min: 0n, max: 20_000n }) },
  { weight: 6, arbitrary: fc.bigInt({ min: 1_000_000n, max: 9_000_000n }) },
  { weight: 1, arbitrary: fc.bigInt({ min: U64_MAX - 50_000n, max: U64_MAX }) },
);

const u16Arb = fc.oneof(fc.constantFrom(0, 1, 32767, 65534, 65535), fc.integer({ min: 0, max: 65535 }));
/** Weight/bond values: many explicit zeros and maxima, as stored on chain. */
const valueArb = fc.oneof(
  { weight: 2, arbitrary: fc.constant(0) },
  { weight: 2, arbitrary: fc.constant(65535) },
  { weight: 5, arbitrary: fc.integer({ min: 0, max: 65535 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 3 }) },
);

const stakeArb = fc.oneof(
  { weight: 3, arbitrary: fc.constant(0n) },
  { weight: 4, arbitrary: fc.bigInt({ min: 1n, max: 10n ** 15n }) },
  { weight: 2, arbitrary: fc.bigInt({ min: 0n, max: STAKE_LIMIT }) },
  { weight: 1, arbitrary: fc.constantFrom(1n, 1n << 62n, STAKE_LIMIT, 1000n) },
);

/** A block relative to `b`: recent, anywhere before, in the future, 0, or u64::MAX. */
const blockNear = (b: bigint) => fc.oneof(
  { weight: 5, arbitrary: fc.bigInt({ min: 0n, max: 12_000n }).map((d) => satSub(b, d)) },
  { weight: 2, arbitrary: fc.bigInt({ min: 0n, max: b }) },
  { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: 100n }).map((d) => (b + d > U64_MAX ? U64_MAX : b + d)) },
  { weight: 1, arbitrary: fc.constantFrom(0n, U64_MAX) },
);

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** A sparse row: a random subset of uids in random order (sometimes all), u16 values. */
const rowArb = (n: number) => {
  if (n === 0) return fc.constant([] as Array<[number, number]>);
  const uids = fc.oneof(
    { weight: 2, arbitrary: fc.constant([] as number[]) },
    { weight: 5, arbitrary: fc.shuffledSubarray(range(n), { minLength: 1, maxLength: Math.min(n, 6) }) },
    { weight: 2, arbitrary: fc.shuffledSubarray(range(n), { minLength: n, maxLength: n }) },
    { weight: 1, arbitrary: fc.constant(range(n)) },
  );
  return uids.chain((us) =>
    fc.array(valueArb, { minLength: us.length, maxLength: us.length }).map((vs) => us.map((u, k) => [u, vs[k]!] as [number, number])));
};

const subnetArb: fc.Arbitrary<Subnet> = fc.tuple(nArb, blockArb).chain(([n, block]) => {
  const blocks = (len: number) => fc.array(blockNear(block), { minLength: len, maxLength: len });
  const params = fc.record({
    tempo: fc.oneof(fc.constantFrom(0, 1, 99, 360, 65535), u16Arb),
    activityCutoff: fc.oneof(fc.constantFrom(0n, 1n, 5000n, U64_MAX), fc.bigInt({ min: 0n, max: 20_000n })),
    kappa: fc.oneof(fc.constant(32767), u16Arb),
    bondsPenalty: u16Arb,
    bondsMovingAverage: fc.oneof(fc.constantFrom(0, 900000, 975000, 999999, 1000000), fc.integer({ min: 0, max: 1_000_000 })),
    yuma3: fc.boolean(),
    liquidAlpha: fc.boolean(),
    alphas: fc.tuple(u16Arb, u16Arb).map(([a, b]) => (a <= b ? [a, b] : [b, a])),
    alphaSigmoidSteepness: fc.oneof(fc.constantFrom(-32768, -1, 0, 1, 1000, 32767), fc.integer({ min: -32768, max: 32767 })),
    maxAllowedValidators: fc.oneof(fc.integer({ min: 0, max: n + 2 }), u16Arb),
    stakeThreshold: fc.oneof(
      { weight: 6, arbitrary: fc.constant(0n) },
      { weight: 3, arbitrary: fc.bigInt({ min: 0n, max: 10n ** 14n }) },
      { weight: 1, arbitrary: fc.constant(U64_MAX) },
    ),
    ownerUid: n === 0 ? fc.constant(null) : fc.option(fc.integer({ min: 0, max: n - 1 }), { freq: 2 }),
    lastMechanismStepBlock: fc.oneof(fc.constant(0n), fc.constant(satSub(block, 360n)), blockNear(block)),
    raoEmission: fc.oneof(fc.constantFrom(0n, 1n, 1_000_000_000n, U64_MAX), fc.bigInt({ min: 0n, max: U64_MAX })),
    commitBlocks: fc.option(fc.array(fc.option(blockNear(block), { freq: 3 }), { minLength: n, maxLength: n }), { freq: 2 }),
  });
  const inputs = fc.record({
    stake: fc.array(stakeArb, { minLength: n, maxLength: n }),
    lastUpdate: fc.integer({ min: 0, max: n }).chain((len) => fc.oneof(
      { weight: 1, arbitrary: blocks(len) },
      { weight: 3, arbitrary: blocks(n) },
    )),
    // mostly registered well before the weights were set, so that most weights survive
    blockAtRegistration: fc.array(fc.oneof(
      { weight: 4, arbitrary: fc.bigInt({ min: 12_001n, max: 500_000n }).map((d) => satSub(block, d)) },
      { weight: 2, arbitrary: blockNear(block) },
    ), { minLength: n, maxLength: n }),
    validatorPermit: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
    weights: fc.array(rowArb(n), { minLength: n, maxLength: n }),
    bonds: fc.array(rowArb(n), { minLength: n, maxLength: n }),
  });
  return fc.tuple(params, inputs).map(([p, i]): Subnet => {
    // keep the total stake below 2^63 by scaling down (floors keep the sum <= the limit)
    let stake = i.stake;
    const total = stake.reduce((a, b) => a + b, 0n);
    if (total > STAKE_LIMIT) stake = stake.map((s) => (s * STAKE_LIMIT) / total);
    return {
      params: {
        n, currentBlock: u64(block), tempo: p.tempo, activityCutoff: u64(p.activityCutoff), kappa: p.kappa,
        bondsPenalty: p.bondsPenalty, bondsMovingAverage: p.bondsMovingAverage, yuma3: p.yuma3, liquidAlpha: p.liquidAlpha,
        alphaLow: p.alphas[0], alphaHigh: p.alphas[1], alphaSigmoidSteepness: p.alphaSigmoidSteepness,
        maxAllowedValidators: p.maxAllowedValidators, stakeThreshold: p.stakeThreshold.toString(), ownerUid: p.ownerUid,
        lastMechanismStepBlock: u64(p.lastMechanismStepBlock), raoEmission: p.raoEmission.toString(),
        commitBlocks: p.commitBlocks === null ? null : p.commitBlocks.map((c) => (c === null ? null : u64(c))),
      },
      inputs: {
        stake: stake.map((s) => s.toString()),
        lastUpdate: i.lastUpdate.map(u64),
        blockAtRegistration: i.blockAtRegistration.map(u64),
        validatorPermit: i.validatorPermit,
        weights: i.weights,
        bonds: i.bonds,
      },
    };
  });
});

// ------------------------------------------------------------------ BigInt re-derivations

/** Threshold-filtered stake shares (I64F64 quotient narrowed to I32F32): ⌊s·2^32 / Σs⌋. */
function refStakeShares(s: Subnet): bigint[] {
  const threshold = BigInt(s.params.stakeThreshold);
  const owner = s.params.ownerUid;
  const filtered = s.inputs.stake.map((x: string, i: number) => (i !== owner && BigInt(x) < threshold ? 0n : BigInt(x)));
  const total = filtered.reduce((a: bigint, b: bigint) => a + b, 0n);
  return filtered.map((x: bigint) => (total === 0n ? 0n : (x << 32n) / total));
}

/** fixed_proportion_to_u16 for a share in [0, 1]. */
const toU16 = (x: bigint) => Number((x * 65535n) >> 32n);

/** is_topk_nonzero(stake, k) (stable ascending sort; the first n−k lose), plus the owner. */
function refPermits(s: Subnet, shares: bigint[]): boolean[] {
  const n = shares.length, k = s.params.maxAllowedValidators;
  const out = shares.map((x) => x !== 0n);
  if (n >= k) {
    const order = range(n).sort((a, b) => (shares[a]! < shares[b]! ? -1 : shares[a]! > shares[b]! ? 1 : a - b));
    for (const i of order.slice(0, n - k)) out[i] = false;
  }
  if (s.params.ownerUid !== null) out[s.params.ownerUid] = true;
  return out;
}

const sumRao = (xs: string[]) => xs.reduce((a, b) => a + BigInt(b), 0n);

// ------------------------------------------------------------------ properties

const FIELDS = ["active", "stakeWeight", "consensus", "incentive", "dividends", "validatorTrust", "newValidatorPermit",
  "serverEmission", "validatorEmission", "emission", "bonds"];

describe("random valid subnets", () => {
  it("never throw; shapes, ranges, emission bounds, bond rows, stake weights and permits hold", () => {
    fc.assert(
      fc.property(subnetArb, (s) => {
        const n: number = s.params.n;
        const out = outputsToJson(runEpoch(s.params, s.inputs));
        expect(Object.keys(out)).toEqual(FIELDS);
        for (const f of FIELDS) expect((out as Json)[f].length, f).toBe(n);

        for (const f of ["stakeWeight", "consensus", "incentive", "dividends", "validatorTrust"] as const) {
          for (const v of out[f]) expect(Number.isInteger(v) && v >= 0 && v <= 65535, `${f} ${v}`).toBe(true);
        }
        // normalized vectors: Σ⌊x_i·65535⌋ <= ⌊Σx_i·65535⌋ <= 65535
        for (const f of ["stakeWeight", "incentive", "dividends"] as const) {
          expect(out[f].reduce((a, b) => a + b, 0), f).toBeLessThanOrEqual(65535);
        }

        const rao = BigInt(s.params.raoEmission);
        for (const f of ["serverEmission", "validatorEmission", "emission"] as const) {
          for (const v of out[f]) expect(/^(0|[1-9][0-9]*)$/.test(v) && BigInt(v) <= U64_MAX, `${f} ${v}`).toBe(true);
        }
        const server = sumRao(out.serverEmission), validator = sumRao(out.validatorEmission), combined = sumRao(out.emission);
        expect(server + validator <= rao, `server ${server} + validator ${validator} > rao ${rao}`).toBe(true);
        expect(combined <= rao, `emission ${combined} > rao ${rao}`).toBe(true);
        if (rao === 0n) expect(server + validator + combined).toBe(0n);

        // bonds: a row only for uids holding the new permit; valid, distinct uids; u16 values
        out.bonds.forEach((row, i) => {
          if (!out.newValidatorPermit[i]) expect(row, `bonds[${i}] without permit`).toEqual([]);
          const seen = new Set<number>();
          for (const [j, v] of row) {
            expect(Number.isInteger(j) && j >= 0 && j < n && !seen.has(j), `bonds[${i}] uid ${j}`).toBe(true);
            expect(Number.isInteger(v) && v >= 0 && v <= 65535).toBe(true);
            seen.add(j);
          }
        });

        // active: lastUpdate[i] + cutoff >= currentBlock (saturating); past the stored
        // LastUpdate a uid is inactive whenever block 0 would be
        const cb = BigInt(s.params.currentBlock), cutoff = BigInt(s.params.activityCutoff);
        out.active.forEach((a, i) => {
          if (i < s.inputs.lastUpdate.length) {
            const lu = BigInt(s.inputs.lastUpdate[i]);
            const sum = lu + cutoff > U64_MAX ? U64_MAX : lu + cutoff;
            expect(a, `active[${i}]`).toBe(sum >= cb);
          } else if (cutoff < cb) expect(a, `active[${i}]`).toBe(false);
        });

        const shares = refStakeShares(s);
        expect(out.stakeWeight).toEqual(shares.map(toU16));
        expect(out.newValidatorPermit).toEqual(refPermits(s, shares));
      }),
      { numRuns: 800, seed: 0x5eed01 },
    );
  });

  it("are deterministic: same input twice, and on a fresh instance, give identical JSON", () => {
    fc.assert(
      fc.property(subnetArb, (s) => {
        const a = bigJson(outputsToJson(runEpoch(s.params, s.inputs, { trace: true })));
        const b = bigJson(outputsToJson(runEpoch(structuredClone(s.params), structuredClone(s.inputs), { trace: true })));
        expect(b).toBe(a);
        const fresh = instantiate();
        const c = bigJson(outputsToJson(rawToOutputs(runEncoded(fresh, encodeEpoch(s.params, s.inputs), true))));
        expect(c).toBe(a);
        // the inputs are not modified by a run
        const before = bigJson(s);
        runEpoch(s.params, s.inputs);
        expect(bigJson(s)).toBe(before);
      }),
      { numRuns: 150, seed: 0x5eed02 },
    );
  });

  it("a trajectory step equals a single epoch with the carried-over bonds and permits (FORMAT.md)", () => {
    const arb = fc.tuple(subnetArb, fc.bigInt({ min: 1n, max: 1000n }), fc.boolean());
    fc.assert(
      fc.property(arb, ([s, step, override]) => {
        const cb = BigInt(s.params.currentBlock);
        const next = cb + step > U64_MAX ? U64_MAX : cb + step;
        const e1: Json = { currentBlock: u64(next) };
        if (override) e1.raoEmission = "123456789";
        const outs = runTrajectory({ params: s.params, inputs: s.inputs, epochs: [{ currentBlock: s.params.currentBlock }, e1] });
        const first = outputsToJson(runEpoch(s.params, s.inputs));
        expect(outputsToJson(outs[0]!)).toEqual(first);
        const second = outputsToJson(runEpoch(
          { ...s.params, currentBlock: u64(next), lastMechanismStepBlock: s.params.currentBlock, raoEmission: override ? "123456789" : s.params.raoEmission },
          { ...s.inputs, bonds: first.bonds, validatorPermit: first.newValidatorPermit },
        ));
        expect(outputsToJson(outs[1]!)).toEqual(second);
      }),
      { numRuns: 120, seed: 0x5eed03 },
    );
  });
});

// ------------------------------------------------------------------ invalid inputs

type Mutation = (s: Subnet, d: number[]) => string | null; // returns the expected field (null: any)

const badU16 = [65536, -1, 1.5, "5", null, NaN, true, 70000];
const badI16 = [32768, -32769, 0.5, "1", null];
const badU64 = [-1, "-1", "01", 2 ** 53, 1.5, "18446744073709551616", 1n << 64n, null, {}, "", "1e3", -1n, false];
const badRao = [-1, 2 ** 60, 1.5, "1.0", "-0", " 1", null, "18446744073709551616", -1n, [], true];
const badBool = [0, 1, "true", null, "false"];
const badUid = (n: number) => [n, n + 1, 65535, 65536, -1, 0.5, "0"]; // null is valid for ownerUid
const pick = <T>(xs: readonly T[], d: number): T => xs[d % xs.length]!;

const PARAMS_U16 = ["tempo", "kappa", "bondsPenalty", "maxAllowedValidators", "alphaLow", "alphaHigh"];
const PARAMS_U64 = ["currentBlock", "activityCutoff", "lastMechanismStepBlock"];

const MUTATIONS: Array<[string, Mutation]> = [
  ["u16 param", (s, d) => { const k = pick(PARAMS_U16, d[0]!); s.params[k] = pick(badU16, d[1]!); return `params.${k}`; }],
  ["i16 param", (s, d) => { s.params.alphaSigmoidSteepness = pick(badI16, d[1]!); return "params.alphaSigmoidSteepness"; }],
  ["u64 param", (s, d) => { const k = pick(PARAMS_U64, d[0]!); s.params[k] = pick(badU64, d[1]!); return `params.${k}`; }],
  ["bma", (s, d) => { s.params.bondsMovingAverage = pick([...badU64, 1_000_001, "1000001", 2n ** 40n], d[1]!); return "params.bondsMovingAverage"; }],
  ["bool param", (s, d) => { const k = pick(["yuma3", "liquidAlpha"], d[0]!); s.params[k] = pick(badBool, d[1]!); return `params.${k}`; }],
  ["rao param", (s, d) => { const k = pick(["stakeThreshold", "raoEmission"], d[0]!); s.params[k] = pick(badRao, d[1]!); return `params.${k}`; }],
  ["missing param", (s, d) => {
    const k = pick(["n", "currentBlock", "tempo", "kappa", "yuma3", "ownerUid", "commitBlocks", "raoEmission", "alphaLow"], d[0]!);
    delete s.params[k];
    return `params.${k}`;
  }],
  ["alphaLow > alphaHigh", (s) => {
    if (s.params.alphaHigh < 65535) s.params.alphaLow = s.params.alphaHigh + 1;
    else s.params.alphaHigh = s.params.alphaLow - 1;
    if (s.params.alphaHigh < 0) { s.params.alphaHigh = 0; s.params.alphaLow = 1; }
    return "params.alphaLow";
  }],
  ["ownerUid", (s, d) => { s.params.ownerUid = pick(badUid(s.params.n), d[1]!); return "params.ownerUid"; }],
  ["n", (s, d) => {
    const n = s.params.n;
    s.params.n = pick([n + 1, n - 1 < 0 ? 65536 : n - 1, 65536, -1, n + 0.5, String(n)], d[1]!);
    return null; // depends on which length check comes first
  }],
  ["commitBlocks shape", (s, d) => {
    s.params.commitBlocks = pick([false, {}, "[]", Array(s.params.n + 1).fill(null), 5], d[1]!);
    return "params.commitBlocks";
  }],
  ["commitBlocks entry", (s, d) => {
    const n = s.params.n;
    if (n === 0) { s.params.commitBlocks = [null]; return "params.commitBlocks"; }
    const i = d[0]! % n;
    s.params.commitBlocks = s.params.commitBlocks ?? Array(n).fill(null);
    s.params.commitBlocks[i] = pick(badU64.filter((v) => v !== null), d[1]!);
    return `params.commitBlocks[${i}]`;
  }],
  ["stake entry", (s, d) => {
    const n = s.params.n;
    if (n === 0) { s.inputs.stake = ["1"]; return "inputs.stake"; }
    const i = d[0]! % n;
    s.inputs.stake[i] = pick(badRao, d[1]!);
    return `inputs.stake[${i}]`;
  }],
  ["stake total 2^63", (s, d) => {
    const n = s.params.n;
    if (n === 0) { s.inputs.stake = "0"; return "inputs.stake"; }
    const i = d[0]! % n;
    const others = s.inputs.stake.reduce((a: bigint, x: string, k: number) => (k === i ? a : a + BigInt(x)), 0n);
    s.inputs.stake[i] = ((1n << 63n) + BigInt(d[1]! % 1000) - others).toString();
    return "inputs.stake";
  }],
  ["array length", (s, d) => {
    const k = pick(["stake", "validatorPermit", "blockAtRegistration", "weights", "bonds"], d[0]!);
    const arr = s.inputs[k] as unknown[];
    if (arr.length > 0 && d[1]! % 2 === 0) arr.pop();
    else arr.push(k === "validatorPermit" ? false : k === "weights" || k === "bonds" ? [] : "0");
    return `inputs.${k}`;
  }],
  ["lastUpdate too long", (s) => { s.inputs.lastUpdate = Array(s.params.n + 1).fill(0); return "inputs.lastUpdate"; }],
  ["vector entry", (s, d) => {
    const k = pick(["lastUpdate", "blockAtRegistration", "validatorPermit"], d[0]!);
    const arr = s.inputs[k] as unknown[];
    if (arr.length === 0) { s.inputs[k] = 7; return `inputs.${k}`; }
    const i = d[2]! % arr.length;
    arr[i] = k === "validatorPermit" ? pick(badBool, d[1]!) : pick(badU64, d[1]!);
    return `inputs.${k}[${i}]`;
  }],
  ["not an object", (s, d) => {
    const k = pick(["params", "inputs"] as const, d[0]!);
    (s as any)[k] = pick([null, [], "x", 5, undefined], d[1]!);
    return k;
  }],
  ["sparse row", (s, d) => {
    const m = pick(["weights", "bonds"], d[0]!);
    const n = s.params.n;
    if (n === 0) { s.inputs[m] = [[]]; return `inputs.${m}`; }
    const i = d[2]! % n;
    const row = s.inputs[m][i] as unknown[];
    switch (d[1]! % 7) {
      case 0: s.inputs[m][i] = pick([null, {}, "[]", 3], d[3]!); return `inputs.${m}[${i}]`;
      case 1: row.push(pick([3, [1], [1, 2, 3], null, "0,1"], d[3]!)); return `inputs.${m}[${i}][${row.length - 1}]`;
      case 2: row.push([pick([...badUid(n), null], d[3]!), 1]); return `inputs.${m}[${i}][${row.length - 1}][0]`;
      case 3: {
        if (row.length === 0) { row.push([d[3]! % n, 1], [d[3]! % n, 0]); return `inputs.${m}[${i}][1][0]`; }
        const [u] = row[d[3]! % row.length] as [number, number];
        row.push([u, d[4]! % 65536]);
        return `inputs.${m}[${i}][${row.length - 1}][0]`;
      }
      default: {
        if (row.length === 0) { row.push([d[3]! % n, pick(badU16, d[4]!)]); return `inputs.${m}[${i}][0][1]`; }
        const k = d[3]! % row.length;
        (row[k] as unknown[])[1] = pick(badU16, d[4]!);
        return `inputs.${m}[${i}][${k}][1]`;
      }
    }
  }],
];

describe("random invalid inputs (one field of a valid subnet corrupted)", () => {
  it("throw a YumaInputError naming that field, never another exception, never a result", () => {
    const arb = fc.tuple(subnetArb, fc.nat(MUTATIONS.length - 1), fc.array(fc.nat(), { minLength: 5, maxLength: 5 }));
    fc.assert(
      fc.property(arb, ([s0, m, dice]) => {
        const s = structuredClone(s0);
        const [name, mutate] = MUTATIONS[m]!;
        const field = mutate(s, dice);
        let result: unknown;
        try {
          result = runEpoch(s.params, s.inputs);
        } catch (e) {
          if (!(e instanceof YumaInputError)) throw new Error(`${name}: expected a YumaInputError, got ${String(e)}`);
          if (field !== null) expect({ mutation: name, field: e.field }).toEqual({ mutation: name, field });
          return;
        }
        throw new Error(`${name}: expected a YumaInputError for ${field}, got a result (${bigJson(result).slice(0, 120)})`);
      }),
      { numRuns: 1500, seed: 0x5eed04 },
    );
  });
});
