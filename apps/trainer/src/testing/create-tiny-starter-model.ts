/**
 * A starter model of the tiny config (ONNX files, manifest and checkpoint), for tests and quick
 * benches that must not train the product-sized network.
 */
import { join } from 'node:path';
import { TINY_CONFIG } from '@loupe/model';
import { createSegmenter, exportModel, saveCheckpoint } from '@loupe/model/node';

export async function createTinyStarterModel(dir: string, seed = 7): Promise<string> {
  const model = createSegmenter(TINY_CONFIG, { seed });
  try {
    await exportModel(model, dir, { version: 'tiny-starter' });
    await saveCheckpoint(join(dir, 'checkpoint.safetensors'), { model });
  } finally {
    model.dispose();
  }
  return dir;
}
