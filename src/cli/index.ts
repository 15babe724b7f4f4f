// `yuma` command-line entry: one module per command.

import { emissionCommand } from "./emission.js";
import { epochCommand } from "./epoch.js";
import { researchCommand } from "./research.js";
import { scenarioCommand, scenariosCommand, sweepCommand } from "./scenario.js";
import { simulateCommand } from "./simulate.js";
import { runCommand } from "./util.js";

const USAGE = `yuma — exact Yuma consensus (subtensor epoch) in WebAssembly

usage: yuma <command> [options]

commands:
  epoch FILE|-        run a fixture-format epoch or trajectory (--check, --trace)
  emission I1 [I2..]  block emission (rao) for each total issuance (rao)
  research FILE|-     float research kernels (YUMA1..YUMA3_LIQUID, chain-like or peer-compatible)
  simulate [options]  simulate a network of subnets over many blocks (worker threads)
  scenarios           list the built-in scenarios (22 classic cases, chain-realistic ones)
  scenario NAME       run a scenario for Yuma versions: totals table, --html report, --csv, --json
  sweep --scenario N  hyperparameter sweep on the worker pool: CSV / HTML heat map of a metric

Run "yuma <command> --help" for a command's options.`;

const COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  epoch: epochCommand,
  emission: emissionCommand,
  research: researchCommand,
  simulate: simulateCommand,
  scenarios: scenariosCommand,
  scenario: scenarioCommand,
  sweep: sweepCommand,
};

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === "--help" || cmd === "-h" || cmd === "help") {
    process.stdout.write(USAGE + "\n");
    return cmd ? 0 : 2;
  }
  const run = COMMANDS[cmd];
  if (!run) {
    process.stderr.write(`yuma: unknown command ${JSON.stringify(cmd)} (try "yuma --help")\n`);
    return 2;
  }
  return runCommand(() => run(rest));
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => {
    process.stderr.write(`yuma: internal error: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
