import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMask, maskFromData } from './mask';
import {
  connectedComponents,
  labelComponents,
  largestComponent,
  maskArea,
  maskBoundingBox,
  maskDifference,
  maskFromBox,
  maskIntersection,
  maskUnion,
  resizeMaskNearest,
} from './mask-ops';
import { paintStroke } from './paint-stroke';

const arbPair = fc
  .record({ w: fc.integer({ min: 1, max: 20 }), h: fc.integer({ min: 1, max: 20 }) })
  .chain(({ w, h }) =>
    fc
      .tuple(
        fc.uint8Array({ minLength: w * h, maxLength: w * h }),
        fc.uint8Array({ minLength: w * h, maxLength: w * h }),
      )
      .map(([a, b]) => ({
        a: maskFromData(
          w,
          h,
          a.map((v) => v & 1),
        ),
        b: maskFromData(
          w,
          h,
          b.map((v) => v & 1),
        ),
      })),
  );

describe('set operations', () => {
  it('|A∪B| = |A| + |B| - |A∩B| and A\\B ∪ (A∩B) = A', () => {
    fc.assert(
      fc.property(arbPair, ({ a, b }) => {
        expect(maskArea(maskUnion(a, b))).toBe(
          maskArea(a) + maskArea(b) - maskArea(maskIntersection(a, b)),
        );
        expect(maskUnion(maskDifference(a, b), maskIntersection(a, b)).data).toEqual(a.data);
        expect(maskArea(maskIntersection(maskDifference(a, b), b))).toBe(0);
      }),
    );
  });
  it('rejects different sizes', () => {
    expect(() => maskUnion(createMask(2, 2), createMask(3, 2))).toThrow(/^b: size 3x2/);
  });
});

describe('maskBoundingBox', () => {
  it('is the tight box in continuous coordinates', () => {
    const m = createMask(10, 8);
    m.data[2 * 10 + 3] = 1;
    m.data[5 * 10 + 7] = 1;
    expect(maskBoundingBox(m)).toEqual({ x0: 3, y0: 2, x1: 8, y1: 6 });
    expect(maskBoundingBox(createMask(4, 4))).toBeNull();
    expect(maskBoundingBox(createMask(4, 3, 1))).toEqual({ x0: 0, y0: 0, x1: 4, y1: 3 });
  });
});

describe('maskFromBox', () => {
  it('sets the pixels the box overlaps, clipped to the image, and its tight box is the box', () => {
    const box = { x0: 2, y0: 1, x1: 7, y1: 5 };
    const m = maskFromBox(box, 10, 8);
    expect(maskArea(m)).toBe(5 * 4);
    expect(maskBoundingBox(m)).toEqual(box);
    expect(maskBoundingBox(maskFromBox({ x0: -3, y0: 6.5, x1: 30, y1: 20 }, 10, 8))).toEqual({
      x0: 0,
      y0: 6,
      x1: 10,
      y1: 8,
    });
    expect(maskArea(maskFromBox({ x0: 12, y0: 0, x1: 15, y1: 4 }, 10, 8))).toBe(0);
  });
});

describe('connected components', () => {
  // 1 1 0 0
  // 0 0 1 0
  // 0 0 0 0
  // 1 0 0 1
  const m = maskFromData(4, 4, [1, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 1]);
  it('8-connectivity joins diagonals', () => {
    const r = labelComponents(m, 8);
    expect(r.count).toBe(3);
    expect(r.areas).toEqual([3, 1, 1]);
  });
  it('4-connectivity does not', () => {
    const comps = connectedComponents(m, 4);
    expect(comps).toHaveLength(4);
    expect(comps.map(maskArea)).toEqual([2, 1, 1, 1]);
    expect(
      maskUnion(maskUnion(comps[0]!, comps[1]!), maskUnion(comps[2]!, comps[3]!)).data,
    ).toEqual(m.data);
  });
  it('largestComponent', () => {
    expect(maskArea(largestComponent(m, 8))).toBe(3);
    expect(maskArea(largestComponent(createMask(3, 3)))).toBe(0);
  });
});

describe('resizeMaskNearest', () => {
  it('upsamples by 2 as pixel replication and back', () => {
    const m = maskFromData(2, 2, [1, 0, 0, 1]);
    const up = resizeMaskNearest(m, 4, 4);
    expect(Array.from(up.data)).toEqual([1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1]);
    expect(resizeMaskNearest(up, 2, 2).data).toEqual(m.data);
  });
});

describe('paintStroke', () => {
  it('paints a disc for a single point', () => {
    const out = paintStroke(createMask(11, 11), {
      points: [{ x: 5.5, y: 5.5 }],
      radius: 2,
      mode: 'brush',
    });
    // Pixel centres within 2 of (5.5, 5.5): 13 pixels (a discrete disc of radius 2).
    expect(maskArea(out)).toBe(13);
    expect(out.data[5 * 11 + 5]).toBe(1);
    expect(out.data[5 * 11 + 8]).toBe(0);
  });
  it('paints a capsule along the polyline and erases it again', () => {
    const m = createMask(20, 10);
    const stroke = {
      points: [
        { x: 2.5, y: 5.5 },
        { x: 17.5, y: 5.5 },
      ],
      radius: 1,
      mode: 'brush' as const,
    };
    const painted = paintStroke(m, stroke);
    expect(maskArea(painted)).toBe(16 * 3 + 2); // 3-px band x 2..17 plus one tip pixel on each end
    expect(maskArea(m)).toBe(0); // input untouched
    const erased = paintStroke(painted, { ...stroke, mode: 'eraser' });
    expect(maskArea(erased)).toBe(0);
  });
  it('rejects bad strokes naming the field', () => {
    expect(() => paintStroke(createMask(4, 4), { points: [], radius: 1, mode: 'brush' })).toThrow(
      /stroke.points/,
    );
    expect(() =>
      paintStroke(createMask(4, 4), { points: [{ x: 1, y: 1 }], radius: 0, mode: 'brush' }),
    ).toThrow(/stroke.radius/);
    expect(() =>
      paintStroke(createMask(4, 4), { points: [{ x: NaN, y: 1 }], radius: 1, mode: 'brush' }),
    ).toThrow(/stroke.points.0.x/);
  });
});
