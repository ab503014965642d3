/**
 * Upload bodies are capped while they stream: a chunked body (no Content-Length) over the cap is
 * refused with TOO_LARGE once the cap is passed, not after the whole body has been read.
 */
import { describe, expect, it } from 'vitest';
import { isAppError } from '../errors/app-error';
import { readCappedForm } from './read-capped-form';

const BOUNDARY = 'loupe-test-boundary';
const encoder = new TextEncoder();

/** A multipart body of one "file" part of `size` bytes, sent in 64 KiB chunks; counts pulls. */
function chunkedUpload(size: number, options: { name?: string; fill?: number[] } = {}) {
  const head = encoder.encode(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="${options.name ?? 'big.nii'}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  const tail = encoder.encode(`\r\n--${BOUNDARY}--\r\n`);
  const chunk = new Uint8Array(64 * 1024).fill(1);
  // A leading signature (e.g. a zip's PK\x03\x04) on the first chunk only.
  const first = chunk.slice();
  first.set(options.fill ?? []);
  let sent = 0;
  let stage: 'head' | 'body' | 'tail' | 'done' = 'head';
  const stats = { bytesPulled: 0 };
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      let next: Uint8Array | null = null;
      if (stage === 'head') {
        next = head;
        stage = 'body';
      } else if (stage === 'body') {
        next = (sent === 0 ? first : chunk).subarray(0, Math.min(chunk.length, size - sent));
        sent += next.length;
        if (sent >= size) stage = 'tail';
      } else if (stage === 'tail') {
        next = tail;
        stage = 'done';
      }
      if (next) {
        stats.bytesPulled += next.length;
        controller.enqueue(next);
      } else controller.close();
    },
  });
  const request = new Request('http://localhost/api/projects/p/images', {
    method: 'POST',
    headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
    body,
    duplex: 'half',
  } as RequestInit & { duplex: 'half' });
  return { request, stats };
}

