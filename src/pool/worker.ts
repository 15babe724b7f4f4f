// Worker entry (dist/worker.{js,cjs}): advances one shard of subnets with its own WASM
// instance, created once per worker from the module the main thread compiled.

import type { MessagePort } from "node:worker_threads";
import { runShard } from "../network/runner.js";
import { buffersOf } from "../network/state.js";
import { instantiate, type YumaExports } from "../wasm.js";
import { RETAINED_MEMORY_LIMIT } from "../memory.js";
import { CANCEL_CELL, type ShardTaskMessage } from "./pool.js";

let wasm: YumaExports | undefined;

export default function shardTask(task: ShardTaskMessage): boolean {
  wasm ??= instantiate(task.module);
  const port = task.port as MessagePort;
  const fault = task.faultInjection;
  const cell = new BigInt64Array(task.progress);
  let started = 0n;
  // Cancelled by the main thread (its run failed or was closed): stop before the next epoch.
  const cancelled = () => cell.length > CANCEL_CELL && Atomics.load(cell, CANCEL_CELL) !== 0n;
  if (cancelled()) throw new Error("shard task cancelled");
  const records = runShard(wasm, task.input, {
    beforeEpoch(netuid, block) {
      if (cancelled()) throw new Error("shard task cancelled");
      // The epoch being run, for progress and for naming it if this worker dies.
      Atomics.store(cell, 1, BigInt(netuid));
      Atomics.store(cell, 2, BigInt(block));
      Atomics.store(cell, 0, ++started);
      // Testing aid: die the way a crashed worker does.
      if (fault && fault.netuid === netuid && fault.block === block) process.exit(1);
    },
  });
  // WASM memory cannot shrink: after a large subnet, the next task starts on a fresh instance.
  if (wasm.memory.buffer.byteLength > RETAINED_MEMORY_LIMIT) wasm = undefined;
  const transfer: ArrayBuffer[] = task.input.states.flatMap(buffersOf);
  // dtao epochs carry their emission shares back: moved, not copied.
  for (const r of records) if (r.server && r.validator) transfer.push(r.server.buffer as ArrayBuffer, r.validator.buffer as ArrayBuffer);
  port.postMessage({ type: "done", states: task.input.states, records }, transfer);
  port.close();
  return true;
}
