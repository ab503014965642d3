/**
 * Runs an exported model (encoder.onnx + decoder.onnx + manifest) with onnxruntime: the same
 * artifact the browser runs. Works with onnxruntime-node (default) or onnxruntime-web's module.
 * A new box -> crop -> encoder + decoder; clicks on that proposal reuse the crop's embedding
 * (decoder only). Inputs are checked against the manifest before running.
 *
 * Mask prompt: `decode` takes the object's previous low-resolution logits (`Prediction.lowResLogits`
 * of the output that was shown, on the same crop embedding) and gives them to the decoder as
 * mask_input with has_mask_input = 1. A model exported before the mask prompt existed has no such
 * inputs: it runs without one (`usedMaskPrompt` false), as it always did.
 * Clicks: a negative click outside the crop is already satisfied (the mask never leaves the crop)
 * and is not given to the model; a positive one there cannot be, and is an OnnxInputError.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  pasteProbabilities,
  promptsToModelInputs,
  thresholdProbabilities,
  type Box,
  type ClickPrompt,
  type CropTransform,
  type Mask,
} from '@loupe/prompts';
import * as ortNode from 'onnxruntime-node';
import {
  DECODER_INPUT,
  DECODER_MASK_INPUT,
  DECODER_OUTPUT,
  ENCODER_INPUT,
  ENCODER_OUTPUT,
  acceptsMaskPrompt,
  maskInputShapes,
  parseManifest,
  type ModelManifest,
  type TensorSpec,
} from '../contract';
import { MODEL_FILES } from '../model-files';
import { preprocessCrop, toLuminance } from '../preprocess';

/** The subset of the onnxruntime API used here (node and web share it). */
type OrtModule = Pick<typeof ortNode, 'InferenceSession' | 'Tensor'>;
type Session = ortNode.InferenceSession;
type OrtTensor = ortNode.Tensor;

export class OnnxInputError extends Error {
  override name = 'OnnxInputError';
}

export interface ImageInput {
  /** 8-bit gray/RGB/RGBA pixels, or luminance 0..1 as Float32Array (channels 1). */
  pixels: Uint8Array | Uint8ClampedArray | Float32Array;
  width: number;
  height: number;
  channels?: 1 | 2 | 3 | 4;
}

export interface CropEmbedding {
  crop: CropTransform;
  imageWidth: number;
  imageHeight: number;
  imageEmbedding: OrtTensor;
  highResFeatures: OrtTensor;
}

export interface Prediction {
  crop: CropTransform;
  /** Full-resolution probabilities of the single-mask output (index 0). */
  probabilities: Float32Array;
  mask: Mask;
  /** Predicted IoU per output, index 0 = single-mask, 1..3 = multimask. */
  iouPredictions: number[];
  /** M x M logits per output over the crop. */
  lowResLogits: Float32Array[];
  maskSize: number;
  imageWidth: number;
  imageHeight: number;
  /** Whether the decoder was given a previous mask (false for models without the mask inputs). */
  usedMaskPrompt: boolean;
}

export interface DecodeOptions {
  /**
   * The object's previous M x M logits on this crop (lowResLogits[i] of the output shown), or
   * null for none. Ignored by models without a mask prompt.
   */
  maskInput?: Float32Array | null;
}

/** Full-resolution probabilities of output `index` (0 = single mask, 1..3 = multimask). */
export function pasteOutputProbabilities(prediction: Prediction, index: number): Float32Array {
  const logits = prediction.lowResLogits[index];
  if (!logits)
    throw new OnnxInputError(
      `output ${index} does not exist (the model has ${prediction.lowResLogits.length})`,
    );
  return pasteProbabilities(
    logits,
    prediction.maskSize,
    prediction.crop,
    prediction.imageWidth,
    prediction.imageHeight,
  );
}

function checkSpec(spec: TensorSpec, dims: readonly number[], where: string): void {
  const ok =
    spec.shape.length === dims.length &&
    spec.shape.every((d, i) => typeof d === 'string' || d === dims[i]);
  if (!ok)
    throw new OnnxInputError(
      `${where} input '${spec.name}': shape [${dims.join(', ')}] does not match the expected [${spec.shape.join(', ')}]`,
    );
}

