// The suites written for the pre-dTAO model run the static economy: the same Network, with
// `economy: "static"` added to every config it is built from (snapshots carry their own).
import { Network, type NetworkConfig, type NetworkSnapshot, type NetworkSummary } from "../../src/index.js";

export class StaticNetwork extends Network {
  constructor(config: NetworkConfig | NetworkSnapshot = {}) {
    const isSnapshot = typeof config === "object" && config !== null && ("format" in config || "config" in config);
    super(isSnapshot || typeof config !== "object" || config === null || Array.isArray(config) ? config : { economy: "static", ...(config as NetworkConfig) });
  }
  override step(...a: Parameters<Network["step"]>): NetworkSummary {
    return super.step(...a) as NetworkSummary;
  }
  override async run(...a: Parameters<Network["run"]>): Promise<NetworkSummary> {
    return (await super.run(...a)) as NetworkSummary;
  }
  override summary(): NetworkSummary {
    return super.summary() as NetworkSummary;
  }
}
