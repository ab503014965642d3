/**
 * Tiny medical-format files generated in code for tests: 16-bit TIFF, DICOM (explicit VR little
 * endian, single frame) and NIfTI-1 volumes. Just enough of each format for real parsers.
 */
import { gzipSync } from 'node:zlib';

/** Uncompressed baseline TIFF, one strip, 16-bit greyscale (BlackIsZero), little endian. */
export function tiff16(width: number, height: number, pixels: Uint16Array): Uint8Array {
  const entries: [tag: number, type: number, value: number][] = [];
  const dataOffset = 8;
  const dataBytes = width * height * 2;
  const ifdOffset = dataOffset + dataBytes;
  entries.push(
    [256, 4, width],
    [257, 4, height],
    [258, 3, 16],
    [259, 3, 1],
    [262, 3, 1],
    [273, 4, dataOffset],
    [277, 3, 1],
    [278, 4, height],
    [279, 4, dataBytes],
  );
  const out = new Uint8Array(ifdOffset + 2 + entries.length * 12 + 4);
  const view = new DataView(out.buffer);
  out.set([0x49, 0x49, 0x2a, 0x00]);
  view.setUint32(4, ifdOffset, true);
  for (let i = 0; i < pixels.length; i++)
    view.setUint16(dataOffset + i * 2, pixels[i] as number, true);
  view.setUint16(ifdOffset, entries.length, true);
  entries.forEach(([tag, type, value], i) => {
    const at = ifdOffset + 2 + i * 12;
    view.setUint16(at, tag, true);
    view.setUint16(at + 2, type, true);
    view.setUint32(at + 4, 1, true);
    if (type === 3) view.setUint16(at + 8, value, true);
    else view.setUint32(at + 8, value, true);
  });
  view.setUint32(ifdOffset + 2 + entries.length * 12, 0, true);
  return out;
}

function dicomElement(group: number, element: number, vr: string, value: Uint8Array): Uint8Array {
  const longForm = ['OB', 'OW', 'OF', 'SQ', 'UT', 'UN'].includes(vr);
  const header = new Uint8Array(longForm ? 12 : 8);
  const view = new DataView(header.buffer);
  view.setUint16(0, group, true);
  view.setUint16(2, element, true);
  header[4] = vr.charCodeAt(0);
  header[5] = vr.charCodeAt(1);
  if (longForm) view.setUint32(8, value.length, true);
  else view.setUint16(6, value.length, true);
  const out = new Uint8Array(header.length + value.length);
  out.set(header);
  out.set(value, header.length);
  return out;
}

const text = (s: string) => {
  const padded = s.length % 2 ? `${s}\0` : s;
  return new TextEncoder().encode(padded);
};
const us = (v: number) => new Uint8Array(new Uint16Array([v]).buffer);
const ul = (v: number) => new Uint8Array(new Uint32Array([v]).buffer);

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Single-frame monochrome DICOM Part 10 file with 16-bit stored values. */
export function dicom16(
  width: number,
  height: number,
  pixels: Uint16Array | Int16Array,
  options: { transferSyntax?: string; signed?: boolean; frames?: number } = {},
): Uint8Array {
  const syntax = dicomElement(
    0x0002,
    0x0010,
    'UI',
    text(options.transferSyntax ?? '1.2.840.10008.1.2.1'),
  );
  const meta = concat([dicomElement(0x0002, 0x0000, 'UL', ul(syntax.length)), syntax]);
  const pixelBytes = new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength);
  const dataset = concat([
    dicomElement(0x0028, 0x0002, 'US', us(1)),
    dicomElement(0x0028, 0x0004, 'CS', text('MONOCHROME2')),
    ...(options.frames ? [dicomElement(0x0028, 0x0008, 'IS', text(String(options.frames)))] : []),
    dicomElement(0x0028, 0x0010, 'US', us(height)),
    dicomElement(0x0028, 0x0011, 'US', us(width)),
    dicomElement(0x0028, 0x0100, 'US', us(16)),
    dicomElement(0x0028, 0x0101, 'US', us(16)),
    dicomElement(0x0028, 0x0102, 'US', us(15)),
    dicomElement(0x0028, 0x0103, 'US', us(options.signed ? 1 : 0)),
    dicomElement(0x7fe0, 0x0010, 'OW', pixelBytes),
  ]);
  const preamble = new Uint8Array(132);
  preamble.set([0x44, 0x49, 0x43, 0x4d], 128);
  return concat([preamble, meta, dataset]);
}

/**
 * NIfTI-1 single file (.nii), int16 voxels x-fastest, optionally gzipped (.nii.gz) and scaled
 * (scl_slope/scl_inter: real = slope * voxel + inter; default 1, 0).
 */
export function nifti16(
  x: number,
  y: number,
  z: number,
  voxels: Int16Array,
  options: { gzip?: boolean; sclSlope?: number; sclInter?: number } = {},
): Uint8Array {
  const header = new Uint8Array(352);
  const view = new DataView(header.buffer);
  view.setInt32(0, 348, true);
  [3, x, y, z, 1, 1, 1, 1].forEach((d, i) => view.setInt16(40 + i * 2, d, true));
  view.setInt16(70, 4, true); // datatype INT16
  view.setInt16(72, 16, true); // bitpix
  [1, 0.5, 0.5, 2, 1, 1, 1, 1].forEach((d, i) => view.setFloat32(76 + i * 4, d, true));
  view.setFloat32(108, 352, true); // vox_offset
  view.setFloat32(112, options.sclSlope ?? 1, true); // scl_slope
  view.setFloat32(116, options.sclInter ?? 0, true); // scl_inter
  header.set([0x6e, 0x2b, 0x31, 0x00], 344); // "n+1\0"
  const file = concat([
    header,
    new Uint8Array(voxels.buffer, voxels.byteOffset, voxels.byteLength),
  ]);
  return options.gzip ? new Uint8Array(gzipSync(file)) : file;
}

/** A PNG whose IHDR claims the given size but has no image data (for size-limit tests). */
export function pngHeaderOnly(width: number, height: number): Uint8Array {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  const ihdr = new Uint8Array(25);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, 13);
  ihdr.set([0x49, 0x48, 0x44, 0x52], 4);
  view.setUint32(8, width);
  view.setUint32(12, height);
  ihdr.set([8, 0, 0, 0, 0], 16);
  view.setUint32(21, crc32(ihdr.subarray(4, 21)));
  return concat([new Uint8Array(signature), ihdr]);
}

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
