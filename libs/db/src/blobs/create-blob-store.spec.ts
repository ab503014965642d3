import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createBlobStore } from './create-blob-store';

const scratch = mkdtempSync(join(tmpdir(), 'loupe-blobs-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('createBlobStore', () => {
  const store = createBlobStore(join(scratch, 'store'));
  const bytes = new TextEncoder().encode('a small png stand-in');
  const sha256 = createHash('sha256').update(bytes).digest('hex');

  it('stores bytes under their sha256 and reads them back', async () => {
    const stored = await store.put(bytes, { ext: 'png' });
    expect(stored).toEqual({
      key: `${sha256.slice(0, 2)}/${sha256}.png`,
      sha256,
      bytes: bytes.length,
    });
    expect(store.has(stored.key)).toBe(true);
    expect(new Uint8Array(await store.get(stored.key))).toEqual(bytes);
    expect(store.pathOf(stored.key)).toBe(join(scratch, 'store', stored.key));
    expect(await store.verify(stored.key, sha256)).toBe(true);
    expect(await store.verify(stored.key, '0'.repeat(64))).toBe(false);
  });

  it('keys a blob of several hash slices by the sha256 of all its bytes', async () => {
    // 5 MiB + 3 bytes: hashed a 1 MiB slice at a time, the last slice short.
    const large = new Uint8Array(5 * 1024 * 1024 + 3).map((_, i) => (i * 7 + (i >> 20)) % 256);
    const whole = createHash('sha256').update(large).digest('hex');
    const stored = await store.put(large, { ext: '.nii' });
    expect(stored.sha256).toBe(whole);
    expect(stored.key).toBe(`${whole.slice(0, 2)}/${whole}.nii`);
    expect(await store.verify(stored.key, whole)).toBe(true);
  });

  it('is idempotent, leaves no temporaries, and notices corruption', async () => {
    const [a, b] = await Promise.all([
      store.put(bytes, { ext: '.png' }),
      store.put(bytes, { ext: '.png' }),
    ]);
    expect(a.key).toBe(b.key);
    expect(readdirSync(join(scratch, 'store', '.tmp'))).toEqual([]);
    writeFileSync(store.pathOf(a.key), 'tampered');
    expect(await store.verify(a.key, sha256)).toBe(false);
  });

  it('copies files in and rejects bad keys, extensions and missing blobs clearly', async () => {
    const source = join(scratch, 'model.onnx');
    writeFileSync(source, 'onnx bytes');
    const stored = await store.putFile(source, { ext: '.onnx' });
    expect(existsSync(store.pathOf(stored.key))).toBe(true);
    expect(stored.bytes).toBe(10);
    expect(() => store.pathOf('../../etc/passwd')).toThrow(/is not a blob key/);
    await expect(store.put(bytes, { ext: '.P/NG' })).rejects.toThrow(/must look like/);
    await expect(store.get(`ab/${'ab'.repeat(32)}.png`)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});
