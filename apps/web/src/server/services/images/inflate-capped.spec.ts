/**
 * Hostile gzip: real bombs (~2 MB in, 2 GiB out) and lying trailers are refused or cut short
 * from the first inflated bytes; the `inflated` counter proves the rest was never inflated.
 */
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../errors/app-error';
import { nifti16 } from '../../testing/medical-formats';
import { TEST_LIMITS } from '../../testing/web-test-context';
import { checkNiftiHeader, NIFTI_HEAD_BYTES } from './check-nifti-header';
import { decodeNifti } from './decode-nifti';
import { inflateCapped } from './inflate-capped';

const MiB = 1024 * 1024;
/** One gzip member of 16 MiB of zeros (~16 KiB); gunzip concatenates members. */
const zeros16 = gzipSync(Buffer.alloc(16 * MiB), { level: 9 });

/** `head` gzipped, then `members` x 16 MiB of zeros: a multi-member bomb. */
function bomb(head: Uint8Array, members: number): Uint8Array {
  return new Uint8Array(Buffer.concat([gzipSync(head), ...Array(members).fill(zeros16)]));
}

/** A NIfTI-1 header (no voxels) declaring x*y*z int16. */
const header = (x: number, y: number, z: number) =>
  nifti16(x, y, z, new Int16Array(0)).subarray(0, 352);

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isAppError(error)) return `${error.code}: ${error.message}`;
    throw error;
  }
  throw new Error('accepted');
}

describe('inflateCapped', () => {
  const twoGiB = bomb(new Uint8Array(0), 128);

  it('the bomb is small: about 2 MB of gzip for 2 GiB', () => {
    expect(twoGiB.length).toBeLessThan(3 * MiB);
  });

  it('stops at the cap: a 2 GiB bomb costs at most cap + one chunk', async () => {
    const cap = 4 * MiB;
    const error = await inflateCapped(twoGiB, { format: 'gzip', cap, what: 'This gzip file' }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(isAppError(error) && error.code).toBe('TOO_LARGE');
    expect((error as Error).message).toMatch(/^This gzip file inflates to more than 4194304 bytes/);
    const { inflatedBytes } = (error as { details: { inflatedBytes: number } }).details;
    expect(inflatedBytes).toBeGreaterThan(cap);
    expect(inflatedBytes).toBeLessThanOrEqual(cap + 64 * 1024);
  });

  it('reports the inflated count, never more than cap + 64 KiB', async () => {
    const small = gzipSync(Buffer.alloc(3 * MiB, 7));
    const result = await inflateCapped(small, { format: 'gzip', cap: 4 * MiB, what: 'x' });
    expect(result.bytes.length).toBe(3 * MiB);
    expect(result.bytes[3 * MiB - 1]).toBe(7);
    expect(result.stoppedEarly).toBe(false);
  });

  it('refuses from the head before inflating the rest, and stops at the size inspect needs', async () => {
    let seen = 0;
    const refused = await inflateCapped(twoGiB, {
      format: 'gzip',
      cap: 2 ** 32,
      what: 'x',
      headBytes: 1000,
      inspect: (head) => {
        seen = head.length;
        throw new Error('refused by inspect');
      },
    }).then(
      () => 'accepted',
      (e: Error) => e.message,
    );
    expect(refused).toBe('refused by inspect');
    expect(seen).toBeGreaterThanOrEqual(1000);
    expect(seen).toBeLessThanOrEqual(64 * 1024);

    const cut = await inflateCapped(twoGiB, {
      format: 'gzip',
      cap: 2 ** 32,
      what: 'x',
      headBytes: 10,
      inspect: () => 5 * MiB,
    });
    expect(cut.stoppedEarly).toBe(true);
    expect(cut.bytes.length).toBe(5 * MiB);
    expect(cut.inflated).toBeLessThanOrEqual(5 * MiB + 64 * 1024);
  });
});

describe('NIfTI .nii.gz bombs', () => {
  it('a header declaring too many voxels is refused naming the dims and the limit, after one chunk', async () => {
    const limits = { ...TEST_LIMITS, maxVolumeBytes: 64 * MiB };
    const file = bomb(header(2000, 2000, 64), 128);
    let inflated = 0;
    const counted = (head: Uint8Array) => {
      inflated = head.length;
      return checkNiftiHeader(head, limits);
    };
    const message = await refusal(
      inflateCapped(file, {
        format: 'gzip',
        cap: 2 ** 32,
        what: 'x',
        headBytes: NIFTI_HEAD_BYTES,
        inspect: counted,
      }),
    );
    expect(message).toMatch(
      /^TOO_LARGE: NIfTI header declares 2000x2000x64 voxels of 16 bits \(512000000 bytes\); the limit is 67108864 bytes/,
    );
    expect(inflated).toBeLessThanOrEqual(64 * 1024);
    // The decoder gives the same refusal.
    expect(await refusal(decodeNifti(file, limits))).toBe(message);
  });

  it('too many slices or too wide are refused from the header too', async () => {
    expect(await refusal(decodeNifti(bomb(header(64, 64, 100), 4), TEST_LIMITS))).toMatch(
      /TOO_LARGE: NIfTI header declares 64x64x100 voxels: 100 slices; the limit is 64/,
    );
    expect(await refusal(decodeNifti(bomb(header(4096, 16, 1), 4), TEST_LIMITS))).toMatch(
      /TOO_LARGE: NIfTI slice \(header declares 4096x16x1\) is 4096x16 pixels; the limit is 2048/,
    );
  });

  it('a small volume followed by 2 GiB (trailer lying about the size) decodes without inflating the rest', async () => {
    const voxels = Int16Array.from({ length: 8 * 8 * 2 }, (_, i) => i - 50);
    const file = bomb(nifti16(8, 8, 2, voxels), 128);
    // The last gzip trailer now claims 100 bytes.
    new DataView(file.buffer, file.byteOffset).setUint32(file.length - 4, 100, true);
    const [volume] = await decodeNifti(file, TEST_LIMITS);
    expect(volume!.depth).toBe(2);
    expect(volume!.values!.intercept).toBe(-50);
    expect(Array.from(volume!.slices[1]!.subarray(0, 2))).toEqual([64, 65]);
  });

  it('a gzip that is not NIfTI is refused after its first bytes', async () => {
    expect(await refusal(decodeNifti(bomb(new Uint8Array(0), 128), TEST_LIMITS))).toMatch(
      /UNSUPPORTED_MEDIA: This file does not contain a NIfTI volume/,
    );
  });

  it('a damaged gzip is bad input', async () => {
    const good = nifti16(4, 4, 1, new Int16Array(16), { gzip: true });
    const broken = good.slice(0, Math.floor(good.length / 2));
    expect(await refusal(decodeNifti(broken, TEST_LIMITS))).toMatch(
      /BAD_INPUT: This gzip file is damaged/,
    );
  });
});
