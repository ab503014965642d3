/**
 * SamPredictor: THE way an exported model (encoder.onnx + decoder.onnx + manifest) is run, in the
 * browser's inference worker (onnxruntime-web) and in Node (onnxruntime-node: the trainer's gate,
 * eval, benches). Browser-safe: the onnxruntime module is passed in, only its types are imported.
 *
 * create() checks both sessions against the contract (contract.ts names) and the manifest (shapes)
 * before anything runs. A new box -> crop -> preprocess -> encoder (embed); prompts on that crop
 * reuse the embedding (decode: decoder only).
 *
 * Mask prompt (SAM's, #13): decode options may carry the object's previous M x M logits (the
 * lowResLogits of the output shown, on the same crop embedding); the decoder gets them as
 * mask_input with has_mask_input = 1. A model exported before the mask prompt existed has no such
 * inputs and runs without one (`usedMaskPrompt` false), as it always did.
 * Clicks outside the crop: negative ones are dropped, positive ones refused (clicksInsideCrop).
 * decode() forces the pixels around each click to the click's side (forceClicks, #13's documented
 * post-step: the model alone often leaves a clicked pixel unchanged); decodeLogits() is raw.
 * decodeClick() is THE corrective-click path (browser worker, eval, the trainer's gate, the loop's
 * scripted annotator): mask prompt from the mask shown, then FocalClick's progressive merge
 * (libs/prompts progressiveMerge) so the click changes the mask only around itself, then forceClicks
 * (over a wider disc on large objects: CLICK_FORCE_LARGE).
 */
import {
  CLICK_FORCE_RADIUS,
  forceClicks,
  mergeLogitsInRegion,
  pasteMaskLogits,
  pasteMaskLogitsRows,
  progressiveMerge,
  pasteAboveHalf,
  pasteProbabilitiesAboveHalf,
  pasteUncomputedProbabilities,
  pasteProbabilities,
  probabilitySampler,
  type PredictionAboveThreshold,
  type ProgressiveMergeOptions,
  type RegionInBox,
  promptsToModelInputs,
  thresholdProbabilities,
  type Box,
  clickSideRegion,
  distanceToOtherSide,
  refineAroundClick,
  type ClickPrompt,
  type ClickRefineOptions,
  type CropTransform,
  type Mask,
} from '@loupe/prompts';
import type * as OrtWeb from 'onnxruntime-web';
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
import { preprocessCrop, toLuminance, type PixelSamples } from '../preprocess';
import { clicksInsideCrop } from './clicks-inside-crop';

/** The part of the onnxruntime API used here: onnxruntime-web's and onnxruntime-node's modules both fit. */
export type OrtModule = Pick<typeof OrtWeb, 'InferenceSession' | 'Tensor'>;
type Session = OrtWeb.InferenceSession;
type OrtTensor = OrtWeb.Tensor;
export type SessionOptions = OrtWeb.InferenceSession.SessionOptions;

/** Bad model files or bad inputs: the message names what was expected. */
export class OnnxInputError extends Error {
  override name = 'OnnxInputError';
}

export interface ImageInput {
  /** 8-bit or 16-bit gray/RGB/RGBA samples, or luminance 0..1 as Float32Array (channels 1). */
  pixels: PixelSamples;
  width: number;
  height: number;
  channels?: 1 | 2 | 3 | 4;
}

/** The encoder's output for one crop; reused for every prompt on it. Dispose when done. */
export interface CropEmbedding {
  crop: CropTransform;
  imageWidth: number;
  imageHeight: number;
  imageEmbedding: OrtTensor;
  highResFeatures: OrtTensor;
  /**
   * The image's luminance 0..1 (imageWidth x imageHeight, the array embedLuminance was given, not
   * a copy): what the click refinement reads. Absent: clicks are not refined.
   */
  luminance?: Float32Array;
}

/** Prompts of a decoder run beyond the box and clicks. */
export interface DecodeOptions {
  /**
   * SAM's mask prompt: the object's previous M x M logits on this crop (lowResLogits[i] of the
   * output shown), or null/absent for none. Ignored by models without a mask prompt.
   */
  maskInput?: Float32Array | null;
  /**
   * decode(): pixels within this radius (image px) of each click are forced to the click's side
   * (libs/prompts forceClicks; the model alone often leaves a clicked pixel unchanged). Default
   * CLICK_FORCE_RADIUS; 0 gives the model's own output. decodeLogits() never forces.
   */
  clickRadius?: number;
}

