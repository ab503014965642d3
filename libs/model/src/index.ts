/**
 * @loupe/model (browser-safe): the model contract, pre-processing, config types and the one
 * predictor (SamPredictor, onnxruntime passed in). Nothing here imports tfjs, onnxruntime-node or
 * node:*; training, export, model directories and ONNX evaluation live in '@loupe/model/node'.
 */
export * from './contract';
export { PREPROCESSING, toLuminance, normalizeCrop, preprocessCrop } from './preprocess';
export type { CropGeometry, PixelSamples } from './preprocess';
export {
  BASE_CONFIG,
  TINY_CONFIG,
  MODEL_CONFIGS,
  modelConfigSchema,
  deriveSizes,
  ModelConfigError,
} from './config';
export type { ModelConfig, DerivedSizes } from './config';
export { manifestGeometry } from './manifest-for-config';
export { MODEL_FILES } from './model-files';
export {
  SamPredictor,
  OnnxInputError,
  disposeEmbedding,
  pasteOutputMasks,
  pasteOutputProbabilities,
  shownOutput,
  outputMaskInBox,
  outputMaskWindow,
  pasteOutputMaskRows,
  forceClicksInWindow,
  CLICK_MERGE_SKIP_FIRST,
  CLICK_MASK_PROMPT_SOURCE,
  CLICK_FORCE_LARGE,
  CLICK_REFINE,
} from './inference/sam-predictor';
export type {
  CropEmbedding,
  DecodeOptions,
  DecoderOutput,
  ImageInput,
  OrtModule,
  Prediction,
  ClickOptions,
  ClickPrediction,
  ShownMask,
  MaskForeground,
  PixelWindow,
  WindowedClickPrediction,
  SessionOptions,
} from './inference/sam-predictor';
export { clicksInsideCrop, ClickOutsideCropError } from './inference/clicks-inside-crop';
export {
  WORK_GRID_MAX_PIXELS,
  boxOnWorkGrid,
  clicksOnWorkGrid,
  cropOnWorkGrid,
  decodeClickOnWorkGrid,
  embeddingOnWorkGrid,
  shownOnWorkGrid,
  upsampleAboveHalf,
  upsampleAboveHalfJob,
  workGridScale,
} from './inference/work-grid';
export type { UpsampledMask, UpsampleJob, WorkGridClick } from './inference/work-grid';
export { loadModelFiles, ModelDownloadError } from './inference/load-model-files';
export type { FetchFile, ModelFiles, ModelLocation } from './inference/load-model-files';
export { sha256Hex } from './inference/sha256-hex';
export { ortThreadsFor } from './inference/ort-threads';
// Pure (no node:*): the volume bench also generates its volumes inside headless Chromium.
export { generateSyntheticVolumes } from './data/synthetic-volume';
export type {
  SyntheticVolume,
  SyntheticVolumeOptions,
  VolumeLesion,
} from './data/synthetic-volume';
