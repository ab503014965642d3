import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { driveDataDir, loadDrivePseudoFa } from './drive-pseudo-fa';

describe('loadDrivePseudoFa', () => {
  it('returns [] with one log line when the data folder is absent', async () => {
    const lines: string[] = [];
    const out = await loadDrivePseudoFa({
      dataDir: path.join(driveDataDir(), 'does-not-exist'),
      log: (l) => lines.push(l),
    });
    expect(out).toEqual([]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/skipping/);
  });

  it.skipIf(!existsSync(path.join(driveDataDir(), 'images')))(
    'builds FA-like images with lesions on real backgrounds',
    async () => {
      const [sample] = await loadDrivePseudoFa({ count: 1, seed: 2 });
      if (!sample) throw new Error('no sample');
      expect([sample.width, sample.height]).toEqual([565, 584]);
      expect(sample.lesions.length).toBeGreaterThanOrEqual(1);
      let lesion = 0;
      let n = 0;
      for (let i = 0; i < sample.image.length; i++)
        if (sample.mask.data[i]) {
          lesion += sample.image[i] as number;
          n++;
        }
      expect(lesion / n).toBeGreaterThan(80);
    },
  );
});
