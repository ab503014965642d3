/**
 * Prisma CLI configuration (Prisma 7 reads the datasource URL from here, not from schema.prisma).
 * Loupe itself does not need the CLI's downloaded engines: `npm run db:generate` / `db:migrate` /
 * `db:migration` work offline (libs/db/src/cli). This file lets a machine with internet also use
 * `npx prisma migrate deploy` / `prisma studio` on the same database.
 */
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  // Optional here: `prisma generate` needs no database. Commands that do need one say so.
  datasource: { url: process.env['DATABASE_URL'] ?? '' },
});
