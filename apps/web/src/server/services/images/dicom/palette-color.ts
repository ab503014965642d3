/**
 * PALETTE COLOR: each stored value indexes three lookup tables (red, green, blue), read from the
 * Palette Color Lookup Table Descriptor (0028,1101-1103) and Data (0028,1201-1203) elements. The
 * looked-up colour becomes Rec. 601 luma, like every other colour image (a lookup, not a codec).
 */
import type dicomParser from 'dicom-parser';
import { AppError } from '../../../errors/app-error';

export interface PaletteLut {
  /** Stored value mapped to the first entry; values below use the first, above the last. */
  firstMapped: number;
  /** Bits per entry: 8 or 16 (all three tables agree, else the image is refused). */
  bits: 8 | 16;
  red: Uint16Array;
  green: Uint16Array;
  blue: Uint16Array;
}

const CHANNELS = [
  ['red', 'x00281101', 'x00281201', 'x00281221'],
  ['green', 'x00281102', 'x00281202', 'x00281222'],
  ['blue', 'x00281103', 'x00281203', 'x00281223'],
] as const;

function readTable(
  ds: dicomParser.DataSet,
  name: string,
  descriptorTag: string,
  dataTag: string,
  segmentedTag: string,
  signed: boolean,
  bigEndian: boolean,
): { firstMapped: number; bits: number; entries: Uint16Array } {
  const descriptor = ds.elements[descriptorTag];
  if (!descriptor || descriptor.length < 6)
    throw new AppError(
      'BAD_INPUT',
      `DICOM PALETTE COLOR image without a ${name} palette lookup table descriptor.`,
    );
  const data = ds.elements[dataTag];
  if (!data) {
    if (ds.elements[segmentedTag])
      throw new AppError(
        'UNSUPPORTED_MEDIA',
        'DICOM PALETTE COLOR with segmented lookup tables is not supported (only plain tables are).',
      );
    throw new AppError(
      'BAD_INPUT',
      `DICOM PALETTE COLOR image without ${name} palette lookup table data.`,
    );
  }
  // 0 entries means 65536. The first mapped value follows the pixel representation.
  const count = ds.uint16(descriptorTag, 0) || 65536;
  const rawFirst = ds.uint16(descriptorTag, 1) ?? 0;
  const firstMapped = signed && rawFirst >= 0x8000 ? rawFirst - 0x10000 : rawFirst;
  const bits = ds.uint16(descriptorTag, 2) ?? 0;
  if (bits !== 8 && bits !== 16)
    throw new AppError(
      'BAD_INPUT',
      `DICOM ${name} palette lookup table declares ${bits} bits per entry (8 or 16).`,
    );
  const bytes = ds.byteArray;
  if (data.dataOffset + data.length > bytes.length)
    throw new AppError('BAD_INPUT', `DICOM ${name} palette lookup table data is truncated.`);
  const view = new DataView(bytes.buffer, bytes.byteOffset + data.dataOffset, data.length);
  const entries = new Uint16Array(count);
  if (bits === 8 && data.length === count + (count % 2)) {
    // 8-bit entries packed two to a 16-bit OW word (byte-swapped per word in big endian).
    for (let i = 0; i < count; i++) entries[i] = view.getUint8(bigEndian ? i ^ 1 : i);
  } else {
    if (data.length < count * 2)
      throw new AppError(
        'BAD_INPUT',
        `DICOM ${name} palette lookup table data holds ${data.length} bytes; ${count} entries need ${count * 2}.`,
      );
    for (let i = 0; i < count; i++) entries[i] = view.getUint16(i * 2, !bigEndian);
    // One 8-bit entry per word: some writers put it in the high byte.
    if (bits === 8 && entries.some((v) => v > 255))
      for (let i = 0; i < count; i++) entries[i]! >>= 8;
  }
  return { firstMapped, bits, entries };
}

/** The image's three palette tables; a clear error when any is missing or they disagree. */
export function readPaletteLut(
  ds: dicomParser.DataSet,
  signed: boolean,
  bigEndian: boolean,
): PaletteLut {
  const [red, green, blue] = CHANNELS.map(([name, descriptor, data, segmented]) =>
    readTable(ds, name, descriptor, data, segmented, signed, bigEndian),
  ) as [ReturnType<typeof readTable>, ...ReturnType<typeof readTable>[]];
  for (const other of [green!, blue!])
    if (other.firstMapped !== red.firstMapped || other.bits !== red.bits)
      throw new AppError(
        'BAD_INPUT',
        'DICOM PALETTE COLOR lookup tables disagree on their first mapped value or bits per entry.',
      );
  return {
    firstMapped: red.firstMapped,
    bits: red.bits as 8 | 16,
    red: red.entries,
    green: green!.entries,
    blue: blue!.entries,
  };
}

/** Stored values (indices) -> Rec. 601 luma of the looked-up colour, in the tables' bit depth. */
export function paletteToLuma(indices: Int32Array, lut: PaletteLut): Uint8Array | Uint16Array {
  const out = lut.bits === 16 ? new Uint16Array(indices.length) : new Uint8Array(indices.length);
  const at = (table: Uint16Array, index: number) =>
    table[index < 0 ? 0 : index >= table.length ? table.length - 1 : index] as number;
  for (let i = 0; i < indices.length; i++) {
    const index = (indices[i] as number) - lut.firstMapped;
    out[i] = Math.round(
      0.299 * at(lut.red, index) + 0.587 * at(lut.green, index) + 0.114 * at(lut.blue, index),
    );
  }
  return out;
}
