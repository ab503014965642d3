/** The parts of dcmjs (no bundled types) that Loupe uses: Part 10 read/write and SEG derivation. */
declare module 'dcmjs' {
  /** A naturalized data set: keywords to values; PixelData is a list of frame buffers. */
  export type NaturalDataset = Record<string, unknown> & {
    _vrMap?: Record<string, string>;
    _meta?: Record<string, unknown>;
  };

  export interface DicomDictInstance {
    meta: Record<string, unknown>;
    dict: Record<string, unknown>;
    write(options?: { fragmentMultiframe?: boolean; allowInvalidVRLength?: boolean }): ArrayBuffer;
  }

  export interface SegmentationDerivation {
    dataset: NaturalDataset;
    setNumberOfFrames(count: number): void;
    bitPackPixelData(): void;
    addSegmentFromLabelmap(
      segment: Record<string, unknown>,
      labelmaps: Uint8Array[],
      segmentIndex: number,
      referencedFrameNumbers: number[],
    ): void;
  }

  const dcmjs: {
    data: {
      DicomMessage: {
        readFile(
          buffer: ArrayBuffer,
          options?: { ignoreErrors?: boolean; untilTag?: string },
        ): DicomDictInstance;
      };
      DicomMetaDictionary: {
        naturalizeDataset(dataset: Record<string, unknown>): NaturalDataset;
        denaturalizeDataset(dataset: NaturalDataset): Record<string, unknown>;
        uid(): string;
        date(): string;
        time(): string;
      };
      DicomDict: new (meta: Record<string, unknown>) => DicomDictInstance;
      /** A naturalized data set with `_meta` -> a Part 10 writer. */
      datasetToDict(dataset: NaturalDataset): DicomDictInstance;
    };
    derivations: {
      Segmentation: new (
        datasets: NaturalDataset[],
        options?: { includeSliceSpacing?: boolean; rleEncode?: boolean },
      ) => SegmentationDerivation;
    };
    normalizers: {
      Normalizer: { normalizeToDataset(datasets: NaturalDataset[]): NaturalDataset | undefined };
    };
    log: { setLevel(level: string): void; disableAll?(): void };
  };
  export default dcmjs;
}
