/**
 * For each volume: a NIfTI-1 label volume in the source's geometry (its header, affine and
 * qform/sform codes carried over; DICOM series get sform = qform = their patient affine) where one
 * object keeps one value through the volume, and a JSON manifest of the labels (per object: its
 * slices, the slices where the annotator ended it, and each slice's provenance); all in one zip with
 * an index (manifest.json). An end is an empty slice in the label volume, so only the manifest can
 * tell "ended here" from "never reached".
 */
import type { Db } from '@loupe/db';
import { loadExportAnnotations } from './load-export-annotations';
import { niftiLabelHeader } from './nifti-label-header';
import { storedZip, type ZipEntry } from './stored-zip';
import { volumeLabelValues } from './volume-label-values';

function baseName(name: string, taken: Set<string>): string {
  const stem =
    name
      .replace(/\.nii(\.gz)?$/i, '')
      .replace(/\.dcm$/i, '')
      .replace(/[^\w.-]+/g, '_')
      .replace(/^_+|_+$/g, '') || 'volume';
  let candidate = stem;
  for (let n = 2; taken.has(candidate); n++) candidate = `${stem}_${n}`;
  taken.add(candidate);
  return candidate;
}

export async function exportNiftiVolumes(
  db: Db,
  projectId: string,
  options: { approvedOnly?: boolean } = {},
): Promise<Uint8Array> {
  const volumes = await db.volume.findMany({
    where: { projectId },
    orderBy: { createdAt: 'asc' },
    select: {
      id: true,
      name: true,
      kind: true,
      width: true,
      height: true,
      depth: true,
      spacing: true,
      affine: true,
      affineSource: true,
      niftiHeader: true,
      sourceFormat: true,
      seriesInstanceUid: true,
      timeIndex: true,
    },
  });
  const images = await loadExportAnnotations(db, projectId, options);
  const entries: ZipEntry[] = [];
  const index = [];
  const taken = new Set<string>();
  for (const volume of volumes) {
    const slices = images.filter((i) => i.volumeId === volume.id && i.sliceIndex !== null);
    const labels = volumeLabelValues(slices);
    const maxValue = labels.size;
    const plane = volume.width * volume.height;
    const voxels =
      maxValue > 255 ? new Uint16Array(plane * volume.depth) : new Uint8Array(plane * volume.depth);
    for (const image of slices) {
      const base = image.sliceIndex! * plane;
      for (const object of image.objects) {
        const value = labels.get(object.objectId)!.value;
        const data = object.mask.data;
        for (let i = 0; i < data.length; i++) if (data[i]) voxels[base + i] = value;
      }
    }
    const header = niftiLabelHeader({
      width: volume.width,
      height: volume.height,
      depth: volume.depth,
      spacing: volume.spacing,
      affine: volume.affine,
      niftiHeader: (volume.niftiHeader as Record<string, unknown> | null) ?? null,
      maxValue,
      description: `Loupe labels of ${volume.name}`.slice(0, 79),
    });
    const name = baseName(volume.name, taken);
    const body = new Uint8Array(voxels.buffer, voxels.byteOffset, voxels.byteLength);
    const file = new Uint8Array(header.length + body.length);
    file.set(header);
    file.set(body, header.length);
    entries.push({ name: `${name}_labels.nii`, bytes: file });
    const manifest = {
      volume: {
        id: volume.id,
        name: volume.name,
        kind: volume.kind,
        dims: [volume.width, volume.height, volume.depth],
        spacing: volume.spacing,
        affine: volume.affine,
        affineSource: volume.affineSource,
        sourceFormat: volume.sourceFormat,
        seriesInstanceUid: volume.seriesInstanceUid,
        timeIndex: volume.timeIndex,
      },
      labels: [...labels.values()].map((l) => ({ ...l, slices: [...new Set(l.slices)] })),
    };
    entries.push({
      name: `${name}_labels.json`,
      bytes: new TextEncoder().encode(JSON.stringify(manifest, null, 2)),
    });
    index.push({
      volume: volume.name,
      labels: `${name}_labels.nii`,
      manifest: `${name}_labels.json`,
      objects: labels.size,
    });
  }
  entries.push({
    name: 'manifest.json',
    bytes: new TextEncoder().encode(JSON.stringify({ volumes: index }, null, 2)),
  });
  return storedZip(entries);
}
