// Worker entry for research sweeps (see src/research/pool.ts).
export {};