describe('readCappedForm', () => {
  it('reads a chunked body under the cap', async () => {
    const { request } = chunkedUpload(200_000);
    expect(request.headers.get('content-length')).toBeNull();
    const form = await readCappedForm(request, 1024 * 1024, '1 MiB');
    expect(form.files.map((f) => [f.name, f.bytes.length])).toEqual([['big.nii', 200_000]]);
    expect(form.files[0]!.bytes.every((b) => b === 1)).toBe(true);
  });

  it('gives other requests turns of the event loop while a fast body streams in', async () => {
    // Every chunk is available at once, so without yielding read() never leaves microtasks.
    const { request } = chunkedUpload(16 * 1024 * 1024);
    let turns = 0;
    let ticking = true;
    const tick = () => {
      turns++;
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    const form = await readCappedForm(request, 32 * 1024 * 1024, '32 MiB');
    ticking = false;
    expect(form.files[0]!.bytes.length).toBe(16 * 1024 * 1024);
    // One turn per MiB read at least.
    expect(turns).toBeGreaterThanOrEqual(16);
  });

  it('refuses a chunked body over the cap as it streams, without reading the rest', async () => {
    const { request, stats } = chunkedUpload(300 * 1024 * 1024);
    const error = await readCappedForm(request, 1024 * 1024, '1048576 bytes per request').then(
      () => null,
      (e: unknown) => e,
    );
    expect(isAppError(error) && error.code).toBe('TOO_LARGE');
    expect((error as Error).message).toBe(
      'Upload is over 1048576 bytes; the limit is 1048576 bytes per request. Nothing was stored.',
    );
    // Stream buffering may pull a few chunks ahead, never the 300 MB.
    expect(stats.bytesPulled).toBeLessThan(2 * 1024 * 1024);
  });

  it('refuses a declared Content-Length over the cap before reading anything', async () => {
    const { request } = chunkedUpload(10);
    const declared = new Request(request, {
      headers: {
        'content-type': request.headers.get('content-type')!,
        'content-length': String(5 * 1024 * 1024),
      },
    });
    await expect(readCappedForm(declared, 1024 * 1024, '1 MiB')).rejects.toThrow(
      'Upload is 5242880 bytes; the limit is 1 MiB. Nothing was stored.',
    );
    expect(declared.bodyUsed).toBe(false);
  });

  it('reads several files and fields in order', async () => {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(70_000).fill(3)]), 'a.dcm');
    form.append('fourD', 'sequence');
    form.append('file', new Blob([new Uint8Array([1, 2, 3])]), 'b.dcm');
    const request = new Request('http://localhost/x', { method: 'POST', body: form });
    const read = await readCappedForm(request, 1024 * 1024, '1 MiB');
    expect(read.files.map((f) => [f.name, f.bytes.length])).toEqual([
      ['a.dcm', 70_000],
      ['b.dcm', 3],
    ]);
    expect(read.fields.get('fourD')).toBe('sequence');
  });

  it('a multipart body cut short is bad input, not a 500', async () => {
    const body = encoder.encode(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="x.png"\r\n\r\nabc`,
    );
    const request = new Request('http://localhost/x', {
      method: 'POST',
      headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
      body,
    });
    const error = await readCappedForm(request, 1024, '1 KiB').catch((e: unknown) => e);
    expect(isAppError(error) && error.code).toBe('BAD_INPUT');
  });

  it('a body that is not multipart is bad input', async () => {
    const request = new Request('http://localhost/x', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'hello',
    });
    const error = await readCappedForm(request, 1024, '1 KiB').catch((e: unknown) => e);
    expect(isAppError(error) && error.code).toBe('BAD_INPUT');
  });

  it('cuts a file part at the per-file cap as it streams, naming the file', async () => {
    const MiB = 1024 * 1024;
    const { request, stats } = chunkedUpload(300 * MiB, { name: 'huge-scan.nii' });
    const error = await readCappedForm(request, 320 * MiB, '320 MiB per request', {
      maxBytes: 2 * MiB,
    }).catch((e: unknown) => e);
    expect(isAppError(error) && error.code).toBe('TOO_LARGE');
    expect((error as Error).message).toBe(
      `huge-scan.nii is over ${2 * MiB} bytes, the limit per file. Nothing was stored.`,
    );
    expect(isAppError(error) && error.details).toEqual({
      file: 'huge-scan.nii',
      limitBytes: 2 * MiB,
    });
    // Refused at the per-file cap, far below the request cap: a few chunks past 2 MiB at most.
    expect(stats.bytesPulled).toBeLessThan(3 * MiB);
  });

  it('keeps a file of exactly the per-file cap, and parts the cap exempts', async () => {
    const MiB = 1024 * 1024;
    const exact = await readCappedForm(chunkedUpload(2 * MiB).request, 8 * MiB, '8 MiB', {
      maxBytes: 2 * MiB,
    });
    expect(exact.files[0]!.bytes.length).toBe(2 * MiB);
    const zipHead = [0x50, 0x4b, 0x03, 0x04];
    const isZipHead = (head: Uint8Array) => zipHead.every((b, i) => head[i] === b);
    const zip = await readCappedForm(
      chunkedUpload(5 * MiB, { name: 'series.zip', fill: zipHead }).request,
      8 * MiB,
      '8 MiB',
      { maxBytes: 2 * MiB, exempt: isZipHead },
    );
    expect(zip.files.map((f) => [f.name, f.bytes.length])).toEqual([['series.zip', 5 * MiB]]);
  });

  it('refuses the one oversized file among several small ones', async () => {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(1000)]), 'small.dcm');
    form.append('file', new Blob([new Uint8Array(200_000)]), 'large.dcm');
    const request = new Request('http://localhost/x', { method: 'POST', body: form });
    const error = await readCappedForm(request, 1024 * 1024, '1 MiB', { maxBytes: 100_000 }).catch(
      (e: unknown) => e,
    );
    expect(isAppError(error) && error.code).toBe('TOO_LARGE');
    expect((error as Error).message).toMatch(/^large\.dcm is over 100000 bytes/);
  });
});
