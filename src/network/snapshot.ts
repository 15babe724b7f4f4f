// Snapshots are input: `new Network(snapshot)` checks every field the way a config is
// checked, and that the state is the one a run from the snapshot's config reaches at its
// block (epoch counts, issuance, rao accounting), so a corrupted snapshot never runs.

import { YumaInputError } from "../errors.js";
import { requireInt, requireObject, requireRao, requireU64 } from "../validate.js";
import type { YumaExports } from "../wasm.js";
import { resolveConfig, type ResolvedNetwork } from "./config.js";
import { countEpochs, nextEpochBlock } from "./runner.js";
import { stateFromJson, type SubnetState } from "./state.js";
import { fromHex } from "../digest.js";
import { DtaoEconomy, type DtaoEconomyJson } from "../economy/dtao.js";
import { F } from "../economy/layout.js";
import { createSchedule, forEachEpoch } from "./schedule.js";

export const SNAPSHOT_FORMAT = "yuma-network-snapshot/1";

const SNAPSHOT_KEYS = new Set<string>(["format", "config", "block", "issuance", "splitDust", "digest", "subnets", "economy"]);

const fail = (field: string, rule: string): never => {
  throw new YumaInputError(field, rule);
};

const own = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

/** Whether `new Network(x)` got a snapshot rather than a config (configs have neither key). */
export function isSnapshotLike(x: unknown): boolean {
  return typeof x === "object" && x !== null && !Array.isArray(x) && (own(x, "format") || own(x, "config"));
}

export interface ParsedSnapshot {
  config: ResolvedNetwork;
  block: number;
  issuance: bigint;
  splitDust: bigint;
  digest: Uint8Array;
  states: SubnetState[];
  economy?: DtaoEconomy;
}

/** Issuance after `blocks` blocks from `issuance`. Emission is a non-increasing step function
 *  of issuance (halvings), so each run of blocks with the same emission is found by bisection. */
export function issuanceAfter(wasm: YumaExports, issuance: bigint, blocks: number): bigint {
  const emission = (i: bigint) => BigInt.asUintN(64, wasm.blockEmission(i));
  let left = blocks;
  while (left > 0) {
    const e = emission(issuance);
    if (e === 0n) break;
    // Whether block k of this stretch still mints e. Past 2^63 rao (far beyond the supply, where
    // emission is 0 ≠ e) the probe is not handed to the u64 WASM call, which would wrap it.
    const mints = (k: number) => {
      const x = issuance + BigInt(k - 1) * e;
      return x < 1n << 63n && emission(x) === e;
    };
    // The largest k ≤ left with mints(k).
    let lo = 1, hi = left;
    if (!mints(hi)) {
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (mints(mid)) lo = mid;
        else hi = mid;
      }
      hi = lo;
    }
    issuance += BigInt(hi) * e;
    left -= hi;
  }
  return issuance;
}

/** Validate a snapshot (typically parsed JSON); every error names its field under `snapshot`. */
export function parseSnapshot(wasm: YumaExports, input: unknown): ParsedSnapshot {
  const s = requireObject(input, "snapshot");
  for (const k of Object.keys(s)) if (!SNAPSHOT_KEYS.has(k)) fail(`snapshot.${k}`, "unknown field");
  if (s.format !== SNAPSHOT_FORMAT) fail("snapshot.format", `must be ${JSON.stringify(SNAPSHOT_FORMAT)}, got ${JSON.stringify(s.format) ?? "undefined"}`);
  if (s.config === undefined) fail("snapshot.config", "is required");
  let config: ResolvedNetwork;
  try {
    config = resolveConfig(s.config);
  } catch (e) {
    // The same validation as a fresh config, reported under the snapshot.
    if (e instanceof YumaInputError) throw new YumaInputError(`snapshot.${e.field}`, e.rule);
    throw e;
  }
  const block = requireInt(s.block, "snapshot.block", config.startBlock, Number.MAX_SAFE_INTEGER);
  const issuance = requireU64(s.issuance, "snapshot.issuance");
  if (typeof s.issuance !== "string") fail("snapshot.issuance", "must be a decimal string of rao");
  const splitDust = requireRao(s.splitDust, "snapshot.splitDust");
  if (typeof s.digest !== "string" || !/^[0-9a-f]{64}$/i.test(s.digest)) {
    fail("snapshot.digest", `must be 64 hex digits (a SHA-256), got ${JSON.stringify(s.digest) ?? "undefined"}`);
  }
  const digest = fromHex(s.digest as string);
  if (config.economy === "dtao") return parseDtao(wasm, s, config, block, issuance, splitDust, digest);
  if (s.economy !== undefined) fail("snapshot.economy", 'applies to economy "dtao" only');
  const blocks = block - config.startBlock;
  const expected = issuanceAfter(wasm, BigInt(config.issuance), blocks);
  if (issuance !== expected) {
    fail("snapshot.issuance", `must be ${expected}, the issuance ${blocks} blocks after config.issuance = ${config.issuance} (block ${block}), got ${issuance}`);
  }
  if (!Array.isArray(s.subnets)) fail("snapshot.subnets", "must be an array of subnet states");
  const list = s.subnets as unknown[];
  if (list.length !== config.subnets.length) {
    fail("snapshot.subnets", `must hold one state per configured subnet (${config.subnets.length}), got ${list.length}`);
  }
  const states = config.subnets.map((cfg, i) => {
    const epochs = countEpochs(cfg.netuid, cfg.tempo, config.startBlock, block);
    const lastEpochBlock = epochs === 0 ? 0 : nextEpochBlock(cfg.netuid, cfg.tempo, config.startBlock) + (epochs - 1) * (cfg.tempo + 1);
    return stateFromJson(list[i], `snapshot.subnets[${i}]`, {
      cfg, seed: config.seed, startBlock: config.startBlock, block, epochs, lastEpochBlock,
    });
  });
  // Every rao minted since the start is somewhere: paid, pending, or dust.
  let accounted = splitDust;
  for (const st of states) accounted += st.owner + st.miners + st.validators + st.pending + st.pendingOwner + st.dust;
  const minted = issuance - BigInt(config.issuance);
  if (accounted !== minted) {
    fail("snapshot.subnets", `rao do not add up: owner + miners + validators + pending + pendingOwner + dust over the subnets, plus splitDust, is ${accounted}, but ${minted} were minted`);
  }
  return { config, block, issuance, splitDust, digest, states };
}

