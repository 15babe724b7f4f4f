// Benchmark suite (issue #5): exact epochs on chain-like subnets, SIMD vs baseline build,
// marshalling vs compute, memory flatness over 10,000 epochs, and one simulated mainnet day.
//
//   npm run bench                       full run, table on stdout
//   npm run bench -- --json FILE        also write the results as JSON to FILE
//   npm run bench -- --quick            short run (fewer samples, shorter memory and network runs)
//   npm run bench -- --only epoch,adversarial,memory,network,networkDtao,networkChurn,mechanisms,research   run a subset of the sections
//
// Runs against ../dist (built by `npm run build`, which `npm run bench` does first).
// Timings are wall clock on one thread (the network section also with worker threads).

import { createRequire } from "node:module";
import { readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { cpus, availableParallelism, loadavg, tmpdir, totalmem } from "node:os";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { adversarialSubnet, generateSubnet, warmSubnet, researchCase } from "./generate.mjs";

const require = createRequire(import.meta.url);
const Benchmark = require("benchmark");
const lib = await import("../dist/index.js");
const { runEpoch, encodeEpoch, runEncoded, instantiate, wasmBuildBytes, usesSimd, runResearch } = lib;

// ------------------------------------------------------------------ options

const argv = process.argv.slice(2);
const opt = { json: null, quick: false, only: null };
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === "--json") opt.json = argv[++i];
  else if (a.startsWith("--json=")) opt.json = a.slice(7);
  else if (a === "--quick") opt.quick = true;
  else if (a === "--only") opt.only = new Set(argv[++i].split(","));
  else if (a === "--help" || a === "-h") {
    console.log("usage: node bench/run.mjs [--quick] [--json FILE] [--only epoch,adversarial,memory,network,networkDtao,networkChurn,mechanisms,research]");
    process.exit(0);
  } else {
    console.error(`unknown argument ${a}`);
    process.exit(2);
  }
}
if (opt.json === undefined || opt.json === "") {
  console.error("--json needs a file name");
  process.exit(2);
}
const want = (section) => !opt.only || opt.only.has(section);

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc");

const log = (...a) => console.error(...a); // progress on stderr, results on stdout

// ------------------------------------------------------------------ machine

const machine = {
  cpu: cpus()[0]?.model ?? "unknown",
  cores: typeof availableParallelism === "function" ? availableParallelism() : cpus().length,
  node: process.version,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  simdDefault: usesSimd(),
};

// ------------------------------------------------------------------ builds

const bytes = { baseline: wasmBuildBytes("baseline"), simd: wasmBuildBytes("simd") };
const sameBytes = bytes.baseline.length === bytes.simd.length && bytes.baseline.every((b, i) => b === bytes.simd[i]);
const builds = { baseline: instantiate(new WebAssembly.Module(bytes.baseline)) };
let simdNote = "";
if (sameBytes) simdNote = "the SIMD build is byte-identical to the baseline (asc emitted no SIMD instructions)";
else if (!WebAssembly.validate(bytes.simd)) simdNote = "this engine rejects the SIMD build";
else builds.simd = instantiate(new WebAssembly.Module(bytes.simd));
const mainBuild = builds.simd ? "simd" : "baseline";

// ------------------------------------------------------------------ helpers

const fmt = (x, d = 2) => (x === null || x === undefined || Number.isNaN(x) ? "-" : x.toFixed(d));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};

function table(headers, rows, align) {
  const w = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => cells.map((c, i) => (align?.[i] === "l" ? String(c).padEnd(w[i]) : String(c).padStart(w[i]))).join("  ");
  return [line(headers), w.map((x) => "-".repeat(x)).join("  "), ...rows.map(line)].join("\n");
}

/** Benchmark.js mean (ms) and relative margin of error (%) of one call of fn. */
function measure(name, fn) {
  const b = new Benchmark(name, fn, {
    minSamples: opt.quick ? 5 : 20,
    maxTime: opt.quick ? 0.5 : 3,
    initCount: 1,
  });
  b.run();
  if (b.error) throw b.error;
  return { ms: b.stats.mean * 1000, rme: b.stats.rme, samples: b.stats.sample.length };
}

