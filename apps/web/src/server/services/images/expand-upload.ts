/**
 * The files of one upload, with zip archives replaced by their entries (folders flattened into
 * entry paths; macOS metadata and DICOMDIR indexes skipped). Declared entry sizes are checked
 * before anything is inflated, and fflate inflates into a buffer of the declared size.
 */
import { unzipSync } from 'fflate';
import { AppError } from '../../errors/app-error';
import type { ImageLimits } from './decoded-image';
import { isZip } from './sniff-image-type';

export interface UploadFile {
  /** Name as uploaded (a folder upload keeps its relative path; a zip entry "archive/path"). */
  name: string;
  bytes: Uint8Array;
}

const SKIPPED = /(^|\/)(__MACOSX\/|\.DS_Store$|Thumbs\.db$|DICOMDIR$)/i;

export function expandUpload(
  files: UploadFile[],
  limits: ImageLimits & { maxBatchBytes?: number },
): UploadFile[] {
  const maxTotal = limits.maxBatchBytes ?? limits.maxBytes;
  const out: UploadFile[] = [];
  for (const file of files) {
    if (!isZip(file.bytes)) {
      out.push(file);
      continue;
    }
    let total = 0;
    const oversized: string[] = [];
    let entries: Record<string, Uint8Array>;
    try {
      entries = unzipSync(file.bytes, {
        filter: (entry) => {
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
        },
      });
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw new AppError(
        'BAD_INPUT',
        `${file.name} is not a readable zip archive (${error instanceof Error ? error.message : String(error)}).`,
        undefined,
        { cause: error },
      );
    }
    if (oversized.length)
      throw new AppError(
        'TOO_LARGE',
        `${file.name} holds files over the ${limits.maxBytes}-byte limit: ${oversized.slice(0, 3).join(', ')}.`,
      );
    const base = file.name.replace(/\.zip$/i, '');
    for (const [name, bytes] of Object.entries(entries).sort(([a], [b]) => a.localeCompare(b)))
      out.push({ name: `${base}/${name}`, bytes });
  }
  return out;
}
