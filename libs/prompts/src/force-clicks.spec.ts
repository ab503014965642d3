import { describe, expect, it } from 'vitest';
import { forceClicks } from './force-clicks';

describe('forceClicks', () => {
  it('sets the clicked pixel alone to its side by default, even for a click on a pixel corner', () => {
    const probs = new Float32Array(8 * 8).fill(0.9);
    forceClicks(probs, 8, 8, [{ x: 3.5, y: 3.5, positive: false }]);
    expect(probs[3 * 8 + 3]).toBe(0);
    expect(Array.from(probs).filter((v) => v === 0)).toHaveLength(1);
    const corner = new Uint8Array(8 * 8);
    forceClicks(corner, 8, 8, [{ x: 5, y: 2, positive: true }]);
    // Its pixel (floor: column 5, row 2) is the one the click counts as honoured or not.
    expect(corner[2 * 8 + 5]).toBe(1);
  });

  it('sets the clicked pixel and its neighbours within a larger radius', () => {
    const probs = new Float32Array(8 * 8).fill(0.9);
    forceClicks(probs, 8, 8, [{ x: 3.5, y: 3.5, positive: false }], 1.5);
    expect(probs[3 * 8 + 3]).toBe(0);
    expect(probs[3 * 8 + 4]).toBe(0);
    expect(probs[4 * 8 + 4]).toBe(0); // diagonal neighbour: centre 1.41 px away
    expect(probs[3 * 8 + 5]).toBeCloseTo(0.9); // 2 px away
    const mask = new Uint8Array(8 * 8);
    forceClicks(mask, 8, 8, [{ x: 0.5, y: 7.5, positive: true }], 1.5);
    expect(mask[7 * 8]).toBe(1);
    expect(mask.reduce((a, v) => a + v, 0)).toBe(4); // clipped at the image corner
  });

  it('lets a later click win and leaves the plane alone with radius 0', () => {
    const mask = new Uint8Array(4 * 4);
    forceClicks(mask, 4, 4, [
      { x: 1.5, y: 1.5, positive: true },
      { x: 1.5, y: 1.5, positive: false },
    ]);
    expect(mask.every((v) => v === 0)).toBe(true);
    forceClicks(mask, 4, 4, [{ x: 1.5, y: 1.5, positive: true }], 0);
    expect(mask.every((v) => v === 0)).toBe(true);
  });
});
