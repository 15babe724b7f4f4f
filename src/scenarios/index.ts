// Scenario registry: look-up by name, expansion into per-epoch weights and stakes.

import { CHAIN_SCENARIOS } from "./chain.js";
import { CLASSIC_SCENARIOS } from "./classic.js";
import type { ScenarioEpoch, ScenarioSpec, Step } from "./types.js";

export * from "./types.js";
export { CLASSIC_SCENARIOS } from "./classic.js";
export { CHAIN_SCENARIOS } from "./chain.js";

export const SCENARIOS: readonly ScenarioSpec[] = [...CLASSIC_SCENARIOS, ...CHAIN_SCENARIOS];

/** Normalize a user-typed name: "Case 1", "case-1", "CASE1" and "case1" are the same. */
function key(name: string): string {
  return name.toLowerCase().replace(/[\s_-]+/g, "");
}

/** Find a scenario by name (case, spaces, dashes and underscores ignored); undefined if none. */
export function findScenario(name: string): ScenarioSpec | undefined {
  const k = key(name);
  return SCENARIOS.find((s) => key(s.name) === k);
}

function expandSteps<T>(steps: Array<Step<T>>, numEpochs: number, what: string, name: string): T[] {
  if (steps.length === 0 || steps[0]!.from !== 0) throw new Error(`scenario ${name}: ${what} must start at epoch 0`);
  const out: T[] = [];
  let k = 0;
  for (let e = 0; e < numEpochs; e++) {
    while (k + 1 < steps.length && steps[k + 1]!.from <= e) k++;
    out.push(steps[k]!.value);
  }
  return out;
}

/** Every epoch's weights (V × N) and stakes (V), deep-copied so callers may modify them. */
export function expandScenario(s: ScenarioSpec): ScenarioEpoch[] {
  const n = s.numEpochs;
  const Ws = typeof s.weights === "function" ? s.weights(n) : expandSteps(s.weights, n, "weights", s.name);
  const Ss = typeof s.stakes === "function" ? s.stakes(n) : expandSteps(s.stakes, n, "stakes", s.name);
  const V = s.validators.length, N = s.servers.length;
  return Ws.map((W, e) => {
    const S = Ss[e]!;
    if (W.length !== V || W.some((r) => r.length !== N) || S.length !== V) {
      throw new Error(`scenario ${s.name}: epoch ${e} has the wrong shape`);
    }
    return { W: W.map((r) => r.slice()), S: S.slice() };
  });
}
