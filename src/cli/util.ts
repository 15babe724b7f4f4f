// Shared CLI plumbing: one-line errors with exit code 2, JSON input from a file or stdin.

import { readFileSync } from "node:fs";
import { YumaInputError } from "../errors.js";

/** A usage or input problem: printed as one line, exit code 2. */
export class CliError extends Error {}

export function readJsonArg(file: string | undefined, what: string): unknown {
  if (!file) throw new CliError(`missing ${what} (a JSON file, or - for stdin)`);
  let text: string;
  try {
    text = file === "-" ? readFileSync(0, "utf8") : readFileSync(file, "utf8");
  } catch (e) {
    throw new CliError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CliError(`${file === "-" ? "stdin" : file}: invalid JSON (${(e as Error).message})`);
  }
}

/** Run a command body; map usage and input errors to one stderr line and exit code 2. */
export async function runCommand(body: () => Promise<number> | number): Promise<number> {
  try {
    return await body();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (e instanceof CliError || e instanceof YumaInputError || (typeof code === "string" && code.startsWith("ERR_PARSE_ARGS"))) {
      process.stderr.write(`yuma: ${(e as Error).message.replace(/\s*\n\s*/g, " ")}\n`);
      return 2;
    }
    throw e;
  }
}

/** Write a string to stdout, resolving once it is flushed (large JSON outputs). */
export function writeOut(s: string): Promise<void> {
  return new Promise((resolve, reject) => process.stdout.write(s, (err) => (err ? reject(err) : resolve())));
}

/** Parse a non-negative integer option. */
export function intOption(v: string | undefined, name: string, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  if (!/^-?[0-9]+$/.test(v)) throw new CliError(`--${name} must be an integer, got ${JSON.stringify(v)}`);
  const x = Number(v);
  if (x < min || x > max) throw new CliError(`--${name} must be in ${min}..=${max}, got ${v}`);
  return x;
}
