/** Deterministic PRNG (mulberry32). Callable: rng() is uniform in [0, 1). */
export interface Rng {
  (): number;
  next(): number;
  /** Uniform float in [min, max). */
  uniform(min: number, max: number): number;
  /** Uniform integer in [min, max] (inclusive). */
  int(min: number, max: number): number;
}

export function createRng(seed: number): Rng {
  let a = (Math.floor(seed) >>> 0) ^ 0x9e3779b9;
  const next = (): number => {
    a = (a + 0x6d2b79f5) | 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const rng = (() => next()) as Rng;
  rng.next = next;
  rng.uniform = (min, max) => min + (max - min) * next();
  rng.int = (min, max) => min + Math.floor(next() * (max - min + 1));
  return rng;
}
