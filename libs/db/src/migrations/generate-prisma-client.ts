import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DbError } from '../errors/db-error';
import { defaultPrismaDir, schemaPathIn } from './migrations-paths';

/** Where the generated client lives (gitignored). */
export function generatedClientDir(): string {
  return fileURLToPath(new URL('../generated/prisma/', import.meta.url));
}

export function isPrismaClientGenerated(): boolean {
  return existsSync(join(generatedClientDir(), 'client.ts'));
}

/** Runs `prisma generate` offline (no engine download). */
export async function generatePrismaClient(options: { quiet?: boolean } = {}): Promise<void> {
  const require = createRequire(import.meta.url);
  const prismaCli = require.resolve('prisma/build/index.js');
  const prismaDir = defaultPrismaDir();
  const result = spawnSync(
    process.execPath,
    [prismaCli, 'generate', '--schema', schemaPathIn(prismaDir)],
    {
      cwd: join(prismaDir, '..'),
      // Any executable will do: generate never runs the schema engine, it only insists one exists.
      env: {
        ...process.env,
        PRISMA_SCHEMA_ENGINE_BINARY: process.platform === 'win32' ? process.execPath : '/bin/false',
        PRISMA_HIDE_UPDATE_MESSAGE: '1',
      },
      stdio: options.quiet ? 'pipe' : 'inherit',
      encoding: 'utf8',
    },
  );
  if (result.status !== 0) {
    const output = options.quiet
      ? `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-3).join(' | ')
      : '';
    throw new DbError(
      'MISSING_FILE',
      `prisma generate failed (exit ${result.status ?? result.signal})${output ? `: ${output}` : ''}; run "npm run db:generate" to see why.`,
    );
  }
}
