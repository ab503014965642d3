import { defineConfig } from 'vitest/config';

// libs/db imports no other workspace lib, so it needs no @loupe/* aliases (importing
// ../../vitest.shared from here trips @nx/enforce-module-boundaries).
export default defineConfig({
  test: {
    name: 'db',
    root: __dirname,
    // scripts/ (npm start) has no project of its own; its helpers are tested here.
    include: ['src/**/*.spec.ts', 'scripts/**/*.spec.ts', '../../scripts/**/*.spec.ts'],
    // Generates the Prisma client first when it is missing (postinstall normally did).
    globalSetup: ['./src/testing/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default', ['json', { outputFile: '../../test-output/vitest/db.json' }]],
  },
});
