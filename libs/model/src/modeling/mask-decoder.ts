/**
 * MaskDecoder (SAM/SAM2 mask_decoder.py): output tokens (IoU token + 1 single-mask token + 3
 * multimask tokens) are prepended to the prompt tokens, run through the two-way transformer with
 * the image embedding, then
 *   image side: 2x upsample, + neck high-res features, LayerNorm, GELU, 2x upsample, GELU
 *               -> [B, M*M, D/8], M = 4 * G2
 *   token side: one hypernetwork MLP per mask token -> [B, 4, D/8]; masks = tokens . pixels
 *   IoU head:   MLP on the IoU token -> sigmoid -> [B, 4]
 */
import type { ModelConfig } from '../config';
import { deriveSizes } from '../config';
import type { Ops } from '../ops/ops';
import { layerNorm, mlp, mlpSpecs, nchwToTokens, staticDim, upsample2x } from './layers';
import { layerNormSpecs, linearSpecs, type ParamSpec } from './param-spec';
import type { PromptEncoder } from './prompt-encoder';
import type { TwoWayTransformer } from './two-way-transformer';

export interface MaskDecoderOutput<T> {
  /** [B, 4, M, M] logits; 0 = single-mask output, 1..3 = multimask outputs. */
  masks: T;
  /** [B, 4] predicted IoU in 0..1. */
  iouPredictions: T;
}

export class MaskDecoder {
  constructor(
    readonly config: ModelConfig,
    readonly parts: { transformer: TwoWayTransformer; promptEncoder: PromptEncoder },
    readonly name = 'mask_decoder',
  ) {}

  paramSpecs(): ParamSpec[] {
    const d = this.config.decoderDim;
    const { highResDim, maskDim, numMaskTokens } = deriveSizes(this.config);
    const g = 'maskDecoder' as const;
    const specs: ParamSpec[] = [
      {
        name: `${this.name}.output_tokens`,
        shape: [1 + numMaskTokens, d],
        init: { kind: 'normal', std: 1 },
        trainable: true,
        group: g,
      },
      ...this.parts.transformer.paramSpecs(),
      ...linearSpecs(`${this.name}.upscale1`, d, 4 * highResDim, g),
      ...layerNormSpecs(`${this.name}.upscale_norm`, highResDim, g),
      ...linearSpecs(`${this.name}.upscale2`, highResDim, 4 * maskDim, g),
      ...mlpSpecs(
        `${this.name}.iou_head`,
        [d, this.config.iouHeadHiddenDim, this.config.iouHeadHiddenDim, numMaskTokens],
        g,
      ),
    ];
    for (let i = 0; i < numMaskTokens; i++)
      specs.push(...mlpSpecs(`${this.name}.hypernetwork.${i}`, [d, d, d, maskDim], g));
    return specs;
  }

  /**
   * imageEmbedding [B, D, G2, G2], highResFeatures [B, D/4, G1, G1],
   * sparse prompt embeddings [B, N, D], dense prompt embedding [B, G2*G2, D] or [D] (added to
   * the image embedding; PromptEncoder.denseEmbedding).
   */
  forward<T>(
    ops: Ops<T>,
    imageEmbedding: T,
    highResFeatures: T,
    sparse: T,
    dense: T,
  ): MaskDecoderOutput<T> {
    const { grid1, grid2, highResDim, maskDim, numMaskTokens, maskSize } = deriveSizes(this.config);
    const b = staticDim(ops, imageEmbedding, 0);
    const tokens = ops.prependTokens(sparse, ops.param(`${this.name}.output_tokens`));
    const image = ops.add(nchwToTokens(ops, imageEmbedding), dense);
    const imagePe = this.parts.promptEncoder.imagePositionEncoding(ops, grid2);
    const { queries, keys } = this.parts.transformer.forward(ops, image, imagePe, tokens);

    const up1 = upsample2x(ops, `${this.name}.upscale1`, keys, grid2, grid2, highResDim);
    const fused = ops.gelu(
      layerNorm(
        ops,
        `${this.name}.upscale_norm`,
        ops.add(up1, nchwToTokens(ops, highResFeatures)),
        this.config.normEps,
      ),
    );
    const pixels = ops.gelu(upsample2x(ops, `${this.name}.upscale2`, fused, grid1, grid1, maskDim)); // [B, M*M, D/8]

    const hyper: T[] = [];
    for (let i = 0; i < numMaskTokens; i++) {
      const token = ops.slice(queries, 1, 1 + i, 2 + i); // [B, 1, D]
      hyper.push(mlp(ops, `${this.name}.hypernetwork.${i}`, token, 3, 'relu'));
    }
    const hyperIn = ops.concat(hyper, 1); // [B, 4, D/8]
    const masks = ops.reshape(ops.matmul(hyperIn, ops.transpose(pixels, [0, 2, 1])), [
      b,
      numMaskTokens,
      maskSize,
      maskSize,
    ]);
    const iouToken = ops.reshape(ops.slice(queries, 1, 0, 1), [b, this.config.decoderDim]);
    const iouPredictions = ops.sigmoid(mlp(ops, `${this.name}.iou_head`, iouToken, 3, 'relu'));
    return { masks, iouPredictions };
  }
}
