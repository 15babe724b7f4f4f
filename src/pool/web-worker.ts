// Web Worker entry (browsers): advances one shard of subnets, like the piscina worker in Node,
// with its own WASM instance from the module the page compiled. Built by
// scripts/build-web-worker.mjs into src/generated/web-worker.ts and started from a Blob URL, so
// it works with any bundler, from file:// and from any static host.

import { runShard, type ShardInput } from "../network/runner.js";
import { buffersOf } from "../network/state.js";
import { instantiateModule } from "../wasm-instance.js";
import type { YumaExports } from "../wasm.js";

interface Task {
  module: WebAssembly.Module;
  input: ShardInput;
  faultInjection?: { netuid: number; block: number };
}

let wasm: YumaExports | undefined;
const scope = self as unknown as { onmessage: ((e: MessageEvent<Task>) => void) | null; postMessage(m: unknown, t?: Transferable[]): void };

scope.onmessage = (e) => {
  const { module, input, faultInjection } = e.data;
  let started = 0;
  try {
    wasm ??= instantiateModule(module);
    const records = runShard(wasm, input, {
      beforeEpoch(netuid, block) {
        started++;
        scope.postMessage({ type: "progress", started, netuid, block });
        // Testing aid: die the way a crashed worker does.
        if (faultInjection && faultInjection.netuid === netuid && faultInjection.block === block) throw new Error("fault injection");
      },
    });
    // WASM memory cannot shrink: after a large subnet, the next task starts on a fresh instance.
    if (wasm.memory.buffer.byteLength > 256 * 1024 * 1024) wasm = undefined;
    const transfer: ArrayBuffer[] = input.states.flatMap(buffersOf);
    for (const r of records) if (r.server && r.validator) transfer.push(r.server.buffer as ArrayBuffer, r.validator.buffer as ArrayBuffer);
    scope.postMessage({ type: "done", states: input.states, records }, transfer);
  } catch (err) {
    wasm = undefined;
    scope.postMessage({ type: "error", message: err instanceof Error ? err.message : String(err) });
  }
};
