// Replay a real subnet (docs/metagraph.md, "Replay"): one `yuma-metagraph/1` run forward K
// epochs with its weights held, or a series of metagraphs at successive blocks one epoch each,
// on the exact engine (the chain's params, or Yuma 2 / 3 / 3 + liquid alpha) or the research
// kernels (any of the six versions). Bonds are the replay's own from its first epoch on (the
// first epoch starts from the stored bonds); a uid whose hotkey changed between two metagraphs
// was re-registered, and loses its bonds. `shift` is the peer's shifted validator; `check`
// compares the first exact epoch with the chain's own outputs.

import { runEpoch } from "../epoch.js";
import { YumaInputError } from "../errors.js";
import { quote } from "../input.js";
import { runResearch } from "../research/index.js";
import { resolveParams } from "../scenarios/params.js";
import { EXACT_VERSIONS, VERSION_LABELS, YUMA_VERSIONS, type ScenarioParamOverrides, type ScenarioVersion } from "../scenarios/types.js";
import type { EpochOutputs, EpochParams, SparseMatrix } from "../types.js";
import { readMetagraph, type Metagraph, type MetagraphAssumption } from "./metagraph.js";

/** "chain": the exact engine with the metagraph's own params (Yuma version flags included). */
export type ReplayVersion = ScenarioVersion | "chain";

export interface ReplayOptions {
  /** Epochs to run (a single metagraph: default 10; a series: one per metagraph, at most its length). */
  epochs?: number;
  engine?: "exact" | "research";
  /** Exact: "chain" (default), YUMA2, YUMA3, YUMA3_LIQUID. Research: any of the six (default YUMA2, YUMA3). */
  versions?: ReplayVersion[];
  /** The peer's shifted validator: this uid's weights at epoch k are its weights of epoch k + 1. */
  shift?: number;
  /** Research: reproduce the peer (float32) instead of the chain-like float64 kernels. */
  peer?: boolean;
  /** Research parameter overrides (as in `yuma scenario`). */
  params?: ScenarioParamOverrides;
}

export interface ReplayEpoch {
  block: number;
  /** Per uid. Exact: u16 (0..65535); research: fractions (consensus, incentive in [0, 1]). */
  consensus: number[];
  incentive: number[];
  /** Per uid (exact: u16; research: the validators' normalised dividends, 0 for the others). */
  dividends: number[];
  /** Exact only: rao per uid (decimal strings). */
  emission?: string[];
}

export interface ReplayVersionResult {
  version: ReplayVersion;
  label: string;
  epochs: ReplayEpoch[];
}

export interface CheckField {
  field: string;
  /** Largest |ours − chain| over the uids, in u16 units (rao for emission, 0/1 for permits). */
  maxAbsDiff: number | string;
  /** Uids that differ, and the first of them (null when none). */
  differing: number;
  firstUid: number | null;
}

export interface ReplayCheck {
  /** The chain's epoch block (chainOutputs.block) and the replay's first epoch block. */
  chainBlock: number;
  replayBlock: number;
  fields: CheckField[];
  /** True when every compared field agrees exactly. */
  equal: boolean;
}

export interface ReplayResult {
  format: "yuma-replay/1";
  netuid: number;
  n: number;
  engine: "exact" | "research";
  semantics: "exact" | "chain-like" | "peer";
  units: "u16" | "fraction";
  /** Stake per uid at the first epoch (rao, decimal strings) and the validators (permit holders). */
  stake: string[];
  validators: number[];
  hotkeys?: string[];
  versions: ReplayVersionResult[];
  check?: ReplayCheck;
  assumptions: MetagraphAssumption[];
}

const fail = (field: string, rule: string): never => {
  throw new YumaInputError(field, rule);
};

/** The replay's epochs: a metagraph per epoch, and the block each runs at. */
interface Plan {
  metas: Metagraph[];
  blocks: number[];
  /** Uids whose hotkey changed just before epoch k (re-registered). */
  changed: number[][];
  assumptions: MetagraphAssumption[];
}

/**
 * The input metagraph checked by readMetagraph (a hand-built or parsed object may be anything),
 * its errors naming the metagraph's own fields (under `metagraphs[k]` in a series).
 */
function readInput(m: unknown, at: string | undefined): Metagraph {
  try {
    return readMetagraph(m);
  } catch (e) {
    if (!(e instanceof YumaInputError) || at === undefined) throw e;
    throw new YumaInputError(e.field === "metagraph" ? at : `${at}.${e.field}`, e.rule);
  }
}

