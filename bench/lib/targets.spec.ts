import { describe, expect, it } from 'vitest';
import { at, meets, TARGETS } from './targets';

describe('targets', () => {
  it('reads nested figures and ignores non-numbers', () => {
    expect(at({ a: { b: 3 } }, 'a.b')).toBe(3);
    expect(at({ a: { b: 'x' } }, 'a.b')).toBeUndefined();
    expect(at({ a: null }, 'a.b')).toBeUndefined();
  });
  it('compares with the stated direction', () => {
    expect(meets(50, '<=', 50)).toBe(true);
    expect(meets(50, '<', 50)).toBe(false);
    expect(meets(0.86, '>=', 0.85)).toBe(true);
  });
  it('adds encoder and decoder for the new-box target', () => {
    const target = TARGETS.find((t) => t.label.startsWith('ort-web 1 thread: encoder'));
    expect(target?.read({ ortWeb: { encoder: { p50: 30 }, decoder: { p50: 7 } } })).toBe(37);
    expect(target?.read({ ortWeb: { encoder: { p50: 30 } } })).toBeUndefined();
  });
});
