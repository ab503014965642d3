/**
 * The hostile upload set of issue #17 (item 4), built in memory, each with the answer a correct
 * server gives: small gzip files that inflate to gigabytes (honest bombs, a trailer that lies
 * about the size), headers that declare huge images, a body streamed without Content-Length past
 * the request cap, a zip entry that inflates past its declared size, damaged files, and one
 * honest large volume that must be stored while everyone else keeps working.
 */
import { zipSync } from 'fflate';
import sharp from 'sharp';
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { nifti16 } from '@loupe/web/testing';

const MiB = 1024 * 1024;

export interface HostileUpload {
  name: string;
  /** What it is, for the report. */
  what: string;
  /** Files of one multipart request, or a raw stream sent without Content-Length. */
  body:
    | { kind: 'files'; files: Array<{ name: string; bytes: Uint8Array }> }
    | { kind: 'chunked'; totalBytes: number };
  /** HTTP status a correct server answers, and the error code (or outcome code) it gives. */
  expect: { status: number; code?: string; outcomeCode?: string };
  /** False for the honest large volume: it is load, not a bad input. */
  bad: boolean;
}

/** One gzip member of 16 MiB of zeros (~16 KiB); gunzip concatenates members. */
const zeros16 = gzipSync(Buffer.alloc(16 * MiB), { level: 9 });

function gzipBomb(head: Uint8Array, inflatedMiB: number): Uint8Array {
  const members = Math.ceil(inflatedMiB / 16);
  return new Uint8Array(Buffer.concat([gzipSync(head), ...Array(members).fill(zeros16)]));
}

/** NIfTI-1 header only (no voxels) declaring x*y*z int16. */
const niftiHeader = (x: number, y: number, z: number) =>
  nifti16(x, y, z, new Int16Array(0)).subarray(0, 352);

/** A smooth volume (compresses like a scan, not like zeros), distinct per seed. */
function volumeVoxels(x: number, y: number, z: number, seed: number): Int16Array {
  const voxels = new Int16Array(x * y * z);
  for (let k = 0; k < z; k++)
    for (let j = 0; j < y; j++)
      for (let i = 0; i < x; i++)
        voxels[(k * y + j) * x + i] =
          ((i * 3 + j * 5 + k * 7 + seed) % 512) +
          (Math.hypot(i - x / 2, j - y / 2) < x / 5 ? 900 : 0);
  return voxels;
}

/** A PNG whose IHDR claims width x height with no image data behind it. */
function pngDeclaring(width: number, height: number): Uint8Array {
  const png = new Uint8Array(33);
  png.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  const view = new DataView(png.buffer);
  view.setUint32(16, width);
  view.setUint32(20, height);
  png.set([8, 0, 0, 0, 0], 24);
  return png;
}

/** A zip whose one entry says (central directory) it inflates to 1000 bytes, but inflates to 64 MiB. */
function lyingZip(): Uint8Array {
  const zip = zipSync({ 'scan.nii': new Uint8Array(64 * MiB) }, { level: 9 });
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  for (let at = zip.length - 22; at >= 0; at--) {
    if (view.getUint32(at, true) === 0x02014b50) {
      view.setUint32(at + 24, 1000, true);
      break;
    }
  }
  return zip;
}

export async function hostileUploads(options: {
  /** Bytes the bombs inflate to (the issue's: 2 GiB). */
  bombMiB: number;
  /** Slices of the honest 512x512 int16 volume (0.5 MiB each). */
  honestSlices: number;
  /** The server's request cap (LOUPE_UPLOAD_BATCH_MAX_BYTES); the stream goes past it. */
  batchMaxBytes: number;
}): Promise<HostileUpload[]> {
  const goodPng = new Uint8Array(
    await sharp(Buffer.alloc(64 * 64, 90), { raw: { width: 64, height: 64, channels: 1 } })
      .png()
      .toBuffer(),
  );
  const files = (name: string, bytes: Uint8Array) => ({
    kind: 'files' as const,
    files: [{ name, bytes }],
  });
  const lyingSmall = nifti16(64, 64, 8, volumeVoxels(64, 64, 8, 1));
  return [
    {
      name: 'lying-trailer.nii.gz',
      what: `64x64x8 NIfTI gzip followed by ${options.bombMiB} MiB of zeros (trailer lies)`,
      body: files('lying-trailer.nii.gz', gzipBomb(lyingSmall, options.bombMiB)),
      // Correct: the declared volume is stored, the rest never inflated.
      expect: { status: 201 },
      bad: true,
    },
    {
      name: 'bomb-declared.nii.gz',
      what: `NIfTI header declaring 1024x1024x1024 int16 (2 GiB), ${options.bombMiB} MiB of zeros`,
      body: files('bomb-declared.nii.gz', gzipBomb(niftiHeader(1024, 1024, 1024), options.bombMiB)),
      expect: { status: 413, code: 'TOO_LARGE' },
      bad: true,
    },
    {
      name: 'bomb-zeros.nii.gz',
      what: `${options.bombMiB} MiB of zeros gzipped, named .nii.gz`,
      body: files('bomb-zeros.nii.gz', gzipBomb(new Uint8Array(0), options.bombMiB)),
      expect: { status: 415, code: 'UNSUPPORTED_MEDIA' },
      bad: true,
    },
    {
      name: 'chunked-no-length',
      what: `multipart body streamed without Content-Length, ${Math.round((options.batchMaxBytes + 32 * MiB) / MiB)} MiB`,
      body: { kind: 'chunked', totalBytes: options.batchMaxBytes + 32 * MiB },
      expect: { status: 413, code: 'TOO_LARGE' },
      bad: true,
    },
    {
      name: 'huge-dims.png',
      what: 'PNG header declaring 100000x100000',
      body: files('huge-dims.png', pngDeclaring(100_000, 100_000)),
      expect: { status: 413, code: 'TOO_LARGE' },
      bad: true,
    },
    {
      name: 'huge-dims.nii',
      what: 'NIfTI header declaring 30000x30000x1, no voxels',
      body: files('huge-dims.nii', niftiHeader(30_000, 30_000, 1)),
      expect: { status: 413, code: 'TOO_LARGE' },
      bad: true,
    },
    {
      name: 'lying-entry.zip',
      what: 'zip entry declaring 1000 bytes that inflates to 64 MiB',
      body: files('lying-entry.zip', lyingZip()),
      expect: { status: 200, outcomeCode: 'TOO_LARGE' },
      bad: true,
    },
    {
      name: 'truncated.png',
      what: 'a PNG cut in half',
      body: files('truncated.png', goodPng.subarray(0, Math.floor(goodPng.length / 2))),
      expect: { status: 400, code: 'BAD_INPUT' },
      bad: true,
    },
    {
      name: 'random.bin',
      what: '1 MiB of random bytes',
      body: files('random.bin', new Uint8Array(randomBytes(MiB))),
      expect: { status: 415, code: 'UNSUPPORTED_MEDIA' },
      bad: true,
    },
    {
      name: 'honest-volume.nii',
      what: `honest 512x512x${options.honestSlices} int16 NIfTI (${options.honestSlices / 2} MiB)`,
      body: files(
        'honest-volume.nii',
        nifti16(512, 512, options.honestSlices, volumeVoxels(512, 512, options.honestSlices, 7)),
      ),
      expect: { status: 201 },
      bad: false,
    },
  ];
}
