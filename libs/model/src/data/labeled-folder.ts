/**
 * A labeled folder, the format a team brings to `npm run eval -- --data DIR` and
 * `npm run bench:loop -- --data DIR`: DIR/images/*.png and DIR/masks/*.png with the same file
 * names; a mask pixel is part of an object when it is nonzero, and the objects are the mask's
 * 8-connected components. Images are read as 8-bit luminance (16-bit and colour PNGs included).
 * Every problem in the folder is reported at once, in one LabeledFolderError; nothing is written.
 */
import { existsSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { connectedComponents, maskFromData, type Mask } from '@loupe/prompts';
import { readPngGray } from './png';

export interface LabeledImage {
  /** File name, the same in images/ and masks/. */
  name: string;
  /** 8-bit luminance, row-major. */
  pixels: Uint8Array;
  width: number;
  height: number;
  /** Union of the objects (1 = object). */
  mask: Mask;
  /** The mask's 8-connected components, in row-major order of their first pixel. */
  objects: Mask[];
}

export class LabeledFolderError extends Error {
  override name = 'LabeledFolderError';
}

const LAYOUT = 'expected DIR/images/*.png and DIR/masks/*.png with the same file names';
const SHOWN = 5;

function listed(names: string[]): string {
  const shown = names.slice(0, SHOWN).join(', ');
  return names.length > SHOWN ? `${shown} and ${names.length - SHOWN} more` : shown;
}

export const isPng = (name: string) => name.toLowerCase().endsWith('.png');

/** Reads and checks a labeled folder; throws LabeledFolderError listing every problem found. */
export async function loadLabeledFolder(dir: string): Promise<LabeledImage[]> {
  const root = path.resolve(dir);
  if (!existsSync(root) || !statSync(root).isDirectory())
    throw new LabeledFolderError(`${root}: no such folder (${LAYOUT})`);
  const imagesDir = path.join(root, 'images');
  const masksDir = path.join(root, 'masks');
  const missingDirs = [imagesDir, masksDir].filter(
    (d) => !existsSync(d) || !statSync(d).isDirectory(),
  );
  if (missingDirs.length > 0)
    throw new LabeledFolderError(
      `${root}: no ${missingDirs.map((d) => `${path.basename(d)}/`).join(' or ')} folder (${LAYOUT})`,
    );
  const images = (await readdir(imagesDir)).filter(isPng).sort();
  const masks = new Set((await readdir(masksDir)).filter(isPng));
  if (images.length === 0) throw new LabeledFolderError(`${imagesDir}: no .png images (${LAYOUT})`);

  const problems: string[] = [];
  const withoutMask = images.filter((name) => !masks.has(name));
  if (withoutMask.length > 0)
    problems.push(
      `${withoutMask.length} of ${images.length} images have no mask of the same name in masks/: ${listed(withoutMask)}`,
    );
  const imageSet = new Set(images);
  const strayMasks = [...masks].filter((name) => !imageSet.has(name)).sort();
  if (strayMasks.length > 0)
    problems.push(
      `${strayMasks.length} masks match no image (a mask must have its image's file name): ${listed(strayMasks)}`,
    );

  const out: LabeledImage[] = [];
  const unreadable: string[] = [];
  const mismatched: string[] = [];
  const empty: string[] = [];
  for (const name of images) {
    if (!masks.has(name)) continue;
    let image: Awaited<ReturnType<typeof readPngGray>>;
    let mask: Awaited<ReturnType<typeof readPngGray>>;
    try {
      image = await readPngGray(path.join(imagesDir, name));
      mask = await readPngGray(path.join(masksDir, name));
    } catch (error) {
      unreadable.push(`${name} (${error instanceof Error ? error.message : String(error)})`);
      continue;
    }
    if (mask.width !== image.width || mask.height !== image.height) {
      mismatched.push(
        `${name} (image ${image.width}x${image.height}, mask ${mask.width}x${mask.height})`,
      );
      continue;
    }
    const union = maskFromData(mask.width, mask.height, mask.pixels);
    const objects = connectedComponents(union, 8);
    if (objects.length === 0) {
      empty.push(name);
      continue;
    }
    out.push({
      name,
      pixels: image.pixels,
      width: image.width,
      height: image.height,
      mask: union,
      objects,
    });
  }
  if (unreadable.length > 0)
    problems.push(`${unreadable.length} files are not readable PNGs: ${listed(unreadable)}`);
  if (mismatched.length > 0)
    problems.push(
      `${mismatched.length} masks differ in size from their image: ${listed(mismatched)}`,
    );
  if (empty.length > 0)
    problems.push(
      `${empty.length} masks have no object (every pixel 0; remove those images or draw their objects): ${listed(empty)}`,
    );
  if (problems.length > 0)
    throw new LabeledFolderError(
      `${root} is not a usable labeled folder (${LAYOUT}):\n- ${problems.join('\n- ')}`,
    );
  return out;
}
