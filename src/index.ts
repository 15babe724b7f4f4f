// Public API.
export { runEpoch, runTrajectory } from "./epoch.js";
export { epochShares, emitByShares } from "./shares.js";
export { runSubnetEpoch, runSubnetTrajectory, aggregateToJson, MAX_MECHANISMS, type SubnetTrajectory, type SubnetTrajectoryEpoch, type SubnetEpochParams, type SubnetEpochInputs, type SubnetEpochOutputs, type AggregateTerms, type MechanismInputs } from "./mechanisms.js";
export { outputsToJson, type EpochOutputsJson, type EpochTraceJson } from "./json.js";
export { YumaInputError } from "./errors.js";
export { ready, usesSimd } from "./wasm.js";
export type {
  EpochInputs, EpochOptions, EpochOutputs, EpochParams, EpochShares, EpochTrace, Rao, SparseMatrix, SparseRow,
  Trajectory, TrajectoryEpoch, U64,
} from "./types.js";

// Advanced: validated typed-array path for hot loops (validate once, run many times), and
// direct module access (e.g. to compile once and hand the module to your own workers).
export { encodeEpoch, type CsrU16, type EncodedEpoch, type OutOfRangeUids } from "./validate.js";
export { runEncoded, rawToOutputs, type RawEpochOutputs } from "./epoch.js";
export { getModule, instantiate, setModule, wasmBuildBytes, type YumaExports } from "./wasm.js";
export { blockEmission, ownerCut, TOTAL_SUPPLY, SUBNET_OWNER_CUT } from "./emission.js";
export {
  Network, NetworkWorkerError, type NetworkSummary, type NetworkSnapshot, type RunProgress, type SubnetSummary, type StepOptions, type ShareSchedule,
  // Options of Network.run; `RunOptions` is the older name of the same type.
  type RunOptions as NetworkRunOptions, type RunOptions,
} from "./network/network.js";
export { NetworkBusyError, NetworkClosedError } from "./network/network.js";
export { resolveConfig, SUBNET_DEFAULTS, type NetworkConfig, type SubnetConfig, type ResolvedNetwork, type ResolvedSubnet, type PolicyName } from "./network/config.js";
export { createPool } from "./pool/index.js";
export { rootStakeBySlot, type DtaoSummary, type DtaoSubnetSummary, type DtaoHistory } from "./economy/dtao.js";
export type { FlowsHook, MarketSubnetView } from "./economy/market.js";
export { DEFAULT_TAO_WEIGHT, SHARE_RULES, type Economy, type ShareRule, type MarketConfig } from "./economy/config.js";

// Research mode: float kernels of the six Yuma variants, chain-like or peer-compatible (src/research).
export { runResearch, runResearchFlat, runResearchBatch, createResearchPool, researchReady, DEFAULT_RESEARCH_PARAMS } from "./research/index.js";
export type { FlatResearchResult } from "./research/run.js";
export type {
  ResearchBatchOptions, ResearchEpochInput, ResearchEpochOutput, ResearchInput, ResearchOptions, ResearchOutput, ResearchParams,
  YumaVersion,
} from "./research/index.js";

// Scenario library and reports (docs/research.md).
export {
  SCENARIOS, CLASSIC_SCENARIOS, CHAIN_SCENARIOS, EXACT_VERSIONS, VERSION_LABELS, findScenario, expandScenario,
  type ScenarioSpec, type ScenarioEpoch, type ScenarioVersion, type ScenarioParamOverrides, type BondReset, type ChainDetails, type Step,
} from "./scenarios/index.js";
export { ScenarioError, scenarioToTrajectory, runScenarioExact } from "./scenarios/exact.js";
export { versionDefaults, resolveParams, type ScenarioParams } from "./scenarios/params.js";
export type { ScenarioResult, VersionResult, EpochMetrics, ValidatorTotal, ScenarioInfo } from "./scenarios/metrics.js";
export { renderScenarioHtml, totalsCsv, totalsText } from "./report/html.js";
export { runScenario, scenarioResearchInput, applicableResets, type ScenarioRunOptions } from "./scenarios/run.js";
export {
  runSweep, parseMetric, gridPoints, SWEEP_PARAMS,
  type SweepSpec, type SweepResult, type SweepPoint, type SweepAxis, type SweepMetric, type SweepFlag, type SweepKey,
} from "./scenarios/sweep.js";
export { renderSweepHtml, sweepCsv, sweepText } from "./report/sweep.js";

// Real subnets in (docs/metagraph.md): the yuma-metagraph/1 format and readers of other tools' dumps.
export {
  readMetagraph, metagraphToEpoch, metagraphToJson, topKPermits, METAGRAPH_FORMAT, CHAIN_DEFAULT_PARAMS, ASSUMPTIONS,
  type Metagraph, type MetagraphAssumption, type ChainOutputs,
} from "./chain/metagraph.js";
export { importMetagraph, importYumaSimulationPt, importSdkJson, taoFloatToRao, recoverU16Rows, lastEpochBlock } from "./chain/import.js";
export { readTorchSave } from "./chain/torch.js";
export { unpickle, type NdArray } from "./chain/pickle.js";
export {
  replay, type ReplayOptions, type ReplayResult, type ReplayVersion, type ReplayVersionResult, type ReplayEpoch, type ReplayCheck, type CheckField,
} from "./chain/replay.js";
export { renderReplayHtml, replayCsv, replayText, type ReplayReportOptions } from "./report/replay.js";
export { fetchMetagraph, type FetchMetagraphOptions } from "./chain/node.js";
export { YumaNodeError, WorkersUnavailableError } from "./errors.js";
