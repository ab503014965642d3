import { describe, expect, it } from 'vitest';
import {
  forceClicksInWindow,
  outputMaskInBox,
  outputMaskWindow,
  pasteOutputMaskRows,
  shownOutput,
  type DecoderOutput,
} from './sam-predictor';

/** Image pixel indices (y * width + x) of a window plane's pixels that pass. */
function pixelsOf(
  plane: ArrayLike<number>,
  window: { x0: number; y0: number; width: number },
  imageWidth: number,
  pass: (v: number) => boolean,
): number[] {
  const out: number[] = [];
  for (let i = 0; i < plane.length; i++)
    if (pass(plane[i] as number))
      out.push(
        (window.y0 + Math.floor(i / window.width)) * imageWidth + window.x0 + (i % window.width),
      );
  return out;
}

describe('an output pasted band by band (the worker idle work on a wide crop)', () => {
  it("gives outputMaskInBox's window and pixels, clicks forced across band edges", () => {
    const M = 16;
    let s = 7;
    const next = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) as number;
    let cases = 0;
    for (const [size, x0, y0] of [
      [301.3, 40.25, 17.5],
      [520, 1140.5, 640],
      [97.7, -10.2, 3],
    ] as const) {
      // Noisy logits around 0 (an output that covers the crop) and an object's edge.
      const logits = Float32Array.from({ length: M * M }, (_, i) =>
        i % 3 === 0 ? (next() - 0.5) * 1e-6 : (next() - 0.4) * 12,
      );
      const output: Pick<
        DecoderOutput,
        'crop' | 'lowResLogits' | 'maskSize' | 'imageWidth' | 'imageHeight'
      > = {
        crop: { x0, y0, size, inputSize: 128, scale: 128 / size },
        lowResLogits: [logits],
        maskSize: M,
        imageWidth: 2400,
        imageHeight: 2000,
      };
      const cx = x0 + size / 2;
      const cy = y0 + size / 3;
      const clicks = [
        { x: cx + 0.5, y: cy + 0.5, positive: true },
        { x: cx - size / 4 + 0.3, y: cy + 20.7, positive: false },
      ];
      for (const threshold of [0, 0.25]) {
        const whole = outputMaskInBox(output, 0, clicks, threshold);
        const window = outputMaskWindow(output, 0, clicks, threshold);
        expect(window).toEqual(whole.window);
        if (!window) continue;
        // Bands of 7 rows: every click's disc crosses a band edge somewhere.
        const mask = new Uint8Array(window.width * window.height);
        for (let y = 0; y < window.height; y += 7)
          pasteOutputMaskRows(
            output,
            0,
            threshold,
            window,
            mask,
            y,
            Math.min(window.height, y + 7),
          );
        // Byte-compared (a deep equality of a million-entry array is slow).
        expect(Buffer.compare(forceClicksInWindow(mask, window, clicks), whole.mask)).toBe(0);
        expect(whole.mask.some((v) => v === 1)).toBe(true);
        cases++;
      }
      // A box's output 0 as the worker shows it: shownOutput's probabilities above 0.5.
      const shown = shownOutput(output, 0, [], undefined, { foregroundOnly: true });
      const window = outputMaskWindow(output, 0, [], 'aboveHalf');
      if (!window) throw new Error('the output has pixels above 0.5');
      const mask = new Uint8Array(window.width * window.height);
      for (let y = 0; y < window.height; y += 5)
        pasteOutputMaskRows(
          output,
          0,
          'aboveHalf',
          window,
          mask,
          y,
          Math.min(window.height, y + 5),
        );
      const above = pixelsOf(shown.probabilities, shown.window!, 2400, (p) => p > 0.5);
      expect(above.length).toBeGreaterThan(100);
      const banded = pixelsOf(mask, window, 2400, (v) => v === 1);
      const bytes = (v: number[]) => new Uint8Array(Int32Array.from(v).buffer);
      expect(Buffer.compare(bytes(banded), bytes(above))).toBe(0);
      expect(banded.length).toBe(above.length);
      // As the worker keeps it now, no probability computed: the same pixels above 0.5.
      const lazy = shownOutput(output, 0, [], undefined, { lazy: true });
      const sentinels = pixelsOf(lazy.probabilities, lazy.window!, 2400, (p) => p > 0.5);
      expect(Buffer.compare(bytes(sentinels), bytes(above))).toBe(0);
      expect(lazy.foreground).toEqual(shown.foreground);
    }
    expect(cases).toBeGreaterThanOrEqual(5);
  });
});
