/** NIfTI decoding: non-image files refused saying why, 4-D choices, real units kept exactly. */
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../errors/app-error';
import { nifti16 } from '../../testing/medical-formats';
import { TEST_LIMITS } from '../../testing/web-test-context';
import { decodeNifti } from './decode-nifti';

function withHeader(edit: (view: DataView) => void): Uint8Array {
  const file = nifti16(
    4,
    3,
    2,
    Int16Array.from({ length: 24 }, (_, i) => i * 100 - 1000),
  );
  edit(new DataView(file.buffer, file.byteOffset));
  return file;
}

const refusal = async (bytes: Uint8Array) => {
  try {
    await decodeNifti(bytes, TEST_LIMITS);
  } catch (error) {
    if (isAppError(error)) return error.message;
    throw error;
  }
  throw new Error('accepted');
};

describe('decodeNifti', () => {
  it('refuses CIFTI-2 and other non-image NIfTI, saying what they are', async () => {
    expect(await refusal(withHeader((v) => v.setInt16(68, 3006, true)))).toMatch(
      /CIFTI-2 file \(NIfTI intent 3006\)/,
    );
    expect(await refusal(withHeader((v) => v.setInt16(68, 1007, true)))).toMatch(
      /a vector field \(intent 1007\)/,
    );
    expect(
      await refusal(
        withHeader((v) => {
          v.setInt16(40, 5, true);
          v.setInt16(50, 3, true); // dim[5] = 3 components
        }),
      ),
    ).toMatch(/has 5 dimensions/);
  });

  it('keeps int16 values exactly as a value mapping, with the pixdim affine when no qform/sform', async () => {
    const [volume] = await decodeNifti(
      withHeader(() => undefined),
      TEST_LIMITS,
    );
    expect(volume!.bitDepth).toBe(16);
    expect(volume!.values).toEqual({ slope: 1, intercept: -1000, unit: null });
    expect(Array.from(volume!.slices[1]!.subarray(0, 3))).toEqual([1200, 1300, 1400]);
    expect(volume!.affineSource).toBe('nifti-pixdim');
    expect(volume!.affine).toEqual([0.5, 0, 0, 0, 0, 0.5, 0, 0, 0, 0, 2, 0, 0, 0, 0, 1]);
  });

  it('4-D: sequence mode needs one slice per time point', async () => {
    const file = withHeader((v) => {
      v.setInt16(40, 4, true);
      v.setInt16(46, 1, true); // z = 1
      v.setInt16(48, 2, true); // t = 2
    });
    expect(
      (await decodeNifti(file, TEST_LIMITS, { fourD: 'sequence' })).map((v) => [
        v.volumeKind,
        v.depth,
      ]),
    ).toEqual([['SEQUENCE', 2]]);
    const deep = withHeader((v) => {
      v.setInt16(40, 4, true);
      v.setInt16(46, 1, true);
      v.setInt16(48, 2, true);
    });
    expect((await decodeNifti(deep, TEST_LIMITS)).map((v) => [v.volumeKind, v.timeIndex])).toEqual([
      ['VOLUME', 0],
      ['VOLUME', 1],
    ]);
  });
});
