/**
 * @loupe/model/node: training (fine-tuning, MAE), losses, ONNX export, checkpoints, ONNX
 * evaluation, model directories (openModelDir: SamPredictor on onnxruntime-node), synthetic data and
 * backend selection. Node only (tfjs, onnxruntime-node, node:fs).
 */
export * from './index';
export { selectTrainingBackend, trainingGradientWorkers, trainingWorkersWanted } from './backend';
export { setFusedBatchedMatMul, setFusedTrainingKernels } from './ops/wasm-training-kernels';
export type { TrainingBackend, TrainingBackendName } from './backend';
export { SegmenterModel, createSegmenter } from './segmenter-model';
export { predictWithTfjs } from './tfjs-predict';
export type { TfjsPrediction } from './tfjs-predict';
export { exportModel } from './export/export-model';
export type { ExportOptions, ExportResult } from './export/export-model';
export {
  buildEncoderGraph,
  buildDecoderGraph,
  encoderSpecs,
  decoderSpecs,
  ONNX_OPSET,
  NUM_POINTS_AXIS,
} from './export/build-onnx-graphs';
export { encodeSafetensors, decodeSafetensors, SafetensorsError } from './checkpoint/safetensors';
export type { NamedTensor } from './checkpoint/safetensors';
export {
  saveCheckpoint,
  loadCheckpoint,
  loadSegmenterFromCheckpoint,
  loadCheckpointForResume,
  assignWeights,
  describeConfigDifference,
  CheckpointMismatchError,
  CHECKPOINT_FORMAT,
} from './checkpoint/checkpoint';
export type { SaveCheckpointInput, LoadedCheckpoint } from './checkpoint/checkpoint';
export { AdamW } from './training/adam';
export type { AdamOptions, AdamState } from './training/adam';
export {
  createNodePredictor,
  openModelDir,
  predictWithOnnx,
  readModelDir,
} from './inference/open-model-dir';
export { fineTune, learningRateAt } from './training/fine-tune';
export { GradientWorkers } from './training/gradient-workers';
export { useThreadedWasm } from './wasm-threads';
export type { FineTuneOptions, FineTuneProgress, FineTuneResult } from './training/fine-tune';
export type { FineTuneSample } from './training/training-sample';
export { boxSupervisedLoss, pairwiseAffinity } from './training/box-supervised-loss';
export { NonFiniteLossError } from './training/non-finite-loss-error';
export { DEFAULT_LOSS_WEIGHTS, segmenterLoss, diceLoss, bceLoss } from './training/losses';
export type { LossWeights } from './training/losses';
export { pretrainMae, sampleMaeBatch } from './training/mae';
export type { MaeOptions, MaeImage, MaeProgress } from './training/mae';
export { renderMaeReconstruction } from './training/mae-reconstruction';
export { loadPretrainedEncoder } from './training/load-pretrained-encoder';
export { quickValidate } from './training/quick-validate';
export {
  evaluateOnnxModel,
  clickCorrectness,
  HARMFUL_CLICK_IOU_DROP,
} from './eval/evaluate-onnx-model';
export { maskGridCeiling, ellipseMask } from './eval/mask-grid-ceiling';
export { evaluateVolumePropagation } from './eval/evaluate-volume-propagation';
export type {
  PropagationObjectResult,
  PropagationSummary,
  PropagationVolume,
  PropagationVolumeObject,
} from './eval/evaluate-volume-propagation';
export type { MaskGridCeiling } from './eval/mask-grid-ceiling';
export type {
  ClickCorrectness,
  EvalSample,
  EvalSummary,
  PerObjectResult,
  EvaluateOptions,
} from './eval/evaluate-onnx-model';
export { generateSyntheticFaDataset, drawLesions, placeLesions } from './data/synthetic-fa';
export type { SyntheticFaSample, SyntheticFaOptions } from './data/synthetic-fa';
export { loadDrivePseudoFa, driveDataDir } from './data/drive-pseudo-fa';
export type { DrivePseudoFaOptions } from './data/drive-pseudo-fa';
export {
  loadMetaballLeakageFa,
  metaballLeakageBackgrounds,
  METABALL_LEAKAGE_SOURCE,
} from './data/metaball-leakage-fa';
export type {
  MetaballLeakageOptions,
  MetaballLeakageSplit,
  MetaballLeakageSample,
  LesionPolarity,
} from './data/metaball-leakage-fa';
export { EvaluationOnlyDataError, isEvaluationOnly } from './data/evaluation-only';
export { loadLabeledFolder, LabeledFolderError } from './data/labeled-folder';
export type { LabeledImage } from './data/labeled-folder';
export { writeLabeledFolder } from './data/write-labeled-folder';
export type { LabeledFolderEntry } from './data/write-labeled-folder';
export { writeGrayPng, readPngGray, readPngRgba, encodeGrayPng } from './data/png';
export type { GrayImage } from './data/png';
export { createRng } from './ops/seeded-random';
export { countForwardFlops } from './export/count-flops';
export {
  DEFAULT_TAGS_TO_MASKS,
  TUNED_CANDIDATE_WALK,
  discoverLesions,
  pseudoMaskFromTag,
  trainLesionClassifierFromMasks,
  trainTagClassifier,
} from './weak/tags-to-masks';
export type {
  TagClassifier,
  TagPseudoMask,
  TaggedImage,
  TagsToMasksOptions,
  DiscoveredLesion,
  MaskedImage,
} from './weak/tags-to-masks';
export { DEFAULT_BLOB_PEAKS, blobPeaks, describeCandidate, robustZ } from './weak/candidate-mining';
export { ClassificationHeadError } from './weak/classification-head';
export type { ClassificationHeadWeights } from './weak/classification-head';
export type { CandidateWalkOptions } from './weak/prompt-affinity-refinement';
export { SubClassExplorationError } from './weak/sub-class-exploration';
