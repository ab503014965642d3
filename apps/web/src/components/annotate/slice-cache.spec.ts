import { describe, expect, it } from 'vitest';
import { SliceCache } from './slice-cache';

function counted() {
  const calls: string[] = [];
  const fetchSlice = async (imageId: string) => {
    calls.push(imageId);
    return { width: 1, height: 1, bitDepth: 8 as const, samples: new Uint8Array([calls.length]) };
  };
  return { calls, fetchSlice };
}

describe('SliceCache', () => {
  const imageIds = Array.from({ length: 20 }, (_, i) => `img${i}`);

  it('fetches each slice once, even when asked twice at the same time', async () => {
    const { calls, fetchSlice } = counted();
    const cache = new SliceCache({ imageIds, fetchSlice });
    const [a, b] = await Promise.all([cache.get(3), cache.get(3)]);
    expect(a).toBe(b);
    expect(a.id).toBe('img3');
    expect(calls).toEqual(['img3']);
    await expect(cache.get(20)).rejects.toThrow(/outside the volume/);
  });

  it('loads ahead in the scrolling direction, nearest first, and keeps to its budget', async () => {
    const { calls, fetchSlice } = counted();
    const cache = new SliceCache({ imageIds, fetchSlice, ahead: 3, behind: 1, budget: 5 });
    await cache.prefetchAround(10, -1);
    expect(calls).toEqual(['img9', 'img11', 'img8', 'img7']);
    await cache.get(10);
    await cache.prefetchAround(2, 1);
    expect(cache.has(3) && cache.has(4) && cache.has(5) && cache.has(1)).toBe(true);
    // Past the budget the farthest slices from 2 went first.
    expect(cache.has(11)).toBe(false);
    expect(cache.peek(0)).toBeNull();
  });
});
