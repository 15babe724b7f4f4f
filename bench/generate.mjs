// Seeded generator of chain-like subnets for the benchmark (and for anyone who needs a
// realistic epoch input): fixture-format `params` / `inputs` (see test/fixtures/FORMAT.md).
//
//   V validators with heavy-tailed (Pareto) stake, every validator row dense over all n uids
//   (sorted by uid, max-upscaled to 65535 like `set_weights`), miners with small stake and no
//   weights, registration blocks spread over the past with some churn (a few uids registered
//   inside the last tempo, so the outdated-weights mask bites), validators that updated
//   weights within the last tempos (a few stale ones past the activity cutoff), miners whose
//   LastUpdate is their registration block.
//
// `generateSubnet(opts)` gives the state before any epoch (bonds empty); `warmSubnet`
// runs `warmup` epochs with the exact engine (carrying bonds and permits as the chain does,
// validators re-setting noisy weights each tempo) so the bond EMA and liquid-alpha paths
// see real bonds.

/** Small, fast, seeded PRNG (mulberry32). Returns a function giving floats in [0, 1). */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal (Box–Muller). */
function gauss(r) {
  const u = 1 - r(), v = r();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

const RAO = 1_000_000_000n; // rao per TAO

export const MODES = {
  yuma2: { yuma3: false, liquidAlpha: false },
  yuma3: { yuma3: true, liquidAlpha: false },
  "yuma3-liquid": { yuma3: true, liquidAlpha: true },
};

/**
 * A fresh subnet. Options: n, validators (V ≤ n), mode ("yuma2" | "yuma3" | "yuma3-liquid"),
 * seed, tempo (360), currentBlock (5_000_000), paretoAlpha (1.16: the "80/20" tail).
 * Returns { params, inputs, meta } where meta holds what later epochs need (quality, noise).
 */
export function generateSubnet(opts = {}) {
  const n = opts.n ?? 256;
  const V = Math.min(opts.validators ?? 64, n);
  const mode = MODES[opts.mode ?? "yuma2"];
  if (!mode) throw new Error(`unknown mode ${opts.mode}`);
  const r = rng(opts.seed ?? 1);
  const tempo = opts.tempo ?? 360;
  const currentBlock = opts.currentBlock ?? 5_000_000;
  const activityCutoff = Math.max(1, Math.floor((13889 * tempo) / 1000));
  const paretoAlpha = opts.paretoAlpha ?? 1.16;

  // Validators are a random set of uids (the chain does not put them first).
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const isValidator = new Uint8Array(n);
  const validators = order.slice(0, V).sort((a, b) => a - b);
  for (const v of validators) isValidator[v] = 1;

  // Stake: validators Pareto(x_m = 2000 TAO) capped at 5M TAO; miners 0..50 TAO (some 0).
  const stake = new Array(n);
  for (let i = 0; i < n; i++) {
    let tao;
    if (isValidator[i]) tao = Math.min(2000 / Math.pow(1 - r(), 1 / paretoAlpha), 5_000_000);
    else tao = r() < 0.3 ? 0 : r() * 50;
    stake[i] = (BigInt(Math.floor(tao * 1000)) * RAO / 1000n).toString();
  }

  // Registration: validators long ago; miners spread over ~50 days of churn, ~3% within the
  // last tempo (their incoming weights from validators that updated earlier are masked).
  const blockAtRegistration = new Array(n);
  for (let i = 0; i < n; i++) {
    if (isValidator[i]) blockAtRegistration[i] = currentBlock - 200_000 - Math.floor(r() * 2_000_000);
    else if (r() < 0.03) blockAtRegistration[i] = currentBlock - Math.floor(r() * tempo);
    else blockAtRegistration[i] = currentBlock - Math.floor(r() * 360_000);
  }
  // LastUpdate: validators within the last two tempos, ~5% stale past the activity cutoff;
  // miners never set weights (LastUpdate is their registration block).
  const lastUpdate = new Array(n);
  for (let i = 0; i < n; i++) {
    if (isValidator[i]) {
      lastUpdate[i] = r() < 0.05 ? currentBlock - activityCutoff - 1 - Math.floor(r() * 20_000)
        : currentBlock - Math.floor(r() * 2 * tempo);
    } else lastUpdate[i] = blockAtRegistration[i];
  }

  // Miner quality: log-normal, 10% of miners worthless (weight 0). Validators give other
  // validators (and themselves) weight 0: the rows stay dense with explicit zeros.
  const quality = new Float64Array(n);
  for (let j = 0; j < n; j++) quality[j] = isValidator[j] || r() < 0.1 ? 0 : Math.exp(1.2 * gauss(r));
  // Per-validator noise: most are close to the consensus view, a few are far off.
  const noise = new Float64Array(n);
  for (const v of validators) noise[v] = r() < 0.1 ? 1.0 : 0.05 + 0.25 * r();

  const meta = { validators, isValidator, quality, noise, rand: r, activityCutoff };
  const weights = makeWeights(n, meta);

  // Permits as a previous epoch would have left them: the top V stakes.
  const byStake = order.slice().sort((a, b) => {
    const d = BigInt(stake[b]) - BigInt(stake[a]);
    return d > 0n ? 1 : d < 0n ? -1 : a - b;
  });
  const validatorPermit = new Array(n).fill(false);
  for (let t = 0; t < V; t++) validatorPermit[byStake[t]] = true;

  const params = {
    n,
    currentBlock,
    tempo,
    activityCutoff,
    kappa: 32767,
    bondsPenalty: 65535,
    bondsMovingAverage: 900000,
    yuma3: mode.yuma3,
    liquidAlpha: mode.liquidAlpha,
    alphaLow: 45875, // 0.7
    alphaHigh: 58982, // 0.9
    alphaSigmoidSteepness: 1000,
    maxAllowedValidators: V,
    stakeThreshold: (1000n * RAO).toString(),
    ownerUid: null,
    lastMechanismStepBlock: currentBlock - tempo - 1,
    raoEmission: (BigInt(tempo + 1) * RAO).toString(),
    commitBlocks: null,
  };
  const inputs = {
    stake,
    lastUpdate,
    blockAtRegistration,
    validatorPermit,
    weights,
    bonds: Array.from({ length: n }, () => []),
  };
  return { params, inputs, meta };
}

/** Dense validator rows: quality · lognormal noise, max-upscaled to 65535 (set_weights). */
function makeWeights(n, meta) {
  const { isValidator, quality, noise, rand: r } = meta;
  const rows = new Array(n);
  const raw = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (!isValidator[i]) { rows[i] = []; continue; }
    let mx = 0;
    for (let j = 0; j < n; j++) {
      raw[j] = quality[j] === 0 ? 0 : quality[j] * Math.exp(noise[i] * gauss(r));
      if (raw[j] > mx) mx = raw[j];
    }
    const row = new Array(n);
    for (let j = 0; j < n; j++) row[j] = [j, mx > 0 ? Math.round((raw[j] / mx) * 65535) : 0];
    rows[i] = row;
  }
  return rows;
}

