/**
 * Thrown for every input the engine refuses: `field` is the path of the offending value
 * (e.g. `inputs.weights[3][1]`), `rule` the rule it breaks. Nothing invalid reaches WASM.
 */
export class YumaInputError extends Error {
  readonly field: string;
  readonly rule: string;
  constructor(field: string, rule: string) {
    super(`${field}: ${rule}`);
    this.name = "YumaInputError";
    this.field = field;
    this.rule = rule;
  }
}
