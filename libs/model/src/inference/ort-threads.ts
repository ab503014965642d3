/**
 * onnxruntime-web wasm threads for a machine with `cores` logical cores: one core stays with the
 * page (drawing, events). On 2 cores, 2 threads measured slower than 1 (encoder p50 46 vs 20 ms,
 * bench:speed). The inference worker uses it, and bench:speed measures at the count it picks.
 */
export function ortThreadsFor(cores: number): number {
  return Math.max(1, Math.min(4, cores - 1));
}