/**
 * Advance the state one tempo as the chain would between epochs: validators that are not
 * stale re-set (noisy) weights at some block of the last tempo. Mutates params/inputs.
 */
export function nextTempo(subnet, output) {
  const { params, inputs, meta } = subnet;
  const r = meta.rand;
  const step = params.tempo + 1;
  params.lastMechanismStepBlock = params.currentBlock;
  params.currentBlock += step;
  for (const v of meta.validators) {
    if (params.currentBlock - inputs.lastUpdate[v] > meta.activityCutoff) continue; // stale stays stale
    inputs.lastUpdate[v] = params.currentBlock - Math.floor(r() * step);
  }
  inputs.weights = makeWeights(params.n, meta);
  if (output) {
    inputs.bonds = output.bonds;
    inputs.validatorPermit = output.newValidatorPermit;
  }
}

/**
 * A subnet after `warmup` epochs (default 3) with the given `runEpoch(params, inputs)` (the
 * package's `runEpoch`); the returned params/inputs are the state of the next epoch.
 */
export function warmSubnet(runEpoch, opts = {}) {
  const subnet = generateSubnet(opts);
  const warmup = opts.warmup ?? 3;
  for (let k = 0; k < warmup; k++) {
    const out = runEpoch(subnet.params, subnet.inputs);
    nextTempo(subnet, out);
  }
  return subnet;
}

