/**
 * Fallback demo image when '@loupe/model/node' has no synthetic generator: a dark circular fundus
 * with a bright disc and a few soft bright blobs. Deterministic from the seed.
 */
export function proceduralFundus(size: number, seed: number): Uint8Array {
  let state = (seed * 2654435761) >>> 0 || 1;
  const random = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
  const blobs = Array.from({ length: 1 + Math.floor(random() * 3) }, () => ({
    x: size * (0.25 + 0.5 * random()),
    y: size * (0.25 + 0.5 * random()),
    r: size * (0.03 + 0.06 * random()),
  }));
  const disc = { x: size * (0.3 + 0.4 * random()), y: size * 0.5, r: size * 0.07 };
  const out = new Uint8Array(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const dx = (x - size / 2) / (size / 2);
      const dy = (y - size / 2) / (size / 2);
      const inField = dx * dx + dy * dy < 0.92;
      let v = inField ? 40 + 25 * (1 - Math.sqrt(dx * dx + dy * dy)) : 4;
      const glow = (c: { x: number; y: number; r: number }, amp: number) =>
        amp * Math.exp(-((x - c.x) ** 2 + (y - c.y) ** 2) / (2 * c.r * c.r));
      if (inField) {
        v += glow(disc, 120);
        for (const b of blobs) v += glow(b, 150);
        v += (random() - 0.5) * 12;
      }
      out[y * size + x] = Math.max(0, Math.min(255, Math.round(v)));
    }
  }
  return out;
}
