// `yuma simulate`: a whole network over many blocks, on a worker pool, with a progress bar.

import { availableParallelism } from "node:os";
import cliProgress from "cli-progress";
import { writeFileSync } from "node:fs";
import { Network, type NetworkSummary } from "../network/network.js";
import type { DtaoHistory, DtaoSummary } from "../economy/dtao.js";
import { renderNetworkHtml } from "../report/network.js";
import type { NetworkConfig, SubnetConfig } from "../network/config.js";
import { requireObject } from "../validate.js";
import { CliError, intOption, parseCli, readJsonArg, writeOut, type OptionSpecs } from "./util.js";
import { quote } from "../input.js";

export const SIMULATE_USAGE = `usage: yuma simulate [--config FILE] [--economy dtao|static] [--share-rule R] [--subnets N]
                     [--neurons N] [--validators V] [--blocks B] [--tempo T] [--threads K] [--seed S]
                     [--issuance RAO] [--mechanisms M] [--arrivals R] [--json] [--html FILE]
                     [--progress | --no-progress]
  Simulates a network over many blocks with every subnet's exact epoch. The default economy
  is the chain's today ("dtao"): each subnet's TAO/alpha pool, emission shares by EMA price,
  alpha emission and injection, owner cut, miners, validators and root, the stateful epoch
  schedule, and a market of stakers trading through the pools. "static" is the pre-dTAO
  model (fixed shares, TAO paid out, epochs every tempo + 1 blocks). Defaults: a simulated day
  (7200 blocks) of 64 mainnet-like subnets (dtao; 32 for static) with 256 uids, 64 validators,
  tempo 360, Yuma 3.
  --config FILE   network config JSON (see README); the flags below override it
  --economy E     dtao (default) or static
  --share-rule R  dtao only: price-ema (default, the chain today), tao-flow (late 2025 – June
                  2026) or static (the subnets' configured shares)
  --html FILE     dtao only: also write a self-contained day report (prices, shares, root
                  proportion, alpha emission, validator yield)
  --subnets N     number of subnets (1..4096)
  --neurons N     uids per subnet;  --validators V  validators per subnet (also their permits)
  --blocks B      blocks to simulate (default 7200);  --tempo T  every subnet's tempo
  --threads K     worker threads (default: the cores, at most 8)
  --seed S        PRNG seed;  --issuance RAO  total issuance before the first block
  --mechanisms M  incentive mechanisms per subnet (1 or 2; neurons × M ≤ 256), even split
  --arrivals R    churn on every subnet: R registrations attempted per block (Poisson), paying
                  the burn (chain defaults: 0.1 τ start, ×1.26 per registration, half-life 360
                  blocks), pruning the chain's choice, immunity 4096 blocks; with --config,
                  only the rate of each churn setting changes
  --json          print one JSON summary object on stdout (amounts as decimal rao strings);
                  static: per subnet also "topEarners" [{"uid", "role", "amount"}] and "nakamoto"
  --progress      show the progress bar on stderr even when it is not a terminal
  --no-progress   never show it (default: shown on a terminal, without --json)`;

export const SIMULATE_OPTIONS = {
  config: { type: "string", meta: "FILE" }, subnets: { type: "string", meta: "N" }, neurons: { type: "string", meta: "N" },
  validators: { type: "string", meta: "V" }, blocks: { type: "string", meta: "B" }, tempo: { type: "string", meta: "T" },
  threads: { type: "string", meta: "K" }, seed: { type: "string", meta: "S" }, issuance: { type: "string", meta: "RAO" },
  economy: { type: "string", meta: "E" }, "share-rule": { type: "string", meta: "R" }, html: { type: "string", meta: "FILE" },
  mechanisms: { type: "string", meta: "M" }, arrivals: { type: "string", meta: "R" },
  json: { type: "boolean" }, progress: { type: "boolean" }, "no-progress": { type: "boolean" },
  help: { type: "boolean", short: "h" },
} satisfies OptionSpecs;

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

export interface TopEarner {
  uid: number;
  role: "validator" | "miner";
  /** Rao earned over the run (miner plus validator emission), decimal string. */
  amount: string;
}