/** The decoder's outputs over the crop, before anything is pasted to image pixels. */
export interface DecoderOutput {
  crop: CropTransform;
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

export interface Prediction extends DecoderOutput {
  /** Full-resolution probabilities of the single-mask output (index 0). */
  probabilities: Float32Array;
  /** probabilities > 0.5. */
  mask: Mask;
}

/** A rectangle of image pixels (integers, inside the image) that a windowed plane covers. */
export interface PixelWindow {
  x0: number;
  y0: number;
  width: number;
  height: number;
}

/** The mask on screen before a click: what decodeClick() builds on and returns for the next one. */
export interface ShownMask {
  /** M x M logits over the embedding's crop: the next decode's mask prompt. */
  logits: Float32Array;
  /**
   * Probabilities of the mask shown, row by row over `window` (0 outside it), or over the whole
   * image (imageWidth x imageHeight) when `window` is absent.
   */
  probabilities: Float32Array;
  window?: PixelWindow;
  /**
   * Its pixels above 0.5 (area and box, image px), kept with the mask so that the next click
   * does not scan the window for them; found from `probabilities` when absent.
   */
  foreground?: MaskForeground;
  /**
   * Present when `probabilities` holds pixels whose probability was not computed: NaN below 0.5
   * (shownOutput's `foregroundOnly`: a wide crop's background costs no sigmoid) and
   * UNCOMPUTED_ABOVE_HALF (+Infinity) above it (its `lazy`: no sigmoid at all); their exact value
   * at image pixel (x, y). The next click's merge reads those few; decodeClick fills them in.
   */
  uncomputedAt?: (x: number, y: number) => number;
}

/** A mask's pixels above 0.5: how many, and the box holding them (image px, inclusive). */
export interface MaskForeground {
  /** x1 < x0 when there are none. */
  area: number;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface ClickOptions extends Pick<DecodeOptions, 'clickRadius'> {
  /** Feed previous.logits as mask prompt (default true; ignored by models without one). */
  maskPrompt?: boolean;
  /** Progressive merge into the previous mask (default true; false: the model's output as is). */
  merge?: boolean;
  /** progressiveMerge's options (window, whole-mask acceptance); default: its defaults. */
  mergeOptions?: ProgressiveMergeOptions;
  /** The first this many clicks of an object are not merged (default CLICK_MERGE_SKIP_FIRST). */
  unmergedClicks?: number;
  /**
   * Next click's mask prompt: 'merged' (default CLICK_MASK_PROMPT_SOURCE), the logits of the mask
   * shown; 'model', the model's own single-mask logits of this click, unmerged.
   */
  maskPromptSource?: 'merged' | 'model';
  /**
   * Clicks on an object whose mask shown has at least minArea pixels are forced over `radius`
   * instead (unless clickRadius is given): there a 3 x 3 disc moves the IoU by far less than
   * 0.01 and fixes more of a wide error band. Default CLICK_FORCE_LARGE (null: off).
   */
  largeObjectForce?: { minArea: number; radius: number } | null;
  /**
   * The caller gives `previous` up (it never reads it again, as the browser worker does): its
   * probabilities may become the result's, merged in place, instead of a copy. Default false.
   */
  consumePrevious?: boolean;
  /**
   * Full-resolution refinement of each merged click along the image's edges (libs/prompts
   * refineAroundClick; needs the embedding's luminance). Default CLICK_REFINE (null: off).
   */
  refine?: ClickRefineOptions | null;
}

/**
 * decodeClickInWindow()'s result: the mask after the click only over `window` (the crop, the
 * mask shown and the forced clicks), 0 outside it, so a click on a wide-field image costs what its
 * crop costs. decodeClick() is the same pixels at full resolution.
 */
export interface WindowedClickPrediction extends DecoderOutput {
  window: PixelWindow;
  /**
   * Probabilities over `window`, row by row (0 outside it); NaN where below 0.5 and +Infinity
   * where above it and not computed when the mask shown had such pixels (shown.uncomputedAt gives
   * them).
   */
  probabilities: Float32Array;
  /** probabilities > 0.5 over `window` (built when first read). */
  readonly mask: Uint8Array;
  /** probabilities' pixels above 0.5 (image px). */
  foreground: MaskForeground;
  /** The mask after this click (windowed), to pass to the next decodeClickInWindow(). */
  shown: ShownMask;
  modelHonoured: boolean | null;
  mergedArea: number | null;
  changedArea: number | null;
}

export interface ClickPrediction extends Prediction {
  /**
   * The mask after this click, to pass to the next decodeClick(); `probabilities`/`mask` are its
   * full-resolution form and lowResLogits[0] its logits (the other outputs stay the model's own).
   */
  shown: ShownMask;
  /** The last click's pixel on its side in the model's own output, before merge and forcing. */
  modelHonoured: boolean | null;
  /** Pixels the merge took from the model's new output (null: no previous mask, no merge). */
  mergedArea: number | null;
  /** Pixels where the model's new output differed from the mask shown (null: no merge). */
  changedArea: number | null;
}

/**
 * decodeClick leaves an object's first this many clicks unmerged unless told otherwise. 0: the
 * first click unmerged lowered NoC@90 on DRIVE pseudo-FA (training seed 11) but raised it and the
 * harmful clicks on synthetic (training seeds 1001-1003, #13).
 */
export const CLICK_MERGE_SKIP_FIRST = 0;
/**
 * decodeClick's forcing on large objects unless told otherwise (null: CLICK_FORCE_RADIUS always):
 * on a mask shown of >= 400 px the 3 x 3 disc (radius 1.5) is back. There flipping its 8
 * neighbours moves the IoU by at most 0.02 and usually fixes them (a wide error band); on the
 * starter's training seeds it lowered NoC@90 from 8.86 / 7.41 to 6.83 / 6.20 (synthetic 1001 /
 * 1003) and 2.77 to 1.77 (DRIVE pseudo-FA 11) at <= 0.3% harmful clicks (#13). Thresholds 250 px
 * or radius 2 added harmful clicks; 1000 px gained less.
 */
export const CLICK_FORCE_LARGE: { minArea: number; radius: number } | null = {
  minArea: 400,
  radius: 1.5,
};

/**
 * Where decodeClick's next mask prompt comes from unless told otherwise: the merged mask's logits
 * (the model's own unmerged logits were no better on synthetic and added a harmful click on DRIVE
 * pseudo-FA, training seeds).
 */
export const CLICK_MASK_PROMPT_SOURCE: 'merged' | 'model' = 'merged';

/** decodeClick's full-resolution click refinement unless told otherwise (null: off). */
export const CLICK_REFINE: ClickRefineOptions | null = null;
/** Mask-prompt logit given to the cells a refinement switched (the click's sign). */
const REFINED_CELL_LOGIT = 4;

/** Full-resolution probabilities of output `index` (0 = single mask, 1..3 = multimask). */
export function pasteOutputProbabilities(output: DecoderOutput, index: number): Float32Array {
  return pasteProbabilities(
    outputLogits(output, index),
    output.maskSize,
    output.crop,
    output.imageWidth,
    output.imageHeight,
  );
}

/** One full-resolution 0/1 mask per output, logits > threshold (the manifest's maskThreshold). */
export function pasteOutputMasks(output: DecoderOutput, threshold: number): Uint8Array[] {
  return output.lowResLogits.map(
    (logits) =>
      pasteMaskLogits(
        logits,
        output.maskSize,
        output.crop,
        output.imageWidth,
        output.imageHeight,
        threshold,
      ).data,
  );
}

/**
 * Output `index` as the mask shown, unmerged: its probabilities over the window they can be
 * non-zero in (the crop's pixels and the positive clicks' forced discs), every click forced, its
 * foreground kept with it: decodeClickInWindow()'s unmerged result, for an output the next click
 * may correct (the browser worker's box proposals).
 */
export function shownOutput(
  output: Pick<DecoderOutput, 'crop' | 'lowResLogits' | 'maskSize' | 'imageWidth' | 'imageHeight'>,
  index: number,
  clicks: readonly ClickPrompt[],
  radius = CLICK_FORCE_RADIUS,
  options: {
    /**
     * Compute the probabilities above 0.5 only (NaN at the others, uncomputedAt gives them): what
     * the next click's merge reads, without a sigmoid per crop pixel. Default false.
     */
    foregroundOnly?: boolean;
    /**
     * Compute no probability at all (UNCOMPUTED_ABOVE_HALF above 0.5, NaN below; uncomputedAt
     * gives both): a wide crop's noisy proposal costs no sigmoid per foreground pixel either.
     * Default false.
     */
    lazy?: boolean;
  } = {},
): ShownMask {
  const logits = outputLogits(output, index);
  const { crop, maskSize, imageWidth, imageHeight } = output;
  const window = clickRect(
    crop,
    null,
    imageWidth,
    imageHeight,
    clicks.filter((c) => c.positive),
    radius,
  );
  const windowCrop = { ...crop, x0: crop.x0 - window.x0, y0: crop.y0 - window.y0 };
  const paste = options.lazy
    ? pasteUncomputedProbabilities
    : options.foregroundOnly
      ? pasteProbabilitiesAboveHalf
      : pasteProbabilities;
  const probabilities = forceClicks(
    paste(logits, maskSize, windowCrop, window.width, window.height),
    window.width,
    window.height,
    clicks.map((c) => ({ ...c, x: c.x - window.x0, y: c.y - window.y0 })),
    radius,
  );
  const foreground = foregroundBoundsWithin(
    probabilities,
    window,
    unmergedForegroundBox(logits, maskSize, crop, window, clicks, radius),
  );
  if (!options.foregroundOnly && !options.lazy)
    return { logits, probabilities, window, foreground };
  // The same arithmetic as the paste over the window (window pixels, the moved crop).
  const sample = probabilitySampler(logits, maskSize, windowCrop);
  const uncomputedAt = (x: number, y: number) => sample(x - window.x0, y - window.y0);
  return { logits, probabilities, window, foreground, uncomputedAt };
}

/**
 * Output `index` as a 0/1 mask (logits > threshold, every click forced, as pasteOutputMasks then
 * forceClicks give it) over a window holding all its 1s: at threshold 0 (the manifest's
 * maskThreshold) only the box of the pixels that sample a logit above 0 and the positive clicks'
 * discs is pasted, otherwise the crop's window. `window` null: no pixel is 1.
 */
export function outputMaskInBox(
  output: Pick<DecoderOutput, 'crop' | 'lowResLogits' | 'maskSize' | 'imageWidth' | 'imageHeight'>,
  index: number,
  clicks: readonly ClickPrompt[],
  threshold: number,
  radius = CLICK_FORCE_RADIUS,
): { window: PixelWindow | null; mask: Uint8Array } {
  const window = outputMaskWindow(output, index, clicks, threshold, radius);
  if (!window) return { window: null, mask: new Uint8Array(0) };
  const mask = new Uint8Array(window.width * window.height);
  pasteOutputMaskRows(output, index, threshold, window, mask, 0, window.height);
  return { window, mask: forceClicksInWindow(mask, window, clicks, radius) };
}

/**
 * outputMaskInBox's window (null: no pixel is 1), found from the logits alone. 'aboveHalf': the
 * same window for the output's probabilities above 0.5 (shownOutput's mask: they lie among the
 * pixels that sample a logit above 0).
 */
export function outputMaskWindow(
  output: Pick<DecoderOutput, 'crop' | 'lowResLogits' | 'maskSize' | 'imageWidth' | 'imageHeight'>,
  index: number,
  clicks: readonly ClickPrompt[],
  threshold: number | 'aboveHalf',
  radius = CLICK_FORCE_RADIUS,
): PixelWindow | null {
  const logits = outputLogits(output, index);
  const { crop, maskSize, imageWidth, imageHeight } = output;
  const window = clickRect(
    crop,
    null,
    imageWidth,
    imageHeight,
    clicks.filter((c) => c.positive),
    radius,
  );
  if (threshold !== 0 && threshold !== 'aboveHalf') return window;
  const b = unmergedForegroundBox(logits, maskSize, crop, window, clicks, radius);
  if (b.x1 < b.x0 || b.y1 < b.y0) return null;
  return { x0: b.x0, y0: b.y0, width: b.x1 - b.x0 + 1, height: b.y1 - b.y0 + 1 };
}

/**
 * Window rows y0..y1 - 1 of outputMaskInBox's mask (threshold 'aboveHalf': of the probabilities
 * above 0.5, shownOutput's), before its clicks are forced, written into `mask` (the window's
 * fresh plane): the same pixels, so a caller can paste a wide output band by band, then force
 * the clicks (forceClicksInWindow).
 */
export function pasteOutputMaskRows(
  output: Pick<DecoderOutput, 'crop' | 'lowResLogits' | 'maskSize'>,
  index: number,
  threshold: number | 'aboveHalf',
  window: PixelWindow,
  mask: Uint8Array,
  y0: number,
  y1: number,
): void {
  const { crop, maskSize } = output;
  pasteMaskLogitsRows(
    mask,
    outputLogits(output, index),
    maskSize,
    { ...crop, x0: crop.x0 - window.x0, y0: crop.y0 - window.y0 },
    window.width,
    window.height,
    threshold,
    y0,
    y1,
  );
}

/** forceClicks over a plane that covers `window` of the image (in place). */
export function forceClicksInWindow<T extends Float32Array | Uint8Array>(
  plane: T,
  window: PixelWindow,
  clicks: readonly ClickPrompt[],
  radius = CLICK_FORCE_RADIUS,
): T {
  return forceClicks(
    plane,
    window.width,
    window.height,
    clicks.map((c) => ({ ...c, x: c.x - window.x0, y: c.y - window.y0 })),
    radius,
  );
}

function outputLogits(output: Pick<DecoderOutput, 'lowResLogits'>, index: number): Float32Array {
  const logits = output.lowResLogits[index];
  if (!logits)
    throw new OnnxInputError(
      `output ${index} does not exist (the model has ${output.lowResLogits.length})`,
    );
  return logits;
}

export function disposeEmbedding(embedding: CropEmbedding): void {
  embedding.imageEmbedding.dispose();
  embedding.highResFeatures.dispose();
}

function sameShape(expected: TensorSpec['shape'], dims: readonly (number | string)[]): boolean {
  // A string (symbolic axis) on either side matches any size.
  return (
    expected.length === dims.length &&
    expected.every((d, i) => typeof d === 'string' || typeof dims[i] === 'string' || d === dims[i])
  );
}

function checkSpec(spec: TensorSpec, dims: readonly number[], where: string): void {
  if (!sameShape(spec.shape, dims))
    throw new OnnxInputError(
      `${where} input '${spec.name}': shape [${dims.join(', ')}] does not match the expected [${spec.shape.join(', ')}]`,
    );
}

/**
 * One side of a session (its inputs or outputs) against the contract's names and the manifest's
 * specs. Returns the problems found, empty when the session fits.
 */
function sessionProblems(
  which: string,
  side: 'input' | 'output',
  metadata: readonly OrtWeb.InferenceSession.ValueMetadata[],
  contractNames: readonly string[],
  specs: readonly TensorSpec[],
): string[] {
  const problems: string[] = [];
  const names = metadata.map((m) => m.name);
  for (const name of contractNames)
    if (!names.includes(name))
      problems.push(`${which}: the model has ${side}s [${names.join(', ')}], missing '${name}'`);
  for (const spec of specs) {
    if (!contractNames.includes(spec.name)) {
      problems.push(`${which}: manifest ${side} '${spec.name}' is not in the contract`);
      continue;
    }
    const meta = metadata.find((m) => m.name === spec.name);
    // Models without shape information (empty shape) are checked when they run.
    if (!meta?.isTensor || meta.shape.length === 0) continue;
    if (meta.type !== spec.dtype)
      problems.push(`${which}: ${side} '${spec.name}' is ${meta.type}, expected ${spec.dtype}`);
    if (!sameShape(spec.shape, meta.shape))
      problems.push(
        `${which}: ${side} '${spec.name}' has shape [${meta.shape.join(', ')}], the manifest says [${spec.shape.join(', ')}]`,
      );
  }
  return problems;
}

export class SamPredictor {
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

