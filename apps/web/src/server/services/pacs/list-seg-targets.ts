/** DICOM-sourced volumes and images of the project that have masks: what can go back as SEG. */
import type { Db } from '@loupe/db';

export interface SegTarget {
  kind: 'volume' | 'image';
  id: string;
  name: string;
  masks: number;
  seriesInstanceUid: string | null;
}

export async function listSegTargets(db: Db, projectId: string): Promise<SegTarget[]> {
  const images = await db.image.findMany({
    where: {
      projectId,
      mimeType: 'application/dicom',
      annotations: { some: { supersededAt: null } },
    },
    select: {
      id: true,
      fileName: true,
      seriesInstanceUid: true,
      volume: { select: { id: true, name: true, seriesInstanceUid: true } },
      _count: { select: { annotations: { where: { supersededAt: null } } } },
    },
  });
  const targets = new Map<string, SegTarget>();
  for (const image of images) {
    const key = image.volume ? `v:${image.volume.id}` : `i:${image.id}`;
    const existing = targets.get(key);
    if (existing) existing.masks += image._count.annotations;
    else
      targets.set(key, {
        kind: image.volume ? 'volume' : 'image',
        id: image.volume?.id ?? image.id,
        name: image.volume?.name ?? image.fileName,
        masks: image._count.annotations,
        seriesInstanceUid: image.volume?.seriesInstanceUid ?? image.seriesInstanceUid,
      });
  }
  return [...targets.values()];
}
