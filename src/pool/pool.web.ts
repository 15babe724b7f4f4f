// The worker pool in browsers: Web Workers (module workers from a Blob URL of the bundled
// web-worker entry), the same shard protocol as the piscina pool in Node — the compiled
// WebAssembly.Module posted with each task, subnet state buffers transferred both ways — so
// a run gives the same digest as in Node for any number of workers. The browser build of the
// package (dist/browser.js) uses this file in place of pool.ts.

import { WorkersUnavailableError } from "../errors.js";
import { requireThreads } from "../validate.js";
import { WEB_WORKER_SOURCE } from "../generated/web-worker.js";
import type { EpochRecord, ShardInput } from "../network/runner.js";
import type { SubnetState } from "../network/state.js";

// The task shapes are the Node pool's (types only: nothing of piscina is loaded).
import type { ShardTask, ShardTaskResult } from "./pool.js";

let blobUrl: string | undefined;

function workerUrl(): string {
  blobUrl ??= URL.createObjectURL(new Blob([WEB_WORKER_SOURCE], { type: "text/javascript" }));
  return blobUrl;
}

/** A fixed-size set of Web Workers (created on demand, reused across runs). */
export class WebPool {
  readonly options: { maxThreads: number };
  private idle: Worker[] = [];
  private all = new Set<Worker>();
  constructor(threads: number) {
    this.options = { maxThreads: threads };
  }
  /** A worker for one task (a fresh one when none is idle). */
  take(): Worker {
    const w = this.idle.pop();
    if (w) return w;
    const fresh = new Worker(workerUrl(), { type: "module", name: "yuma-wasm shard" });
    this.all.add(fresh);
    return fresh;
  }
  give(w: Worker): void {
    if (this.all.has(w)) this.idle.push(w);
  }
  /** End a worker (cancelled or failed); the pool creates another when needed. */
  drop(w: Worker): void {
    w.terminate();
    this.all.delete(w);
    this.idle = this.idle.filter((x) => x !== w);
  }
  /** For `Network.run({ pool })` callers: the pool's shape mirrors piscina's where it is read. */
  run(): never {
    throw new WorkersUnavailableError("WebPool.run", "tasks go through Network.run({ pool })");
  }
  async destroy(): Promise<void> {
    for (const w of this.all) w.terminate();
    this.all.clear();
    this.idle = [];
  }
  async close(): Promise<void> {
    await this.destroy();
  }
}

function checkWorkers(operation: string): void {
  if (typeof Worker === "undefined" || typeof Blob === "undefined" || typeof URL?.createObjectURL !== "function") {
    throw new WorkersUnavailableError(operation, "this environment has no Web Workers; use step() (the calling thread) instead of run()");
  }
}

export async function loadNodeModules(): Promise<Record<string, never>> {
  checkWorkers("Network.run");
  return {};
}

export async function createPool(threads: number): Promise<WebPool> {
  requireThreads(threads);
  checkWorkers("createPool");
  return new WebPool(threads);
}

/** Run one shard on a worker of the pool; `result` rejects with { netuid, block, cause }. */
export function runShardTask(
  pool: WebPool,
  module: WebAssembly.Module,
  input: ShardInput,
  transfer: ArrayBuffer[],
  opts: { faultInjection?: { netuid: number; block: number } } = {},
): ShardTask {
  const w = pool.take();
  let started = 0, last = { netuid: input.subnets[0]?.netuid ?? 0, block: input.from + 1 }, complete = false;
  let settle!: { resolve: (r: ShardTaskResult) => void; reject: (e: unknown) => void };
  const result = new Promise<ShardTaskResult>((resolve, reject) => (settle = { resolve, reject }));
  const fail = (cause: unknown) => {
    pool.drop(w);
    settle.reject({ ...last, cause });
  };
  w.onmessage = (e: MessageEvent<{ type: string; started?: number; netuid?: number; block?: number; states?: SubnetState[]; records?: EpochRecord[]; message?: string }>) => {
    const m = e.data;
    if (m.type === "progress") {
      started = m.started!;
      last = { netuid: m.netuid!, block: m.block! };
    } else if (m.type === "done") {
      complete = true;
      w.onmessage = null;
      w.onerror = null;
      pool.give(w);
      settle.resolve({ states: m.states!, records: m.records! });
    } else if (m.type === "error") fail(new Error(m.message));
  };
  w.onerror = (e) => {
    e.preventDefault?.();
    fail(new Error(e.message || "worker error"));
  };
  w.postMessage({ module, input, faultInjection: opts.faultInjection }, transfer);
  return {
    result,
    finished: () => (complete ? started : Math.max(0, started - 1)),
    cancel() {
      if (!complete) fail(new Error("shard task cancelled"));
    },
  };
}
