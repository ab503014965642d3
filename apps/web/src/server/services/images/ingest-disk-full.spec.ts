/**
 * Disk full during an upload (issue #17, item 7), on a real full filesystem: the blob store lives
 * on a 4 MiB tmpfs that is filled before the upload. The upload is refused with STORAGE_FULL (507
 * on the route, with the reason), leaves no rows and no partial file, and once space is freed the
 * same upload is stored. Skipped where a tmpfs cannot be mounted (not root).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, statfs, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { createBlobStore } from '@loupe/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorResponse, toAppError } from '../../errors/to-http';
import {
  createWebTestContext,
  TEST_LIMITS,
  type WebTestContext,
} from '../../testing/web-test-context';
import { ingestImage } from './ingest-image';

function mountSmallTmpfs(dir: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('an upload while the disk is full', () => {
  let ctx: WebTestContext;
  let dir: string;
  let mounted = false;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'loupe-disk-full-'));
    mounted = mountSmallTmpfs(dir);
    if (mounted) ctx = await createWebTestContext({ images: 0 });
  });
  afterAll(async () => {
    await ctx?.close();
    if (mounted) execFileSync('umount', [dir]);
    await rm(dir, { recursive: true, force: true });
  });

  it('is refused with STORAGE_FULL (507, a reason), stores nothing, and works once space is freed', async (context) => {
    if (!mounted) {
      console.log(
        'skipping the disk-full upload test: cannot mount a small tmpfs here (needs root)',
      );
      context.skip();
      return;
    }
    const blobs = createBlobStore(join(dir, 'blobs'));
    // Noise does not compress: the stored PNG is about as large as its pixels (256 KiB).
    const png = new Uint8Array(
      await sharp(randomBytes(512 * 512), { raw: { width: 512, height: 512, channels: 1 } })
        .png()
        .toBuffer(),
    );
    const free = await statfs(dir);
    const filler = join(dir, 'filler');
    await writeFile(filler, new Uint8Array(Math.max(0, free.bavail * free.bsize - 64 * 1024)));
    const count = () => ctx.db.image.count({ where: { projectId: ctx.projectId } });
    const before = await count();
    const upload = () =>
      ingestImage(
        { db: ctx.db, blobs },
        { projectId: ctx.projectId, fileName: 'scan.png', bytes: png },
        TEST_LIMITS,
      );

    const error = await upload().then(
      () => null,
      (e: unknown) => e,
    );
    expect(toAppError(error).code).toBe('STORAGE_FULL');
    const response = errorResponse(error);
    expect(response.status).toBe(507);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('STORAGE_FULL');
    expect(body.error.message).toMatch(/no space left.*nothing was stored/i);
    expect(body.error.message).not.toContain(dir);
    expect(await count()).toBe(before);
    expect(await readdir(join(dir, 'blobs', '.tmp')).catch(() => [])).toEqual([]);

    await rm(filler);
    const stored = await upload();
    expect(stored.images).toHaveLength(1);
    expect(await count()).toBe(before + 1);
  });
});
