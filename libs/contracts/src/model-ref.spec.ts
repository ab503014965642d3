import { describe, expect, it } from 'vitest';
import { parseContract } from './contract-error';
import { modelRefSchema } from './model-ref';

const sha = 'ab'.repeat(32);

describe('modelRefSchema', () => {
  it('accepts a ref with or without a manifest sha256 and drops extra fields', () => {
    const ref = {
      modelVersionId: 'm1',
      version: 2,
      manifestSha256: sha,
      baseUrl: '/api/models/m1',
    };
    expect(modelRefSchema.parse({ ...ref, promotedAt: '2026-01-01' })).toEqual(ref);
    expect(modelRefSchema.parse({ ...ref, manifestSha256: null }).manifestSha256).toBeNull();
  });

  it('refuses a bad version or checksum, naming the field', () => {
    const ref = { modelVersionId: 'm1', version: 0, manifestSha256: 'ABC', baseUrl: '' };
    expect(() => parseContract(modelRefSchema, ref, 'model ref')).toThrow(
      /^model ref is malformed: version: .*; manifestSha256: must be a lowercase hex sha256; baseUrl: /,
    );
  });
});
