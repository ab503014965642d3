/** This server's key for secrets at rest, from the environment (read once per process). */
import { env } from '../../env';
import { loadSecretKey } from './secret-key';

let key: Buffer | undefined;

export function serverSecretKey(): Buffer {
  key ??= loadSecretKey({ configured: env.LOUPE_SECRET_KEY, dataDir: env.db.DATA_DIR });
  return key;
}
