import { defineConfig } from "tsup";
import { fileURLToPath } from "node:url";
import { browserSwaps } from "./scripts/browser-swaps.mjs";

const root = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig([
  {
    // Library + worker entry: ESM and CJS, types for the public API and the worker entry.
    entry: { index: "src/index.ts", worker: "src/pool/worker.ts", "research-worker": "src/research/worker.ts" },
    format: ["esm", "cjs"],
    dts: { entry: { index: "src/index.ts", worker: "src/pool/worker.ts" } },
    platform: "neutral",
    target: "node20",
    sourcemap: false,
    clean: true,
    shims: true,
    splitting: false,
    external: ["piscina", "cli-progress", "node:worker_threads", "node:crypto", "node:os", "node:url", "node:path", /^@polkadot\//],
    // fflate (zip reading, src/chain/torch.ts) is bundled: the ESM bundle then loads in a
    // browser without an import map, and the package has no runtime dependency for it.
    noExternal: ["fflate"],
  },
  {
    // The browser entry (package.json "browser" condition): ESM for bundlers and pages.
    entry: { browser: "src/index.ts" },
    format: ["esm"],
    platform: "browser",
    target: "es2022",
    sourcemap: false,
    splitting: false,
    external: [/^@polkadot\//],
    noExternal: ["fflate", "piscina"],
    esbuildPlugins: [browserSwaps(root)],
  },
  {
    entry: { cli: "src/cli/index.ts" },
    format: ["esm"],
    platform: "node",
    target: "node20",
    banner: { js: "#!/usr/bin/env node" },
    splitting: false,
    external: ["piscina", "cli-progress", /^@polkadot\//],
    noExternal: ["fflate"],
  },
]);
