// The worker pool (piscina). The WebAssembly.Module is compiled once on the main thread and
// handed to workers with each task; subnet state buffers are transferred (not copied) both
// ways; progress and results travel over a MessagePort per task.

import type { Piscina } from "piscina";

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
  const { Piscina } = await loadNodeModules();
  return new Piscina({ filename: workerFilename(), minThreads: threads, maxThreads: threads, idleTimeout: 60_000 });
}

export interface ShardTaskMessage {
  module: WebAssembly.Module;
  input: ShardInput;
  port: MessagePort | import("node:worker_threads").MessagePort;
  faultInjection?: { netuid: number; block: number };
}

export interface ShardTaskResult {
  states: SubnetState[];
  records: EpochRecord[];
}

/** Run one shard on the pool. Rejects with { netuid, block, cause } naming the last epoch started. */
export function runShardTask(
  pool: Piscina,
  module: WebAssembly.Module,
  input: ShardInput,
  transfer: ArrayBuffer[],
  opts: { onEpoch?: (netuid: number, block: number) => void; faultInjection?: { netuid: number; block: number } },
): Promise<ShardTaskResult> {
  if (!node) throw new Error("runShardTask: call loadNodeModules() first");
  const { port1, port2 } = new node.MessageChannel();
  let last = { netuid: input.subnets[0]?.netuid ?? 0, block: input.from + 1 };
  let started = 0;
  let resolveDone!: (r: ShardTaskResult) => void;
  const done = new Promise<ShardTaskResult>((r) => (resolveDone = r));
  port1.on("message", (m: { type: string; netuid?: number; block?: number; states?: SubnetState[]; records?: EpochRecord[] }) => {
    if (m.type === "epoch") {
      // The previous epoch of this shard has finished.
      if (started > 0) opts.onEpoch?.(last.netuid, last.block);
      started++;
      last = { netuid: m.netuid!, block: m.block! };
    } else if (m.type === "done") {
      if (started > 0) opts.onEpoch?.(last.netuid, last.block);
      resolveDone({ states: m.states!, records: m.records! });
    }
  });
  const task: ShardTaskMessage = { module, input, port: port2, faultInjection: opts.faultInjection };
  const ran = pool.run(task, { transferList: [port2 as unknown as Transferable, ...transfer] as never });
  // The result arrives on the port; the task's own completion only says the worker is free.
  return Promise.all([ran, done]).then(
    ([, r]) => {
      port1.close();
      return r;
    },
    async (cause: unknown) => {
      // Let progress messages the worker posted before it died arrive, so the error names
      // the epoch it was really running.
      await new Promise((r) => setTimeout(r, 20));
      port1.close();
      throw { ...last, cause };
    },
  );
}