  /**
   * Creates both sessions from the model bytes and checks them against the contract and the
   * manifest; on a mismatch the sessions are released and an OnnxInputError lists every problem.
   */
  static async create(options: {
    ort: OrtModule;
    manifest: ModelManifest | unknown;
    encoder: Uint8Array;
    decoder: Uint8Array;
    /** e.g. the browser's execution providers; onnxruntime's defaults otherwise. */
    sessionOptions?: SessionOptions;
  }): Promise<SamPredictor> {
    const manifest = parseManifest(options.manifest);
    const { ort, sessionOptions } = options;
    const open = (bytes: Uint8Array) =>
      sessionOptions
        ? ort.InferenceSession.create(bytes, sessionOptions)
        : ort.InferenceSession.create(bytes);
    const encoder = await open(options.encoder);
    let decoder: Session;
    try {
      decoder = await open(options.decoder);
    } catch (error) {
      await encoder.release();
      throw error;
    }
    const problems = [
      ...sessionProblems(
        'encoder.onnx',
        'input',
        encoder.inputMetadata,
        Object.values(ENCODER_INPUT),
        manifest.encoder.inputs,
      ),
      ...sessionProblems(
        'encoder.onnx',
        'output',
        encoder.outputMetadata,
        Object.values(ENCODER_OUTPUT),
        manifest.encoder.outputs,
      ),
      ...sessionProblems(
        'decoder.onnx',
        'input',
        decoder.inputMetadata,
        // The mask prompt's inputs are required only of models whose manifest lists them.
        acceptsMaskPrompt(manifest.decoder.inputs.map((i) => i.name))
          ? [...Object.values(DECODER_INPUT), ...Object.values(DECODER_MASK_INPUT)]
          : Object.values(DECODER_INPUT),
        manifest.decoder.inputs,
      ),
      ...sessionProblems(
        'decoder.onnx',
        'output',
        decoder.outputMetadata,
        Object.values(DECODER_OUTPUT),
        manifest.decoder.outputs,
      ),
    ];
    if (problems.length > 0) {
      await Promise.all([encoder.release(), decoder.release()]);
      throw new OnnxInputError(`model does not match the contract: ${problems.join('; ')}`);
    }
    return new SamPredictor(manifest, ort, encoder, decoder);
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
   * models that take one); returns the raw outputs (1 x K x M x M, 1 x K).
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
    const { Tensor } = this.ort;
    const feeds: Record<string, OrtTensor> = {
      [DECODER_INPUT.imageEmbedding]: embedding.imageEmbedding,
      [DECODER_INPUT.highResFeatures]: embedding.highResFeatures,
      [DECODER_INPUT.pointCoords]: new Tensor('float32', coords, [1, n, 2]),
      [DECODER_INPUT.pointLabels]: new Tensor('float32', labels, [1, n]),
    };
    const usedMaskPrompt = this.acceptsMaskPrompt && maskInput !== null;
    if (this.acceptsMaskPrompt) {
      feeds[DECODER_MASK_INPUT.maskInput] = new Tensor(
        'float32',
        maskInput ?? new Float32Array(m * m),
        shapes.maskInput,
      );
      feeds[DECODER_MASK_INPUT.hasMaskInput] = new Tensor(
        'float32',
        Float32Array.of(usedMaskPrompt ? 1 : 0),
        shapes.hasMaskInput,
      );
    }
    const out = await this.decoder.run(feeds);
    const masksTensor = out[DECODER_OUTPUT.masks];
    const iouTensor = out[DECODER_OUTPUT.iouPredictions];
    if (!masksTensor || !iouTensor)
      throw new OnnxInputError(
        `decoder.onnx did not return ${DECODER_OUTPUT.masks} and ${DECODER_OUTPUT.iouPredictions}`,
      );
    // getData: the outputs may live on the GPU (WebGPU); copied out, then the tensors can go.
    const masks = (await masksTensor.getData()) as Float32Array;
    const iouPredictions = (await iouTensor.getData()) as Float32Array;
    masksTensor.dispose();
    iouTensor.dispose();
    return { masks, iouPredictions, usedMaskPrompt };
  }

