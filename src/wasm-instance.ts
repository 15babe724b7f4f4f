// Instantiating a compiled module, apart from the embedded bytes: a worker that receives the
// module from the main thread imports only this (its bundle then carries no WASM bytes).

import type { YumaExports } from "./wasm.js";

function readAsString(memory: WebAssembly.Memory, ptr: number): string {
  if (!ptr) return "";
  ptr >>>= 0;
  const len = new Uint32Array(memory.buffer, ptr - 4, 1)[0]! >>> 1;
  return String.fromCharCode(...new Uint16Array(memory.buffer, ptr, len));
}

/** A fresh instance of a module, with the `abort` import AssemblyScript expects. */
export function instantiateModule(module: WebAssembly.Module): YumaExports {
  let memory: WebAssembly.Memory | undefined;
  const instance = new WebAssembly.Instance(module, {
    env: {
      abort(msg: number, file: number, line: number, col: number) {
        const m = memory ? readAsString(memory, msg) : "";
        const f = memory ? readAsString(memory, file) : "";
        throw new Error(`yuma-wasm internal error: ${m} at ${f}:${line}:${col}`);
      },
    },
  });
  const raw = instance.exports as unknown as YumaExports;
  memory = raw.memory;
  // Pointers are u32, but JS reads an i32 result as signed: above 2 GiB it would come out
  // negative. Every export that returns a pointer goes through `>>> 0` here, once.
  return {
    ...raw,
    alloc: (bytes: number) => raw.alloc(bytes) >>> 0,
    epoch: (paramsPtr: number) => raw.epoch(paramsPtr) >>> 0,
    sha256Final: () => raw.sha256Final() >>> 0,
    heapEnd: () => raw.heapEnd() >>> 0,
  };
}