/** The dtao part: the economy's state checked against the config, the epoch schedule replayed
 *  from the start block, and the alpha and TAO accounting identities. */
function parseDtao(wasm: YumaExports, s: Record<string, unknown>, config: ResolvedNetwork, block: number, issuance: bigint, splitDust: bigint, digest: Uint8Array): ParsedSnapshot {
  if (splitDust !== 0n) fail("snapshot.splitDust", `must be 0 for the dtao economy, got ${splitDust}`);
  const ej = requireObject(s.economy, "snapshot.economy", new Set(["state", "schedule", "minted", "recycled"]));
  const minted = requireU64(ej.minted, "snapshot.economy.minted");
  const recycled = requireU64(ej.recycled, "snapshot.economy.recycled");
  if (recycled > minted) fail("snapshot.economy.recycled", `must not exceed minted ${minted}, got ${recycled}`);
  if (issuance !== BigInt(config.issuance) + minted - recycled) {
    fail("snapshot.issuance", `must be config.issuance + minted − recycled = ${BigInt(config.issuance) + minted - recycled}, got ${issuance}`);
  }
  // Each block mints the emission at the issuance of the moment, which stays within
  // [config.issuance, config.issuance + minted] and emission never grows with issuance: so
  // minted lies between blocks·E(config.issuance + minted) and blocks·E(config.issuance). This
  // costs nothing and refuses a block far from its mint before the schedule replay below,
  // whose cost grows with the blocks.
  const emission = (x: bigint) => (x >= 1n << 63n ? 0n : BigInt.asUintN(64, wasm.blockEmission(x)));
  const blocks = BigInt(block - config.startBlock), start = BigInt(config.issuance);
  const least = blocks * emission(start + minted), most = blocks * emission(start);
  if (minted < least || minted > most) {
    fail("snapshot.block", `${blocks} blocks after config.startBlock ${config.startBlock} mint between ${least} and ${most} rao, but snapshot.economy.minted is ${minted}`);
  }
  const eco = new DtaoEconomy(config, wasm, ej as unknown as DtaoEconomyJson);
  // The schedule a run from the config reaches at this block (it never depends on amounts),
  // replayed with counts only: memory per subnet, not per epoch.
  const replay = createSchedule(config.subnets, config.startBlock);
  const epochs = config.subnets.map(() => 0), last = config.subnets.map(() => 0);
  forEachEpoch(replay, config.startBlock, block, config.maxEpochsPerBlock ?? 2, (b, netuid) => {
    const i = eco.indexOf(netuid);
    epochs[i]!++;
    last[i] = b;
  });
  if (JSON.stringify(replay) !== JSON.stringify(eco.schedule)) fail("snapshot.economy.schedule", `must be the schedule a run reaches at block ${block}`);
  const n = config.subnets.length;
  const f = (k: number, i: number) => eco.state[k * n + i]!;
  config.subnets.forEach((c, i) => {
    const at = `snapshot.economy.state (subnet ${c.netuid})`;
    // The pool's TAO is the configured reserve plus what entered it (injection, excess buys
    // that went through, the market's stakes) minus the market's unstakes, plus registration
    // burns less their swap fees (which go to block authors and are among the fees).
    const poolIn = BigInt(c.pool!.tao) + f(F.T_TAO_IN, i) + f(F.T_EXCESS, i) - f(F.T_STUCK, i) + f(F.T_MARKET_IN, i) - f(F.T_MARKET_OUT, i);
    const tao = f(F.F_TAO, i), regMost = poolIn + f(F.T_REG_TAO, i);
    if (tao > regMost || tao < regMost - f(F.T_FEES, i)) {
      fail(at, `pool TAO ${tao} does not match its flows: configured + injected + excess + market in − market out + registrations (less at most the fees ${f(F.T_FEES, i)}) = ${regMost}`);
    }
    // Alpha amounts have no such identity here; 2^63 is past anything a run reaches (reserves
    // start below 2^60, the market trades below 2^62) and keeps the u64 pool arithmetic unsaturated.
    for (const [k, name] of [[F.F_ALPHA_IN, "pool alpha"], [F.F_ALPHA_OUT, "alpha out"], [F.F_MARKET, "market alpha"], [F.F_PROTOCOL, "protocol alpha"]] as const) {
      if (f(k, i) >= 1n << 63n) fail(at, `${name} must be below 2^63 rao, got ${f(k, i)}`);
    }
    const w = f(F.F_WEIGHT, i);
    if (w < 10n ** 16n || w > 99n * 10n ** 16n) fail(at, `pool weight must be in [0.01, 0.99], got ${w} parts`);
    if (f(F.F_MECH, i) !== 1n) fail(at, "mechanism must be 1 (dynamic)");
    if (f(F.F_FEE, i) !== BigInt(c.feeRate!)) fail(at, `fee rate must be the config's ${c.feeRate}`);
    if (f(F.F_FIRST, i) !== BigInt(c.firstEmissionBlock!)) fail(at, `first emission block must be the config's ${c.firstEmissionBlock}`);
    if (f(F.F_ENABLED, i) !== (c.emissionEnabled ? 1n : 0n)) fail(at, "emission switch must be the config's");
    if (f(F.F_RECYCLE, i) !== (c.ownerBurn === "recycle" ? 1n : 0n)) fail(at, "owner burn setting must be the config's");
    if (f(F.F_STATIC, i) !== BigInt(c.share)) fail(at, "static share must be the config's");
    if (f(F.F_HALVING, i) !== BigInt(c.emaHalvingBlocks!)) fail(at, "EMA halving must be the config's");
    if (f(F.F_EMA, i) > 1n << 32n) fail(at, "EMA price must not exceed 1");
    if (f(F.F_TAO, i) === 0n || f(F.F_ALPHA_IN, i) === 0n) fail(at, "pool reserves must be non-zero");
    // Every alpha emitted is paid, burned, recycled or pending.
    const paid = f(F.T_OWNER, i) + f(F.T_MINERS, i) + f(F.T_VALIDATORS, i) + f(F.T_ROOT, i) + f(F.T_BURNED, i)
      + BigInt.asIntN(64, f(F.T_RECYCLED, i)) + f(F.F_P_SERVER, i) + f(F.F_P_VALIDATOR, i) + f(F.F_P_ROOT, i) + f(F.F_P_OWNER, i);
    if (paid !== f(F.T_ALPHA_OUT, i)) fail(at, `alpha does not add up: paid + burned + recycled + pending = ${paid}, alpha out emitted = ${f(F.T_ALPHA_OUT, i)}`);
  });
  let entered = 0n;
  for (let i = 0; i < n; i++) entered += f(F.T_TAO_IN, i) + f(F.T_EXCESS, i) + f(F.T_STUCK, i);
  if (entered + recycled !== minted) fail("snapshot.economy", `TAO does not add up: injected + excess + unallocated + recycled = ${entered + recycled}, minted = ${minted}`);
  if (!Array.isArray(s.subnets)) fail("snapshot.subnets", "must be an array of subnet states");
  const list = s.subnets as unknown[];
  if (list.length !== n) fail("snapshot.subnets", `must hold one state per configured subnet (${n}), got ${list.length}`);
  const states = config.subnets.map((cfg, i) =>
    stateFromJson(list[i], `snapshot.subnets[${i}]`, {
      cfg, seed: config.seed, startBlock: config.startBlock, block, epochs: epochs[i]!, lastEpochBlock: last[i]!, stake: eco.epochStake[i]!, economyOnly: true,
    }));
  return { config, block, issuance, splitDust, digest, states, economy: eco };
}
