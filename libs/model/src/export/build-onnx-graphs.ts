/**
 * Builds encoder.onnx and decoder.onnx from the network description and a weight lookup (no
 * tracing, no Python). Input/output names and shapes come from contract.ts.
 */
import onnxProto from 'onnx-proto';
import {
  DECODER_INPUT,
  DECODER_MASK_INPUT,
  DECODER_OUTPUT,
  ENCODER_INPUT,
  ENCODER_OUTPUT,
  maskInputShapes,
  type TensorSpec,
} from '../contract';
import { deriveSizes, type ModelConfig } from '../config';
import { SamSegmenter } from '../modeling/sam-segmenter';
import { OnnxGraphBuilder, type OnnxValue } from '../ops/onnx-ops';

const { onnx } = onnxProto;
export const ONNX_OPSET = 17;
export const NUM_POINTS_AXIS = 'num_points';

export interface BuiltGraph {
  bytes: Uint8Array;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
}

type WeightLookup = (name: string) => { data: Float32Array; shape: number[] };

function valueInfo(spec: TensorSpec) {
  return onnx.ValueInfoProto.create({
    name: spec.name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: {
          dim: spec.shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })),
        },
      },
    },
  });
}

function serialise(
  name: string,
  builder: OnnxGraphBuilder,
  inputs: TensorSpec[],
  outputs: TensorSpec[],
): BuiltGraph {
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'loupe-model',
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    graph: onnx.GraphProto.create({
      name,
      node: builder.nodes,
      initializer: builder.initializers,
      input: inputs.map(valueInfo),
      output: outputs.map(valueInfo),
    }),
  });
  return { bytes: onnx.ModelProto.encode(model).finish(), inputs, outputs };
}

function asInput(spec: TensorSpec): OnnxValue {
  return { name: spec.name, shape: spec.shape.map((d) => (typeof d === 'number' ? d : null)) };
}

export function encoderSpecs(config: ModelConfig): { inputs: TensorSpec[]; outputs: TensorSpec[] } {
  const { grid1, grid2, highResDim } = deriveSizes(config);
  return {
    inputs: [
      {
        name: ENCODER_INPUT.image,
        shape: [1, 1, config.inputSize, config.inputSize],
        dtype: 'float32',
      },
    ],
    outputs: [
      {
        name: ENCODER_OUTPUT.imageEmbedding,
        shape: [1, config.decoderDim, grid2, grid2],
        dtype: 'float32',
      },
      {
        name: ENCODER_OUTPUT.highResFeatures,
        shape: [1, highResDim, grid1, grid1],
        dtype: 'float32',
      },
    ],
  };
}

export interface DecoderGraphOptions {
  /**
   * false: the decoder as exported before the mask prompt existed (no mask_input /
   * has_mask_input, always the no-mask embedding), so tests can check older models still load.
   */
  maskPrompt?: boolean;
}

export function decoderSpecs(
  config: ModelConfig,
  options: DecoderGraphOptions = {},
): { inputs: TensorSpec[]; outputs: TensorSpec[] } {
  const { grid1, grid2, highResDim, maskSize, numMaskTokens } = deriveSizes(config);
  const promptInputs: TensorSpec[] = [
    {
      name: DECODER_INPUT.imageEmbedding,
      shape: [1, config.decoderDim, grid2, grid2],
      dtype: 'float32',
    },
    {
      name: DECODER_INPUT.highResFeatures,
      shape: [1, highResDim, grid1, grid1],
      dtype: 'float32',
    },
    { name: DECODER_INPUT.pointCoords, shape: [1, NUM_POINTS_AXIS, 2], dtype: 'float32' },
    { name: DECODER_INPUT.pointLabels, shape: [1, NUM_POINTS_AXIS], dtype: 'float32' },
  ];
  const maskInputs: TensorSpec[] = [
    {
      name: DECODER_MASK_INPUT.maskInput,
      shape: maskInputShapes(maskSize).maskInput,
      dtype: 'float32',
    },
    {
      name: DECODER_MASK_INPUT.hasMaskInput,
      shape: maskInputShapes(maskSize).hasMaskInput,
      dtype: 'float32',
    },
  ];
  return {
    inputs: options.maskPrompt === false ? promptInputs : [...promptInputs, ...maskInputs],
    outputs: [
      {
        name: DECODER_OUTPUT.masks,
        shape: [1, numMaskTokens, maskSize, maskSize],
        dtype: 'float32',
      },
      { name: DECODER_OUTPUT.iouPredictions, shape: [1, numMaskTokens], dtype: 'float32' },
    ],
  };
}

export function buildEncoderGraph(config: ModelConfig, weights: WeightLookup): BuiltGraph {
  const network = new SamSegmenter(config);
  const builder = new OnnxGraphBuilder(weights);
  const { inputs, outputs } = encoderSpecs(config);
  const out = network.encodeImage(builder, asInput(inputs[0] as TensorSpec));
  builder.output(out.imageEmbedding, ENCODER_OUTPUT.imageEmbedding);
  builder.output(out.highResFeatures, ENCODER_OUTPUT.highResFeatures);
  return serialise('loupe_image_encoder', builder, inputs, outputs);
}

export function buildDecoderGraph(
  config: ModelConfig,
  weights: WeightLookup,
  options: DecoderGraphOptions = {},
): BuiltGraph {
  const network = new SamSegmenter(config);
  const builder = new OnnxGraphBuilder(weights);
  const { inputs, outputs } = decoderSpecs(config, options);
  const [emb, hr, coords, labels, maskInput, hasMaskInput] = inputs.map(asInput) as [
    OnnxValue,
    OnnxValue,
    OnnxValue,
    OnnxValue,
    OnnxValue | undefined,
    OnnxValue | undefined,
  ];
  const mask = maskInput && hasMaskInput ? { maskInput, hasMaskInput } : undefined;
  const out = network.decode(builder, emb, hr, coords, labels, mask);
  builder.output(out.masks, DECODER_OUTPUT.masks);
  builder.output(out.iouPredictions, DECODER_OUTPUT.iouPredictions);
  return serialise('loupe_mask_decoder', builder, inputs, outputs);
}
