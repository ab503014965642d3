/**
 * The one DICOM decoding function: bytes in, luminance frames + value mapping + window + geometry
 * + source identifiers out. Pure (no database, no blobs), so it can run in a worker pool.
 * Limits are checked from the header before any frame is decoded.
 */
import type dicomParser from 'dicom-parser';
import dicomParserLib from 'dicom-parser';
import { AppError } from '../../../errors/app-error';
import { checkDimensions } from '../check-dimensions';
import type { ImageLimits } from '../decoded-image';
import {
  decodeCompressedFrame,
  type FrameLayout,
  type FrameSamples,
} from './decode-compressed-frame';
import { describeError } from './describe-error';
import {
  colourToLuma,
  encodePlane,
  planeEncoding,
  storedValues,
  valueMapping,
} from './frame-to-plane';
import { paletteToLuma, readPaletteLut } from './palette-color';
import { readDicomDataset } from './read-dicom-dataset';
import { readDicomHeader, type DicomHeader } from './read-dicom-header';
import { codecFor, EXPLICIT_BIG, TRANSFER_SYNTAXES, transferSyntaxName } from './transfer-syntaxes';

export interface DecodedDicom {
  kind: 'dicom';
  header: DicomHeader;
  width: number;
  height: number;
  bitDepth: 8 | 16;
  /** Samples per pixel in the file (the stored planes are luminance). */
  channels: number;
  /** One plane per frame, in frame order. */
  frames: (Uint8Array | Uint16Array)[];
  /** real = slope * sample + intercept (unit: "HU" for CT, else the Rescale Type or null). */
  values: { slope: number; intercept: number; unit: string | null };
  /** Default window in real units (the file's VOI window), or null. */
  window: { center: number; width: number } | null;
}

/** Parses and checks the header only (cheap): used to group series before decoding. */
export function readDicomFileHeader(bytes: Uint8Array): DicomHeader {
  const { dataSet, transferSyntax } = readDicomDataset(bytes);
  return readDicomHeader(dataSet, transferSyntax);
}

function checkSupported(header: DicomHeader, limits: ImageLimits): void {
  const ts = header.transferSyntax;
  const known = TRANSFER_SYNTAXES[ts];
  if (!known)
    throw new AppError(
      'UNSUPPORTED_MEDIA',
      `Unknown DICOM transfer syntax ${ts}; Loupe reads uncompressed (implicit/explicit, little/big endian, deflated), RLE, JPEG, JPEG-LS, JPEG 2000 and HTJ2K.`,
    );
  if (!known.codec)
    throw new AppError(
      'UNSUPPORTED_MEDIA',
      `DICOM ${known.name}: ${known.refusal ?? 'not supported'}.`,
    );
  if (known.codec === 'jpeg' && header.bitsStored > 12)
    throw new AppError(
      'BAD_INPUT',
      `DICOM ${known.name} with ${header.bitsStored}-bit samples: JPEG processes 1, 2 and 4 carry 8 or 12 bits.`,
    );
  if (
    header.photometric === 'PALETTE COLOR' &&
    (header.samplesPerPixel !== 1 || header.bitsAllocated > 16 || header.bitsAllocated === 1)
  )
    throw new AppError(
      'BAD_INPUT',
      `DICOM PALETTE COLOR needs one 8- or 16-bit sample per pixel; this one has ${header.samplesPerPixel} of ${header.bitsAllocated} bits.`,
    );
  if (header.samplesPerPixel !== 1 && header.samplesPerPixel !== 3)
    throw new AppError(
      'UNSUPPORTED_MEDIA',
      `DICOM with ${header.samplesPerPixel} samples per pixel is not supported (1 or 3).`,
    );
  if (![1, 8, 16, 32].includes(header.bitsAllocated))
    throw new AppError(
      'UNSUPPORTED_MEDIA',
      `DICOM with ${header.bitsAllocated} bits allocated is not supported (1, 8, 16 or 32).`,
    );
  if (header.bitsAllocated === 1 && (header.samplesPerPixel !== 1 || known.codec !== 'native'))
    throw new AppError('UNSUPPORTED_MEDIA', '1-bit DICOM must be uncompressed monochrome.');
  checkDimensions(header.columns, header.rows, limits, 'DICOM image');
  if (header.frames > limits.maxSlices)
    throw new AppError(
      'TOO_LARGE',
      `DICOM object has ${header.frames} frames; the limit is ${limits.maxSlices}.`,
    );
}

