/**
 * Real DICOM files (pydicom's test set from Debian, jpeg-lossless-decoder-js's samples) decoded by
 * decodeDicomFile and compared with an independent reference: dcmtk's native decoders
 * (dcmdjpeg / dcmdrle / dcmdjpls / dcmconv) write Explicit VR Little Endian, whose raw samples
 * this test reads itself; and lossless files must equal their uncompressed originals exactly.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dicomParser from 'dicom-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { isAppError } from '../../../errors/app-error';
import {
  DCMTK_SKIP_REASON,
  dcmtkBareDataset,
  dcmtkDecompress,
  hasDcmtk,
  jpegLosslessTestFiles,
  pydicomTestFiles,
  SAMPLES_SKIP_REASON,
} from '../../../testing/real-dicom-samples';
import { decodeDicomFile, type DecodedDicom } from './decode-dicom-file';
import { loadCodec, loadDcmjsCodecs } from './decode-compressed-frame';
import { readDicomDataset } from './read-dicom-dataset';

const LIMITS = { maxBytes: 64 << 20, maxSide: 4096, maxPixels: 16_000_000, maxSlices: 64 };
const samples = pydicomTestFiles();
const dcmtk = hasDcmtk();
if (!samples) console.log(`[skip] ${SAMPLES_SKIP_REASON}`);
if (samples && !dcmtk) console.log(`[skip] ${DCMTK_SKIP_REASON}`);
const work = mkdtempSync(join(tmpdir(), 'loupe-dicom-ref-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const read = (dir: string, name: string) => new Uint8Array(readFileSync(join(dir, name)));

/** Real values of every pixel of every frame, from our decoded planes and value mapping. */
function realValues(d: DecodedDicom): Float64Array[] {
  return d.frames.map((f) => Float64Array.from(f, (s) => d.values.slope * s + d.values.intercept));
}

/**
 * The reference: raw samples of an uncompressed little-endian file read straight from its Pixel
 * Data element (offsets from dicom-parser), rescaled by the file's own slope/intercept, and colour
 * turned into luma with the same rule the product documents (Rec. 601, or the Y of YBR).
 */
function referenceValues(bytes: Uint8Array): Float64Array[] {
  const ds = dicomParser.parseDicom(bytes);
  const el = ds.elements['x7fe00010']!;
  const rows = ds.uint16('x00280010')!;
  const cols = ds.uint16('x00280011')!;
  const spp = ds.uint16('x00280002') ?? 1;
  const bits = ds.uint16('x00280100')!;
  const stored = ds.uint16('x00280101') ?? bits;
  const signed = ds.uint16('x00280103') === 1;
  const planar = ds.uint16('x00280006') === 1;
  const photometric = ds.string('x00280004')!.trim();
  const frames = ds.intString('x00280008') ?? 1;
  const slope = ds.floatString('x00281053') ?? 1;
  const intercept = ds.floatString('x00281052') ?? 0;
  const view = new DataView(bytes.buffer, bytes.byteOffset + el.dataOffset, el.length);
  const n = rows * cols;
  const sample = (i: number) => {
    let v =
      bits === 8
        ? view.getUint8(i)
        : bits === 16
          ? view.getUint16(i * 2, true)
          : view.getUint32(i * 4, true);
    v = v % 2 ** stored;
    if (signed && v >= 2 ** (stored - 1)) v -= 2 ** stored;
    return v;
  };
  const out: Float64Array[] = [];
  const perFrame = photometric === 'YBR_FULL_422' ? n * 2 : n * spp;
  for (let f = 0; f < frames; f++) {
    const base = f * perFrame;
    const plane = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      if (spp === 1) {
        const v = sample(base + i);
        plane[i] = photometric === 'MONOCHROME1' ? v : slope * v + intercept;
      } else if (photometric === 'YBR_FULL_422')
        plane[i] = sample(base + Math.floor(i / 2) * 4 + (i % 2));
      else {
        const c = (k: number) => sample(base + (planar ? k * n + i : i * 3 + k));
        plane[i] = photometric.startsWith('YBR')
          ? c(0)
          : Math.round(0.299 * c(0) + 0.587 * c(1) + 0.114 * c(2));
      }
    }
    out.push(plane);
  }
  return out;
}

