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
        };
        labels.set(object.objectId, entry);
      }
      entry.slices.push(image.sliceIndex ?? 0);
      entry.voxels += object.area;
    }
  return labels;
}
