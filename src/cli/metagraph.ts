// `yuma metagraph import FILE [--out M.json]`: read another tool's metagraph dump (a
// bactensor/yuma-simulation .pt, a bittensor SDK JSON dump, or a yuma-metagraph/1 file) and
// write it as yuma-metagraph/1 (docs/metagraph.md). Every assumed field is listed on stderr
// and in the output's "assumptions".

import { readFileSync, writeFileSync } from "node:fs";
import { basename } from "node:path";
import { importMetagraph } from "../chain/import.js";
import { fetchMetagraph } from "../chain/node.js";
import type { Metagraph } from "../chain/metagraph.js";
import { metagraphToJson } from "../chain/metagraph.js";
import { truncate } from "../input.js";
import { CliError, intOption, parseCli, writeOut, type OptionSpecs } from "./util.js";

export const METAGRAPH_USAGE = `usage: yuma metagraph import FILE|- [--out M.json] [--quiet]
       yuma metagraph fetch --url ws://… --netuid N [--block B] [--timeout MS] [--layout auto|dtao|pre-dtao] [--out M.json]
  Converts a metagraph dump to yuma-metagraph/1 JSON (docs/metagraph.md). FILE is detected by
  content: a torch.save zip (bactensor/yuma-simulation's saved metagraphs), a JSON dump of the
  bittensor SDK's metagraph attributes, or a yuma-metagraph/1 file (validated, gaps filled).
  Fields the dump lacks are filled by named assumptions (fresh weights, top-k permits by
  stake, zero bonds, chain default hyperparameters…): each is printed on stderr and listed in
  the output's "assumptions".
  fetch reads the subnet from a subtensor node over WebSocket JSON-RPC at a block (default: the
  head; past blocks need an archive node): weights, bonds, last updates, registrations, permits,
  stake, hyperparameters and the chain's last outputs (docs/metagraph.md).
  --url URL      ws:// or wss:// node;  --netuid N  the subnet;  --block B  the block
  --timeout MS   per call (default 30000): a slow or dead node fails with the RPC method named
  --layout L     storage layout: auto (default), dtao (today's), pre-dtao
  --out FILE   write the metagraph to FILE (default: stdout)
  --quiet      do not print the assumptions on stderr (they stay in the output)`;

export const METAGRAPH_OPTIONS = {
  out: { type: "string", meta: "FILE" }, quiet: { type: "boolean" }, help: { type: "boolean", short: "h" },
  url: { type: "string", meta: "URL" }, netuid: { type: "string", meta: "N" }, block: { type: "string", meta: "B" },
  timeout: { type: "string", meta: "MS" }, layout: { type: "string", meta: "L" },
} satisfies OptionSpecs;

export async function metagraphCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCli(argv, METAGRAPH_OPTIONS, "metagraph");
  if (values.help) {
    await writeOut(METAGRAPH_USAGE + "\n");
    return 0;
  }
  const [sub, ...rest] = positionals;
  if (sub !== "import" && sub !== "fetch") throw new CliError(sub === undefined ? "missing subcommand (yuma metagraph import FILE | fetch --url …)" : `unknown subcommand ${JSON.stringify(truncate(sub))} (known: import, fetch)`);
  let m: Metagraph;
  if (sub === "fetch") {
    if (rest.length) throw new CliError(`metagraph fetch takes no FILE (the node is --url), got ${JSON.stringify(truncate(rest[0]!))}`);
    if (values.url === undefined) throw new CliError("metagraph fetch needs --url ws://…");
    const netuid = intOption(values.netuid, "netuid", 0, 65535);
    if (netuid === undefined) throw new CliError("metagraph fetch needs --netuid N");
    const layout = values.layout ?? "auto";
    if (layout !== "auto" && layout !== "dtao" && layout !== "pre-dtao") throw new CliError(`--layout must be auto, dtao or pre-dtao, got ${JSON.stringify(truncate(layout))}`);
    const block = intOption(values.block, "block", 0, Number.MAX_SAFE_INTEGER);
    const timeoutMs = intOption(values.timeout, "timeout", 1, 3_600_000);
    m = await fetchMetagraph({ url: values.url, netuid, layout, ...(block !== undefined ? { block } : {}), ...(timeoutMs !== undefined ? { timeoutMs } : {}) });
  } else {
    for (const f of ["url", "netuid", "block", "timeout", "layout"] as const) if (values[f] !== undefined) throw new CliError(`--${f} applies to metagraph fetch only`);
    if (rest.length !== 1) throw new CliError(`metagraph import takes one FILE, got ${rest.length} (see yuma metagraph --help)`);
    const file = rest[0]!;
    let bytes: Uint8Array;
    try {
      bytes = file === "-" ? readFileSync(0) : readFileSync(file);
    } catch (e) {
      throw new CliError(`cannot read ${truncate(file)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    m = importMetagraph(bytes, file === "-" ? undefined : { file: basename(file) });
  }
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
