/**
 * Decoded images/volumes -> blobs (pixels PNG + thumbnail per plane) and rows (Volume, Image,
 * Task) in ONE transaction for everything given, so a refused or failed group leaves no rows.
 * Blobs are content-addressed: a failed group leaves at most unreferenced blobs that a re-upload
 * reuses.
 */
import { createHash } from 'node:crypto';
import type { Db } from '@loupe/db';
import type { BlobStore } from '../../blobs';
import type { DecodedImage, DecodedVolume } from './decoded-image';
import { encodePlane } from './encode-plane';

export interface SourceFile {
  storageKey: string;
  sha256: string;
  sizeBytes: number;
  name: string;
}

export interface PersistItem {
  decoded: DecodedImage | DecodedVolume;
  mimeType: string;
  /** Display name (the upload's file name, or the series description). */
  name: string;
  /** The file the item came from (a volume's slices may each have their own: `sliceSources`). */
  source: SourceFile;
  /** Identity of the volume row (unique per project). */
  volumeSha256?: string;
  /** One source per slice (DICOM series: one file per slice), by DecodedSliceInfo.sourceIndex. */
  sliceSources?: Map<number, SourceFile>;
}

export interface IngestedImage {
  id: string;
  taskId: string;
  fileName: string;
  width: number;
  height: number;
  bitDepth: number;
  sliceIndex: number | null;
}

export interface PersistedVolume {
  id: string;
  name: string;
  kind: 'VOLUME' | 'SEQUENCE';
  depth: number;
  timeIndex: number | null;
  note: string | null;
}

export interface PersistResult {
  volumes: PersistedVolume[];
  images: IngestedImage[];
}

/** Image and Task rows per insert statement (see the insert loop in persistDecoded). */
const ROWS_PER_STATEMENT = 8;

