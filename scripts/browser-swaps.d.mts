export function browserSwaps(root: string): { name: string; setup(build: unknown): void };