  /** Crop around the box, preprocess, run the encoder. Reuse the result for prompts on this crop. */
  async embed(image: ImageInput, box: Box): Promise<CropEmbedding> {
    const lum = toLuminance(image.pixels, image.width, image.height, image.channels ?? 1);
    return this.embedLuminance(lum, image.width, image.height, box);
  }

  /** embed() for an image already in luminance 0..1 (what the worker keeps per image). */
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
    return { crop, imageWidth: width, imageHeight: height, luminance, ...enc };
  }

  /**
   * Decoder only: box (null for a click-started object) + clicks (+ options.maskInput, SAM's
   * previous-mask prompt) on an existing crop embedding -> the outputs over the crop.
   */
  async decodeLogits(
    embedding: CropEmbedding,
    box: Box | null,
    clicks: readonly ClickPrompt[] = [],
    options: DecodeOptions = {},
  ): Promise<DecoderOutput> {
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
    const maskSize = this.manifest.maskSize;
    const plane = maskSize * maskSize;
    const lowResLogits = Array.from({ length: masks.length / plane }, (_, i) =>
      masks.slice(i * plane, (i + 1) * plane),
    );
    return {
      crop: embedding.crop,
      iouPredictions: Array.from(iouPredictions),
      lowResLogits,
      maskSize,
      imageWidth: embedding.imageWidth,
      imageHeight: embedding.imageHeight,
      usedMaskPrompt,
    };
  }

  /** decodeLogits() plus the single-mask output's full-resolution probabilities and mask. */
  async decode(
    embedding: CropEmbedding,
    box: Box | null,
    clicks: readonly ClickPrompt[] = [],
    options: DecodeOptions = {},
  ): Promise<Prediction> {
    const output = await this.decodeLogits(embedding, box, clicks, options);
    const probabilities = forceClicks(
      pasteOutputProbabilities(output, 0),
      output.imageWidth,
      output.imageHeight,
      clicks,
      options.clickRadius ?? CLICK_FORCE_RADIUS,
    );
    return {
      ...output,
      probabilities,
      mask: thresholdProbabilities(probabilities, output.imageWidth, output.imageHeight, 0.5),
    };
  }

  /**
   * A corrective click (the last of `clicks`) on the mask shown (`previous`; null for the first
   * prediction of an object, e.g. a click-started one): the decoder gets previous.logits as mask
   * prompt, its single-mask output is merged into previous.probabilities only in the changed
   * region connected to the click (progressiveMerge; the mask prompt follows the same merge), and
   * every click is forced at its pixel. The first CLICK_MERGE_SKIP_FIRST clicks of an object
   * (options.unmergedClicks) take the model's output unmerged. Without `previous` or clicks this
   * is decode(). Full-resolution planes: decodeClickInWindow() pasted into the image.
   */
  async decodeClick(
    embedding: CropEmbedding,
    box: Box | null,
    clicks: readonly ClickPrompt[],
    previous: ShownMask | null,
    options: ClickOptions = {},
  ): Promise<ClickPrediction> {
    const { imageWidth: w, imageHeight: h } = embedding;
    const out = await this.decodeClickInWindow(embedding, box, clicks, previous, options);
    const probabilities = windowToImage(
      withComputedValues(out.probabilities, out.window, out.shown.uncomputedAt),
      out.window,
      w,
      h,
      Float32Array,
    );
    const maskData = windowToImage(out.mask, out.window, w, h, Uint8Array);
    return {
      ...out,
      probabilities,
      mask: { width: w, height: h, data: maskData },
      shown: { logits: out.shown.logits, probabilities, foreground: out.foreground },
    };
  }

