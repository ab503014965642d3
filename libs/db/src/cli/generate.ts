/**
 * `npm run db:generate` (and the root postinstall): generates the Prisma client into
 * libs/db/src/generated/prisma. `prisma generate` needs no schema engine, but the CLI tries to
 * download one unless PRISMA_SCHEMA_ENGINE_BINARY points at an executable, so we point it at a
 * harmless one: this works offline and in CI's `npm ci`.
 */
import { runCli } from './run-cli';
import { generatePrismaClient } from '../migrations/generate-prisma-client';

runCli('db:generate', async () => {
  await generatePrismaClient({ quiet: false });
});
