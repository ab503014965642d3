import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LabeledFolderError, writeLabeledFolder } from '@loupe/model/node';
import { createMask } from '@loupe/prompts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { folderLoopData } from './labeled-folder-data';

describe('folderLoopData (bench:loop -- --data DIR)', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'loupe-loop-folder-'));
    const entries = Array.from({ length: 10 }, (_, i) => {
      const mask = createMask(16, 12);
      // Two objects per image: a 2x2 square and a 3x3 square.
      for (const [x0, side] of [
        [1, 2],
        [8, 3],
      ] as const)
        for (let y = 2; y < 2 + side; y++)
          for (let x = x0; x < x0 + side; x++) mask.data[y * 16 + x] = 1;
      return {
        name: `img-${i}.png`,
        pixels: new Uint8Array(16 * 12).fill(i),
        width: 16,
        height: 12,
        mask,
      };
    });
    await writeLabeledFolder(join(root, 'ten'), entries);
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('splits a fixed test set off, keeps every object, and fits the rounds to the pool', async () => {
    const lines: string[] = [];
    const data = await folderLoopData({
      dir: join(root, 'ten'),
      rounds: 2,
      masksPerRound: 10,
      maxTest: 24,
      log: (l) => lines.push(l),
    });
    expect(data.testSet).toHaveLength(2);
    expect(data.pool).toHaveLength(8);
    expect(data.masksPerRound).toBe(4);
    expect(lines).toEqual([expect.stringMatching(/4 masks per round instead of 10/)]);
    const ids = (s: typeof data.pool) => s.map((x) => x.image[0]);
    expect(new Set([...ids(data.pool), ...ids(data.testSet)]).size).toBe(10);
    for (const s of data.pool)
      expect(s.lesions.map((l) => l.data.reduce((a, v) => a + v, 0))).toEqual([4, 9]);
    const again = await folderLoopData({
      dir: join(root, 'ten'),
      rounds: 2,
      masksPerRound: 3,
      maxTest: 1,
      log: () => {},
    });
    expect(ids(again.testSet)).toEqual(ids(data.testSet).slice(0, 1));
    expect(again.masksPerRound).toBe(3);
  });

  it("says how many images the rounds need, and passes a bad folder's error on", async () => {
    await expect(
      folderLoopData({
        dir: join(root, 'ten'),
        rounds: 5,
        masksPerRound: 20,
        maxTest: 24,
        log: () => {},
      }),
    ).rejects.toThrow(
      /10 labeled images leave 8 for the loop after 2 test images; 5 rounds of at least 2 masks need 12 images/,
    );
    await expect(
      folderLoopData({
        dir: join(root, 'missing'),
        rounds: 2,
        masksPerRound: 4,
        maxTest: 2,
        log: () => {},
      }),
    ).rejects.toThrow(LabeledFolderError);
  });
});