  /**
   * decodeClick() over the window its pixels can be non-zero in: the crop, the mask shown
   * (previous.window) and every forced click's disc. Nothing here reads or writes the whole image
   * unless `previous` covers it. The pixels are decodeClick()'s: planes move by whole pixels only
   * (crop and click coordinates minus integers, exact in floating point), so samples and click
   * distances come from the same numbers (the spec and eval check it).
   */
  async decodeClickInWindow(
    embedding: CropEmbedding,
    box: Box | null,
    clicks: readonly ClickPrompt[],
    previous: ShownMask | null,
    options: ClickOptions = {},
  ): Promise<WindowedClickPrediction> {
    const click = clicks[clicks.length - 1];
    const large =
      options.largeObjectForce === undefined ? CLICK_FORCE_LARGE : options.largeObjectForce;
    let radius = options.clickRadius ?? CLICK_FORCE_RADIUS;
    const { imageWidth: w, imageHeight: h } = embedding;
    const previousWindow = previous ? shownWindow(previous, w, h) : null;
    const shownBounds =
      previous && previousWindow
        ? (previous.foreground ?? foregroundBounds(previous.probabilities, previousWindow))
        : null;
    if (
      options.clickRadius === undefined &&
      large &&
      shownBounds &&
      shownBounds.area >= large.minArea
    )
      radius = large.radius;
    const maskInput = options.maskPrompt === false ? null : (previous?.logits ?? null);
    const unmerged = options.unmergedClicks ?? CLICK_MERGE_SKIP_FIRST;
    const output = await this.decodeLogits(embedding, box, clicks, { maskInput });
    const modelLogits = outputLogits(output, 0);
    const isUnmerged = !previous || !click || options.merge === false || clicks.length <= unmerged;
    // Unmerged: the model's output is non-zero only in its crop and the positive clicks' discs.
    // Merged: merge and forcing read and write only the rectangle that the output, the shown mask
    // and the forced clicks can touch; outside it the shown mask stays (it is below 0.5 there).
    const rect = clickRect(
      output.crop,
      isUnmerged ? null : (shownBounds as MaskForeground),
      w,
      h,
      isUnmerged ? clicks.filter((c) => c.positive) : clicks,
      radius,
    );
    const inRect = (c: ClickPrompt): ClickPrompt => ({ ...c, x: c.x - rect.x0, y: c.y - rect.y0 });
    const rectCrop = { ...output.crop, x0: output.crop.x0 - rect.x0, y0: output.crop.y0 - rect.y0 };
    const pasteOwn = () =>
      pasteProbabilities(modelLogits, output.maskSize, rectCrop, rect.width, rect.height);
    if (isUnmerged) {
      const own = pasteOwn();
      const modelHonoured = click
        ? honouredInWindow((i) => (own[i] as number) > 0.5, rect, click, w, h)
        : null;
      const probabilities = forceClicks(own, rect.width, rect.height, clicks.map(inRect), radius);
      const foreground = foregroundBoundsWithin(
        probabilities,
        rect,
        unmergedForegroundBox(modelLogits, output.maskSize, output.crop, rect, clicks, radius),
      );
      return withMask({
        ...output,
        window: rect,
        probabilities,
        foreground,
        shown: { logits: modelLogits, probabilities, window: rect, foreground },
        modelHonoured,
        mergedArea: null,
        changedArea: null,
      });
    }
    // The merge reads the model's output only as > 0.5 except in the region it takes: no sigmoid
    // is pasted over the rectangle (unless the merge's threshold is another, or the whole is taken).
    const ownAbove = pasteAboveHalf(
      modelLogits,
      output.maskSize,
      rectCrop,
      rect.width,
      rect.height,
    );
    const modelHonoured = honouredInWindow(
      (i) => ownAbove[i] === 1,
      rect,
      click as ClickPrompt,
      w,
      h,
    );
    const sampleOwn = probabilitySampler(modelLogits, output.maskSize, rectCrop);
    const own: PredictionAboveThreshold | Float32Array =
      (options.mergeOptions?.threshold ?? 0.5) === 0.5
        ? {
            above: ownAbove,
            threshold: 0.5,
            probabilityAt: (i) => sampleOwn(i % rect.width, Math.floor(i / rect.width)),
            probabilities: pasteOwn,
          }
        : pasteOwn();
    const shownWin = previousWindow as PixelWindow;
    const mergeThreshold = options.mergeOptions?.threshold ?? 0.5;
    const refine = options.refine === undefined ? CLICK_REFINE : options.refine;
    // A mask shown with uncomputed pixels is merged as it is at threshold 0.5 only (its +Infinity
    // stands for "above 0.5"), and refined only with its values filled in.
    const shown: ShownMask =
      previous?.uncomputedAt && (mergeThreshold !== 0.5 || refine !== null)
        ? {
            ...previous,
            probabilities: withComputedValues(
              previous.probabilities.slice(),
              shownWin,
              previous.uncomputedAt,
            ),
            uncomputedAt: undefined,
          }
        : (previous as ShownMask);
    const uncomputedAt = shown.uncomputedAt;
    const shownFg = shownBounds as MaskForeground;
    // Both foregrounds lie in the shown mask's box and the output's (rect holds the first).
    const ownBounds = own instanceof Float32Array ? null : aboveBounds(ownAbove, rect.width);
    const foregroundWithin = ownBounds ? unionBounds(ownBounds, shownFg, rect) : undefined;
    // progressiveMerge writes into the plane it merges unless that is the caller's shown mask
    // (kept unless given up: consumePrevious); over another window it merges a copy.
    const shownIsRect = sameWindow(shownWin, rect);
    const luminance = embedding.luminance;
    // The object's box as pixel indices of rect (pixels whose centre lies inside it).
    const boxInRect = box
      ? {
          x0: Math.ceil(box.x0 - 0.5) - rect.x0,
          y0: Math.ceil(box.y0 - 0.5) - rect.y0,
          x1: Math.floor(box.x1 - 0.5) - rect.x0,
          y1: Math.floor(box.y1 - 0.5) - rect.y0,
        }
      : null;
    const luminanceAt = (x: number, y: number) =>
      (luminance as Float32Array)[(rect.y0 + y) * w + rect.x0 + x] as number;
    const mergeInput = shownIsRect
      ? shown.probabilities
      : planeInWindow(shown.probabilities, shownWin, rect);
    // The click's distance to its side in the mask shown (the merge may flip the click's pixel).
    const refineThis =
      refine !== null &&
      luminance !== undefined &&
      !(refine.onlyIgnored && modelHonoured) &&
      boxFill(mergeInput, rect.width, boxInRect) <= refine.maxBoxFill;
    const clickDistance = refineThis
      ? distanceToOtherSide(mergeInput, rect.width, rect.height, inRect(click as ClickPrompt))
      : Infinity;
    // The mask shown over rect before the merge, when a negative click's removals are checked.
    const beforeMerge =
      refineThis && refine.negativeRestrict && !(click as ClickPrompt).positive
        ? planeInWindow(shown.probabilities, shownWin, rect)
        : null;
    const merge = progressiveMerge(
      mergeInput,
      own,
      rect.width,
      rect.height,
      inRect(click as ClickPrompt),
      {
        ...options.mergeOptions,
        ...(foregroundWithin ? { foregroundWithin } : {}),
        // The shown mask is above 0.5 only in its foreground's box (rect px; none when empty).
        previousWithin:
          shownFg.area > 0
            ? {
                x0: shownFg.x0 - rect.x0,
                y0: shownFg.y0 - rect.y0,
                x1: shownFg.x1 - rect.x0,
                y1: shownFg.y1 - rect.y0,
              }
            : { x0: 0, y0: 0, x1: -1, y1: -1 },
        ...(uncomputedAt
          ? {
              previousAt: (i: number) =>
                uncomputedAt(rect.x0 + (i % rect.width), rect.y0 + Math.floor(i / rect.width)),
            }
          : {}),
        inPlace: !shownIsRect || options.consumePrevious === true,
      },
    );
    let logits = mergeLogitsInRegion(
      shown.logits,
      modelLogits,
      output.maskSize,
      rectCrop,
      merge.regionInBox,
      rect.width,
      rect.height,
    );
    if (beforeMerge && refine && !merge.acceptedWhole && merge.regionArea > 0)
      logits = restoreUnsupportedRemovals(
        merge,
        beforeMerge,
        clickSideRegion(
          beforeMerge,
          rect.width,
          rect.height,
          luminanceAt,
          clicks.map(inRect),
          refine,
          boxInRect,
        ).switched,
        logits,
        shown.logits,
        output.maskSize,
        rectCrop,
        rect,
      );
    let refinedBounds: { x0: number; y0: number; x1: number; y1: number } | null = null;
    if (refineThis) {
      const refined = refineAroundClick(
        merge.probabilities,
        rect.width,
        rect.height,
        luminanceAt,
        clicks.map(inRect),
        refine,
        boxInRect,
        clickDistance,
      );
      if (refined.switchedArea > 0) {
        const s = refined.switched;
        logits = mergeLogitsInRegion(
          logits,
          new Float32Array(logits.length).fill(
            (click as ClickPrompt).positive ? REFINED_CELL_LOGIT : -REFINED_CELL_LOGIT,
          ),
          output.maskSize,
          rectCrop,
          s,
          rect.width,
          rect.height,
        );
        if ((click as ClickPrompt).positive)
          refinedBounds = { x0: s.x0, y0: s.y0, x1: s.x0 + s.width - 1, y1: s.y0 + s.height - 1 };
      }
    }
    const merged = forceClicks(
      merge.probabilities,
      rect.width,
      rect.height,
      clicks.map(inRect),
      radius,
    );
    // The whole output taken (acceptAgreement): outside the rectangle it is empty. Otherwise the
    // shown mask stays outside the rectangle: the window grows to hold both.
    const window = merge.acceptedWhole ? rect : unionWindow(shownWin, rect);
    // merged is over rect: it is the result when the window is rect.
    const mergedIsWhole = merge.acceptedWhole || sameWindow(window, rect);
    const probabilities = mergedIsWhole
      ? merged
      : options.consumePrevious && sameWindow(window, shownWin)
        ? shown.probabilities
        : planeInWindow(shown.probabilities, shownWin, window);
    if (!mergedIsWhole)
      for (let y = 0; y < rect.height; y++)
        probabilities.set(
          merged.subarray(y * rect.width, (y + 1) * rect.width),
          (rect.y0 - window.y0 + y) * window.width + (rect.x0 - window.x0),
        );
    // The result's foreground lies in the output's box (the merge's region's, which is all the
    // merge took of it, unless the whole output was taken), the shown mask's and the positive
    // clicks' discs: only that box is read for it.
    const region = merge.regionInBox;
    const regionBox = {
      x0: region.x0,
      y0: region.y0,
      x1: region.x0 + region.width - 1,
      y1: region.y0 + region.height - 1,
    };
    // A refined click may switch pixels beyond the merge's region.
    const withRefined = (bounds: typeof regionBox) =>
      refinedBounds ? boxUnion(bounds, refinedBounds) : bounds;
    const foreground = ownBounds
      ? foregroundBoundsWithin(
          probabilities,
          window,
          foregroundBox(
            withRefined(merge.acceptedWhole ? ownBounds : regionBox),
            merge.acceptedWhole ? null : shownFg,
            rect,
            window,
            clicks.filter((c) => c.positive),
            radius,
          ),
        )
      : foregroundBounds(probabilities, window);
    const promptSource = options.maskPromptSource ?? CLICK_MASK_PROMPT_SOURCE;
    return withMask({
      ...output,
      lowResLogits: [logits, ...output.lowResLogits.slice(1)],
      window,
      probabilities,
      foreground,
      shown: {
        logits: promptSource === 'model' ? modelLogits : logits,
        probabilities,
        window,
        foreground,
        // The whole output taken: every pixel computed. Otherwise the shown mask's uncomputed
        // pixels remain.
        ...(uncomputedAt && !merge.acceptedWhole ? { uncomputedAt } : {}),
      },
      modelHonoured,
      mergedArea: merge.acceptedWhole ? w * h : merge.regionArea,
      changedArea: merge.changedArea,
    });
  }

