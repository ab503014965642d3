import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

/**
 * Project boundaries (twenty-style), from the tags in each project.json. scope: shared (browser
 * and Node), server, web. type: lib; app (web, trainer); tools (tools/*: the web harness); bench
 * and e2e, the only projects that may use the tools and the web app's testing door.
 */
const depConstraints = [
  // Shared libs run in browser and Node: no React, Next or database.
  {
    sourceTag: 'scope:shared',
    onlyDependOnLibsWithTags: ['scope:shared'],
    bannedExternalImports: [
      'react',
      'react-dom',
      'next',
      'next/*',
      '@prisma/*',
      'pg',
      '@electric-sql/*',
      '@trpc/*',
    ],
  },
  { sourceTag: 'scope:server', onlyDependOnLibsWithTags: ['scope:shared', 'scope:server'] },
  { sourceTag: 'scope:web', onlyDependOnLibsWithTags: ['scope:shared', 'scope:server'] },
  { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib'] },
  // The harness drives the app from outside (commands, HTTP, a browser): it imports no app or lib.
  { sourceTag: 'type:tools', onlyDependOnLibsWithTags: [] },
  { sourceTag: 'type:bench', onlyDependOnLibsWithTags: ['type:lib', 'type:tools'] },
  { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:lib', 'type:tools'] },
];

/**
 * `allow` lists import paths the rule lets through whatever the tags say. Nx forbids importing an
 * app outright, so the web app's one public door for tests, `@loupe/web/testing`, and the
 * trainer's, `@loupe/trainer/testing`, are allowed in bench and tests/e2e only (the block below);
 * everywhere else, and any deeper path into apps/* from anywhere, is still an error.
 */
function moduleBoundaries(allow) {
  return ['error', { enforceBuildableLibDependency: false, allow, depConstraints }];
}

const WEB_TESTING_DOOR = '@loupe/web/testing';
const TRAINER_TESTING_DOOR = '@loupe/trainer/testing';

export default [
  {
    ignores: [
      '**/node_modules/**',
      '**/.next/**',
      '**/generated/**',
      '**/dist/**',
      '.nx/**',
      '.data/**',
      'apps/web/public/**',
      'test-output/**',
      'bench/results/**',
      '**/next-env.d.ts',
    ],
  },
  ...tseslint.configs.recommended,
  prettier,
  {
    files: ['**/*.ts', '**/*.tsx'],
    // Test-runner configs import the shared root alias map, which belongs to no project.
    ignores: ['**/vitest.config.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/ban-ts-comment': 'error',
      'no-console': 'off',
      // Project boundaries (twenty-style): tags in each project.json.
      '@nx/enforce-module-boundaries': moduleBoundaries([]),
    },
  },
  {
    // bench and the e2e tests may call the apps' services through their testing doors only.
    files: ['bench/**/*.ts', 'tests/e2e/**/*.ts'],
    ignores: ['**/vitest.config.ts'],
    rules: {
      '@nx/enforce-module-boundaries': moduleBoundaries([WEB_TESTING_DOOR, TRAINER_TESTING_DOOR]),
    },
  },
  {
    // libs/db is server-only: client components and the inference worker never import it.
    files: [
      'apps/web/src/**/*.client.tsx',
      'apps/web/src/components/**',
      'apps/web/src/worker/**',
      'apps/web/src/app/**/*-client.tsx',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@loupe/db', '@loupe/db/*', 'pg', '@prisma/*'],
              message: 'libs/db is server-only; never import it in browser code.',
            },
          ],
        },
      ],
    },
  },
];
