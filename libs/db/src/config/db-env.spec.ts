import { describe, expect, it } from 'vitest';
import { childEnv, DbEnvError, embeddedDataDir, readDbEnv } from './db-env';

describe('readDbEnv', () => {
  it('fills defaults, resolving folders under DATA_DIR against cwd', () => {
    const env = readDbEnv({}, '/repo');
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env).toMatchObject({
      DATA_DIR: '/repo/.data',
      ARTIFACT_DIR: '/repo/.data/artifacts',
      BLOB_DIR: '/repo/.data/blobs',
      PORT: 3000,
      LOUPE_DB_PORT: 54329,
      DB_POOL_SIZE: 10,
      LOUPE_DEV: false,
    });
    expect(embeddedDataDir(env)).toBe('/repo/.data/pg');
  });

  it('treats empty strings as unset and parses flags and ports', () => {
    const env = readDbEnv(
      { DATABASE_URL: '', LOUPE_DEV: '1', PORT: '8080', DATA_DIR: '/srv/loupe', BLOB_DIR: 'b' },
      '/repo',
    );
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env).toMatchObject({
      LOUPE_DEV: true,
      PORT: 8080,
      BLOB_DIR: '/repo/b',
      ARTIFACT_DIR: '/srv/loupe/artifacts',
    });
  });

  it('rejects bad values with one line naming the variable', () => {
    expect(() => readDbEnv({ DATABASE_URL: 'mysql://x' })).toThrow(
      new DbEnvError(
        'Invalid environment: DATABASE_URL must be a postgres:// or postgresql:// URL.',
      ),
    );
    expect(() => readDbEnv({ PORT: 'eighty' })).toThrow(/PORT/);
  });

  it('gives children the validated values on top of the inherited environment', () => {
    const env = readDbEnv({ PORT: '4000' }, '/repo');
    const child = childEnv(env, 'postgresql://x@127.0.0.1:1/db', true, { PATH: '/bin', PORT: '1' });
    expect(child).toMatchObject({
      PATH: '/bin',
      PORT: '4000',
      DATABASE_URL: 'postgresql://x@127.0.0.1:1/db',
      LOUPE_EMBEDDED_DB: '1',
      BLOB_DIR: '/repo/.data/blobs',
    });
  });

  it('gives children the malloc settings, unless the environment already sets them', () => {
    const env = readDbEnv({}, '/repo');
    const child = childEnv(env, 'postgresql://x@127.0.0.1:1/db', false, { PATH: '/bin' });
    expect(child).toMatchObject({ MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '131072' });
    const tuned = childEnv(env, 'postgresql://x@127.0.0.1:1/db', false, { MALLOC_ARENA_MAX: '4' });
    expect(tuned.MALLOC_ARENA_MAX).toBe('4');
  });
});
