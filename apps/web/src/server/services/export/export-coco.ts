/** COCO instance-segmentation JSON with compressed RLE masks (libs/prompts' COCO string). */
import type { Db } from '@loupe/db';
import { encodeRle, rleToCocoString } from '@loupe/prompts';
import { loadExportAnnotations } from './load-export-annotations';

export async function exportCoco(
  db: Db,
  projectId: string,
  options: { approvedOnly?: boolean } = {},
) {
  const project = await db.project.findUniqueOrThrow({
    where: { id: projectId },
    select: { name: true, objectLabel: true },
  });
  const images = await loadExportAnnotations(db, projectId, options);
  const labels = [
    ...new Set([project.objectLabel, ...images.flatMap((i) => i.objects.map((o) => o.label))]),
  ];
  const categoryId = new Map(labels.map((label, i) => [label, i + 1]));
  let annotationId = 1;
  return {
    info: {
      description: project.name,
      version: '1.0',
      date_created: new Date().toISOString(),
      contributor: 'Loupe',
    },
    licenses: [],
    categories: labels.map((name) => ({
      id: categoryId.get(name)!,
      name,
      supercategory: 'lesion',
    })),
    images: images.map((image, i) => ({
      id: i + 1,
      loupe_id: image.id,
      file_name: image.fileName,
      width: image.width,
      height: image.height,
      ...(image.volumeId ? { volume_id: image.volumeId, slice_index: image.sliceIndex } : {}),
      task_status: image.taskStatus,
    })),
    annotations: images.flatMap((image, i) =>
      image.objects.map((object) => {
        const rle = encodeRle(object.mask);
        return {
          id: annotationId++,
          image_id: i + 1,
          category_id: categoryId.get(object.label)!,
          segmentation: { size: rle.size, counts: rleToCocoString(rle) },
          area: object.area,
          bbox: object.bbox,
          iscrowd: 0,
          loupe_object_id: object.objectId,
        };
      }),
    ),
  };
}
