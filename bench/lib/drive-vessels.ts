/**
 * The real-mask task on DRIVE: vessels inside a box. For each chosen image, windows centred on
 * random vessel pixels; the object is the largest connected vessel piece inside the window and the
 * prompt is its tight box (evaluateOnnxModel boxes each ground-truth component). The image is a
 * pseudo fluorescein angiogram (green channel, background subtracted and inverted, so vessels are
 * bright as in FA) from the model lib's DRIVE loader, asked for zero lesions.
 * DRIVE lives in ../shared/data (research use only); nothing is copied into the repo.
 */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { loadDrivePseudoFa } from '@loupe/model/node';
import { createMask, createRng, largestComponent, maskArea, type Mask } from '@loupe/prompts';

export interface VesselSample {
  id: string;
  image: { pixels: Uint8Array; width: number; height: number; channels: 1 };
  gtMask: Mask;
}

async function readChannels(
  file: string,
): Promise<{ data: Uint8Array; width: number; height: number; channels: number }> {
  const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
  return {
    data: new Uint8Array(data.buffer, data.byteOffset, data.length),
    width: info.width,
    height: info.height,
    channels: info.channels,
  };
}

export function driveAvailable(dataDir: string): boolean {
  return (
    existsSync(join(dataDir, 'images')) &&
    existsSync(join(dataDir, 'vessels')) &&
    existsSync(join(dataDir, 'fov'))
  );
}

/**
 * The last `imagesUsed` DRIVE images by name, and
 * `windowsPerImage` windows of side `windowSize` each; deterministic from `seed`.
 */
export async function loadDriveVesselTask(options: {
  dataDir: string;
  imagesUsed: number;
  windowsPerImage: number;
  windowSize?: number;
  minObjectArea?: number;
  seed?: number;
}): Promise<VesselSample[]> {
  const names = (await readdir(join(options.dataDir, 'images')))
    .filter((f) => f.endsWith('.png'))
    .sort();
  // The loader cycles over the sorted file names: sample i is names[i].
  const backgrounds = await loadDrivePseudoFa({
    count: names.length,
    dataDir: options.dataDir,
    lesions: [0, 0],
    seed: options.seed ?? 4242,
    log: () => undefined,
  });
  const first = names.length - options.imagesUsed;
  const rng = createRng(options.seed ?? 4242);
  const windowSize = options.windowSize ?? 64;
  const samples: VesselSample[] = [];
  for (let index = Math.max(0, first); index < names.length; index++) {
    const name = names[index] as string;
    const background = backgrounds[index];
    if (!background)
      throw new Error(
        `DRIVE pseudo-FA loader returned ${backgrounds.length} images for ${names.length} files`,
      );
    const vessels = await readChannels(join(options.dataDir, 'vessels', name));
    const { width, height } = background;
    if (vessels.width !== width || vessels.height !== height)
      throw new Error(
        `${name}: vessel mask ${vessels.width}x${vessels.height}, image ${width}x${height}`,
      );
    const pixels = background.image;
    const vesselPixels: number[] = [];
    for (let i = 0; i < width * height; i++)
      if ((vessels.data[i * vessels.channels] as number) > 127) vesselPixels.push(i);
    let made = 0;
    for (
      let attempt = 0;
      made < options.windowsPerImage && attempt < options.windowsPerImage * 10;
      attempt++
    ) {
      const centre = vesselPixels[rng.int(0, vesselPixels.length - 1)] as number;
      const x0 = Math.max(0, Math.min(width - windowSize, (centre % width) - windowSize / 2));
      const y0 = Math.max(
        0,
        Math.min(height - windowSize, Math.floor(centre / width) - windowSize / 2),
      );
      const inWindow = createMask(width, height);
      for (let y = y0; y < y0 + windowSize; y++)
        for (let x = x0; x < x0 + windowSize; x++)
          if ((vessels.data[(y * width + x) * vessels.channels] as number) > 127)
            inWindow.data[y * width + x] = 1;
      const object = largestComponent(inWindow, 8);
      if (maskArea(object) < (options.minObjectArea ?? 40)) continue;
      samples.push({
        id: `${name}#${made}`,
        image: { pixels, width, height, channels: 1 },
        gtMask: object,
      });
      made++;
    }
  }
  return samples;
}
