// runResearchBatch on worker threads (the built dist/research-worker.js; `npm test` builds it).
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Piscina } from "piscina";
import { describe, expect, it } from "vitest";
import { YumaInputError } from "../../src/errors.js";
import { createResearchPool, runResearch, runResearchBatch } from "../../src/research/index.js";
import type { ResearchInput } from "../../src/research/types.js";
import { input, rng, VERSIONS } from "./helpers.js";

function sweep(count: number): ResearchInput[] {
  const r = rng(99);
  const epochs = Array.from({ length: 6 }, () => ({
    W: Array.from({ length: 5 }, () => Array.from({ length: 7 }, () => (r() < 0.3 ? 0 : r()))),
    S: Array.from({ length: 5 }, () => 0.1 + r()),
  }));
  return Array.from({ length: count }, (_, k) =>
    input(VERSIONS[k % VERSIONS.length]!, epochs, { kappa: 0.3 + 0.05 * k, liquidAlpha: k % 2 === 0 }, k % 3 === 0),
  );
}

describe("runResearchBatch", () => {
  const inputs = sweep(8);
  const expected = inputs.map((i) => runResearch(i));

  it("runs on a fixed pool of worker threads; results in input order equal runResearch", async () => {
    expect(await runResearchBatch(inputs, { threads: 2 })).toEqual(expected);
  });

  it("threads: 1 runs on the calling thread", async () => {
    expect(await runResearchBatch(inputs.slice(0, 3), { threads: 1 })).toEqual(expected.slice(0, 3));
  });

  it("a caller-supplied pool is used and left open (createResearchPool)", async () => {
    const pool = await createResearchPool(2);
    try {
      expect(pool.maxThreads).toBe(2);
      expect(await runResearchBatch(inputs, { pool })).toEqual(expected);
      expect(await runResearchBatch(inputs.slice(2, 4), { pool })).toEqual(expected.slice(2, 4));
    } finally {
      await pool.close();
    }
  });

  it("a plain Piscina pool on the worker file gets the module with each task", async () => {
    const filename = pathToFileURL(join(__dirname, "..", "..", "dist", "research-worker.js")).href;
    const pool = new Piscina({ filename, minThreads: 1, maxThreads: 1 });
    try {
      expect(await runResearchBatch(inputs.slice(0, 2), { pool })).toEqual(expected.slice(0, 2));
    } finally {
      await pool.close();
    }
  });

  it("validates every input before running; errors name the input", async () => {
    const bad = [...inputs.slice(0, 2), { ...inputs[2]!, version: "YUMA9" as "YUMA2" }];
    await expect(runResearchBatch(bad, { threads: 2 })).rejects.toThrow(YumaInputError);
    await expect(runResearchBatch(bad, { threads: 2 })).rejects.toMatchObject({ field: "inputs[2].version" });
    await expect(runResearchBatch(inputs, { threads: 0 })).rejects.toMatchObject({ field: "threads" });
    // Misspelt options are refused by name (a silent default before): the batch's and each input's.
    await expect(runResearchBatch(inputs, { thread: 2 } as never)).rejects.toMatchObject({ field: "options.thread" });
    await expect(runResearchBatch(inputs, { options: { peerVectorbits: 512 } } as never)).rejects.toMatchObject({ field: "options.peerVectorbits" });
    expect(await runResearchBatch([])).toEqual([]);
  });
});