function nativeFrame(
  ds: dicomParser.DataSet,
  element: dicomParser.Element,
  header: DicomHeader,
  frame: number,
): FrameSamples {
  const pixels = header.rows * header.columns;
  const samples = pixels * header.samplesPerPixel;
  const bytes = ds.byteArray;
  if (header.bitsAllocated === 1) {
    const bitStart = frame * pixels;
    const need = Math.ceil((bitStart + pixels) / 8);
    if (element.length < need || element.dataOffset + need > bytes.length)
      throw shortPixelData(element, bytes, need, header);
    const out = new Uint8Array(pixels);
    for (let i = 0; i < pixels; i++) {
      const bit = bitStart + i;
      out[i] = ((bytes[element.dataOffset + (bit >> 3)] as number) >> (bit & 7)) & 1;
    }
    return out;
  }
  const bytesPerSample = header.bitsAllocated / 8;
  // YBR_FULL_422 keeps two luma samples per chroma pair: 2 samples a pixel, not 3.
  const stored = header.photometric === 'YBR_FULL_422' ? pixels * 2 : samples;
  const frameBytes = stored * bytesPerSample;
  const start = element.dataOffset + frame * frameBytes;
  const available = Math.min(element.length, bytes.length - element.dataOffset);
  if ((frame + 1) * frameBytes > available)
    throw shortPixelData(element, bytes, header.frames * frameBytes, header);
  const view = new DataView(bytes.buffer, bytes.byteOffset + start, frameBytes);
  // Big endian OW data is byte-swapped per 16-bit word even for 8-bit samples.
  const bigEndian = header.transferSyntax === EXPLICIT_BIG;
  if (bytesPerSample === 1) {
    const out = new Uint8Array(stored);
    if (bigEndian && element.vr === 'OW')
      for (let i = 0; i < stored; i++) out[i] = view.getUint8(i ^ 1);
    else out.set(new Uint8Array(bytes.buffer, bytes.byteOffset + start, stored));
    return header.signed ? new Int8Array(out.buffer) : out;
  }
  if (bytesPerSample === 2) {
    const out = header.signed ? new Int16Array(stored) : new Uint16Array(stored);
    for (let i = 0; i < stored; i++)
      out[i] = header.signed ? view.getInt16(i * 2, !bigEndian) : view.getUint16(i * 2, !bigEndian);
    return out;
  }
  throw new Error('32-bit frames are read by nativeFrame32');
}

function nativeFrame32(
  ds: dicomParser.DataSet,
  element: dicomParser.Element,
  header: DicomHeader,
  frame: number,
): Int32Array {
  const samples = header.rows * header.columns;
  const frameBytes = samples * 4;
  const bytes = ds.byteArray;
  const available = Math.min(element.length, bytes.length - element.dataOffset);
  if ((frame + 1) * frameBytes > available)
    throw shortPixelData(element, bytes, header.frames * frameBytes, header);
  const view = new DataView(
    bytes.buffer,
    bytes.byteOffset + element.dataOffset + frame * frameBytes,
  );
  const little = header.transferSyntax !== EXPLICIT_BIG;
  const out = new Int32Array(samples);
  for (let i = 0; i < samples; i++) {
    const v = header.signed ? view.getInt32(i * 4, little) : view.getUint32(i * 4, little);
    // Values above 2^31 do not fit Int32; real RT dose grids stay far below.
    out[i] = v > 0x7fffffff ? 0x7fffffff : v;
  }
  return out;
}

function shortPixelData(
  element: dicomParser.Element,
  bytes: Uint8Array,
  need: number,
  header: DicomHeader,
): AppError {
  const have = Math.min(element.length, Math.max(0, bytes.length - element.dataOffset));
  return new AppError(
    'BAD_INPUT',
    `DICOM pixel data is shorter than declared: ${have} bytes, but ${header.frames} frame(s) of ${header.columns}x${header.rows}x${header.samplesPerPixel} at ${header.bitsAllocated} bits need ${need}.`,
  );
}

function encapsulatedFrame(
  ds: dicomParser.DataSet,
  element: dicomParser.Element,
  header: DicomHeader,
  frame: number,
  offsets: number[] | null,
): Uint8Array {
  const fragments = element.fragments ?? [];
  if (fragments.length === 0)
    throw new AppError('BAD_INPUT', 'DICOM encapsulated pixel data has no fragments.');
  try {
    if (header.frames === 1)
      return dicomParserLib.readEncapsulatedPixelDataFromFragments(
        ds,
        element,
        0,
        fragments.length,
      );
    if (offsets) return dicomParserLib.readEncapsulatedImageFrame(ds, element, frame, offsets);
    // No offset table: one fragment per frame is the common case.
    if (fragments.length === header.frames)
      return dicomParserLib.readEncapsulatedPixelDataFromFragments(ds, element, frame, 1);
    return dicomParserLib.readEncapsulatedImageFrame(
      ds,
      element,
      frame,
      dicomParserLib.createJPEGBasicOffsetTable(ds, element),
    );
  } catch (error) {
    throw new AppError(
      'BAD_INPUT',
      `Frame ${frame + 1} of the encapsulated pixel data could not be read: ${describeError(error)}.`,
      undefined,
      { cause: error },
    );
  }
}

