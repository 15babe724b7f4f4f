// Mechanisms in the network: each epoch of a two-mechanism subnet is recomputed with
// `runSubnetEpoch` (itself checked against the BigInt reference) from the stored state before
// and after it; the dtao economy pays the aggregate (an all-to-mechanism-0 split pays exactly
// what the one-mechanism subnet pays); the digest is the same for any thread count.

import { describe, expect, it } from "vitest";
import { Network, runSubnetEpoch, YumaInputError, type DtaoSummary, type NetworkConfig, type NetworkSnapshot, type SparseMatrix } from "../src/index.js";
import { fromBase64 } from "../src/digest.js";
import { blockEmissionForIssuance } from "./reference/coinbase.js";
import { ownerCut } from "../src/emission.js";
import { nextEpochBlock } from "../src/network/runner.js";

function decode<T extends ArrayBufferView>(b64: string, C: { new (b: ArrayBuffer): T }): T {
  const bytes = fromBase64(b64);
  return new C(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
}

function csr(m: Record<string, unknown>, start: string, col: string, val: string): SparseMatrix {
  const s = decode(m[start] as string, Uint32Array), c = decode(m[col] as string, Uint16Array), v = decode(m[val] as string, Uint16Array);
  return Array.from({ length: s.length - 1 }, (_, i) => Array.from({ length: s[i + 1]! - s[i]! }, (_, k) => [c[s[i]! + k]!, v[s[i]! + k]!] as [number, number]));
}

const mechs = (sub: Record<string, unknown>) => [sub, ...((sub.mechanisms as Array<Record<string, unknown>> | undefined) ?? [])];

const subnet = { netuid: 1, neurons: 48, validators: 6, tempo: 30, mechanisms: 2, mechanismSplit: [40000, 25535], policies: { copier: 1, selfish: 1 } };

describe("a two-mechanism subnet in the static economy", () => {
  it("every epoch equals runSubnetEpoch on the stored state (per-mechanism bonds, aggregated emissions, permits)", () => {
    const net = new Network({ economy: "static", seed: 5, subnets: [subnet] });
    const c = net.config.subnets[0]!;
    let checked = 0;
    let e = nextEpochBlock(c.netuid, c.tempo, net.block);
    for (let k = 0; k < 4; k++, e = nextEpochBlock(c.netuid, c.tempo, e)) {
      net.step(e - 1 - net.block);
      const pre = net.snapshot() as NetworkSnapshot;
      net.step(1);
      const post = net.snapshot() as NetworkSnapshot;
      const a = pre.subnets[0]! as Record<string, unknown>, b = post.subnets[0]! as Record<string, unknown>;
      // The epoch gets what was pending plus this block's part after the owner cut.
      const emission = blockEmissionForIssuance(BigInt(pre.issuance));
      const rao = BigInt(a.pending as string) + emission - ownerCut(emission);
      const expected = runSubnetEpoch(
        {
          n: c.neurons, currentBlock: e, tempo: c.tempo, activityCutoff: c.activityCutoff, kappa: c.kappa,
          bondsPenalty: c.bondsPenalty, bondsMovingAverage: c.bondsMovingAverage, yuma3: c.yuma3, liquidAlpha: c.liquidAlpha,
          alphaLow: c.alphaLow, alphaHigh: c.alphaHigh, alphaSigmoidSteepness: c.alphaSigmoidSteepness,
          maxAllowedValidators: c.maxAllowedValidators, stakeThreshold: c.stakeThreshold, ownerUid: c.ownerUid,
          lastMechanismStepBlock: a.lastEpochBlock as number, raoEmission: rao.toString(), commitBlocks: null,
          mechanismSplit: c.mechanismSplit,
        },
        {
          stake: Array.from(decode(a.stake as string, BigUint64Array), String),
          blockAtRegistration: Array.from(decode(a.registration as string, BigUint64Array), Number),
          validatorPermit: Array.from(decode(a.permit as string, Uint8Array), (p) => p === 1),
          // Weights and last updates as the policies left them at the epoch; bonds from before it.
          mechanisms: mechs(b).map((m, j) => ({
            weights: csr(m, "wStart", "wCol", "wVal"),
            bonds: csr(mechs(a)[j]!, "bStart", "bCol", "bVal"),
            lastUpdate: Array.from(decode(m.lastUpdate as string, BigUint64Array), Number),
          })),
        },
      );
      mechs(b).forEach((m, j) => expect(csr(m, "bStart", "bCol", "bVal")).toEqual(expected.mechanisms[j]!.bonds));
      const sum = (x: bigint[]) => x.reduce((p, q) => p + q, 0n);
      expect(BigInt(b.miners as string) - BigInt(a.miners as string)).toBe(sum(expected.aggregate.serverEmission));
      expect(BigInt(b.validators as string) - BigInt(a.validators as string)).toBe(sum(expected.aggregate.validatorEmission));
      expect(Array.from(decode(b.permit as string, Uint8Array), (p) => p === 1)).toEqual(expected.aggregate.newValidatorPermit);
      expect(Array.from(decode(b.consensus as string, Uint16Array))).toEqual(expected.mechanisms[0]!.consensus);
      // The two mechanisms really differ (own qualities and draws).
      expect(expected.mechanisms[1]!.consensus).not.toEqual(expected.mechanisms[0]!.consensus);
      if (k > 0) expect(sum(expected.aggregate.serverEmission)).toBeGreaterThan(0n);
      checked++;
    }
    expect(checked).toBe(4);
  });
});

describe("a split with a hole", () => {
  it("is refused naming the index, in the defaults and in a subnet (it was accepted, and its snapshot could not be resumed)", () => {
    const refusal = (f: () => unknown) => { try { f(); } catch (e) { return e as YumaInputError; } throw new Error("not refused"); };
    const small = { neurons: 16, validators: 4, tempo: 10, mechanisms: 2 };
    for (const [cfg, field] of [
      [{ subnets: 1, defaults: { ...small, mechanismSplit: [, 65535] } }, "config.subnets[0].mechanismSplit[0]"],
      [{ subnets: [{ netuid: 1, ...small, mechanismSplit: [65535, ,] }] }, "config.subnets[0].mechanismSplit[1]"],
    ] as Array<[NetworkConfig, string]>) {
      const e = refusal(() => new Network(cfg));
      expect(e).toBeInstanceOf(YumaInputError);
      expect(e.field).toBe(field);
      expect(e.rule).toBe("must be given, got a hole (a missing entry of a sparse array)");
    }
    expect(new Network({ subnets: 1, defaults: { ...small, mechanismSplit: [0, 65535] } }).step(12).subnets).toHaveLength(1); // control
  });
});

describe("mechanisms in the dtao economy", () => {
  const one = (mechanisms: number, mechanismSplit: number[] | null): NetworkConfig => ({
    seed: 9,
    subnets: [
      { netuid: 1, neurons: 48, validators: 6, tempo: 40, mechanisms, mechanismSplit },
      { netuid: 2, neurons: 32, validators: 4, tempo: 25 },
    ],
  });

  it("a split giving everything to mechanism 0 pays exactly what the one-mechanism subnet pays", () => {
    const a = new Network(one(1, null)).step(400) as DtaoSummary;
    const b = new Network(one(2, [65535, 0])).step(400) as DtaoSummary;
    expect(b.digest).not.toBe(a.digest); // mechanism 1's epochs are in it
    const strip = (s: DtaoSummary) => s.subnets.map(({ epochs: _e, ...rest }) => rest);
    expect(strip(b)).toEqual(strip(a));
    expect(b.issuanceEnd).toBe(a.issuanceEnd);
  });

  it("an even split pays both mechanisms, and the miners' total differs from the one-mechanism run", () => {
    const a = new Network(one(1, null)).step(400) as DtaoSummary;
    const b = new Network(one(2, null)).step(400) as DtaoSummary;
    expect(BigInt(b.subnets[0]!.miners)).toBeGreaterThan(0n);
    expect(b.subnets[0]!.miners).not.toBe(a.subnets[0]!.miners);
    // Every alpha emitted is still paid, burned, recycled or pending.
    const s = b.subnets[0]!;
    const paid = ["owner", "miners", "validators", "root", "burned", "recycled", "pending"].reduce((t, k) => t + BigInt((s as unknown as Record<string, string>)[k]!), 0n);
    expect(paid).toBe(BigInt(s.alphaOut));
  });

  it("same digest for 1 and 3 threads and across a snapshot", async () => {
    const cfg = one(2, [30000, 35535]);
    const ref = new Network(cfg).step(300);
    const n = new Network(cfg);
    const r = await n.run({ blocks: 300, threads: 3 });
    await n.close();
    expect(r).toEqual(ref);
    const m = new Network(cfg);
    m.step(123);
    const resumed = new Network(JSON.parse(JSON.stringify(m.snapshot())));
    expect(resumed.step(177)).toEqual(ref);
  });
});
