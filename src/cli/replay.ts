// `yuma replay M.json [M2.json …]`: a real subnet run forward on the exact engine or the research
// kernels (src/chain/replay.ts), with the text summary, `--json`, `--csv` and the `--html` report.

import { readFileSync, writeFileSync } from "node:fs";
import { basename } from "node:path";
import { importMetagraph } from "../chain/import.js";
import { replay, type ReplayVersion } from "../chain/replay.js";
import { truncate, quote } from "../input.js";
import { renderReplayHtml, replayCsv, replayText } from "../report/replay.js";
import { CliError, intOption, parseCli, writeOut, type OptionSpecs } from "./util.js";

export const REPLAY_USAGE = `usage: yuma replay M.json [M2.json ...] [--epochs K] [--engine exact|research] [--versions V,...]
                   [--shift UID] [--check] [--peer] [--padding P] [--window W] [--top K] [--uids U,...]
                   [--top-miners N] [--html R.html] [--csv R.csv] [--json]
  Runs a real subnet forward. M.json is a yuma-metagraph/1 file (yuma metagraph import/fetch), or
  directly a yuma-simulation .pt or an SDK JSON dump (converted on the fly, assumptions printed).
  One metagraph: replayed K epochs (default 10) with its weights held, every tempo + 1 blocks.
  Several: a series at successive blocks, one epoch each (uids aligned by index; a uid whose hotkey
  changed was re-registered and loses its bonds). Bonds are the replay's own after the first epoch.
  --engine E      exact (default: the chain's integer epoch) or research (float kernels)
  --versions V    exact: chain (the metagraph's own params, default), YUMA2, YUMA3, YUMA3_LIQUID;
                  research: YUMA1, YUMA2, YUMA2B, YUMA2C, YUMA3, YUMA3_LIQUID (default YUMA2,YUMA3)
  --shift UID     the peer's shifted validator: UID's weights at epoch k are its weights of epoch k+1
  --check         compare the first exact epoch with the metagraph's chainOutputs, field by field
                  (differences in u16 units; exit 1 when they differ)
  --peer          research: reproduce yuma-simulation (float32) instead of chain-like float64
  --padding P     leave the first P epochs out of the summary, CSV and report (the peer's padding)
  --window W      report charts average over windows of W epochs (the peer's window)
  --top K         validators charted and listed: the top K by stake (default 8) ...
  --uids U,...    ... plus these uids
  --top-miners N  miners in the report's incentive heat map: the top N by incentive (default 64)
  --html FILE     write the HTML report;  --csv FILE  write one row per version × epoch × uid
  --json          print the yuma-replay/1 result (exact: u16 and rao; research: fractions)`;

export const REPLAY_OPTIONS = {
  epochs: { type: "string", meta: "K" }, engine: { type: "string", meta: "E" }, versions: { type: "string", meta: "V,..." },
  shift: { type: "string", meta: "UID" }, check: { type: "boolean" }, peer: { type: "boolean" },
  padding: { type: "string", meta: "P" }, window: { type: "string", meta: "W" }, top: { type: "string", meta: "K" },
  uids: { type: "string", meta: "U,..." }, "top-miners": { type: "string", meta: "N" },
  html: { type: "string", meta: "FILE" }, csv: { type: "string", meta: "FILE" }, json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} satisfies OptionSpecs;

function uidList(v: string | undefined, flag: string): number[] | undefined {
  if (v === undefined) return undefined;
  return v.split(",").map((x) => {
    if (!/^\s*\d+\s*$/.test(x)) throw new CliError(`${flag} must be a comma-separated list of uids, got ${quote(v)}`);
    return Number(x);
  });
}

function write(file: string, text: string): void {
  try {
    writeFileSync(file, text);
  } catch (e) {
    throw new CliError(`cannot write ${truncate(file)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

export async function replayCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCli(argv, REPLAY_OPTIONS, "replay");
  if (values.help) {
    await writeOut(REPLAY_USAGE + "\n");
    return 0;
  }
  if (positionals.length === 0) throw new CliError("missing metagraph file (yuma replay M.json; see yuma replay --help)");
  const metas = positionals.map((file) => {
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(file);
    } catch (e) {
      throw new CliError(`cannot read ${truncate(file)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    return importMetagraph(bytes, { file: basename(file) });
  });
  const engine = values.engine ?? "exact";
  if (engine !== "exact" && engine !== "research") throw new CliError(`--engine must be exact or research, got ${quote(engine)}`);
  const versions = values.versions?.split(",").map((v) => v.trim()) as ReplayVersion[] | undefined;
  const epochs = intOption(values.epochs, "epochs", 1, 10_000);
  const shift = intOption(values.shift, "shift", 0, 65535);
  const padding = intOption(values.padding, "padding", 0, 10_000) ?? 0;
  const window = intOption(values.window, "window", 1, 10_000) ?? 1;
  const top = intOption(values.top, "top", 0, 65535) ?? 8;
  const topMiners = intOption(values["top-miners"], "top-miners", 1, 65535) ?? 64;
  const uids = uidList(values.uids, "--uids");
  const r = replay(metas.length === 1 ? metas[0]! : metas, {
    engine, ...(versions ? { versions } : {}), ...(epochs !== undefined ? { epochs } : {}), ...(shift !== undefined ? { shift } : {}),
    ...(values.peer ? { peer: true } : {}), ...(values.check ? { check: true } : {}),
  });
  const k = r.versions[0]!.epochs.length;
  if (padding >= k) throw new CliError(`--padding must leave at least one of the ${k} epochs, got ${padding}`);
  for (const u of uids ?? []) if (u >= r.n) throw new CliError(`--uids: uid ${u} is not below n = ${r.n}`);
  if (!values.json) for (const a of r.assumptions) process.stderr.write(`yuma: assumption ${a.assumption} for ${a.field}: ${a.detail}\n`);
  const opts = { top, uids, topMiners, padding, window, generator: "yuma replay" };
  if (values.html !== undefined) write(values.html, renderReplayHtml(r, opts));
  if (values.csv !== undefined) write(values.csv, replayCsv(r, padding));
  await writeOut((values.json ? JSON.stringify(r) : replayText(r, opts)) + "\n");
  return r.check && !r.check.equal ? 1 : 0;
}
