// Cores for a research batch (Node: the machine's; the browser build swaps in cores.web.ts).
export async function coreCount(): Promise<number> {
  const os = await import("node:os");
  return Math.max(1, typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length);
}