  /** Box (+ clicks) on an image: encoder + decoder. */
  async predict(
    image: ImageInput,
    box: Box,
    clicks: readonly ClickPrompt[] = [],
  ): Promise<Prediction> {
    const embedding = await this.embed(image, box);
    try {
      return await this.decode(embedding, box, clicks);
    } finally {
      disposeEmbedding(embedding);
    }
  }

  /** One encoder + decoder run on a blank image, so the first real prompt pays no warm-up. */
  async warmUp(): Promise<void> {
    const side = Math.max(this.manifest.inputSize, 64);
    const luminance = new Float32Array(side * side).fill(0.5);
    const box = { x0: side / 4, y0: side / 4, x1: (3 * side) / 4, y1: (3 * side) / 4 };
    const embedding = await this.embedLuminance(luminance, side, side, box);
    try {
      await this.decodeLogits(embedding, box);
    } finally {
      disposeEmbedding(embedding);
    }
  }

  async release(): Promise<void> {
    await Promise.all([this.encoder.release(), this.decoder.release()]);
  }
}

/**
 * `plane` (over `window`) with its uncomputed pixels (NaN, +Infinity) given their value by
 * `uncomputedAt` (image px), in place; as it is without one.
 */
function withComputedValues(
  plane: Float32Array,
  window: PixelWindow,
  uncomputedAt: ((x: number, y: number) => number) | undefined,
): Float32Array {
  if (!uncomputedAt) return plane;
  for (let i = 0; i < plane.length; i++) {
    const p = plane[i] as number;
    if (p !== p || p === Infinity)
      plane[i] = uncomputedAt(
        window.x0 + (i % window.width),
        window.y0 + Math.floor(i / window.width),
      );
  }
  return plane;
}

/** `shown`'s window, checked against its probabilities (the whole image when it has none). */
function shownWindow(shown: ShownMask, width: number, height: number): PixelWindow {
  const window = shown.window ?? { x0: 0, y0: 0, width, height };
  const { x0, y0, width: ww, height: wh } = window;
  if (
    !Number.isInteger(x0) ||
    !Number.isInteger(y0) ||
    x0 < 0 ||
    y0 < 0 ||
    ww < 1 ||
    wh < 1 ||
    x0 + ww > width ||
    y0 + wh > height
  )
    throw new OnnxInputError(
      `previous mask: window ${JSON.stringify(window)} is not inside the image's ${width}x${height}`,
    );
  if (shown.probabilities.length !== ww * wh)
    throw new OnnxInputError(
      shown.window
        ? `previous mask: ${shown.probabilities.length} probabilities, expected its window's ${ww}x${wh} = ${ww * wh}`
        : `previous mask: ${shown.probabilities.length} probabilities, expected the image's ${width}x${height} = ${width * height}`,
    );
  return window;
}

function foregroundBounds(plane: Float32Array, window: PixelWindow): MaskForeground {
  return foregroundBoundsWithin(plane, window, {
    x0: window.x0,
    y0: window.y0,
    x1: window.x0 + window.width - 1,
    y1: window.y0 + window.height - 1,
  });
}

/**
 * The pixels above 0.5 of a plane over `window`, read only inside `box` (image px, inclusive,
 * within the window): the caller knows the plane is <= 0.5 outside it.
 */