function diffStats(a: Float64Array[], b: Float64Array[]): { max: number; mean: number } {
  expect(a.length).toBe(b.length);
  let worst = 0;
  let sum = 0;
  let n = 0;
  a.forEach((plane, f) => {
    const other = b[f]!;
    expect(plane.length).toBe(other.length);
    for (let i = 0; i < plane.length; i++) {
      const d = Math.abs(plane[i]! - other[i]!);
      worst = Math.max(worst, d);
      sum += d;
      n++;
    }
  });
  return { max: worst, mean: sum / Math.max(1, n) };
}

const maxAbsDiff = (a: Float64Array[], b: Float64Array[]) => diffStats(a, b).max;

/** Files whose pixels equal an uncompressed original exactly (pydicom documents the pairs). */
const LOSSLESS_PAIRS: [file: string, original: string][] = [
  ['MR_small_implicit.dcm', 'MR_small.dcm'],
  ['MR_small_bigendian.dcm', 'MR_small.dcm'],
  ['MR_small_expb.dcm', 'MR_small.dcm'],
  ['MR_small_RLE.dcm', 'MR_small.dcm'],
  ['MR_small_jpeg_ls_lossless.dcm', 'MR_small.dcm'],
  ['MR_small_jp2klossless.dcm', 'MR_small.dcm'],
];

/** Every kind of file, compared with dcmtk's decoding (tolerance 0 unless lossy JPEG). */
const AGAINST_DCMTK: [file: string, tolerance: number][] = [
  ['CT_small.dcm', 0], // TIFF header in the preamble, CT, HU
  ['MR_small.dcm', 0],
  ['MR_small_implicit.dcm', 0],
  ['MR_small_bigendian.dcm', 0],
  ['ExplVR_BigEnd.dcm', 0], // big endian RGB
  ['image_dfl.dcm', 0], // deflated
  ['MR_small_RLE.dcm', 0],
  ['SC_rgb_rle.dcm', 0],
  ['SC_rgb_rle_2frame.dcm', 0],
  ['MR_small_jpeg_ls_lossless.dcm', 0],
  ['SC_rgb_jpeg_gdcm.dcm', 0], // JPEG lossless RGB
  ['SC_rgb_small_odd.dcm', 0],
  ['SC_ybr_full_422_uncompressed.dcm', 0],
  ['rtdose.dcm', -1], // 32-bit, 15 frames: quantized to 16 bits, within half a step
  ['SC_rgb_dcmtk_+eb+cr.dcm', 2], // JPEG baseline RGB
  ['SC_rgb_dcmtk_+eb+cy+n1.dcm', 2], // JPEG baseline YBR_FULL
  ['SC_rgb_dcmtk_+eb+cy+np.dcm', 2], // JPEG baseline YBR_FULL_422
  ['SC_rgb_dcmtk_+eb+cy+s2.dcm', 2],
  ['SC_rgb_jpeg_dcmtk.dcm', 2],
  ['SC_rgb_small_odd_jpeg.dcm', 2],
  // dcmjs-codecs (DCMTK's IJG 12-bit build, in WebAssembly) against dcmtk's native dcmdjpeg.
  ['JPGExtended.dcm', 0], // JPEG Extended, 12-bit
  ['JPEG-lossy.dcm', 0], // the same image with a bad scan-stop value both decoders accept
  // dcmjs-codecs (DCMTK's RLE) where cornerstone's RLE decoder stops.
  ['SC_rgb_rle_16bit.dcm', 0],
  ['SC_rgb_rle_16bit_2frame.dcm', 0],
  ['SC_rgb_rle_32bit.dcm', -1], // 32-bit colour: luma kept at 16 bits, within half a step
  ['SC_rgb_rle_32bit_2frame.dcm', -1],
  ['rtdose_rle.dcm', -1], // 32-bit grey, 15 frames
  ['rtdose_rle_1frame.dcm', -1],
];