export async function decodeDicomFile(
  bytes: Uint8Array,
  limits: ImageLimits,
): Promise<DecodedDicom> {
  const { dataSet: ds, transferSyntax } = readDicomDataset(bytes);
  const header = readDicomHeader(ds, transferSyntax);
  checkSupported(header, limits);
  const element = ds.elements['x7fe00010'] as dicomParser.Element;
  const codec = codecFor(transferSyntax);
  const encapsulated = codec !== 'native';
  if (encapsulated && !element.encapsulatedPixelData)
    throw new AppError(
      'BAD_INPUT',
      `The transfer syntax is ${transferSyntaxName(transferSyntax)} but the pixel data is not encapsulated.`,
    );
  const offsets = element.basicOffsetTable?.length ? element.basicOffsetTable : null;
  const layout: FrameLayout = {
    rows: header.rows,
    columns: header.columns,
    bitsAllocated: header.bitsAllocated,
    samplesPerPixel: header.samplesPerPixel,
    bitsStored: header.bitsStored,
    signed: header.signed,
    planarConfiguration: header.planarConfiguration,
    photometric: header.photometric,
  };
  const palette =
    header.photometric === 'PALETTE COLOR'
      ? readPaletteLut(ds, header.signed, transferSyntax === EXPLICIT_BIG)
      : null;

  // Stored values of every frame first (monochrome), so wide data gets one mapping for all frames.
  const colour = header.samplesPerPixel === 3;
  const frames: (Uint8Array | Uint16Array)[] = [];
  const mono: Int32Array[] = [];
  for (let f = 0; f < header.frames; f++) {
    const label = `Frame ${f + 1} of ${header.frames}`;
    if (header.bitsAllocated === 32 && !encapsulated) {
      mono.push(nativeFrame32(ds, element, header, f));
      continue;
    }
    const samples = encapsulated
      ? await decodeCompressedFrame(
          transferSyntax,
          encapsulatedFrame(ds, element, header, f, offsets),
          layout,
          label,
        )
      : nativeFrame(ds, element, header, f);
    const expected = header.rows * header.columns * header.samplesPerPixel;
    if (
      samples.length <
      expected * (header.photometric === 'YBR_FULL_422' && !encapsulated ? 2 / 3 : 1)
    )
      throw new AppError(
        'BAD_INPUT',
        `${label} decoded to ${samples.length} samples; ${header.columns}x${header.rows}x${header.samplesPerPixel} needs ${expected}.`,
      );
    if (colour) {
      // The JPEG-family codecs return RGB whatever YBR the header names.
      const photometric =
        encapsulated && codec !== 'rle' && codec !== 'jpegls' && codec !== 'jpegxl'
          ? 'RGB'
          : header.photometric;
      frames.push(
        colourToLuma(
          samples,
          header,
          photometric,
          !encapsulated || codec === 'rle' ? header.planarConfiguration === 1 : false,
        ),
      );
    } else if (palette) frames.push(paletteToLuma(storedValues(samples, header), palette));
    else mono.push(storedValues(samples, header));
  }

  if (colour || palette) {
    const bitDepth = palette ? palette.bits : header.bitsAllocated > 8 ? 16 : 8;
    // 32-bit colour is kept as 16-bit luma: real = 65537 * sample (65535 * 65537 = 2^32 - 1).
    const slope = header.bitsAllocated === 32 && !palette ? 65537 : 1;
    return {
      kind: 'dicom',
      header,
      width: header.columns,
      height: header.rows,
      bitDepth,
      channels: 3,
      frames,
      values: { slope, intercept: 0, unit: null },
      window: null,
    };
  }
  let min = Infinity;
  let max = -Infinity;
  for (const values of mono)
    for (let i = 0; i < values.length; i++) {
      const v = values[i] as number;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  if (header.bitsAllocated === 1) {
    // Bilevel: 0/1 shown as 0/255.
    const planes = mono.map((m) => Uint8Array.from(m, (v) => (v ? 255 : 0)));
    return {
      kind: 'dicom',
      header,
      width: header.columns,
      height: header.rows,
      bitDepth: 8,
      channels: 1,
      frames:
        header.photometric === 'MONOCHROME1' ? planes.map((p) => p.map((v) => 255 - v)) : planes,
      values: { slope: 1 / 255, intercept: 0, unit: null },
      window: null,
    };
  }
  const enc = planeEncoding(header, min, max);
  const mapping = valueMapping(enc, header.rescale);
  return {
    kind: 'dicom',
    header,
    width: header.columns,
    height: header.rows,
    bitDepth: enc.bitDepth,
    channels: 1,
    frames: mono.map((m) => encodePlane(m, enc)),
    values: { ...mapping, unit: header.rescale.unit },
    window: header.window,
  };
}
