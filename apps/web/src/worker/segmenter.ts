/**
 * One loaded model version: encoder + decoder sessions and the manifest they came with.
 * encode(): box -> crop -> preprocess (libs/model) -> encoder. decode(): prompts (libs/prompts
 * promptsToModelInputs) -> decoder -> logits pasted back to image pixels (pasteMaskLogits).
 */
import {
  DECODER_INPUT,
  DECODER_OUTPUT,
  ENCODER_INPUT,
  ENCODER_OUTPUT,
  preprocessCrop,
  type ModelManifest,
} from '@loupe/model';
import {
  pasteMaskLogits,
  promptsToModelInputs,
  type Box,
  type ClickPrompt,
  type CropTransform,
} from '@loupe/prompts';
import type { ModelFiles } from './load-model-files';
import type { Ort, OrtRuntime } from './ort-runtime';

type Session = Awaited<ReturnType<Ort['InferenceSession']['create']>>;
type Tensor = InstanceType<Ort['Tensor']>;

export interface CropEmbedding {
  crop: CropTransform;
  imageEmbedding: Tensor;
  highResFeatures: Tensor;
}

export interface DecodedMasks {
  masks: Uint8Array[];
  iouPredictions: number[];
}

export class Segmenter {
  private constructor(
    private readonly runtime: OrtRuntime,
    readonly manifest: ModelManifest,
    readonly modelVersionId: string,
    readonly version: number,
    private readonly encoder: Session,
    private readonly decoder: Session,
  ) {}

  static async create(
    runtime: OrtRuntime,
    files: ModelFiles,
    modelVersionId: string,
    version: number,
  ): Promise<Segmenter> {
    const options = {
      executionProviders: runtime.executionProviders,
      graphOptimizationLevel: 'all' as const,
    };
    const encoder = await runtime.ort.InferenceSession.create(files.encoder, options);
    const decoder = await runtime.ort.InferenceSession.create(files.decoder, options);
    const missing = [
      ...Object.values(ENCODER_INPUT)
        .filter((n) => !encoder.inputNames.includes(n))
        .map((n) => `encoder input ${n}`),
      ...Object.values(DECODER_INPUT)
        .filter((n) => !decoder.inputNames.includes(n))
        .map((n) => `decoder input ${n}`),
    ];
    if (missing.length) {
      await Promise.all([encoder.release(), decoder.release()]);
      throw new Error(`model does not match the contract: missing ${missing.join(', ')}`);
    }
    return new Segmenter(runtime, files.manifest, modelVersionId, version, encoder, decoder);
  }

  async encode(
    luminance: Float32Array,
    width: number,
    height: number,
    cropBox: Box,
  ): Promise<CropEmbedding> {
    const m = this.manifest;
    const { crop, input } = preprocessCrop(luminance, width, height, cropBox, {
      inputSize: m.inputSize,
      contextMargin: m.crop.contextMargin,
      minCropSize: m.crop.minCropSize,
      eps: m.preprocessing.eps,
    });
    const s = m.inputSize;
    const out = await this.encoder.run({
      [ENCODER_INPUT.image]: new this.runtime.ort.Tensor('float32', input, [1, 1, s, s]),
    });
    const imageEmbedding = out[ENCODER_OUTPUT.imageEmbedding];
    const highResFeatures = out[ENCODER_OUTPUT.highResFeatures];
    if (!imageEmbedding || !highResFeatures) throw new Error('encoder returned no embeddings');
    return { crop, imageEmbedding, highResFeatures };
  }

  async decode(
    embedding: CropEmbedding,
    box: Box | null,
    clicks: readonly ClickPrompt[],
    width: number,
    height: number,
  ): Promise<DecodedMasks> {
    const { coords, labels, count } = promptsToModelInputs(box, clicks, embedding.crop);
    const { Tensor } = this.runtime.ort;
    const out = await this.decoder.run({
      [DECODER_INPUT.imageEmbedding]: embedding.imageEmbedding,
      [DECODER_INPUT.highResFeatures]: embedding.highResFeatures,
      [DECODER_INPUT.pointCoords]: new Tensor('float32', coords, [1, count, 2]),
      [DECODER_INPUT.pointLabels]: new Tensor('float32', labels, [1, count]),
    });
    const masksTensor = out[DECODER_OUTPUT.masks];
    const iouTensor = out[DECODER_OUTPUT.iouPredictions];
    if (!masksTensor || !iouTensor) throw new Error('decoder returned no masks');
    const logits = (await masksTensor.getData()) as Float32Array;
    const iou = (await iouTensor.getData()) as Float32Array;
    const size = this.manifest.maskSize;
    const plane = size * size;
    const masks: Uint8Array[] = [];
    for (let k = 0; k * plane < logits.length; k++) {
      const mask = pasteMaskLogits(
        logits.subarray(k * plane, (k + 1) * plane),
        size,
        embedding.crop,
        width,
        height,
        this.manifest.maskThreshold,
      );
      masks.push(mask.data);
    }
    masksTensor.dispose();
    iouTensor.dispose();
    return { masks, iouPredictions: Array.from(iou) };
  }

  /** One encoder + decoder run on a blank image, so the first real prompt pays no warm-up. */
  async warmUp(): Promise<void> {
    const side = Math.max(this.manifest.inputSize, 64);
    const luminance = new Float32Array(side * side).fill(0.5);
    const box = { x0: side / 4, y0: side / 4, x1: (3 * side) / 4, y1: (3 * side) / 4 };
    const embedding = await this.encode(luminance, side, side, box);
    await this.decode(embedding, box, [], side, side);
    disposeEmbedding(embedding);
  }

  async release(): Promise<void> {
    await Promise.all([this.encoder.release(), this.decoder.release()]);
  }
}

export function disposeEmbedding(embedding: CropEmbedding): void {
  embedding.imageEmbedding.dispose();
  embedding.highResFeatures.dispose();
}
