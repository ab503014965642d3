/**
 * Forward FLOPs of the network, counted by running the description against a shape-tracking Ops
 * (the ONNX builder) and adding 2*M*N*K for every matmul (linear, batched matmul, attention).
 * Element-wise ops are ignored (they are small next to the matmuls).
 */
import type { ModelConfig } from '../config';
import { SamSegmenter } from '../modeling/sam-segmenter';
import { OnnxGraphBuilder, type OnnxValue } from '../ops/onnx-ops';
import { decoderSpecs, encoderSpecs } from './build-onnx-graphs';

class FlopCounter extends OnnxGraphBuilder {
  flops = 0;
  private static size(shape: (number | null)[], points: number): number {
    return shape.reduce<number>((p, d) => p * (d ?? points), 1);
  }
  constructor(private readonly points: number) {
    super((name) => {
      throw new Error(`FlopCounter needs shapes only, not ${name}`);
    });
  }
  override param(name: string): OnnxValue {
    return { name, shape: this.specShape(name) };
  }
  specShapes = new Map<string, number[]>();
  private specShape(name: string): number[] {
    const s = this.specShapes.get(name);
    if (!s) throw new Error(`unknown parameter ${name}`);
    return s;
  }
  override linear(x: OnnxValue, w: OnnxValue, b?: OnnxValue): OnnxValue {
    this.flops +=
      2 *
      (FlopCounter.size(x.shape, this.points) / (x.shape[x.shape.length - 1] as number)) *
      (w.shape[0] as number) *
      (w.shape[1] as number);
    return super.linear(x, w, b);
  }
  override matmul(a: OnnxValue, b: OnnxValue): OnnxValue {
    this.flops +=
      2 * FlopCounter.size(a.shape, this.points) * (b.shape[b.shape.length - 1] as number);
    return super.matmul(a, b);
  }
  override attention(q: OnnxValue, k: OnnxValue, v: OnnxValue, numHeads: number): OnnxValue {
    const [b, nq, c] = q.shape.map((d) => d ?? this.points) as [number, number, number];
    const nk = (k.shape[1] ?? this.points) as number;
    const cv = v.shape[2] as number;
    this.flops += 2 * b * nq * nk * c + 2 * b * nq * nk * cv;
    return super.attention(q, k, v, numHeads);
  }
}

export function countForwardFlops(
  config: ModelConfig,
  points = 2,
): { encoder: number; decoder: number; total: number } {
  const network = new SamSegmenter(config);
  const count = (run: (ops: FlopCounter) => void) => {
    const ops = new FlopCounter(points);
    for (const spec of network.paramSpecs()) ops.specShapes.set(spec.name, spec.shape);
    run(ops);
    return ops.flops;
  };
  const enc = encoderSpecs(config);
  const dec = decoderSpecs(config);
  const asValue = (spec: { name: string; shape: (number | string)[] }): OnnxValue => ({
    name: spec.name,
    shape: spec.shape.map((d) => (typeof d === 'number' ? d : null)),
  });
  const encoder = count((ops) =>
    network.encodeImage(ops, asValue(enc.inputs[0] as (typeof enc.inputs)[number])),
  );
  const decoder = count((ops) => {
    const [e, h, c, l, maskInput, hasMaskInput] = dec.inputs.map(asValue) as OnnxValue[] as [
      OnnxValue,
      OnnxValue,
      OnnxValue,
      OnnxValue,
      OnnxValue,
      OnnxValue,
    ];
    network.decode(ops, e, h, c, l, { maskInput, hasMaskInput });
  });
  return { encoder, decoder, total: encoder + decoder };
}
