/** The parts of the cornerstone WebAssembly codecs and jpeg-lossless-decoder-js that Loupe uses. */
interface CornerstoneFrameInfo {
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
  isSigned?: boolean;
}
interface CornerstoneDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  decode(): void;
  getFrameInfo(): CornerstoneFrameInfo;
  getDecodedBuffer(): Uint8Array;
  delete(): void;
}
type CornerstoneCodecFactory = (module?: {
  print?: (text: string) => void;
  printErr?: (text: string) => void;
}) => Promise<Record<string, new () => CornerstoneDecoder>>;

declare module '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs' {
  const factory: CornerstoneCodecFactory;
  export default factory;
}
declare module '@cornerstonejs/codec-charls/decodewasmjs' {
  const factory: CornerstoneCodecFactory;
  export default factory;
}
declare module '@cornerstonejs/codec-openjpeg/decodewasmjs' {
  const factory: CornerstoneCodecFactory;
  export default factory;
}
declare module '@cornerstonejs/codec-openjph/wasmjs' {
  const factory: CornerstoneCodecFactory;
  export default factory;
}
declare module '@cornerstonejs/dicom-codec/src/codecs/rleLossless.js' {
  export function decode(
    frame: Uint8Array,
    info: {
      rows: number;
      columns: number;
      bitsAllocated: number;
      samplesPerPixel: number;
      signed: boolean;
      planarConfiguration: number;
    },
  ): Promise<{ imageFrame: Uint8Array | Int8Array | Uint16Array | Int16Array }>;
}
declare module 'jpeg-lossless-decoder-js' {
  export class Decoder {
    decode(
      buffer: ArrayBuffer,
      offset: number,
      length: number,
      numBytes?: number,
    ): Uint8Array | Uint16Array;
    numComp: number;
    xDim: number;
    yDim: number;
  }
}
