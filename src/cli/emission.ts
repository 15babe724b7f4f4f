// `yuma emission I1 [I2 ...]`: block emission (rao) for each total issuance (rao), one per line.

import { blockEmission } from "../emission.js";
import { CliError, parseCli, writeOut, type OptionSpecs } from "./util.js";
import { quote } from "../input.js";

export const EMISSION_USAGE = `usage: yuma emission ISSUANCE [ISSUANCE ...]
  Prints the block emission in rao for each total issuance in rao (decimal), one per line.`;

export const EMISSION_OPTIONS = { help: { type: "boolean", short: "h" } } satisfies OptionSpecs;

export async function emissionCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCli(argv, EMISSION_OPTIONS, "emission");
  if (values.help) {
    await writeOut(EMISSION_USAGE + "\n");
    return 0;
  }
  if (positionals.length === 0) throw new CliError("expected at least one ISSUANCE (see yuma emission --help)");
  const lines = positionals.map((p, i) => {
    if (!/^(0|[1-9][0-9]*)$/.test(p)) throw new CliError(`ISSUANCE #${i + 1}: must be a decimal rao amount, got ${quote(p)}`);
    return blockEmission(p).toString();
  });
  await writeOut(lines.join("\n") + "\n");
  return 0;
}
