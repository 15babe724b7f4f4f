// `yuma epoch FILE|-`: run a fixture-format epoch or trajectory on the exact engine.

import { runEpoch, runTrajectory } from "../epoch.js";
import { outputsToJson, type EpochOutputsJson } from "../json.js";
import type { EpochInputs, EpochParams, Trajectory } from "../types.js";
import { requireObject } from "../validate.js";
import { CliError, parseCli, readJsonArg, writeOut, type OptionSpecs } from "./util.js";
import { quote } from "../input.js";
import { METAGRAPH_FORMAT, metagraphToEpoch, readMetagraph } from "../chain/metagraph.js";
import { aggregateToJson, runSubnetEpoch, runSubnetTrajectory, type SubnetEpochInputs, type SubnetEpochParams, type SubnetTrajectory } from "../mechanisms.js";

export const EPOCH_USAGE = `usage: yuma epoch FILE|- [--check] [--trace] [--table]
  Runs a fixture-format JSON ("kind": "epoch", "trajectory" or "subnet-epoch": several
  mechanisms, docs/mechanisms.md; prints {"mechanisms": [...], "aggregate": {...}}; "subnet-trajectory":
  {"epochs": [that, ...]}) or a yuma-metagraph/1 file (one
  epoch on its stored state, docs/metagraph.md; assumed fields are listed on stderr); "expected" and "trace" in the
  file are ignored, and so are weight/bond entries whose uid is >= n (as FORMAT.md specifies). Prints the outputs as JSON ({"epochs": [...]} for a trajectory).
  --check   compare with the file's "expected" and print a per-field diff (exit 1 on mismatch)
  --trace   include the raw I32F32 intermediates
  --table   print a readable per-uid table instead of JSON (u16 values as fractions of 65535)`;

const KNOWN_FORMATS = new Set(["yuma-epoch-fixture/1", METAGRAPH_FORMAT]);

export const EPOCH_OPTIONS = {
  check: { type: "boolean" }, trace: { type: "boolean" }, table: { type: "boolean" }, help: { type: "boolean", short: "h" },
} satisfies OptionSpecs;

/** Top-level fields of a `kind: "epoch"` file (FORMAT.md); any other key is refused. */
const EPOCH_FILE_KEYS: ReadonlySet<string> = new Set(["format", "kind", "name", "description", "params", "inputs", "expected", "trace"]);

export async function epochCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCli(argv, EPOCH_OPTIONS, "epoch");
  if (values.help) {
    await writeOut(EPOCH_USAGE + "\n");
    return 0;
  }
  if (positionals.length !== 1) throw new CliError(`expected one FILE argument, got ${positionals.length} (see yuma epoch --help)`);
  const doc = requireObject(readJsonArg(positionals[0], "FILE"), "file");
  if (doc.format !== undefined && !KNOWN_FORMATS.has(doc.format as string)) {
    throw new CliError(`format: unknown format ${quote(doc.format)} (expected "yuma-epoch-fixture/1" or "${METAGRAPH_FORMAT}")`);
  }
  if (doc.format === METAGRAPH_FORMAT) {
    // A metagraph (docs/metagraph.md): one epoch on its stored state; assumed fields on stderr.
    const m = readMetagraph(doc);
    for (const a of m.assumptions) process.stderr.write(`yuma: assumption ${a.assumption} for ${a.field}: ${a.detail}\n`);
    const { params, inputs } = metagraphToEpoch(m);
    Object.assign(doc, { kind: "epoch", params, inputs });
    for (const k of Object.keys(doc)) if (!["kind", "params", "inputs"].includes(k)) delete doc[k];
  }
  const trace = values.trace === true;
  // A fixture-format file follows FORMAT.md: entries whose uid is ≥ n are ignored, as on chain.
  const opts = { trace, outOfRangeUids: "ignore" as const };
  let outputs: EpochOutputsJson[];
  let expected: unknown[];
  if (doc.kind === "subnet-epoch") {
    requireObject(doc, "file", EPOCH_FILE_KEYS);
    if (values.check || values.table) throw new CliError('--check and --table apply to "epoch" and "trajectory" files');
    const r = runSubnetEpoch(doc.params as SubnetEpochParams, doc.inputs as SubnetEpochInputs, opts);
    await writeOut(JSON.stringify({ mechanisms: r.mechanisms.map(outputsToJson), aggregate: aggregateToJson(r.aggregate) }) + "\n");
    return 0;
  }
  if (doc.kind === "subnet-trajectory") {
    if (values.check || values.table) throw new CliError('--check and --table apply to "epoch" and "trajectory" files');
    const rs = runSubnetTrajectory(doc as unknown as SubnetTrajectory, opts);
    await writeOut(JSON.stringify({ epochs: rs.map((r) => ({ mechanisms: r.mechanisms.map(outputsToJson), aggregate: aggregateToJson(r.aggregate) })) }) + "\n");
    return 0;
  }
  if (doc.kind === "epoch") {
    requireObject(doc, "file", EPOCH_FILE_KEYS);
    outputs = [outputsToJson(runEpoch(doc.params as EpochParams, doc.inputs as EpochInputs, opts))]; // checked at run time
    expected = [doc.expected];
  } else if (doc.kind === "trajectory") {
    outputs = runTrajectory(doc as unknown as Trajectory, opts).map(outputsToJson); // checked at run time
    expected = ((doc.epochs as Array<Record<string, unknown>>) ?? []).map((e) => e.expected);
  } else {
    throw new CliError(`kind: must be "epoch", "trajectory", "subnet-epoch" or "subnet-trajectory", got ${quote(doc.kind)}`);
  }
  if (values.check) return check(outputs, expected, doc.kind === "trajectory");
  if (values.table) {
    const blocks = doc.kind === "epoch"
      ? [(doc.params as { currentBlock?: unknown }).currentBlock]
      : (doc.epochs as Array<{ currentBlock?: unknown }>).map((e) => e.currentBlock);
    await writeOut(outputs.map((o, k) => readableTable(o, `epoch at block ${String(blocks[k])}`)).join("\n\n") + "\n");
    return 0;
  }
  const body = doc.kind === "epoch" ? outputs[0] : { epochs: outputs };
  await writeOut(JSON.stringify(body) + "\n");
  return 0;
}

