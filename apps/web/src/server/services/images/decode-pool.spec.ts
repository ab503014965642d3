/**
 * The decode pool (real worker threads, real decoders): refusals come back with the code and
 * message inline decoding gives, a large decode leaves the calling thread free, handed-over bytes
 * move instead of being copied, and the thread count stays within LOUPE_DECODE_THREADS.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { env } from '../../../env';
import { isAppError } from '../../errors/app-error';
import { dicom16, nifti16, pngHeaderOnly } from '../../testing/medical-formats';
import { TEST_LIMITS, testPng } from '../../testing/web-test-context';
import { decodeImageFile } from './decode-image-file';
import {
  closeDecodePool,
  decodeDicomFileOffThread,
  decodeImageFileOffThread,
  decodeThreadCount,
  decodeThreadIds,
  readDicomFileHeaderOffThread,
  sha256OffThread,
  warmDecodePool,
} from './decode-pool';
import { decodeDicomFile, readDicomFileHeader } from './dicom/decode-dicom-file';

const MiB = 1024 * 1024;

async function outcome(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'accepted';
  } catch (error) {
    return isAppError(error)
      ? `${error.code}: ${error.message}`
      : `Error: ${(error as Error).message}`;
  }
}

function volume(x: number, y: number, z: number): Uint8Array {
  const voxels = new Int16Array(x * y * z);
  for (let i = 0; i < voxels.length; i++) voxels[i] = (i * 7) % 3000;
  return nifti16(x, y, z, voxels);
}

afterAll(closeDecodePool);

describe('decode pool', () => {
  it('refuses bad files with the same code and message as decoding inline', async () => {
    const png = await testPng(40, 30, 3);
    const zeros = gzipSync(Buffer.alloc(16 * MiB), { level: 9 });
    const bad: Record<string, Uint8Array> = {
      truncatedPng: png.subarray(0, png.length >> 1),
      randomBytes: new Uint8Array(4096).map((_, i) => (i * 131 + 7) % 251),
      hugePng: pngHeaderOnly(100_000, 100_000),
      declaredTooLarge: new Uint8Array(
        Buffer.concat([
          gzipSync(nifti16(2000, 2000, 64, new Int16Array(0)).subarray(0, 352)),
          ...Array(8).fill(zeros),
        ]),
      ),
      gzipNotNifti: new Uint8Array(Buffer.concat(Array(4).fill(zeros))),
      damagedGzip: new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3, 4, 5]),
    };
    for (const [name, bytes] of Object.entries(bad)) {
      const inline = await outcome(decodeImageFile(bytes, TEST_LIMITS));
      const pooled = await outcome(decodeImageFileOffThread(bytes, TEST_LIMITS));
      expect(inline, name).not.toBe('accepted');
      expect(pooled, name).toBe(inline);
    }
  });

  it('decodes what inline decoding decodes (NIfTI .nii.gz, DICOM)', async () => {
    const nii = nifti16(
      32,
      24,
      5,
      Int16Array.from({ length: 32 * 24 * 5 }, (_, i) => i - 1000),
      {
        gzip: true,
      },
    );
    const inline = await decodeImageFile(nii, TEST_LIMITS);
    const pooled = await decodeImageFileOffThread(nii, TEST_LIMITS);
    expect(pooled.value).toEqual(inline);
    const dcm = dicom16(
      16,
      8,
      Int16Array.from({ length: 128 }, (_, i) => i * 3 - 200),
    );
    expect((await decodeDicomFileOffThread(dcm, TEST_LIMITS)).value).toEqual(
      await decodeDicomFile(dcm, TEST_LIMITS),
    );
  });

  it('a large decode leaves the calling thread free', async () => {
    // 512x512x64 int16 (32 MiB): inline, the thread is blocked for the whole decode.
    const limits = {
      ...TEST_LIMITS,
      maxBytes: 64 * MiB,
      maxSide: 1024,
      maxPixels: 1 << 20,
      maxSlices: 64,
    };
    const bytes = volume(512, 512, 64);
    const longestGap = async (work: () => Promise<unknown>) => {
      let last = performance.now();
      let gap = 0;
      const timer = setInterval(() => {
        const now = performance.now();
        gap = Math.max(gap, now - last);
        last = now;
      }, 5);
      const started = performance.now();
      await work();
      clearInterval(timer);
      return { gap: Math.max(gap, performance.now() - last), total: performance.now() - started };
    };
    // Warm the pool first so thread start-up is not part of the measurement.
    await decodeImageFileOffThread(volume(8, 8, 2), limits);
    const inline = await longestGap(() => decodeImageFile(bytes, limits));
    const pooled = await longestGap(() => decodeImageFileOffThread(bytes, limits));
    expect(inline.gap).toBeGreaterThan(inline.total * 0.5);
    expect(pooled.gap).toBeLessThan(inline.gap / 2);
  });

  it('reads a DICOM header off the thread as inline reading does', async () => {
    const bytes = dicom16(
      48,
      40,
      new Uint16Array(48 * 40).map((_, i) => i % 4000),
    );
    const inline = readDicomFileHeader(bytes);
    const pooled = await readDicomFileHeaderOffThread(bytes);
    expect(pooled.value).toEqual(inline);
    expect(pooled.bytes).toEqual(bytes);
    expect(await outcome(readDicomFileHeaderOffThread(new Uint8Array(200)))).toBe(
      await outcome(Promise.resolve().then(() => readDicomFileHeader(new Uint8Array(200)))),
    );
  });

  it('moves handed-over bytes (no copy) and leaves the caller its bytes otherwise', async () => {
    const bytes = volume(256, 256, 40); // 5 MiB: hashed on a worker, not inline
    const digest = createHash('sha256').update(bytes).digest('hex');
    const kept = await sha256OffThread(bytes);
    expect(kept.value).toBe(digest);
    expect(bytes.byteLength).toBe(5 * MiB + 352);
    const handed = bytes.slice();
    const moved = await sha256OffThread(handed, true);
    expect(moved.value).toBe(digest);
    expect(handed.byteLength).toBe(0); // detached: the buffer went to the worker
    expect(createHash('sha256').update(moved.bytes).digest('hex')).toBe(digest);
    // A slice of a larger buffer (a zip entry) never takes the rest of the buffer with it.
    const archive = new Uint8Array(bytes.length + 100);
    archive.set(bytes, 50);
    const entry = archive.subarray(50, 50 + bytes.length);
    expect((await sha256OffThread(entry, true)).value).toBe(digest);
    expect(archive.byteLength).toBe(bytes.length + 100);
  });

  it('runs at most LOUPE_DECODE_THREADS threads, however many uploads arrive', async () => {
    const bytes = volume(128, 128, 32);
    let most = 0;
    const timer = setInterval(() => (most = Math.max(most, decodeThreadCount())), 5);
    const results = await Promise.all(
      Array.from({ length: 6 }, () => decodeImageFileOffThread(bytes, TEST_LIMITS)),
    );
    clearInterval(timer);
    expect(results.map((r) => r.value.items[0]?.kind)).toEqual(Array(6).fill('volume'));
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThanOrEqual(env.LOUPE_DECODE_THREADS);
  });

  it.runIf(process.platform === 'linux')(
    'decodes on threads that run at a lower priority than the calling thread',
    async () => {
      await decodeImageFileOffThread(volume(32, 32, 4), TEST_LIMITS);
      expect(decodeThreadCount()).toBeGreaterThan(0);
      // /proc/self/task/<tid>/stat: the 19th field is the thread's nice value.
      const niceValues = readdirSync('/proc/self/task').map((tid) => {
        const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
      });
      expect(Math.max(...niceValues)).toBeGreaterThan(getPriority(0));
    },
  );

  it('keeps one warm thread through an idle spell, so a later upload does not start one', async () => {
    await closeDecodePool();
    await warmDecodePool();
    const warm = decodeThreadIds();
    expect(warm).toHaveLength(1);
    // Longer than the idle timeout after which the other threads exit.
    await new Promise((resolve) => setTimeout(resolve, 11_000));
    expect(decodeThreadIds()).toEqual(warm);
    const png = await testPng(40, 30, 5);
    const decoded = await decodeImageFileOffThread(png, TEST_LIMITS);
    expect(decoded.value.items[0]?.kind).toBe('image');
    expect(decodeThreadIds()).toContain(warm[0]);
  });
});