export class OnnxPredictor {
  /** Whether the decoder takes mask_input / has_mask_input (models exported since #13). */
  readonly acceptsMaskPrompt: boolean;

  private constructor(
    readonly manifest: ModelManifest,
    private readonly ort: OrtModule,
    private readonly encoder: Session,
    private readonly decoder: Session,
  ) {
    this.acceptsMaskPrompt = acceptsMaskPrompt(decoder.inputNames);
  }

  static async create(options: {
    manifest: ModelManifest | unknown;
    encoder: Uint8Array;
    decoder: Uint8Array;
    ort?: OrtModule;
  }): Promise<OnnxPredictor> {
    const manifest = parseManifest(options.manifest);
    const ort = options.ort ?? ortNode;
    const encoder = await ort.InferenceSession.create(options.encoder);
    const decoder = await ort.InferenceSession.create(options.decoder);
    const check = (
      session: Session,
      names: readonly string[],
      specs: TensorSpec[],
      which: string,
      optional: readonly string[] = [],
    ) => {
      for (const name of names)
        if (!session.inputNames.includes(name))
          throw new OnnxInputError(
            `${which}: the model has inputs [${session.inputNames.join(', ')}], missing '${name}'`,
          );
      for (const spec of specs)
        if (!names.includes(spec.name) && !optional.includes(spec.name))
          throw new OnnxInputError(
            `${which}: manifest input '${spec.name}' is not in the contract`,
          );
    };
    check(encoder, Object.values(ENCODER_INPUT), manifest.encoder.inputs, 'encoder.onnx');
    check(decoder, Object.values(DECODER_INPUT), manifest.decoder.inputs, 'decoder.onnx', [
      ...Object.values(DECODER_MASK_INPUT),
    ]);
    return new OnnxPredictor(manifest, ort, encoder, decoder);
  }

  /** Loads manifest.json + the two files from a model directory, verifying their sha256. */
  static async load(modelDir: string, options: { ort?: OrtModule } = {}): Promise<OnnxPredictor> {
    const manifest = parseManifest(
      JSON.parse(await readFile(path.join(modelDir, MODEL_FILES.manifest), 'utf8')),
    );
    const { createHash } = await import('node:crypto');
    const read = async (file: string, sha: string) => {
      const bytes = new Uint8Array(await readFile(path.join(modelDir, file)));
      const actual = createHash('sha256').update(bytes).digest('hex');
      if (actual !== sha)
        throw new OnnxInputError(
          `${path.join(modelDir, file)}: sha256 ${actual} does not match the manifest's ${sha}`,
        );
      return bytes;
    };
    return OnnxPredictor.create({
      manifest,
      encoder: await read(manifest.encoder.file, manifest.encoder.sha256),
      decoder: await read(manifest.decoder.file, manifest.decoder.sha256),
      ...(options.ort ? { ort: options.ort } : {}),
    });
  }

  /** Encoder on a preprocessed S x S crop (benchmarks; parity). */
  async runEncoder(
    input: Float32Array,
  ): Promise<{ imageEmbedding: OrtTensor; highResFeatures: OrtTensor }> {
    const s = this.manifest.inputSize;
    const spec = this.manifest.encoder.inputs[0] as TensorSpec;
    if (input.length !== s * s)
      throw new OnnxInputError(
        `encoder input '${ENCODER_INPUT.image}': ${input.length} values, expected 1x1x${s}x${s} = ${s * s}`,
      );
    checkSpec(spec, [1, 1, s, s], 'encoder');
    const out = await this.encoder.run({
      [ENCODER_INPUT.image]: new this.ort.Tensor('float32', input, [1, 1, s, s]),
    });
    const imageEmbedding = out[ENCODER_OUTPUT.imageEmbedding];
    const highResFeatures = out[ENCODER_OUTPUT.highResFeatures];
    if (!imageEmbedding || !highResFeatures)
      throw new OnnxInputError(
        `encoder.onnx did not return ${ENCODER_OUTPUT.imageEmbedding} and ${ENCODER_OUTPUT.highResFeatures}`,
      );
    return { imageEmbedding, highResFeatures };
  }

