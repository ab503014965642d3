/**
 * Hiera-style hierarchical trunk (SAM2 backbones/hieradet.py), reduced to two stages:
 *   patch embed (P x P, as reshape + linear)      image [B, 1, S, S] -> [B, G1*G1, C1]
 *   stage 1: windowed attention blocks            [B, G1*G1, C1]
 *   2x2 patch merging                             -> [B, G2*G2, C2], G2 = G1/2
 *   stage 2: global attention blocks              [B, G2*G2, C2]
 * Absolute learned position embedding, pre-norm blocks with GELU MLPs.
 */
import type { ModelConfig } from '../config';
import { deriveSizes } from '../config';
import type { Ops } from '../ops/ops';
import { attention, attentionSpecs, layerNorm, linear, mlp, mlpSpecs, staticDim } from './layers';
import { layerNormSpecs, linearSpecs, type ParamSpec } from './param-spec';

export interface HieraFeatures<T> {
  /** [B, G1*G1, C1] */
  stage1: T;
  /** [B, G2*G2, C2] */
  stage2: T;
}

export class Hiera {
  private readonly grid1: number;
  private readonly grid2: number;

  constructor(
    readonly config: ModelConfig,
    readonly name = 'image_encoder.trunk',
  ) {
    ({ grid1: this.grid1, grid2: this.grid2 } = deriveSizes(config));
  }

  paramSpecs(): ParamSpec[] {
    const { patchSize, imageEncoder: enc } = this.config;
    const g = 'imageEncoder' as const;
    const specs: ParamSpec[] = [
      ...linearSpecs(`${this.name}.patch_embed`, patchSize * patchSize, enc.stage1.dim, g),
      {
        name: `${this.name}.pos_embed`,
        shape: [this.grid1 * this.grid1, enc.stage1.dim],
        init: { kind: 'normal', std: 0.02 },
        trainable: true,
        group: g,
      },
      // SimMIM-style MAE replaces masked patch tokens by this token (unused by the segmenter).
      {
        name: `${this.name}.mask_token`,
        shape: [enc.stage1.dim],
        init: { kind: 'normal', std: 0.02 },
        trainable: true,
        group: g,
      },
    ];
    const block = (name: string, dim: number) => [
      ...layerNormSpecs(`${name}.norm1`, dim, g),
      ...attentionSpecs(`${name}.attn`, dim, dim, g),
      ...layerNormSpecs(`${name}.norm2`, dim, g),
      ...mlpSpecs(`${name}.mlp`, [dim, Math.round(dim * enc.mlpRatio), dim], g),
    ];
    for (let i = 0; i < enc.stage1.depth; i++)
      specs.push(...block(`${this.name}.stage1.${i}`, enc.stage1.dim));
    specs.push(
      ...layerNormSpecs(`${this.name}.merge.norm`, 4 * enc.stage1.dim, g),
      ...linearSpecs(`${this.name}.merge.proj`, 4 * enc.stage1.dim, enc.stage2.dim, g),
    );
    for (let i = 0; i < enc.stage2.depth; i++)
      specs.push(...block(`${this.name}.stage2.${i}`, enc.stage2.dim));
    return specs;
  }

  /**
   * image [B, 1, S, S] -> features. `patchMask` [B, G1*G1, 1] (1 = masked) is only given by MAE
   * pretraining: masked patch tokens are replaced by the learned mask token before the position
   * embedding (SimMIM), so the hierarchy and the windows stay intact.
   */
  forward<T>(ops: Ops<T>, image: T, patchMask?: T): HieraFeatures<T> {
    const { patchSize: p, imageEncoder: enc, normEps } = this.config;
    const g1 = this.grid1;
    const b = staticDim(ops, image, 0);
    const patches = ops.reshape(
      ops.transpose(ops.reshape(image, [b, g1, p, g1, p]), [0, 1, 3, 2, 4]),
      [b, g1 * g1, p * p],
    );
    let x = linear(ops, `${this.name}.patch_embed`, patches);
    if (patchMask) {
      const keep = ops.addScalar(ops.scale(patchMask, -1), 1);
      x = ops.add(ops.mul(x, keep), ops.mul(patchMask, ops.param(`${this.name}.mask_token`)));
    }
    x = ops.add(x, ops.param(`${this.name}.pos_embed`));
    for (let i = 0; i < enc.stage1.depth; i++)
      x = this.block(ops, `${this.name}.stage1.${i}`, x, enc.stage1.heads, enc.stage1.window);
    const stage1 = x;
    const c1 = enc.stage1.dim;
    const g2 = this.grid2;
    const merged = ops.reshape(
      ops.transpose(ops.reshape(x, [b, g2, 2, g2, 2, c1]), [0, 1, 3, 2, 4, 5]),
      [b, g2 * g2, 4 * c1],
    );
    x = linear(
      ops,
      `${this.name}.merge.proj`,
      layerNorm(ops, `${this.name}.merge.norm`, merged, normEps),
    );
    for (let i = 0; i < enc.stage2.depth; i++)
      x = this.block(ops, `${this.name}.stage2.${i}`, x, enc.stage2.heads, null);
    return { stage1, stage2: x };
  }

  /** Pre-norm transformer block; `window` = side of the attention window, null = global. */
  private block<T>(ops: Ops<T>, name: string, x: T, heads: number, window: number | null): T {
    const eps = this.config.normEps;
    const h = layerNorm(ops, `${name}.norm1`, x, eps);
    const attended =
      window === null
        ? attention(ops, `${name}.attn`, h, h, h, heads)
        : this.windowed(ops, `${name}.attn`, h, heads, window);
    const y = ops.add(x, attended);
    return ops.add(y, mlp(ops, `${name}.mlp`, layerNorm(ops, `${name}.norm2`, y, eps), 2, 'gelu'));
  }

  /** Attention inside non-overlapping window x window blocks of the stage-1 grid. */
  private windowed<T>(ops: Ops<T>, name: string, x: T, heads: number, window: number): T {
    const b = staticDim(ops, x, 0);
    const c = staticDim(ops, x, 2);
    const g = this.grid1;
    const n = g / window;
    const windows = ops.reshape(
      ops.transpose(ops.reshape(x, [b, n, window, n, window, c]), [0, 1, 3, 2, 4, 5]),
      [b * n * n, window * window, c],
    );
    const out = attention(ops, name, windows, windows, windows, heads);
    return ops.reshape(
      ops.transpose(ops.reshape(out, [b, n, n, window, window, c]), [0, 1, 3, 2, 4, 5]),
      [b, g * g, c],
    );
  }
}
