// Counter-based randomness: every draw is a pure function of (seed, netuid, uid, block,
// stream, index), so results never depend on how subnets are sharded over workers or on
// where a run was split and resumed.

/** murmur3 finaliser: a good 32-bit mix. */
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A 32-bit key from up to five integers (blocks may exceed 2^32: both halves are mixed). */
export function key(seed: number, netuid: number, uid: number, block: number, stream: number): number {
  let h = fmix(seed ^ 0x9e3779b9);
  h = fmix(h ^ Math.imul(netuid + 1, 0x27d4eb2f));
  h = fmix(h ^ Math.imul(uid + 1, 0x165667b1));
  h = fmix(h ^ (block >>> 0));
  h = fmix(h ^ Math.floor(block / 4294967296));
  return fmix(h ^ Math.imul(stream + 1, 0x61c88647));
}

/** A small, fast generator (mulberry32) started from a key. */
export class Rng {
  private s: number;
  constructor(k: number) {
    this.s = k | 0; // int32 state: never boxed by V8
  }
  /** Uniform in [0, 1) with 32 bits of resolution. */
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

/** Streams of draws. Mechanism k ≥ 1 of a subnet draws its miners' qualities from `quality`
 *  at block k and its weights from `mechWeights + k`; a registrant's qualities from
 *  `registrant + k` at its uid and registration block. */
export const STREAM = { quality: 1, stake: 2, weights: 3, phase: 4, arrivals: 20, registrant: 21, mechWeights: 40 } as const;
