import { describe, expect, it } from 'vitest';
import { autoWindow, fullRangeWindow, renderWindowed } from './window-level';

describe('window/level', () => {
  it('full range maps 8-bit samples to themselves', () => {
    const samples = new Uint8Array([0, 64, 128, 255]);
    const out = new Uint8ClampedArray(16);
    renderWindowed(samples, fullRangeWindow(8), out);
    expect([out[0], out[4], out[8], out[12]]).toEqual([0, 64, 128, 255]);
    expect(out[3]).toBe(255);
  });

  it('a narrow 16-bit window clamps below and above and stretches inside', () => {
    const samples = new Uint16Array([1000, 1100, 1200, 1300, 40000]);
    const out = new Uint8ClampedArray(20);
    renderWindowed(samples, { center: 1200, width: 200 }, out);
    expect(out[0]).toBe(0); // below the window
    expect(out[4]).toBeLessThanOrEqual(1);
    expect(out[8]).toBeGreaterThan(120);
    expect(out[8]).toBeLessThan(135);
    expect(out[12]).toBe(255);
    expect(out[16]).toBe(255);
  });

  it('auto window ignores outliers and covers the bulk of the data', () => {
    const samples = new Uint16Array(10_000);
    for (let i = 0; i < samples.length; i++) samples[i] = 3000 + (i % 1000);
    samples[0] = 65535; // one hot pixel
    const w = autoWindow(samples, 16);
    expect(w.center - w.width / 2).toBeGreaterThanOrEqual(3000);
    expect(w.center + w.width / 2).toBeLessThanOrEqual(4001);
    expect(w.width).toBeGreaterThan(900);
  });

  it('refuses an output buffer of the wrong size', () => {
    expect(() =>
      renderWindowed(new Uint8Array(4), fullRangeWindow(8), new Uint8ClampedArray(4)),
    ).toThrow(/pixels/);
  });
});
