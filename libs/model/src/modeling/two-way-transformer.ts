/**
 * TwoWayTransformer (SAM transformer.py): prompt tokens attend to the image embedding and the
 * image embedding attends back to the tokens, `depth` times, then a final token-to-image attention.
 *   queries (tokens) [B, Nt, D], keys (image) [B, HW, D], keyPe [HW, D]
 */
import type { ModelConfig } from '../config';
import type { Ops } from '../ops/ops';
import { attention, attentionSpecs, layerNorm, mlp, mlpSpecs } from './layers';
import { layerNormSpecs, type ParamSpec } from './param-spec';

export class TwoWayTransformer {
  constructor(
    readonly config: ModelConfig,
    readonly name = 'mask_decoder.transformer',
  ) {}

  paramSpecs(): ParamSpec[] {
    const { depth, mlpDim, attentionDownsample } = this.config.twoWayTransformer;
    const d = this.config.decoderDim;
    const g = 'maskDecoder' as const;
    const specs: ParamSpec[] = [];
    for (let i = 0; i < depth; i++) {
      const n = `${this.name}.layers.${i}`;
      specs.push(
        ...attentionSpecs(`${n}.self_attn`, d, d, g),
        ...layerNormSpecs(`${n}.norm1`, d, g),
        ...attentionSpecs(`${n}.cross_attn_token_to_image`, d, d / attentionDownsample, g),
        ...layerNormSpecs(`${n}.norm2`, d, g),
        ...mlpSpecs(`${n}.mlp`, [d, mlpDim, d], g),
        ...layerNormSpecs(`${n}.norm3`, d, g),
        ...attentionSpecs(`${n}.cross_attn_image_to_token`, d, d / attentionDownsample, g),
        ...layerNormSpecs(`${n}.norm4`, d, g),
      );
    }
    specs.push(
      ...attentionSpecs(`${this.name}.final_attn_token_to_image`, d, d / attentionDownsample, g),
      ...layerNormSpecs(`${this.name}.norm_final`, d, g),
    );
    return specs;
  }

  forward<T>(ops: Ops<T>, image: T, imagePe: T, tokens: T): { queries: T; keys: T } {
    const { depth, heads } = this.config.twoWayTransformer;
    const eps = this.config.normEps;
    let queries = tokens;
    let keys = image;
    for (let i = 0; i < depth; i++) {
      const n = `${this.name}.layers.${i}`;
      if (i === 0) {
        // SAM skips the PE in the first self-attention (the tokens are the PE there).
        queries = attention(ops, `${n}.self_attn`, queries, queries, queries, heads);
      } else {
        const q = ops.add(queries, tokens);
        queries = ops.add(queries, attention(ops, `${n}.self_attn`, q, q, queries, heads));
      }
      queries = layerNorm(ops, `${n}.norm1`, queries, eps);
      const keysPe = ops.add(keys, imagePe);
      queries = layerNorm(
        ops,
        `${n}.norm2`,
        ops.add(
          queries,
          attention(
            ops,
            `${n}.cross_attn_token_to_image`,
            ops.add(queries, tokens),
            keysPe,
            keys,
            heads,
          ),
        ),
        eps,
      );
      queries = layerNorm(
        ops,
        `${n}.norm3`,
        ops.add(queries, mlp(ops, `${n}.mlp`, queries, 2, 'relu')),
        eps,
      );
      keys = layerNorm(
        ops,
        `${n}.norm4`,
        ops.add(
          keys,
          attention(
            ops,
            `${n}.cross_attn_image_to_token`,
            keysPe,
            ops.add(queries, tokens),
            queries,
            heads,
          ),
        ),
        eps,
      );
    }
    const final = attention(
      ops,
      `${this.name}.final_attn_token_to_image`,
      ops.add(queries, tokens),
      ops.add(keys, imagePe),
      keys,
      heads,
    );
    queries = layerNorm(ops, `${this.name}.norm_final`, ops.add(queries, final), eps);
    return { queries, keys };
  }
}