function foregroundBoundsWithin(
  plane: Float32Array,
  window: PixelWindow,
  box: { x0: number; y0: number; x1: number; y1: number },
): MaskForeground {
  // Locals, not an object's fields: this reads every pixel of the box.
  let area = 0;
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -1;
  let y1 = -1;
  const width = window.width;
  const bx0 = Math.max(0, box.x0 - window.x0);
  const bx1 = Math.min(width - 1, box.x1 - window.x0);
  const by0 = Math.max(0, box.y0 - window.y0);
  const by1 = Math.min(window.height - 1, box.y1 - window.y0);
  for (let y = by0; y <= by1; y++) {
    let rowFirst = -1;
    let rowLast = -1;
    for (let x = bx0, i = y * width + bx0; x <= bx1; x++, i++)
      if ((plane[i] as number) > 0.5) {
        area++;
        if (rowFirst < 0) rowFirst = x;
        rowLast = x;
      }
    if (rowFirst < 0) continue;
    if (y0 === Infinity) y0 = y;
    y1 = y;
    if (rowFirst < x0) x0 = rowFirst;
    if (rowLast > x1) x1 = rowLast;
  }
  if (area === 0) return { area, x0, y0, x1, y1 };
  return { area, x0: x0 + window.x0, y0: y0 + window.y0, x1: x1 + window.x0, y1: y1 + window.y0 };
}

/**
 * Image px box holding a merged click's foreground: the model output's 1s (`own`, rect px), the
 * shown mask's (null: not kept) and each positive click's forced disc, within `window`.
 */
function foregroundBox(
  own: { x0: number; y0: number; x1: number; y1: number },
  shown: MaskForeground | null,
  rect: PixelWindow,
  window: PixelWindow,
  positiveClicks: readonly ClickPrompt[],
  radius: number,
): { x0: number; y0: number; x1: number; y1: number } {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  const add = (bx0: number, by0: number, bx1: number, by1: number) => {
    if (bx1 < bx0 || by1 < by0) return;
    x0 = Math.min(x0, bx0);
    y0 = Math.min(y0, by0);
    x1 = Math.max(x1, bx1);
    y1 = Math.max(y1, by1);
  };
  add(own.x0 + rect.x0, own.y0 + rect.y0, own.x1 + rect.x0, own.y1 + rect.y0);
  if (shown && shown.area > 0) add(shown.x0, shown.y0, shown.x1, shown.y1);
  // forceClicks' pixel range for each disc.
  for (const c of positiveClicks)
    if (Number.isFinite(c.x) && Number.isFinite(c.y))
      add(
        Math.floor(c.x - radius),
        Math.floor(c.y - radius),
        Math.floor(c.x + radius),
        Math.floor(c.y + radius),
      );
  return {
    x0: Math.max(window.x0, x0),
    y0: Math.max(window.y0, y0),
    x1: Math.min(window.x0 + window.width - 1, x1),
    y1: Math.min(window.y0 + window.height - 1, y1),
  };
}

/**
 * Image px box holding an unmerged output's pixels above 0.5 (logits pasted over `crop`, then
 * forced): the pixels that sample a logit above 0 (a pixel's logit is a weighted sum of its 2 x 2
 * samples with weights >= 0, so it is <= 0 where they all are; a pixel of margin for rounding)
 * and the positive clicks' discs, within `window`.
 */
function unmergedForegroundBox(
  logits: Float32Array,
  maskSize: number,
  crop: CropTransform,
  window: PixelWindow,
  clicks: readonly ClickPrompt[],
  radius: number,
): { x0: number; y0: number; x1: number; y1: number } {
  const m = maskSize;
  let iMin = m;
  let iMax = -1;
  let jMin = m;
  let jMax = -1;
  for (let j = 0; j < m; j++)
    for (let i = 0; i < m; i++)
      if ((logits[j * m + i] as number) > 0) {
        if (i < iMin) iMin = i;
        if (i > iMax) iMax = i;
        if (j < jMin) jMin = j;
        jMax = j;
      }
  const cell = crop.size / m;
  // A pixel at u = (x + 0.5 - x0) / cell - 0.5 samples columns floor(u) and floor(u) + 1.
  const own =
    iMax < 0
      ? { x0: 0, y0: 0, x1: -1, y1: -1 }
      : {
          x0: Math.floor((iMin - 0.5) * cell + crop.x0 - 0.5) - 1,
          y0: Math.floor((jMin - 0.5) * cell + crop.y0 - 0.5) - 1,
          x1: Math.ceil((iMax + 1.5) * cell + crop.x0 - 0.5) + 1,
          y1: Math.ceil((jMax + 1.5) * cell + crop.y0 - 0.5) + 1,
        };
  return foregroundBox(
    {
      x0: own.x0 - window.x0,
      y0: own.y0 - window.y0,
      x1: own.x1 - window.x0,
      y1: own.y1 - window.y0,
    },
    null,
    window,
    window,
    clicks.filter((c) => c.positive),
    radius,
  );
}

/** The box (inclusive, x1 < x0 when empty) of a window's 1s, row by row with native scans. */
function aboveBounds(
  above: Uint8Array,
  width: number,
): { x0: number; y0: number; x1: number; y1: number } {
  const b = { x0: width, y0: Infinity, x1: -1, y1: -1 };
  const height = above.length / width;
  for (let y = 0; y < height; y++) {
    const row = above.subarray(y * width, (y + 1) * width);
    const first = row.indexOf(1);
    if (first < 0) continue;
    if (y < b.y0) b.y0 = y;
    b.y1 = y;
    if (first < b.x0) b.x0 = first;
    const last = row.lastIndexOf(1);
    if (last > b.x1) b.x1 = last;
  }
  return b;
}

/** `own` (window pixels) and the shown mask's bounds (image pixels) as one box over `window`. */
function unionBounds(
  own: { x0: number; y0: number; x1: number; y1: number },
  shown: MaskForeground,
  window: PixelWindow,
): { x0: number; y0: number; x1: number; y1: number } {
  if (shown.area === 0) return own;
  const sx0 = shown.x0 - window.x0;
  const sy0 = shown.y0 - window.y0;
  const sx1 = shown.x1 - window.x0;
  const sy1 = shown.y1 - window.y0;
  if (own.x1 < own.x0) return { x0: sx0, y0: sy0, x1: sx1, y1: sy1 };
  return {
    x0: Math.min(own.x0, sx0),
    y0: Math.min(own.y0, sy0),
    x1: Math.max(own.x1, sx1),
    y1: Math.max(own.y1, sy1),
  };
}

/** The output's crop, the shown mask's box and every forced click's disc, within the image. */
function clickRect(
  crop: CropTransform,
  shown: MaskForeground | null,
  width: number,
  height: number,
  clicks: readonly ClickPrompt[],
  radius: number,
): PixelWindow {
  let x0 = Math.ceil(crop.x0 - 0.5);
  let y0 = Math.ceil(crop.y0 - 0.5);
  let x1 = Math.ceil(crop.x0 + crop.size - 0.5) - 1;
  let y1 = Math.ceil(crop.y0 + crop.size - 0.5) - 1;
  if (shown && shown.area > 0) {
    x0 = Math.min(x0, shown.x0);
    y0 = Math.min(y0, shown.y0);
    x1 = Math.max(x1, shown.x1);
    y1 = Math.max(y1, shown.y1);
  }
  for (const c of clicks) {
    if (!Number.isFinite(c.x) || !Number.isFinite(c.y)) continue;
    x0 = Math.min(x0, Math.floor(c.x - radius));
    y0 = Math.min(y0, Math.floor(c.y - radius));
    x1 = Math.max(x1, Math.floor(c.x + radius));
    y1 = Math.max(y1, Math.floor(c.y + radius));
  }
  x0 = Math.min(width - 1, Math.max(0, x0));
  y0 = Math.min(height - 1, Math.max(0, y0));
  x1 = Math.min(width - 1, x1);
  y1 = Math.min(height - 1, y1);
  return { x0, y0, width: Math.max(1, x1 - x0 + 1), height: Math.max(1, y1 - y0 + 1) };
}

