/** DICOM transfer syntaxes Loupe reads, their names and the decoder each needs. */
export type CodecKey =
  'native' | 'jpeg' | 'jpeg-lossless' | 'jpegls' | 'j2k' | 'htj2k' | 'rle' | 'jpegxl';

interface TransferSyntax {
  name: string;
  codec: CodecKey | null;
  /** Why it is refused, when codec is null. */
  refusal?: string;
}

export const IMPLICIT_LITTLE = '1.2.840.10008.1.2';
export const EXPLICIT_LITTLE = '1.2.840.10008.1.2.1';
export const DEFLATED = '1.2.840.10008.1.2.1.99';
export const EXPLICIT_BIG = '1.2.840.10008.1.2.2';

export const TRANSFER_SYNTAXES: Record<string, TransferSyntax> = {
  [IMPLICIT_LITTLE]: { name: 'Implicit VR Little Endian', codec: 'native' },
  [EXPLICIT_LITTLE]: { name: 'Explicit VR Little Endian', codec: 'native' },
  [DEFLATED]: { name: 'Deflated Explicit VR Little Endian', codec: 'native' },
  [EXPLICIT_BIG]: { name: 'Explicit VR Big Endian', codec: 'native' },
  '1.2.840.10008.1.2.4.50': { name: 'JPEG Baseline (Process 1)', codec: 'jpeg' },
  '1.2.840.10008.1.2.4.51': { name: 'JPEG Extended (Process 2 & 4)', codec: 'jpeg' },
  '1.2.840.10008.1.2.4.57': { name: 'JPEG Lossless (Process 14)', codec: 'jpeg-lossless' },
  '1.2.840.10008.1.2.4.70': { name: 'JPEG Lossless SV1 (Process 14)', codec: 'jpeg-lossless' },
  '1.2.840.10008.1.2.4.80': { name: 'JPEG-LS Lossless', codec: 'jpegls' },
  '1.2.840.10008.1.2.4.81': { name: 'JPEG-LS Near-Lossless', codec: 'jpegls' },
  '1.2.840.10008.1.2.4.90': { name: 'JPEG 2000 Lossless', codec: 'j2k' },
  '1.2.840.10008.1.2.4.91': { name: 'JPEG 2000', codec: 'j2k' },
  '1.2.840.10008.1.2.4.201': { name: 'HTJ2K Lossless', codec: 'htj2k' },
  '1.2.840.10008.1.2.4.202': { name: 'HTJ2K Lossless RPCL', codec: 'htj2k' },
  '1.2.840.10008.1.2.4.203': { name: 'HTJ2K', codec: 'htj2k' },
  '1.2.840.10008.1.2.5': { name: 'RLE Lossless', codec: 'rle' },
  '1.2.840.10008.1.2.4.100': {
    name: 'MPEG2 video',
    codec: null,
    refusal: 'video transfer syntaxes are not decoded; export the frames as images',
  },
  '1.2.840.10008.1.2.4.102': {
    name: 'MPEG-4 AVC/H.264 video',
    codec: null,
    refusal: 'video transfer syntaxes are not decoded; export the frames as images',
  },
  '1.2.840.10008.1.2.4.110': { name: 'JPEG XL Lossless', codec: 'jpegxl' },
  '1.2.840.10008.1.2.4.111': { name: 'JPEG XL JPEG Recompression', codec: 'jpegxl' },
  '1.2.840.10008.1.2.4.112': { name: 'JPEG XL', codec: 'jpegxl' },
};

export function codecFor(uid: string): CodecKey | null {
  return TRANSFER_SYNTAXES[uid]?.codec ?? null;
}

export function transferSyntaxName(uid: string): string {
  return TRANSFER_SYNTAXES[uid]?.name ?? `unknown transfer syntax ${uid}`;
}
