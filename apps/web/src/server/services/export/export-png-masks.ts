/**
 * A zip of one 8-bit PNG label map per annotated image (0 = background, k = k-th object) plus
 * a manifest mapping file names, objects and labels.
 */
import type { Db } from '@loupe/db';
import sharp from 'sharp';
import { loadExportAnnotations } from './load-export-annotations';
import { storedZip, type ZipEntry } from './stored-zip';

export async function exportPngMasks(
  db: Db,
  projectId: string,
  options: { approvedOnly?: boolean } = {},
): Promise<Uint8Array> {
  const images = (await loadExportAnnotations(db, projectId, options)).filter(
    (i) => i.objects.length > 0,
  );
  const entries: ZipEntry[] = [];
  const manifest = [];
  for (const [index, image] of images.entries()) {
    const labels = new Uint8Array(image.width * image.height);
    image.objects.forEach((object, k) => {
      const value = Math.min(255, k + 1);
      const data = object.mask.data;
      for (let i = 0; i < data.length; i++) if (data[i]) labels[i] = value;
    });
    const name = `masks/${String(index + 1).padStart(5, '0')}_${image.fileName.replace(/[^\w.-]/g, '_').replace(/\.[^.]*$/, '')}.png`;
    const png = await sharp(labels, {
      raw: { width: image.width, height: image.height, channels: 1 },
    })
      .toColourspace('b-w')
      .png()
      .toBuffer();
    entries.push({ name, bytes: new Uint8Array(png) });
    manifest.push({
      mask: name,
      image: image.fileName,
      imageId: image.id,
      objects: image.objects.map((o, k) => ({
        value: k + 1,
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
