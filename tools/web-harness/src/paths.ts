/** Where the web app and its tools live, from this file's place in the repository. */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
export const webRoot = join(repoRoot, 'apps/web');
export const nextBin = join(repoRoot, 'node_modules/next/dist/bin/next');
/** The app's build script for the inference worker (its `build-worker` npm script). */
export const buildWorkerScript = join(webRoot, 'scripts/build-worker.ts');
/** The shared test build, never the .next a developer's `next dev` uses. */
export const TEST_DIST_DIR = '.next/e2e';
