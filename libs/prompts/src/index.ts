/**
 * @loupe/prompts: the shared vocabulary of browser, trainer and benchmarks - prompts, masks,
 * the image<->model crop transform, metrics and the simulated annotator. Pure TypeScript.
 */
export { PromptError, isPromptError } from './errors';
export { PROMPT_LABEL } from './labels';
export type { PromptLabel } from './labels';
export {
  pointSchema,
  boxSchema,
  clickSchema,
  brushStrokeSchema,
  boxPromptSchema,
  clickPromptSchema,
  brushPromptSchema,
  promptSchema,
  imageSizeSchema,
  promptListSchema,
  cocoRleSchema,
  cocoRleJsonSchema,
  cropTransformSchema,
} from './schemas';
export type {
  Point,
  Box,
  ClickPrompt,
  BrushStroke,
  BoxPrompt,
  ClickPromptItem,
  BrushPrompt,
  Prompt,
  ImageSize,
} from './schemas';
export {
  parseOrThrow,
  validateImageSize,
  validatePoint,
  validateBox,
  validateClick,
  validateClicks,
  validateBrushStroke,
  validatePrompt,
  clampBox,
} from './validate';
export type { Mask } from './mask';
export { createMask, maskFromData, cloneMask, assertMaskSize, assertSameSize } from './mask';
export type { CocoRle, CocoRleJson } from './rle';
export {
  encodeRle,
  decodeRle,
  rleToCocoString,
  rleFromCocoString,
  decodeCocoSegmentation,
  encodeCocoSegmentation,
} from './rle';
export type { MaskRuns } from './mask-bytes';
export {
  encodeMaskBytes,
  encodeMaskRegionBytes,
  decodeMaskBytes,
  decodeMaskRuns,
  runsArea,
  runsBoundingBox,
  runsIntersectionArea,
  MASK_BYTES_MAGIC,
  MASK_BYTES_VERSION,
} from './mask-bytes';
export {
  maskUnion,
  maskDifference,
  maskIntersection,
  maskArea,
  intersectionArea,
  maskBoundingBox,
  maskBoundsWithin,
  maskFromBox,
  labelComponents,
  connectedComponents,
  largestComponent,
  resizeMaskNearest,
} from './mask-ops';
export type { ComponentLabels } from './mask-ops';
export { paintStroke } from './paint-stroke';
export type { CropTransform, CropOptions, ModelPromptInputs } from './crop';
export {
  computeCrop,
  fullImageCrop,
  imageToModel,
  modelToImage,
  boxToModel,
  boxToImage,
  boxToModelPoints,
  promptsToModelInputs,
  cropFits,
  ENCODE_AHEAD_TOLERANCE,
} from './crop';
export {
  sampleCropBilinear,
  cropMask,
  pasteMaskLogits,
  pasteMaskLogitsRows,
  pasteProbabilities,
  pasteAboveHalf,
  pasteProbabilitiesAboveHalf,
  pasteUncomputedProbabilities,
  UNCOMPUTED_ABOVE_HALF,
  probabilitySampler,
  thresholdProbabilities,
} from './sample';
export { resampleLogits } from './resample-logits';
export { dice, iou, hausdorff95, maskBoundary, percentile } from './metrics';
export type { SessionIous, SessionSummary } from './interactive-metrics';
export {
  nocAt,
  failedAt,
  nofAt,
  iouAfterClicks,
  mIouAtK,
  meanNocAt,
  summarizeSessions,
} from './interactive-metrics';
export type { Rng } from './rng';
export { createRng } from './rng';
export type { BoxFromMaskOptions } from './box-from-mask';
export { boxFromMask } from './box-from-mask';
export type { DistanceTransformOptions } from './distance-transform';
export { distanceTransform, squaredDistanceTransform } from './distance-transform';
export type { PredictFn, ClickSessionOptions, ClickSessionResult } from './clicker';
export {
  nextClick,
  runClickSession,
  CLICK_PRED_THRESHOLD,
  ACCEPT_IOU,
  ACCEPT_DICE,
} from './clicker';
export { forceClicks, CLICK_FORCE_RADIUS } from './force-clicks';
export type { ClickRefineOptions, ClickRefineResult, LuminanceAt, PlaneBox } from './click-refine';
export { refineAroundClick, clickSideRegion, geodesicDistance } from './click-refine';
export type {
  PredictionAboveThreshold,
  ProgressiveMergeOptions,
  ProgressiveMergeResult,
  RegionInBox,
} from './progressive-merge';
export {
  progressiveMerge,
  mergeLogitsInRegion,
  distanceToOtherSide,
  PROGRESSIVE_MERGE_SEED_RADIUS,
  PROGRESSIVE_MERGE_LEVEL_MARGIN,
} from './progressive-merge';
export type {
  SliceOrigin,
  SliceMask,
  SlicePrediction,
  PredictSlice,
  SlicePrompt,
  PropagationThresholds,
  MaskLogits,
  PropagateOptions,
  PropagationResult,
  StopReason,
} from './propagate-volume';
export {
  propagateVolume,
  dilatedBox,
  motionBox,
  interiorPoint,
  slicesPastErasedEnd,
  DEFAULT_PROPAGATION,
} from './propagate-volume';
export type { GreyImage } from './mask-contrast';
export { maskContrast, maskMeans } from './mask-contrast';
export { trimToContrast } from './trim-to-contrast';
export type { BoxOutputs, PseudoMask } from './pseudo-mask-from-box';
export { pseudoMaskFromBox } from './pseudo-mask-from-box';
export type { BoxRuleCheck, BoxRulePolicy } from './check-box-rule';
export { checkBoxRule, DEFAULT_BOX_RULE_POLICY } from './check-box-rule';
export type {
  SelfTrainingImage,
  SelfTrainingOptions,
  SelfTrainingPseudoMask,
  PredictBoxFn,
} from './self-training-pseudo-masks';
export { selfTrainingPseudoMasks, DEFAULT_SELF_TRAINING } from './self-training-pseudo-masks';
