/**
 * ImageEncoder = Hiera trunk + FPN-style neck (SAM2 backbones/image_encoder.py). The neck projects
 * stage 2 to the image embedding the two-way transformer attends to, and stage 1 to the
 * high-resolution features the mask decoder adds while upsampling.
 */
import type { ModelConfig } from '../config';
import { deriveSizes } from '../config';
import type { Ops } from '../ops/ops';
import type { Hiera } from './hiera';
import { layerNorm, linear, tokensToNchw } from './layers';
import { layerNormSpecs, linearSpecs, type ParamSpec } from './param-spec';

export interface ImageEncoderOutput<T> {
  /** [B, D, G2, G2] */
  imageEmbedding: T;
  /** [B, D/4, G1, G1] */
  highResFeatures: T;
}

export class ImageEncoder {
  constructor(
    readonly config: ModelConfig,
    readonly trunk: Hiera,
    readonly name = 'image_encoder.neck',
  ) {}

  paramSpecs(): ParamSpec[] {
    const { imageEncoder: enc, decoderDim } = this.config;
    const { highResDim } = deriveSizes(this.config);
    const g = 'imageEncoder' as const;
    return [
      ...this.trunk.paramSpecs(),
      ...layerNormSpecs(`${this.name}.s2.norm`, enc.stage2.dim, g),
      ...linearSpecs(`${this.name}.s2.proj`, enc.stage2.dim, decoderDim, g),
      ...layerNormSpecs(`${this.name}.s1.norm`, enc.stage1.dim, g),
      ...linearSpecs(`${this.name}.s1.proj`, enc.stage1.dim, highResDim, g),
    ];
  }

  forward<T>(ops: Ops<T>, image: T): ImageEncoderOutput<T> {
    const { grid1, grid2 } = deriveSizes(this.config);
    const eps = this.config.normEps;
    const { stage1, stage2 } = this.trunk.forward(ops, image);
    const embedding = linear(
      ops,
      `${this.name}.s2.proj`,
      layerNorm(ops, `${this.name}.s2.norm`, stage2, eps),
    );
    const highRes = linear(
      ops,
      `${this.name}.s1.proj`,
      layerNorm(ops, `${this.name}.s1.norm`, stage1, eps),
    );
    return {
      imageEmbedding: tokensToNchw(ops, embedding, grid2, grid2),
      highResFeatures: tokensToNchw(ops, highRes, grid1, grid1),
    };
  }
}
