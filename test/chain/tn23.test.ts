// The recorded netuid-23 chain state (/work/shared/real/tn23-b3264155-selfweight): a
// metagraph with chain outputs, built here from the decoded RPC answers. The case is trivial
// (the only weight is a self-weight, every chain output is zero), so it checks plumbing:
// chainOutputs are read, hyperparameters map onto params, and the exact engine agrees with
// the chain's all-zero consensus, incentive, dividends and validator trust.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { metagraphToEpoch, readMetagraph, runEpoch } from "../../src/index.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const snap = JSON.parse(readFileSync(join(ROOT, "..", "shared", "real", "tn23-b3264155-selfweight", "snapshot.json"), "utf8"));

interface Neuron { uid: number; hotkey: string; coldkey: string; stake_rao: number; last_update: number; validator_permit: boolean; consensus_u16: number; incentive_u16: number; dividends_u16: number; validator_trust_u16: number; emission_rao: number }

function tn23Doc() {
  const neurons: Neuron[] = snap.neurons;
  const n: number = snap.n;
  const h = snap.hyperparams;
  const rows = (sparse: Array<[number, Array<[number, number]>]>) => {
    const by = new Map(sparse);
    return Array.from({ length: n }, (_, i) => by.get(i) ?? []);
  };
  const doc = {
    format: "yuma-metagraph/1", netuid: snap.netuid, block: snap.blocks.neurons_lite_and_storage[0], n,
    source: { dir: "tn23-b3264155-selfweight" },
    hotkeys: neurons.map((x) => x.hotkey), coldkeys: neurons.map((x) => x.coldkey),
    params: {
      tempo: h.tempo, kappa: h.kappa, activityCutoff: h.activity_cutoff, bondsMovingAverage: h.bonds_moving_avg,
      maxAllowedValidators: h.max_validators, alphaLow: h.alpha_low, alphaHigh: h.alpha_high, liquidAlpha: h.liquid_alpha_enabled,
      yuma3: false, raoEmission: "0",
    },
    stake: neurons.map((x) => String(x.stake_rao)),
    lastUpdate: neurons.map((x) => x.last_update),
    validatorPermit: neurons.map((x) => x.validator_permit),
    weights: rows(snap.weights_u16),
    bonds: rows(snap.bonds_u16),
    chainOutputs: {
      block: 3263235,
      consensus: neurons.map((x) => x.consensus_u16), incentive: neurons.map((x) => x.incentive_u16),
      dividends: neurons.map((x) => x.dividends_u16), validatorTrust: neurons.map((x) => x.validator_trust_u16),
      emission: neurons.map((x) => String(x.emission_rao)),
    },
    assumptions: [
      { field: "params.yuma3", assumption: "pre-dtao-runtime", detail: "the runtime had no Yuma3 flag (pre-dTAO)" },
      { field: "params.raoEmission", assumption: "recorded-zero-emission", detail: "every recorded emission is zero" },
    ],
  };
  return doc;
}

describe("tn23 recorded chain state as yuma-metagraph/1", () => {
  const doc = tn23Doc();
  const n: number = snap.n;
  it("reads, keeps the chain outputs and lists the remaining assumptions", () => {
    const m = readMetagraph(doc);
    expect(m.chainOutputs?.block).toBe(3263235);
    expect(m.chainOutputs?.emission).toEqual(new Array(n).fill(0n));
    expect(m.stake[10]).toBe(321859556406373n);
    const fields = m.assumptions.map((a) => a.field);
    expect(fields).toEqual(expect.arrayContaining(["params.yuma3", "params.raoEmission", "blockAtRegistration", "params.bondsPenalty"]));
    expect(fields).not.toContain("lastUpdate");
    expect(fields).not.toContain("validatorPermit");
    expect(fields).not.toContain("params.kappa");
  });
  it("the engine agrees with the chain's all-zero outputs and clears the bonds", () => {
    const m = readMetagraph(doc);
    const { params, inputs } = metagraphToEpoch(m);
    const out = runEpoch(params, inputs);
    expect(out.consensus).toEqual(m.chainOutputs!.consensus);
    expect(out.incentive).toEqual(m.chainOutputs!.incentive);
    expect(out.dividends).toEqual(m.chainOutputs!.dividends);
    expect(out.validatorTrust).toEqual(m.chainOutputs!.validatorTrust);
    expect(out.emission).toEqual(m.chainOutputs!.emission);
    expect(out.bonds.every((r) => r.length === 0)).toBe(true);
  });
});

describe("tn23 replayed", () => {
  it("replay --check: all-zero outputs, bonds cleared, equal to the recorded chain outputs", async () => {
    const { replay } = await import("../../src/index.js");
    const m = readMetagraph(tn23Doc());
    const r = replay(m, { epochs: 3, check: true });
    expect(r.check!.equal).toBe(true);
    expect(r.check!.fields.map((f) => f.field)).toEqual(["consensus", "incentive", "dividends", "validatorTrust", "emission"]);
    for (const e of r.versions[0]!.epochs) {
      expect(e.consensus.every((x) => x === 0) && e.incentive.every((x) => x === 0) && e.dividends.every((x) => x === 0)).toBe(true);
      expect(e.emission!.every((x) => x === "0")).toBe(true);
    }
  });
});
