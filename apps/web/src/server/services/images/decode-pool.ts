/**
 * Decoding (and the inflating and hashing that come with it) runs on a small pool of worker
 * threads (piscina), never on the request thread: one large or hostile upload keeps at most one
 * decode thread busy while every other request is answered. Bytes move to the worker and back
 * (transferred, not copied) when the caller hands them over; AppErrors come back with the same
 * code and message as when decoding ran inline. One thread stays up and warm (its decoders loaded
 * through tsx, a first decode run) so no upload waits seconds for a thread to start; the others
 * exit when idle, so their memory goes too.
 */
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { env } from '../../../env';
import { AppError } from '../../errors/app-error';
import type { ImageLimits } from './decoded-image';
import type { DecodedFile, DecodeOptions } from './decode-image-file';
import type { DecodeTask, DecodeTaskResult, DecodeTaskValue } from './decode-task';
import type { DecodedDicom } from './dicom/decode-dicom-file';
import type { DicomHeader } from './dicom/read-dicom-header';

/**
 * Beside this file in the source tree. Under `next build`, webpack replaces import.meta.url with
 * this source file's URL, so the same path holds in tests, in tsx scripts and under `next start`.
 */
const WORKER_FILE = join(dirname(fileURLToPath(import.meta.url)), 'decode-worker.mjs');

/** An idle thread beyond the first exits after this long (and its memory with it). */
const IDLE_MS = 10_000;

/**
 * Threads kept up however idle: a fresh one loads the decoders through tsx first, 3-10 s on a
 * busy machine, which the first upload after a quiet spell would otherwise wait for.
 */
const WARM_THREADS = 1;

let pool: Piscina | null = null;

function decodePool(): Piscina {
  pool ??= new Piscina({
    filename: WORKER_FILE,
    minThreads: Math.min(WARM_THREADS, env.LOUPE_DECODE_THREADS),
    maxThreads: env.LOUPE_DECODE_THREADS,
    idleTimeout: IDLE_MS,
    concurrentTasksPerWorker: 1,
  });
  return pool;
}

/** A 2 x 2 PNG: decoding it loads what a real decode needs (sharp's first use costs too). */
const WARM_UP_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAACXBIWXMAAAPoAAAD6AG1e1JrAAAAC0lEQVQImWNgQAYAAA4AAbGa6gYAAAAASUVORK5CYII=',
  'base64',
);

/**
 * Starts the warm thread and runs one tiny decode on it; resolves when it is ready. Called at
 * server start (src/instrumentation.ts), so the first upload finds a thread ready.
 */
export async function warmDecodePool(): Promise<void> {
  const limits = { maxBytes: 1024, maxSide: 16, maxPixels: 256, maxSlices: 1 };
  await decodeImageFileOffThread(new Uint8Array(WARM_UP_PNG), limits, {}, true);
}

/** Threads now running (the warm one stays); tests and the faults benchmark read it. */
export function decodeThreadCount(): number {
  return pool?.threads.length ?? 0;
}

/** The running threads' ids (tests: the warm thread is the same one after an idle spell). */
export function decodeThreadIds(): number[] {
  return pool?.threads.map((thread) => thread.threadId) ?? [];
}

/** Stops the pool's threads (tests; a later decode starts a new pool). */
export async function closeDecodePool(): Promise<void> {
  const closing = pool;
  pool = null;
  await closing?.destroy();
}

export interface Moved<T> {
  value: T;
  /** The input bytes, back from the worker (the caller's own view may now be empty). */
  bytes: Uint8Array;
}

/**
 * `owned`: the caller hands the bytes over, so a view of a whole ArrayBuffer is moved (the
 * caller's view is emptied). Otherwise, or for a slice of a larger buffer (a zip entry), only the
 * view's own bytes are copied and moved: cloning a view would copy the whole buffer under it.
 */
async function runTask<K extends DecodeTask['kind']>(
  task: Extract<DecodeTask, { kind: K }>,
  owned: boolean,
): Promise<Moved<DecodeTaskValue[K]>> {
  const input = task.bytes;
  const whole =
    input.buffer instanceof ArrayBuffer &&
    input.byteOffset === 0 &&
    input.byteLength === input.buffer.byteLength;
  const bytes = owned && whole ? input : input.slice();
  const result = (await decodePool().run(
    { ...task, bytes },
    { transferList: [bytes.buffer as ArrayBuffer] },
  )) as DecodeTaskResult<K>;
  if (result.ok) return { value: result.value as DecodeTaskValue[K], bytes: result.bytes };
  const failure = result.error;
  if (failure.app) throw new AppError(failure.code, failure.message, failure.details);
  const error = new Error(failure.message);
  if (failure.stack) error.stack = failure.stack;
  throw error;
}

/** Below this a hash costs less than the trip to a worker (a few ms at most). */
const INLINE_HASH_BYTES = 4 * 1024 * 1024;

export async function sha256OffThread(bytes: Uint8Array, owned = false): Promise<Moved<string>> {
  if (bytes.length < INLINE_HASH_BYTES)
    return { value: createHash('sha256').update(bytes).digest('hex'), bytes };
  return runTask({ kind: 'sha256', bytes }, owned);
}

export function decodeImageFileOffThread(
  bytes: Uint8Array,
  limits: ImageLimits,
  options: DecodeOptions = {},
  owned = false,
): Promise<Moved<DecodedFile>> {
  return runTask({ kind: 'file', bytes, limits: { ...limits }, options }, owned);
}

export function decodeDicomFileOffThread(
  bytes: Uint8Array,
  limits: ImageLimits,
  owned = false,
): Promise<Moved<DecodedDicom>> {
  return runTask({ kind: 'dicom', bytes, limits: { ...limits } }, owned);
}

/** A DICOM file's header (a deflated data set is inflated to read it, up to its cap). */
export function readDicomFileHeaderOffThread(
  bytes: Uint8Array,
  owned = false,
): Promise<Moved<DicomHeader>> {
  return runTask({ kind: 'dicomHeader', bytes }, owned);
}
