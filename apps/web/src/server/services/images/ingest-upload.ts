/**
 * Ingest one upload of several files (a dropped folder, a multi-select, zip archives): DICOM files
 * are grouped by series from their headers (one series -> one volume, multi-frame -> sequence),
 * everything else is ingested file by file. Each group is stored in one transaction, so a refused
 * group stores nothing while the rest of the upload is still imported; every file gets an outcome
 * with a reason.
 */
import type { Db } from '@loupe/db';
import type { BlobStore } from '../../blobs';
import { AppError, isAppError, type AppErrorCode } from '../../errors/app-error';
import { fromDbError } from '../../errors/from-db-error';
import type { DecodedImage, DecodedVolume, ImageLimits } from './decoded-image';
import type { DecodeOptions } from './decode-image-file';
import {
  decodeDicomFileOffThread,
  readDicomFileHeaderOffThread,
  sha256OffThread,
} from './decode-pool';
import type { DecodedDicom } from './dicom/decode-dicom-file';
import { dicomSeriesToVolume, dicomToImage, dicomToSequence } from './dicom/dicom-to-decoded';
import { describeError } from './dicom/describe-error';
import { planDicomSeries, type DicomEntry, type DicomPlan } from './dicom/plan-dicom-series';
import { expandUpload, type UploadFile } from './expand-upload';
import { cleanFileName, findDuplicate, ingestImage } from './ingest-image';
import {
  persistDecoded,
  sha256Hex,
  type PersistedVolume,
  type SourceFile,
} from './persist-decoded';
import { sniffImageType } from './sniff-image-type';

export interface UploadOutcome {
  /** The uploaded files (or zip entries) this outcome is about. */
  files: string[];
  ok: boolean;
  message: string;
  code?: AppErrorCode;
  volumes?: PersistedVolume[];
  imageIds?: string[];
}

export interface IngestUploadInput {
  projectId: string;
  files: UploadFile[];
  fourD?: DecodeOptions['fourD'];
  priority?: number;
  /** The caller hands the files' bytes over (see IngestInput.bytesOwned). */
  bytesOwned?: boolean;
}

function failure(files: string[], error: unknown): UploadOutcome {
  const known = isAppError(error) ? error : fromDbError(error);
  if (known) return { files, ok: false, message: known.message, code: known.code };
  return {
    files,
    ok: false,
    message: `Could not be imported: ${describeError(error)}.`,
    code: 'INTERNAL',
  };
}

function describeStored(volumes: PersistedVolume[], images: number): string {
  if (volumes.length === 0) return images > 1 ? `${images} images added` : 'added';
  return volumes
    .map(
      (v) =>
        `${v.kind === 'SEQUENCE' ? 'sequence' : 'volume'} of ${v.depth} ${v.kind === 'SEQUENCE' ? 'frames' : 'slices'}${v.note ? ` (${v.note})` : ''}`,
    )
    .join('; ');
}

async function storeDicomPlan(
  deps: { db: Db; blobs: BlobStore },
  input: IngestUploadInput,
  plan: DicomPlan,
  files: UploadFile[],
  limits: ImageLimits,
  owned: (file: UploadFile) => boolean,
): Promise<UploadOutcome> {
  const names = plan.files.map((i) => files[i]!.name);
  const sources = new Map<number, SourceFile>();
  for (const i of plan.files) {
    const hashed = await sha256OffThread(files[i]!.bytes, owned(files[i]!));
    files[i] = { name: files[i]!.name, bytes: hashed.bytes };
    const sha256 = hashed.value;
    const duplicate = await findDuplicate(deps.db, input.projectId, sha256);
    if (duplicate)
      throw new AppError(
        'CONFLICT',
        `${files[i]!.name} is already in the project (as ${duplicate}).`,
      );
    sources.set(i, {
      storageKey: '',
      sha256,
      sizeBytes: hashed.bytes.length,
      name: files[i]!.name,
    });
  }
  const decoded = new Map<number, DecodedDicom>();
  for (const i of plan.files) {
    try {
      const moved = await decodeDicomFileOffThread(files[i]!.bytes, limits, owned(files[i]!));
      files[i] = { name: files[i]!.name, bytes: moved.bytes };
      decoded.set(i, moved.value);
    } catch (error) {
      const reason = isAppError(error) ? error.message : describeError(error);
      throw new AppError(
        isAppError(error) ? error.code : 'BAD_INPUT',
        plan.files.length > 1
          ? `${files[i]!.name}: ${reason} Nothing of its series was stored.`
          : reason,
        undefined,
        { cause: error },
      );
    }
  }
  for (const i of plan.files) {
    const key = (await deps.blobs.put(files[i]!.bytes, { ext: '.dcm' })).key;
    sources.set(i, { ...sources.get(i)!, storageKey: key });
  }
  const first = plan.files[0]!;
  let item: DecodedImage | DecodedVolume;
  let source: SourceFile = sources.get(first)!;
  let volumeSha256: string | undefined;
  let name = cleanFileName(files[first]!.name);
  if (plan.kind === 'image') item = dicomToImage(decoded.get(first)!);
  else if (plan.kind === 'sequence')
    item = dicomToSequence(decoded.get(first)!, plan, files[first]!.name);
  else {
    item = dicomSeriesToVolume(plan, decoded, new Map(plan.files.map((i) => [i, files[i]!.name])));
    // The volume's "original" is a manifest of its files; each slice keeps its own file.
    const manifest = new TextEncoder().encode(
      JSON.stringify({
        seriesInstanceUid: item.series?.seriesInstanceUid ?? null,
        files: plan.files.map((i) => sources.get(i)!),
      }),
    );
    const shas = plan.files.map((i) => sources.get(i)!.sha256).sort();
    volumeSha256 = sha256Hex(`dicom-series:${shas.join(',')}`);
    source = {
      storageKey: (await deps.blobs.put(manifest, { ext: '.json' })).key,
      sha256: volumeSha256,
      sizeBytes: plan.files.reduce((n, i) => n + files[i]!.bytes.length, 0),
      name,
    };
    const series = decoded.get(first)!.header.source;
    name = cleanFileName(
      series.seriesDescription || `series ${series.seriesNumber ?? ''}`.trim() || name,
    );
  }
  const result = await persistDecoded(
    deps,
    input.projectId,
    [
      {
        decoded: item,
        mimeType: 'application/dicom',
        name,
        source,
        ...(volumeSha256 ? { volumeSha256 } : {}),
        sliceSources: sources,
      },
    ],
    input.priority ?? 0,
  );
  return {
    files: names,
    ok: true,
    message: describeStored(result.volumes, result.images.length),
    volumes: result.volumes,
    imageIds: result.images.map((i) => i.id),
  };
}

