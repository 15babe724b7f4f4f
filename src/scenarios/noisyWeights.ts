// Noisy validator evaluations used by the classic winner-takes-all cases (19–22): each
// validator scores every server as "true performance + Gaussian noise", clamps the scores to
// [0, 1] and normalizes its row, all in float32 as the peer simulator does. The noise comes from
// one freshly seeded generator per (validator, server) entry (two-server cases) or per
// validator (three-server cases); seeds are `seed + k · numEpochs + epoch`.

import { TorchCpuGenerator } from "./torchNoise.js";

const f32 = Math.fround;
const EPS = f32(1e-6);

function clampRowNormalize(row: number[]): number[] {
  const clamped = row.map((w) => f32(Math.min(1, Math.max(0, w))));
  let sum = 0;
  for (const w of clamped) sum = f32(sum + w);
  const d = f32(sum + EPS);
  return clamped.map((w) => f32(w / d));
}

/**
 * Two servers, three validators: true performance (0.6, 0.55); noise σ 0.05 for validator 0
 * (low noise) and 0.15 for validators 1 and 2; entry (v, s) uses generator k = 2v + s.
 */
export function twoServerNoisyWeights(numEpochs: number, seed = 42): number[][][] {
  const perf = [0.6, 0.55];
  const sigma = [0.05, 0.15, 0.15];
  const epochs: number[][][] = [];
  for (let e = 0; e < numEpochs; e++) {
    const W: number[][] = [];
    for (let v = 0; v < 3; v++) {
      const row: number[] = [];
      for (let s = 0; s < 2; s++) {
        const g = new TorchCpuGenerator(seed + (2 * v + s) * numEpochs + e);
        const x = g.normal(0, sigma[v]!, 1)[0]!;
        row.push(f32(perf[s]! + x));
      }
      W.push(clampRowNormalize(row));
    }
    epochs.push(W);
  }
  return epochs;
}

/**
 * Three servers, three validators: true performance (0.30, 0.35, 0.40); noise σ 0.05 for
 * validator 0 and 0.10 for validators 1 and 2; validator v draws its three values from one
 * generator with seed `seed + v · numEpochs + epoch`.
 */
export function threeServerNoisyWeights(numEpochs: number, seed = 42): number[][][] {
  const perf = [0.3, 0.35, 0.4].map(f32);
  const sigma = [0.05, 0.1, 0.1];
  const epochs: number[][][] = [];
  for (let e = 0; e < numEpochs; e++) {
    const W: number[][] = [];
    for (let v = 0; v < 3; v++) {
      const g = new TorchCpuGenerator(seed + v * numEpochs + e);
      const noise = g.normal(0, sigma[v]!, 3);
      W.push(clampRowNormalize(perf.map((p, s) => f32(p + noise[s]!))));
    }
    epochs.push(W);
  }
  return epochs;
}

/** Client-side winner-takes-all: each validator puts its full weight on its best server. */
export function oneHotArgmax(W: number[][]): number[][] {
  return W.map((row) => {
    let best = 0;
    for (let s = 1; s < row.length; s++) if (row[s]! > row[best]!) best = s;
    return row.map((_, s) => (s === best ? 1 : 0));
  });
}
