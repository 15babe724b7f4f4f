// Public pool helper; piscina is loaded only when it is called.
import type { Piscina } from "piscina";

/** A fixed-size piscina pool on this package's worker entry, for `Network.run({ pool })`. */
export async function createPool(threads: number): Promise<Piscina> {
  return (await import("./pool.js")).createPool(threads);
}