export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export async function persistDecoded(
  deps: { db: Db; blobs: BlobStore },
  projectId: string,
  items: PersistItem[],
  priority = 0,
): Promise<PersistResult> {
  // Pixels and thumbnails first (slow, outside the transaction).
  const encoded: { pixelsKey: string; thumbnailKey: string }[][] = [];
  for (const { decoded } of items) {
    const planes = decoded.kind === 'image' ? [decoded.pixels] : decoded.slices;
    const keys = [];
    for (const pixels of planes) {
      const { pixelsPng, thumbnailJpeg } = await encodePlane({
        width: decoded.width,
        height: decoded.height,
        bitDepth: decoded.bitDepth,
        pixels,
      });
      keys.push({
        pixelsKey: (await deps.blobs.put(pixelsPng, { ext: '.png' })).key,
        thumbnailKey: (await deps.blobs.put(thumbnailJpeg, { ext: '.jpg' })).key,
      });
    }
    encoded.push(keys);
  }

  return deps.db.$transaction(
    async (tx) => {
      const volumes: PersistedVolume[] = [];
      const images: IngestedImage[] = [];
      for (const [n, item] of items.entries()) {
        const { decoded, source } = item;
        const keys = encoded[n] as { pixelsKey: string; thumbnailKey: string }[];
        let volumeId: string | null = null;
        if (decoded.kind === 'volume') {
          const name =
            decoded.timeIndex !== undefined ? `${item.name} [t=${decoded.timeIndex}]` : item.name;
          const volume = await tx.volume.create({
            data: {
              projectId,
              name,
              storageKey: source.storageKey,
              sha256: item.volumeSha256 ?? source.sha256,
              sizeBytes: source.sizeBytes,
              width: decoded.width,
              height: decoded.height,
              depth: decoded.depth,
              spacing: decoded.spacing,
              kind: decoded.volumeKind,
              affine: decoded.affine ?? [],
              affineSource: decoded.affineSource ?? null,
              sliceOrder: decoded.sliceOrder ?? null,
              sourceFormat: item.mimeType === 'application/dicom' ? 'dicom' : 'nifti',
              ...(decoded.niftiHeader ? { niftiHeader: decoded.niftiHeader as object } : {}),
              timeIndex: decoded.timeIndex ?? null,
              studyInstanceUid: decoded.series?.studyInstanceUid ?? null,
              seriesInstanceUid: decoded.series?.seriesInstanceUid ?? null,
              frameOfReferenceUid: decoded.series?.frameOfReferenceUid ?? null,
              modality: decoded.series?.modality ?? null,
            },
            select: { id: true, name: true, kind: true, depth: true, timeIndex: true },
          });
          volumeId = volume.id;
          volumes.push({ ...volume, note: decoded.note ?? null });
        }
        const rows = keys.map((k, index) => {
          const info = decoded.kind === 'volume' ? decoded.sliceInfo?.[index] : undefined;
          const sliceSource =
            info?.sourceIndex !== undefined ? item.sliceSources?.get(info.sourceIndex) : undefined;
          const file = sliceSource ?? source;
          const values = info?.values ?? decoded.values;
          const window = info?.window !== undefined ? info.window : decoded.window;
          const dicom = info?.dicom ?? (decoded.kind === 'image' ? decoded.dicom : undefined);
          const isSlice = volumeId !== null;
          // A slice's identity: its own file (DICOM series), else (volume file, index).
          const sha256 = !isSlice
            ? source.sha256
            : sliceSource && dicom?.frameNumber == null
              ? sliceSource.sha256
              : sha256Hex(`${item.volumeSha256 ?? source.sha256}:slice:${index}`);
          return {
            projectId,
            fileName: isSlice
              ? `${volumes[volumes.length - 1]!.name}#${String(index).padStart(3, '0')}`
              : item.name,
            mimeType: item.mimeType,
            width: decoded.width,
            height: decoded.height,
            channels: decoded.kind === 'image' ? decoded.channels : 1,
            bitDepth: decoded.bitDepth,
            storageKey: file.storageKey,
            pixelsKey: k.pixelsKey,
            thumbnailKey: k.thumbnailKey,
            sizeBytes: file.sizeBytes,
            sha256,
            volumeId,
            sliceIndex: isSlice ? index : null,
            valueSlope: values?.slope ?? 1,
            valueIntercept: values?.intercept ?? 0,
            valueUnit: values?.unit ?? null,
            windowCenter: window?.center ?? null,
            windowWidth: window?.width ?? null,
            slicePosition: info?.position ?? [],
            studyInstanceUid: dicom?.studyInstanceUid ?? null,
            seriesInstanceUid: dicom?.seriesInstanceUid ?? null,
            sopInstanceUid: dicom?.sopInstanceUid ?? null,
            sopClassUid: dicom?.sopClassUid ?? null,
            frameOfReferenceUid: dicom?.frameOfReferenceUid ?? null,
            frameNumber: dicom?.frameNumber ?? null,
            sourceName: info?.sourceName ?? file.name,
          };
        });
        // A few statements per volume, ROWS_PER_STATEMENT rows each, with a turn of the event
        // loop between: Prisma compiles each statement on the request thread at a cost that grows
        // faster than its rows (one statement for a 160-slice volume held every other request
        // for 0.7-2.6 s at load 20; 16 rows per statement up to 350 ms, 8 rows about 100 ms).
        const created = [];
        const tasks = [];
        for (let at = 0; at < rows.length; at += ROWS_PER_STATEMENT) {
          if (at > 0) await new Promise((resolve) => setImmediate(resolve));
          const part = await tx.image.createManyAndReturn({
            data: rows.slice(at, at + ROWS_PER_STATEMENT),
            select: {
              id: true,
              fileName: true,
              width: true,
              height: true,
              bitDepth: true,
              sliceIndex: true,
            },
          });
          await new Promise((resolve) => setImmediate(resolve));
          tasks.push(
            ...(await tx.task.createManyAndReturn({
              data: part.map((image) => ({ projectId, imageId: image.id, priority })),
              select: { id: true, imageId: true },
            })),
          );
          created.push(...part);
        }
        const taskByImage = new Map(tasks.map((t) => [t.imageId, t.id]));
        images.push(
          ...created
            .map((image) => ({ ...image, taskId: taskByImage.get(image.id) ?? '' }))
            .sort((a, b) => (a.sliceIndex ?? 0) - (b.sliceIndex ?? 0)),
        );
      }
      return { volumes, images };
    },
    { timeout: 120_000 },
  );
}
