import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const SKIP = new Set([
  'node_modules',
  '.next',
  'generated',
  'dist',
  '.nx',
  'test-output',
  'coverage',
]);

/** Newest modification time of the files under `path` (0 when there are none). */
function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (SKIP.has(entry.name) || entry.name.endsWith('.spec.ts') || entry.name.endsWith('.spec.tsx'))
      continue;
    newest = Math.max(newest, newestMtime(join(path, entry.name)));
  }
  return newest;
}

/**
 * True when apps/web has no production build, or a source it is built from (the web app, the libs
 * it bundles, lockfile) changed after the build. `inputs` are paths relative to the repo root.
 */
export function webBuildIsStale(rootDir: string, inputs: readonly string[]): boolean {
  const buildId = join(rootDir, 'apps/web/.next/BUILD_ID');
  if (!existsSync(buildId)) return true;
  const builtAt = statSync(buildId).mtimeMs;
  return inputs.some((input) => newestMtime(join(rootDir, input)) > builtAt);
}

export const WEB_BUILD_INPUTS = [
  'apps/web/src',
  'apps/web/public',
  'apps/web/package.json',
  'apps/web/next.config.ts',
  'apps/web/next.config.mjs',
  'apps/web/scripts',
  'libs/prompts/src',
  'libs/model/src',
  'libs/db/src',
  'package-lock.json',
] as const;
