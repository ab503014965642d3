import { describe, expect, it } from 'vitest';
import { toRealWindow, toSampleWindow, windowForSlice, windowPresets } from './real-window';
import { renderWindowed } from './window-level';

describe('real-unit window/level', () => {
  // A signed CT file: sample = stored + 32768, HU = stored - 1024.
  const ct = { slope: 1, intercept: -1024 - 32768, unit: 'HU' };

  it('shows a CT window in HU, not in shifted samples', () => {
    expect(toRealWindow({ center: 33832, width: 400 }, ct)).toEqual({ center: 40, width: 400 });
    expect(toSampleWindow({ center: 40, width: 400 }, ct)).toEqual({ center: 33832, width: 400 });
  });

  it('scales width by |slope| and round-trips scaled and inverted mappings', () => {
    const nifti = { slope: 0.5, intercept: -100, unit: null };
    expect(toRealWindow({ center: 400, width: 100 }, nifti)).toEqual({ center: 100, width: 50 });
    const inverted = { slope: -2, intercept: 300, unit: null }; // MONOCHROME1
    for (const mapping of [nifti, inverted, ct]) {
      const back = toSampleWindow(toRealWindow({ center: 1234, width: 321 }, mapping), mapping);
      expect(back.center).toBeCloseTo(1234, 9);
      expect(back.width).toBeCloseTo(321, 9);
    }
    expect(toRealWindow({ center: 10, width: 4 }, inverted)).toEqual({ center: 280, width: 8 });
  });

  it('offers CT presets for HU data only', () => {
    expect(windowPresets(ct).map((p) => p.name)).toContain('Soft tissue');
    expect(windowPresets({ slope: 1, intercept: 0, unit: null }, 'MR')).toEqual([]);
    expect(windowPresets({ slope: 1, intercept: 0, unit: null }, 'CT')).not.toEqual([]);
  });

  it('draws the same real values the same grey on slices with their own rescale (PET)', () => {
    // Two slices of one series, each file with its own RescaleSlope: the same activity (real
    // values 0..1000) is stored as different samples.
    const reference = { slope: 0.5, intercept: 0, unit: null };
    const other = { slope: 2, intercept: -10, unit: null };
    const real = Array.from({ length: 11 }, (_, i) => i * 100);
    const samplesOf = (m: typeof reference) =>
      Uint16Array.from(real, (v) => Math.round((v - m.intercept) / m.slope));
    const kept = toSampleWindow({ center: 500, width: 800 }, reference);
    const grey = (samples: Uint16Array, window: { center: number; width: number }) => {
      const out = new Uint8ClampedArray(samples.length * 4);
      renderWindowed(samples, window, out);
      return Array.from(out.filter((_, i) => i % 4 === 0));
    };
    const onReference = grey(samplesOf(reference), kept);
    const onOther = grey(samplesOf(other), windowForSlice(kept, reference, other));
    expect(onReference[0]).toBe(0);
    expect(onReference[10]).toBe(255);
    for (let i = 0; i < real.length; i++)
      expect(Math.abs(onOther[i]! - onReference[i]!)).toBeLessThanOrEqual(1);
    // One sample window for both, as before, draws the other slice at its own scale.
    expect(grey(samplesOf(other), kept)).not.toEqual(onReference);
    expect(windowForSlice(kept, reference, { ...reference })).toBe(kept);
  });
});
