/** What every decoder produces: single-channel (luminance) pixels, 8- or 16-bit. */
export interface DecodedPlane {
  width: number;
  height: number;
  bitDepth: 8 | 16;
  /** Row-major, width * height values. */
  pixels: Uint8Array | Uint16Array;
}

export interface DecodedImage extends DecodedPlane {
  kind: 'image';
  /** Channels in the original file (the stored pixels are luminance). */
  channels: number;
}

export interface DecodedVolume {
  kind: 'volume';
  width: number;
  height: number;
  depth: number;
  bitDepth: 8 | 16;
  /** One plane per slice, in slice order. */
  slices: (Uint8Array | Uint16Array)[];
  /** Voxel spacing in mm [x, y, z] (empty when unknown). */
  spacing: number[];
}

export interface ImageLimits {
  maxBytes: number;
  maxSide: number;
  maxPixels: number;
  maxSlices: number;
}
