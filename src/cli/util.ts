// Shared CLI plumbing: option parsing (with "did you mean"), one-line errors with exit code 2,
// JSON input from a file or stdin, stdout writes.

import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { YumaInputError, YumaNodeError } from "../errors.js";
import { hasOwn, jsonDepth, MAX_JSON_DEPTH, quote, truncate } from "../input.js";

/** A usage or input problem: printed as one line, exit code 2. */
export class CliError extends Error {}

export function readJsonArg(file: string | undefined, what: string): unknown {
  if (!file) throw new CliError(`missing ${what} (a JSON file, or - for stdin)`);
  let text: string;
  try {
    text = file === "-" ? readFileSync(0, "utf8") : readFileSync(file, "utf8");
  } catch (e) {
    throw new CliError(`cannot read ${truncate(file)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const name = file === "-" ? "stdin" : truncate(file);
  // Deeply nested input is refused up front: nothing later (validation, --check, error
  // messages) then has to worry about recursion depth.
  if (jsonDepth(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) throw new CliError(`${name}: JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CliError(`${name}: invalid JSON (${truncate((e as Error).message, 160)})`);
  }
}

/** Longest error line the CLI prints (a last guard; messages quote values to ~80 characters). */
const MAX_MESSAGE = 600;

/** One line of at most MAX_MESSAGE characters. */
export function oneLine(message: string): string {
  return truncate(message.replace(/\s*\n\s*/g, " "), MAX_MESSAGE);
}

/** Run a command body; map usage and input errors to one stderr line and exit code 2, a
 *  failing chain node to one line and exit code 3. */
export async function runCommand(body: () => Promise<number> | number): Promise<number> {
  try {
    return await body();
  } catch (e) {
    if (e instanceof CliError || e instanceof YumaInputError) {
      process.stderr.write(`yuma: ${oneLine((e as Error).message)}\n`);
      return 2;
    }
    if (e instanceof YumaNodeError) {
      process.stderr.write(`yuma: node error: ${oneLine(e.message)}\n`);
      return 3;
    }
    throw e;
  }
}

/** Write a string to stdout, resolving once it is flushed (large JSON outputs). */
export function writeOut(s: string): Promise<void> {
  return new Promise((resolve, reject) => process.stdout.write(s, (err) => (err ? reject(err) : resolve())));
}

/** Parse an integer option (negative values parse, then meet the range check). */
export function intOption(v: string | undefined, name: string, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  if (!/^-?[0-9]+$/.test(v)) throw new CliError(`--${name} must be an integer, got ${quote(v)}`);
  const x = Number(v);
  if (x < min || x > max) throw new CliError(`--${name} must be in ${min}..=${max}, got ${truncate(v)}`);
  return x;
}

// ---------------------------------------------------------------------------------------------
// Option parsing

export interface OptionSpec {
  type: "string" | "boolean";
  short?: string;
  /** Placeholder of the value in help texts (string options), e.g. FILE or N. */
  meta?: string;
  /** Shown without brackets in synopses (the command checks its presence). */
  required?: boolean;
}
export type OptionSpecs = Record<string, OptionSpec>;

/** Option values by name: booleans for flags, strings for options with a value. */
export type ValuesOf<T extends OptionSpecs> = { [K in keyof T]?: T[K]["type"] extends "boolean" ? boolean : string };

export interface ParsedArgs<T extends OptionSpecs = OptionSpecs> {
  /** Option values by name (null prototype: only declared options are ever present). */
  values: ValuesOf<T>;
  positionals: string[];
}

/** A negative number (or a list/range starting with one): a value, never an option. */
const NEGATIVE = /^-(\d|\.\d)/;

/** Levenshtein distance (small strings). */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/**
 * The candidate a mistyped word most likely meant: the closest by edit distance (at most 1
 * for short words, 2 from 5 characters, a third of the length beyond), or the only candidate
 * that starts with it; undefined when nothing is close.
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const w = word.toLowerCase();
  if (w.length === 0 || w.length > 100) return undefined;
  let best: string | undefined, bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(w, c.toLowerCase());
    if (d < bestD) { best = c; bestD = d; }
  }
  const allowed = w.length < 5 ? 1 : Math.max(2, Math.floor(w.length / 3));
  if (best !== undefined && bestD <= allowed) return best;
  const prefixed = candidates.filter((c) => w.length >= 3 && c.toLowerCase().startsWith(w));
  return prefixed.length === 1 ? prefixed[0] : undefined;
}

/** " (did you mean X?)" or "". */
export function didYouMean(word: string, candidates: readonly string[], show = (c: string) => c): string {
  const c = closest(word, candidates);
  return c === undefined ? "" : ` (did you mean ${show(c)}?)`;
}

/**
 * Parse `argv` against the declared options: `--name value`, `--name=value`, `-h`, `--`
 * ends the options. A value may be a negative number (`--blocks -5`); an unknown option is
 * refused with the closest known one suggested.
 */
export function parseCli<T extends OptionSpecs>(argv: string[], options: T, command: string): ParsedArgs<T> {
  const values: Record<string, string | boolean> = Object.create(null);
  const positionals: string[] = [];
  const names = Object.keys(options);
  const unknown = (opt: string): never => {
    const shown = opt.startsWith("--") ? opt.slice(2).split("=")[0]! : opt.replace(/^-+/, "");
    throw new CliError(`unknown option ${truncate(opt.split("=")[0]!)} for "yuma ${command}"` +
      `${didYouMean(shown, names, (c) => `--${c}`)} (see "yuma ${command} --help")`);
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    let name: string, inline: string | undefined;
    if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      name = eq < 0 ? a.slice(2) : a.slice(2, eq);
      inline = eq < 0 ? undefined : a.slice(eq + 1);
      if (!hasOwn(options, name)) unknown(a);
    } else if (a.startsWith("-") && a !== "-" && !NEGATIVE.test(a)) {
      const found = a.length === 2 ? names.find((n) => options[n]!.short === a[1]) : undefined;
      if (found === undefined) unknown(a);
      name = found!;
      inline = undefined;
    } else {
      positionals.push(a);
      continue;
    }
    const spec = options[name]!;
    if (spec.type === "boolean") {
      if (inline !== undefined) throw new CliError(`--${name} takes no value, got ${quote(inline)}`);
      values[name] = true;
      continue;
    }
    if (inline === undefined) {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith("-") && next !== "-" && !NEGATIVE.test(next))) {
        throw new CliError(`--${name} needs a value${spec.meta ? ` (${spec.meta})` : ""}`);
      }
      inline = next;
      i++;
    }
    values[name] = inline;
  }
  // Paths: an empty one was skipped by `if (values.html)` tests (no report, exit 0), and two
  // flags naming one file made the later write replace the earlier (a CSV in the .html).
  const paths = names.filter((n) => (options[n]!.meta === "FILE" || options[n]!.meta === "DIR") && typeof values[n] === "string");
  for (const n of paths) if (values[n] === "") throw new CliError(`--${n} needs a ${options[n]!.meta === "DIR" ? "directory" : "file"} path, got ""`);
  for (let a = 0; a < paths.length; a++) {
    for (let b = a + 1; b < paths.length; b++) {
      const [x, y] = [paths[a]!, paths[b]!];
      if (values[x] !== "-" && resolve(values[x] as string) === resolve(values[y] as string)) {
        throw new CliError(`--${x} and --${y} name the same file ${quote(values[x])}`);
      }
    }
  }
  return { values: values as ValuesOf<T>, positionals };
}

/** `[--name META]` / `[--name]` for every option but --help, for synopsis lines. */
export function optionSynopsis(options: OptionSpecs): string[] {
  return Object.entries(options)
    .filter(([n]) => n !== "help")
    .map(([n, s]) => {
      const text = s.type === "boolean" ? `--${n}` : `--${n} ${s.meta ?? "VALUE"}`;
      return s.required ? text : `[${text}]`;
    });
}
