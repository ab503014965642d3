/**
 * DICOM bytes -> dicom-parser DataSet and transfer syntax. Reads Part 10 files ("DICM" at 128,
 * whatever the preamble holds, a TIFF header included), deflated data sets, and bare data sets
 * without the Part 10 header (transfer syntax guessed from the first element).
 */
import { inflateRawSync } from 'node:zlib';
import dicomParser from 'dicom-parser';
import { AppError } from '../../../errors/app-error';
import { describeError } from './describe-error';
import { DEFLATED, EXPLICIT_BIG, EXPLICIT_LITTLE, IMPLICIT_LITTLE } from './transfer-syntaxes';

export interface DicomDataset {
  dataSet: dicomParser.DataSet;
  transferSyntax: string;
  /** False for bare data sets (no preamble, no meta header). */
  part10: boolean;
}

export function hasPart10Prefix(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 132 &&
    bytes[128] === 0x44 &&
    bytes[129] === 0x49 &&
    bytes[130] === 0x43 &&
    bytes[131] === 0x4d
  );
}

const isUpper = (b: number | undefined) => b !== undefined && b >= 0x41 && b <= 0x5a;

/**
 * A bare data set starts with a low group (0008 usually) tag; explicit VR puts two capital letters
 * after the tag, big endian puts the group's high byte first.
 */
export function guessBareTransferSyntax(bytes: Uint8Array): string | null {
  if (bytes.length < 8) return null;
  const groupLe = (bytes[0] as number) | ((bytes[1] as number) << 8);
  const groupBe = ((bytes[0] as number) << 8) | (bytes[1] as number);
  const explicit = isUpper(bytes[4]) && isUpper(bytes[5]);
  if (groupLe >= 0x0002 && groupLe <= 0x0028 && groupLe % 2 === 0)
    return explicit ? EXPLICIT_LITTLE : IMPLICIT_LITTLE;
  if (groupBe >= 0x0002 && groupBe <= 0x0028 && groupBe % 2 === 0 && explicit) return EXPLICIT_BIG;
  return null;
}

/**
 * Most bytes a deflated data set may inflate to. dicom-parser's hook is synchronous, so the cap
 * (zlib stops at it) is what bounds the memory and time a deflate bomb costs.
 */
export const DEFLATED_MAX_BYTES = 1024 * 1024 * 1024;

/** dicom-parser's inflater hook: the deflated part follows the meta header, raw deflate. */
function inflate(byteArray: Uint8Array, position: number): Uint8Array {
  let inflated: Buffer;
  try {
    inflated = inflateRawSync(byteArray.subarray(position), {
      maxOutputLength: DEFLATED_MAX_BYTES,
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
      throw new AppError(
        'TOO_LARGE',
        `The deflated DICOM data set inflates to more than ${DEFLATED_MAX_BYTES} bytes, the limit.`,
        undefined,
        { cause: error },
      );
    throw error;
  }
  const out = new Uint8Array(position + inflated.length);
  out.set(byteArray.subarray(0, position));
  out.set(inflated, position);
  return out;
}

function explainParserError(error: unknown): string {
  const text = describeError(error);
  if (
    /buffer overrun|cannot be greater than|maxPosition|beyond|out of range|premature end/i.test(
      text,
    )
  )
    return `the file is truncated or damaged: an element runs past the end of the file (${text})`;
  if (/missing required meta header attribute 0002,0010/.test(text))
    return 'the meta header has no Transfer Syntax UID (0002,0010)';
  if (/inflat|deflat|incorrect header check|invalid (block|distance|stored)/i.test(text))
    return `the deflated data set could not be inflated (${text})`;
  return text;
}

export function readDicomDataset(bytes: Uint8Array): DicomDataset {
  const part10 = hasPart10Prefix(bytes);
  const bare = part10 ? null : guessBareTransferSyntax(bytes);
  if (!part10 && !bare)
    throw new AppError(
      'UNSUPPORTED_MEDIA',
      'Not a DICOM file: no "DICM" at byte 128 and no data set at the start.',
    );
  let dataSet: dicomParser.DataSet;
  try {
    dataSet = dicomParser.parseDicom(bytes, {
      ...(bare ? { TransferSyntaxUID: bare } : {}),
      inflater: inflate,
    } as dicomParser.ParseDicomOptions);
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError(
      'BAD_INPUT',
      `Not a readable DICOM file: ${explainParserError(error)}.`,
      undefined,
      { cause: error },
    );
  }
  const declared = dataSet.string('x00020010')?.replace(/\0/g, '').trim();
  const transferSyntax = declared || bare || IMPLICIT_LITTLE;
  return { dataSet, transferSyntax, part10 };
}

export { DEFLATED };
