/**
 * One label value per object through a volume: each object id found on the volume's slices gets
 * one value (1, 2, ... in order of first appearance, slice by slice), used by every export, so an
 * object keeps its value on every slice it covers.
 */
import type { ExportImage } from './load-export-annotations';

export interface VolumeLabel {
  value: number;
  objectId: string;
  label: string;
  /** Slices (indexes) the object covers, and its voxel count. */
  slices: number[];
  voxels: number;
  /** Slices where the annotator ended the object (erased its propagated mask there). */
  ends: number[];
  /** How each slice's mask came to be: prompted, propagated (from which slice) or edited. */
  sliceOrigins: { slice: number; origin: string | null; propagatedFrom: number | null }[];
  /** Model versions that proposed the object's slices. */
  modelVersionIds: string[];
}

export function volumeLabelValues(slices: ExportImage[]): Map<string, VolumeLabel> {
  const labels = new Map<string, VolumeLabel>();
  const ordered = [...slices].sort((a, b) => (a.sliceIndex ?? 0) - (b.sliceIndex ?? 0));
  for (const image of ordered)
    for (const object of image.objects) {
      let entry = labels.get(object.objectId);
      if (!entry) {
        entry = {
          value: labels.size + 1,
          objectId: object.objectId,
          label: object.label,
          slices: [],
          voxels: 0,
          ends: [],
          sliceOrigins: [],
          modelVersionIds: [],
        };
        labels.set(object.objectId, entry);
      }
      entry.slices.push(image.sliceIndex ?? 0);
      entry.voxels += object.area;
      entry.ends = [...new Set([...entry.ends, ...object.volumeEnds])].sort((a, b) => a - b);
      entry.sliceOrigins.push({
        slice: image.sliceIndex ?? 0,
        origin: object.sliceOrigin,
        propagatedFrom: object.propagatedFrom,
      });
      if (object.modelVersionId && !entry.modelVersionIds.includes(object.modelVersionId))
        entry.modelVersionIds.push(object.modelVersionId);
    }
  return labels;
}
