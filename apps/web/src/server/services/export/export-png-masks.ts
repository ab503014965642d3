/**
 * A zip of one 8-bit (16-bit past 255 objects) PNG label map per annotated image or slice
 * (0 = background) plus a manifest mapping files, objects and values. Slices are named with their
 * slice index, and an object keeps one value on every slice of its volume.
 */
import type { Db } from '@loupe/db';
import sharp from '../images/configured-sharp';
import { loadExportAnnotations, type ExportImage } from './load-export-annotations';
import { storedZip, type ZipEntry } from './stored-zip';
import { volumeLabelValues } from './volume-label-values';

const safe = (name: string) => name.replace(/[^\w.-]/g, '_').replace(/\.[^.]*$/, '');

export async function exportPngMasks(
  db: Db,
  projectId: string,
  options: { approvedOnly?: boolean } = {},
): Promise<Uint8Array> {
  const all = await loadExportAnnotations(db, projectId, options);
  // Values per volume come from all its slices, annotated or not.
  const byVolume = new Map<string, ExportImage[]>();
  for (const image of all)
    if (image.volumeId)
      byVolume.set(image.volumeId, [...(byVolume.get(image.volumeId) ?? []), image]);
  const volumeValues = new Map(
    [...byVolume].map(([id, slices]) => [id, volumeLabelValues(slices)]),
  );
  const images = all.filter((i) => i.objects.length > 0);
  const entries: ZipEntry[] = [];
  const manifest = [];
  for (const [index, image] of images.entries()) {
    const values = image.volumeId ? volumeValues.get(image.volumeId) : undefined;
    const valueOf = (objectId: string, k: number) => values?.get(objectId)?.value ?? k + 1;
    const max = Math.max(...image.objects.map((o, k) => valueOf(o.objectId, k)));
    const sixteen = max > 255;
    const labels = sixteen
      ? new Uint16Array(image.width * image.height)
      : new Uint8Array(image.width * image.height);
    image.objects.forEach((object, k) => {
      const value = valueOf(object.objectId, k);
      const data = object.mask.data;
      for (let i = 0; i < data.length; i++) if (data[i]) labels[i] = value;
    });
    const stem = safe(image.fileName.replace(/#\d+$/, ''));
    const slice =
      image.sliceIndex !== null ? `_slice${String(image.sliceIndex).padStart(4, '0')}` : '';
    const name = `masks/${String(index + 1).padStart(5, '0')}_${stem}${slice}.png`;
    const png = await sharp(labels, {
      raw: { width: image.width, height: image.height, channels: 1 },
    })
      .toColourspace(sixteen ? 'grey16' : 'b-w')
      .png()
      .toBuffer();
    entries.push({ name, bytes: new Uint8Array(png) });
    manifest.push({
      mask: name,
      image: image.fileName,
      imageId: image.id,
      volumeId: image.volumeId,
      sliceIndex: image.sliceIndex,
      objects: image.objects.map((o, k) => ({
        value: valueOf(o.objectId, k),
        objectId: o.objectId,
        label: o.label,
        area: o.area,
      })),
    });
  }
  entries.push({
    name: 'manifest.json',
    bytes: new TextEncoder().encode(JSON.stringify({ images: manifest }, null, 2)),
  });
  return storedZip(entries);
}