/**
 * Adversarial input for the consensus median. Ranks (0 = smallest) in voter order that defeat the engine's pivot rule: each pass takes the
 * median of the first, middle and last score (the middle one under 16), so giving the smallest
 * free ranks to the first and middle entries makes the pivot the partition's second smallest,
 * and a pass removes two entries. Built by replaying the partitioning on positions.
 */
export function killerRanks(n) {
  const rank = new Array(n).fill(-1);
  let next = 0;
  let seq = Array.from({ length: n }, (_, i) => i);
  while (seq.length > 1 && next < n) {
    const len = seq.length;
    const a = seq[0], m = seq[len >> 1];
    if (len >= 16) {
      rank[a] = next++;
      rank[m] = next++;
      seq = seq.filter((p) => p !== a && p !== m);
    } else {
      rank[m] = next++;
      seq = seq.filter((p) => p !== m);
    }
  }
  for (const p of seq) if (rank[p] < 0) rank[p] = next++;
  return rank;
}

/**
 * The two adversarial subnets of the bench (and of test/median-adversarial.test.ts):
 * - "median-killer": n voters (all permitted, equal stake) whose column-0 scores come in the
 *   `killerRanks` order (column 1 holds the rest of each row); `shuffle: true` gives the same
 *   values in a random order, the benign twin;
 * - "sparse-one-weight": n uids that each set one weight (65534 voters at n = 65535), the
 *   top 64 by stake permitted: entries ≈ n, columns n.
 */
export function adversarialSubnet(kind, n, { shuffle = false, seed = 1 } = {}) {
  const r = rng(seed);
  const params = {
    n, currentBlock: 1000, tempo: 100, activityCutoff: 5000, kappa: 32767, bondsPenalty: 65535,
    bondsMovingAverage: 900000, yuma3: false, liquidAlpha: false, alphaLow: 45875, alphaHigh: 58982,
    alphaSigmoidSteepness: 1000, maxAllowedValidators: n, stakeThreshold: "0", ownerUid: null,
    lastMechanismStepBlock: 900, raoEmission: "1000000000", commitBlocks: null,
  };
  const common = {
    lastUpdate: Array.from({ length: n }, () => 990),
    blockAtRegistration: Array.from({ length: n }, () => 1),
    validatorPermit: Array.from({ length: n }, () => true),
    bonds: Array.from({ length: n }, () => []),
  };
  if (kind === "median-killer") {
    const ranks = killerRanks(n);
    if (shuffle) {
      for (let i = n - 1; i > 0; i--) {
        const j = Math.floor(r() * (i + 1));
        [ranks[i], ranks[j]] = [ranks[j], ranks[i]];
      }
    }
    return {
      params,
      inputs: { ...common, stake: Array.from({ length: n }, () => "1000000000"), weights: ranks.map((k) => [[0, 1 + k * 15], [1, 65534 - k * 15]]) },
    };
  }
  if (kind === "sparse-one-weight") {
    return {
      params: { ...params, maxAllowedValidators: 64 },
      inputs: {
        ...common,
        stake: Array.from({ length: n }, () => String(1_000_000_000 + Math.floor(r() * 1e9))),
        weights: Array.from({ length: n }, (_, i) => (i === n - 1 ? [] : [[(i * 31 + 7) % n, 1 + Math.floor(r() * 65535)]])),
      },
    };
  }
  throw new Error(`unknown adversarial subnet ${kind}`);
}

/**
 * A research-mode input (yuma-research-input/1) as the peer's timing builds it: V validators
 * with seeded Pareto stakes (α 1.16, scale 1), dense weights uniform in [0, 1) over n servers,
 * fresh each epoch. Options: validators, n, epochs, seed, version, params.
 */
export function researchCase(opts) {
  const V = opts.validators, n = opts.n, E = opts.epochs ?? 4;
  const r = rng(opts.seed ?? 1);
  const S = Array.from({ length: V }, () => (1 - r()) ** (-1 / 1.16));
  const epochs = [];
  for (let e = 0; e < E; e++) {
    const W = [];
    for (let i = 0; i < V; i++) {
      const row = new Array(n);
      for (let j = 0; j < n; j++) row[j] = r();
      W.push(row);
    }
    epochs.push({ W, S: S.slice() });
  }
  return { format: "yuma-research-input/1", version: opts.version ?? "YUMA2", params: opts.params ?? {}, epochs };
}
