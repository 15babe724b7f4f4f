// Worker entry for research sweeps (built as dist/research-worker.js): runs one validated,
// encoded input per task on this thread's instance of the module compiled by the main thread,
// and hands the result buffer back without a copy.

import { move } from "piscina";
import { workerData } from "node:worker_threads";
import { runFlat } from "./run.js";
import type { ResearchTask } from "./index.js";
import { releaseResearchEngine, researchEngine, setResearchModule } from "./wasm.js";

const fromPool = (workerData as { researchModule?: WebAssembly.Module } | undefined)?.researchModule;
if (fromPool) setResearchModule(fromPool);

/** Returns the buffer of the flat result (see flatOnBuffer), transferred. */
export default function researchTask(task: ResearchTask): unknown {
  if (task.module) setResearchModule(task.module);
  let res;
  try {
    res = runFlat(researchEngine(), task.enc);
  } finally {
    releaseResearchEngine();
  }
  return move(res.consensus.buffer as ArrayBuffer);
}
