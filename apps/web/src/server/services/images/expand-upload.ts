/**
 * The files of one upload, with zip archives replaced by their entries (folders flattened into
 * entry paths; macOS metadata and DICOMDIR indexes skipped). Declared entry sizes are checked
 * before anything is inflated; each entry is inflated off the request thread and refused as soon
 * as it inflates past its declared size (a lying zip costs no more than it declares). Zip64
 * archives go through fflate, which writes into a buffer of the declared size.
 */
import { unzipSync } from 'fflate';
import { AppError, isAppError } from '../../errors/app-error';
import type { ImageLimits } from './decoded-image';
import { inflateCapped } from './inflate-capped';
import { readZipDirectory } from './read-zip-directory';
import { isZip } from './sniff-image-type';

export interface UploadFile {
  /** Name as uploaded (a folder upload keeps its relative path; a zip entry "archive/path"). */
  name: string;
  bytes: Uint8Array;
}

const SKIPPED = /(^|\/)(__MACOSX\/|\.DS_Store$|Thumbs\.db$|DICOMDIR$)/i;

async function inflateEntries(
  file: UploadFile,
  accept: (entry: { name: string; originalSize: number }) => boolean,
  refuseOversized: () => void,
): Promise<Record<string, Uint8Array> | null> {
  let directory: ReturnType<typeof readZipDirectory>;
  try {
    directory = readZipDirectory(file.bytes);
  } catch (error) {
    throw new AppError(
      'BAD_INPUT',
      `${file.name} is not a readable zip archive (${error instanceof Error ? error.message : String(error)}).`,
      undefined,
      { cause: error },
    );
  }
  if (!directory) return null;
  const wanted = directory.filter(accept);
  refuseOversized();
  const entries: Record<string, Uint8Array> = {};
  for (const entry of wanted) {
    const data = file.bytes.subarray(entry.dataStart, entry.dataStart + entry.compressedSize);
    if (entry.method === 0) {
      entries[entry.name] = data;
      continue;
    }
    if (entry.method !== 8)
      throw new AppError(
        'UNSUPPORTED_MEDIA',
        `${file.name}: ${entry.name} uses zip compression method ${entry.method}; only stored and deflate are read.`,
      );
    try {
      entries[entry.name] = (
        await inflateCapped(data, {
          format: 'deflate-raw',
          cap: entry.originalSize,
          what: `${file.name}: ${entry.name}`,
        })
      ).bytes;
    } catch (error) {
      if (isAppError(error) && error.code === 'TOO_LARGE')
        throw new AppError(
          'TOO_LARGE',
          `${file.name}: ${entry.name} declares ${entry.originalSize} bytes but inflates to more; the archive is refused.`,
          undefined,
          { cause: error },
        );
      throw error;
    }
  }
  return entries;
}

export async function expandUpload(
  files: UploadFile[],
  limits: ImageLimits & { maxBatchBytes?: number },
): Promise<UploadFile[]> {
  const maxTotal = limits.maxBatchBytes ?? limits.maxBytes;
  const out: UploadFile[] = [];
  for (const file of files) {
    if (!isZip(file.bytes)) {
      out.push(file);
      continue;
    }
    let total = 0;
    const oversized: string[] = [];
    const accept = (entry: { name: string; originalSize: number }) => {
      if (entry.name.endsWith('/') || SKIPPED.test(entry.name)) return false;
      if (entry.originalSize > limits.maxBytes) {
        oversized.push(`${entry.name} (${entry.originalSize} bytes)`);
        return false;
      }
      total += entry.originalSize;
      if (total > maxTotal)
        throw new AppError(
          'TOO_LARGE',
          `${file.name} inflates to more than ${maxTotal} bytes; upload it in parts.`,
        );
      return true;
    };
    const refuseOversized = () => {
      if (oversized.length)
        throw new AppError(
          'TOO_LARGE',
          `${file.name} holds files over the ${limits.maxBytes}-byte limit: ${oversized.slice(0, 3).join(', ')}.`,
        );
    };
    let entries: Record<string, Uint8Array>;
    try {
      const inflated = await inflateEntries(file, accept, refuseOversized);
      entries = inflated ?? unzipSync(file.bytes, { filter: accept });
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw new AppError(
        'BAD_INPUT',
        `${file.name} is not a readable zip archive (${error instanceof Error ? error.message : String(error)}).`,
        undefined,
        { cause: error },
      );
    }
    refuseOversized();
    const base = file.name.replace(/\.zip$/i, '');
    for (const [name, bytes] of Object.entries(entries).sort(([a], [b]) => a.localeCompare(b)))
      out.push({ name: `${base}/${name}`, bytes });
  }
  return out;
}