export async function ingestUpload(
  deps: { db: Db; blobs: BlobStore },
  input: IngestUploadInput,
  limits: ImageLimits & { maxBatchBytes?: number },
): Promise<{ outcomes: UploadOutcome[] }> {
  const outcomes: UploadOutcome[] = [];
  let files: UploadFile[];
  try {
    files = await expandUpload(input.files, limits);
  } catch (error) {
    return {
      outcomes: [
        failure(
          input.files.map((f) => f.name),
          error,
        ),
      ],
    };
  }
  // Zip entries (and files whose bytes were moved back from a worker) are ours to move.
  const owned = (file: UploadFile) => input.bytesOwned === true || !input.files.includes(file);
  const dicom: DicomEntry[] = [];
  for (const [index, file] of files.entries()) {
    if (file.bytes.length === 0) {
      outcomes.push({
        files: [file.name],
        ok: false,
        message: 'The file is empty.',
        code: 'BAD_INPUT',
      });
      continue;
    }
    if (file.bytes.length > limits.maxBytes) {
      outcomes.push({
        files: [file.name],
        ok: false,
        message: `File is ${file.bytes.length} bytes; the limit is ${limits.maxBytes}.`,
        code: 'TOO_LARGE',
      });
      continue;
    }
    if (sniffImageType(file.bytes) === 'application/dicom') {
      try {
        // Off the request thread: a deflated data set is inflated to read its header.
        const read = await readDicomFileHeaderOffThread(file.bytes, owned(file));
        files[index] = { name: file.name, bytes: read.bytes };
        dicom.push({ index, name: file.name, header: read.value });
      } catch (error) {
        outcomes.push(failure([file.name], error));
      }
      continue;
    }
    try {
      const result = await ingestImage(
        deps,
        {
          projectId: input.projectId,
          fileName: file.name,
          bytes: file.bytes,
          bytesOwned: owned(file),
          ...(input.fourD ? { fourD: input.fourD } : {}),
          ...(input.priority !== undefined ? { priority: input.priority } : {}),
        },
        limits,
      );
      outcomes.push({
        files: [file.name],
        ok: true,
        message: describeStored(result.volumes, result.images.length),
        volumes: result.volumes,
        imageIds: result.images.map((i) => i.id),
      });
    } catch (error) {
      outcomes.push(failure([file.name], error));
    }
  }
  const { plans, refusals } = planDicomSeries(dicom, limits);
  for (const refusal of refusals)
    outcomes.push({
      files: refusal.files.map((i) => files[i]!.name),
      ok: false,
      message: refusal.reason,
      code: /limit/.test(refusal.reason) ? 'TOO_LARGE' : 'BAD_INPUT',
    });
  for (const plan of plans) {
    try {
      outcomes.push(await storeDicomPlan(deps, input, plan, files, limits, owned));
    } catch (error) {
      outcomes.push(
        failure(
          plan.files.map((i) => files[i]!.name),
          error,
        ),
      );
    }
  }
  return { outcomes };
}
