// Run a scenario on the exact (chain) engine: convert it to a fixture-format trajectory with
// u16 max-upscaled weights, integer rao stakes and chain block numbers, run it with
// runTrajectory (bonds and validator permits carried between epochs), and report the same
// metrics as the research kernels.

import { runTrajectory } from "../epoch.js";
import type { EpochOutputs, SparseMatrix, Trajectory, TrajectoryEpoch } from "../types.js";
import { expandScenario } from "./index.js";
import { computeTotals, epochMetrics, type VersionResult } from "./metrics.js";
import type { ScenarioParams } from "./params.js";
import { EXACT_VERSIONS, VERSION_LABELS, type ScenarioSpec, type ScenarioVersion } from "./types.js";

/** A scenario cannot be run as asked (unsupported version, parameter…). */
export class ScenarioError extends Error {}

export const EXACT_LAYOUT = {
  /** Block of epoch 0; epoch k runs at FIRST_BLOCK + k · TEMPO. */
  FIRST_BLOCK: 1_000_000,
  TEMPO: 360,
  ACTIVITY_CUTOFF: 5000,
  /** Registration block of every uid that is not (re-)registered during the scenario. */
  GENESIS_REGISTRATION: 900_000,
  /** Validators set (reveal) their weights this many blocks before the epoch. */
  SET_WEIGHTS_LEAD: 5,
  /** Commits are made this many blocks before the epoch. */
  COMMIT_LEAD: 20,
} as const;

const L = EXACT_LAYOUT;
const blockOf = (epoch: number) => L.FIRST_BLOCK + epoch * L.TEMPO;
const RAO_PER_TAO = 1_000_000_000n;

/** Map a [0, 1] fraction to the chain's u16 storage (truncating, as 0.5 → 32767). */
const u16 = (x: number) => Math.min(65535, Math.max(0, Math.floor(x * 65535)));

/** Weights as the chain stores them after set_weights: every server listed, max-upscaled to 65535. */
export function maxUpscaleRow(row: number[]): number[] {
  const max = Math.max(0, ...row);
  if (!(max > 0)) return row.map(() => 0);
  return row.map((w) => Math.round((Math.max(0, w) / max) * 65535));
}

/** Integer rao stakes proportional to S, summing to about the total subnet stake. */
export function stakesToRao(S: number[], totalSubnetStakeTao: number): bigint[] {
  const t = S.reduce((a, b) => a + b, 0);
  // Work in milli-TAO so shares keep 12+ significant digits.
  return S.map((s) => (t > 0 ? BigInt(Math.round((s / t) * totalSubnetStakeTao * 1000)) * (RAO_PER_TAO / 1000n) : 0n));
}

/** Check that the version/params/scenario can run on the exact engine. */
export function checkExact(s: ScenarioSpec, version: ScenarioVersion, p: ScenarioParams): void {
  if (!EXACT_VERSIONS.includes(version)) {
    throw new ScenarioError(`--exact: version ${version} has no exact engine (only ${EXACT_VERSIONS.join(", ")} run on chain)`);
  }
  if (p.winnerTakesAll) {
    throw new ScenarioError(`--exact: scenario ${s.name} uses winner-takes-all incentive, which the chain epoch does not have`);
  }
}

