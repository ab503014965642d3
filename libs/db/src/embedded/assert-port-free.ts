import { createServer } from 'node:net';
import { DbError } from '../errors/db-error';

/** `setting`: the variable that moves it (LOUPE_DB_PORT for the database, PORT for the web app). */
export function portInUseError(
  host: string,
  port: number,
  cause?: unknown,
  setting = 'LOUPE_DB_PORT',
): DbError {
  return new DbError(
    'PORT_IN_USE',
    `Port ${port} on ${host} is already in use; stop what runs there or set ${setting} to a free port.`,
    { cause },
  );
}

/** Fails fast (before the seconds PGlite takes to open) when the port is taken. */
export async function assertPortFree(
  host: string,
  port: number,
  setting = 'LOUPE_DB_PORT',
): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? portInUseError(host, port, error, setting) : error),
    );
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}
