/**
 * A request's multipart form, read with a byte cap counted as the body arrives: a declared
 * Content-Length over the cap is refused before reading, and a body without one (chunked) is cut
 * off at the cap with TOO_LARGE instead of being buffered whole first. Parsed as a stream
 * (@fastify/busboy), a chunk at a time as it arrives: a whole-body parse of a large upload
 * (Request.formData) holds the request thread for seconds. With `perFile`, each file part is cut
 * off at the per-file cap as it streams too (TOO_LARGE naming the file), so one oversized file
 * never costs more than the cap in memory, whatever the request cap allows.
 */
import Busboy from '@fastify/busboy';
import { AppError } from '../errors/app-error';
import { createByteCollector } from './byte-collector';

export interface UploadForm {
  /** The "file" parts in order, each as its own buffer (safe to hand to the decode pool). */
  files: Array<{ name: string; bytes: Uint8Array }>;
  /** The other fields (the last value of each). */
  fields: Map<string, string>;
}

const NOT_MULTIPART = 'Expected a multipart form with a "file" field.';

export interface PerFileCap {
  maxBytes: number;
  /** Parts judged by their first bytes (e.g. a zip, whose entries are capped one by one) are not cut. */
  exempt?: (head: Uint8Array) => boolean;
}

/** Leading bytes of each part kept for `PerFileCap.exempt`. */
const HEAD_BYTES = 16;

/** Body bytes read between turns of the event loop given to other requests. */
const YIELD_EVERY_BYTES = 1024 * 1024;

export async function readCappedForm(
  req: Request,
  maxBytes: number,
  limitText: string,
  perFile?: PerFileCap,
): Promise<UploadForm> {
  const declared = Number(req.headers.get('content-length') ?? '');
  const tooLarge = (size: string) =>
    new AppError('TOO_LARGE', `Upload is ${size}; the limit is ${limitText}. Nothing was stored.`);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(`${declared} bytes`);
  const contentType = req.headers.get('content-type') ?? '';
  if (!req.body || !/^multipart\/form-data\b/i.test(contentType))
    throw new AppError('BAD_INPUT', NOT_MULTIPART);
  let parser: ReturnType<typeof Busboy>;
  try {
    parser = Busboy({ headers: { 'content-type': contentType } });
  } catch (error) {
    throw new AppError('BAD_INPUT', NOT_MULTIPART, undefined, { cause: error });
  }
  const form: UploadForm = { files: [], fields: new Map() };
  // A part over the per-file cap: set while parsing, thrown by the read loop, which stops reading.
  let refused: AppError | null = null;
  const parsed = new Promise<void>((resolve, reject) => {
    const fail = (error: unknown) =>
      reject(
        error instanceof AppError
          ? error
          : new AppError('BAD_INPUT', NOT_MULTIPART, undefined, { cause: error }),
      );
    const pending: Promise<void>[] = [];
    parser.on('file', (field, stream, filename) => {
      if (field !== 'file') {
        stream.resume();
        return;
      }
      // Copied into our own blocks as it arrives: the chunks are never kept (byte-collector.ts).
      const bytes = createByteCollector();
      // Its place in the form is where it started, whatever order the parts finish in.
      const at = form.files.push({ name: filename, bytes: new Uint8Array(0) }) - 1;
      const head = new Uint8Array(HEAD_BYTES);
      let headLength = 0;
      stream.on('data', (chunk: Buffer) => {
        if (refused) return;
        if (headLength < HEAD_BYTES) {
          const n = Math.min(HEAD_BYTES - headLength, chunk.length);
          head.set(chunk.subarray(0, n), headLength);
          headLength += n;
        }
        if (
          perFile &&
          bytes.size + chunk.length > perFile.maxBytes &&
          !perFile.exempt?.(head.subarray(0, headLength))
        ) {
          refused = new AppError(
            'TOO_LARGE',
            `${filename || 'A file'} is over ${perFile.maxBytes} bytes, the limit per file. Nothing was stored.`,
            { file: filename, limitBytes: perFile.maxBytes },
          );
          fail(refused);
          return;
        }
        bytes.push(chunk);
      });
      // A part cut short (the body ended inside it) errors on the part's own stream.
      stream.on('error', fail);
      pending.push(
        new Promise((done) =>
          stream.on('end', () => {
            void bytes.finish().then(
              (whole) => {
                form.files[at] = { name: filename, bytes: whole };
                done();
              },
              (error: unknown) => {
                fail(error);
                done();
              },
            );
          }),
        ),
      );
    });
    parser.on('field', (field, value) => form.fields.set(field, value));
    parser.on('finish', () => void Promise.all(pending).then(() => resolve()));
    parser.on('error', fail);
  });
  // Keep the rejection handled while the body is still being fed.
  parsed.catch(() => undefined);
  const reader = req.body.getReader();
  let received = 0;
  let sinceYield = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      received += value.byteLength;
      if (received > maxBytes) throw tooLarge(`over ${maxBytes} bytes`);
      if (!parser.write(value)) await new Promise((resolve) => parser.once('drain', resolve));
      if (refused) throw refused;
      // Buffered chunks resolve read() at once (microtasks): without a turn of the event loop
      // now and then, a fast upload would keep every other request waiting until it ends.
      sinceYield += value.byteLength;
      if (sinceYield >= YIELD_EVERY_BYTES) {
        sinceYield = 0;
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    parser.end();
  } catch (error) {
    await reader.cancel().catch(() => undefined);
    parser.destroy();
    throw error;
  }
  await parsed;
  return form;
}
