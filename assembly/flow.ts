// The TAO-flow share rule (subnet_emissions.rs `get_shares_flow`, late 2025 – June 2026).
// Not yet ported: the network refuses shareRule "tao-flow" until it is.
export function flowShares(base: usize, n: i32, idx: usize, m: i32, smoothing: u64, outHi: usize, outLo: usize): void {
  abort("tao-flow share rule not ported");
}
