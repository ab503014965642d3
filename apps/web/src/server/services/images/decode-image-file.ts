/**
 * The one pure decoding entry point (bytes in, decoded planes + metadata out; no database, no
 * blobs), so it can run off the request thread in a worker pool. The type is sniffed from
 * content; the file name never decides it.
 */
import { AppError } from '../../errors/app-error';
import type { DecodedImage, DecodedVolume, ImageLimits } from './decoded-image';
import { decodeDicomFile } from './dicom/decode-dicom-file';
import { dicomToImage, dicomToSequence } from './dicom/dicom-to-decoded';
import { planDicomSeries } from './dicom/plan-dicom-series';
import { decodeNifti, type FourDMode } from './decode-nifti';
import { decodeRaster } from './decode-raster';
import { describeLeadingBytes, sniffImageType } from './sniff-image-type';

export interface DecodeOptions {
  /** How a 4-D NIfTI becomes volumes: one per time point (default) or frames as a sequence. */
  fourD?: FourDMode;
  /** The file's name, for messages and per-slice source names. */
  name?: string;
}

export interface DecodedFile {
  /** Normalised type: image/png, image/jpeg, image/tiff, application/dicom, application/x-nifti. */
  mimeType: string;
  items: (DecodedImage | DecodedVolume)[];
}

export async function decodeImageFile(
  bytes: Uint8Array,
  limits: ImageLimits,
  options: DecodeOptions = {},
): Promise<DecodedFile> {
  const sniffed = sniffImageType(bytes);
  switch (sniffed) {
    case 'image/png':
    case 'image/jpeg':
    case 'image/tiff':
      return { mimeType: sniffed, items: [await decodeRaster(bytes, sniffed, limits)] };
    case 'application/dicom': {
      const decoded = await decodeDicomFile(bytes, limits);
      if (decoded.frames.length === 1) return { mimeType: sniffed, items: [dicomToImage(decoded)] };
      const name = options.name ?? 'file';
      const { plans } = planDicomSeries([{ index: 0, name, header: decoded.header }], limits);
      return { mimeType: sniffed, items: [dicomToSequence(decoded, plans[0]!, name)] };
    }
    case 'application/x-nifti':
    case 'application/x-nifti+gzip':
      return {
        mimeType: 'application/x-nifti',
        items: await decodeNifti(bytes, limits, options.fourD ? { fourD: options.fourD } : {}),
      };
    case null:
      throw new AppError(
        'UNSUPPORTED_MEDIA',
        `Not a PNG, JPEG, TIFF, DICOM or NIfTI file (content starts with ${describeLeadingBytes(bytes) || 'nothing'}); the file name does not decide the type.`,
      );
  }
}
