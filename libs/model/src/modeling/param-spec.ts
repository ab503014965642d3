/** How each weight is created; the network declares these once and every backend reads them. */
export type ParamInit =
  | { kind: 'lecun' } // normal(0, 1/fan_in): keeps activations ~unit variance through linears
  | { kind: 'zeros' }
  | { kind: 'ones' }
  | { kind: 'normal'; std: number };

export interface ParamSpec {
  name: string;
  shape: number[];
  init: ParamInit;
  /** false for fixed buffers (the random Fourier matrix of the position encoding). */
  trainable: boolean;
  /** Which part of the model owns it, for freezing: 'imageEncoder' | 'promptEncoder' | 'maskDecoder' | 'mae'. */
  group: ParamGroup;
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
