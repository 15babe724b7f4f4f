// Damaged inputs: any byte-level damage to a real data.pkl (or a zip around it) is refused
// with a YumaInputError or still reads as a valid metagraph; never another exception or a hang.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { unzipSync, zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { importYumaSimulationPt, YumaInputError } from "../../src/index.js";
import { unpickle } from "../../src/chain/pickle.js";
import { rng } from "../helpers/rng.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const PT = readFileSync(join(ROOT, "..", "shared", "real", "sn15-b4769998", "netuid15_block4769998_4769998.pt"));
const files = unzipSync(PT);
const PKL = Object.keys(files).find((k) => k.endsWith("data.pkl"))!;

function outcome(f: () => unknown): "ok" | "refused" {
  try {
    f();
    return "ok";
  } catch (e) {
    if (e instanceof YumaInputError) return "refused";
    throw e;
  }
}

describe("damaged torch.save files", () => {
  it("mutated pickle bytes (header region, where the opcodes are dense): refused or read, nothing else", () => {
    const r = rng(15);
    const counts = { ok: 0, refused: 0 };
    for (let t = 0; t < 150; t++) {
      const pkl = files[PKL]!.slice();
      const k = 1 + Math.floor(r() * 4);
      for (let j = 0; j < k; j++) {
        // half the mutations hit the first 600 bytes (opcodes of netuid, block, S's header)
        const at = r() < 0.5 ? Math.floor(r() * 600) : Math.floor(r() * pkl.length);
        pkl[at] = Math.floor(r() * 256);
      }
      counts[outcome(() => importYumaSimulationPt(zipSync({ ...files, [PKL]: pkl })))]++;
    }
    expect(counts.refused).toBeGreaterThan(0);
  });
  it("truncated pickles and zips are refused", () => {
    for (const cut of [0, 1, 2, 50, 143, 1000, files[PKL]!.length - 1]) {
      expect(outcome(() => unpickle(files[PKL]!.subarray(0, cut)))).toBe("refused");
    }
    for (const cut of [0, 10, 100, 5000, PT.length - 10]) {
      expect(outcome(() => importYumaSimulationPt(PT.subarray(0, cut)))).toBe("refused");
    }
  });
  it("random bytes are refused", () => {
    const r = rng(7);
    for (let t = 0; t < 200; t++) {
      const b = Uint8Array.from({ length: 1 + Math.floor(r() * 64) }, () => Math.floor(r() * 256));
      if (r() < 0.5) b[0] = 0x80; // PROTO
      expect(["ok", "refused"]).toContain(outcome(() => unpickle(b)));
    }
  });
});
