import { defineConfig } from 'vitest/config';

// libs/contracts depends on no other workspace lib, so it needs no @loupe/* aliases.
export default defineConfig({
  test: {
    name: 'contracts',
    root: __dirname,
    include: ['src/**/*.spec.ts'],
    testTimeout: 60_000,
    reporters: ['default', ['json', { outputFile: '../../test-output/vitest/contracts.json' }]],
  },
});
