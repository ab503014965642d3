import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DbError } from '../errors/db-error';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const heldHere = new Set<string>();

/** One process per PGlite folder: a pid file, taken over when its owner is gone. Returns release(). */
export function acquireDataDirLock(dataDir: string): () => void {
  // Beside the folder, not in it: PGlite initialises a data folder only when it is empty.
  const lockPath = `${resolve(dataDir)}.lock`;
  if (heldHere.has(lockPath)) {
    throw new DbError(
      'CONFLICT',
      `The embedded database in ${dataDir} is already open in process ${process.pid} (this one); stop it first.`,
    );
  }
  try {
    writeFileSync(lockPath, String(process.pid), { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const owner = Number(readFileSync(lockPath, 'utf8').trim());
    if (Number.isInteger(owner) && owner !== process.pid && isAlive(owner)) {
      throw new DbError(
        'CONFLICT',
        `The embedded database in ${dataDir} is already open in process ${owner}; stop that process (or another "npm start") first.`,
      );
    }
    writeFileSync(lockPath, String(process.pid));
  }
  heldHere.add(lockPath);
  return () => {
    heldHere.delete(lockPath);
    rmSync(lockPath, { force: true });
  };
}
