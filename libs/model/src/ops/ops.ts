/**
 * The small set of operations the network is written against. One implementation runs them in
 * TensorFlow.js (training, tfjs inference); another emits ONNX nodes (export). The network is
 * described once (modeling/*), so the exported graph cannot drift from the trained one.
 *
 * Shapes: `null` is a dynamic axis (only the decoder's num_points axis is dynamic).
 */
export type Dim = number | null;

export interface Ops<T> {
  /** A trained weight or a fixed buffer, by its parameter name. */
  param(name: string): T;
  constant(values: Float32Array, shape: number[]): T;
  shape(x: T): Dim[];
  /** x [..., in] @ w [in, out] (+ b [out]). */
  linear(x: T, w: T, b?: T): T;
  /** Batched matmul a [B, N, K] @ b [B, K, M] (or plain 2-D). */
  matmul(a: T, b: T): T;
  add(a: T, b: T): T;
  sub(a: T, b: T): T;
  mul(a: T, b: T): T;
  scale(x: T, factor: number): T;
  addScalar(x: T, value: number): T;
  /** At most one -1; batch sizes must be written out. */
  reshape(x: T, shape: number[]): T;
  transpose(x: T, perm: number[]): T;
  /** Normalises over the last axis. */
  layerNorm(x: T, gamma: T, beta: T, eps: number): T;
  gelu(x: T): T;
  relu(x: T): T;
  sigmoid(x: T): T;
  sin(x: T): T;
  cos(x: T): T;
  concat(xs: T[], axis: number): T;
  /** x[..., start:end, ...] along `axis`. */
  slice(x: T, axis: number, start: number, end: number): T;
  /** Multi-head scaled dot-product attention: q [B, Nq, C], k [B, Nk, C], v [B, Nk, Cv] -> [B, Nq, Cv]. */
  attention(q: T, k: T, v: T, numHeads: number): T;
  /** labels [B, N] -> [B, N, codes.length] with 1 where labels == codes[i]. */
  oneHot(labels: T, codes: number[]): T;
  /** tokens [T, D] repeated over the batch of x [B, N, D] and put before it: [B, T + N, D]. */
  prependTokens(x: T, tokens: T): T;
}