/**
 * Split one runEncoded call into marshalling in (validation is done: typed arrays → linear
 * memory), the WASM epoch, and marshalling out (linear memory → typed arrays), by wrapping
 * the instance's exports.
 */
function phases(wasm, enc, reps) {
  let t = 0, tIn = 0, tRun = 0, tOut = 0;
  const w = {
    get memory() { return wasm.memory; },
    reset() { t = performance.now(); wasm.reset(); },
    alloc: (b) => wasm.alloc(b),
    epoch(p) {
      const a = performance.now();
      tIn = a - t;
      const r = wasm.epoch(p);
      t = performance.now();
      tRun = t - a;
      return r;
    },
  };
  const ins = [], runs = [], outs = [];
  for (let k = 0; k < reps; k++) {
    runEncoded(w, enc, false);
    tOut = performance.now() - t;
    ins.push(tIn); runs.push(tRun); outs.push(tOut);
  }
  return { in: median(ins), compute: median(runs), out: median(outs) };
}

// ------------------------------------------------------------------ epoch workloads

const WORKLOADS = [
  { n: 256, validators: 64, goals: { yuma2: 1.0, "yuma3-liquid": 4 }, chain: { yuma2: 1.52, "yuma3-liquid": 19.9 } },
  { n: 1024, validators: 64, goals: { yuma2: 5.0, "yuma3-liquid": 15 }, chain: { yuma2: 7.45, "yuma3-liquid": 310 } },
  { n: 1024, validators: 256, goals: { yuma2: 20, "yuma3-liquid": 60 }, chain: { yuma2: 24.5, "yuma3-liquid": 330 } },
  { n: 4096, validators: 256, goals: { yuma2: 100, "yuma3-liquid": 250 }, chain: { yuma2: 134, "yuma3-liquid": 4914 } },
];
const MODES = ["yuma2", "yuma3-liquid"];

const result = { machine, builds: { main: mainBuild, note: simdNote || undefined }, epoch: [], adversarial: [], research: [], mechanisms: null, network: null, networkDtao: null, networkChurn: null, memory: null };

if (want("epoch")) {
  log(`epoch workloads (${opt.quick ? "quick" : "full"}), main build: ${mainBuild}${simdNote ? ` (${simdNote})` : ""}`);
  for (const wl of WORKLOADS) {
    for (const mode of MODES) {
      const subnet = warmSubnet(runEpoch, { n: wl.n, validators: wl.validators, mode, seed: 1 });
      const enc = encodeEpoch(subnet.params, subnet.inputs);
      const row = {
        n: wl.n, validators: wl.validators, mode,
        msPerEpoch: 0, rme: 0, samples: 0, goal: wl.goals[mode], chainRustMs: wl.chain[mode],
        weights: enc.weights.col.length, bonds: enc.bonds.col.length,
        builds: {}, marshalInMs: 0, computeMs: 0, marshalOutMs: 0,
      };
      for (const [name, wasm] of Object.entries(builds)) {
        for (let k = 0; k < 3; k++) runEncoded(wasm, enc, false); // warm-up (tier-up, memory growth)
        const m = measure(`${wl.n}x${wl.validators} ${mode} ${name}`, () => runEncoded(wasm, enc, false));
        row.builds[name] = { msPerEpoch: m.ms, rme: m.rme, samples: m.samples };
      }
      const main = row.builds[mainBuild];
      row.msPerEpoch = main.msPerEpoch;
      row.rme = main.rme;
      row.samples = main.samples;
      const reps = Math.max(5, Math.min(200, Math.round((opt.quick ? 300 : 1500) / Math.max(main.msPerEpoch, 0.05))));
      const ph = phases(builds[mainBuild], enc, reps);
      row.marshalInMs = ph.in;
      row.computeMs = ph.compute;
      row.marshalOutMs = ph.out;
      row.met = row.msPerEpoch <= row.goal;
      result.epoch.push(row);
      log(`  ${wl.n}x${wl.validators} ${mode}: ${fmt(row.msPerEpoch, 3)} ms ±${fmt(row.rme, 1)}%`);
    }
  }
}

// ------------------------------------------------------------------ adversarial epochs

