import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { workspaceAliases } from '../../vitest.shared';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The browser end-to-end tests: Chromium against apps/web's production build, started once by the
 * global setup (which skips them, with one line saying how to get a Chromium, where there is none).
 */
export default defineConfig({
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
    reporters: ['default', ['json', { outputFile: `${repoRoot}/test-output/vitest/web-e2e.json` }]],
  },
});
