/**
 * Secrets at rest (a PACS password or token): AES-256-GCM with the server's key (see
 * ./secret-key.ts). Sealed values carry a prefix, so rows written before encryption (plain text)
 * still read (and are sealed when their record is next saved). No migration needed.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { AppError } from '../errors/app-error';

/** Marks a sealed value: `loupe-aes256gcm:v1:<iv>:<tag>:<ciphertext>`, each part base64. */
export const SEALED_PREFIX = 'loupe-aes256gcm:v1:';
const IV_BYTES = 12;

export function isSealed(stored: string): boolean {
  return stored.startsWith(SEALED_PREFIX);
}

export function sealSecret(plain: string, key: Buffer): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  const parts = [iv, cipher.getAuthTag(), ciphertext].map((b) => b.toString('base64'));
  return SEALED_PREFIX + parts.join(':');
}

/** The plain secret; a stored value without the prefix is a legacy plain-text one, returned as is. */
export function openSecret(stored: string, key: Buffer): string {
  if (!isSealed(stored)) return stored;
  const [iv, tag, ciphertext, extra] = stored
    .slice(SEALED_PREFIX.length)
    .split(':')
    .map((part) => Buffer.from(part, 'base64'));
  if (!iv || !tag || !ciphertext || extra || iv.length !== IV_BYTES || tag.length !== 16)
    throw new AppError('INTERNAL', 'A stored secret is malformed; enter it again.');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
  } catch (error) {
    throw new AppError(
      'INTERNAL',
      "A stored secret cannot be decrypted with this server's key (LOUPE_SECRET_KEY or DATA_DIR/secret.key changed since it was saved); enter it again.",
      undefined,
      { cause: error },
    );
  }
}
