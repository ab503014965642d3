/**
 * PromptEncoder (SAM prompt_encoder.py) for points and boxes. A box is two points with labels
 * 2 (top-left) and 3 (bottom-right); clicks are 1 (positive) / 0 (negative); -1 pads. Each point
 * becomes random-Fourier PE(coords) + the learned embedding of its label; padding points get only
 * the "not a point" embedding (their PE is zeroed), as in SAM.
 */
import type { ModelConfig } from '../config';
import type { Ops } from '../ops/ops';
import { staticDim } from './layers';
import type { ParamSpec } from './param-spec';
import type { PositionEmbeddingRandom } from './position-encoding';

/** SAM's label codes, in the row order of the label embedding table. */
export const POINT_LABEL_CODES = [-1, 0, 1, 2, 3];

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
      // SAM adds this to the image embedding when no mask prompt is given (always, here).
      {
        name: `${this.name}.no_mask_embed`,
        shape: [d],
        init: { kind: 'normal', std: 0.02 },
        trainable: true,
        group: 'promptEncoder',
      },
    ];
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

  /** Dense PE of the image embedding grid, [G2*G2, D]. */
  imagePositionEncoding<T>(ops: Ops<T>, grid: number): T {
    return this.positionEncoding.grid(ops, grid);
  }

  noMaskEmbedding<T>(ops: Ops<T>): T {
    return ops.param(`${this.name}.no_mask_embed`);
  }
}
