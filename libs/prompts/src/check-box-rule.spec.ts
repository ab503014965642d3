import { describe, expect, it } from 'vitest';
import { checkBoxRule } from './check-box-rule';
import { createMask, type Mask } from './mask';

const W = 16;
function disc(cx: number, cy: number, r: number): Mask {
  const mask = createMask(W, W);
  for (let y = 0; y < W; y++)
    for (let x = 0; x < W; x++)
      if ((x - cx) ** 2 + (y - cy) ** 2 <= r * r) mask.data[y * W + x] = 1;
  return mask;
}
const image = { width: W, height: W };
const humanMasks = [disc(5, 5, 3), disc(10, 9, 4), disc(8, 8, 2)].map((mask) => ({
  image: { ...image, truth: mask },
  mask,
}));

/** A model that sees the object: its probabilities are the human mask. */
const seeing = async (img: { truth: Mask }) => ({
  iouPredictions: [0.95],
  fullResolution: () => Float32Array.from(img.truth.data),
});
/** A model blind to the lesion: confident, and nothing inside the box. */
const blind = async () => ({
  iouPredictions: [0.93],
  fullResolution: () => new Float32Array(W * W),
});

describe('checkBoxRule', () => {
  it('trusts a box rule whose masks match the human masks', async () => {
    const check = await checkBoxRule(seeing, humanMasks, { minDice: 0.85, minMasks: 3 });
    expect(check).toMatchObject({ masks: 3, trusted: true });
    expect(check.dice).toBeCloseTo(1);
    expect(check.reason).toMatch(/used: box Dice 1\.000 on 3 human masks/);
  });

  it('makes confident but blind box pseudo-masks wait', async () => {
    const check = await checkBoxRule(blind, humanMasks, { minDice: 0.85, minMasks: 3 });
    expect(check).toMatchObject({ masks: 3, trusted: false, dice: 0 });
    expect(check.reason).toMatch(/wait: box Dice 0\.000 on 3 human masks is below 0\.85/);
  });

  it('judges the mean over every human mask, confident or not', async () => {
    // Three masks seen (confidence 0.9) and one missed (0.95): mean Dice 0.75 < 0.85, so the
    // boxes wait although most confident answers are right.
    const many = [
      ...humanMasks,
      { image: { ...image, truth: disc(4, 11, 3) }, mask: disc(4, 11, 3) },
    ];
    const mixed = async (img: { truth: Mask }) => {
      const missed = img === many[3]!.image;
      return {
        iouPredictions: [missed ? 0.95 : 0.9],
        fullResolution: () =>
          missed ? new Float32Array(W * W) : Float32Array.from(img.truth.data),
      };
    };
    const check = await checkBoxRule(mixed, many, { minDice: 0.85, minMasks: 3 });
    expect(check).toMatchObject({ masks: 4, trusted: false });
    expect(check.dice).toBeCloseTo(0.75);
    expect((await checkBoxRule(mixed, many, { minDice: 0.7, minMasks: 3 })).trusted).toBe(true);
  });

  it('waits with too few human masks to check, unless the policy requires no check', async () => {
    const few = await checkBoxRule(seeing, humanMasks.slice(0, 2), { minDice: 0.85, minMasks: 3 });
    expect(few).toMatchObject({ masks: 2, trusted: false });
    expect(few.reason).toMatch(/2 human mask\(s\).*3 needed/);
    const off = await checkBoxRule(blind, [], { minDice: 0, minMasks: 3 });
    expect(off).toMatchObject({ masks: 0, dice: null, trusted: true });
  });

  it('skips empty masks and masks of another size', async () => {
    const wrong = { image, mask: createMask(8, 8) };
    const empty = { image, mask: createMask(W, W) };
    const check = await checkBoxRule(seeing as never, [wrong, empty], {
      minDice: 0.5,
      minMasks: 1,
    });
    expect(check).toMatchObject({ masks: 0, trusted: false });
  });
});
