// The worker pool (piscina). The WebAssembly.Module is compiled once on the main thread and
// handed to workers with each task; subnet state buffers are transferred (not copied) both
// ways; progress and results travel over a MessagePort per task.

import type { Piscina } from "piscina";
import { requireThreads } from "../validate.js";

// piscina and worker_threads are loaded on first use, so that browser bundles of the library
// never pull them in (bundlers hoist static imports even of lazily imported modules).
let node: { Piscina: typeof Piscina; MessageChannel: typeof import("node:worker_threads").MessageChannel } | undefined;

export async function loadNodeModules(): Promise<NonNullable<typeof node>> {
  if (!node) {
    const [p, wt] = await Promise.all([import("piscina"), import("node:worker_threads")]);
    node = { Piscina: p.Piscina, MessageChannel: wt.MessageChannel };
  }
  return node;
}
import type { EpochRecord, ShardInput } from "../network/runner.js";
import type { SubnetState } from "../network/state.js";

/** Path of the built worker entry next to this bundle (dist/worker.{js,cjs}). */
export function workerFilename(): string {
  const here = import.meta.url;
  if (here.endsWith(".ts")) return new URL("../../dist/worker.js", here).href; // running from src/ (tests)
  return new URL(here.endsWith(".cjs") ? "./worker.cjs" : "./worker.js", here).href;
}

/** A fixed-size pool on this package's worker entry. */
export async function createPool(threads: number): Promise<Piscina> {
  requireThreads(threads);
  const { Piscina } = await loadNodeModules();
  return new Piscina({ filename: workerFilename(), minThreads: threads, maxThreads: threads, idleTimeout: 60_000 });
}

/** Cells of the shared progress buffer (BigInt64): started, netuid, block, cancel. */
export const PROGRESS_CELLS = 4;
export const CANCEL_CELL = 3;

export interface ShardTaskMessage {
  module: WebAssembly.Module;
  input: ShardInput;
  port: MessagePort | import("node:worker_threads").MessagePort;
  /** Shared progress cell: [epochs started, netuid, block] of the epoch being run, then a
   *  cancel flag the main thread sets to make the worker stop before its next epoch. */
  progress: SharedArrayBuffer;
  faultInjection?: { netuid: number; block: number };
}

export interface ShardTaskResult {
  states: SubnetState[];
  records: EpochRecord[];
}

export interface ShardTask {
  result: Promise<ShardTaskResult>;
  /** Epochs of this shard finished so far (read without any message from the worker). */
  finished(): number;
  /** Ask the worker to stop before its next epoch (`result` then rejects). */
  cancel(): void;
}

/**
 * Run one shard on the pool. Progress is read from shared memory (no message per epoch, so
 * the main thread stays idle); `result` rejects with { netuid, block, cause } naming the epoch
 * the worker had started.
 */
export function runShardTask(
  pool: Piscina,
  module: WebAssembly.Module,
  input: ShardInput,
  transfer: ArrayBuffer[],
  opts: { faultInjection?: { netuid: number; block: number } } = {},
): ShardTask {
  if (!node) throw new Error("runShardTask: call loadNodeModules() first");
  const { port1, port2 } = new node.MessageChannel();
  const progress = new SharedArrayBuffer(8 * PROGRESS_CELLS);
  const cell = new BigInt64Array(progress);
  let complete = false;
  let resolveDone!: (r: ShardTaskResult) => void;
  const done = new Promise<ShardTaskResult>((r) => (resolveDone = r));
  port1.on("message", (m: { type: string; states?: SubnetState[]; records?: EpochRecord[] }) => {
    if (m.type === "done") {
      complete = true;
      resolveDone({ states: m.states!, records: m.records! });
    }
  });
  const task: ShardTaskMessage = { module, input, port: port2, progress, faultInjection: opts.faultInjection };
  const ran = pool.run(task, { transferList: [port2 as unknown as Transferable, ...transfer] as never });
  // The result arrives on the port; the task's own completion only says the worker is free.
  const result = Promise.all([ran, done]).then(
    ([, r]) => {
      port1.close();
      return r;
    },
    (cause: unknown) => {
      port1.close();
      const started = Number(Atomics.load(cell, 0));
      const last = started > 0
        ? { netuid: Number(Atomics.load(cell, 1)), block: Number(Atomics.load(cell, 2)) }
        : { netuid: input.subnets[0]?.netuid ?? 0, block: input.from + 1 };
      throw { ...last, cause };
    },
  );
  return {
    result,
    finished() {
      const started = Number(Atomics.load(cell, 0));
      return complete ? started : Math.max(0, started - 1);
    },
    cancel() {
      Atomics.store(cell, CANCEL_CELL, 1n);
    },
  };
}
