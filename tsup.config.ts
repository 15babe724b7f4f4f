import { defineConfig } from "tsup";
import { fileURLToPath } from "node:url";

const src = (p: string) => fileURLToPath(new URL(`./src/${p}`, import.meta.url));

/** The browser build: Web Workers for the network pool, stubs for piscina and node:os (no Node
 *  built-in reaches a page's bundle). */
const browserSwaps = {
  name: "browser-swaps",
  setup(b: { onResolve(o: { filter: RegExp }, f: (a: { path: string; importer: string }) => { path: string } | undefined): void }) {
    b.onResolve({ filter: /(^|\/)pool\.js$/ }, (a) => (a.importer.includes(`${"src"}/`) ? { path: src("pool/pool.web.ts") } : undefined));
    b.onResolve({ filter: /(^|\/)cores\.js$/ }, (a) => (a.importer.includes(`${"src"}/`) ? { path: src("research/cores.web.ts") } : undefined));
    b.onResolve({ filter: /^piscina$/ }, () => ({ path: src("pool/node-stub.ts") }));
  },
};

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
    esbuildPlugins: [browserSwaps],
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
