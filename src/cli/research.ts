// `yuma research FILE|-`: run a yuma-research-input/1 file on the float research kernels.

import { runResearch } from "../research/index.js";
import type { ResearchInput, ResearchOptions } from "../research/types.js";
import { CliError, parseCli, readJsonArg, writeOut, type OptionSpecs } from "./util.js";
import { quote } from "../input.js";

export const RESEARCH_USAGE = `usage: yuma research FILE|- [--peer-float float32|float64] [--peer-vector-bits 256|512]
  Runs a research input and prints {"epochs": [{"consensus", "incentive", "bonds",
  "dividends", "dividendsPer1000Tao"}, ...]} (bonds: V×N after the epoch; dividends normalised).

  Input: {"format": "yuma-research-input/1", "version": YUMA1|YUMA2|YUMA2B|YUMA2C|YUMA3|YUMA3_LIQUID,
          "peerCompat": false, "params": {...},
          "epochs": [{"W": [[V rows of N]], "S": [V], "resetBonds": [server indices]}, ...]}
  resetBonds (optional): servers whose bonds every validator loses at that epoch, before the
    bond update (chain-like: every version; peerCompat: YUMA2C/YUMA3/YUMA3_LIQUID, not in epoch 0).
  peerCompat false: chain-like float64 image of subtensor's epoch.
  peerCompat true:  bactensor/yuma-simulation 0.1.1 reproduced (float32 tensors, torch's order).
  params (missing ones take yuma-simulation's dataclass defaults, except bondPenalty):
    kappa 0.5, bondPenalty 1 (peer: None), bondMovingAverage 0.1, liquidAlpha false,
    alphaLow 0.1, alphaHigh 0.3, alphaSigmoidSteepness 10 (peer units: exp(-k·(d-0.5))),
    decayRate 0.1, capacityAlpha 0.1, winnerTakesAll false, liquidAlphaConsensusMode "current",
    validatorEmissionRatio 0.41, totalEpochEmission 100, totalSubnetStake 1000000
  --peer-float        element type of the reference's tensors (default float32)
  --peer-vector-bits  SIMD width of the torch build whose summation order is reproduced
                      (default 256: AVX2 and arm64; 512: AVX-512)`;

export const RESEARCH_OPTIONS = {
  "peer-float": { type: "string", meta: "float32|float64" },
  "peer-vector-bits": { type: "string", meta: "256|512" },
  help: { type: "boolean", short: "h" },
} satisfies OptionSpecs;

export async function researchCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCli(argv, RESEARCH_OPTIONS, "research");
  if (values.help) {
    await writeOut(RESEARCH_USAGE + "\n");
    return 0;
  }
  if (positionals.length !== 1) throw new CliError(`expected one FILE argument (try "yuma research --help")`);
  const options: ResearchOptions = {};
  const float = values["peer-float"];
  if (float !== undefined) {
    if (float !== "float32" && float !== "float64") throw new CliError(`--peer-float must be float32 or float64, got ${quote(float)}`);
    options.peerFloat = float;
  }
  const bits = values["peer-vector-bits"];
  if (bits !== undefined) {
    if (bits !== "256" && bits !== "512") throw new CliError(`--peer-vector-bits must be 256 or 512, got ${quote(bits)}`);
    options.peerVectorBits = bits === "256" ? 256 : 512;
  }
  const input = readJsonArg(positionals[0], "FILE") as ResearchInput;
  const output = runResearch(input, options);
  await writeOut(JSON.stringify(output) + "\n");
  return 0;
}
