/** File names inside a model directory (browser-safe). */
export const MODEL_FILES = {
  encoder: 'encoder.onnx',
  decoder: 'decoder.onnx',
  manifest: 'manifest.json',
  checkpoint: 'checkpoint.safetensors',
} as const;
