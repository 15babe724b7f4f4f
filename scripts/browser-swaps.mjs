// The esbuild plugin of the browser builds (dist/browser.js, the playground): Web Workers for
// the network pool, one core for research batches, and a stub for piscina, so no Node built-in
// reaches a page.
import { join } from "node:path";

export function browserSwaps(root) {
  const src = (p) => join(root, "src", p);
  return {
    name: "browser-swaps",
    setup(b) {
      const ours = (importer) => importer.includes(`${join(root, "src")}`);
      b.onResolve({ filter: /(^|\/)pool\.js$/ }, (a) => (ours(a.importer) ? { path: src("pool/pool.web.ts") } : undefined));
      b.onResolve({ filter: /(^|\/)cores\.js$/ }, (a) => (ours(a.importer) ? { path: src("research/cores.web.ts") } : undefined));
      b.onResolve({ filter: /^piscina$/ }, () => ({ path: src("pool/node-stub.ts") }));
    },
  };
}
