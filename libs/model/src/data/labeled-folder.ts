/**
 * A labeled folder, the format a team brings to `npm run eval -- --data DIR` and
 * `npm run bench:loop -- --data DIR`: DIR/images/*.png and DIR/masks/*.png with the same file
 * names; a mask pixel is part of an object when it is nonzero, and the objects are the mask's
 * 8-connected components. Images are read as 8-bit luminance (16-bit and colour PNGs included).
 * Every problem in the folder is reported at once, in one LabeledFolderError; nothing is written.
 */
import { existsSync, statSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { connectedComponents, maskFromData, type Mask } from '@loupe/prompts';
import { assertTrainable } from './evaluation-only';
import { encodeGrayPng, readPngGray } from './png';

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

const isPng = (name: string) => name.toLowerCase().endsWith('.png');

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

export interface LabeledFolderEntry {
  name: string;
  pixels: Uint8Array;
  width: number;
  height: number;
  mask: Mask;
}

/**
 * Writes entries as a labeled folder (images/NAME.png 8-bit gray, masks/NAME.png 0/255). Refuses
 * evaluation-only images: a folder on disk could be uploaded into a project and trained on.
 */
export async function writeLabeledFolder(
  dir: string,
  entries: LabeledFolderEntry[],
): Promise<void> {
  assertTrainable(
    entries.map((e) => e.pixels),
    'writeLabeledFolder',
  );
  const names = new Set<string>();
  for (const e of entries) {
    if (!isPng(e.name) || path.basename(e.name) !== e.name)
      throw new LabeledFolderError(
        `writeLabeledFolder: '${e.name}' must be a plain file name ending in .png`,
      );
    if (names.has(e.name)) throw new LabeledFolderError(`writeLabeledFolder: '${e.name}' twice`);
    names.add(e.name);
    if (
      e.pixels.length !== e.width * e.height ||
      e.mask.width !== e.width ||
      e.mask.height !== e.height
    )
      throw new LabeledFolderError(
        `writeLabeledFolder: ${e.name}: image ${e.width}x${e.height} with ${e.pixels.length} pixels, mask ${e.mask.width}x${e.mask.height}`,
      );
  }
  await mkdir(path.join(dir, 'images'), { recursive: true });
  await mkdir(path.join(dir, 'masks'), { recursive: true });
  for (const e of entries) {
    const mask = new Uint8Array(e.mask.data.length);
    for (let i = 0; i < mask.length; i++) mask[i] = e.mask.data[i] ? 255 : 0;
    await writeFile(path.join(dir, 'images', e.name), encodeGrayPng(e.pixels, e.width, e.height));
    await writeFile(path.join(dir, 'masks', e.name), encodeGrayPng(mask, e.width, e.height));
  }
}
