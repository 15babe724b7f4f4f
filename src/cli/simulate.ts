// `yuma simulate`: a whole network over many blocks, on a worker pool, with a progress bar.

import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import cliProgress from "cli-progress";
import { Network, type NetworkSummary } from "../network/network.js";
import type { NetworkConfig, SubnetConfig } from "../network/config.js";
import { requireObject } from "../validate.js";
import { CliError, intOption, readJsonArg, writeOut } from "./util.js";

export const SIMULATE_USAGE = `usage: yuma simulate [--config FILE] [--subnets N] [--neurons N] [--validators V]
                     [--blocks B] [--tempo T] [--threads K] [--seed S] [--issuance RAO] [--json]
  Simulates a network: block emission, the coinbase split (18 % owner cut), and every
  subnet's exact epoch on its tempo schedule. Defaults: a simulated day (7200 blocks) of
  32 mainnet-like subnets (256 uids, 64 validators, tempo 360, Yuma 3).
  --config FILE   network config JSON (see README); flags below override it
  --json          print one JSON summary object on stdout (amounts as decimal rao strings)`;

const RAO_PER_TAO = 1_000_000_000n;

/** Rao as TAO with 3 decimals, exactly (no float rounding of large amounts). */
export function tao(rao: bigint | string): string {
  const r = BigInt(rao);
  const whole = r / RAO_PER_TAO;
  const milli = ((r % RAO_PER_TAO) * 1000n) / RAO_PER_TAO;
  return `${whole.toLocaleString("en-US")}.${milli.toString().padStart(3, "0")}`;
}

function table(headers: string[], rows: string[][], alignLeft = new Set<number>([0])): string {
  const w = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) => r.map((c, i) => (alignLeft.has(i) ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join("  ");
  return [fmt(headers), w.map((x) => "-".repeat(x)).join("  "), ...rows.map(fmt)].join("\n");
}

/** Smallest number of validators that together hold more than half the stake. */
export function nakamoto(stake: bigint[]): number {
  const sorted = stake.filter((s) => s > 0n).sort((a, b) => (a > b ? -1 : a < b ? 1 : 0));
  const total = sorted.reduce((a, s) => a + s, 0n);
  let acc = 0n;
  for (let i = 0; i < sorted.length; i++) {
    acc += sorted[i]!;
    if (2n * acc > total) return i + 1;
  }
  return 0;
}

function humanSummary(net: Network, s: NetworkSummary, seconds: number, threads: number): string {
  const rows = s.subnets.map((x) => {
    const d = net.subnetDetail(x.netuid);
    const top = d.earned
      .map((e, uid) => ({ uid, e }))
      .sort((a, b) => b.e - a.e || a.uid - b.uid)
      .slice(0, 3)
      .map((t) => `${t.uid}${t.uid < d.validators ? "v" : "m"}`)
      .join(",");
    return [
      String(x.netuid), String(x.tempo), String(x.epochs), tao(x.owner), tao(x.miners), tao(x.validators), tao(x.pending),
      top, String(nakamoto(d.stake.slice(0, d.validators))),
    ];
  });
  const sum = (k: "owner" | "miners" | "validators" | "pending") => s.subnets.reduce((a, x) => a + BigInt(x[k]), 0n);
  const minted = BigInt(s.issuanceEnd) - BigInt(s.issuanceStart);
  const pct = (x: bigint) => (minted === 0n ? "0.0" : ((Number(x) / Number(minted)) * 100).toFixed(1));
  const lines = [
    table(
      ["netuid", "tempo", "epochs", "owner τ", "miners τ", "validators τ", "pending τ", "top earners", "nakamoto"],
      rows,
      new Set([7]),
    ),
    "",
    `blocks ${s.blocks}  minted ${tao(minted)} τ  (issuance ${tao(s.issuanceStart)} → ${tao(s.issuanceEnd)} τ)`,
    `owner ${tao(sum("owner"))} τ (${pct(sum("owner"))} %)  miners ${tao(sum("miners"))} τ (${pct(sum("miners"))} %)  ` +
      `validators ${tao(sum("validators"))} τ (${pct(sum("validators"))} %)  pending ${tao(sum("pending"))} τ  unallocated ${s.unallocated} rao`,
    `epochs ${s.subnets.reduce((a, x) => a + x.epochs, 0)} in ${seconds.toFixed(2)} s on ${threads} thread${threads === 1 ? "" : "s"}  digest ${s.digest}`,
    "top earners: uid + v (validator) / m (miner); nakamoto: fewest validators holding > 50 % of stake",
  ];
  return lines.join("\n");
}

export async function simulateCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      config: { type: "string" }, subnets: { type: "string" }, neurons: { type: "string" },
      validators: { type: "string" }, blocks: { type: "string" }, tempo: { type: "string" },
      threads: { type: "string" }, seed: { type: "string" }, issuance: { type: "string" },
      json: { type: "boolean" }, help: { type: "boolean", short: "h" },
    },
    allowPositionals: true,
  });
  if (values.help) {
    await writeOut(SIMULATE_USAGE + "\n");
    return 0;
  }
  if (positionals.length) throw new CliError(`unexpected argument ${JSON.stringify(positionals[0])} (see yuma simulate --help)`);
  const config: NetworkConfig = values.config ? (requireObject(readJsonArg(values.config, "--config FILE"), "config") as NetworkConfig) : {};
  const override: SubnetConfig = {};
  const neurons = intOption(values.neurons, "neurons", 1, 65535);
  const validators = intOption(values.validators, "validators", 0, 65535);
  const tempo = intOption(values.tempo, "tempo", 0, 65535);
  if (neurons !== undefined) override.neurons = neurons;
  if (validators !== undefined) {
    override.validators = validators;
    override.maxAllowedValidators = validators;
  }
  if (tempo !== undefined) override.tempo = tempo;
  const subnets = intOption(values.subnets, "subnets", 1, 4096);
  if (subnets !== undefined) config.subnets = subnets;
  else if (config.subnets === undefined) config.subnets = 32;
  config.defaults = { ...(config.defaults ?? {}), ...override };
  if (Array.isArray(config.subnets)) config.subnets = config.subnets.map((s) => ({ ...s, ...override }));
  const seed = intOption(values.seed, "seed", 0, 2 ** 32 - 1);
  if (seed !== undefined) config.seed = seed;
  if (values.issuance !== undefined) config.issuance = values.issuance;
  const blocks = intOption(values.blocks, "blocks", 0, 1e9) ?? 7200;
  const threads = intOption(values.threads, "threads", 1, 256) ?? Math.max(1, Math.min(availableParallelism(), 8));

  const net = new Network(config);
  const bar = process.stderr.isTTY && !values.json
    ? new cliProgress.SingleBar(
        { format: "simulating |{bar}| {percentage}% | {value}/{total} epochs | ETA {eta}s", hideCursor: true, clearOnComplete: true },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  let started = false;
  const t0 = performance.now();
  try {
    const summary = await net.run({
      blocks,
      threads,
      onProgress: (p) => {
        if (!bar) return;
        if (!started) {
          bar.start(p.epochsTotal, 0);
          started = true;
        }
        bar.update(p.epochsDone);
      },
    });
    bar?.stop();
    const seconds = (performance.now() - t0) / 1000;
    await writeOut((values.json ? JSON.stringify(summary) : humanSummary(net, summary, seconds, threads)) + "\n");
    return 0;
  } finally {
    bar?.stop();
    await net.close();
  }
}
