import { defineConfig } from 'vitest/config';
import { workspaceAliases } from '../../vitest.shared';

export default defineConfig({
  resolve: { alias: workspaceAliases },
  test: {
    name: 'web',
    root: __dirname,
    include: ['src/**/*.spec.ts', 'scripts/**/*.spec.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default', ['json', { outputFile: '../../test-output/vitest/web.json' }]],
  },
});
