/**
 * GET /api/images/:imageId/raw: the image's luminance samples (little-endian 8- or 16-bit, row
 * major) with its size in `X-Image-*` headers. The server writes the headers with
 * encodeRawImageHeaders; the browser pages and the bench read the response with decodeRawImage.
 */
import { z } from 'zod';
import { ContractError, parseContract } from './contract-error';

export const RAW_IMAGE_HEADERS = {
  width: 'X-Image-Width',
  height: 'X-Image-Height',
  bitDepth: 'X-Image-Bit-Depth',
} as const;

export interface RawImageInfo {
  width: number;
  height: number;
  bitDepth: 8 | 16;
}

export interface RawImage extends RawImageInfo {
  samples: Uint8Array | Uint16Array;
}

const rawImageInfoSchema = z.object({
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  bitDepth: z.union([z.literal(8), z.literal(16)]),
});

const headerCount = z
  .string({ error: 'header missing' })
  .regex(/^[1-9][0-9]*$/, 'must be a positive whole number')
  .transform(Number);

const headersSchema = z.object({
  [RAW_IMAGE_HEADERS.width]: headerCount,
  [RAW_IMAGE_HEADERS.height]: headerCount,
  [RAW_IMAGE_HEADERS.bitDepth]: z.enum(['8', '16'], { error: 'must be 8 or 16' }),
});

/** The `X-Image-*` headers for an image; throws a ContractError for sizes it cannot describe. */
export function encodeRawImageHeaders(info: {
  width: number;
  height: number;
  bitDepth: number;
}): Record<string, string> {
  const checked = parseContract(rawImageInfoSchema, info, 'raw image headers');
  return {
    [RAW_IMAGE_HEADERS.width]: String(checked.width),
    [RAW_IMAGE_HEADERS.height]: String(checked.height),
    [RAW_IMAGE_HEADERS.bitDepth]: String(checked.bitDepth),
  };
}

/** Size and bit depth from a response's headers (fetch's Headers, or anything with `get`). */
export function decodeRawImageHeaders(headers: { get(name: string): string | null }): RawImageInfo {
  const read = (name: string) => headers.get(name) ?? undefined;
  const parsed = parseContract(
    headersSchema,
    {
      [RAW_IMAGE_HEADERS.width]: read(RAW_IMAGE_HEADERS.width),
      [RAW_IMAGE_HEADERS.height]: read(RAW_IMAGE_HEADERS.height),
      [RAW_IMAGE_HEADERS.bitDepth]: read(RAW_IMAGE_HEADERS.bitDepth),
    },
    'raw image headers',
  );
  return {
    width: parsed[RAW_IMAGE_HEADERS.width],
    height: parsed[RAW_IMAGE_HEADERS.height],
    bitDepth: parsed[RAW_IMAGE_HEADERS.bitDepth] === '16' ? 16 : 8,
  };
}

/** The samples of a raw response, checked against the size its headers declare. */
export function decodeRawImage(
  headers: { get(name: string): string | null },
  body: ArrayBuffer,
): RawImage {
  const info = decodeRawImageHeaders(headers);
  const expected = info.width * info.height * (info.bitDepth / 8);
  if (body.byteLength !== expected)
    throw new ContractError('raw image body', [
      `${body.byteLength} bytes, expected ${expected} for ${info.width}x${info.height} at ${info.bitDepth} bits`,
    ]);
  const samples = info.bitDepth === 16 ? new Uint16Array(body) : new Uint8Array(body);
  return { ...info, samples };
}
