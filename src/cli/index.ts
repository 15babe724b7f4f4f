// `yuma` command-line entry: one module per command (table in commands.ts).

import { version } from "../../package.json";
import { quote } from "../input.js";
import { COMMANDS, topUsage } from "./commands.js";
import { didYouMean, oneLine, runCommand } from "./util.js";

/** The package version (bundled at build time from package.json). */
export const VERSION: string = version;

const fail = (message: string): number => {
  process.stderr.write(`yuma: ${oneLine(message)}\n`);
  return 2;
};

function unknownCommand(cmd: string): number {
  return fail(`unknown command ${quote(cmd)}${didYouMean(cmd, [...COMMANDS.keys()])} (try "yuma --help")`);
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === "--help" || cmd === "-h") {
    process.stdout.write(topUsage() + "\n");
    return cmd ? 0 : 2;
  }
  if (cmd === "--version" || cmd === "-V") {
    process.stdout.write(VERSION + "\n");
    return 0;
  }
  if (cmd === "help") {
    if (rest.length === 0) {
      process.stdout.write(topUsage() + "\n");
      return 0;
    }
    if (rest.length > 1) return fail(`help takes one command name, got ${rest.length}`);
    if (rest[0] === "help") {
      process.stdout.write(`usage: yuma help [COMMAND]\n  Without COMMAND: every command with every flag. With one: that command's options in detail\n  (the same as yuma COMMAND --help). Commands: ${[...COMMANDS.keys()].join(", ")}.\n`);
      return 0;
    }
    const c = COMMANDS.get(rest[0]!);
    if (!c) return unknownCommand(rest[0]!);
    process.stdout.write(c.usage + "\n");
    return 0;
  }
  const c = COMMANDS.get(cmd);
  if (!c) return cmd.startsWith("-") ? fail(`unknown option ${quote(cmd)}${didYouMean(cmd.replace(/^-+/, ""), ["help", "version"], (x) => `--${x}`)} (try "yuma --help")`) : unknownCommand(cmd);
  return runCommand(() => c.run(rest));
}

/**
 * Output closed early (`yuma … | head`): stop quietly with status 0, as Unix tools do.
 * Other stream errors are reported once.
 */
function onStreamError(stream: "stdout" | "stderr") {
  return (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(0);
    if (stream === "stdout") process.stderr.write(`yuma: cannot write to stdout: ${err.code ?? err.message}\n`);
    process.exit(1);
  };
}
process.stdout.on("error", onStreamError("stdout"));
process.stderr.on("error", onStreamError("stderr"));

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => {
    if ((err as NodeJS.ErrnoException)?.code === "EPIPE") process.exit(0);
    process.stderr.write(`yuma: internal error: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
