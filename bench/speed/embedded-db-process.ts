/**
 * Child process: an in-memory embedded database (PGlite over a socket, as `npm run db:embedded`
 * serves it), migrated, on a free 127.0.0.1 port. Prints READY {"url"}.
 */
import { applyMigrations, startEmbeddedDatabase } from '@loupe/db';
import { announceReady } from './child-process';

const database = await startEmbeddedDatabase({ port: 0, host: '127.0.0.1' });
await applyMigrations(database.url);
announceReady({ url: database.url }, () => database.stop());
