/**
 * One encapsulated DICOM frame -> its stored samples, by the maintained decoders: the cornerstone
 * WebAssembly builds of libjpeg-turbo (8-bit JPEG), CharLS (JPEG-LS), OpenJPEG (JPEG 2000) and
 * OpenJPH (HTJ2K), jpeg-lossless-decoder-js (JPEG Lossless) and cornerstone's RLE decoder; and
 * dcmjs-codecs (WebAssembly builds of DCMTK's IJG 12-bit JPEG, DCMTK's RLE and libjxl) for what
 * those lack: 12-bit JPEG Extended, RLE with 16-bit colour or 32-bit samples, JPEG XL.
 * Codec modules load once per process (or worker) and print nothing.
 */
import type * as DcmjsCodecsModule from 'dcmjs-codecs';
import { AppError } from '../../../errors/app-error';
import { describeError } from './describe-error';
import { codecFor, type CodecKey } from './transfer-syntaxes';

export interface FrameLayout {
  rows: number;
  columns: number;
  bitsAllocated: number;
  samplesPerPixel: number;
  bitsStored: number;
  signed: boolean;
  planarConfiguration: number;
  photometric: string;
}

/** Samples pixel-interleaved (RGBRGB...) for colour; signedness as stored. */
export type FrameSamples =
  Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array;

// A fresh object per module: emscripten uses the object passed in as the module itself, so a
// shared one would make the codecs register their bindings on top of each other.
const silent = () => ({ print: () => undefined, printErr: () => undefined });
const wasmCodecs = new Map<string, Promise<Record<string, new () => CornerstoneDecoder>>>();

/** The codec module (instantiated once per process: emscripten bindings allow one instance). */
export function loadCodec(key: 'jpeg' | 'jpegls' | 'j2k' | 'htj2k') {
  let codec = wasmCodecs.get(key);
  if (!codec) {
    codec = (
      key === 'jpeg'
        ? import('@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs')
        : key === 'jpegls'
          ? import('@cornerstonejs/codec-charls/decodewasmjs')
          : key === 'j2k'
            ? import('@cornerstonejs/codec-openjpeg/decodewasmjs')
            : import('@cornerstonejs/codec-openjph/wasmjs')
    ).then((m) => m.default(silent()));
    wasmCodecs.set(key, codec);
  }
  return codec;
}

const DECODER_CLASS = {
  jpeg: 'JPEGDecoder',
  jpegls: 'JpegLSDecoder',
  j2k: 'J2KDecoder',
  htj2k: 'HTJ2KDecoder',
} as const;

async function decodeWasm(
  key: keyof typeof DECODER_CLASS,
  bytes: Uint8Array,
  layout: FrameLayout,
): Promise<FrameSamples> {
  const codec = await loadCodec(key);
  const Decoder = codec[DECODER_CLASS[key]];
  if (!Decoder) throw new Error(`${DECODER_CLASS[key]} missing from the codec module`);
  const decoder = new Decoder();
  try {
    decoder.getEncodedBuffer(bytes.length).set(bytes);
    decoder.decode();
    const info = decoder.getFrameInfo();
    if (info.width !== layout.columns || info.height !== layout.rows)
      throw new Error(
        `the compressed frame is ${info.width}x${info.height}, the header says ${layout.columns}x${layout.rows}`,
      );
    const decoded = decoder.getDecodedBuffer();
    // Copied out of the wasm heap: the view dies with the decoder.
    const copy = new Uint8Array(decoded);
    if (info.bitsPerSample > 8) {
      const count = copy.byteLength / 2;
      return layout.signed
        ? new Int16Array(copy.buffer, 0, count)
        : new Uint16Array(copy.buffer, 0, count);
    }
    return layout.signed ? new Int8Array(copy.buffer) : copy;
  } finally {
    decoder.delete();
  }
}

type DcmjsCodecs = Pick<typeof DcmjsCodecsModule, 'Context' | 'NativeCodecs' | 'log'>;
let dcmjsCodecs: Promise<DcmjsCodecs> | undefined;

/** dcmjs-codecs with its WebAssembly initialised (once per process; it finds its .wasm itself). */
export function loadDcmjsCodecs(): Promise<DcmjsCodecs> {
  dcmjsCodecs ??= import('dcmjs-codecs').then(async (m) => {
    // CommonJS build: under ESM the API is the default export.
    const api: DcmjsCodecs = (m as { default?: DcmjsCodecs }).default ?? m;
    api.log.setLevel('silent');
    await api.NativeCodecs.initializeAsync({ logCodecsInfo: false, logCodecsTrace: false });
    return api;
  });
  return dcmjsCodecs;
}

/** Bytes of little-endian samples as the typed array their size and signedness call for. */
function samplesOf(bytes: Uint8Array, bitsAllocated: number, signed: boolean): FrameSamples {
  // Copied out of the wasm heap (and aligned): the view dies with the next decode.
  const { buffer } = bytes.slice();
  if (bitsAllocated === 32)
    return signed
      ? new Int32Array(buffer, 0, bytes.length / 4)
      : new Uint32Array(buffer, 0, bytes.length / 4);
  if (bitsAllocated === 16)
    return signed
      ? new Int16Array(buffer, 0, bytes.length / 2)
      : new Uint16Array(buffer, 0, bytes.length / 2);
  return signed ? new Int8Array(buffer) : new Uint8Array(buffer);
}

