import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findLatestModel, LatestModelError } from './latest-model';

const starterDir = join(__dirname, '..', '..', 'models', 'starter');
const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

/** A trained-looking model: the starter's ONNX files with another encoder hash and version. */
function trainedModel(version: string) {
  const manifest = JSON.parse(readFileSync(join(starterDir, 'manifest.json'), 'utf8')) as {
    version: string;
    encoder: { sha256: string; bytes: number };
  };
  const encoder = new Uint8Array([...readFileSync(join(starterDir, 'encoder.onnx')), 0]);
  const decoder = new Uint8Array(readFileSync(join(starterDir, 'decoder.onnx')));
  const trained = {
    ...manifest,
    version,
    encoder: { ...manifest.encoder, sha256: sha256(encoder), bytes: encoder.length },
  };
  return { manifest: JSON.stringify(trained), encoder, decoder, decoderSha: sha256(decoder) };
}

describe('findLatestModel', () => {
  it('finds nothing but the starter in an empty .data', async () => {
    const repoRoot = mkdtempSync(join(tmpdir(), 'loupe-latest-'));
    expect(await findLatestModel({ repoRoot, starterDir, env: {} })).toBeNull();
  });

  it('lays out the newest model stored in a content-addressed artifact store', async () => {
    const repoRoot = mkdtempSync(join(tmpdir(), 'loupe-latest-'));
    const store = join(repoRoot, '.data', 'artifacts');
    const model = trainedModel('project-v7');
    const put = (bytes: Uint8Array | string, ext: string) => {
      const hash = sha256(bytes);
      mkdirSync(join(store, hash.slice(0, 2)), { recursive: true });
      writeFileSync(join(store, hash.slice(0, 2), `${hash}${ext}`), bytes);
    };
    put(model.encoder, '.onnx');
    put(model.decoder, '.onnx');
    put(model.manifest, '.json');
    put('{"not": "a manifest"}', '.json');
    const found = await findLatestModel({ repoRoot, starterDir, env: {} });
    expect(found?.version).toBe('project-v7');
    expect(found?.source).toContain('artifact store');
    expect(sha256(readFileSync(join(found?.dir ?? '', 'encoder.onnx')))).toBe(
      sha256(model.encoder),
    );
  });

  it('prefers BENCH_LATEST_MODEL and says when it is not a model directory', async () => {
    const repoRoot = mkdtempSync(join(tmpdir(), 'loupe-latest-'));
    expect(
      (await findLatestModel({ repoRoot, starterDir, env: { BENCH_LATEST_MODEL: starterDir } }))
        ?.source,
    ).toBe('BENCH_LATEST_MODEL');
    await expect(
      findLatestModel({ repoRoot, starterDir, env: { BENCH_LATEST_MODEL: repoRoot } }),
    ).rejects.toBeInstanceOf(LatestModelError);
  });
});
