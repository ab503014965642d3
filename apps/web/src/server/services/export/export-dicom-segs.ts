/**
 * Every DICOM-sourced volume and image with masks as a DICOM SEG, in one zip with a manifest;
 * sources a SEG cannot be derived from are listed with the reason instead of failing the export.
 */
import type { Db } from '@loupe/db';
import type { BlobStore } from '../../blobs';
import { isAppError } from '../../errors/app-error';
import { buildDicomSeg } from './build-dicom-seg';
import { storedZip, type ZipEntry } from './stored-zip';

export async function exportDicomSegs(
  deps: { db: Db; blobs: BlobStore },
  projectId: string,
  options: { approvedOnly?: boolean } = {},
): Promise<Uint8Array> {
  const withMasks = await deps.db.image.findMany({
    where: {
      projectId,
      mimeType: 'application/dicom',
      annotations: { some: { supersededAt: null } },
      ...(options.approvedOnly ? { task: { status: 'APPROVED' } } : {}),
    },
    select: { id: true, volumeId: true, fileName: true },
  });
  const targets = new Map<string, { volumeId: string } | { imageId: string }>();
  for (const image of withMasks)
    if (image.volumeId) targets.set(`v:${image.volumeId}`, { volumeId: image.volumeId });
    else targets.set(`i:${image.id}`, { imageId: image.id });
  const entries: ZipEntry[] = [];
  const manifest = [];
  for (const target of targets.values()) {
    try {
      const seg = await buildDicomSeg(deps, projectId, target, options);
      const name = `seg/${seg.sopInstanceUid}.dcm`;
      entries.push({ name, bytes: seg.bytes });
      manifest.push({ ...target, file: name, segments: seg.segments });
    } catch (error) {
      if (!isAppError(error)) throw error;
      manifest.push({ ...target, skipped: error.message });
    }
  }
  entries.push({
    name: 'manifest.json',
    bytes: new TextEncoder().encode(JSON.stringify({ segmentations: manifest }, null, 2)),
  });
  return storedZip(entries);
}
