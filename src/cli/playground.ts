// `yuma playground --out DIR`: writes the playground's static files (built with the package into
// dist/site/) to DIR; open DIR/index.html from disk or serve DIR from any static host.

import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { truncate } from "../input.js";
import { CliError, parseCli, writeOut, type OptionSpecs } from "./util.js";

export const PLAYGROUND_USAGE = `usage: yuma playground --out DIR
  Writes the playground (index.html and app.js: every engine in a static page, no server) to DIR.
  Open DIR/index.html in a browser, or serve DIR from any static host.`;

export const PLAYGROUND_OPTIONS = {
  out: { type: "string", meta: "DIR" }, help: { type: "boolean", short: "h" },
} satisfies OptionSpecs;

export async function playgroundCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCli(argv, PLAYGROUND_OPTIONS, "playground");
  if (values.help) {
    await writeOut(PLAYGROUND_USAGE + "\n");
    return 0;
  }
  if (positionals.length) throw new CliError(`unexpected argument ${JSON.stringify(truncate(positionals[0]!))} (the directory goes in --out DIR)`);
  if (values.out === undefined) throw new CliError("missing --out DIR");
  // dist/cli.js → dist/site/
  const from = join(dirname(fileURLToPath(import.meta.url)), "site");
  if (!existsSync(join(from, "index.html"))) throw new CliError(`the playground files are missing from this installation (${truncate(from)}): rebuild with npm run build`);
  const dir = resolve(values.out);
  try {
    mkdirSync(dir, { recursive: true });
    for (const f of ["index.html", "app.js"]) copyFileSync(join(from, f), join(dir, f));
  } catch (e) {
    throw new CliError(`cannot write ${truncate(dir)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  await writeOut(`wrote ${join(dir, "index.html")} and app.js: open it in a browser\n`);
  return 0;
}
