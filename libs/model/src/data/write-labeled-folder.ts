/** Writes a labeled folder (the layout loadLabeledFolder reads) from images and their masks. */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Mask } from '@loupe/prompts';
import { assertTrainable } from './evaluation-only';
import { isPng, LabeledFolderError } from './labeled-folder';
import { encodeGrayPng } from './png';

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