// Inputs built to defeat the consensus median: a median-of-three killer ordering of a column
// (against the same values in a random order), and n = 65535 uids that each set one weight.
// `medianWork` is the engine's deterministic count of pairs visited and voter cursors read.
const ADVERSARIAL = [
  { name: "median-killer", n: 4096, benign: { shuffle: true } },
  { name: "sparse-one-weight", n: 65535 },
];

if (want("epoch") || want("adversarial")) {
  log("adversarial epochs");
  const wasm = builds[mainBuild];
  for (const a of ADVERSARIAL) {
    const one = (opts) => {
      const s = adversarialSubnet(a.name, a.n, opts);
      const enc = encodeEpoch(s.params, s.inputs);
      runEncoded(wasm, enc, false); // warm-up
      const w0 = wasm.medianVisits();
      runEncoded(wasm, enc, false);
      const work = Number(wasm.medianVisits() - w0);
      const m = measure(`${a.name} ${a.n}`, () => runEncoded(wasm, enc, false));
      return { ms: m.ms, rme: m.rme, work, entries: enc.weights.col.length };
    };
    const hit = one({});
    const row = { name: a.name, n: a.n, entries: hit.entries, msPerEpoch: hit.ms, rme: hit.rme, medianWork: hit.work };
    if (a.benign) {
      const base = one(a.benign);
      row.benignMsPerEpoch = base.ms;
      row.benignMedianWork = base.work;
    }
    result.adversarial.push(row);
    log(`  ${a.name} n=${a.n}: ${fmt(row.msPerEpoch, 3)} ms${row.benignMsPerEpoch ? ` (benign order ${fmt(row.benignMsPerEpoch, 3)} ms)` : ""}`);
  }
}

// ------------------------------------------------------------------ research mode

// The peer timing's workloads (yuma-simulation's charts_table_generator parameters), timed
// per epoch through the public API: validation, the WASM kernels and the output objects.
const RESEARCH_WORKLOADS = [
  { validators: 64, n: 256 },
  { validators: 64, n: 1024 },
  { validators: 256, n: 1024 },
  { validators: 256, n: 4096 },
  { validators: 1024, n: 4096 },
];
const RESEARCH_MODES = {
  yuma2: { version: "YUMA2", params: { bondMovingAverage: 0.1, kappa: 0.5, bondPenalty: 1 } },
  "yuma3-liquid": {
    version: "YUMA3_LIQUID",
    params: {
      bondMovingAverage: 0.975, alphaLow: 0.1, alphaHigh: 0.3, alphaSigmoidSteepness: 10,
      liquidAlphaConsensusMode: "mixed", kappa: 0.5, bondPenalty: 1,
    },
  },
};