describe.skipIf(!samples)('decodeDicomFile on real files', () => {
  it.each(LOSSLESS_PAIRS)('%s equals %s exactly', async (file, original) => {
    const a = await decodeDicomFile(read(samples!, file), LIMITS);
    const b = await decodeDicomFile(read(samples!, original), LIMITS);
    expect([a.width, a.height, a.frames.length]).toEqual([b.width, b.height, b.frames.length]);
    expect(maxAbsDiff(realValues(a), realValues(b))).toBe(0);
  });

  it.skipIf(!dcmtk).each(AGAINST_DCMTK)('%s matches dcmtk (tolerance %d)', async (file, tol) => {
    const bytes = read(samples!, file);
    const ours = await decodeDicomFile(bytes, LIMITS);
    const ts = readDicomDataset(bytes).transferSyntax;
    const reference = readFileSync(dcmtkDecompress(join(samples!, file), ts, work));
    const expected = referenceValues(new Uint8Array(reference));
    const got = realValues(ours);
    if (ours.header.photometric === 'MONOCHROME1') return; // covered below
    const { max, mean } = diffStats(got, expected);
    if (tol < 0) {
      // Half a quantization step (plus the reference's own rounding of colour luma).
      expect(max).toBeLessThanOrEqual(Math.abs(ours.values.slope) / 2 + 0.5);
      return;
    }
    expect(max).toBeLessThanOrEqual(tol);
    // Lossy JPEG: libjpeg-turbo and dcmtk's IJG differ by rounding at a few pixels, not more.
    expect(mean).toBeLessThanOrEqual(tol === 0 ? 0 : 0.5);
  });

  it.skipIf(!dcmtk)(
    'a bare data set (no preamble, no meta header) decodes like the file',
    async () => {
      const bare = readFileSync(dcmtkBareDataset(join(samples!, 'MR_small.dcm'), work));
      expect(bare.subarray(128, 132).toString()).not.toBe('DICM');
      const a = await decodeDicomFile(new Uint8Array(bare), LIMITS);
      const b = await decodeDicomFile(read(samples!, 'MR_small.dcm'), LIMITS);
      expect(maxAbsDiff(realValues(a), realValues(b))).toBe(0);
    },
  );

  it.skipIf(!dcmtk)('MONOCHROME1 is shown inverted while real values are kept', async () => {
    // No MONOCHROME1 file in the set: dcmtk's dcmodify relabels a copy of the real MR.
    const copy = join(work, 'mono1.dcm');
    writeFileSync(copy, readFileSync(join(samples!, 'MR_small.dcm')));
    execFileSync('dcmodify', ['-nb', '-m', '(0028,0004)=MONOCHROME1', copy]);
    const inverted = await decodeDicomFile(new Uint8Array(readFileSync(copy)), LIMITS);
    const plain = await decodeDicomFile(read(samples!, 'MR_small.dcm'), LIMITS);
    expect(inverted.values.slope).toBe(-plain.values.slope);
    expect(inverted.frames[0]![100]).toBe(65535 - plain.frames[0]![100]!);
    expect(maxAbsDiff(realValues(inverted), realValues(plain))).toBe(0);
  });

  it('CT is kept in Hounsfield units with the file VOI window as default', async () => {
    const ct = await decodeDicomFile(read(samples!, 'CT_small.dcm'), LIMITS);
    expect(ct.values.unit).toBe('HU');
    expect(ct.bitDepth).toBe(16);
    // Signed stored values are shifted by 32768; the mapping undoes that and the -1024 intercept.
    expect(ct.values).toMatchObject({ slope: 1, intercept: -1024 - 32768 });
    const mr = await decodeDicomFile(read(samples!, 'MR_small.dcm'), LIMITS);
    expect(mr.window).toEqual({ center: 600, width: 1600 });
    expect(ct.header.source.sopInstanceUid).toMatch(/^[\d.]+$/);
    expect(ct.header.orientation).toHaveLength(6);
    expect(ct.header.framesGeometry[0]!.position).toHaveLength(3);
  });

  it('lossy JPEG 2000 CT decodes to HU with its window (no J2K reference decoder here)', async () => {
    const ct = await decodeDicomFile(read(samples!, '693_J2KI.dcm'), LIMITS);
    expect([ct.width, ct.height, ct.bitDepth, ct.values.unit]).toEqual([512, 512, 16, 'HU']);
    expect(ct.window).toEqual({ center: 40, width: 100 });
    const real = realValues(ct)[0]!;
    // A CT slice holds air (about -1000 HU) and soft tissue (around 0 to 100 HU).
    expect(real.reduce((m, v) => Math.min(m, v), Infinity)).toBeLessThan(-900);
    expect(real.filter((v) => v > -100 && v < 200).length).toBeGreaterThan(real.length / 10);
  });

  it('multi-frame files give one plane per frame', async () => {
    const dose = await decodeDicomFile(read(samples!, 'rtdose.dcm'), LIMITS);
    expect(dose.frames).toHaveLength(15);
    const rgb = await decodeDicomFile(read(samples!, 'SC_rgb_rle_2frame.dcm'), LIMITS);
    expect(rgb.frames).toHaveLength(2);
  });

  it.each([
    ['rtplan.dcm', /RT Plan, not an image/],
    ['test-SR.dcm', /Comprehensive Structured Report/],
    ['reportsi.dcm', /Basic Text Structured Report/],
    ['waveform_ecg.dcm', /ECG Waveform/],
    ['liver_1frame.dcm', /Segmentation/],
    ['MR_truncated.dcm', /truncated|shorter than declared/],
    ['rtplan_truncated.dcm', /truncated/],
    ['JPEG2000-embedded-sequence-delimiter.dcm', /could not be decoded|could not be read/],
    ['ExplVR_LitEndNoMeta.dcm', /RT Ion Plan/], // bare data set, explicit little endian
    ['ExplVR_BigEndNoMeta.dcm', /RT Ion Plan/], // bare data set, explicit big endian
    ['meta_missing_tsyntax.dcm', /Transfer Syntax UID/],
  ])('%s is refused with a reason', async (file, reason) => {
    const error = await decodeDicomFile(read(samples!, file), LIMITS).then(
      () => null,
      (e: unknown) => e,
    );
    expect(isAppError(error)).toBe(true);
    expect((error as Error).message).toMatch(reason);
    expect((error as Error).message).not.toMatch(/object Object/);
  });

  it.each(['JPGExtended.dcm', 'JPEG-lossy.dcm'])(
    '12-bit JPEG %s has the pixel values pydicom expects',
    async (file) => {
      const jpeg = await decodeDicomFile(read(samples!, file), LIMITS);
      expect([jpeg.width, jpeg.height, jpeg.header.bitsStored]).toEqual([256, 1024, 12]);
      expect([jpeg.values.slope, jpeg.values.intercept]).toEqual([1, 0]);
      // pydicom's pixel reference for these files: arr[420, 140] == 244, arr[230, 120] == 95.
      expect(jpeg.frames[0]![420 * 256 + 140]).toBe(244);
      expect(jpeg.frames[0]![230 * 256 + 120]).toBe(95);
    },
  );

  it.each([
    ['JPGExtended.dcm', /could not be decoded \(jpeg\).*Not a JPEG file/],
    ['SC_rgb_rle_16bit.dcm', /could not be decoded \(rle\).*RLE/],
  ])('a corrupt fragment of %s is refused with the codec reason', async (file, reason) => {
    const bytes = read(samples!, file);
    const fragment = dicomParser.parseDicom(bytes).elements['x7fe00010']!.fragments![0]!;
    const corrupt = bytes.slice();
    corrupt.fill(0x5a, fragment.position, fragment.position + 64);
    const error = await decodeDicomFile(corrupt, LIMITS).catch((e: unknown) => e);
    expect(isAppError(error)).toBe(true);
    expect((error as Error).message).toMatch(reason);
    // The WebAssembly decoder is still usable after the failure.
    expect((await decodeDicomFile(bytes, LIMITS)).frames).toHaveLength(1);
  });

  it('pixel data shorter than declared names both sizes', async () => {
    const bytes = read(samples!, 'MR_small.dcm');
    const error = await decodeDicomFile(bytes.subarray(0, bytes.length - 100), LIMITS).catch(
      (e: unknown) => e as Error,
    );
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/shorter than declared|truncated/);
  });
});

