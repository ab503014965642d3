/**
 * The held-out volumes the promotion gate measures propagation on (#14 item 5): every volume of
 * the project with an accepted mask on a VALIDATION slice, with the pixels of all its slices and,
 * for each object that has a validation slice, its accepted mask on every slice (one object id,
 * one Annotation per slice). Scored slices are the volume's slices outside the TRAIN split: the
 * validation slices and the slices no object was accepted on (where every object's truth is
 * empty, so a propagation that runs on past the object's end is counted against it). No training
 * mask is scored. At most `maxVolumes` volumes (the first created), so the gate stays bounded.
 */
import type { Db } from '@loupe/db';
import type { Mask } from '@loupe/prompts';
import { acceptedAnnotationWhere } from './accepted-annotation-filter';
import type { BlobReader } from './blob-reader';
import { decodeAnnotationMask } from './decode-annotation-mask';
import type { GrayImage } from './decode-image-pixels';
import { loadImage } from './load-image';

export interface ValidationVolume {
  id: string;
  width: number;
  height: number;
  /** Every slice in order (index = sliceIndex); luminance 0..1. */
  slices: GrayImage[];
  /** Slices outside the training split. */
  scored: Set<number>;
  objects: { id: string; masks: Map<number, Uint8Array> }[];
}

export const DEFAULT_MAX_VALIDATION_VOLUMES = 8;

export async function loadValidationVolumes(
  db: Db,
  blobs: BlobReader,
  projectId: string,
  options: { maxVolumes?: number } = {},
): Promise<ValidationVolume[]> {
  const held = await db.annotation.findMany({
    where: {
      ...acceptedAnnotationWhere(projectId),
      image: { split: 'VALIDATION', volumeId: { not: null } },
    },
    select: { objectId: true, image: { select: { volumeId: true } } },
  });
  const objectsByVolume = new Map<string, Set<string>>();
  for (const row of held) {
    const volumeId = row.image.volumeId as string;
    let objects = objectsByVolume.get(volumeId);
    if (!objects) objectsByVolume.set(volumeId, (objects = new Set()));
    objects.add(row.objectId);
  }
  if (objectsByVolume.size === 0) return [];
  const volumes = await db.volume.findMany({
    where: { projectId, id: { in: [...objectsByVolume.keys()] } },
    select: { id: true, width: true, height: true, depth: true },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    take: options.maxVolumes ?? DEFAULT_MAX_VALIDATION_VOLUMES,
  });
  const out: ValidationVolume[] = [];
  for (const volume of volumes) {
    const images = await db.image.findMany({
      where: { projectId, volumeId: volume.id, sliceIndex: { not: null } },
      select: {
        id: true,
        pixelsKey: true,
        width: true,
        height: true,
        fileName: true,
        split: true,
        sliceIndex: true,
      },
      orderBy: { sliceIndex: 'asc' },
    });
    // Only whole volumes: a slice missing or of another size leaves the volume out.
    const complete =
      images.length === volume.depth &&
      images.every(
        (image, k) =>
          image.sliceIndex === k && image.width === volume.width && image.height === volume.height,
      );
    if (!complete) continue;
    const objectIds = [...(objectsByVolume.get(volume.id) ?? [])].sort();
    const annotations = await db.annotation.findMany({
      where: {
        ...acceptedAnnotationWhere(projectId),
        objectId: { in: objectIds },
        image: { volumeId: volume.id },
      },
      select: {
        id: true,
        imageId: true,
        objectId: true,
        width: true,
        height: true,
        finalRle: true,
        image: { select: { width: true, height: true, sliceIndex: true } },
      },
    });
    const objects = objectIds.map((id) => ({ id, masks: new Map<number, Uint8Array>() }));
    for (const annotation of annotations) {
      const mask: Mask = decodeAnnotationMask(annotation.finalRle, {
        annotationId: annotation.id,
        imageId: annotation.imageId,
        imageWidth: annotation.image.width,
        imageHeight: annotation.image.height,
        width: annotation.width,
        height: annotation.height,
      });
      const object = objects.find((o) => o.id === annotation.objectId)!;
      const k = annotation.image.sliceIndex as number;
      // Two accepted masks of one object on one slice (two annotators): their union.
      const previous = object.masks.get(k);
      if (previous) for (let i = 0; i < previous.length; i++) previous[i]! |= mask.data[i]!;
      else object.masks.set(k, Uint8Array.from(mask.data));
    }
    const slices: GrayImage[] = [];
    for (const image of images) slices.push(await loadImage(blobs, image));
    out.push({
      id: volume.id,
      width: volume.width,
      height: volume.height,
      slices,
      scored: new Set(images.filter((i) => i.split !== 'TRAIN').map((i) => i.sliceIndex!)),
      objects,
    });
  }
  return out;
}
