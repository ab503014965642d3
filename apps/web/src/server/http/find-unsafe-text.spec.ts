import { describe, expect, it } from 'vitest';
import { findUnsafeText, unsafeTextReason } from './find-unsafe-text';

describe('findUnsafeText', () => {
  it('accepts ordinary text, including astral characters made of surrogate pairs', () => {
    expect(unsafeTextReason('lésion 🔬 ✓')).toBeNull();
    expect(findUnsafeText({ a: ['x', { b: 'y' }], n: 3, d: new Date() })).toBeNull();
  });

  it('finds NUL and lone surrogates anywhere, naming the path', () => {
    expect(findUnsafeText({ taskId: 'ab\u0000c' })).toEqual({
      path: 'taskId',
      reason: 'contains a NUL character',
    });
    expect(
      findUnsafeText({ events: [{ payload: { ok: 'x' } }, { payload: { tag: 'a\ud800' } }] }),
    ).toMatchObject({
      path: 'events.1.payload.tag',
      reason: expect.stringContaining('lone surrogate'),
    });
    expect(findUnsafeText({ x: '\udc00b' })?.path).toBe('x');
    expect(findUnsafeText({ payload: { 'bad\u0000key': 1 } })).toMatchObject({
      path: 'payload.bad\u0000key',
      reason: 'key contains a NUL character',
    });
    expect(findUnsafeText('\u0000')?.path).toBe('input');
  });
});
