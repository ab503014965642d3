/** 8-bit PNG helpers (pngjs). Gray is what the model and the masks use. */
import { readFile, writeFile } from 'node:fs/promises';
import { PNG } from 'pngjs';

export interface GrayImage {
  pixels: Uint8Array;
  width: number;
  height: number;
}

/** Reads any 8-bit PNG (gray, gray+alpha, RGB, RGBA) as luminance bytes (BT.601 for colour). */
export async function readPngGray(file: string): Promise<GrayImage> {
  const png = PNG.sync.read(await readFile(file));
  const n = png.width * png.height;
  const pixels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const r = png.data[4 * i] as number;
    const g = png.data[4 * i + 1] as number;
    const b = png.data[4 * i + 2] as number;
    pixels[i] = Math.round(0.299 * r + 0.587 * g + 0.114 * b);
  }
  return { pixels, width: png.width, height: png.height };
}

/** Reads an RGB(A) PNG keeping the channels (RGBA, 4 bytes per pixel). */
export async function readPngRgba(
  file: string,
): Promise<{ data: Uint8Array; width: number; height: number }> {
  const png = PNG.sync.read(await readFile(file));
  return { data: new Uint8Array(png.data), width: png.width, height: png.height };
}

export function encodeGrayPng(pixels: Uint8Array, width: number, height: number): Buffer {
  if (pixels.length !== width * height)
    throw new Error(`writeGrayPng: ${pixels.length} pixels for ${width}x${height}`);
  const png = new PNG({
    width,
    height,
    colorType: 0,
    inputColorType: 0,
    bitDepth: 8,
    inputHasAlpha: false,
  });
  png.data = Buffer.from(pixels);
  return PNG.sync.write(png, {
    colorType: 0,
    inputColorType: 0,
    bitDepth: 8,
    inputHasAlpha: false,
  });
}

export async function writeGrayPng(
  file: string,
  pixels: Uint8Array,
  width: number,
  height: number,
): Promise<void> {
  await writeFile(file, encodeGrayPng(pixels, width, height));
}
