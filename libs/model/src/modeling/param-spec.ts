/** How each weight is created; the network declares these once and every backend reads them. */
export type ParamInit =
  | { kind: 'lecun' } // normal(0, 1/fan_in): keeps activations ~unit variance through linears
  | { kind: 'zeros' }
  | { kind: 'ones' }
  | { kind: 'normal'; std: number }
  /** A copy of another (earlier declared) parameter's initial value. */
  | { kind: 'copyOf'; name: string };

export interface ParamSpec {
  name: string;
  shape: number[];
  init: ParamInit;
  /** false for fixed buffers (the random Fourier matrix of the position encoding). */
  trainable: boolean;
  /** Which part of the model owns it, for freezing: 'imageEncoder' | 'promptEncoder' | 'maskDecoder' | 'mae'. */
  group: ParamGroup;
  /**
   * Added after checkpoints were first written: a checkpoint without it gets the declared init,
   * which is chosen so the network computes exactly what it did before the parameter existed.
   */
  optional?: boolean;
}

export type ParamGroup = 'imageEncoder' | 'promptEncoder' | 'maskDecoder' | 'mae';

export function linearSpecs(
  name: string,
  inDim: number,
  outDim: number,
  group: ParamGroup,
  bias = true,
): ParamSpec[] {
  const specs: ParamSpec[] = [
    { name: `${name}.w`, shape: [inDim, outDim], init: { kind: 'lecun' }, trainable: true, group },
  ];
  if (bias)
    specs.push({
      name: `${name}.b`,
      shape: [outDim],
      init: { kind: 'zeros' },
      trainable: true,
      group,
    });
  return specs;
}

export function layerNormSpecs(name: string, dim: number, group: ParamGroup): ParamSpec[] {
  return [
    { name: `${name}.g`, shape: [dim], init: { kind: 'ones' }, trainable: true, group },
    { name: `${name}.b`, shape: [dim], init: { kind: 'zeros' }, trainable: true, group },
  ];
}
