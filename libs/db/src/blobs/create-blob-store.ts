import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { DbError } from '../errors/db-error';

export interface StoredBlob {
  /** "<2 hex>/<sha256><ext>", relative to the store root. */
  key: string;
  sha256: string;
  bytes: number;
}

export interface BlobStore {
  readonly rootDir: string;
  /** Stores bytes under their hash; a second put of the same content is a no-op returning the same key. */
  put(bytes: Uint8Array, options?: { ext?: string }): Promise<StoredBlob>;
  /** Copies a file in (streamed hash, then the same atomic write). */
  putFile(path: string, options?: { ext?: string }): Promise<StoredBlob>;
  get(key: string): Promise<Buffer>;
  pathOf(key: string): string;
  has(key: string): boolean;
  /** True when the stored file's sha256 matches. */
  verify(key: string, sha256: string): Promise<boolean>;
}

const KEY_PATTERN = /^[0-9a-f]{2}\/[0-9a-f]{64}(\.[a-z0-9]+)*$/;
const EXT_PATTERN = /^(\.[a-z0-9]+)*$/;

function normalizeExt(ext: string | undefined): string {
  const value = ext ? (ext.startsWith('.') ? ext : `.${ext}`).toLowerCase() : '';
  if (!EXT_PATTERN.test(value))
    throw new DbError('BAD_INPUT', `Blob extension "${ext}" must look like ".png" or ".nii.gz".`);
  return value;
}

/** Hashed a slice at a time between these, so a large blob never holds the thread for long. */
const HASH_SLICE_BYTES = 1024 * 1024;

/**
 * sha256 of bytes already in memory, yielding to the event loop between 1 MiB slices: a server
 * storing an 80 MB upload keeps answering other requests (hashing it whole holds the request
 * thread for 50-200 ms).
 */
async function sha256OfBytes(bytes: Uint8Array): Promise<string> {
  const hash = createHash('sha256');
  for (let at = 0; at < bytes.length; at += HASH_SLICE_BYTES) {
    if (at > 0) await new Promise((resolve) => setImmediate(resolve));
    hash.update(bytes.subarray(at, at + HASH_SLICE_BYTES));
  }
  return hash.digest('hex');
}

async function sha256OfFile(path: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

/**
 * Content-addressed files (images, masks, model artifacts) under `rootDir`:
 * <root>/<first two hex digits>/<sha256><ext>. A blob becomes visible only once complete: it is
 * written to <root>/.tmp, fsynced, then renamed into place (atomic on one filesystem).
 * Same layout as the trainer's artifact store, so either can read the other's keys.
 */
export function createBlobStore(rootDir: string): BlobStore {
  const tmpDir = join(rootDir, '.tmp');
  const pathOf = (key: string) => {
    if (!KEY_PATTERN.test(key)) throw new DbError('BAD_INPUT', `"${key}" is not a blob key.`);
    return join(rootDir, key);
  };
  const keyFor = (sha256: string, ext: string) => `${sha256.slice(0, 2)}/${sha256}${ext}`;

  async function writeAtomically(
    key: string,
    write: (tmpPath: string) => Promise<void>,
  ): Promise<void> {
    const finalPath = pathOf(key);
    if (existsSync(finalPath)) return;
    const tmpPath = join(tmpDir, `${randomUUID()}.part`);
    try {
      // Inside the try: a new folder needs space too, and a full disk refuses it with ENOSPC.
      await mkdir(tmpDir, { recursive: true });
      await mkdir(dirname(finalPath), { recursive: true });
      await write(tmpPath);
      await rename(tmpPath, finalPath);
    } catch (error) {
      await rm(tmpPath, { force: true });
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOSPC' || code === 'EDQUOT')
        throw new DbError(
          'DISK_FULL',
          'The server has no space left to store files; nothing was stored. Free some space, then try again.',
          { cause: error },
        );
      throw error;
    }
  }

  async function writeBytes(tmpPath: string, bytes: Uint8Array): Promise<void> {
    const handle = await open(tmpPath, 'wx');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  return {
    rootDir,
    pathOf,
    has: (key) => existsSync(pathOf(key)),
    async put(bytes, options = {}) {
      const sha256 = await sha256OfBytes(bytes);
      const key = keyFor(sha256, normalizeExt(options.ext));
      await writeAtomically(key, (tmpPath) => writeBytes(tmpPath, bytes));
      return { key, sha256, bytes: bytes.byteLength };
    },
    async putFile(path, options = {}) {
      const { sha256, bytes } = await sha256OfFile(path);
      const key = keyFor(sha256, normalizeExt(options.ext));
      await writeAtomically(key, async (tmpPath) => {
        const content = await readFile(path);
        if ((await sha256OfBytes(content)) !== sha256)
          throw new DbError('INTEGRITY', `${path} changed while it was being stored.`);
        await writeBytes(tmpPath, content);
      });
      return { key, sha256, bytes };
    },
    async get(key) {
      try {
        return await readFile(pathOf(key));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
          throw new DbError('NOT_FOUND', `Blob ${key} is missing from ${rootDir}.`, {
            cause: error,
          });
        }
        throw error;
      }
    },
    async verify(key, sha256) {
      if (!existsSync(pathOf(key))) return false;
      return (await sha256OfFile(pathOf(key))).sha256 === sha256;
    },
  };
}
