/**
 * PromptEncoder (SAM prompt_encoder.py) for points, boxes and a mask. A box is two points with
 * labels 2 (top-left) and 3 (bottom-right); clicks are 1 (positive) / 0 (negative); -1 pads. Each
 * point becomes random-Fourier PE(coords) + the learned embedding of its label; padding points get
 * only the "not a point" embedding (their PE is zeroed), as in SAM.
 *
 * The mask prompt is the previous low-resolution logits of the object (M x M over the same crop,
 * M = 4 * G2), downscaled as in SAM: conv 2x2 s2 -> LayerNorm2d -> GELU -> conv 2x2 s2 ->
 * LayerNorm2d -> GELU -> 1x1 conv to D, giving a dense embedding on the G2 x G2 grid that is added
 * to the image embedding. Without a previous mask the learned no-mask embedding is added instead;
 * `has_mask_input` (0/1 per batch item) selects, as in SAM's ONNX export. The convs are written as
 * patchify reshapes + linears (kernel = stride), so no Conv op is needed (see notes on wasm).
 */
import type { ModelConfig } from '../config';
import { deriveSizes } from '../config';
import type { Ops } from '../ops/ops';
import { layerNorm, linear, staticDim } from './layers';
import { layerNormSpecs, linearSpecs, type ParamSpec } from './param-spec';
import type { PositionEmbeddingRandom } from './position-encoding';

/** SAM's label codes, in the row order of the label embedding table. */
export const POINT_LABEL_CODES = [-1, 0, 1, 2, 3];

/** x [B, H*W, C] on an H x W grid -> [B, (H/2)*(W/2), 4*C], channel order (dy, dx, c). */
function patchify2x2<T>(ops: Ops<T>, x: T, h: number, w: number): T {
  const b = staticDim(ops, x, 0);
  const c = staticDim(ops, x, 2);
  const grid = ops.reshape(x, [b, h / 2, 2, w / 2, 2, c]);
  return ops.reshape(ops.transpose(grid, [0, 1, 3, 2, 4, 5]), [b, (h / 2) * (w / 2), 4 * c]);
}

export class PromptEncoder {
  constructor(
    readonly config: ModelConfig,
    readonly positionEncoding: PositionEmbeddingRandom,
    readonly name = 'prompt_encoder',
  ) {}

  paramSpecs(): ParamSpec[] {
    const d = this.config.decoderDim;
    return [
      ...this.positionEncoding.paramSpecs(),
      {
        name: `${this.name}.label_embed`,
        shape: [POINT_LABEL_CODES.length, d],
        init: { kind: 'normal', std: 1 },
        trainable: true,
        group: 'promptEncoder',
      },
      // Added to the image embedding where no mask prompt is given.
      {
        name: `${this.name}.no_mask_embed`,
        shape: [d],
        init: { kind: 'normal', std: 0.02 },
        trainable: true,
        group: 'promptEncoder',
      },
    ];
  }

  /**
   * The mask-downscaling stack. Optional (older checkpoints lack it); the last 1x1 conv starts
   * with zero weights and the no-mask embedding as bias, so a model without trained mask weights
   * gives exactly the same output with or without a mask prompt, and training starts from there.
   */
  maskDownscalingSpecs(): ParamSpec[] {
    const d = this.config.decoderDim;
    const [c1, c2] = deriveSizes(this.config).maskInChannels;
    const n = `${this.name}.mask_downscaling`;
    const g = 'promptEncoder' as const;
    const specs: ParamSpec[] = [
      ...linearSpecs(`${n}.conv1`, 4, c1, g),
      ...layerNormSpecs(`${n}.norm1`, c1, g),
      ...linearSpecs(`${n}.conv2`, 4 * c1, c2, g),
      ...layerNormSpecs(`${n}.norm2`, c2, g),
      { name: `${n}.conv3.w`, shape: [c2, d], init: { kind: 'zeros' }, trainable: true, group: g },
      {
        name: `${n}.conv3.b`,
        shape: [d],
        init: { kind: 'copyOf', name: `${this.name}.no_mask_embed` },
        trainable: true,
        group: g,
      },
    ];
    return specs.map((s) => ({ ...s, optional: true }));
  }

  /** coords [B, N, 2] in model-input pixels (0..S), labels [B, N] -> sparse embeddings [B, N, D]. */
  embedPoints<T>(ops: Ops<T>, coords: T, labels: T): T {
    staticDim(ops, coords, 0);
    // Coordinates are continuous (pixel k spans [k, k+1)), so no extra +0.5 shift as in SAM.
    const coords01 = ops.scale(coords, 1 / this.config.inputSize);
    const pe = this.positionEncoding.encode(ops, coords01);
    const oneHot = ops.oneHot(labels, POINT_LABEL_CODES);
    const isPoint = ops.addScalar(ops.scale(ops.slice(oneHot, 2, 0, 1), -1), 1);
    return ops.add(ops.mul(pe, isPoint), ops.linear(oneHot, ops.param(`${this.name}.label_embed`)));
  }

  /** maskInput [B, 1, M, M] logits -> [B, G2*G2, D] (SAM's mask_downscaling). */
  embedMask<T>(ops: Ops<T>, maskInput: T): T {
    const b = staticDim(ops, maskInput, 0);
    const { maskSize: m } = deriveSizes(this.config);
    const n = `${this.name}.mask_downscaling`;
    const eps = this.config.normEps;
    const pixels = ops.reshape(maskInput, [b, m * m, 1]);
    const h1 = ops.gelu(
      layerNorm(ops, `${n}.norm1`, linear(ops, `${n}.conv1`, patchify2x2(ops, pixels, m, m)), eps),
    );
    const h2 = ops.gelu(
      layerNorm(
        ops,
        `${n}.norm2`,
        linear(ops, `${n}.conv2`, patchify2x2(ops, h1, m / 2, m / 2)),
        eps,
      ),
    );
    return linear(ops, `${n}.conv3`, h2);
  }

  /**
   * Dense prompt embedding [B, G2*G2, D] (or [D], broadcast, when no mask is given at all):
   * hasMaskInput [B] (0/1) * embedMask(maskInput) + (1 - hasMaskInput) * no_mask_embed.
   */
  denseEmbedding<T>(ops: Ops<T>, mask?: { maskInput: T; hasMaskInput: T }): T {
    const noMask = ops.param(`${this.name}.no_mask_embed`);
    if (!mask) return noMask;
    const b = staticDim(ops, mask.maskInput, 0);
    const has = ops.reshape(mask.hasMaskInput, [b, 1, 1]);
    const hasNot = ops.addScalar(ops.scale(has, -1), 1);
    return ops.add(ops.mul(this.embedMask(ops, mask.maskInput), has), ops.mul(noMask, hasNot));
  }

  /** Dense PE of the image embedding grid, [G2*G2, D]. */
  imagePositionEncoding<T>(ops: Ops<T>, grid: number): T {
    return this.positionEncoding.grid(ops, grid);
  }
}
