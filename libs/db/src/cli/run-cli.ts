import { DbEnvError } from '../config/db-env';
import { DbError } from '../errors/db-error';

/**
 * Runs a CLI's main and turns failures into one clear line and a non-zero exit. Known errors
 * (DbError, DbEnvError) print only their message; anything else also prints its stack below it.
 */
export function runCli(name: string, main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      if (error instanceof DbError || error instanceof DbEnvError) {
        console.error(`${name}: ${error.message}`);
      } else {
        const message = error instanceof Error ? error.message : String(error);
        console.error(`${name}: unexpected error: ${message.split('\n')[0]}`);
        if (error instanceof Error && error.stack) console.error(error.stack);
      }
      process.exit(1);
    },
  );
}
