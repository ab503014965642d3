/**
 * Decoded DICOM samples -> one luminance plane with stored values kept: monochrome samples are
 * masked to Bits Stored (sign-extended when signed), shifted into unsigned range (+128 / +32768)
 * and inverted for MONOCHROME1; colour becomes Rec. 601 luma (the Y of YBR). The value mapping
 * (real = slope * sample + intercept) that undoes all of this is computed by `valueMapping`.
 */
import { AppError } from '../../../errors/app-error';
import type { FrameSamples } from './decode-compressed-frame';
import type { DicomHeader } from './read-dicom-header';

/** Stored values of one monochrome frame as plain numbers (masked, sign-extended). */
export function storedValues(samples: FrameSamples, header: DicomHeader): Int32Array {
  const count = header.rows * header.columns;
  const out = new Int32Array(count);
  const bits = Math.min(header.bitsStored, 32);
  const mask = bits >= 32 ? 0xffffffff : 2 ** bits - 1;
  const signBit = 2 ** (bits - 1);
  for (let i = 0; i < count; i++) {
    let v = Number(samples[i] ?? 0);
    if (v < 0) v += 2 ** header.bitsAllocated; // the raw bit pattern
    v = bits >= 32 ? v : v % (mask + 1);
    if (header.signed && v >= signBit) v -= 2 * signBit;
    // Unsigned 32-bit values above 2^31 do not fit Int32 (as nativeFrame32 clamps them).
    out[i] = v > 0x7fffffff ? 0x7fffffff : v;
  }
  return out;
}

/** Interleaved (or planar) colour samples -> luma in the samples' own bit depth. */
export function colourToLuma(
  samples: FrameSamples,
  header: DicomHeader,
  photometric: string,
  planar: boolean,
): Uint8Array | Uint16Array {
  const count = header.rows * header.columns;
  const out = header.bitsAllocated > 8 ? new Uint16Array(count) : new Uint8Array(count);
  // 32-bit samples become 16-bit luma (2^32 - 1 -> 65535); the value mapping's slope undoes it.
  const scale = header.bitsAllocated === 32 ? 1 / 65537 : 1;
  const at = (pixel: number, channel: number) =>
    (Number(planar ? samples[channel * count + pixel] : samples[pixel * 3 + channel]) || 0) * scale;
  if (photometric === 'YBR_FULL_422' && !planar) {
    // Two pixels share one Cb/Cr: Y1 Y2 Cb Cr. Luma is Y.
    for (let i = 0; i < count; i++)
      out[i] = Math.round((Number(samples[Math.floor(i / 2) * 4 + (i % 2)]) || 0) * scale);
    return out;
  }
  if (photometric.startsWith('YBR_FULL')) {
    for (let i = 0; i < count; i++) out[i] = Math.round(at(i, 0));
    return out;
  }
  if (photometric !== 'RGB')
    throw new AppError(
      'UNSUPPORTED_MEDIA',
      `DICOM colour model ${photometric} is not supported (RGB, YBR_FULL, YBR_FULL_422 are).`,
    );
  for (let i = 0; i < count; i++)
    out[i] = Math.round(0.299 * at(i, 0) + 0.587 * at(i, 1) + 0.114 * at(i, 2));
  return out;
}

export interface PlaneEncoding {
  bitDepth: 8 | 16;
  /** Added to the stored value before storing (after inversion when MONOCHROME1). */
  offset: number;
  /** For wide (32-bit) data: stored = min + sample * step (step 1 when the range fits). */
  step: number;
  invert: boolean;
}

/** Chooses how stored values map into 8/16-bit samples for the whole object (all frames). */
export function planeEncoding(header: DicomHeader, min: number, max: number): PlaneEncoding {
  const invert = header.photometric === 'MONOCHROME1';
  if (header.bitsAllocated <= 8 && header.bitsStored <= 8)
    return { bitDepth: 8, offset: header.signed ? 128 : 0, step: 1, invert };
  if (header.bitsStored <= 16)
    return { bitDepth: 16, offset: header.signed ? 32768 : 0, step: 1, invert };
  const range = max - min;
  return { bitDepth: 16, offset: -min, step: range > 65535 ? range / 65535 : 1, invert };
}

export function encodePlane(values: Int32Array, enc: PlaneEncoding): Uint8Array | Uint16Array {
  const top = enc.bitDepth === 8 ? 255 : 65535;
  const out = enc.bitDepth === 8 ? new Uint8Array(values.length) : new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const s = Math.round(((values[i] as number) + enc.offset) / enc.step);
    const clamped = s < 0 ? 0 : s > top ? top : s;
    out[i] = enc.invert ? top - clamped : clamped;
  }
  return out;
}

/** real = slope * sample + intercept, undoing encodePlane and applying the modality rescale. */
export function valueMapping(
  enc: PlaneEncoding,
  rescale: { slope: number; intercept: number },
): { slope: number; intercept: number } {
  const top = enc.bitDepth === 8 ? 255 : 65535;
  // stored = sample' * step - offset, sample' = invert ? top - sample : sample
  const a = enc.invert ? -enc.step : enc.step;
  const b = (enc.invert ? top * enc.step : 0) - enc.offset;
  return { slope: rescale.slope * a, intercept: rescale.slope * b + rescale.intercept };
}
