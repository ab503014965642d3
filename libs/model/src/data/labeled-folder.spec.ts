import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createMask } from '@loupe/prompts';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LabeledFolderError, loadLabeledFolder } from './labeled-folder';
import { writeLabeledFolder } from './write-labeled-folder';
import { encodeGrayPng } from './png';

function square(width: number, height: number, boxes: Array<[number, number, number]>) {
  const mask = createMask(width, height);
  for (const [x0, y0, side] of boxes)
    for (let y = y0; y < y0 + side; y++)
      for (let x = x0; x < x0 + side; x++) mask.data[y * width + x] = 1;
  return mask;
}

describe('labeled folders', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'loupe-labeled-'));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('round-trips what writeLabeledFolder writes; objects are connected components', async () => {
    const dir = path.join(root, 'good');
    const pixels = new Uint8Array(40 * 30).map((_, i) => i % 251);
    await writeLabeledFolder(dir, [
      { name: 'b.png', pixels, width: 40, height: 30, mask: square(40, 30, [[2, 2, 5]]) },
      {
        name: 'a.png',
        pixels,
        width: 40,
        height: 30,
        mask: square(40, 30, [
          [2, 2, 5],
          [20, 10, 8],
        ]),
      },
    ]);
    const items = await loadLabeledFolder(dir);
    expect(items.map((i) => i.name)).toEqual(['a.png', 'b.png']);
    const [a] = items;
    expect(a?.objects.map((o) => o.data.reduce((s, v) => s + v, 0))).toEqual([25, 64]);
    expect(Buffer.from(a?.pixels ?? []).equals(Buffer.from(pixels))).toBe(true);
    expect(a?.mask.data.reduce((s, v) => s + v, 0)).toBe(89);
  });

  it('reads colour and 16-bit images as 8-bit luminance and any nonzero mask value as object', async () => {
    const dir = path.join(root, 'formats');
    await mkdir(path.join(dir, 'images'), { recursive: true });
    await mkdir(path.join(dir, 'masks'), { recursive: true });
    const rgb = new PNG({ width: 4, height: 2 });
    rgb.data.fill(255);
    for (let i = 0; i < 8; i++) rgb.data[4 * i] = 0; // cyan: luminance 0.587*255 + 0.114*255
    await writeFile(path.join(dir, 'images', 'c.png'), PNG.sync.write(rgb));
    const sixteen = new PNG({ width: 4, height: 2, bitDepth: 16, colorType: 0, inputColorType: 0 });
    const words = new Uint16Array(8).fill(65535);
    sixteen.data = Buffer.from(words.buffer);
    await writeFile(
      path.join(dir, 'images', 'd.png'),
      PNG.sync.write(sixteen, {
        bitDepth: 16,
        colorType: 0,
        inputColorType: 0,
        inputHasAlpha: false,
      }),
    );
    const mask = new Uint8Array(8);
    mask[5] = 3;
    for (const name of ['c.png', 'd.png'])
      await writeFile(path.join(dir, 'masks', name), encodeGrayPng(mask, 4, 2));
    const [c, d] = await loadLabeledFolder(dir);
    expect(c?.pixels[0]).toBe(Math.round(0.587 * 255 + 0.114 * 255));
    expect(d?.pixels[0]).toBe(255);
    expect(c?.objects).toHaveLength(1);
    expect(c?.mask.data[5]).toBe(1);
  });

  it('names every problem at once: missing masks, stray masks, size mismatch, empty masks', async () => {
    const dir = path.join(root, 'bad');
    await mkdir(path.join(dir, 'images'), { recursive: true });
    await mkdir(path.join(dir, 'masks'), { recursive: true });
    const img = encodeGrayPng(new Uint8Array(16), 4, 4);
    for (const name of ['ok.png', 'nomask.png', 'small.png', 'empty.png', 'junk.png'])
      await writeFile(path.join(dir, 'images', name), img);
    await writeFile(
      path.join(dir, 'masks', 'ok.png'),
      encodeGrayPng(new Uint8Array(16).fill(1), 4, 4),
    );
    await writeFile(
      path.join(dir, 'masks', 'small.png'),
      encodeGrayPng(new Uint8Array(4).fill(1), 2, 2),
    );
    await writeFile(path.join(dir, 'masks', 'empty.png'), encodeGrayPng(new Uint8Array(16), 4, 4));
    await writeFile(path.join(dir, 'masks', 'junk.png'), Buffer.from('not a png'));
    await writeFile(path.join(dir, 'masks', 'ok_mask.png'), img);
    const error = await loadLabeledFolder(dir).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LabeledFolderError);
    const message = (error as Error).message;
    expect(message).toMatch(/1 of 5 images have no mask of the same name in masks\/: nomask\.png/);
    expect(message).toMatch(/1 masks match no image .*: ok_mask\.png/);
    expect(message).toMatch(/small\.png \(image 4x4, mask 2x2\)/);
    expect(message).toMatch(/1 masks have no object .*: empty\.png/);
    expect(message).toMatch(/not readable PNGs: junk\.png/);
  });

  it('says what layout it expects when folders are missing', async () => {
    await expect(loadLabeledFolder(path.join(root, 'nowhere'))).rejects.toThrow(
      /no such folder \(expected DIR\/images\/\*\.png and DIR\/masks\/\*\.png/,
    );
    const dir = path.join(root, 'only-images');
    await mkdir(path.join(dir, 'images'), { recursive: true });
    await expect(loadLabeledFolder(dir)).rejects.toThrow(/no masks\/ folder/);
    await mkdir(path.join(dir, 'masks'), { recursive: true });
    await expect(loadLabeledFolder(dir)).rejects.toThrow(/no \.png images/);
  });
});