function plan(input: Metagraph | Metagraph[], epochs: number | undefined): Plan {
  const raw: unknown[] = Array.isArray(input) ? input : [input];
  if (raw.length === 0) fail("metagraphs", "must hold at least one metagraph");
  const series = raw.map((m, k) => readInput(m, Array.isArray(input) ? `metagraphs[${k}]` : undefined));
  const first = series[0]!;
  series.forEach((m, k) => {
    if (m.n !== first.n) fail(`metagraphs[${k}].n`, `must equal the first metagraph's n = ${first.n} (uids are aligned by index), got ${m.n}`);
    if (m.netuid !== first.netuid) fail(`metagraphs[${k}].netuid`, `must be the first metagraph's netuid ${first.netuid}, got ${m.netuid}`);
    if (k > 0 && m.block <= series[k - 1]!.block) fail(`metagraphs[${k}].block`, `must be after the previous metagraph's block ${series[k - 1]!.block}, got ${m.block}`);
    // The epochs run at params.currentBlock, so that too must move forward (not only block).
    const prev = k > 0 ? Number(series[k - 1]!.params.currentBlock) : -1;
    if (Number(m.params.currentBlock) <= prev) {
      fail(`metagraphs[${k}].params.currentBlock`, `the block its epoch runs at (block when not given) must be after the previous metagraph's ${prev}, got ${Number(m.params.currentBlock)}`);
    }
  });
  const assumptions = series.flatMap((m) => m.assumptions);
  if (series.length === 1) {
    const k = epochs ?? 10;
    if (!Number.isInteger(k) || k < 1 || k > 10_000) fail("epochs", `must be an integer in 1..=10000, got ${String(epochs)}`);
    const period = first.params.tempo + 1;
    const b0 = Number(first.params.currentBlock);
    // Epoch blocks (and the held last updates, which move with them) are numbers: the last
    // must stay at most 2^53 - 1, or the arithmetic would round.
    const span = (k - 1) * period;
    if (b0 + span > Number.MAX_SAFE_INTEGER) {
      fail("params.currentBlock", `the first epoch's block (block when not given): ${k} epochs every ${period} blocks from it must end by 2^53 - 1 (block numbers are exact integers): at most ${Number.MAX_SAFE_INTEGER - span}, or fewer epochs; got ${b0}`);
    }
    const lastUpdate = first.lastUpdate.reduce((a, b) => Math.max(a, b), 0);
    if (lastUpdate + span > Number.MAX_SAFE_INTEGER) {
      const u = first.lastUpdate.indexOf(lastUpdate);
      fail(`lastUpdate[${u}]`, `moves with the ${k} held epochs (${span} blocks) past 2^53 - 1: at most ${Number.MAX_SAFE_INTEGER - span}, or fewer epochs; got ${lastUpdate}`);
    }
    if (k > 1) {
      assumptions.push({
        field: "weights", assumption: "weights-held",
        detail: `one metagraph replayed ${k} epochs, every ${period} blocks: weights, stake and registrations held; last updates advance with the blocks (each validator re-sets the same weights), permits and bonds from each epoch`,
      });
    }
    return { metas: Array.from({ length: k }, () => first), blocks: Array.from({ length: k }, (_, i) => b0 + i * period), changed: Array.from({ length: k }, () => []), assumptions };
  }
  const k = epochs ?? series.length;
  if (!Number.isInteger(k) || k < 1 || k > series.length) fail("epochs", `must be an integer in 1..=${series.length} (one per metagraph of the series), got ${String(epochs)}`);
  const metas = series.slice(0, k);
  const changed = metas.map((m, i) => {
    if (i === 0 || !m.hotkeys || !metas[i - 1]!.hotkeys) return [];
    const prev = metas[i - 1]!.hotkeys!;
    return m.hotkeys.flatMap((h, u) => (h !== prev[u] ? [u] : []));
  });
  return { metas, blocks: metas.map((m) => Number(m.params.currentBlock)), changed, assumptions };
}

/** Weight rows of epoch k with the shifted validator's row taken from epoch k + 1 (the peer's rule). */
function weightsAt(p: Plan, k: number, shift: number | undefined): SparseMatrix {
  const w = p.metas[k]!.weights;
  if (shift === undefined || k + 1 >= p.metas.length) return w;
  const out = w.slice();
  out[shift] = p.metas[k + 1]!.weights[shift]!;
  return out;
}

