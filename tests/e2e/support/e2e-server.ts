/**
 * The app under test: apps/web's shared production build (.next/e2e, rebuilt only when sources
 * changed) started with `next start` on a free port against its own test database and data folder.
 */
export {
  ensureProductionBuild,
  freePort,
  repoRoot,
  startServer,
  type RunningServer,
} from '@loupe/web-harness';
