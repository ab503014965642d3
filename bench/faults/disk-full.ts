/**
 * Disk full during an upload (issue #17, item 7), on a real full filesystem: the server's blob
 * folder is a tmpfs of its own (mounted by the bench; root only), filled to its last few hundred
 * KiB while the annotators keep saving. An honest volume upload must be refused with a clear
 * reason (507 STORAGE_FULL), store no rows and leave no partial file; the server keeps answering
 * saves; once the filler is removed the same upload is stored.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, readdir, rm, statfs, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Db } from '@loupe/db';
import { nifti16 } from '@loupe/web/testing';
import type { TrpcSession } from '../speed/trpc-http';

/** Mounts a tmpfs of `size` (e.g. "1g") at `dir`; the reason when it cannot (not root, no mount). */
export async function mountSmallDisk(dir: string, size: string): Promise<string | null> {
  await mkdir(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    return null;
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    return `cannot mount a tmpfs for the blob folder (${stderr || (error as Error).message}); needs root`;
  }
}

export function unmountSmallDisk(dir: string): void {
  try {
    execFileSync('umount', [dir], { stdio: 'ignore' });
  } catch {
    // not mounted
  }
}

interface Answer {
  status: number;
  code: string | null;
  message: string;
  images: number;
}

async function upload(admin: TrpcSession, projectId: string, bytes: Uint8Array): Promise<Answer> {
  const form = new FormData();
  form.append('file', new Blob([bytes as Uint8Array<ArrayBuffer>]), 'disk-full-volume.nii');
  const response = await admin.postForm(`/api/projects/${projectId}/images`, form);
  const json = (await response.json().catch(() => ({}))) as {
    error?: { code?: string; message?: string };
    images?: unknown[];
  };
  return {
    status: response.status,
    code: json.error?.code ?? null,
    message: (json.error?.message ?? '').slice(0, 200),
    images: json.images?.length ?? 0,
  };
}

/** A 256x256x`depth` int16 volume of noise-like values (compresses poorly, like a scan's noise). */
function volume(depth: number): Uint8Array {
  const voxels = new Int16Array(256 * 256 * depth);
  let state = 12345;
  for (let i = 0; i < voxels.length; i++) {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    voxels[i] = state % 4096;
  }
  return nifti16(256, 256, depth, voxels);
}

export async function runDiskFullCase(options: {
  blobDir: string;
  admin: TrpcSession;
  projectId: string;
  db: Db;
  /** Starts the annotators' save load; stop() gives acked/failed counts. */
  startLoad: () => { stop(): Promise<{ acked: unknown[]; failed: number; timings: number[] }> };
}): Promise<Record<string, unknown>> {
  const { blobDir, admin, projectId, db } = options;
  const bytes = volume(16);
  const filler = join(blobDir, 'disk-full-filler');
  const free = await statfs(blobDir);
  const leaveFreeBytes = 256 * 1024;
  await writeFile(filler, new Uint8Array(Math.max(0, free.bavail * free.bsize - leaveFreeBytes)));
  const imagesBefore = await db.image.count({ where: { projectId } });
  const load = options.startLoad();
  let full: Answer;
  let afterFree: Answer;
  let rowsWhileFull: number;
  let partialFiles: number;
  try {
    full = await upload(admin, projectId, bytes);
    rowsWhileFull = (await db.image.count({ where: { projectId } })) - imagesBefore;
    partialFiles = (await readdir(join(blobDir, '.tmp')).catch(() => [])).length;
    await rm(filler);
    afterFree = await upload(admin, projectId, bytes);
  } finally {
    await rm(filler, { force: true });
  }
  const saves = await load.stop();
  const imagesAfterFree = (await db.image.count({ where: { projectId } })) - imagesBefore;
  const refusedClearly = full.status === 507 && full.code === 'STORAGE_FULL';
  return {
    filesystem: 'tmpfs mounted by the bench as the server BLOB_DIR',
    leftFreeKiB: leaveFreeBytes / 1024,
    uploadMiB: Math.round((bytes.length / 1024 / 1024) * 10) / 10,
    whileFull: full,
    refusedClearly,
    rowsStoredWhileFull: rowsWhileFull,
    partialFilesLeft: partialFiles,
    afterSpaceFreed: afterFree,
    imagesStoredAfterFree: imagesAfterFree,
    worksAfterFree: afterFree.status === 201 && imagesAfterFree === 16,
    savesDuring: {
      acked: saves.acked.length,
      failed: saves.failed,
      maxMs: saves.timings.length ? Math.round(Math.max(...saves.timings)) : null,
    },
  };
}
