import { describe, expect, it } from 'vitest';
import { TrainerEnvError, loadTrainerEnv } from './env';

describe('loadTrainerEnv', () => {
  it('applies defaults shared with libs/db', () => {
    const env = loadTrainerEnv({}, '/srv/loupe');
    expect(env.ARTIFACT_DIR).toBe('/srv/loupe/.data/artifacts');
    expect(env.BLOB_DIR).toBe('/srv/loupe/.data/blobs');
    expect(env.DATABASE_URL).toMatch(/^postgresql:\/\/postgres@127\.0\.0\.1:54329\//);
    expect(env.TRAINER_CONFIG).toBe('product');
    expect(env.STARTER_MODEL_DIR).toBe('/srv/loupe/models/starter');
  });

  it('reads overrides and coerces numbers', () => {
    const env = loadTrainerEnv({
      ARTIFACT_DIR: '/a',
      TRAINER_CONFIG: 'tiny',
      TRAINER_POLL_INTERVAL_MS: '250',
      DATABASE_URL: 'postgres://x@h/db',
      TRAINER_CONFIG_UNUSED: '',
    });
    expect(env).toMatchObject({
      ARTIFACT_DIR: '/a',
      TRAINER_CONFIG: 'tiny',
      TRAINER_POLL_INTERVAL_MS: 250,
      DATABASE_URL: 'postgres://x@h/db',
    });
  });

  it('names the bad variable', () => {
    expect(() => loadTrainerEnv({ TRAINER_CONFIG: 'huge' })).toThrow(TrainerEnvError);
    expect(() => loadTrainerEnv({ TRAINER_CONFIG: 'huge' })).toThrow(/TRAINER_CONFIG/);
  });
});
