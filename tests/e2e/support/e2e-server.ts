/**
 * The app under test: apps/web's shared production build (.next/e2e, rebuilt only when sources
 * changed) started with `next start` on a free port against its own test database and data folder.
 */
import { fileURLToPath } from 'node:url';

export {
  ensureProductionBuild,
  freePort,
  startServer,
  type RunningServer,
} from '../../../apps/web/scripts/production-build';

export const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
