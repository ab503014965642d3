/**
 * @loupe/model (browser-safe): the model contract, pre-processing and config types. Nothing here
 * imports tfjs or node:*; training, export and ONNX evaluation live in '@loupe/model/node'.
 */
export * from './contract';
export { PREPROCESSING, toLuminance, normalizeCrop, preprocessCrop } from './preprocess';
export type { CropGeometry } from './preprocess';
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
