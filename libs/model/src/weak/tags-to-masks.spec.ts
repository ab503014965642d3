import { describe, expect, it } from 'vitest';
import type { ActivationMap } from './class-activation-map';
import { activationRegionBox, pickCandidateAnswer, type CandidateAnswer } from './tags-to-masks';

/** 16 x 16 map, stride 2 (a 32 x 32 image): a blob at x 4..7, y 6..8 and a separate one at 12..13. */
function map(): ActivationMap {
  const values = new Float32Array(16 * 16);
  for (let y = 6; y <= 8; y++) for (let x = 4; x <= 7; x++) values[y * 16 + x] = 0.8;
  values[7 * 16 + 5] = 1;
  for (let y = 12; y <= 13; y++) for (let x = 12; x <= 13; x++) values[y * 16 + x] = 0.9;
  return { width: 16, height: 16, stride: 2, values };
}

describe('activationRegionBox', () => {
  it("boxes the peak's connected region (one cell of margin), not another region", () => {
    const box = activationRegionBox(map(), { x: 11, y: 15, value: 1 }, 0.5, 32, 32);
    expect(box).toEqual({ x0: 6, y0: 10, x1: 18, y1: 20 });
  });

  it('seeds from the strongest cell next to the peak and clips the box to the image', () => {
    const box = activationRegionBox(map(), { x: 29, y: 29, value: 0.9 }, 0.5, 32, 32);
    // Peak cell (14, 14) is 0; its neighbour (13, 13) is in the second blob.
    expect(box).toEqual({ x0: 22, y0: 22, x1: 30, y1: 30 });
  });

  it('is null where no cell near the peak reaches the level', () => {
    expect(activationRegionBox(map(), { x: 1, y: 1, value: 1 }, 0.5, 32, 32)).toBeNull();
  });
});

describe('pickCandidateAnswer', () => {
  /** An answer whose descriptor's first entry is the score the stand-in classifier gives it. */
  const answer = (score: number, iouPrediction: number, pixels: number[]): CandidateAnswer => ({
    pixels: Int32Array.from(pixels),
    features: Float32Array.from([score]),
    iouPrediction,
  });
  const score = (f: Float32Array) => f[0] as number;

  it('keeps the answer with the highest score x predicted IoU, not the highest score or IoU', () => {
    const pick = pickCandidateAnswer(
      [answer(0.95, 0.5, [1]), answer(0.8, 0.9, [2, 3]), answer(0.3, 0.99, [4])],
      score,
    );
    expect(Array.from(pick.pixels)).toEqual([2, 3]);
    expect(pick.score).toBeCloseTo(0.8, 6);
    expect(pick.iouPrediction).toBeCloseTo(0.9, 6);
  });

  it('takes the first of equals and gives an empty pick with score 0 for no answer', () => {
    const pick = pickCandidateAnswer([answer(0.25, 0.5, [7]), answer(0.5, 0.25, [8])], score);
    expect(Array.from(pick.pixels)).toEqual([7]);
    const none = pickCandidateAnswer([], score);
    expect(none.pixels.length).toBe(0);
    expect(none.score).toBe(0);
  });
});
