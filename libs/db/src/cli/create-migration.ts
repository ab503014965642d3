/** `npm run db:migration -- <name>`: writes the next migration from the schema diff. */
import { DbError } from '../errors/db-error';
import { createMigration } from '../migrations/create-migration';
import { runCli } from './run-cli';

runCli('db:migration', async () => {
  const name = process.argv.slice(2).join('_');
  if (!name)
    throw new DbError('BAD_INPUT', 'Give the migration a name: npm run db:migration -- <name>');
  const created = await createMigration(name);
  if (!created) {
    console.log('schema.prisma matches the migrations; nothing to write.');
    return;
  }
  console.log(`Wrote ${created.path}/migration.sql. Review it, then run "npm run db:migrate".`);
});
