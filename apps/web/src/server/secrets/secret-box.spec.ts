import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { isAppError } from '../errors/app-error';
import { isSealed, openSecret, SEALED_PREFIX, sealSecret } from './secret-box';
import { loadSecretKey, SECRET_KEY_FILE } from './secret-key';

const work = mkdtempSync(join(tmpdir(), 'loupe-secret-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('secret box (AES-256-GCM)', () => {
  const key = randomBytes(32);

  it('seals to a prefixed value without the plain text and opens it again', () => {
    const sealed = sealSecret('orthanc-pässword', key);
    expect(sealed.startsWith(SEALED_PREFIX)).toBe(true);
    expect(sealed).not.toContain('orthanc');
    expect(isSealed(sealed)).toBe(true);
    expect(openSecret(sealed, key)).toBe('orthanc-pässword');
  });

  it('uses a fresh IV each time', () => {
    expect(sealSecret('same', key)).not.toBe(sealSecret('same', key));
  });

  it('reads a legacy plain-text value as is', () => {
    expect(isSealed('plain-old-password')).toBe(false);
    expect(openSecret('plain-old-password', key)).toBe('plain-old-password');
  });

  it('refuses a wrong key or a tampered value with a reason', () => {
    const sealed = sealSecret('secret', key);
    const wrongKey = (() => {
      try {
        openSecret(sealed, randomBytes(32));
      } catch (error) {
        return error;
      }
    })();
    expect(isAppError(wrongKey)).toBe(true);
    expect((wrongKey as Error).message).toMatch(/cannot be decrypted.*LOUPE_SECRET_KEY/);
    const parts = sealed.slice(SEALED_PREFIX.length).split(':');
    const ciphertext = Buffer.from(parts[2]!, 'base64');
    ciphertext[0] = ciphertext[0]! ^ 1;
    const tampered = SEALED_PREFIX + [parts[0], parts[1], ciphertext.toString('base64')].join(':');
    expect(() => openSecret(tampered, key)).toThrow(/cannot be decrypted/);
    expect(() => openSecret(`${SEALED_PREFIX}abc`, key)).toThrow(/malformed/);
  });
});

describe('server secret key', () => {
  it('takes LOUPE_SECRET_KEY as hex or base64 and refuses other sizes', () => {
    const raw = randomBytes(32);
    expect(loadSecretKey({ configured: raw.toString('hex'), dataDir: work })).toEqual(raw);
    expect(loadSecretKey({ configured: raw.toString('base64'), dataDir: work })).toEqual(raw);
    expect(() => loadSecretKey({ configured: 'too-short', dataDir: work })).toThrow(
      /LOUPE_SECRET_KEY must be a 32-byte key/,
    );
  });

  it('without LOUPE_SECRET_KEY, generates one key per data dir (mode 0600) and keeps it', () => {
    const dataDir = join(work, 'data');
    const first = loadSecretKey({ configured: undefined, dataDir });
    const file = join(dataDir, SECRET_KEY_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(loadSecretKey({ configured: undefined, dataDir })).toEqual(first);
    expect(first).toHaveLength(32);
    expect(readFileSync(file, 'utf8').trim()).toBe(first.toString('hex'));
    const other = loadSecretKey({ configured: undefined, dataDir: join(work, 'other') });
    expect(other).not.toEqual(first);
    writeFileSync(file, 'garbage\n');
    expect(() => loadSecretKey({ configured: undefined, dataDir })).toThrow(/secret\.key must be/);
  });
});
