import { describe, expect, it } from 'vitest';
import { toRealWindow, toSampleWindow, windowPresets } from './real-window';

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
});
