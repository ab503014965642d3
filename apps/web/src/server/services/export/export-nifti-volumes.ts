/**
 * For each NIfTI volume: a uint8 NIfTI-1 label volume (same x/y/z layout and spacing as the
 * upload; 0 = background, k = k-th object on that slice) in a zip.
 */
import type { Db } from '@loupe/db';
import { loadExportAnnotations } from './load-export-annotations';
import { storedZip, type ZipEntry } from './stored-zip';

export function niftiLabelVolume(
  width: number,
  height: number,
  depth: number,
  spacing: number[],
  labels: Uint8Array,
): Uint8Array {
  const header = new Uint8Array(352);
  const view = new DataView(header.buffer);
  view.setInt32(0, 348, true);
  [3, width, height, depth, 1, 1, 1, 1].forEach((d, i) => view.setInt16(40 + i * 2, d, true));
  view.setInt16(70, 2, true); // DT_UINT8
  view.setInt16(72, 8, true);
  [1, spacing[0] ?? 1, spacing[1] ?? 1, spacing[2] ?? 1, 1, 1, 1, 1].forEach((d, i) =>
    view.setFloat32(76 + i * 4, d, true),
  );
  view.setFloat32(108, 352, true);
  view.setFloat32(112, 1, true);
  header[123] = 10; // xyzt_units: mm + s
  header.set([0x6e, 0x2b, 0x31, 0x00], 344);
  const out = new Uint8Array(352 + labels.length);
  out.set(header);
  out.set(labels, 352);
  return out;
}

export async function exportNiftiVolumes(
  db: Db,
  projectId: string,
  options: { approvedOnly?: boolean } = {},
): Promise<Uint8Array> {
  const volumes = await db.volume.findMany({
    where: { projectId },
    orderBy: { createdAt: 'asc' },
    select: { id: true, name: true, width: true, height: true, depth: true, spacing: true },
  });
  const images = await loadExportAnnotations(db, projectId, options);
  const entries: ZipEntry[] = [];
  for (const volume of volumes) {
    const plane = volume.width * volume.height;
    const labels = new Uint8Array(plane * volume.depth);
    for (const image of images) {
      if (image.volumeId !== volume.id || image.sliceIndex === null) continue;
      image.objects.forEach((object, k) => {
        const data = object.mask.data;
        const base = image.sliceIndex! * plane;
        for (let i = 0; i < data.length; i++) if (data[i]) labels[base + i] = Math.min(255, k + 1);
      });
    }
    const name = `${volume.name.replace(/\.nii(\.gz)?$/i, '').replace(/[^\w.-]/g, '_')}_labels.nii`;
    entries.push({
      name,
      bytes: niftiLabelVolume(volume.width, volume.height, volume.depth, volume.spacing, labels),
    });
  }
  return storedZip(entries);
}
