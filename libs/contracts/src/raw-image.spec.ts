import { describe, expect, it } from 'vitest';
import { decodeRawImage, decodeRawImageHeaders, encodeRawImageHeaders } from './raw-image';

describe('raw image response', () => {
  it('round-trips 8- and 16-bit images through the headers and body', () => {
    const gray8 = Uint8Array.from([0, 10, 20, 30, 40, 250]);
    const back8 = decodeRawImage(
      new Headers(encodeRawImageHeaders({ width: 3, height: 2, bitDepth: 8 })),
      gray8.slice().buffer,
    );
    expect(back8).toEqual({ width: 3, height: 2, bitDepth: 8, samples: gray8 });

    const gray16 = Uint16Array.from([0, 1000, 65535, 42]);
    const back16 = decodeRawImage(
      new Headers(encodeRawImageHeaders({ width: 2, height: 2, bitDepth: 16 })),
      gray16.slice().buffer,
    );
    expect(back16.samples).toBeInstanceOf(Uint16Array);
    expect(Array.from(back16.samples)).toEqual(Array.from(gray16));
  });

  it('writes the header names the route has always sent', () => {
    expect(encodeRawImageHeaders({ width: 640, height: 480, bitDepth: 16 })).toEqual({
      'X-Image-Width': '640',
      'X-Image-Height': '480',
      'X-Image-Bit-Depth': '16',
    });
  });

  it('refuses to describe a size or depth the reader cannot take', () => {
    expect(() => encodeRawImageHeaders({ width: 640, height: 0, bitDepth: 12 })).toThrow(
      /^raw image headers is malformed: height: .*; bitDepth: /,
    );
  });

  it('refuses missing or malformed headers, naming each', () => {
    expect(() => decodeRawImageHeaders(new Headers({ 'X-Image-Width': '64' }))).toThrow(
      'raw image headers is malformed: X-Image-Height: header missing; X-Image-Bit-Depth: must be 8 or 16',
    );
    expect(() =>
      decodeRawImageHeaders(
        new Headers({ 'X-Image-Width': '64.5', 'X-Image-Height': '-3', 'X-Image-Bit-Depth': '16' }),
      ),
    ).toThrow(
      'raw image headers is malformed: X-Image-Width: must be a positive whole number; X-Image-Height: must be a positive whole number',
    );
  });

  it('refuses a body whose length does not match the declared size', () => {
    const headers = new Headers(encodeRawImageHeaders({ width: 4, height: 4, bitDepth: 16 }));
    expect(() => decodeRawImage(headers, new ArrayBuffer(16))).toThrow(
      'raw image body is malformed: 16 bytes, expected 32 for 4x4 at 16 bits',
    );
  });
});
