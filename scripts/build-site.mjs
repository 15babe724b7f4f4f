// The playground as static files: src/playground/{main.ts,index.html} → site/ (and dist/site/,
// which `yuma playground --out DIR` copies from the installed package). One classic script (so
// file:// works: browsers refuse module scripts there), styles inline, WASM embedded.
import { build } from "esbuild";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { browserSwaps } from "./browser-swaps.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = await build({
  entryPoints: [join(root, "src", "playground", "main.ts")],
  bundle: true, format: "iife", platform: "browser", target: "es2022", minify: true, write: false, logLevel: "warning",
  plugins: [browserSwaps(root)],
  // import.meta only locates Node's research worker file, never used in a page.
  logOverride: { "empty-import-meta": "silent" },
  // The node reader is not part of the page.
  external: ["@polkadot/*"],
});
const js = out.outputFiles[0].text;
if (/\b(from\s*|import\s*\(\s*|require\s*\(\s*)["'](node:[\w/]+|worker_threads|os|fs|piscina)["']/.test(js)) throw new Error("the playground bundle imports a Node module");
// The report's own styles are added by the page (the same REPORT_CSS as the HTML reports).
const css = readFileSync(join(root, "src", "playground", "style.css"), "utf8");
const html = readFileSync(join(root, "src", "playground", "index.html"), "utf8").replace("/*PLAYGROUND_CSS*/", css);
for (const dir of [join(root, "site"), join(root, "dist", "site")]) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "index.html"), html);
  writeFileSync(join(dir, "app.js"), js);
}
console.log(`site/: app.js ${(js.length / 1024).toFixed(0)} KiB (${(gzipSync(js).length / 1024).toFixed(0)} KiB gzip), index.html ${(html.length / 1024).toFixed(0)} KiB`);
