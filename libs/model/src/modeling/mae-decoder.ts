/**
 * The light MAE decoder: LayerNorm + 2-layer MLP from each stage-2 token to the pixels of its
 * (2P x 2P) region. Parameters live with the model (group 'mae') so checkpoints carry them, but
 * the exported segmenter never references them.
 */
import type { ModelConfig } from '../config';
import { layerNorm, mlp, mlpSpecs } from './layers';
import { layerNormSpecs, type ParamSpec } from './param-spec';
import type { Ops } from '../ops/ops';

export const MAE_HEAD = 'mae_decoder';

export function maeUnitSize(config: ModelConfig): number {
  return config.patchSize * 2;
}

export function maeHeadSpecs(config: ModelConfig): ParamSpec[] {
  const c2 = config.imageEncoder.stage2.dim;
  const unit = maeUnitSize(config);
  return [
    ...layerNormSpecs(`${MAE_HEAD}.norm`, c2, 'mae'),
    ...mlpSpecs(`${MAE_HEAD}.mlp`, [c2, 2 * c2, unit * unit], 'mae'),
  ];
}

/** stage2 tokens [B, G2*G2, C2] -> predicted pixels [B, G2*G2, unit^2]. */
export function maeHead<T>(ops: Ops<T>, config: ModelConfig, stage2: T): T {
  return mlp(
    ops,
    `${MAE_HEAD}.mlp`,
    layerNorm(ops, `${MAE_HEAD}.norm`, stage2, config.normEps),
    2,
    'gelu',
  );
}
