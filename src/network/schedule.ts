// The stateful epoch schedule of the dynamic-TAO chain (subtensor `run_coinbase.rs`:
// `should_run_epoch`, the schedule part of `drain_pending`; `subnet.rs::init_new_network` for
// the stagger). Unlike the legacy rule `(block + netuid + 1) % (tempo + 1) == 0` it carries
// state: the last consumed slot, a deferral, and a safety-net counter, and at most
// `MaxEpochsPerBlock` subnets run per block (the rest are deferred to the next block, in netuid
// order). The schedule never depends on amounts, so a run's epochs can be listed before any
// coinbase arithmetic (docs/economics.md, "How the simulator runs the dtao block").
//
// Blocks are plain numbers (a run never reaches 2^53 blocks); nothing here is rao.

import { YumaInputError } from "../errors.js";

/** runtime `SubtensorMaxEpochsPerBlock` (production value). */
export const MAX_EPOCHS_PER_BLOCK = 2;
/** lib.rs `MAX_TEMPO`: past this many blocks without a step, an epoch is due regardless. */
export const MAX_TEMPO = 50_400;

/** One subnet's schedule state, as the chain stores it. */
export interface ScheduleEntry {
  netuid: number;
  tempo: number;
  /** LastEpochBlock: the last consumed slot. */
  lastEpochBlock: number;
  /** PendingEpochAt: the block a deferred epoch is due at (0 = none). */
  pendingEpochAt: number;
  /** BlocksSinceLastStep. */
  blocksSinceLastStep: number;
}

/** `init_new_network`: LastEpochBlock = now − (netuid mod max(tempo, 1)), saturating at 0. */
export function initialLastEpochBlock(netuid: number, tempo: number, now: number): number {
  return Math.max(0, now - (netuid % Math.max(tempo, 1)));
}

/** A fresh schedule for subnets registered at `now`, kept in netuid order. */
export function createSchedule(subnets: ReadonlyArray<{ netuid: number; tempo: number }>, now: number): ScheduleEntry[] {
  return subnets
    .map((s) => ({ netuid: s.netuid, tempo: s.tempo, lastEpochBlock: initialLastEpochBlock(s.netuid, s.tempo, now), pendingEpochAt: 0, blocksSinceLastStep: 0 }))
    .sort((a, b) => a.netuid - b.netuid);
}

/** `should_run_epoch`. */
export function shouldRunEpoch(s: ScheduleEntry, block: number): boolean {
  if (s.tempo === 0) return false;
  if (s.pendingEpochAt > 0 && block >= s.pendingEpochAt) return true;
  if (s.blocksSinceLastStep > MAX_TEMPO) return true;
  return Math.max(0, block - s.lastEpochBlock) >= s.tempo;
}

/**
 * The schedule part of `drain_pending` at `block`, in place: every subnet counts the block; a
 * due subnet runs if fewer than `cap` ran before it this block (its slot is consumed and its
 * counter reset), else it is deferred to `block + 1`. Returns the netuids that run, in order.
 * (Every subnet of the model has a consistent epoch input, so none is skipped.)
 */
export function drainSchedule(schedule: ScheduleEntry[], block: number, cap: number = MAX_EPOCHS_PER_BLOCK): number[] {
  const ran: number[] = [];
  for (const s of schedule) {
    s.blocksSinceLastStep++;
    if (!shouldRunEpoch(s, block)) continue;
    if (ran.length >= cap) {
      s.pendingEpochAt = block + 1;
      continue;
    }
    s.blocksSinceLastStep = 0;
    s.lastEpochBlock = block;
    s.pendingEpochAt = 0;
    ran.push(s.netuid);
  }
  return ran;
}

/** Visit the epochs of blocks from+1..to in order, advancing `schedule` in place. */
export function forEachEpoch(schedule: ScheduleEntry[], from: number, to: number, cap: number, visit: (block: number, netuid: number) => void): void {
  for (let b = from + 1; b <= to; b++) for (const netuid of drainSchedule(schedule, b, cap)) visit(b, netuid);
}

/** The epochs of blocks from+1..to as (block, netuid) pairs, advancing `schedule` in place. */
export function listEpochs(schedule: ScheduleEntry[], from: number, to: number, cap: number = MAX_EPOCHS_PER_BLOCK): Array<{ block: number; netuid: number }> {
  const out: Array<{ block: number; netuid: number }> = [];
  forEachEpoch(schedule, from, to, cap, (block, netuid) => out.push({ block, netuid }));
  return out;
}

/** A schedule read back from JSON (a snapshot), every field checked. */
export function scheduleFromJson(v: unknown, field: string): ScheduleEntry[] {
  if (!Array.isArray(v)) throw new YumaInputError(field, "must be an array of schedule entries");
  const int = (x: unknown, f: string, max = Number.MAX_SAFE_INTEGER): number => {
    if (typeof x !== "number" || !Number.isInteger(x) || x < 0 || x > max) throw new YumaInputError(f, `must be an integer in 0..=${max}`);
    return x;
  };
  const out = v.map((e: unknown, i) => {
    const f = `${field}[${i}]`;
    if (typeof e !== "object" || e === null || Array.isArray(e)) throw new YumaInputError(f, "must be an object");
    const o = e as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      if (!["netuid", "tempo", "lastEpochBlock", "pendingEpochAt", "blocksSinceLastStep"].includes(k)) throw new YumaInputError(`${f}.${k}`, "is not a schedule field");
    }
    const own = (k: string) => (Object.hasOwn(o, k) ? o[k] : undefined);
    return {
      netuid: int(own("netuid"), `${f}.netuid`, 65535),
      tempo: int(own("tempo"), `${f}.tempo`, 65535),
      lastEpochBlock: int(own("lastEpochBlock"), `${f}.lastEpochBlock`),
      pendingEpochAt: int(own("pendingEpochAt"), `${f}.pendingEpochAt`),
      blocksSinceLastStep: int(own("blocksSinceLastStep"), `${f}.blocksSinceLastStep`),
    };
  });
  for (let i = 1; i < out.length; i++) {
    if (out[i]!.netuid <= out[i - 1]!.netuid) throw new YumaInputError(`${field}[${i}].netuid`, "entries must be in increasing netuid order");
  }
  return out;
}
