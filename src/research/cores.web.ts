// The browser build's core count for research batches: one, the calling thread (research
// worker pools need Node's worker threads).
export async function coreCount(): Promise<number> {
  return 1;
}
