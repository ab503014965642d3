import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { TrainerError } from '../errors';
import { decodeImagePixels } from './decode-image-pixels';

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A grey PNG written by hand, so 16-bit samples are exactly what the test says. */
function pngFromGray(width: number, height: number, values: number[], sixteen = false): Uint8Array {
  const bytesPerSample = sixteen ? 2 : 1;
  const rows = Buffer.alloc(height * (1 + width * bytesPerSample));
  for (let y = 0; y < height; y++) {
    const rowStart = y * (1 + width * bytesPerSample);
    for (let x = 0; x < width; x++) {
      const value = values[y * width + x] as number;
      if (sixteen) rows.writeUInt16BE(value, rowStart + 1 + x * 2);
      else rows[rowStart + 1 + x] = value;
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = sixteen ? 16 : 8; // bit depth
  header[9] = 0; // colour type: grey
  const signature = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);
  return new Uint8Array(
    Buffer.concat([
      signature,
      chunk('IHDR', header),
      chunk('IDAT', deflateSync(rows)),
      chunk('IEND', Buffer.alloc(0)),
    ]),
  );
}

describe('decodeImagePixels', () => {
  it('decodes an 8-bit grey PNG to 0..1 luminance', async () => {
    const png = pngFromGray(3, 2, [0, 51, 102, 153, 204, 255]);
    const image = await decodeImagePixels(png, { width: 3, height: 2, label: 'img' });
    expect(Array.from(image.pixels).map((v) => Math.round(v * 255))).toEqual([
      0, 51, 102, 153, 204, 255,
    ]);
  });

  it('decodes an RGB PNG to one plane of the right size', async () => {
    const rgb = await sharp({
      create: { width: 4, height: 5, channels: 3, background: { r: 255, g: 255, b: 255 } },
    })
      .png()
      .toBuffer();
    const image = await decodeImagePixels(new Uint8Array(rgb), {
      width: 4,
      height: 5,
      label: 'img',
    });
    expect(image.pixels).toHaveLength(20);
    expect(image.pixels[0]).toBeCloseTo(1, 2);
  });

  it('names the image when the bytes are not an image', async () => {
    const promise = decodeImagePixels(new Uint8Array([1, 2, 3, 4]), {
      width: 2,
      height: 2,
      label: 'image abc',
    });
    await expect(promise).rejects.toBeInstanceOf(TrainerError);
    await expect(promise).rejects.toThrow(/CORRUPT|image abc/);
  });

  it('rejects pixels whose size does not match the database', async () => {
    const png = pngFromGray(2, 2, [0, 0, 0, 0]);
    await expect(decodeImagePixels(png, { width: 3, height: 2, label: 'img' })).rejects.toThrow(
      /decoded 2x2/,
    );
  });

  it('keeps 16-bit precision', async () => {
    const png = pngFromGray(3, 1, [0, 65535, 30001], true);
    const image = await decodeImagePixels(png, { width: 3, height: 1, label: 'img' });
    expect(Array.from(image.pixels).map((v) => Math.round(v * 65535))).toEqual([0, 65535, 30001]);
  });
});
