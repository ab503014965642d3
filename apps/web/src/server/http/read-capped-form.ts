/**
 * A request's multipart form, read with a byte cap counted as the body arrives: a declared
 * Content-Length over the cap is refused before reading, and a body without one (chunked) is cut
 * off at the cap with TOO_LARGE instead of being buffered whole first.
 */
import { AppError } from '../errors/app-error';

export async function readCappedForm(
  req: Request,
  maxBytes: number,
  limitText: string,
): Promise<FormData> {
  const declared = Number(req.headers.get('content-length') ?? '');
  const tooLarge = (size: string) =>
    new AppError('TOO_LARGE', `Upload is ${size}; the limit is ${limitText}. Nothing was stored.`);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(`${declared} bytes`);
  if (!req.body) throw new AppError('BAD_INPUT', 'Expected a multipart form with a "file" field.');
  let received = 0;
  let overLimit = false;
  const counted = req.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        received += chunk.byteLength;
        if (received > maxBytes) {
          overLimit = true;
          controller.error(tooLarge(`over ${maxBytes} bytes`));
          return;
        }
        controller.enqueue(chunk);
      },
    }),
  );
  const headers = new Headers(req.headers);
  headers.delete('content-length');
  try {
    return await new Request(req.url, {
      method: 'POST',
      headers,
      body: counted,
      duplex: 'half',
    } as RequestInit & { duplex: 'half' }).formData();
  } catch (error) {
    if (overLimit) throw tooLarge(`over ${maxBytes} bytes`);
    throw new AppError('BAD_INPUT', 'Expected a multipart form with a "file" field.', undefined, {
      cause: error,
    });
  }
}
