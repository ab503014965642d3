import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { workspaceAliases } from '../../vitest.shared';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const webRoot = fileURLToPath(new URL('.', import.meta.url));

/**
 * Two projects: "web" (specs beside the code) and "web-e2e" (tests/e2e in Chromium against a
 * production build started once by the global setup). `--project web` runs the unit specs only.
 */
export default defineConfig({
  resolve: { alias: workspaceAliases },
  test: {
    reporters: ['default', ['json', { outputFile: `${repoRoot}/test-output/vitest/web.json` }]],
    projects: [
      {
        resolve: { alias: workspaceAliases },
        test: {
          name: 'web',
          root: webRoot,
          include: ['src/**/*.spec.ts', 'scripts/**/*.spec.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        resolve: { alias: workspaceAliases },
        test: {
          name: 'web-e2e',
          root: repoRoot,
          include: ['tests/e2e/**/*.spec.ts'],
          globalSetup: ['tests/e2e/support/global-setup.ts'],
          // One browser at a time on small machines; the server is shared.
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
