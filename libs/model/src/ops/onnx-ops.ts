/**
 * Ops that emit ONNX nodes (opset 17) instead of computing: the exporter runs the same network
 * description against this to build encoder.onnx / decoder.onnx. Batch is fixed at 1; shapes are
 * tracked statically (null = dynamic axis).
 */
import onnxProto from 'onnx-proto';
import type { Dim, Ops } from './ops';

const { onnx } = onnxProto;
type NodeProto = InstanceType<typeof onnx.NodeProto>;
type TensorProto = InstanceType<typeof onnx.TensorProto>;

export interface OnnxValue {
  name: string;
  shape: Dim[];
}

export class OnnxExportError extends Error {
  override name = 'OnnxExportError';
}

function broadcastShapes(a: Dim[], b: Dim[]): Dim[] {
  const n = Math.max(a.length, b.length);
  const out: Dim[] = [];
  for (let i = 0; i < n; i++) {
    const da = i < n - a.length ? 1 : (a[i - (n - a.length)] as Dim);
    const db = i < n - b.length ? 1 : (b[i - (n - b.length)] as Dim);
    if (da === 1) out.push(db);
    else if (db === 1) out.push(da);
    else if (da === null || db === null) out.push(da ?? db);
    else if (da === db) out.push(da);
    else throw new OnnxExportError(`cannot broadcast [${a.join(',')}] with [${b.join(',')}]`);
  }
  return out;
}

export class OnnxGraphBuilder implements Ops<OnnxValue> {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  private readonly params = new Map<string, OnnxValue>();
  private counter = 0;

  constructor(
    private readonly weights: (name: string) => { data: Float32Array; shape: number[] },
  ) {}

  private fresh(prefix: string): string {
    return `${prefix}_${this.counter++}`;
  }

  private node(
    op: string,
    inputs: string[],
    shape: Dim[],
    attributes: Record<string, number | number[]> = {},
  ): OnnxValue {
    const output = this.fresh(op.toLowerCase());
    const attribute = Object.entries(attributes).map(([name, value]) =>
      Array.isArray(value)
        ? { name, type: onnx.AttributeProto.AttributeType.INTS, ints: value }
        : Number.isInteger(value)
          ? { name, type: onnx.AttributeProto.AttributeType.INT, i: value }
          : { name, type: onnx.AttributeProto.AttributeType.FLOAT, f: value },
    );
    this.nodes.push(
      onnx.NodeProto.create({
        opType: op,
        input: inputs,
        output: [output],
        name: output,
        attribute,
      }),
    );
    return { name: output, shape };
  }