/** DCMTK's decoders (via dcmjs-codecs): IJG 8/12/16-bit JPEG, RLE of any sample size, JPEG XL. */
export async function decodeWithDcmtk(
  kind: 'jpeg' | 'rle' | 'jpegxl',
  bytes: Uint8Array,
  layout: FrameLayout,
): Promise<FrameSamples> {
  const { Context, NativeCodecs } = await loadDcmjsCodecs();
  const context = new Context({
    width: layout.columns,
    height: layout.rows,
    bitsAllocated: layout.bitsAllocated,
    bitsStored: layout.bitsStored,
    samplesPerPixel: layout.samplesPerPixel,
    pixelRepresentation: layout.signed ? 1 : 0,
    planarConfiguration: layout.planarConfiguration,
    photometricInterpretation: layout.photometric,
    encodedBuffer: bytes,
  });
  const decoded = (
    kind === 'jpeg'
      ? NativeCodecs.decodeJpeg(context, { convertColorspaceToRgb: true })
      : kind === 'rle'
        ? NativeCodecs.decodeRle(context)
        : NativeCodecs.decodeJpegXl(context)
  ).getDecodedBuffer();
  if (!decoded) throw new Error('the decoder returned no pixels');
  const frameBytes =
    layout.rows * layout.columns * layout.samplesPerPixel * (layout.bitsAllocated / 8);
  if (decoded.length < frameBytes)
    throw new Error(`decoded to ${decoded.length} bytes; the header needs ${frameBytes}`);
  return samplesOf(decoded.subarray(0, frameBytes), layout.bitsAllocated, layout.signed);
}

async function decodeJpegLossless(bytes: Uint8Array, layout: FrameLayout): Promise<FrameSamples> {
  const { Decoder } = await import('jpeg-lossless-decoder-js');
  const copy = bytes.slice();
  const out = new Decoder().decode(copy.buffer, 0, copy.byteLength, layout.bitsAllocated / 8);
  if (layout.bitsAllocated > 8) {
    const u16 = new Uint16Array(out.buffer, out.byteOffset, out.byteLength / 2);
    return layout.signed ? new Int16Array(u16.buffer, u16.byteOffset, u16.length) : u16;
  }
  const u8 = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  return layout.signed ? new Int8Array(u8.buffer, u8.byteOffset, u8.length) : u8;
}

async function decodeRle(bytes: Uint8Array, layout: FrameLayout): Promise<FrameSamples> {
  const sixteen = layout.bitsAllocated === 16;
  // cornerstone's RLE decoder reads 8-bit grey and colour and 16-bit grey; DCMTK's the rest.
  if ((layout.bitsAllocated !== 8 && !sixteen) || (sixteen && layout.samplesPerPixel !== 1))
    return decodeWithDcmtk('rle', bytes, layout);
  const rle = await import('@cornerstonejs/dicom-codec/src/codecs/rleLossless.js');
  const { imageFrame } = await rle.decode(bytes, layout);
  // The decoder returns bytes (Int8Array); read them as the samples they are.
  const { buffer, byteOffset, byteLength } = imageFrame;
  if (sixteen)
    return layout.signed
      ? new Int16Array(buffer, byteOffset, byteLength / 2)
      : new Uint16Array(buffer, byteOffset, byteLength / 2);
  return layout.signed
    ? new Int8Array(buffer, byteOffset, byteLength)
    : new Uint8Array(buffer, byteOffset, byteLength);
}

/** Decodes one frame; failures name the codec and say what was wrong. */
export async function decodeCompressedFrame(
  transferSyntax: string,
  bytes: Uint8Array,
  layout: FrameLayout,
  frameLabel: string,
): Promise<FrameSamples> {
  const codec: CodecKey | null = codecFor(transferSyntax);
  try {
    switch (codec) {
      case 'jpeg':
        // The libjpeg-turbo build is 8-bit only; DCMTK's IJG also reads 12-bit JPEG Extended.
        return layout.bitsStored > 8
          ? await decodeWithDcmtk('jpeg', bytes, layout)
          : await decodeWasm(codec, bytes, layout);
      case 'jpegls':
      case 'j2k':
      case 'htj2k':
        return await decodeWasm(codec, bytes, layout);
      case 'jpeg-lossless':
        return await decodeJpegLossless(bytes, layout);
      case 'rle':
        return await decodeRle(bytes, layout);
      case 'jpegxl':
        return await decodeWithDcmtk('jpegxl', bytes, layout);
      default:
        throw new AppError(
          'UNSUPPORTED_MEDIA',
          `No decoder for transfer syntax ${transferSyntax}.`,
        );
    }
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError(
      'BAD_INPUT',
      `${frameLabel} could not be decoded (${codec ?? transferSyntax}): ${describeError(error)}. The compressed data is corrupt or truncated.`,
      undefined,
      { cause: error },
    );
  }
}