  /**
   * Decoder on embeddings + model-space points (+ the previous M x M logits as mask prompt, for
   * models that take one); returns raw outputs.
   */
  async runDecoder(
    embedding: { imageEmbedding: OrtTensor; highResFeatures: OrtTensor },
    coords: Float32Array,
    labels: Float32Array,
    maskInput: Float32Array | null = null,
  ): Promise<{ masks: Float32Array; iouPredictions: Float32Array; usedMaskPrompt: boolean }> {
    const n = labels.length;
    if (n < 1 || coords.length !== 2 * n)
      throw new OnnxInputError(
        `decoder inputs: ${coords.length / 2} point coords and ${n} labels (need the same N >= 1)`,
      );
    const m = this.manifest.maskSize;
    const shapes = maskInputShapes(m);
    if (maskInput) {
      if (maskInput.length !== m * m)
        throw new OnnxInputError(
          `decoder input '${DECODER_MASK_INPUT.maskInput}': ${maskInput.length} values, expected [${shapes.maskInput.join(', ')}] = ${m * m} (the previous low-resolution logits of this model)`,
        );
      const bad = maskInput.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0)
        throw new OnnxInputError(
          `decoder input '${DECODER_MASK_INPUT.maskInput}': value ${maskInput[bad]} at index ${bad} is not finite`,
        );
    }
    const specs = new Map(this.manifest.decoder.inputs.map((s) => [s.name, s]));
    checkSpec(
      specs.get(DECODER_INPUT.imageEmbedding) as TensorSpec,
      embedding.imageEmbedding.dims,
      'decoder',
    );
    checkSpec(
      specs.get(DECODER_INPUT.highResFeatures) as TensorSpec,
      embedding.highResFeatures.dims,
      'decoder',
    );
    const feeds: Record<string, OrtTensor> = {
      [DECODER_INPUT.imageEmbedding]: embedding.imageEmbedding,
      [DECODER_INPUT.highResFeatures]: embedding.highResFeatures,
      [DECODER_INPUT.pointCoords]: new this.ort.Tensor('float32', coords, [1, n, 2]),
      [DECODER_INPUT.pointLabels]: new this.ort.Tensor('float32', labels, [1, n]),
    };
    const usedMaskPrompt = this.acceptsMaskPrompt && maskInput !== null;
    if (this.acceptsMaskPrompt) {
      feeds[DECODER_MASK_INPUT.maskInput] = new this.ort.Tensor(
        'float32',
        maskInput ?? new Float32Array(m * m),
        shapes.maskInput,
      );
      feeds[DECODER_MASK_INPUT.hasMaskInput] = new this.ort.Tensor(
        'float32',
        Float32Array.of(usedMaskPrompt ? 1 : 0),
        shapes.hasMaskInput,
      );
    }
    const out = await this.decoder.run(feeds);
    const masks = out[DECODER_OUTPUT.masks];
    const iou = out[DECODER_OUTPUT.iouPredictions];
    if (!masks || !iou)
      throw new OnnxInputError(
        `decoder.onnx did not return ${DECODER_OUTPUT.masks} and ${DECODER_OUTPUT.iouPredictions}`,
      );
    return {
      masks: masks.data as Float32Array,
      iouPredictions: iou.data as Float32Array,
      usedMaskPrompt,
    };
  }

  /** Crop around the box, preprocess, run the encoder. Reuse the result for clicks on this proposal. */
  async embed(image: ImageInput, box: Box): Promise<CropEmbedding> {
    const lum = toLuminance(image.pixels, image.width, image.height, image.channels ?? 1);
    return this.embedLuminance(lum, image.width, image.height, box);
  }

  async embedLuminance(
    luminance: Float32Array,
    width: number,
    height: number,
    box: Box,
  ): Promise<CropEmbedding> {
    const m = this.manifest;
    const { crop, input } = preprocessCrop(luminance, width, height, box, {
      inputSize: m.inputSize,
      ...m.crop,
      eps: m.preprocessing.eps,
    });
    const enc = await this.runEncoder(input);
    return { crop, imageWidth: width, imageHeight: height, ...enc };
  }

  /**
   * Decoder only: box (+ clicks, + the previous logits as mask prompt) on an existing crop
   * embedding -> full-resolution outputs.
   */
  async decode(
    embedding: CropEmbedding,
    box: Box | null,
    clicks: readonly ClickPrompt[] = [],
    options: DecodeOptions = {},
  ): Promise<Prediction> {
    const { coords, labels } = promptsToModelInputs(
      box,
      clicksInsideCrop(clicks, embedding.crop),
      embedding.crop,
    );
    const { masks, iouPredictions, usedMaskPrompt } = await this.runDecoder(
      embedding,
      coords,
      labels,
      options.maskInput ?? null,
    );
    const mSize = this.manifest.maskSize;
    const plane = mSize * mSize;
    const lowResLogits = Array.from({ length: masks.length / plane }, (_, i) =>
      masks.slice(i * plane, (i + 1) * plane),
    );
    const probabilities = pasteProbabilities(
      lowResLogits[0] as Float32Array,
      mSize,
      embedding.crop,
      embedding.imageWidth,
      embedding.imageHeight,
    );
    return {
      crop: embedding.crop,
      probabilities,
      mask: thresholdProbabilities(probabilities, embedding.imageWidth, embedding.imageHeight, 0.5),
      iouPredictions: Array.from(iouPredictions),
      lowResLogits,
      maskSize: mSize,
      imageWidth: embedding.imageWidth,
      imageHeight: embedding.imageHeight,
      usedMaskPrompt,
    };
  }

  /** Box (+ clicks) on an image: encoder + decoder. */
  async predict(
    image: ImageInput,
    box: Box,
    clicks: readonly ClickPrompt[] = [],
  ): Promise<Prediction> {
    return this.decode(await this.embed(image, box), box, clicks);
  }

  async release(): Promise<void> {
    await this.encoder.release();
    await this.decoder.release();
  }
}

