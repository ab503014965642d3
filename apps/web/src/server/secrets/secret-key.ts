/**
 * The server's key for secrets at rest: LOUPE_SECRET_KEY (32 bytes, as 64 hex characters or
 * base64) when set; otherwise a random key generated once per install and kept in
 * DATA_DIR/secret.key (mode 0600), so a fresh install encrypts with no setup.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const SECRET_KEY_FILE = 'secret.key';

function decodeKey(text: string, where: string): Buffer {
  const value = text.trim();
  const key = /^[0-9a-f]{64}$/i.test(value)
    ? Buffer.from(value, 'hex')
    : Buffer.from(value, 'base64');
  if (key.length !== 32)
    throw new Error(
      `${where} must be a 32-byte key as 64 hex characters or base64 (e.g. \`openssl rand -hex 32\`); it decodes to ${key.length} bytes.`,
    );
  return key;
}

export function loadSecretKey(options: {
  configured: string | undefined;
  dataDir: string;
}): Buffer {
  if (options.configured) return decodeKey(options.configured, 'LOUPE_SECRET_KEY');
  const file = join(options.dataDir, SECRET_KEY_FILE);
  mkdirSync(dirname(file), { recursive: true });
  try {
    // 'wx': only the first process creates it; the others read what it wrote.
    writeFileSync(file, `${randomBytes(32).toString('hex')}\n`, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return decodeKey(readFileSync(file, 'utf8'), file);
}