describe('JPEG Lossless samples of jpeg-lossless-decoder-js', () => {
  const dir = jpegLosslessTestFiles();
  it
    .skipIf(!dir || !dcmtk)
    .each([
      'jpeg_lossless_sel1.dcm',
      'jpeg_lossless_sel1-8bit.dcm',
      'jpeg_lossless_sel1-rgb.dcm',
      'jpeg_lossless_sel4.dcm',
      'jpeg_lossless_sel7.dcm',
    ])('%s equals dcmtk exactly', async (file) => {
    const ours = await decodeDicomFile(read(dir!, file), LIMITS);
    const reference = readFileSync(
      dcmtkDecompress(join(dir!, file), '1.2.840.10008.1.2.4.57', work),
    );
    expect(maxAbsDiff(realValues(ours), referenceValues(new Uint8Array(reference)))).toBe(0);
  });
});

describe.skipIf(!samples)('HTJ2K', () => {
  it('an HTJ2K-lossless copy of a real MR (OpenJPH encoder, written by dcmjs) equals the original', async () => {
    const { default: dcmjs } = await import('dcmjs');
    const source = readFileSync(join(samples!, 'MR_small.dcm'));
    const file = dcmjs.data.DicomMessage.readFile(
      source.buffer.slice(source.byteOffset, source.byteOffset + source.byteLength),
    );
    const ds = dcmjs.data.DicomMetaDictionary.naturalizeDataset(file.dict);
    const meta = dcmjs.data.DicomMetaDictionary.naturalizeDataset(file.meta);
    const codec = (await loadCodec('htj2k')) as unknown as {
      HTJ2KEncoder: new () => {
        getDecodedBuffer(info: object): Uint8Array;
        setQuality(lossless: boolean, quantization: number): void;
        encode(): void;
        getEncodedBuffer(): Uint8Array;
        delete(): void;
      };
    };
    const encoder = new codec.HTJ2KEncoder();
    encoder
      .getDecodedBuffer({
        width: 64,
        height: 64,
        bitsPerSample: 16,
        componentCount: 1,
        isSigned: true,
        isUsingColorTransform: false,
      })
      .set(new Uint8Array((ds.PixelData as ArrayBuffer[])[0]!));
    encoder.setQuality(true, 0);
    encoder.encode();
    const encoded = encoder.getEncodedBuffer().slice();
    encoder.delete();
    meta.TransferSyntaxUID = '1.2.840.10008.1.2.4.201';
    ds.PixelData = [encoded.buffer];
    ds._vrMap = { PixelData: 'OB' };
    const out = new dcmjs.data.DicomDict(dcmjs.data.DicomMetaDictionary.denaturalizeDataset(meta));
    out.dict = dcmjs.data.DicomMetaDictionary.denaturalizeDataset(ds);
    const htj2k = new Uint8Array(out.write({ fragmentMultiframe: false }));
    const a = await decodeDicomFile(htj2k, LIMITS);
    const b = await decodeDicomFile(new Uint8Array(source), LIMITS);
    expect(a.header.transferSyntax).toBe('1.2.840.10008.1.2.4.201');
    expect(maxAbsDiff(realValues(a), realValues(b))).toBe(0);
  });
});