/**
 * The clicks the decoder gets: negative clicks outside the crop are dropped (the mask never
 * reaches there, so they already hold); a positive click outside the crop cannot be honoured
 * on this crop and is an error that says so.
 */
export function clicksInsideCrop(
  clicks: readonly ClickPrompt[],
  crop: CropTransform,
): ClickPrompt[] {
  // Non-finite coordinates stay in: promptsToModelInputs rejects them with a PromptError.
  const outsideCrop = (c: ClickPrompt) =>
    Number.isFinite(c.x) &&
    Number.isFinite(c.y) &&
    !(c.x >= crop.x0 && c.x <= crop.x0 + crop.size && c.y >= crop.y0 && c.y <= crop.y0 + crop.size);
  const outside = clicks.findIndex((c) => c.positive && outsideCrop(c));
  if (outside >= 0) {
    const c = clicks[outside] as ClickPrompt;
    throw new OnnxInputError(
      `positive click ${outside} at (${c.x}, ${c.y}) is outside the model's crop ` +
        `[${crop.x0}, ${crop.x0 + crop.size}] x [${crop.y0}, ${crop.y0 + crop.size}]; draw a box that covers it`,
    );
  }
  return clicks.filter((c) => c.positive || !outsideCrop(c));
}

/** One-shot convenience: load a model directory and predict. */
export async function predictWithOnnx(
  modelDir: string,
  image: ImageInput,
  box: Box,
  clicks: readonly ClickPrompt[] = [],
): Promise<Prediction> {
  const predictor = await OnnxPredictor.load(modelDir);
  try {
    return await predictor.predict(image, box, clicks);
  } finally {
    await predictor.release();
  }
}
