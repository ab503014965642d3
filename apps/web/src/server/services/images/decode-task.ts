/**
 * What the decode worker runs (decode-worker.mjs): one task in, one result out, never a throw, so
 * an AppError's code and message cross the thread boundary intact (structured clone keeps only
 * an Error's message). The input bytes travel back with the result: they were moved, not copied.
 */
import { createHash } from 'node:crypto';
import { isAppError, type AppErrorCode } from '../../errors/app-error';
import type { ImageLimits } from './decoded-image';
import { decodeImageFile, type DecodedFile, type DecodeOptions } from './decode-image-file';
import { decodeDicomFile, readDicomFileHeader, type DecodedDicom } from './dicom/decode-dicom-file';
import type { DicomHeader } from './dicom/read-dicom-header';
import { describeError } from './dicom/describe-error';

export type DecodeTask =
  | { kind: 'sha256'; bytes: Uint8Array }
  | { kind: 'file'; bytes: Uint8Array; limits: ImageLimits; options: DecodeOptions }
  | { kind: 'dicom'; bytes: Uint8Array; limits: ImageLimits }
  | { kind: 'dicomHeader'; bytes: Uint8Array };

export interface DecodeTaskValue {
  sha256: string;
  file: DecodedFile;
  dicom: DecodedDicom;
  dicomHeader: DicomHeader;
}

export type DecodeTaskError =
  | { app: true; code: AppErrorCode; message: string; details?: Record<string, unknown> }
  | { app: false; message: string; stack?: string };

export type DecodeTaskResult<K extends DecodeTask['kind'] = DecodeTask['kind']> = {
  /** The task's input bytes, handed back. */
  bytes: Uint8Array;
} & ({ ok: true; value: DecodeTaskValue[K] } | { ok: false; error: DecodeTaskError });

async function run(task: DecodeTask): Promise<DecodeTaskValue[DecodeTask['kind']]> {
  switch (task.kind) {
    case 'sha256':
      return createHash('sha256').update(task.bytes).digest('hex');
    case 'file':
      return decodeImageFile(task.bytes, task.limits, task.options);
    case 'dicom':
      return decodeDicomFile(task.bytes, task.limits);
    case 'dicomHeader':
      return readDicomFileHeader(task.bytes);
  }
}

export async function runDecodeTask(task: DecodeTask): Promise<DecodeTaskResult> {
  try {
    return { bytes: task.bytes, ok: true, value: await run(task) };
  } catch (error) {
    if (isAppError(error))
      return {
        bytes: task.bytes,
        ok: false,
        error: {
          app: true,
          code: error.code,
          message: error.message,
          ...(error.details ? { details: error.details } : {}),
        },
      };
    return {
      bytes: task.bytes,
      ok: false,
      error: {
        app: false,
        message: describeError(error),
        ...(error instanceof Error && error.stack ? { stack: error.stack } : {}),
      },
    };
  }
}

/**
 * The ArrayBuffers under every typed array of a result, to move instead of copy. Small buffers
 * are left to structured clone: they may be slices of Node's shared Buffer pool, which cannot move.
 */
export function transferablesOf(value: unknown, minBytes = 64 * 1024): ArrayBuffer[] {
  const found = new Set<ArrayBuffer>();
  const seen = new Set<object>();
  const visit = (v: unknown) => {
    if (v === null || typeof v !== 'object' || seen.has(v)) return;
    seen.add(v);
    if (ArrayBuffer.isView(v)) {
      if (v.buffer instanceof ArrayBuffer && v.buffer.byteLength >= minBytes) found.add(v.buffer);
      return;
    }
    if (v instanceof Map) {
      for (const item of v.values()) visit(item);
      return;
    }
    for (const item of Array.isArray(v) ? v : Object.values(v)) visit(item);
  };
  visit(value);
  return [...found];
}
