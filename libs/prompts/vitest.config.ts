import { defineConfig } from 'vitest/config';

// libs/prompts depends on no other workspace lib, so it needs no @loupe/* aliases (importing
// ../../vitest.shared from here trips @nx/enforce-module-boundaries once the project graph exists).
export default defineConfig({
  test: {
    name: 'prompts',
    root: __dirname,
    include: ['src/**/*.spec.ts', 'scripts/**/*.spec.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default', ['json', { outputFile: '../../test-output/vitest/prompts.json' }]],
  },
});
