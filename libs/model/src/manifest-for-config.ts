/** Manifest fields that follow from the config alone (crop, preprocessing, sizes). Browser-safe. */
import { deriveSizes, type ModelConfig } from './config';
import type { ModelManifest } from './contract';
import { PREPROCESSING } from './preprocess';

export function manifestGeometry(
  config: ModelConfig,
): Pick<ModelManifest, 'inputSize' | 'maskSize' | 'crop' | 'preprocessing' | 'maskThreshold'> {
  return {
    inputSize: config.inputSize,
    maskSize: deriveSizes(config).maskSize,
    crop: { contextMargin: config.contextMargin, minCropSize: config.minCropSize },
    preprocessing: { ...PREPROCESSING },
    maskThreshold: 0,
  };
}
