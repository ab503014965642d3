/**
 * Unpacks the npm-installed Chromium (about 190 MB from 62 MB, a few seconds) next to
 * node_modules, once per install. Written under a temporary name and renamed, so a run that was
 * interrupted, or another process unpacking at the same time, never leaves a half-written binary
 * that looks ready. (The package's own executablePath() unpacks to a fixed /tmp/chromium shared by
 * every checkout and version and trusts whatever file is there.)
 */
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  createReadStream,
  createWriteStream,
  mkdirSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createBrotliDecompress } from 'node:zlib';
import type { ChromiumLocation } from './find-chromium';
import { isExecutableFile } from './is-executable-file';

export async function unpackBundledChromium(
  location: ChromiumLocation,
  log: (line: string) => void,
): Promise<void> {
  if (!location.archive || isExecutableFile(location.executablePath)) return;
  const started = Date.now();
  log(
    `[chromium] unpacking the ${location.description} into ${dirname(location.executablePath)} ...`,
  );
  mkdirSync(dirname(location.executablePath), { recursive: true });
  const partial = `${location.executablePath}.${process.pid}-${randomBytes(4).toString('hex')}.partial`;
  try {
    await pipeline(
      createReadStream(location.archive),
      createBrotliDecompress(),
      createWriteStream(partial, { mode: 0o755 }),
    );
    chmodSync(partial, 0o755);
    renameSync(partial, location.executablePath);
  } catch (error) {
    rmSync(partial, { force: true });
    throw new Error(
      `could not unpack ${location.archive} to ${location.executablePath}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  log(`[chromium] unpacked in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
