/**
 * The real-mask task on DRIVE: vessels inside a box. For each chosen image, windows centred on
 * random vessel pixels; the object is the largest connected vessel piece inside the window and the
 * prompt is its tight box (evaluateOnnxModel boxes each ground-truth component). The image is a
 * pseudo fluorescein angiogram (green channel, background subtracted and inverted, so vessels are
 * bright as in FA), the same idea as the model lib's DRIVE loader; this is a small local version
 * because that loader draws lesions on top and this task needs the plain background.
 * DRIVE lives in ../shared/data (research use only); nothing is copied into the repo.
 */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { createMask, createRng, largestComponent, maskArea, type Mask } from '@loupe/prompts';

export interface VesselSample {
  id: string;
  image: { pixels: Float32Array; width: number; height: number; channels: 1 };
  gtMask: Mask;
}

async function readChannels(file: string): Promise<{ data: Uint8Array; width: number; height: number; channels: number }> {
  const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height, channels: info.channels };
}

/** Box blur by running sums (separable), radius r, edges clamped. */
function boxBlur(src: Float32Array, width: number, height: number, r: number): Float32Array {
  const tmp = new Float32Array(src.length);
  const out = new Float32Array(src.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (let k = -r; k <= r; k++) sum += src[y * width + Math.min(width - 1, Math.max(0, x + k))] as number;
      tmp[y * width + x] = sum / (2 * r + 1);
    }
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (let k = -r; k <= r; k++) sum += tmp[Math.min(height - 1, Math.max(0, y + k)) * width + x] as number;
      out[y * width + x] = sum / (2 * r + 1);
    }
  }
  return out;
}

/** Green channel -> local background minus pixel (vessels bright), dark outside the field of view. */
export function pseudoFluoresceinAngiogram(rgb: Uint8Array, channels: number, fov: Uint8Array, fovChannels: number, width: number, height: number): Float32Array {
  const green = new Float32Array(width * height);
  for (let i = 0; i < green.length; i++) green[i] = (rgb[i * channels + 1] as number) / 255;
  const background = boxBlur(green, width, height, 12);
  const out = new Float32Array(width * height);
  for (let i = 0; i < out.length; i++) {
    const inside = (fov[i * fovChannels] as number) > 127;
    const vessel = Math.max(0, (background[i] as number) - (green[i] as number));
    out[i] = inside ? Math.min(1, 0.18 + 0.12 * (background[i] as number) + 4 * vessel) : 0;
  }
  return out;
}

export function driveAvailable(dataDir: string): boolean {
  return existsSync(join(dataDir, 'images')) && existsSync(join(dataDir, 'vessels')) && existsSync(join(dataDir, 'fov'));
}

/**
 * `imagesUsed` images (the last ones by name: the starter's DRIVE uses start from the first), and
 * `windowsPerImage` windows of side `windowSize` each; deterministic from `seed`.
 */
export async function loadDriveVesselTask(options: { dataDir: string; imagesUsed: number; windowsPerImage: number; windowSize?: number; minObjectArea?: number; seed?: number }): Promise<VesselSample[]> {
  const names = (await readdir(join(options.dataDir, 'images'))).filter((f) => f.endsWith('.png')).sort();
  const chosen = names.slice(-options.imagesUsed);
  const rng = createRng(options.seed ?? 4242);
  const windowSize = options.windowSize ?? 64;
  const samples: VesselSample[] = [];
  for (const name of chosen) {
    const rgb = await readChannels(join(options.dataDir, 'images', name));
    const vessels = await readChannels(join(options.dataDir, 'vessels', name));
    const fov = await readChannels(join(options.dataDir, 'fov', name));
    const { width, height } = rgb;
    const pixels = pseudoFluoresceinAngiogram(rgb.data, rgb.channels, fov.data, fov.channels, width, height);
    const vesselPixels: number[] = [];
    for (let i = 0; i < width * height; i++) if ((vessels.data[i * vessels.channels] as number) > 127) vesselPixels.push(i);
    let made = 0;
    for (let attempt = 0; made < options.windowsPerImage && attempt < options.windowsPerImage * 10; attempt++) {
      const centre = vesselPixels[rng.int(0, vesselPixels.length - 1)] as number;
      const x0 = Math.max(0, Math.min(width - windowSize, (centre % width) - windowSize / 2));
      const y0 = Math.max(0, Math.min(height - windowSize, Math.floor(centre / width) - windowSize / 2));
      const inWindow = createMask(width, height);
      for (let y = y0; y < y0 + windowSize; y++)
        for (let x = x0; x < x0 + windowSize; x++) if ((vessels.data[(y * width + x) * vessels.channels] as number) > 127) inWindow.data[y * width + x] = 1;
      const object = largestComponent(inWindow, 8);
      if (maskArea(object) < (options.minObjectArea ?? 40)) continue;
      samples.push({ id: `${name}#${made}`, image: { pixels, width, height, channels: 1 }, gtMask: object });
      made++;
    }
  }
  return samples;
}
