/**
 * Thrown for every input the engine refuses: `field` is the path of the offending value
 * (e.g. `inputs.weights[3][1]`), `rule` the rule it breaks. Nothing invalid reaches WASM.
 * Both are bounded in length (values are quoted to ~80 characters where the rule is built;
 * as a last guard, a field longer than 200 or a rule longer than 400 characters is cut), so
 * a huge input value or key is never echoed in full.
 */
export class YumaInputError extends Error {
  readonly field: string;
  readonly rule: string;
  constructor(field: string, rule: string) {
    const f = cut(String(field), 200), r = cut(String(rule), 400);
    super(`${f}: ${r}`);
    this.name = "YumaInputError";
    this.field = f;
    this.rule = r;
  }
}

function cut(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max)}… (${s.length} characters)`;
}

/**
 * A chain node failed us (`fetchMetagraph`): unreachable, too slow, or answering an error.
 * `method` is the JSON-RPC method of the call that failed ("connect" before any call).
 */
export class YumaNodeError extends Error {
  readonly method: string;
  readonly url: string;
  constructor(method: string, url: string, detail: string) {
    super(`${method}: ${cut(detail, 300)} (node ${cut(url, 120)})`);
    this.name = "YumaNodeError";
    this.method = method;
    this.url = url;
  }
}

/** This environment has no worker threads for the asked operation (e.g. a browser page without
 *  `Worker`, or a Node-only pool used from a browser bundle). */
export class WorkersUnavailableError extends Error {
  readonly operation: string;
  constructor(operation: string, detail: string) {
    super(`${operation}: ${detail}`);
    this.name = "WorkersUnavailableError";
    this.operation = operation;
  }
}
