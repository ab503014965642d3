/**
 * PositionEmbeddingRandom (SAM, Tancik et al. 2020): random Fourier features of normalised
 * coordinates. The Gaussian matrix is a fixed buffer (not trained) stored with the weights.
 */
import type { Ops } from '../ops/ops';
import type { ParamSpec } from './param-spec';

export class PositionEmbeddingRandom {
  readonly gaussianName: string;

  constructor(
    readonly name: string,
    /** Output channels D (D/2 sines + D/2 cosines). */
    readonly dim: number,
    readonly scale: number,
  ) {
    this.gaussianName = `${name}.gaussian`;
  }

  paramSpecs(): ParamSpec[] {
    return [
      {
        name: this.gaussianName,
        shape: [2, this.dim / 2],
        init: { kind: 'normal', std: this.scale },
        trainable: false,
        group: 'promptEncoder',
      },
    ];
  }

  /** coords [..., 2] in [0, 1] -> [..., D]. */
  encode<T>(ops: Ops<T>, coords01: T): T {
    const centred = ops.addScalar(ops.scale(coords01, 2), -1);
    const projected = ops.scale(ops.linear(centred, ops.param(this.gaussianName)), 2 * Math.PI);
    return ops.concat([ops.sin(projected), ops.cos(projected)], -1);
  }

  /** Dense encoding of a size x size grid of cell centres: [size*size, D], row-major (y, x). */
  grid<T>(ops: Ops<T>, size: number): T {
    const coords = new Float32Array(size * size * 2);
    for (let y = 0; y < size; y++)
      for (let x = 0; x < size; x++) {
        coords[(y * size + x) * 2] = (x + 0.5) / size;
        coords[(y * size + x) * 2 + 1] = (y + 0.5) / size;
      }
    return this.encode(ops, ops.constant(coords, [size * size, 2]));
  }
}
