import { describe, expect, it } from 'vitest';
import { sampleWindow } from './sample-window';

describe('sampleWindow', () => {
  it('maps a CT window in HU to 16-bit samples (signed shift + intercept)', () => {
    // CT_small: slope 1, intercept -1024, signed (+32768): sample = HU + 1024 + 32768.
    expect(
      sampleWindow({
        valueSlope: 1,
        valueIntercept: -1024 - 32768,
        windowCenter: 40,
        windowWidth: 400,
      }),
    ).toEqual({ center: 40 + 1024 + 32768, width: 400 });
  });
  it('keeps the width positive for MONOCHROME1 (negative slope) and is null without a window', () => {
    expect(
      sampleWindow({ valueSlope: -2, valueIntercept: 100, windowCenter: 0, windowWidth: 50 }),
    ).toEqual({
      center: 50,
      width: 25,
    });
    expect(
      sampleWindow({ valueSlope: 1, valueIntercept: 0, windowCenter: null, windowWidth: null }),
    ).toBeNull();
  });
});