describe.skipIf(!samples || !dcmtk)(
  'PALETTE COLOR (made from real RGB files by dcmtk dcmquant)',
  () => {
    /** The RGB original, uncompressed by dcmtk, and its luma read straight from the file. */
    function rgbOriginal(file: string): { path: string; luma: Float64Array[] } {
      const path = dcmtkDecompress(join(samples!, file), '1.2.840.10008.1.2.5', work);
      return { path, luma: referenceValues(new Uint8Array(readFileSync(path))) };
    }
    function dcmtk(tool: string, args: string[], input: string): Uint8Array {
      const out = join(work, `${Math.random().toString(36).slice(2)}-${tool}.dcm`);
      execFileSync(tool, [...args, input, out], { stdio: 'pipe' });
      return new Uint8Array(readFileSync(out));
    }

    // dcmquant keeps every colour of these test patterns, so the palette image equals the original.
    it.each([
      ['SC_rgb_rle.dcm', 'two 8-bit entries per OW word', [], 1, 8],
      ['SC_rgb_rle.dcm', '16-bit entries', ['+pe'], 257, 16],
      ['SC_rgb_rle.dcm', '16-bit indices into 1000 entries', ['+pc', '1000'], 1, 8],
      ['SC_rgb_rle_2frame.dcm', 'two frames', [], 1, 8],
    ] as const)(
      '%s as palette colour (%s) equals the RGB original',
      async (file, _what, args, scale, bits) => {
        const original = rgbOriginal(file);
        const palette = await decodeDicomFile(dcmtk('dcmquant', [...args], original.path), LIMITS);
        expect(palette.header.photometric).toBe('PALETTE COLOR');
        expect(palette.bitDepth).toBe(bits);
        const luma = realValues(palette).map((plane) => plane.map((v) => v / scale));
        // 16-bit entries are the 8-bit colour times 257: luma within one 8-bit step of the original's.
        expect(maxAbsDiff(luma, original.luma)).toBeLessThanOrEqual(scale === 1 ? 0 : 1);
      },
    );

    it('a big-endian and an RLE-compressed copy decode like the palette file', async () => {
      const palettePath = join(work, 'palette.dcm');
      writeFileSync(palettePath, dcmtk('dcmquant', [], rgbOriginal('SC_rgb_rle.dcm').path));
      const plain = realValues(
        await decodeDicomFile(new Uint8Array(readFileSync(palettePath)), LIMITS),
      );
      for (const [tool, args] of [
        ['dcmconv', ['+tb']],
        ['dcmcrle', []],
      ] as const) {
        const copy = await decodeDicomFile(dcmtk(tool, [...args], palettePath), LIMITS);
        expect(copy.header.transferSyntax).not.toBe('1.2.840.10008.1.2.1');
        expect(maxAbsDiff(realValues(copy), plain)).toBe(0);
      }
    });
  },
);

