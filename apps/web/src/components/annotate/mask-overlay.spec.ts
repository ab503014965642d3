import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskToRegion } from '../../worker/mask-region';
import { maskRegionAtScale, overlayPixels, overlayScale } from './mask-overlay';

/**
 * The overlay as drawn from a full-resolution mask (the page before masks were crop-sized): fill
 * where 1, bright where a 4-neighbour is 0 or the pixel is on the image edge, over the mask's box.
 */
function overlayOfFullMask(
  mask: Uint8Array,
  width: number,
  height: number,
  color: [number, number, number],
  box: { x0: number; y0: number; x1: number; y1: number },
): Uint8ClampedArray {
  const bw = box.x1 - box.x0;
  const out = new Uint8ClampedArray(bw * (box.y1 - box.y0) * 4);
  const [r, g, b] = color;
  for (let y = box.y0; y < box.y1; y++)
    for (let x = box.x0; x < box.x1; x++) {
      const i = y * width + x;
      if (!mask[i]) continue;
      const edge =
        x === 0 ||
        y === 0 ||
        x === width - 1 ||
        y === height - 1 ||
        !mask[i - 1] ||
        !mask[i + 1] ||
        !mask[i - width] ||
        !mask[i + width];
      const j = ((y - box.y0) * bw + (x - box.x0)) * 4;
      out[j] = edge ? Math.min(255, r + 60) : r;
      out[j + 1] = edge ? Math.min(255, g + 60) : g;
      out[j + 2] = edge ? Math.min(255, b + 60) : b;
      out[j + 3] = edge ? 255 : 150;
    }
  return out;
}

describe('overlayPixels on a crop-sized mask', () => {
  it('paints the pixels the full-resolution mask paints (outline at the box and image edges)', () => {
    const masks = fc
      .record({ w: fc.integer({ min: 1, max: 20 }), h: fc.integer({ min: 1, max: 20 }) })
      .chain(({ w, h }) =>
        fc
          .uint8Array({ minLength: w * h, maxLength: w * h })
          .map((bytes) => ({ w, h, data: bytes.map((v) => (v < 90 ? 1 : 0)) })),
      );
    fc.assert(
      fc.property(masks, ({ w, h, data }) => {
        const region = maskToRegion(data, w, h);
        const color: [number, number, number] = [56, 189, 248];
        if (!region.bounds) return;
        const b = region.bounds;
        const out = new Uint8ClampedArray((b.x1 - b.x0) * (b.y1 - b.y0) * 4);
        overlayPixels(region, w, h, color, out);
        expect(Array.from(out)).toEqual(Array.from(overlayOfFullMask(data, w, h, color, b)));
      }),
    );
  });
});

describe('the overlay below 1:1 (maskRegionAtScale)', () => {
  it('shows, per overlay pixel, the full-resolution mask at the centre of the image pixels it covers', () => {
    const cases = fc
      .record({
        w: fc.integer({ min: 1, max: 40 }),
        h: fc.integer({ min: 1, max: 40 }),
        scale: fc.constantFrom(1 / 2, 1 / 4, 1 / 8, 1 / 16),
      })
      .chain(({ w, h, scale }) =>
        fc
          .uint8Array({ minLength: w * h, maxLength: w * h })
          .map((bytes) => ({ w, h, scale, data: bytes.map((v) => (v < 120 ? 1 : 0)) })),
      );
    fc.assert(
      fc.property(cases, ({ w, h, scale, data }) => {
        const region = maskToRegion(data, w, h);
        const b = region.bounds;
        if (!b) return;
        const scaled = maskRegionAtScale(region, scale);
        const ow = Math.ceil((b.x1 - b.x0) * scale);
        const oh = Math.ceil((b.y1 - b.y0) * scale);
        expect(scaled.bounds).toEqual({ x0: 0, y0: 0, x1: ow, y1: oh });
        // Drawn over (canvas size) / scale image pixels from the box's corner: overlay pixel
        // (i, j) covers image pixels x0 + i / scale .. x0 + (i + 1) / scale.
        for (let j = 0; j < oh; j++)
          for (let i = 0; i < ow; i++) {
            const x = Math.min(b.x1 - 1, b.x0 + Math.floor((i + 0.5) / scale));
            const y = Math.min(b.y1 - 1, b.y0 + Math.floor((j + 0.5) / scale));
            expect(scaled.data[j * ow + i]).toBe(data[y * w + x]);
          }
      }),
    );
  });

  it('is used below 1:1 only, at a power of two never coarser than the screen', () => {
    expect(overlayScale(1)).toBe(1);
    expect(overlayScale(2.5)).toBe(1);
    expect(overlayScale(0.5)).toBe(0.5);
    expect(overlayScale(0.3)).toBe(0.5);
    expect(overlayScale(0.21)).toBe(0.25);
    for (const zoom of [0.9, 0.6, 0.26, 0.13, 0.07]) {
      expect(overlayScale(zoom)).toBeGreaterThanOrEqual(zoom);
      expect(overlayScale(zoom)).toBeLessThan(2 * zoom);
    }
  });
});