// Research rows run in a process of their own when other sections run too: what those leave
// on the JS heap (hundreds of MB of benchmark bookkeeping) makes V8 run full GCs on each
// large call's output buffers ("external memory pressure"), which would be timed here.
const researchAlone = opt.only?.size === 1 && opt.only.has("research");
if (want("research") && !researchAlone) {
  const tmp = join(tmpdir(), `yuma-bench-research-${process.pid}.json`);
  const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), "--only", "research", "--json", tmp, ...(opt.quick ? ["--quick"] : [])], { stdio: ["ignore", "ignore", "inherit"] });
  if (child.status !== 0) throw new Error(`bench: the research section failed (exit ${child.status})`);
  result.research = JSON.parse(readFileSync(tmp, "utf8")).research;
  unlinkSync(tmp);
} else if (want("research")) {
  gc(); log(`  (heap before research: ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB, rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB)`);
  log(`research mode (${opt.quick ? "quick" : "full"}): runResearch per epoch`);
  // The engines tier up (V8 compiles hot WASM and JS functions again, optimised) in the first
  // few hundred ms of a process: run every mode and semantics on the smallest workload for a
  // while first, so the first row is not timed on code the later rows no longer run.
  {
    const wl = RESEARCH_WORKLOADS[0];
    const docs = Object.values(RESEARCH_MODES).flatMap((cfg) => {
      const input = researchCase({ validators: wl.validators, n: wl.n, epochs: 4, seed: 1, version: cfg.version, params: cfg.params });
      return [true, false].map((peerCompat) => ({ ...input, peerCompat }));
    });
    const until = performance.now() + (opt.quick ? 200 : 600);
    while (performance.now() < until) for (const doc of docs) runResearch(doc);
  }
  for (const wl of RESEARCH_WORKLOADS) {
    // Enough epochs per call that a call takes a few ms, at least 3 (bonds carried over).
    const work = wl.validators * wl.n;
    const epochs = Math.max(3, Math.min(16, Math.round(2 ** 20 / work)));
    for (const [mode, cfg] of Object.entries(RESEARCH_MODES)) {
      const input = researchCase({ validators: wl.validators, n: wl.n, epochs, seed: 7, version: cfg.version, params: cfg.params });
      for (const semantics of ["peerCompat", "chainLike"]) {
        const doc = { ...input, peerCompat: semantics === "peerCompat" };
        const reps = opt.quick ? 5 : 12;
        const budget = opt.quick ? 500 : 2000;
        // ms per epoch of `call`, each measurement after a full GC (the previous one's garbage —
        // hundreds of MB at 1024×4096 — is not collected on this one's clock) and 2 warm-up calls.
        const perEpoch = (call, share) => {
          gc();
          call();
          call();
          const times = [];
          const t0 = performance.now();
          for (let k = 0; k < reps || (performance.now() - t0 < budget * share && k < 200); k++) {
            const t = performance.now();
            call();
            times.push((performance.now() - t) / epochs);
          }
          return times;
        };
        const times = perEpoch(() => runResearch(doc), 1);
        // The same through runResearchFlat with typed-array rows (a caller holding tensors):
        // no array per row in, none out.
        let msPerEpochFlat;
        if (typeof lib.runResearchFlat === "function") {
          const typed = { ...doc, epochs: doc.epochs.map((e) => ({ W: e.W.map((r) => Float64Array.from(r)), S: Float64Array.from(e.S) })) };
          msPerEpochFlat = median(perEpoch(() => lib.runResearchFlat(typed), 0.5));
        }
        // The same with every epoch's bond rows read (runResearch builds them on first read):
        // what a caller that looks at all V×N bonds, or serialises the output, pays.
        const withBonds = perEpoch(() => {
          let rows = 0;
          for (const ep of runResearch(doc).epochs) rows += ep.bonds.length;
          if (rows !== epochs * wl.validators) throw new Error("bench: bonds rows missing");
        }, 0.5);
        const row = { validators: wl.validators, n: wl.n, mode, semantics, msPerEpoch: median(times), msPerEpochBondsRead: median(withBonds), msPerEpochFlat, epochsPerCall: epochs, samples: times.length };
        result.research.push(row);
        log(`  ${wl.validators}x${wl.n} ${mode} ${semantics}: ${fmt(row.msPerEpoch, 3)} ms/epoch, bonds read ${fmt(row.msPerEpochBondsRead, 3)}, flat ${fmt(row.msPerEpochFlat, 3)} (${times.length} calls of ${epochs} epochs)`);
      }
    }
  }
}

// ------------------------------------------------------------------ memory flatness

