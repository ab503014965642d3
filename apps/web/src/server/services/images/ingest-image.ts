/**
 * Ingest one uploaded file: sniff its type from content, decode (PNG, JPEG, 8/16-bit TIFF,
 * single-frame DICOM, NIfTI volume), check limits, write the original, pixels and thumbnail to the
 * content-addressed blob store, then create Image (+ Volume) and Task rows in ONE transaction.
 * A refused file leaves no rows; blobs are content-addressed, so a half-finished upload leaves at
 * most unreferenced blobs that a re-upload reuses. The demo seed uses this same function.
 */
import { createHash } from 'node:crypto';
import type { Db } from '@loupe/db';
import type { BlobStore } from '../../blobs';
import { AppError } from '../../errors/app-error';
import type { DecodedImage, DecodedVolume, ImageLimits } from './decoded-image';
import { decodeDicom } from './decode-dicom';
import { decodeNifti } from './decode-nifti';
import { decodeRaster } from './decode-raster';
import { encodePlane } from './encode-plane';
import { describeLeadingBytes, sniffImageType } from './sniff-image-type';

export interface IngestInput {
  projectId: string;
  fileName: string;
  bytes: Uint8Array;
  /** Initial queue priority of the new tasks (active learning re-scores later). */
  priority?: number;
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

export interface IngestResult {
  mimeType: string;
  volumeId: string | null;
  images: IngestedImage[];
}

const STORAGE_EXT: Record<string, string> = {
  'image/png': '.png',
  'image/jpeg': '.jpg',
  'image/tiff': '.tif',
  'application/dicom': '.dcm',
  'application/x-nifti': '.nii',
};

function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function cleanFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? 'image';
  // Keep names printable and bounded; they are shown in the UI and exports.
  return base.replace(/[^\w.\- ()+]/g, '_').slice(0, 200) || 'image';
}

async function decode(
  bytes: Uint8Array,
  limits: ImageLimits,
): Promise<{ mimeType: string; decoded: DecodedImage | DecodedVolume }> {
  const sniffed = sniffImageType(bytes);
  switch (sniffed) {
    case 'image/png':
    case 'image/jpeg':
    case 'image/tiff':
      return { mimeType: sniffed, decoded: await decodeRaster(bytes, sniffed, limits) };
    case 'application/dicom':
      return { mimeType: sniffed, decoded: decodeDicom(bytes, limits) };
    case 'application/x-nifti':
    case 'application/x-nifti+gzip':
      return { mimeType: 'application/x-nifti', decoded: decodeNifti(bytes, limits) };
    case null:
      throw new AppError(
        'UNSUPPORTED_MEDIA',
        `Not a PNG, JPEG, TIFF, DICOM or NIfTI file (content starts with ${describeLeadingBytes(bytes) || 'nothing'}); the file name does not decide the type.`,
      );
  }
}

export async function ingestImage(
  deps: { db: Db; blobs: BlobStore },
  input: IngestInput,
  limits: ImageLimits,
): Promise<IngestResult> {
  const { db, blobs } = deps;
  if (input.bytes.length === 0) throw new AppError('BAD_INPUT', 'The file is empty.');
  if (input.bytes.length > limits.maxBytes)
    throw new AppError(
      'TOO_LARGE',
      `File is ${input.bytes.length} bytes; the limit is ${limits.maxBytes}.`,
    );
  const fileName = cleanFileName(input.fileName);
  const sha256 = sha256Hex(input.bytes);

  const duplicate = await db.image.findFirst({
    where: { projectId: input.projectId, OR: [{ sha256 }, { volume: { sha256 } }] },
    select: { fileName: true },
  });
  if (duplicate)
    throw new AppError(
      'CONFLICT',
      `This file is already in the project (as ${duplicate.fileName}).`,
    );

  const { mimeType, decoded } = await decode(input.bytes, limits);
  const storageKey = (await blobs.put(input.bytes, { ext: STORAGE_EXT[mimeType] ?? '' })).key;
  const planes = decoded.kind === 'image' ? [decoded.pixels] : decoded.slices;
  const encoded: { pixelsKey: string; thumbnailKey: string }[] = [];
  for (const pixels of planes) {
    const { pixelsPng, thumbnailJpeg } = await encodePlane({
      width: decoded.width,
      height: decoded.height,
      bitDepth: decoded.bitDepth,
      pixels,
    });
    encoded.push({
      pixelsKey: (await blobs.put(pixelsPng, { ext: '.png' })).key,
      thumbnailKey: (await blobs.put(thumbnailJpeg, { ext: '.jpg' })).key,
    });
  }

  const priority = input.priority ?? 0;
  return db.$transaction(
    async (tx) => {
      const volume =
        decoded.kind === 'volume'
          ? await tx.volume.create({
              data: {
                projectId: input.projectId,
                name: fileName,
                storageKey,
                sha256,
                sizeBytes: input.bytes.length,
                width: decoded.width,
                height: decoded.height,
                depth: decoded.depth,
                spacing: decoded.spacing,
              },
              select: { id: true },
            })
          : null;
      const isSlice = volume !== null;
      // Two statements whatever the slice count (createManyAndReturn), so big volumes commit quickly.
      const created = await tx.image.createManyAndReturn({
        data: encoded.map((keys, index) => ({
          projectId: input.projectId,
          fileName: isSlice ? `${fileName}#${String(index).padStart(3, '0')}` : fileName,
          mimeType,
          width: decoded.width,
          height: decoded.height,
          channels: decoded.kind === 'image' ? decoded.channels : 1,
          bitDepth: decoded.bitDepth,
          storageKey,
          pixelsKey: keys.pixelsKey,
          thumbnailKey: keys.thumbnailKey,
          sizeBytes: input.bytes.length,
          // Slices share the volume's bytes; their identity is (volume, index).
          sha256: isSlice ? sha256Hex(`${sha256}:slice:${index}`) : sha256,
          volumeId: volume?.id ?? null,
          sliceIndex: isSlice ? index : null,
        })),
        select: {
          id: true,
          fileName: true,
          width: true,
          height: true,
          bitDepth: true,
          sliceIndex: true,
        },
      });
      const tasks = await tx.task.createManyAndReturn({
        data: created.map((image) => ({ projectId: input.projectId, imageId: image.id, priority })),
        select: { id: true, imageId: true },
      });
      const taskByImage = new Map(tasks.map((t) => [t.imageId, t.id]));
      const images: IngestedImage[] = created
        .map((image) => ({ ...image, taskId: taskByImage.get(image.id) ?? '' }))
        .sort((a, b) => (a.sliceIndex ?? 0) - (b.sliceIndex ?? 0));
      return { mimeType, volumeId: volume?.id ?? null, images };
    },
    { timeout: 60_000 },
  );
}
