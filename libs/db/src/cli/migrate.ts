/** `npm run db:migrate`: applies prisma/migrations to DATABASE_URL (or the embedded database). */
import { readDbEnv } from '../config/db-env';
import { redactUrl } from '../client/redact-url';
import { applyMigrations } from '../migrations/apply-migrations';
import { runCli } from './run-cli';
import { withDatabaseUrl } from './with-database-url';

runCli('db:migrate', async () => {
  const env = readDbEnv();
  await withDatabaseUrl(env, async (url) => {
    const applied = await applyMigrations(url);
    const target = env.DATABASE_URL ? redactUrl(url) : `embedded database in ${env.DATA_DIR}`;
    console.log(
      applied.length > 0
        ? `Applied ${applied.length} migration(s) to ${target}: ${applied.join(', ')}`
        : `${target} is up to date.`,
    );
  });
});