/** Share of the box's pixels (plane px, inclusive; null: no box, 0) above 0.5 in `plane`. */
function boxFill(
  plane: Float32Array,
  width: number,
  box: { x0: number; y0: number; x1: number; y1: number } | null,
): number {
  if (!box) return 0;
  const height = plane.length / width;
  let on = 0;
  let all = 0;
  for (let y = Math.max(0, box.y0); y <= Math.min(height - 1, box.y1); y++)
    for (let x = Math.max(0, box.x0); x <= Math.min(width - 1, box.x1); x++) {
      all++;
      if ((plane[y * width + x] as number) > 0.5) on++;
    }
  return all > 0 ? on / all : 0;
}

/**
 * A negative click's merged removals outside `supported` (the geodesic region it would remove)
 * put back to the mask shown before (`before`, over rect), in merge.probabilities; the mask
 * prompt's cells there get the shown logits back. Returns the mask prompt.
 */
function restoreUnsupportedRemovals(
  merge: { probabilities: Float32Array; regionInBox: RegionInBox },
  before: Float32Array,
  supported: RegionInBox,
  logits: Float32Array,
  shownLogits: Float32Array,
  maskSize: number,
  rectCrop: CropTransform,
  rect: PixelWindow,
): Float32Array {
  const r = merge.regionInBox;
  const restored: RegionInBox = { ...r, data: new Uint8Array(r.data.length) };
  let any = false;
  for (let y = 0; y < r.height; y++)
    for (let x = 0; x < r.width; x++) {
      if (!r.data[y * r.width + x]) continue;
      const px = r.x0 + x;
      const py = r.y0 + y;
      const sx = px - supported.x0;
      const sy = py - supported.y0;
      const inSupported =
        sx >= 0 &&
        sy >= 0 &&
        sx < supported.width &&
        sy < supported.height &&
        supported.data[sy * supported.width + sx] === 1;
      const i = py * rect.width + px;
      if (inSupported || !((before[i] as number) > 0.5)) continue;
      merge.probabilities[i] = before[i] as number;
      restored.data[y * r.width + x] = 1;
      any = true;
    }
  if (!any) return logits;
  return mergeLogitsInRegion(
    logits,
    shownLogits,
    maskSize,
    rectCrop,
    restored,
    rect.width,
    rect.height,
  );
}

/** The smallest box holding both (inclusive bounds; an empty one, x1 < x0, adds nothing). */
function boxUnion(
  a: { x0: number; y0: number; x1: number; y1: number },
  b: { x0: number; y0: number; x1: number; y1: number },
): { x0: number; y0: number; x1: number; y1: number } {
  if (a.x1 < a.x0 || a.y1 < a.y0) return b;
  return {
    x0: Math.min(a.x0, b.x0),
    y0: Math.min(a.y0, b.y0),
    x1: Math.max(a.x1, b.x1),
    y1: Math.max(a.y1, b.y1),
  };
}

/** The smallest window holding both. */
function unionWindow(a: PixelWindow, b: PixelWindow): PixelWindow {
  const x0 = Math.min(a.x0, b.x0);
  const y0 = Math.min(a.y0, b.y0);
  const x1 = Math.max(a.x0 + a.width, b.x0 + b.width);
  const y1 = Math.max(a.y0 + a.height, b.y0 + b.height);
  return { x0, y0, width: x1 - x0, height: y1 - y0 };
}

/** A plane over window `from` read over window `to` (0 where `from` does not reach). */
function planeInWindow(plane: Float32Array, from: PixelWindow, to: PixelWindow): Float32Array {
  if (sameWindow(from, to)) return plane.slice();
  const out = new Float32Array(to.width * to.height);
  const x0 = Math.max(from.x0, to.x0);
  const x1 = Math.min(from.x0 + from.width, to.x0 + to.width);
  const y0 = Math.max(from.y0, to.y0);
  const y1 = Math.min(from.y0 + from.height, to.y0 + to.height);
  if (x0 >= x1) return out;
  for (let y = y0; y < y1; y++) {
    const src = (y - from.y0) * from.width + (x0 - from.x0);
    out.set(plane.subarray(src, src + x1 - x0), (y - to.y0) * to.width + (x0 - to.x0));
  }
  return out;
}

function sameWindow(a: PixelWindow, b: PixelWindow): boolean {
  return a.x0 === b.x0 && a.y0 === b.y0 && a.width === b.width && a.height === b.height;
}

/** A windowed plane pasted into a zero image (the same array when the window is the image). */
function windowToImage<T extends Float32Array | Uint8Array>(
  plane: T,
  window: PixelWindow,
  width: number,
  height: number,
  make: new (n: number) => T,
): T {
  if (window.x0 === 0 && window.y0 === 0 && window.width === width && window.height === height)
    return plane;
  const out = new make(width * height);
  for (let y = 0; y < window.height; y++)
    out.set(
      plane.subarray(y * window.width, (y + 1) * window.width),
      (window.y0 + y) * width + window.x0,
    );
  return out;
}

/** The result with `mask` (its probabilities > 0.5 over its window), built when first read. */
function withMask<
  T extends { probabilities: Float32Array; window: PixelWindow; foreground: MaskForeground },
>(result: T): T & { readonly mask: Uint8Array } {
  let mask: Uint8Array | null = null;
  return Object.defineProperty(result, 'mask', {
    enumerable: true,
    get: () => {
      mask ??= aboveHalfWithin(result.probabilities, result.window, result.foreground);
      return mask;
    },
  }) as T & { readonly mask: Uint8Array };
}

/** probabilities > 0.5 over `window`, read only in the foreground's box (0 elsewhere). */
function aboveHalfWithin(
  probabilities: Float32Array,
  window: PixelWindow,
  foreground: MaskForeground,
): Uint8Array {
  const mask = new Uint8Array(probabilities.length);
  for (let y = foreground.y0; y <= foreground.y1; y++)
    for (
      let x = foreground.x0, i = (y - window.y0) * window.width + (x - window.x0);
      x <= foreground.x1;
      x++, i++
    )
      if ((probabilities[i] as number) > 0.5) mask[i] = 1;
  return mask;
}

/** Whether the model's own output (over `window`) has the click's pixel on the click's side. */
function honouredInWindow(
  ownAbove: (index: number) => boolean,
  window: PixelWindow,
  click: ClickPrompt,
  width: number,
  height: number,
): boolean | null {
  const x = Math.floor(click.x);
  const y = Math.floor(click.y);
  if (x < 0 || y < 0 || x >= width || y >= height) return null;
  const cx = x - window.x0;
  const cy = y - window.y0;
  const inside = cx >= 0 && cy >= 0 && cx < window.width && cy < window.height;
  return (inside && ownAbove(cy * window.width + cx)) === click.positive;
}
