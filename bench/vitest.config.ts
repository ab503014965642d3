import { defineConfig } from 'vitest/config';
import { workspaceAliases } from '../vitest.shared';

export default defineConfig({
  resolve: { alias: workspaceAliases },
  test: {
    name: 'bench',
    root: __dirname,
    include: ['**/*.spec.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    reporters: ['default', ['json', { outputFile: '../test-output/vitest/bench.json' }]],
  },
});