function exactFlags(v: ReplayVersion, own: EpochParams): Pick<EpochParams, "yuma3" | "liquidAlpha"> {
  if (v === "chain") return { yuma3: own.yuma3, liquidAlpha: own.liquidAlpha };
  return { yuma3: v !== "YUMA2", liquidAlpha: v === "YUMA3_LIQUID" };
}

function runExact(p: Plan, v: ReplayVersion, shift: number | undefined): { epochs: ReplayEpoch[]; first: EpochOutputs } {
  const out: ReplayEpoch[] = [];
  let bonds: SparseMatrix = p.metas[0]!.bonds;
  let permits = p.metas[0]!.validatorPermit;
  let prevBlock: number | undefined;
  let first!: EpochOutputs;
  const b0 = p.blocks[0]!;
  p.metas.forEach((m, k) => {
    const block = p.blocks[k]!;
    const held = p.metas.length > 1 && m === p.metas[0] && p.metas[1] === m;
    // Held weights: each validator keeps its staleness (last updates move with the blocks).
    const lastUpdate = held ? m.lastUpdate.map((b) => (b === 0 ? 0 : b + (block - b0))) : m.lastUpdate;
    if (k > 0 && !held) permits = m.validatorPermit;
    // A re-registered uid's own bond row is removed (replace_neuron).
    for (const u of p.changed[k]!) bonds = bonds.map((r, i) => (i === u ? [] : r));
    const params: EpochParams = {
      ...m.params,
      ...exactFlags(v, m.params),
      n: m.n,
      currentBlock: block,
      lastMechanismStepBlock: prevBlock ?? m.params.lastMechanismStepBlock,
    };
    const o = runEpoch(params, {
      stake: m.stake.map(String), lastUpdate, blockAtRegistration: m.blockAtRegistration, validatorPermit: permits,
      weights: weightsAt(p, k, shift), bonds,
    });
    if (k === 0) first = o;
    out.push({ block, consensus: o.consensus, incentive: o.incentive, dividends: o.dividends, emission: o.emission.map(String) });
    bonds = o.bonds;
    permits = o.newValidatorPermit;
    prevBlock = block;
  });
  return { epochs: out, first };
}

function runResearchVersion(p: Plan, v: ScenarioVersion, validators: number[], opts: ReplayOptions): ReplayEpoch[] {
  const m0 = p.metas[0]!;
  const own: ScenarioParamOverrides = { kappa: m0.params.kappa / 65535, bondPenalty: m0.params.bondsPenalty / 65535 };
  const params = resolveParams(v, own, opts.params, "options.params");
  const n = m0.n;
  const input = {
    format: "yuma-research-input/1" as const,
    version: v,
    ...(opts.peer ? { peerCompat: true } : {}),
    params,
    epochs: p.metas.map((m, k) => {
      const w = weightsAt(p, k, opts.shift);
      const W = validators.map((u) => {
        const row = new Array<number>(n).fill(0);
        for (const [j, x] of w[u]!) row[j] = x / 65535;
        return row;
      });
      const S = validators.map((u) => Number(m.stake[u]!) / 1e9);
      const reset = p.changed[k]!;
      return reset.length ? { W, S, resetBonds: reset } : { W, S };
    }),
  };
  const r = runResearch(input);
  return r.epochs.map((e, k) => {
    const dividends = new Array<number>(n).fill(0);
    validators.forEach((u, i) => (dividends[u] = e.dividends[i]!));
    return { block: p.blocks[k]!, consensus: e.consensus, incentive: e.incentive, dividends };
  });
}

/** Compare the first exact epoch with the chain's outputs, field by field. */
function check(m: Metagraph, o: EpochOutputs, replayBlock: number): ReplayCheck {
  const c = m.chainOutputs;
  if (!c) return fail("check", "the metagraph has no chainOutputs to compare with");
  const fields: CheckField[] = [];
  const cmp = (field: string, ours: ReadonlyArray<number | bigint | boolean>, chain: ReadonlyArray<number | bigint | boolean> | undefined) => {
    if (!chain) return;
    let max: bigint = 0n, differing = 0, firstUid: number | null = null;
    const big = (x: number | bigint | boolean | undefined) => (typeof x === "boolean" ? (x ? 1n : 0n) : BigInt(x ?? 0));
    for (let u = 0; u < m.n; u++) {
      const a = big(ours[u]), b = big(chain[u]);
      const d = a > b ? a - b : b - a;
      if (d !== 0n) {
        differing++;
        if (firstUid === null) firstUid = u;
        if (d > max) max = d;
      }
    }
    fields.push({ field, maxAbsDiff: max <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(max) : max.toString(), differing, firstUid });
  };
  cmp("consensus", o.consensus, c.consensus);
  cmp("incentive", o.incentive, c.incentive);
  cmp("dividends", o.dividends, c.dividends);
  cmp("validatorTrust", o.validatorTrust, c.validatorTrust);
  cmp("emission", o.emission, c.emission);
  cmp("validatorPermit", o.newValidatorPermit, c.validatorPermit);
  return { chainBlock: c.block, replayBlock, fields, equal: fields.every((f) => f.differing === 0) };
}