/** Convert a scenario to an exact-engine trajectory for `version`. */
export function scenarioToTrajectory(
  s: ScenarioSpec,
  version: ScenarioVersion,
  p: ScenarioParams,
  opts: { bondResets: boolean },
): Trajectory {
  checkExact(s, version, p);
  const epochs = expandScenario(s);
  const V = s.validators.length, N = s.servers.length, n = V + N;
  const resets = opts.bondResets ? (s.resetBonds ?? []).filter((r) => !r.versions || r.versions.includes(version)) : [];
  const joinOf = new Map((s.chain?.joins ?? []).map((j) => [j.validator, j.epoch]));
  const cr = s.chain?.commitReveal;

  const epochInput = (e: number): TrajectoryEpoch => {
    const { W, S } = epochs[e]!;
    const current = blockOf(e);
    const lastSet = s.chain?.lastSet ? s.chain.lastSet(e) : W.map(() => e);
    const weights: SparseMatrix = [];
    const lastUpdate: number[] = [];
    const blockAtRegistration: number[] = [];
    const commitBlocks: Array<number | null> = [];
    for (let i = 0; i < V; i++) {
      const row = maxUpscaleRow(W[i]!);
      const hasWeights = row.some((x) => x > 0) && lastSet[i] !== null;
      weights.push(hasWeights ? row.map((w, j) => [V + j, w] as [number, number]) : []);
      lastUpdate.push(hasWeights ? blockOf(lastSet[i]!) - L.SET_WEIGHTS_LEAD : 0);
      const join = joinOf.get(i);
      blockAtRegistration.push(join === undefined ? L.GENESIS_REGISTRATION : blockOf(join) - L.TEMPO / 2);
      commitBlocks.push(cr && hasWeights ? blockOf(e - cr.delay + 1) - L.COMMIT_LEAD : null);
    }
    for (let j = 0; j < N; j++) {
      // A bond reset is a re-registration of the server's uid half a tempo before the epoch:
      // the chain then drops every bond on it in that epoch.
      let reg: number = L.GENESIS_REGISTRATION;
      for (const r of resets) if (r.server === j && r.epoch <= e) reg = Math.max(reg, blockOf(r.epoch) - L.TEMPO / 2);
      weights.push([]);
      lastUpdate.push(reg);
      blockAtRegistration.push(reg);
      commitBlocks.push(null);
    }
    const stake = [...stakesToRao(S, p.totalSubnetStake), ...new Array<bigint>(N).fill(0n)].map(String);
    const out: TrajectoryEpoch = { currentBlock: current, stake, lastUpdate, blockAtRegistration, weights };
    if (cr) out.commitBlocks = commitBlocks;
    return out;
  };

  const first = epochInput(0);
  const trajectory: Trajectory = {
    params: {
      n,
      currentBlock: blockOf(0),
      tempo: L.TEMPO,
      activityCutoff: L.ACTIVITY_CUTOFF,
      kappa: u16(p.kappa),
      bondsPenalty: u16(p.bondPenalty),
      bondsMovingAverage: Math.round(Math.min(1, Math.max(0, p.bondMovingAverage)) * 1_000_000),
      yuma3: version !== "YUMA2",
      liquidAlpha: version === "YUMA3_LIQUID",
      alphaLow: u16(p.alphaLow),
      alphaHigh: u16(p.alphaHigh),
      alphaSigmoidSteepness: Math.max(-32768, Math.min(32767, Math.round(p.alphaSigmoidSteepness * 100))),
      maxAllowedValidators: V,
      stakeThreshold: "0",
      ownerUid: null,
      lastMechanismStepBlock: blockOf(0) - L.TEMPO,
      raoEmission: String(BigInt(Math.round(p.totalEpochEmission * 1e9))),
      commitBlocks: (first.commitBlocks as Array<number | null> | undefined) ?? null,
    },
    inputs: {
      stake: first.stake!,
      lastUpdate: first.lastUpdate!,
      blockAtRegistration: first.blockAtRegistration!,
      validatorPermit: Array.from({ length: n }, (_, i) => i < V),
      weights: first.weights!,
      bonds: Array.from({ length: n }, () => []),
    },
    epochs: epochs.map((_, e) => (e === 0 ? first : epochInput(e))),
  };
  return trajectory;
}

/** Normalized dividends of the validators from the exact outputs (validator emission shares). */
export function exactDividends(out: EpochOutputs, V: number): number[] {
  const ve = out.validatorEmission.slice(0, V);
  const total = ve.reduce((a, b) => a + b, 0n);
  if (total > 0n) return ve.map((x) => Number(x) / Number(total));
  const d = out.dividends.slice(0, V);
  const t = d.reduce((a, b) => a + b, 0);
  return d.map((x) => (t > 0 ? x / t : 0));
}

/** Run one version of a scenario on the exact engine. */
export function runScenarioExact(
  s: ScenarioSpec,
  version: ScenarioVersion,
  p: ScenarioParams,
  opts: { bondResets: boolean },
): VersionResult {
  const trajectory = scenarioToTrajectory(s, version, p, opts);
  const outputs = runTrajectory(trajectory);
  const inputs = expandScenario(s);
  const V = s.validators.length, N = s.servers.length;
  const epochs = outputs.map((out, e) => {
    const bonds = Array.from({ length: V }, () => new Array<number>(N).fill(0));
    out.bonds.slice(0, V).forEach((row, i) => {
      for (const [uid, val] of row) if (uid >= V && uid < V + N) bonds[i]![uid - V] = val / 65535;
    });
    return epochMetrics(
      {
        consensus: out.consensus.slice(V).map((x) => x / 65535),
        incentive: out.incentive.slice(V).map((x) => x / 65535),
        bonds,
        dividends: exactDividends(out, V),
      },
      inputs[e]!,
      p,
    );
  });
  return {
    version,
    label: VERSION_LABELS[version],
    engine: "exact",
    params: p,
    epochs,
    totals: computeTotals(s.validators, s.base, epochs),
  };
}
