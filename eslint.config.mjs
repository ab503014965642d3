import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

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
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
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
            {
              sourceTag: 'scope:server',
              onlyDependOnLibsWithTags: ['scope:shared', 'scope:server'],
            },
            { sourceTag: 'scope:web', onlyDependOnLibsWithTags: ['scope:shared', 'scope:server'] },
            { sourceTag: 'type:lib', notDependOnLibsWithTags: ['type:app'] },
          ],
        },
      ],
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
