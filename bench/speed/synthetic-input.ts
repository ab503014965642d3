/** Deterministic model inputs for latency runs (values do not change the work done). */
export function seededNormal(length: number, seed: number): Float32Array {
  let state = seed >>> 0 || 1;
  const uniform = () => {
    // xorshift32: tiny and deterministic; the distribution only needs to look like a z-scored crop.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return ((state >>> 0) + 0.5) / 4294967296;
  };
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++)
    out[i] = Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  return out;
}

/** Box corners (labels 2, 3) around the crop's centre, then `clicks` positive clicks inside it. */
export function promptPoints(
  inputSize: number,
  clicks: number,
): { coords: Float32Array; labels: Float32Array } {
  const n = 2 + clicks;
  const coords = new Float32Array(2 * n);
  const labels = new Float32Array(n);
  const lo = inputSize / 4;
  const hi = (3 * inputSize) / 4;
  coords.set([lo, lo, hi, hi]);
  labels.set([2, 3]);
  for (let i = 0; i < clicks; i++) {
    coords[4 + 2 * i] = inputSize / 2 + i;
    coords[5 + 2 * i] = inputSize / 2 - i;
    labels[2 + i] = 1;
  }
  return { coords, labels };
}
