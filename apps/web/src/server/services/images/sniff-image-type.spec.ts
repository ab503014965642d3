import { describe, expect, it } from 'vitest';
import { dicom16, nifti16, tiff16 } from '../../testing/medical-formats';
import { sniffImageType } from './sniff-image-type';

describe('sniffImageType', () => {
  it('recognises each format by its magic bytes', () => {
    expect(
      sniffImageType(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0])),
    ).toBe('image/png');
    expect(sniffImageType(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
    expect(sniffImageType(tiff16(2, 2, new Uint16Array(4)))).toBe('image/tiff');
    expect(sniffImageType(new Uint8Array([0x4d, 0x4d, 0x00, 0x2a]))).toBe('image/tiff');
    expect(sniffImageType(dicom16(2, 2, new Uint16Array(4)))).toBe('application/dicom');
    expect(sniffImageType(nifti16(2, 2, 1, new Int16Array(4)))).toBe('application/x-nifti');
    expect(sniffImageType(nifti16(2, 2, 1, new Int16Array(4), { gzip: true }))).toBe(
      'application/x-nifti+gzip',
    );
  });

  it('finds DICM at 128 before a TIFF header in the preamble, and bare DICOM data sets', () => {
    const dual = dicom16(2, 2, new Uint16Array(4));
    dual.set([0x49, 0x49, 0x2a, 0x00, 8, 0, 0, 0]);
    expect(sniffImageType(dual)).toBe('application/dicom');
    expect(sniffImageType(dicom16(2, 2, new Uint16Array(4)).subarray(132 + 40))).toBe(
      'application/dicom',
    );
  });

  it('returns null for anything else', () => {
    expect(sniffImageType(new Uint8Array())).toBeNull();
    expect(
      sniffImageType(new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>')),
    ).toBeNull();
    expect(sniffImageType(new Uint8Array([0x47, 0x49, 0x46, 0x38, 0x39, 0x61]))).toBeNull(); // GIF
  });
});
