/**
 * @loupe/model/node: training (fine-tuning, MAE), losses, ONNX export, checkpoints, ONNX
 * evaluation, synthetic data and backend selection. Node only (tfjs, onnxruntime-node, node:fs).
 */
export * from './index';
export { selectTrainingBackend } from './backend';
export type { TrainingBackend, TrainingBackendName } from './backend';
export { SegmenterModel, createSegmenter } from './segmenter-model';
export { predictWithTfjs } from './tfjs-predict';
export type { TfjsPrediction } from './tfjs-predict';
export { exportModel } from './export/export-model';
export type { ExportOptions, ExportResult } from './export/export-model';
export { buildEncoderGraph, buildDecoderGraph, encoderSpecs, decoderSpecs, ONNX_OPSET, NUM_POINTS_AXIS } from './export/build-onnx-graphs';
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
export { OnnxPredictor, predictWithOnnx, OnnxInputError } from './inference/onnx-predictor';
export type { ImageInput, CropEmbedding, Prediction } from './inference/onnx-predictor';
