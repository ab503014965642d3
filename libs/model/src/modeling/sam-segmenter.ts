/**
 * The whole network (SAM2Base, reduced): image encoder -> (prompt encoder, mask decoder). Pure
 * description: it holds no weights; a backend's Ops supplies them by name.
 */
import type { ModelConfig } from '../config';
import type { Ops } from '../ops/ops';
import { Hiera } from './hiera';
import { ImageEncoder, type ImageEncoderOutput } from './image-encoder';
import { MaskDecoder, type MaskDecoderOutput } from './mask-decoder';
import { maeHeadSpecs } from './mae-decoder';
import type { ParamSpec } from './param-spec';
import { PositionEmbeddingRandom } from './position-encoding';
import { PromptEncoder } from './prompt-encoder';
import { TwoWayTransformer } from './two-way-transformer';

export class SamSegmenter {
  readonly imageEncoder: ImageEncoder;
  readonly promptEncoder: PromptEncoder;
  readonly maskDecoder: MaskDecoder;

  constructor(readonly config: ModelConfig) {
    this.imageEncoder = new ImageEncoder(config, new Hiera(config));
    this.promptEncoder = new PromptEncoder(
      config,
      new PositionEmbeddingRandom(
        'prompt_encoder.pe_layer',
        config.decoderDim,
        config.positionEncodingScale,
      ),
    );
    this.maskDecoder = new MaskDecoder(config, {
      transformer: new TwoWayTransformer(config),
      promptEncoder: this.promptEncoder,
    });
  }

  /**
   * Weights of the segmenter plus the MAE head (training only, never exported). The mask
   * downscaling stack comes last so that a seed initialises every older weight as before.
   */
  paramSpecs(): ParamSpec[] {
    return [
      ...this.imageEncoder.paramSpecs(),
      ...this.promptEncoder.paramSpecs(),
      ...this.maskDecoder.paramSpecs(),
      ...maeHeadSpecs(this.config),
      ...this.promptEncoder.maskDownscalingSpecs(),
    ];
  }

  /** image [B, 1, S, S] (preprocessed) -> embeddings (NCHW, as in the ONNX contract). */
  encodeImage<T>(ops: Ops<T>, image: T): ImageEncoderOutput<T> {
    return this.imageEncoder.forward(ops, image);
  }

  /**
   * Embeddings + points (coords [B, N, 2] in input pixels, labels [B, N]) + optional mask prompt
   * (maskInput [B, 1, M, M] previous logits, hasMaskInput [B] 0/1) -> masks + IoU. Without `mask`
   * the no-mask embedding is used, as with hasMaskInput = 0.
   */
  decode<T>(
    ops: Ops<T>,
    imageEmbedding: T,
    highResFeatures: T,
    pointCoords: T,
    pointLabels: T,
    mask?: { maskInput: T; hasMaskInput: T },
  ): MaskDecoderOutput<T> {
    const sparse = this.promptEncoder.embedPoints(ops, pointCoords, pointLabels);
    const dense = this.promptEncoder.denseEmbedding(ops, mask);
    return this.maskDecoder.forward(ops, imageEmbedding, highResFeatures, sparse, dense);
  }
}
