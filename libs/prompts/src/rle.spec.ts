import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PromptError } from './errors';
import type { Mask } from './mask';
import { createMask, maskFromData } from './mask';
import { decodeMaskBytes, encodeMaskBytes } from './mask-bytes';
import {
  decodeCocoSegmentation,
  decodeRle,
  encodeCocoSegmentation,
  encodeRle,
  rleFromCocoString,
  rleToCocoString,
} from './rle';

/** Random masks: arbitrary sizes incl. 1xN / Nx1, random bits, or all-empty / all-full. */
const arbMask: fc.Arbitrary<Mask> = fc
  .record({
    w: fc.integer({ min: 1, max: 40 }),
    h: fc.integer({ min: 1, max: 40 }),
    kind: fc.constantFrom('random', 'empty', 'full', 'sparse'),
  })
  .chain(({ w, h, kind }) =>
    fc.uint8Array({ minLength: w * h, maxLength: w * h }).map((bytes) => {
      const m = createMask(w, h);
      for (let i = 0; i < w * h; i++) {
        const b = bytes[i] as number;
        m.data[i] =
          kind === 'empty' ? 0 : kind === 'full' ? 1 : kind === 'sparse' ? (b < 20 ? 1 : 0) : b & 1;
      }
      return m;
    }),
  );

function squareMask(n: number, from: number, to: number): Mask {
  const m = createMask(n, n);
  for (let y = from; y < to; y++) for (let x = from; x < to; x++) m.data[y * n + x] = 1;
  return m;
}

describe('COCO RLE', () => {
  it('round-trips random masks (incl. empty, full, 1xN)', () => {
    fc.assert(
      fc.property(arbMask, (m) => {
        const rle = encodeRle(m);
        expect(rle.size).toEqual([m.height, m.width]);
        expect(rle.counts.reduce((a, b) => a + b, 0)).toBe(m.width * m.height);
        const back = decodeRle(rle);
        expect(back.width).toBe(m.width);
        expect(back.height).toBe(m.height);
        expect(back.data).toEqual(m.data);
        // COCO string round trip too.
        const s = rleToCocoString(rle);
        expect(rleFromCocoString(s, rle.size)).toEqual(rle);
      }),
      { numRuns: 300 },
    );
  });

  it('handles 1xN, Nx1, unaligned views and non-0/1 truthy values', () => {
    const row = maskFromData(7, 1, [0, 1, 1, 0, 1, 0, 1]);
    expect(encodeRle(row).counts).toEqual([1, 2, 1, 1, 1, 1]);
    const col = maskFromData(1, 5, [1, 1, 0, 0, 1]);
    expect(encodeRle(col).counts).toEqual([0, 2, 2, 1]);
    // data is a view at byte offset 1 of a bigger buffer, width divisible by 4, values 255.
    const buf = new Uint8Array(1 + 8 * 3);
    const view = buf.subarray(1);
    view.set([0, 255, 255, 0, 0, 0, 0, 0, 0, 255, 255, 0, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0, 0]);
    const m = { width: 8, height: 3, data: view };
    const ref = maskFromData(8, 3, view);
    expect(encodeRle(m)).toEqual(encodeRle(ref));
    expect(decodeRle(encodeRle(m)).data).toEqual(ref.data);
    expect(decodeMaskBytes(encodeMaskBytes(m))).toEqual(ref);
  });

  it('is column-major and starts with a background run', () => {
    // 2 rows x 3 cols:  [1 0 0]
    //                   [1 1 0]   column-major: 1,1, 0,1, 0,0
    const m = maskFromData(3, 2, [1, 0, 0, 1, 1, 0]);
    expect(encodeRle(m)).toEqual({ size: [2, 3], counts: [0, 2, 1, 1, 2] });
    expect(encodeRle(createMask(2, 2))).toEqual({ size: [2, 2], counts: [4] });
    expect(encodeRle(createMask(2, 2, 1))).toEqual({ size: [2, 2], counts: [0, 4] });
  });

  // pycocotools.mask.encode(np.asfortranarray(m)) for a 25x25 mask with m[a:b, a:b] = 1
  // (the same vectors pytorchcocotools checks against pycocotools). Hand check of the first:
  // counts [0,5,20,5,20,5,20,5,20,5,520] -> '0','5','d0', seven 0-deltas, 500 -> 'd?'.
  it.each([
    [0, 5, '05d00000000d?'],
    [5, 10, 'R45d00000000b;'],
    [20, 25, 'X`05d00000000'],
  ])('matches pycocotools for m[%i:%i, same] in 25x25', (a, b, expected) => {
    const m = squareMask(25, a, b);
    const rle = encodeRle(m);
    expect(rleToCocoString(rle)).toBe(expected);
    expect(decodeRle(rleFromCocoString(expected, [25, 25])).data).toEqual(m.data);
  });

  it('matches pycocotools for the full mask, a 10x10 square and two touching squares', () => {
    expect(rleToCocoString(encodeRle(createMask(25, 25, 1)))).toBe('0ac0');
    expect(rleToCocoString(encodeRle(squareMask(25, 5, 15)))).toBe('R4:?00000000000000000e7');
    const two = squareMask(25, 5, 10);
    squareMask(25, 10, 15).data.forEach((v, i) => v && (two.data[i] = 1));
    expect(rleToCocoString(encodeRle(two))).toBe('R45d0000000050K0000000`7');
  });

  it('round-trips a real COCO annotation string (427x640) exactly', () => {
    const coco = '\\`_3;j<6M3E_OjCd0T<:O1O2O001O00001O00001O001O0000O1K6J5J6A^C0g<N=O001O0O2Omk^4';
    const mask = decodeCocoSegmentation({ size: [427, 640], counts: coco });
    expect(mask.width).toBe(640);
    expect(mask.height).toBe(427);
    expect(encodeCocoSegmentation(mask).counts).toBe(coco);
  });

  it('COCO segmentation objects in both forms', () => {
    const m = squareMask(25, 5, 10);
    expect(encodeCocoSegmentation(m)).toEqual({ size: [25, 25], counts: 'R45d00000000b;' });
    expect(decodeCocoSegmentation({ size: [25, 25], counts: 'R45d00000000b;' }).data).toEqual(
      m.data,
    );
    expect(decodeCocoSegmentation({ size: [25, 25], counts: encodeRle(m).counts }).data).toEqual(
      m.data,
    );
  });

  it('decodes counts that need negative deltas and multi-char values', () => {
    const rle = { size: [100, 100] as [number, number], counts: [9000, 1, 3, 50, 946] };
    expect(rleFromCocoString(rleToCocoString(rle), rle.size)).toEqual(rle);
  });

  it('rejects counts that do not cover the mask', () => {
    expect(() => decodeRle({ size: [2, 2], counts: [1, 2] })).toThrow(PromptError);
    expect(() => decodeRle({ size: [2, 2], counts: [3, 2] })).toThrow(/rle.counts/);
    expect(() => decodeRle({ size: [0, 2], counts: [] })).toThrow(/rle.size/);
    expect(() => decodeRle({ size: [2, 2], counts: [1, -1, 4] })).toThrow(/rle.counts.1/);
    expect(() => rleFromCocoString('d', [2, 2])).toThrow(/truncated/);
  });
});