/** Compare outputs with expected values, field by field; print the first difference of each. */
async function check(outputs: EpochOutputsJson[], expected: unknown[], isTrajectory: boolean): Promise<number> {
  const lines: string[] = [];
  let bad = 0;
  outputs.forEach((got, k) => {
    const want = expected[k] as Record<string, unknown> | undefined;
    const where = isTrajectory ? `epoch ${k}: ` : "";
    if (!want || typeof want !== "object") {
      lines.push(`${where}no "expected" to compare with`);
      bad++;
      return;
    }
    for (const field of Object.keys(got) as Array<keyof EpochOutputsJson>) {
      if (field === "trace") continue;
      const g = got[field] as unknown[];
      const w = want[field] as unknown[] | undefined;
      if (!Array.isArray(w)) {
        lines.push(`${where}${field}: missing in expected`);
        bad++;
        continue;
      }
      const len = Math.max(g.length, w.length);
      for (let uid = 0; uid < len; uid++) {
        const a = JSON.stringify(g[uid]), b = JSON.stringify(w[uid]);
        if (a !== b) {
          lines.push(`${where}${field}: first difference at uid ${uid}: got ${a ?? "(none)"}, want ${b ?? "(none)"}`);
          bad++;
          break;
        }
      }
    }
  });
  const epochs = outputs.length;
  if (bad === 0) lines.push(`ok: ${epochs} epoch${epochs === 1 ? "" : "s"}, every field matches`);
  else lines.push(`MISMATCH: ${bad} field${bad === 1 ? "" : "s"} differ`);
  await writeOut(lines.join("\n") + "\n");
  return bad === 0 ? 0 : 1;
}

const frac = (v: number) => (v / 65535).toFixed(4);

/** One epoch's outputs as an aligned text table (one row per uid). */
export function readableTable(o: EpochOutputsJson, title: string): string {
  const headers = ["uid", "stake", "active", "permit", "consensus", "incentive", "dividends", "v.trust", "miner rao", "validator rao", "bonds"];
  const rows = o.active.map((_, i) => [
    String(i), frac(o.stakeWeight[i]!), o.active[i] ? "yes" : "no", o.newValidatorPermit[i] ? "yes" : "no",
    frac(o.consensus[i]!), frac(o.incentive[i]!), frac(o.dividends[i]!), frac(o.validatorTrust[i]!),
    o.serverEmission[i]!, o.validatorEmission[i]!, String(o.bonds[i]!.length),
  ]);
  const w = headers.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (r: string[]) => r.map((x, c) => x.padStart(w[c]!)).join("  ");
  const total = (xs: string[]) => xs.reduce((a, x) => a + BigInt(x), 0n).toString();
  return [
    `${title}: n = ${o.active.length}, miners ${total(o.serverEmission)} rao, validators ${total(o.validatorEmission)} rao`,
    line(headers),
    w.map((x) => "-".repeat(x)).join("  "),
    ...rows.map(line),
  ].join("\n");
}
