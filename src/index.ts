export { runEpoch, runTrajectory } from "./epoch.js";
export { outputsToJson, type EpochOutputsJson } from "./json.js";
export { YumaInputError } from "./errors.js";
export { ready } from "./wasm.js";
export type {
  EpochInputs, EpochOptions, EpochOutputs, EpochParams, EpochTrace, Rao, SparseMatrix, SparseRow,
  Trajectory, TrajectoryEpoch, U64,
} from "./types.js";
