// The command table of `yuma`, its top-level help (generated from every command's option
// table, so it lists every flag) and `yuma help CMD`.

import { EMISSION_OPTIONS, EMISSION_USAGE, emissionCommand } from "./emission.js";
import { EPOCH_OPTIONS, EPOCH_USAGE, epochCommand } from "./epoch.js";
import { METAGRAPH_OPTIONS, METAGRAPH_USAGE, metagraphCommand } from "./metagraph.js";
import { PLAYGROUND_OPTIONS, PLAYGROUND_USAGE, playgroundCommand } from "./playground.js";
import { REPLAY_OPTIONS, REPLAY_USAGE, replayCommand } from "./replay.js";
import { RESEARCH_OPTIONS, RESEARCH_USAGE, researchCommand } from "./research.js";
import {
  SCENARIO_OPTIONS, SCENARIO_USAGE, SCENARIOS_OPTIONS, SCENARIOS_USAGE, SWEEP_OPTIONS, SWEEP_USAGE,
  scenarioCommand, scenariosCommand, sweepCommand,
} from "./scenario.js";
import { SIMULATE_OPTIONS, SIMULATE_USAGE, simulateCommand } from "./simulate.js";
import { optionSynopsis, type OptionSpecs } from "./util.js";

export interface Command {
  run: (argv: string[]) => Promise<number>;
  /** Positional arguments as the synopsis shows them. */
  args: string;
  summary: string;
  usage: string;
  options: OptionSpecs;
}

/** Every command, by name (a Map: no inherited names such as `toString`). */
export const COMMANDS: ReadonlyMap<string, Command> = new Map<string, Command>([
  ["epoch", { run: epochCommand, args: "FILE|-", summary: "run a fixture-format epoch or trajectory on the exact engine", usage: EPOCH_USAGE, options: EPOCH_OPTIONS }],
  ["emission", { run: emissionCommand, args: "ISSUANCE [ISSUANCE ...]", summary: "block emission (rao) for each total issuance (rao)", usage: EMISSION_USAGE, options: EMISSION_OPTIONS }],
  ["research", { run: researchCommand, args: "FILE|-", summary: "float research kernels (YUMA1..YUMA3_LIQUID, chain-like or peer-compatible)", usage: RESEARCH_USAGE, options: RESEARCH_OPTIONS }],
  ["simulate", { run: simulateCommand, args: "", summary: "simulate a network of subnets over many blocks (worker threads)", usage: SIMULATE_USAGE, options: SIMULATE_OPTIONS }],
  ["scenarios", { run: scenariosCommand, args: "", summary: "list the built-in scenarios (22 classic cases, chain-realistic ones)", usage: SCENARIOS_USAGE, options: SCENARIOS_OPTIONS }],
  ["scenario", { run: scenarioCommand, args: "NAME", summary: "run a scenario for Yuma versions: totals table, HTML report, CSV, JSON", usage: SCENARIO_USAGE, options: SCENARIO_OPTIONS }],
  ["metagraph", { run: metagraphCommand, args: "import FILE|-", summary: "import a real subnet's metagraph (yuma-simulation .pt, SDK JSON) as yuma-metagraph/1", usage: METAGRAPH_USAGE, options: METAGRAPH_OPTIONS }],
  ["replay", { run: replayCommand, args: "M.json [M2.json ...]", summary: "replay a real subnet (yuma-metagraph/1, .pt, SDK JSON) on the exact engine or the research kernels", usage: REPLAY_USAGE, options: REPLAY_OPTIONS }],
  ["playground", { run: playgroundCommand, args: "", summary: "write the static playground page (every engine in the browser, no server) to a directory", usage: PLAYGROUND_USAGE, options: PLAYGROUND_OPTIONS }],
  ["sweep", { run: sweepCommand, args: "", summary: "hyperparameter sweep on the worker pool: CSV / HTML heat map of a metric", usage: SWEEP_USAGE, options: SWEEP_OPTIONS }],
]);

/** `yuma NAME ARGS [--flag] [--opt META] ...`, wrapped to `width` columns. */
function synopsis(name: string, c: Command, width = 100): string {
  const head = `  yuma ${name}${c.args ? " " + c.args : ""}`;
  const indent = " ".repeat(Math.min(head.length + 1, 22));
  const lines: string[] = [];
  let line = head;
  for (const part of optionSynopsis(c.options)) {
    if (line.length + 1 + part.length > width) {
      lines.push(line);
      line = indent + part;
    } else line += " " + part;
  }
  lines.push(line);
  return lines.join("\n");
}

/** The top-level help: every command with every flag it takes. */
export function topUsage(): string {
  const blocks = [...COMMANDS].map(([name, c]) => `${synopsis(name, c)}\n      ${c.summary}`);
  return `yuma — exact Yuma consensus (subtensor epoch) in WebAssembly

usage: yuma <command> [options]
       yuma help <command>      (or yuma <command> --help): a command's options in detail
       yuma --version           the package version

commands:
${blocks.join("\n")}

Every command takes -h / --help. Bad input or usage: one line on stderr, exit code 2.`;
}
