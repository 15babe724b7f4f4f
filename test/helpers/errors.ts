// `fn` must throw a YumaInputError: not another exception, and not return a result.
import { YumaInputError } from "../../src/errors.js";

export function inputError(fn: () => unknown): YumaInputError {
  let result: unknown;
  try {
    result = fn();
  } catch (e) {
    if (!(e instanceof YumaInputError)) throw new Error(`expected a YumaInputError, got ${String(e).slice(0, 200)}`);
    return e;
  }
  throw new Error(`expected a YumaInputError, got a result: ${JSON.stringify(result, (_, v) => (typeof v === "bigint" ? String(v) : v))?.slice(0, 200)}`);
}
