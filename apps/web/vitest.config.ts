import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { workspaceAliases } from '../../vitest.shared';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** The web app's specs, beside the code. The browser end-to-end tests are tests/e2e's project. */
export default defineConfig({
  resolve: { alias: workspaceAliases },
  test: {
    name: 'web',
    root: fileURLToPath(new URL('.', import.meta.url)),
    include: ['src/**/*.spec.ts', 'scripts/**/*.spec.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default', ['json', { outputFile: `${repoRoot}/test-output/vitest/web.json` }]],
  },
});
