// Reading untrusted JSON-shaped input safely: keys are looked up as own properties only (a
// key named `valueOf`, `constructor` or `__proto__` is never mistaken for a known field or a
// rule), unknown keys are refused by name, and values quoted in error messages are short and
// never serialised recursively (a deeply nested value cannot overflow the stack).

import { YumaInputError } from "./errors.js";

/** How many characters of an offending value an error message quotes. */
export const QUOTE_LIMIT = 80;

/** `s` cut to `max` characters with an ellipsis and the full length when longer. */
export function truncate(s: string, max = QUOTE_LIMIT): string {
  if (s.length <= max) return s;
  return `${s.slice(0, max)}… (${s.length} characters)`;
}

/**
 * A value as error messages show it: strings JSON-quoted and cut to ~80 characters, numbers,
 * booleans, null, undefined and bigints as text, anything else by its type (never serialised).
 */
export function quote(v: unknown, max = QUOTE_LIMIT): string {
  switch (typeof v) {
    case "string": {
      if (v.length <= max) return JSON.stringify(v);
      return `${JSON.stringify(v.slice(0, max))}… (${v.length} characters)`;
    }
    case "number":
    case "boolean":
    case "bigint":
    case "undefined":
      return String(v);
    default:
      if (v === null) return "null";
      if (Array.isArray(v)) return "an array";
      return typeof v === "object" ? "an object" : typeof v;
  }
}

/** `field.key` for identifier-like keys, `field["key"]` (quoted, cut to ~80 characters) otherwise. */
export function keyPath(field: string, key: string): string {
  if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) && key.length <= QUOTE_LIMIT) return field ? `${field}.${key}` : key;
  return `${field}[${quote(key)}]`;
}

/** True when `key` is an own property of `o` (inherited names such as `toString` are not). */
export function hasOwn(o: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, key);
}

/** The own property `key` of `o`, or undefined (never an inherited one). */
export function own(o: object, key: string): unknown {
  return hasOwn(o, key) ? (o as Record<string, unknown>)[key] : undefined;
}

/**
 * Refuse every own key of `o` that is not in `allowed`, naming the first one as
 * `field.key`: "unknown field (known: ...)".
 */
export function checkKeys(o: object, allowed: ReadonlySet<string>, field: string, what = "field"): void {
  for (const k of Object.keys(o)) {
    if (!allowed.has(k)) throw new YumaInputError(keyPath(field, k), `unknown ${what} (known: ${[...allowed].join(", ")})`);
  }
}

/**
 * A null-prototype copy of the own enumerable properties of `o`: reading any name from it
 * (`toString`, `__proto__`…) gives the input's own value or undefined, never Object.prototype's.
 */
export function ownRecord(o: object): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null);
  for (const k of Object.keys(o)) out[k] = (o as Record<string, unknown>)[k];
  return out;
}

/** JSON input nested deeper than this is refused before it is looked at (the formats need < 10);
 *  the CLI reads every JSON file through it, importMetagraph the bytes it is given. */
export const MAX_JSON_DEPTH = 100;

/** Depth of the deepest array/object nesting of a JSON text, stopping once past `limit`. */
export function jsonDepth(text: string, limit = Infinity): number {
  let depth = 0, max = 0, inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 /* [ */ || c === 123 /* { */) {
      if (++depth > max) {
        max = depth;
        if (max > limit) return max;
      }
    } else if (c === 93 /* ] */ || c === 125 /* } */) depth--;
  }
  return max;
}
