import { describe, expect, it } from 'vitest';
import { PromptError, isPromptError } from './errors';
import { assertMaskSize, createMask } from './mask';
import { promptSchema } from './schemas';
import {
  clampBox,
  validateBox,
  validateBrushStroke,
  validateClick,
  validateClicks,
  validatePrompt,
} from './validate';

const img = { width: 100, height: 50 };

function fieldOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof PromptError) return e.field;
    throw e;
  }
  throw new Error('did not throw');
}

describe('validation errors name the field', () => {
  it('boxes', () => {
    expect(validateBox({ x0: 0, y0: 0, x1: 100, y1: 50 }, img)).toEqual({
      x0: 0,
      y0: 0,
      x1: 100,
      y1: 50,
    });
    expect(fieldOf(() => validateBox({ x0: 5, y0: 0, x1: 5, y1: 10 }, img))).toBe('box.x1');
    expect(fieldOf(() => validateBox({ x0: 0, y0: 10, x1: 5, y1: 2 }, img))).toBe('box.y1');
    expect(fieldOf(() => validateBox({ x0: 0, y0: 0, x1: 5, y1: 51 }, img))).toBe('box.y1');
    expect(fieldOf(() => validateBox({ x0: -0.1, y0: 0, x1: 5, y1: 5 }, img))).toBe('box.x0');
    expect(fieldOf(() => validateBox({ x0: 0, y0: NaN, x1: 5, y1: 5 }, img))).toBe('box.y0');
    expect(fieldOf(() => validateBox({ x0: 0, y0: 0, x1: 5 }, img))).toBe('box.y1');
  });
  it('clicks and strokes', () => {
    expect(fieldOf(() => validateClick({ x: 101, y: 0, positive: true }, img))).toBe('click.x');
    expect(fieldOf(() => validateClick({ x: 1, y: 0 }, img))).toBe('click.positive');
    expect(
      fieldOf(() =>
        validateClicks(
          [
            { x: 1, y: 1, positive: true },
            { x: 1, y: Infinity, positive: false },
          ],
          img,
        ),
      ),
    ).toBe('clicks.1.y');
    expect(
      fieldOf(() =>
        validateBrushStroke(
          {
            points: [
              { x: 1, y: 1 },
              { x: 1, y: 60 },
            ],
            radius: 2,
            mode: 'brush',
          },
          img,
        ),
      ),
    ).toBe('stroke.points.1.y');
    expect(
      fieldOf(() => validateBrushStroke({ points: [{ x: 1, y: 1 }], radius: 2, mode: 'pen' }, img)),
    ).toBe('stroke.mode');
  });
  it('prompts (discriminated union)', () => {
    expect(validatePrompt({ kind: 'click', x: 3, y: 4, positive: false }, img)).toEqual({
      kind: 'click',
      x: 3,
      y: 4,
      positive: false,
    });
    expect(fieldOf(() => validatePrompt({ kind: 'box', x0: 0, y0: 0, x1: 200, y1: 5 }, img))).toBe(
      'prompt.x1',
    );
    expect(fieldOf(() => validatePrompt({ kind: 'lasso' }, img))).toMatch(/^prompt/);
    expect(
      promptSchema.safeParse({ kind: 'brush', points: [{ x: 1, y: 1 }], radius: 3, mode: 'eraser' })
        .success,
    ).toBe(true);
  });
  it('image size and mask size', () => {
    expect(
      fieldOf(() => validateBox({ x0: 0, y0: 0, x1: 1, y1: 1 }, { width: 0, height: 5 })),
    ).toBe('imageSize.width');
    expect(fieldOf(() => assertMaskSize(createMask(4, 4), 4, 5))).toBe('mask');
    expect(() => assertMaskSize(createMask(4, 4), 4, 5)).toThrow(
      'mask: size 4x4 does not match the image 4x5',
    );
  });
});

describe('clampBox', () => {
  it('clamps into the image and still rejects boxes fully outside', () => {
    expect(clampBox({ x0: -5, y0: 10, x1: 120, y1: 60 }, img)).toEqual({
      x0: 0,
      y0: 10,
      x1: 100,
      y1: 50,
    });
    expect(fieldOf(() => clampBox({ x0: 110, y0: 10, x1: 120, y1: 20 }, img))).toBe('box.x1');
    expect(fieldOf(() => clampBox({ x0: 0, y0: 10, x1: NaN, y1: 20 }, img))).toBe('box.x1');
  });
});

describe('PromptError', () => {
  it('serialises and is recognised after a structured clone', () => {
    const e = new PromptError('box.x1', 'must be greater than x0');
    expect(e.message).toBe('box.x1: must be greater than x0');
    const clone = structuredClone(e.toJSON());
    expect(isPromptError(clone)).toBe(true);
    expect(isPromptError(new Error('x'))).toBe(false);
    expect(isPromptError(null)).toBe(false);
  });
});