const OPTION_KEYS = new Set(["epochs", "engine", "versions", "shift", "peer", "params", "check"]);

/**
 * Replay a metagraph (or a series at successive blocks). Each metagraph is read by
 * readMetagraph first (parsed JSON works too); errors name the option or the metagraph field
 * (YumaInputError; `metagraphs[k].…` in a series).
 */
export function replay(input: Metagraph | Metagraph[], options: ReplayOptions & { check?: boolean } = {}): ReplayResult {
  if (typeof options !== "object" || options === null || Array.isArray(options)) fail("options", `must be an object, got ${quote(options)}`);
  for (const k of Object.keys(options)) if (!OPTION_KEYS.has(k)) fail(`options.${k}`, `unknown option (known: ${[...OPTION_KEYS].join(", ")})`);
  const engine = options.engine ?? "exact";
  if (engine !== "exact" && engine !== "research") fail("options.engine", `must be "exact" or "research", got ${JSON.stringify(engine)}`);
  const p = plan(input, options.epochs);
  const m0 = p.metas[0]!;
  if (options.shift !== undefined && (!Number.isInteger(options.shift) || options.shift < 0 || options.shift >= m0.n)) {
    fail("options.shift", `must be a uid in 0..${m0.n - 1}, got ${String(options.shift)}`);
  }
  const allowed: readonly ReplayVersion[] = engine === "exact" ? ["chain", ...EXACT_VERSIONS] : YUMA_VERSIONS;
  const versions = options.versions ?? (engine === "exact" ? ["chain"] : ["YUMA2", "YUMA3"]);
  if (!Array.isArray(versions) || versions.length === 0) fail("options.versions", "must be a non-empty array of versions");
  versions.forEach((v, i) => {
    if (!allowed.includes(v)) fail(`options.versions[${i}]`, `must be one of ${allowed.join(", ")} for the ${engine} engine, got ${JSON.stringify(v)}`);
  });
  if (engine === "exact" && (options.peer || options.params)) fail(options.peer ? "options.peer" : "options.params", "applies to the research engine only");
  const validators = m0.validatorPermit.flatMap((p2, u) => (p2 ? [u] : []));
  if (engine === "research" && validators.length === 0) fail("validatorPermit", "no uid holds a validator permit: the research kernels need at least one validator");
  const results: ReplayVersionResult[] = [];
  let firstExact: EpochOutputs | undefined;
  for (const v of versions) {
    const label = v === "chain" ? `chain params (${m0.params.yuma3 ? "Yuma 3" : "Yuma 2"}${m0.params.liquidAlpha ? ", liquid alpha" : ""})` : VERSION_LABELS[v];
    if (engine === "exact") {
      const r = runExact(p, v, options.shift);
      if (v === "chain") firstExact = r.first;
      results.push({ version: v, label, epochs: r.epochs });
    } else {
      results.push({ version: v, label, epochs: runResearchVersion(p, v as ScenarioVersion, validators, options) });
    }
  }
  let chk: ReplayCheck | undefined;
  if (options.check) {
    if (engine !== "exact") fail("options.check", "compares the exact engine with the chain: use engine \"exact\"");
    chk = check(m0, firstExact ?? runExact(p, "chain", options.shift).first, p.blocks[0]!);
  }
  return {
    format: "yuma-replay/1",
    netuid: m0.netuid,
    n: m0.n,
    engine,
    semantics: engine === "exact" ? "exact" : options.peer ? "peer" : "chain-like",
    units: engine === "exact" ? "u16" : "fraction",
    stake: m0.stake.map(String),
    validators,
    ...(m0.hotkeys ? { hotkeys: m0.hotkeys } : {}),
    versions: results,
    ...(chk ? { check: chk } : {}),
    assumptions: p.assumptions,
  };
}