  private floatInit(name: string, data: Float32Array, shape: number[]): OnnxValue {
    const raw = new Uint8Array(
      data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength),
    );
    this.initializers.push(
      onnx.TensorProto.create({
        name,
        dims: shape,
        dataType: onnx.TensorProto.DataType.FLOAT,
        rawData: raw,
      }),
    );
    return { name, shape };
  }

  private int64Const(values: number[]): string {
    const name = this.fresh('const_i64');
    const data = BigInt64Array.from(values.map((v) => BigInt(v)));
    this.initializers.push(
      onnx.TensorProto.create({
        name,
        dims: [values.length],
        dataType: onnx.TensorProto.DataType.INT64,
        rawData: new Uint8Array(data.buffer),
      }),
    );
    return name;
  }

  private scalarConst(value: number): string {
    return this.floatInit(this.fresh('const_f32'), Float32Array.of(value), []).name;
  }

  /** Names a graph output as the contract says (an Identity node). */
  output(value: OnnxValue, name: string): OnnxValue {
    this.nodes.push(
      onnx.NodeProto.create({
        opType: 'Identity',
        input: [value.name],
        output: [name],
        name: `output_${name}`,
      }),
    );
    return { name, shape: value.shape };
  }

  param(name: string): OnnxValue {
    let value = this.params.get(name);
    if (!value) {
      const w = this.weights(name);
      value = this.floatInit(name, w.data, w.shape);
      this.params.set(name, value);
    }
    return value;
  }
  constant(values: Float32Array, shape: number[]): OnnxValue {
    return this.floatInit(this.fresh('const'), values, shape);
  }
  shape(x: OnnxValue): Dim[] {
    return x.shape;
  }
  linear(x: OnnxValue, w: OnnxValue, b?: OnnxValue): OnnxValue {
    const y = this.node('MatMul', [x.name, w.name], [...x.shape.slice(0, -1), w.shape[1] as Dim]);
    return b ? this.add(y, b) : y;
  }
  matmul(a: OnnxValue, b: OnnxValue): OnnxValue {
    return this.node(
      'MatMul',
      [a.name, b.name],
      [...a.shape.slice(0, -1), b.shape[b.shape.length - 1] as Dim],
    );
  }
  add(a: OnnxValue, b: OnnxValue): OnnxValue {
    return this.node('Add', [a.name, b.name], broadcastShapes(a.shape, b.shape));
  }
  sub(a: OnnxValue, b: OnnxValue): OnnxValue {
    return this.node('Sub', [a.name, b.name], broadcastShapes(a.shape, b.shape));
  }
  mul(a: OnnxValue, b: OnnxValue): OnnxValue {
    return this.node('Mul', [a.name, b.name], broadcastShapes(a.shape, b.shape));
  }
  scale(x: OnnxValue, factor: number): OnnxValue {
    return this.node('Mul', [x.name, this.scalarConst(factor)], x.shape);
  }
  addScalar(x: OnnxValue, value: number): OnnxValue {
    return this.node('Add', [x.name, this.scalarConst(value)], x.shape);
  }
  reshape(x: OnnxValue, shape: number[]): OnnxValue {
    const known = x.shape.every((d) => d !== null)
      ? (x.shape as number[]).reduce((p, d) => p * d, 1)
      : null;
    const fixed = shape.filter((d) => d !== -1).reduce((p, d) => p * d, 1);
    const out: Dim[] = shape.map((d) => (d === -1 ? (known === null ? null : known / fixed) : d));
    return this.node('Reshape', [x.name, this.int64Const(shape)], out);
  }
  transpose(x: OnnxValue, perm: number[]): OnnxValue {
    return this.node(
      'Transpose',
      [x.name],
      perm.map((p) => x.shape[p] as Dim),
      { perm },
    );
  }
  layerNorm(x: OnnxValue, gamma: OnnxValue, beta: OnnxValue, eps: number): OnnxValue {
    return this.node('LayerNormalization', [x.name, gamma.name, beta.name], x.shape, {
      axis: -1,
      epsilon: eps,
    });
  }
  gelu(x: OnnxValue): OnnxValue {
    const erf = this.node('Erf', [this.scale(x, Math.SQRT1_2).name], x.shape);
    return this.mul(this.scale(x, 0.5), this.addScalar(erf, 1));
  }
  relu(x: OnnxValue): OnnxValue {
    return this.node('Relu', [x.name], x.shape);
  }
  sigmoid(x: OnnxValue): OnnxValue {
    return this.node('Sigmoid', [x.name], x.shape);
  }
  sin(x: OnnxValue): OnnxValue {
    return this.node('Sin', [x.name], x.shape);
  }
  cos(x: OnnxValue): OnnxValue {
    return this.node('Cos', [x.name], x.shape);
  }
  concat(xs: OnnxValue[], axis: number): OnnxValue {
    const first = xs[0] as OnnxValue;
    if (xs.length === 1) return first;
    const a = axis < 0 ? first.shape.length + axis : axis;
    const shape = first.shape.map((d, i) =>
      i === a
        ? xs.reduce<Dim>(
            (s, x) => (s === null || x.shape[i] === null ? null : s + (x.shape[i] as number)),
            0,
          )
        : d,
    );
    return this.node(
      'Concat',
      xs.map((x) => x.name),
      shape,
      { axis: a },
    );
  }
  slice(x: OnnxValue, axis: number, start: number, end: number): OnnxValue {
    const a = axis < 0 ? x.shape.length + axis : axis;
    const shape = x.shape.map((d, i) => (i === a ? end - start : d));
    return this.node(
      'Slice',
      [x.name, this.int64Const([start]), this.int64Const([end]), this.int64Const([a])],
      shape,
    );
  }
  attention(q: OnnxValue, k: OnnxValue, v: OnnxValue, numHeads: number): OnnxValue {
    const [b, nq, c] = q.shape as [number, Dim, number];
    const nk = k.shape[1] as Dim;
    const cv = v.shape[2] as number;
    const dh = c / numHeads;
    const dv = cv / numHeads;
    const split = (x: OnnxValue, d: number, perm: number[]) =>
      this.transpose(this.reshape(x, [b, -1, numHeads, d]), perm);
    const qh = split(q, dh, [0, 2, 1, 3]); // [B, h, Nq, dh]
    const kh = split(k, dh, [0, 2, 3, 1]); // [B, h, dh, Nk]
    const vh = split(v, dv, [0, 2, 1, 3]); // [B, h, Nk, dv]
    const scores = this.scale(
      this.node('MatMul', [qh.name, kh.name], [b, numHeads, nq, nk]),
      1 / Math.sqrt(dh),
    );
    const probs = this.node('Softmax', [scores.name], scores.shape, { axis: -1 });
    const out = this.node('MatMul', [probs.name, vh.name], [b, numHeads, nq, dv]);
    return this.reshape(this.transpose(out, [0, 2, 1, 3]), [b, -1, cv]);
  }
  oneHot(labels: OnnxValue, codes: number[]): OnnxValue {
    const expanded = this.node(
      'Unsqueeze',
      [labels.name, this.int64Const([-1])],
      [...labels.shape, 1],
    );
    const codeValues = this.constant(Float32Array.from(codes), [codes.length]);
    const equal = this.node(
      'Equal',
      [expanded.name, codeValues.name],
      [...labels.shape, codes.length],
    );
    return this.node('Cast', [equal.name], equal.shape, { to: onnx.TensorProto.DataType.FLOAT });
  }
  prependTokens(x: OnnxValue, tokens: OnnxValue): OnnxValue {
    if (x.shape[0] !== 1)
      throw new OnnxExportError(`exported graphs have batch 1, got [${x.shape.join(',')}]`);
    const batched = this.node(
      'Unsqueeze',
      [tokens.name, this.int64Const([0])],
      [1, ...tokens.shape],
    );
    return this.concat([batched, x], 1);
  }
}