/** The subnet's three biggest earners (ties: lower uid first), as the table shows them. */
function topEarners(net: Network, netuid: number): TopEarner[] {
  const d = net.subnetDetail(netuid);
  return d.earned
    .map((e, uid) => ({ uid, e }))
    .sort((a, b) => b.e - a.e || a.uid - b.uid)
    .slice(0, 3)
    .map((t) => ({ uid: t.uid, role: t.uid < d.validators ? "validator" : "miner", amount: BigInt(Math.round(t.e)).toString() }));
}

function subnetNakamoto(net: Network, netuid: number): number {
  const d = net.subnetDetail(netuid);
  return nakamoto(d.stake.slice(0, d.validators));
}

/** The --json object: the summary, with each subnet's top earners and Nakamoto coefficient added. */
export function jsonSummary(net: Network, s: NetworkSummary): unknown {
  return { ...s, subnets: s.subnets.map((x) => ({ ...x, topEarners: topEarners(net, x.netuid), nakamoto: subnetNakamoto(net, x.netuid) })) };
}

/** The progress bar's ETA: "ETA --" until an estimate exists, never "INF" or "NaN". */
export function etaText(elapsedMs: number, done: number, total: number): string {
  if (done >= total) return "ETA 0s";
  if (!(done > 0) || !(elapsedMs > 0)) return "ETA --";
  const s = Math.ceil((elapsedMs * (total - done)) / done / 1000);
  if (!Number.isFinite(s)) return "ETA --";
  if (s < 60) return `ETA ${s}s`;
  if (s < 3600) return `ETA ${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `ETA ${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

const SHOW_CURSOR = "\x1b[?25h", HIDE_CURSOR = "\x1b[?25l";

function humanSummary(net: Network, s: NetworkSummary, seconds: number, threads: number): string {
  const churn = s.subnets.some((x) => x.registrations !== undefined);
  const rows = s.subnets.map((x) => {
    const top = topEarners(net, x.netuid).map((t) => `${t.uid}${t.role === "validator" ? "v" : "m"}`).join(",");
    return [
      String(x.netuid), String(x.tempo), String(x.epochs), tao(x.owner), tao(x.miners), tao(x.validators), tao(x.pending),
      top, String(subnetNakamoto(net, x.netuid)),
      ...(churn ? [x.registrations === undefined ? "-" : String(x.registrations), x.burn === undefined ? "-" : tao(x.burn)] : []),
    ];
  });
  const sum = (k: "owner" | "miners" | "validators" | "pending") => s.subnets.reduce((a, x) => a + BigInt(x[k]), 0n);
  const minted = BigInt(s.issuanceEnd) - BigInt(s.issuanceStart);
  const pct = (x: bigint) => (minted === 0n ? "0.0" : ((Number(x) / Number(minted)) * 100).toFixed(1));
  const lines = [
    table(
      ["netuid", "tempo", "epochs", "owner τ", "miners τ", "validators τ", "pending τ", "top earners", "nakamoto", ...(churn ? ["regs", "burn τ"] : [])],
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

function isDtao(s: NetworkSummary | DtaoSummary): s is DtaoSummary {
  return (s as DtaoSummary).economy === "dtao";
}

/** Alpha rao as alpha with 3 decimals, and its TAO value at a price (U64F64-free: the
 *  display only). */
function alphaAndTao(alpha: string, price: number): string {
  return `${tao(alpha)} (${(Number(BigInt(alpha)) / 1e9 * price).toFixed(3)} τ)`;
}

/** The text summary of a dtao run: per subnet prices, share, TAO in, alpha in / out and where
 *  the alpha went; then the network's issuance, root stake and Σ prices. */
export function dtaoSummaryText(s: DtaoSummary, seconds: number, threads: number): string {
  const rows = s.subnets.map((x) => [
    String(x.netuid), String(x.epochs), x.price.toFixed(6), x.emaPrice.toFixed(6), (x.share * 100).toFixed(3),
    tao(BigInt(x.taoIn) + BigInt(x.excessTao)), tao(x.alphaIn), tao(x.alphaOut), alphaAndTao(x.owner, x.price),
    alphaAndTao(x.miners, x.price), alphaAndTao(x.validators, x.price), alphaAndTao(x.root, x.price), tao(x.burned),
  ]);
  const churn = s.subnets.some((x) => x.registrations !== undefined);
  if (churn) rows.forEach((r, i) => {
    const x = s.subnets[i]!;
    r.push(x.registrations === undefined ? "-" : String(x.registrations), x.burn === undefined ? "-" : tao(x.burn));
  });
  const sumPrices = s.subnets.reduce((a, x) => a + x.price, 0);
  const sumEma = s.subnets.reduce((a, x) => a + x.emaPrice, 0);
  return [
    table(
      ["netuid", "epochs", "price τ/α", "EMA price", "share %", "TAO in τ", "alpha in α", "alpha out α", "owner α (τ)", "miners α (τ)", "validators α (τ)", "root α (τ)", "burned α",
        ...(churn ? ["regs", "burn τ"] : [])],
      rows,
    ),
    "",
    `economy dtao  share rule ${s.shareRule}  blocks ${s.blocks}  minted ${tao(s.minted)} τ  recycled ${tao(s.recycled)} τ  (issuance ${tao(s.issuanceStart)} → ${tao(s.issuanceEnd)} τ)`,
    `root stake ${tao(s.rootStake)} τ  Σ prices ${sumPrices.toFixed(4)}  Σ EMA prices ${sumEma.toFixed(4)}  unallocated ${s.unallocated} rao`,
    `epochs ${s.subnets.reduce((a, x) => a + x.epochs, 0)} in ${seconds.toFixed(2)} s on ${threads} thread${threads === 1 ? "" : "s"}  digest ${s.digest}`,
    "TAO in: injected + excess that bought alpha; alpha out: the subnet's alpha emission; (τ): value at the final price" +
      (churn ? "; regs: registrations (each pruned a uid); burn: the registration price now" : ""),
  ].join("\n");
}

/** Override fields of `target` (an object) with `o`; anything else is left for validation to refuse. */
function withOverride(target: unknown, o: SubnetConfig): unknown {
  return typeof target === "object" && target !== null && !Array.isArray(target) ? { ...target, ...o } : target;
}

export async function simulateCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCli(argv, SIMULATE_OPTIONS, "simulate");
  if (values.help) {
    await writeOut(SIMULATE_USAGE + "\n");
    return 0;
  }
  if (positionals.length) throw new CliError(`unexpected argument ${quote(positionals[0])} (see yuma simulate --help)`);
  if (values.progress && values["no-progress"]) throw new CliError("--progress and --no-progress exclude each other");
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
  const mechanisms = intOption(values.mechanisms, "mechanisms", 1, 2);
  if (mechanisms !== undefined) override.mechanisms = mechanisms;
  let arrivals: number | undefined;
  if (values.arrivals !== undefined) {
    arrivals = Number(values.arrivals);
    if (!/^\s*[0-9.eE+-]+\s*$/.test(values.arrivals) || !Number.isFinite(arrivals) || arrivals < 0 || arrivals > 16) {
      throw new CliError(`--arrivals must be a number of registrations per block in [0, 16], got ${quote(values.arrivals)}`);
    }
  }
  const subnets = intOption(values.subnets, "subnets", 1, 4096);
  if (subnets !== undefined) config.subnets = subnets;
  if (values.economy !== undefined) {
    if (values.economy !== "dtao" && values.economy !== "static") throw new CliError(`--economy must be dtao or static, got ${quote(values.economy)}`);
    config.economy = values.economy;
  }
  if (values["share-rule"] !== undefined) {
    const r = values["share-rule"];
    if (r !== "price-ema" && r !== "tao-flow" && r !== "static") throw new CliError(`--share-rule must be price-ema, tao-flow or static, got ${quote(r)}`);
    if (config.economy === "static") throw new CliError("--share-rule applies to --economy dtao only");
    config.shareRule = r;
  }
  if (Object.keys(override).length > 0) {
    config.defaults = (config.defaults === undefined ? { ...override } : withOverride(config.defaults, override)) as SubnetConfig;
    if (Array.isArray(config.subnets)) config.subnets = config.subnets.map((s) => withOverride(s, override) as SubnetConfig);
  }
  if (arrivals !== undefined) {
    // Only the rate changes: each churn block keeps its own burn, immunity and pruning settings.
    // A subnet's churn replaces the defaults' whole, so subnets with their own get the rate too.
    const rate = (churn: unknown) => ({ ...(typeof churn === "object" && churn !== null ? churn : {}), arrivals });
    config.defaults = withOverride(config.defaults ?? {}, { churn: rate(config.defaults?.churn) }) as SubnetConfig;
    if (Array.isArray(config.subnets)) {
      config.subnets = config.subnets.map((s) => (typeof s === "object" && s !== null && (s as SubnetConfig).churn !== undefined ? withOverride(s, { churn: rate((s as SubnetConfig).churn) }) : s) as SubnetConfig);
    }
  }
  const seed = intOption(values.seed, "seed", 0, 2 ** 32 - 1);
  if (seed !== undefined) config.seed = seed;
  if (values.issuance !== undefined) config.issuance = values.issuance;
  const blocks = intOption(values.blocks, "blocks", 0, 1e9) ?? 7200;
  const threads = intOption(values.threads, "threads", 1, 256) ?? Math.max(1, Math.min(availableParallelism(), 8));

  const net = new Network(config);
  const dtao = net.config.economy === "dtao";
  if (values.html !== undefined && !dtao) throw new CliError("--html applies to --economy dtao only (scenario reports: yuma scenario --html)");
  const history: DtaoHistory | undefined = values.html !== undefined ? { blocks: [], subnets: [] } : undefined;
  const showBar = values.progress === true || (process.stderr.isTTY === true && !values.json && !values["no-progress"]);
  const bar = showBar
    ? new cliProgress.SingleBar(
        {
          format: "simulating |{bar}| {percentage}% | {value}/{total} epochs | {etaText}",
          // The cursor is hidden and shown here (also on Ctrl-C), not by cli-progress.
          hideCursor: false, clearOnComplete: true, noTTYOutput: values.progress === true, notTTYSchedule: 250,
        },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  let started = false;
  const t0 = performance.now();
  const stopBar = () => {
    if (!started) return;
    started = false;
    bar?.stop();
    process.stderr.write(SHOW_CURSOR);
  };
  // Ctrl-C (or a kill): put the cursor back and exit as a shell expects (128 + signal number).
  const onSigint = () => {
    stopBar();
    process.exit(130);
  };
  const onSigterm = () => {
    stopBar();
    process.exit(143);
  };
  process.on("SIGINT", onSigint);
  process.on("SIGTERM", onSigterm);
  try {
    const summary = await net.run({
      blocks,
      threads,
      ...(history ? { history, sampleEvery: Math.max(1, Math.floor(blocks / 144)) } : {}),
      onProgress: (p) => {
        if (!bar) return;
        const etaTextNow = etaText(performance.now() - t0, p.epochsDone, p.epochsTotal);
        if (!started) {
          process.stderr.write(HIDE_CURSOR);
          bar.start(p.epochsTotal, p.epochsDone, { etaText: etaTextNow });
          started = true;
        }
        bar.update(p.epochsDone, { etaText: etaTextNow });
      },
    });
    stopBar();
    const seconds = (performance.now() - t0) / 1000;
    if (isDtao(summary)) {
      if (history) writeFileSync(values.html!, renderNetworkHtml(summary, history, { generator: "yuma simulate" }));
      await writeOut((values.json ? JSON.stringify(summary) : dtaoSummaryText(summary, seconds, threads)) + "\n");
      return 0;
    }
    await writeOut((values.json ? JSON.stringify(jsonSummary(net, summary)) : humanSummary(net, summary, seconds, threads)) + "\n");
    return 0;
  } finally {
    stopBar();
    process.removeListener("SIGINT", onSigint);
    process.removeListener("SIGTERM", onSigterm);
    await net.close();
  }
}
