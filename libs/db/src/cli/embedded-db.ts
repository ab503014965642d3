/**
 * `npm run db:embedded`: serves the embedded database (DATA_DIR/pg) on 127.0.0.1:LOUPE_DB_PORT until
 * Ctrl-C. `npm start` runs this as its [db] process. Prints "ready <url>" once it accepts connections.
 */
import { readDbEnv, embeddedDataDir } from '../config/db-env';
import { startEmbeddedDatabase } from '../embedded/start-embedded-database';
import { runCli } from './run-cli';

runCli('db:embedded', async () => {
  const env = readDbEnv();
  const dataDir = embeddedDataDir(env);
  const database = await startEmbeddedDatabase({
    dataDir,
    port: env.LOUPE_DB_PORT,
    maxConnections: env.LOUPE_DB_MAX_CONNECTIONS,
  });
  console.log(`ready ${database.url} (data in ${dataDir})`);
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      console.log(`${signal}: stopping the embedded database`);
      database.stop().then(resolve, (error: unknown) => {
        console.error(`db:embedded: could not stop cleanly: ${(error as Error).message}`);
        resolve();
      });
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
});
