import { computeCrop, type Box } from '@loupe/prompts';
import { describe, expect, it } from 'vitest';
import { EmbeddingCache } from './embedding-cache';

const geometry = { inputSize: 128, contextMargin: 0.5, minCropSize: 48 };
const image = { width: 256, height: 256 };
const crop = (box: Box) => computeCrop(box, image, geometry);

/** A stand-in embedding: its crop, a size in bytes, and whether it was disposed. */
function embedding(box: Box, bytes = 100) {
  return { crop: crop(box), bytes, disposed: false };
}
type Fake = ReturnType<typeof embedding>;

function cache(maxBytes: number) {
  return new EmbeddingCache<Fake>(
    maxBytes,
    (e) => {
      e.disposed = true;
    },
    (e) => e.bytes,
  );
}

describe('EmbeddingCache', () => {
  const box = { x0: 100, y0: 100, x1: 140, y1: 140 };

  it('finds an embedding of the same image and model whose crop fits, and nothing else', () => {
    const c = cache(10_000);
    const e = embedding(box);
    c.put('m1', 'img-3', e);
    // The next slice's box, one pixel smaller per side: the crop fits (cropFits' tolerances).
    expect(c.find('m1', 'img-3', crop({ x0: 101, y0: 101, x1: 139, y1: 139 }))).toBe(e);
    // Another slice, another model, or a crop far away (twice the size, moved): a miss.
    expect(c.find('m1', 'img-4', crop(box))).toBeNull();
    expect(c.find('m2', 'img-3', crop(box))).toBeNull();
    expect(c.find('m1', 'img-3', crop({ x0: 20, y0: 20, x1: 100, y1: 100 }))).toBeNull();
  });

  it('prefers the nearest of several crops on one slice', () => {
    const c = cache(10_000);
    const near = embedding({ x0: 102, y0: 100, x1: 142, y1: 140 });
    const far = embedding({ x0: 106, y0: 100, x1: 146, y1: 140 });
    c.put('m', 'img', far);
    c.put('m', 'img', near);
    expect(c.find('m', 'img', crop(box))).toBe(near);
    expect(c.size).toBe(2);
  });

  it('stays within its byte budget, disposing the least recently used first', () => {
    const c = cache(300);
    const a = embedding(box);
    const b = embedding(box);
    const d = embedding(box);
    c.put('m', 'a', a);
    c.put('m', 'b', b);
    c.put('m', 'c', embedding(box));
    // A hit makes `a` the most recent: `b` goes when `d` comes.
    expect(c.find('m', 'a', crop(box))).toBe(a);
    c.put('m', 'd', d);
    expect(c.bytes).toBe(300);
    expect(b.disposed).toBe(true);
    expect(a.disposed).toBe(false);
    expect(c.find('m', 'b', crop(box))).toBeNull();
    expect(c.find('m', 'd', crop(box))).toBe(d);
  });

  it('replaces an entry of the same crop and forgets by model', () => {
    const c = cache(10_000);
    const old = embedding(box);
    const fresh = embedding(box);
    c.put('m1', 'img', old);
    c.put('m1', 'img', fresh);
    expect(old.disposed).toBe(true);
    expect(c.size).toBe(1);
    c.put('m2', 'img', embedding(box));
    c.forget((model) => model !== 'm2');
    expect(fresh.disposed).toBe(true);
    expect(c.size).toBe(1);
    expect(c.bytes).toBe(100);
  });
});
