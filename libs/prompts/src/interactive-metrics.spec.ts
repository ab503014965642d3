import { describe, expect, it } from 'vitest';
import { mIouAtK, nocAt, nofAt, summarizeSessions } from './interactive-metrics';

describe('NoC / NoF / mIoU@k', () => {
  it('NoC is the first click count reaching t; the box alone counts as 0', () => {
    expect(nocAt([0.91], 0.9)).toBe(0);
    expect(nocAt([0.5, 0.8, 0.86, 0.9], 0.85)).toBe(2);
    expect(nocAt([0.5, 0.8, 0.86, 0.9], 0.9)).toBe(3);
  });
  it('NoC is maxClicks when t is never reached', () => {
    expect(nocAt([0.1, 0.2, 0.3], 0.9)).toBe(20);
    expect(nocAt([0.1, 0.2, 0.3, 0.95], 0.9, 2)).toBe(2); // reached only after maxClicks
  });
  it('NoF counts objects that never reach t', () => {
    const sessions = [
      { iouPerClick: [0.95] },
      { iouPerClick: [0.5, 0.88] },
      { iouPerClick: [0.2, 0.3] },
    ];
    expect(nofAt(sessions, 0.9)).toBe(2);
    expect(nofAt(sessions, 0.85)).toBe(1);
  });
  it('mIoU@k carries the last IoU forward', () => {
    const sessions = [{ iouPerClick: [0.95] }, { iouPerClick: [0.5, 0.7, 0.8] }];
    expect(mIouAtK(sessions, 0)).toBeCloseTo((0.95 + 0.5) / 2, 12);
    expect(mIouAtK(sessions, 1)).toBeCloseTo((0.95 + 0.7) / 2, 12);
    expect(mIouAtK(sessions, 5)).toBeCloseTo((0.95 + 0.8) / 2, 12);
  });
  it('summarizeSessions', () => {
    const s = summarizeSessions([
      { iouPerClick: [0.95] },
      { iouPerClick: [0.5, 0.86, 0.91] },
      { iouPerClick: [0.1] },
    ]);
    expect(s.count).toBe(3);
    expect(s.noc85).toBeCloseTo((0 + 1 + 20) / 3, 12);
    expect(s.noc90).toBeCloseTo((0 + 2 + 20) / 3, 12);
    expect(s.nof90).toBe(1);
    expect(s.nof85).toBe(1);
    expect(s.miouAtK).toHaveLength(21);
    expect(s.miouAtK[2]).toBeCloseTo((0.95 + 0.91 + 0.1) / 3, 12);
    const short = summarizeSessions([{ iouPerClick: [0.5, 0.86, 0.91] }], { maxClicks: 1 });
    expect(short.noc90).toBe(1);
    expect(short.nof90).toBe(1);
    expect(short.miouAtK).toEqual([0.5, 0.86]);
  });
  it('rejects an empty IoU list', () => {
    expect(() => nocAt([], 0.9)).toThrow(/iouPerClick/);
  });
});
