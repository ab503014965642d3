/**
 * Inflate gzip (or raw deflate) as a stream on zlib's thread pool, never on the request thread,
 * with a hard output cap: a bomb or a gzip trailer that lies about its size costs at most `cap`
 * bytes of memory and the time to inflate them. `inspect` sees the first `headBytes` inflated
 * bytes before the rest is inflated; it may refuse (throw) or say how many bytes are needed in
 * all, and inflation stops there (a NIfTI file needs vox_offset + its voxel data, nothing after).
 */
import { createGunzip, createInflateRaw, type Gunzip, type InflateRaw } from 'node:zlib';
import { AppError } from '../../errors/app-error';

export interface InflateCappedOptions {
  format: 'gzip' | 'deflate-raw';
  /** Most bytes ever inflated; more means TOO_LARGE. */
  cap: number;
  /** How the refusal names what was inflated, e.g. "This gzip file". */
  what: string;
  headBytes?: number;
  /** Refuse by throwing, or return the total bytes needed (inflation stops there). */
  inspect?: (head: Uint8Array) => number | void;
}

export interface InflateCappedResult {
  bytes: Uint8Array;
  /** Bytes zlib produced (at most cap plus one output chunk); tests hold refusals to this. */
  inflated: number;
  /** True when inspect's byte count was reached before the end of the stream. */
  stoppedEarly: boolean;
}

const CHUNK = 64 * 1024;

export function inflateCapped(
  input: Uint8Array,
  options: InflateCappedOptions,
): Promise<InflateCappedResult> {
  const stream: Gunzip | InflateRaw =
    options.format === 'gzip'
      ? createGunzip({ chunkSize: CHUNK })
      : createInflateRaw({ chunkSize: CHUNK });
  return new Promise((resolve, reject) => {
    let chunks: Buffer[] = [];
    // Once the needed size is known, bytes go straight into one buffer of that size (no concat).
    let out: Buffer | null = null;
    let inflated = 0;
    let needed: number | null = null;
    let inspected = !options.inspect;
    let done = false;
    const finish = (stoppedEarly: boolean) => {
      if (done) return;
      done = true;
      stream.destroy();
      // A stream that ends short of the needed size is returned short (the decoder says truncated).
      const all = out
        ? out.subarray(0, Math.min(inflated, out.length))
        : Buffer.concat(chunks, inflated);
      resolve({
        bytes: new Uint8Array(all.buffer, all.byteOffset, all.length),
        inflated,
        stoppedEarly,
      });
    };
    const fail = (error: unknown) => {
      if (done) return;
      done = true;
      stream.destroy();
      reject(error);
    };
    stream.on('data', (chunk: Buffer) => {
      if (done) return;
      if (out) chunk.copy(out, inflated, 0, Math.min(chunk.length, out.length - inflated));
      else chunks.push(chunk);
      inflated += chunk.length;
      if (!inspected && inflated >= (options.headBytes ?? 0)) {
        inspected = true;
        try {
          const total = options.inspect!(new Uint8Array(Buffer.concat(chunks)));
          if (typeof total === 'number') {
            if (total > options.cap)
              return fail(
                new AppError(
                  'TOO_LARGE',
                  `${options.what} needs ${total} bytes inflated; the limit is ${options.cap}.`,
                  { inflatedBytes: inflated },
                ),
              );
            needed = total;
            out = Buffer.alloc(total);
            let at = 0;
            for (const c of chunks) at += c.copy(out, at, 0, Math.min(c.length, total - at));
            chunks = [];
          }
        } catch (error) {
          return fail(error);
        }
      }
      if (needed !== null && inflated >= needed) return finish(true);
      if (inflated > options.cap)
        fail(
          new AppError(
            'TOO_LARGE',
            `${options.what} inflates to more than ${options.cap} bytes, the limit; nothing was stored.`,
            { inflatedBytes: inflated },
          ),
        );
    });
    stream.on('end', () => {
      if (!inspected && options.inspect) {
        inspected = true;
        try {
          options.inspect(new Uint8Array(Buffer.concat(chunks)));
        } catch (error) {
          return fail(error);
        }
      }
      finish(false);
    });
    stream.on('error', (error) =>
      fail(
        new AppError(
          'BAD_INPUT',
          `${options.what} is damaged and could not be inflated (${error.message}).`,
          undefined,
          { cause: error },
        ),
      ),
    );
    // Written in slices so a refusal stops zlib before it has even seen the rest of the input.
    const feed = (offset: number) => {
      if (done) return;
      if (offset >= input.length) return void stream.end();
      const slice = input.subarray(offset, offset + CHUNK);
      if (stream.write(slice)) setImmediate(() => feed(offset + CHUNK));
      else stream.once('drain', () => feed(offset + CHUNK));
    };
    feed(0);
  });
}
