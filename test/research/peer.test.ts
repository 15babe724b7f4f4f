// Peer-compatible kernels against outputs of yuma-simulation 0.1.1 itself (fixtures/peer-cases.json,
// see its "source": three of the peer's synthetic cases × the six versions, 20 epochs, produced by
// the peer's own Yuma functions on float32 torch tensors). The contract is 1e-6; away from the
// exponential of liquid alpha (libm's float32 exp here, torch's vendor exp there — MKL's or
// SLEEF's — which can differ in the last bit; docs/research.md) the kernels reproduce the
// reference's float32 operation order, so the match is to the 9 digits the fixture keeps.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runResearch } from "../../src/research/index.js";
import type { ResearchEpochInput, ResearchOutput, ResearchParams, YumaVersion } from "../../src/research/types.js";
import { expectClose } from "./helpers.js";

interface Fixture {
  source: string;
  cases: Array<{
    name: string;
    epochs: ResearchEpochInput[];
    runs: Array<{ version: YumaVersion; params: Partial<ResearchParams>; output: ResearchOutput }>;
  }>;
}

const fixture = JSON.parse(readFileSync(join(__dirname, "fixtures", "peer-cases.json"), "utf8")) as Fixture;

describe("peer-compatible kernels vs yuma-simulation 0.1.1 outputs", () => {
  it("has the expected runs", () => {
    expect(fixture.cases.map((c) => c.name)).toEqual(["Case 1 - kappa moves first", "Case 11 - clipping demo", "Case 20 - Server-side WTA"]);
    for (const c of fixture.cases) expect(c.runs.map((r) => r.version)).toEqual(["YUMA1", "YUMA2", "YUMA2B", "YUMA2C", "YUMA3", "YUMA3_LIQUID"]);
  });

  for (const c of fixture.cases) {
    for (const run of c.runs) {
      it(`${c.name}: ${run.version}`, () => {
        const out = runResearch({ format: "yuma-research-input/1", version: run.version, peerCompat: true, params: run.params, epochs: c.epochs });
        const liquid = run.params.liquidAlpha === true;
        // 9 significant digits in the fixture: relative 5e-10; liquid alpha: the contract's 1e-6.
        const abs = liquid ? 1e-6 : 1e-9, rel = liquid ? 1e-6 : 1e-8;
        expect(out.epochs).toHaveLength(run.output.epochs.length);
        out.epochs.forEach((o, k) => {
          const w = run.output.epochs[k]!;
          expectClose(o.consensus, w.consensus, abs, rel, `epochs[${k}].consensus`);
          expectClose(o.incentive, w.incentive, abs, rel, `epochs[${k}].incentive`);
          expectClose(o.bonds, w.bonds, abs, rel, `epochs[${k}].bonds`);
          expectClose(o.dividends, w.dividends, abs, rel, `epochs[${k}].dividends`);
          expectClose(o.dividendsPer1000Tao, w.dividendsPer1000Tao, abs, rel, `epochs[${k}].dividendsPer1000Tao`);
        });
      });
    }
  }
});
