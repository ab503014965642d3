/**
 * A request's multipart form, read with a byte cap counted as the body arrives: a declared
 * Content-Length over the cap is refused before reading, and a body without one (chunked) is cut
 * off at the cap with TOO_LARGE instead of being buffered whole first. Parsed as a stream
 * (@fastify/busboy), a chunk at a time as it arrives: a whole-body parse of a large upload
 * (Request.formData) holds the request thread for seconds.
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

/** Body bytes read between turns of the event loop given to other requests. */
const YIELD_EVERY_BYTES = 1024 * 1024;

export async function readCappedForm(
  req: Request,
  maxBytes: number,
  limitText: string,
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
  const parsed = new Promise<void>((resolve, reject) => {
    const fail = (error: unknown) =>
      reject(new AppError('BAD_INPUT', NOT_MULTIPART, undefined, { cause: error }));
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
      stream.on('data', (chunk: Buffer) => bytes.push(chunk));
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