describe('mask bytes', () => {
  it('round-trips random masks', () => {
    fc.assert(
      fc.property(arbMask, (m) => {
        const bytes = encodeMaskBytes(m);
        expect(bytes[0]).toBe(0x4c);
        expect(bytes[1]).toBe(1);
        expect(decodeMaskBytes(bytes)).toEqual(m);
      }),
      { numRuns: 300 },
    );
  });

  it('is compact for blob masks', () => {
    const m = squareMask(1024, 100, 900);
    expect(encodeMaskBytes(m).length).toBeLessThan(4000); // 1600 runs, 2 bytes each, vs 1 MiB raw;
  });

  it('rejects corrupt bytes with a clear error', () => {
    const good = encodeMaskBytes(squareMask(10, 2, 5));
    const expectErr = (b: Uint8Array, re: RegExp) => {
      try {
        decodeMaskBytes(b);
        expect.unreachable('should throw');
      } catch (e) {
        expect(e).toBeInstanceOf(PromptError);
        expect((e as PromptError).field).toBe('bytes');
        expect((e as PromptError).message).toMatch(re);
      }
    };
    expectErr(new Uint8Array([]), /magic/);
    expectErr(Uint8Array.of(0x00, ...good.slice(1)), /magic/);
    expectErr(Uint8Array.of(0x4c, 9, ...good.slice(2)), /version 9/);
    expectErr(good.slice(0, good.length - 1), /truncated|cover|run count/);
    expectErr(
      Uint8Array.of(0x4c, 1, 0xff, 0xff, 0xff, 0x0f, 0xff, 0xff, 0xff, 0x0f, 0xff, 0xff, 0x7f),
      /invalid mask size/,
    );
    expectErr(Uint8Array.of(0x4c, 1, 4, 4, 0x7f, 16), /run count/);
    expectErr(Uint8Array.of(...good, 0), /trailing/);
    const wrongSum = good.slice();
    wrongSum[wrongSum.length - 1] = (wrongSum[wrongSum.length - 1] as number) + 1;
    expectErr(wrongSum, /exceed|cover/);
  });
});
