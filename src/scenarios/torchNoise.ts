// A tiny, dependency-free reimplementation of the CPU random generator that PyTorch uses for
// `torch.Generator().manual_seed(s)` + `torch.normal(mean, std, size, generator=g)` on small
// float32 tensors, so the noisy classic cases (19–22) get the same numbers the peer simulator
// (bactensor/yuma-simulation) draws.
//
// Algorithm (public, documented behaviour of ATen's CPU generator):
// * MT19937 (32-bit Mersenne Twister) seeded with the low 32 bits of the seed;
// * a 64-bit draw is two 32-bit outputs, the first as the high word;
// * a uniform double in [0, 1) keeps the low 53 bits of that draw, times 2^-53;
// * a normal draw uses Box–Muller on two uniforms u1, u2: r = sqrt(-2·log1p(-u2)),
//   θ = 2π·u1; it returns r·cos θ and caches r·sin θ for the next draw of the same generator;
// * tensors with fewer than 16 elements are filled one element at a time in double precision,
//   then each value is rounded to float32.

export class Mt19937 {
  private readonly mt = new Uint32Array(624);
  private index = 624;

  constructor(seed: number) {
    const mt = this.mt;
    mt[0] = seed >>> 0;
    for (let i = 1; i < 624; i++) {
      const prev = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
      // 1812433253 * prev + i, modulo 2^32, without losing precision.
      mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
  }

  /** Next 32-bit output (unsigned). */
  next(): number {
    const mt = this.mt;
    if (this.index >= 624) {
      for (let i = 0; i < 624; i++) {
        const y = (mt[i]! & 0x80000000) | (mt[(i + 1) % 624]! & 0x7fffffff);
        let v = mt[(i + 397) % 624]! ^ (y >>> 1);
        if (y & 1) v ^= 0x9908b0df;
        mt[i] = v >>> 0;
      }
      this.index = 0;
    }
    let y = mt[this.index++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }
}

/** A seeded generator with torch's CPU semantics for uniform and normal doubles. */
export class TorchCpuGenerator {
  private readonly engine: Mt19937;
  private cachedNormal: number | null = null;

  constructor(seed: number) {
    this.engine = new Mt19937(seed);
  }

  /** Uniform double in [0, 1) from one 64-bit draw (53 low bits). */
  uniform(): number {
    const hi = this.engine.next();
    const lo = this.engine.next();
    return ((hi & 0x1fffff) * 4294967296 + lo) / 9007199254740992;
  }

  /** Standard normal double (Box–Muller with the sin value cached for the next call). */
  standardNormal(): number {
    if (this.cachedNormal !== null) {
      const v = this.cachedNormal;
      this.cachedNormal = null;
      return v;
    }
    const u1 = this.uniform();
    const u2 = this.uniform();
    const r = Math.sqrt(-2 * Math.log1p(-u2));
    const theta = 2 * Math.PI * u1;
    this.cachedNormal = r * Math.sin(theta);
    return r * Math.cos(theta);
  }

  /** `torch.normal(mean, std, (size,), generator=g)` for size < 16: float32 values. */
  normal(mean: number, std: number, size: number): number[] {
    const out: number[] = [];
    for (let i = 0; i < size; i++) out.push(Math.fround(this.standardNormal() * std + mean));
    return out;
  }
}
