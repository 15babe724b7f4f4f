// Shared helpers for the research tests.

import { expect } from "vitest";
import type { ResearchEpochInput, ResearchInput, ResearchParams, YumaVersion } from "../../src/research/types.js";
export { rng } from "../helpers/rng.js";

export const VERSIONS: YumaVersion[] = ["YUMA1", "YUMA2", "YUMA2B", "YUMA2C", "YUMA3", "YUMA3_LIQUID"];

export function input(
  version: YumaVersion,
  epochs: ResearchEpochInput[],
  params: Partial<ResearchParams> = {},
  peerCompat = false,
): ResearchInput {
  return { format: "yuma-research-input/1", version, peerCompat, params, epochs };
}

type Nested = number | Nested[];

/** |actual − expected| ≤ abs + rel·|expected| element-wise, with the path of the first miss. */
export function expectClose(actual: Nested, expected: Nested, abs: number, rel = 0, path = "value"): void {
  if (Array.isArray(expected)) {
    expect(Array.isArray(actual), `${path} is an array`).toBe(true);
    const a = actual as Nested[];
    expect(a.length, `${path}.length`).toBe(expected.length);
    expected.forEach((e, i) => expectClose(a[i]!, e, abs, rel, `${path}[${i}]`));
    return;
  }
  const a = actual as number;
  const tol = abs + rel * Math.abs(expected);
  if (!(Math.abs(a - expected) <= tol)) {
    expect.fail(`${path}: got ${a}, expected ${expected} (±${tol})`);
  }
}

/** The sigmoid alpha of yuma-simulation / the chain for a distance d to consensus. */
export function sigmoidAlpha(d: number, low = 0.1, high = 0.3, steepness = 10): number {
  return low + (high - low) / (1 + Math.exp(-steepness * (d - 0.5)));
}

/** Dividends per 1000 TAO for a normalised dividend and the stake the formula uses. */
export function per1000(dn: number, stake: number, ratio = 0.41, emission = 100, subnetStake = 1e6): number {
  const units = (stake * subnetStake) / 1000;
  return units > 1e-6 ? (ratio * dn * emission) / units : 0;
}