if (want("memory")) {
  const total = opt.quick ? 2000 : 10000;
  const warm = Math.min(1000, total / 5);
  log(`memory: ${total} epochs of n = 256 (yuma2 and yuma3-liquid subnets alternating, bonds carried over)`);
  // A fresh instance, so its memory reflects this workload only.
  const wasm = instantiate(new WebAssembly.Module(bytes[mainBuild]));
  const subnets = MODES.map((mode, i) => {
    const s = generateSubnet({ n: 256, validators: 64, mode, seed: 100 + i });
    return { s, enc: encodeEpoch(s.params, s.inputs) };
  });
  const pages = () => wasm.memory.buffer.byteLength / 65536;
  const samples = [];
  const t0 = performance.now();
  for (let k = 1; k <= total; k++) {
    const sub = subnets[k % 2];
    const raw = runEncoded(wasm, sub.enc, false);
    // The chain's carry-over, on the typed arrays: bonds and permits, next tempo's block.
    const e = sub.enc;
    const step = BigInt(sub.s.params.tempo + 1);
    sub.enc = {
      ...e,
      currentBlock: e.currentBlock + step,
      lastMechanismStepBlock: e.currentBlock,
      lastUpdate: e.lastUpdate.map((b) => (e.currentBlock - b <= e.activityCutoff ? e.currentBlock + step - 1n : b)),
      bonds: raw.bonds,
      validatorPermit: raw.newValidatorPermit,
    };
    if (k === warm || k % (total / 10) === 0) {
      gc();
      samples.push({ epoch: k, pages: pages(), rssMiB: process.memoryUsage().rss / 2 ** 20, heapMiB: process.memoryUsage().heapUsed / 2 ** 20 });
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  const after = samples.filter((s) => s.epoch >= warm);
  const first = after[0], last = after[after.length - 1];
  const rssMax = Math.max(...after.map((s) => s.rssMiB));
  result.memory = {
    epochs: total,
    n: 256,
    warmupEpochs: warm,
    seconds,
    pagesAfterWarmup: first.pages,
    pagesEnd: last.pages,
    rssMiBAfterWarmup: first.rssMiB,
    rssMiBEnd: last.rssMiB,
    rssMiBMax: rssMax,
    heapMiBAfterWarmup: first.heapMiB,
    heapMiBEnd: last.heapMiB,
    flat: last.pages === first.pages && rssMax - first.rssMiB < 16,
    samples,
  };
  log(`  pages ${first.pages} -> ${last.pages}, rss ${fmt(first.rssMiB, 1)} -> ${fmt(last.rssMiB, 1)} MiB (max ${fmt(rssMax, 1)})`);
}

// ------------------------------------------------------------------ network day

/**
 * How much parallelism the machine gives right now: the same fixed CPU-bound job (exact
 * epochs of a 256 x 64 subnet in WASM) on one worker thread alone, then on two at once.
 * 2·t1/t2 is the best 2-thread speedup any code could show at this moment.
 */
async function parallelCeiling() {
  const { Worker } = await import("node:worker_threads");
  const url = new URL("../dist/index.js", import.meta.url).href;
  const genUrl = new URL("./generate.mjs", import.meta.url).href;
  const code = `
    const { parentPort, workerData } = require("node:worker_threads");
    (async () => {
      const lib = await import(${JSON.stringify(url)});
      const gen = await import(${JSON.stringify(genUrl)});
      const s = gen.warmSubnet(lib.runEpoch, { n: 256, validators: 64, mode: "yuma3", seed: 5 });
      const enc = lib.encodeEpoch(s.params, s.inputs);
      const w = lib.instantiate();
      for (let k = 0; k < 50; k++) lib.runEncoded(w, enc, false);
      parentPort.postMessage("ready");
      parentPort.once("message", () => {
        const t = performance.now();
        for (let k = 0; k < workerData.epochs; k++) lib.runEncoded(w, enc, false);
        parentPort.postMessage(performance.now() - t);
      });
    })();`;
  const epochs = opt.quick ? 800 : 2000;
  const start = async (k) => {
    const ws = Array.from({ length: k }, () => new Worker(code, { eval: true, workerData: { epochs } }));
    await Promise.all(ws.map((w) => new Promise((res) => w.once("message", res))));
    const t = performance.now();
    await Promise.all(ws.map((w) => new Promise((res) => { w.once("message", res); w.postMessage("go"); })));
    const wall = performance.now() - t;
    await Promise.all(ws.map((w) => w.terminate()));
    return wall;
  };
  const t1 = await start(1), t2 = await start(2);
  return { oneWorkerSeconds: t1 / 1000, twoWorkersSeconds: t2 / 1000, ceiling: (2 * t1) / t2 };
}

/** The churned dtao day: 128 subnets, a quarter of them with 2 mechanisms (128 uids each, the
 *  chain's limit of 256 uids over all mechanisms), registrations arriving on every subnet. */
function churnConfig() {
  const churn = { arrivals: 0.005 };
  return {
    economy: "dtao", seed: 1,
    defaults: { neurons: 256, validators: 64, tempo: 360, churn },
    subnets: Array.from({ length: 128 }, (_, i) => (i % 4 === 0 ? { netuid: i + 1, neurons: 128, mechanisms: 2 } : { netuid: i + 1 })),
  };
}

async function networkDay(economy, variant) {
  if (typeof lib.Network !== "function") return { available: false };
  const blocks = opt.quick ? 1800 : 7200;
  // The static day is the pre-dTAO model; the dtao day is the chain's economy with the market on.
  const config = variant === "churn" ? churnConfig() : { economy, seed: 1, subnets: 128, defaults: { neurons: 256, validators: 64, tempo: 360 } };
  const runOnce = async (threads) => {
    // A warmed pool (threads started, module compiled) so the time is the simulation's.
    const pool = typeof lib.createPool === "function" ? await lib.createPool(threads) : undefined;
    try {
      if (pool) {
        const warmNet = new lib.Network({ economy, seed: 2, subnets: threads, defaults: { neurons: 16, validators: 4, tempo: 9 } });
        await warmNet.run({ blocks: 20, pool });
        await warmNet.close();
      }
      const net = new lib.Network(config);
      let epochs = 0;
      const load = loadavg()[0];
      const cpu0 = process.cpuUsage(); // process-wide: main thread and workers
      const t0 = performance.now();
      const summary = await net.run(pool ? { blocks, pool, onProgress: (p) => (epochs = p.epochsTotal) } : { blocks, threads, onProgress: (p) => (epochs = p.epochsTotal) });
      const seconds = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      await net.close();
      const registrations = summary.subnets.reduce((a, x) => a + (x.registrations ?? 0), 0);
      return { seconds, epochs, digest: summary.digest, cpuSeconds: (cpu.user + cpu.system) / 1e6, load, registrations };
    } finally {
      await pool?.destroy();
    }
  };
  const reps = opt.quick ? 1 : 3;
  const one = [], two = [], cpu1 = [], cpu2 = [], loads = [];
  let epochs = 0, digest1 = "", digest2 = "", registrations = 0;
  for (let r = 0; r < reps; r++) {
    const a = await runOnce(1);
    one.push(a.seconds); cpu1.push(a.cpuSeconds); epochs = a.epochs; digest1 = a.digest; loads.push(a.load); registrations = a.registrations;
    const b = await runOnce(2);
    two.push(b.seconds); cpu2.push(b.cpuSeconds); digest2 = b.digest; loads.push(b.load);
    log(`  run ${r + 1}/${reps}: 1 thread ${fmt(a.seconds)} s (cpu ${fmt(a.cpuSeconds)} s), 2 threads ${fmt(b.seconds)} s (cpu ${fmt(b.cpuSeconds)} s), load ${fmt(a.load, 1)}`);
  }
  const seconds = median(two), seconds1 = median(one);
  const ceiling = await parallelCeiling();
  log(`  parallel ceiling now: 2 workers ${fmt(ceiling.ceiling)}x one (same CPU-bound job each)`);
  return {
    available: true,
    economy,
    subnets: Array.isArray(config.subnets) ? config.subnets.length : config.subnets,
    neurons: config.defaults.neurons,
    validators: config.defaults.validators,
    tempo: config.defaults.tempo,
    blocks,
    epochs,
    threads: 2,
    seconds,
    seconds1,
    speedup: seconds1 / seconds,
    // CPU seconds of the whole process (main thread + workers) and the 1-minute load average
    // when each run started: with other work on the machine, 2 threads get < 2 cores.
    cpuSeconds: median(cpu2),
    cpuSeconds1: median(cpu1),
    loadAverage: median(loads),
    // The best 2-thread speedup the machine allowed (same CPU-bound job on 1 vs 2 workers).
    parallelCeiling: ceiling.ceiling,
    runs: reps,
    sameDigest: digest1 === digest2,
    ...(variant === "churn" ? { variant, mechanismSubnets: 32, registrations } : {}),
    goalSeconds: variant === "churn" ? 3.0 : economy === "dtao" ? 2.0 : 1.5,
    goalSpeedup: economy === "dtao" ? undefined : 1.8,
    met: blocks === 7200 && seconds <= (variant === "churn" ? 3.0 : economy === "dtao" ? 2.0 : 1.5) && (economy === "dtao" || seconds1 / seconds >= 1.8),
  };
}

if (want("mechanisms") || want("epoch")) {
  // A subnet epoch with 2 mechanisms against 1 (runSubnetEpoch, public API), 256 uids x 64 validators.
  log("mechanisms: subnet epoch, 256 x 64, 1 and 2 mechanisms");
  const sub = warmSubnet(runEpoch, { n: 256, validators: 64, mode: "yuma3", seed: 1 });
  const { weights, bonds, lastUpdate, stake, blockAtRegistration, validatorPermit } = sub.inputs;
  const other = warmSubnet(runEpoch, { n: 256, validators: 64, mode: "yuma3", seed: 2 }).inputs;
  const mech = (k) => ({ stake, blockAtRegistration, validatorPermit, mechanisms: [{ weights, bonds, lastUpdate }, { weights: other.weights, bonds: other.bonds, lastUpdate: other.lastUpdate }].slice(0, k) });
  const one = measure("subnet epoch 1 mechanism", () => lib.runSubnetEpoch(sub.params, mech(1)));
  const two = measure("subnet epoch 2 mechanisms", () => lib.runSubnetEpoch(sub.params, mech(2)));
  const epoch = measure("runEpoch", () => runEpoch(sub.params, sub.inputs));
  result.mechanisms = {
    n: 256, validators: 64, mode: "yuma3",
    runEpochMs: epoch.ms, oneMechanismMs: one.ms, twoMechanismsMs: two.ms, ratio: two.ms / one.ms, goalRatio: 2.2, met: two.ms / one.ms <= 2.2,
  };
  log(`  runEpoch ${fmt(epoch.ms, 3)} ms, 1 mechanism ${fmt(one.ms, 3)} ms, 2 mechanisms ${fmt(two.ms, 3)} ms (${fmt(two.ms / one.ms)}x)`);
}

if (want("network")) {
  log(`network: ${opt.quick ? "quarter" : "one simulated"} day, 128 subnets x 256 neurons x 64 validators (static economy)`);
  result.network = await networkDay("static");
}
if (want("networkDtao")) {
  log(`networkDtao: ${opt.quick ? "quarter" : "one simulated"} day, 128 subnets x 256 neurons x 64 validators, dtao economy, market on`);
  result.networkDtao = await networkDay("dtao");
}

if (want("networkChurn")) {
  log(`networkChurn: ${opt.quick ? "quarter" : "one simulated"} day, 128 subnets (32 with 2 mechanisms), dtao, registrations arriving`);
  result.networkChurn = await networkDay("dtao", "churn");
}

// ------------------------------------------------------------------ report

const out = [];
out.push(`yuma-wasm benchmark — ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}${opt.quick ? " (quick run)" : ""}`);
out.push("");
if (result.epoch.length) {
  const hasSimd = !!builds.simd;
  const headers = ["n", "V", "mode", "ms/epoch", "±%", "goal", "met", "chain Rust", "baseline", hasSimd ? "simd" : "simd*", "in", "compute", "out"];
  const rows = result.epoch.map((r) => [
    r.n, r.validators, r.mode, fmt(r.msPerEpoch, 3), fmt(r.rme, 1), `≤ ${r.goal}`, r.met ? "yes" : "NO", fmt(r.chainRustMs, 2),
    fmt(r.builds.baseline?.msPerEpoch, 3), hasSimd ? fmt(r.builds.simd?.msPerEpoch, 3) : "=",
    fmt(r.marshalInMs, 3), fmt(r.computeMs, 3), fmt(r.marshalOutMs, 3),
  ]);
  out.push("Exact epoch, ms per epoch (one thread, after warm-up; mean of Benchmark.js samples):");
  out.push(table(headers, rows, [, , "l"]));
  out.push("in / compute / out: median ms writing inputs into WASM memory, running the epoch, reading outputs back.");
  if (simdNote) out.push(`* ${simdNote}.`);
  out.push("");
}
if (result.adversarial.length) {
  out.push("Adversarial epochs (one thread; medianWork = pairs visited by the selections + voter cursors read):");
  out.push(table(["input", "n", "entries", "ms/epoch", "±%", "benign order ms", "medianWork", "benign work"],
    result.adversarial.map((r) => [r.name, r.n, r.entries, fmt(r.msPerEpoch, 3), fmt(r.rme, 1), fmt(r.benignMsPerEpoch, 3), r.medianWork, r.benignMedianWork ?? "-"]),
    ["l"]));
  out.push("");
}
if (result.research.length) {
  const headers = ["V", "n", "mode", "semantics", "ms/epoch", "bonds read", "flat ms/epoch", "epochs/call", "calls"];
  const rows = result.research.map((r) => [r.validators, r.n, r.mode, r.semantics, fmt(r.msPerEpoch, 3), fmt(r.msPerEpochBondsRead, 3), fmt(r.msPerEpochFlat, 3), r.epochsPerCall, r.samples]);
  out.push("Research mode, ms per epoch through runResearch (bonds rows built when read), the same with every bonds row read, and through runResearchFlat with typed-array rows (one thread, after warm-up; median over calls):");
  out.push(table(headers, rows, [, , "l", "l"]));
  out.push("");
}
if (result.memory) {
  const m = result.memory;
  out.push(`Memory over ${m.epochs} epochs of n = 256 (after ${m.warmupEpochs} warm-up epochs): WASM pages ${m.pagesAfterWarmup} -> ${m.pagesEnd}, ` +
    `RSS ${fmt(m.rssMiBAfterWarmup, 1)} -> ${fmt(m.rssMiBEnd, 1)} MiB (max ${fmt(m.rssMiBMax, 1)}), JS heap ${fmt(m.heapMiBAfterWarmup, 1)} -> ${fmt(m.heapMiBEnd, 1)} MiB: ${m.flat ? "flat" : "NOT flat"}.`);
  out.push("");
}
if (result.mechanisms) {
  const m = result.mechanisms;
  out.push(`Mechanisms: subnet epoch ${m.n} x ${m.validators} (${m.mode}): runEpoch ${fmt(m.runEpochMs, 3)} ms, runSubnetEpoch 1 mechanism ${fmt(m.oneMechanismMs, 3)} ms, ` +
    `2 mechanisms ${fmt(m.twoMechanismsMs, 3)} ms: ${fmt(m.ratio)}x (goal ≤ ${m.goalRatio}, ${m.met ? "met" : "NOT met"}).`);
  out.push("");
}
for (const nw of [result.network, result.networkDtao, result.networkChurn]) {
  if (!nw) continue;
  if (!nw.available) out.push("network: not available (Network is not exported by this build)");
  else {
    out.push(`Network (${nw.economy}${nw.variant ? `, ${nw.variant}: ${nw.mechanismSubnets} subnets with 2 mechanisms, ${nw.registrations} registrations` : ""}): ${nw.subnets} subnets x ${nw.neurons} neurons x ${nw.validators} validators, tempo ${nw.tempo}, ${nw.blocks} blocks, ${nw.epochs} epochs ` +
      `(median of ${nw.runs}): 2 threads ${fmt(nw.seconds)} s (goal ≤ ${nw.goalSeconds}), 1 thread ${fmt(nw.seconds1)} s, ` +
      `speedup ${fmt(nw.speedup)}x${nw.goalSpeedup ? ` (goal ≥ ${nw.goalSpeedup})` : ""}; same digest: ${nw.sameDigest ? "yes" : "NO"}.`);
    out.push(`  CPU time (all threads): 2 threads ${fmt(nw.cpuSeconds)} s, 1 thread ${fmt(nw.cpuSeconds1)} s; ` +
      `load average ${fmt(nw.loadAverage, 1)} on ${machine.cores} cores during the runs; ` +
      `2 workers running the same CPU-bound job each finished ${fmt(nw.parallelCeiling)}x faster than 1 (the ceiling for any speedup here).`);
  }
  out.push("");
}
console.log(out.join("\n"));

if (opt.json) {
  const json = {
    machine: result.machine,
    builds: result.builds,
    epoch: result.epoch,
    adversarial: result.adversarial,
    research: result.research,
    mechanisms: result.mechanisms,
    network: result.network,
    networkDtao: result.networkDtao,
    networkChurn: result.networkChurn,
    memory: result.memory,
    quick: opt.quick,
    date: new Date().toISOString(),
  };
  writeFileSync(opt.json, JSON.stringify(json, null, 2) + "\n");
  log(`wrote ${opt.json}`);
}
