// `yuma metagraph import FILE [--out M.json]`: read another tool's metagraph dump (a
// bactensor/yuma-simulation .pt, a bittensor SDK JSON dump, or a yuma-metagraph/1 file) and
// write it as yuma-metagraph/1 (docs/metagraph.md). Every assumed field is listed on stderr
// and in the output's "assumptions".

import { readFileSync, writeFileSync } from "node:fs";
import { basename } from "node:path";
import { importMetagraph } from "../chain/import.js";
import { metagraphToJson } from "../chain/metagraph.js";
import { truncate } from "../input.js";
import { CliError, parseCli, writeOut, type OptionSpecs } from "./util.js";

export const METAGRAPH_USAGE = `usage: yuma metagraph import FILE|- [--out M.json] [--quiet]
  Converts a metagraph dump to yuma-metagraph/1 JSON (docs/metagraph.md). FILE is detected by
  content: a torch.save zip (bactensor/yuma-simulation's saved metagraphs), a JSON dump of the
  bittensor SDK's metagraph attributes, or a yuma-metagraph/1 file (validated, gaps filled).
  Fields the dump lacks are filled by named assumptions (fresh weights, top-k permits by
  stake, zero bonds, chain default hyperparameters…): each is printed on stderr and listed in
  the output's "assumptions".
  --out FILE   write the metagraph to FILE (default: stdout)
  --quiet      do not print the assumptions on stderr (they stay in the output)`;

export const METAGRAPH_OPTIONS = {
  out: { type: "string", meta: "FILE" }, quiet: { type: "boolean" }, help: { type: "boolean", short: "h" },
} satisfies OptionSpecs;

export async function metagraphCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCli(argv, METAGRAPH_OPTIONS, "metagraph");
  if (values.help) {
    await writeOut(METAGRAPH_USAGE + "\n");
    return 0;
  }
  const [sub, ...rest] = positionals;
  if (sub !== "import") throw new CliError(sub === undefined ? "missing subcommand (yuma metagraph import FILE)" : `unknown subcommand ${JSON.stringify(truncate(sub))} (known: import)`);
  if (rest.length !== 1) throw new CliError(`metagraph import takes one FILE, got ${rest.length} (see yuma metagraph --help)`);
  const file = rest[0]!;
  let bytes: Uint8Array;
  try {
    bytes = file === "-" ? readFileSync(0) : readFileSync(file);
  } catch (e) {
    throw new CliError(`cannot read ${truncate(file)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const m = importMetagraph(bytes, file === "-" ? undefined : { file: basename(file) });
  if (!values.quiet) {
    for (const a of m.assumptions) process.stderr.write(`yuma: assumption ${a.assumption} for ${a.field}: ${a.detail}\n`);
  }
  const text = JSON.stringify(metagraphToJson(m)) + "\n";
  if (values.out !== undefined) {
    try {
      writeFileSync(values.out, text);
    } catch (e) {
      throw new CliError(`cannot write ${truncate(values.out)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    if (!values.quiet) process.stderr.write(`yuma: wrote ${truncate(values.out)} (netuid ${m.netuid}, block ${m.block}, n ${m.n}, ${m.assumptions.length} assumptions)\n`);
  } else await writeOut(text);
  return 0;
}
