import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The harness imports no workspace lib, so it needs no @loupe/* aliases.
export default defineConfig({
  test: {
    name: 'web-harness',
    root: fileURLToPath(new URL('.', import.meta.url)),
    include: ['src/**/*.spec.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    reporters: ['default', ['json', { outputFile: '../../test-output/vitest/web-harness.json' }]],
  },
});
