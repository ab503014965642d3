import { accessSync, constants, statSync } from 'node:fs';

/** A regular file this process may execute (not a directory, device or dangling link). */
export function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
