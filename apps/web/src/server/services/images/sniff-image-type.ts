/**
 * File type from content (magic bytes); the file name and the browser's Content-Type are ignored,
 * so a file cannot lie its way past the decoders.
 */
export type SniffedType =
  | 'image/png'
  | 'image/jpeg'
  | 'image/tiff'
  | 'application/dicom'
  | 'application/x-nifti'
  | 'application/x-nifti+gzip';

function startsWith(bytes: Uint8Array, signature: readonly number[], offset = 0): boolean {
  if (bytes.length < offset + signature.length) return false;
  return signature.every((b, i) => bytes[offset + i] === b);
}

function int32At(bytes: Uint8Array, offset: number, littleEndian: boolean): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getInt32(
    offset,
    littleEndian,
  );
}

/** NIfTI-1 (sizeof_hdr 348, magic "n+1"/"ni1") or NIfTI-2 (540, "n+2"), either byte order. */
function isNiftiHeader(bytes: Uint8Array): boolean {
  if (bytes.length >= 348) {
    const size = int32At(bytes, 0, true);
    const sizeBe = int32At(bytes, 0, false);
    if (
      (size === 348 || sizeBe === 348) &&
      bytes[344] === 0x6e &&
      (bytes[345] === 0x2b || bytes[345] === 0x69) &&
      bytes[346] === 0x31
    )
      return true;
  }
  if (bytes.length >= 540) {
    const size = int32At(bytes, 0, true);
    const sizeBe = int32At(bytes, 0, false);
    if (
      (size === 540 || sizeBe === 540) &&
      bytes[4] === 0x6e &&
      bytes[5] === 0x2b &&
      bytes[6] === 0x32
    )
      return true;
  }
  return false;
}

export function sniffImageType(bytes: Uint8Array): SniffedType | null {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  // DICOM Part 10: 128-byte preamble then "DICM". Checked before TIFF: the standard lets the
  // preamble hold a TIFF header (dual-personality files such as pydicom's CT_small).
  if (startsWith(bytes, [0x44, 0x49, 0x43, 0x4d], 128)) return 'application/dicom';
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a]))
    return 'image/tiff';
  if (isNiftiHeader(bytes)) return 'application/x-nifti';
  // gzip: only NIfTI is accepted compressed; the decompressed header is checked by the decoder.
  if (startsWith(bytes, [0x1f, 0x8b, 0x08])) return 'application/x-nifti+gzip';
  if (isBareDicomDataset(bytes)) return 'application/dicom';
  return null;
}

/**
 * A DICOM data set without the Part 10 header: it starts at a group 0008..0028 element (little or
 * big endian) with an explicit VR, or implicit with a plausible length. Checked last.
 */
function isBareDicomDataset(bytes: Uint8Array): boolean {
  if (bytes.length < 16) return false;
  const upper = (b: number | undefined) => b !== undefined && b >= 0x41 && b <= 0x5a;
  const explicitVr = upper(bytes[4]) && upper(bytes[5]);
  const groupLe = (bytes[0] as number) | ((bytes[1] as number) << 8);
  const groupBe = ((bytes[0] as number) << 8) | (bytes[1] as number);
  const plausible = (g: number) => g >= 0x0008 && g <= 0x0028 && g % 2 === 0;
  if (plausible(groupLe)) {
    if (explicitVr) return true;
    const length = int32At(bytes, 4, true);
    return length > 0 && length < 1024 && length % 2 === 0;
  }
  return plausible(groupBe) && explicitVr;
}

/** ZIP archives (local file header "PK\3\4", or an empty archive's end record). */
export function isZip(bytes: Uint8Array): boolean {
  return startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) || startsWith(bytes, [0x50, 0x4b, 0x05, 0x06]);
}

/** The first bytes as hex, for "this is not an image" messages. */
export function describeLeadingBytes(bytes: Uint8Array, count = 8): string {
  return Array.from(bytes.subarray(0, count), (b) => b.toString(16).padStart(2, '0')).join(' ');
}
