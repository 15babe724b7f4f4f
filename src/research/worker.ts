// Worker entry for research sweeps (built as dist/research-worker.js): runs one validated,
// encoded input per task on this thread's instance of the module compiled by the main thread.

import { workerData } from "node:worker_threads";
import { runFlat, type FlatResearchResult } from "./run.js";
import type { ResearchTask } from "./index.js";
import { researchEngine, setResearchModule } from "./wasm.js";

const fromPool = (workerData as { researchModule?: WebAssembly.Module } | undefined)?.researchModule;
if (fromPool) setResearchModule(fromPool);

export default function researchTask(task: ResearchTask): FlatResearchResult {
  if (task.module) setResearchModule(task.module);
  return runFlat(researchEngine(), task.enc);
}