describe.skipIf(!samples)('JPEG XL', () => {
  it('a JPEG XL lossless copy of a real MR (libjxl encoder of dcmjs-codecs, written by dcmjs) equals the original', async () => {
    const { default: dcmjs } = await import('dcmjs');
    const { Context, NativeCodecs } = await loadDcmjsCodecs();
    const source = readFileSync(join(samples!, 'MR_small.dcm'));
    const file = dcmjs.data.DicomMessage.readFile(
      source.buffer.slice(source.byteOffset, source.byteOffset + source.byteLength),
    );
    const ds = dcmjs.data.DicomMetaDictionary.naturalizeDataset(file.dict);
    const meta = dcmjs.data.DicomMetaDictionary.naturalizeDataset(file.meta);
    const context = new Context({
      width: 64,
      height: 64,
      bitsAllocated: 16,
      bitsStored: 16,
      samplesPerPixel: 1,
      pixelRepresentation: 1,
      planarConfiguration: 0,
      photometricInterpretation: 'MONOCHROME2',
      decodedBuffer: new Uint8Array((ds.PixelData as ArrayBuffer[])[0]!),
    });
    const encoded = NativeCodecs.encodeJpegXl(context, { lossy: false })
      .getEncodedBuffer()!
      .slice();
    meta.TransferSyntaxUID = '1.2.840.10008.1.2.4.110';
    ds.PixelData = [encoded.buffer];
    ds._vrMap = { PixelData: 'OB' };
    const out = new dcmjs.data.DicomDict(dcmjs.data.DicomMetaDictionary.denaturalizeDataset(meta));
    out.dict = dcmjs.data.DicomMetaDictionary.denaturalizeDataset(ds);
    const jxl = new Uint8Array(out.write({ fragmentMultiframe: false }));
    const a = await decodeDicomFile(jxl, LIMITS);
    const b = await decodeDicomFile(new Uint8Array(source), LIMITS);
    expect(a.header.transferSyntax).toBe('1.2.840.10008.1.2.4.110');
    expect(maxAbsDiff(realValues(a), realValues(b))).toBe(0);
  });
});
