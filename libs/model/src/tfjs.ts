/**
 * @loupe/model/tfjs (browser-safe): the network run by TensorFlow.js, for pages and workers that
 * compare it with the ONNX export. Imports tfjs but nothing from node:* or onnxruntime-node.
 */
export { SegmenterModel, createSegmenter } from './segmenter-model';
