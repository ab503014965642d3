/**
 * Zip expansion: entries come out byte for byte (stored and deflated), and an entry that lies about
 * its size (a zip bomb) is refused once it passes its declared size, not after inflating it all.
 */
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../errors/app-error';
import { TEST_LIMITS } from '../../testing/web-test-context';
import { expandUpload } from './expand-upload';
import { readZipDirectory } from './read-zip-directory';

const MiB = 1024 * 1024;

/** Rewrites every declared uncompressed size (local and central headers) to `size`. */
function lieAboutSizes(zip: Uint8Array, size: number): Uint8Array {
  const out = zip.slice();
  const view = new DataView(out.buffer);
  for (let i = 0; i + 4 <= out.length; i++) {
    const signature = view.getUint32(i, true);
    if (signature === 0x04034b50) view.setUint32(i + 22, size, true);
    if (signature === 0x02014b50) view.setUint32(i + 24, size, true);
  }
  return out;
}

describe('expandUpload', () => {
  it('reads stored and deflated entries, skipping folders and macOS metadata', async () => {
    const text = new TextEncoder().encode('hello '.repeat(1000));
    const zip = zipSync({
      'scans/a.txt': [text, { level: 0 }],
      'scans/b.txt': [text, { level: 9 }],
      '__MACOSX/._a.txt': new Uint8Array(4),
    });
    const files = await expandUpload([{ name: 'set.zip', bytes: zip }], TEST_LIMITS);
    expect(files.map((f) => f.name)).toEqual(['set/scans/a.txt', 'set/scans/b.txt']);
    expect(Buffer.from(files[1]!.bytes).equals(Buffer.from(text))).toBe(true);
    expect(Buffer.from(files[0]!.bytes).equals(Buffer.from(text))).toBe(true);
  });

  it('refuses an entry that inflates past its declared size after that size, not all of it', async () => {
    // 16 MiB of zeros in ~16 KB, declared as 1000 bytes.
    const zip = lieAboutSizes(
      zipSync({ 'bomb.bin': new Uint8Array(16 * MiB) }, { level: 9 }),
      1000,
    );
    expect(zip.length).toBeLessThan(200 * 1024);
    expect(readZipDirectory(zip)![0]!.originalSize).toBe(1000);
    const error = await expandUpload([{ name: 'bomb.zip', bytes: zip }], TEST_LIMITS).catch(
      (e: unknown) => e,
    );
    expect(isAppError(error) && error.code).toBe('TOO_LARGE');
    expect((error as Error).message).toBe(
      'bomb.zip: bomb.bin declares 1000 bytes but inflates to more; the archive is refused.',
    );
    const inflated = (error as { cause: { details: { inflatedBytes: number } } }).cause.details
      .inflatedBytes;
    expect(inflated).toBeLessThanOrEqual(1000 + 64 * 1024);
  });

  it('refuses entries declared over the limit before inflating anything', async () => {
    const zip = lieAboutSizes(zipSync({ 'big.bin': new Uint8Array(10) }), 100 * MiB);
    const error = await expandUpload([{ name: 'big.zip', bytes: zip }], TEST_LIMITS).catch(
      (e: unknown) => e,
    );
    expect((error as Error).message).toMatch(
      /big\.zip holds files over the 8388608-byte limit: big\.bin \(104857600 bytes\)/,
    );
  });

  it('a damaged archive is bad input', async () => {
    const zip = zipSync({ 'a.txt': new Uint8Array(100) });
    const error = await expandUpload(
      [{ name: 'cut.zip', bytes: zip.subarray(0, zip.length - 30) }],
      TEST_LIMITS,
    ).catch((e: unknown) => e);
    expect(isAppError(error) && error.code).toBe('BAD_INPUT');
    expect((error as Error).message).toMatch(/cut\.zip is not a readable zip archive/);
  });
});
