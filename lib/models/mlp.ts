/** Writes MatMul+Add(+Relu) stacks to ONNX: the generated roofline models and the trained digit classifiers share this shape. */
import { DataType, encodeModel, intsAttribute, node, tensor, valueInfo, type onnx } from "./onnx-builder";
import { convOutputSide, type ConvFrontEnd, type DenseLayer } from "./layers";

export interface MlpGraphOptions {
  name: string;
  layers: DenseLayer[];
  inputName?: string;
  outputName?: string;
  docString?: string;
}

/** MatMul+Add(+Relu) nodes of a dense stack from `input` to `output`. */
function denseNodes(layers: readonly DenseLayer[], input: string, output: string): { nodes: onnx.INodeProto[]; initializers: onnx.ITensorProto[] } {
  const nodes: onnx.INodeProto[] = [];
  const initializers: onnx.ITensorProto[] = [];
  let current = input;
  layers.forEach((layer, index) => {
    const isLast = index === layers.length - 1;
    initializers.push(tensor(`fc${index}.weight`, layer.weights, [layer.inWidth, layer.outWidth]));
    initializers.push(tensor(`fc${index}.bias`, layer.bias, [layer.outWidth]));
    nodes.push(node("MatMul", [current, `fc${index}.weight`], [`fc${index}.matmul`], [], `fc${index}_MatMul`));
    const added = isLast ? output : `fc${index}.add`;
    nodes.push(node("Add", [`fc${index}.matmul`, `fc${index}.bias`], [added], [], `fc${index}_Add`));
    if (!isLast) {
      nodes.push(node("Relu", [added], [`fc${index}.relu`], [], `fc${index}_Relu`));
      current = `fc${index}.relu`;
    }
  });
  return { nodes, initializers };
}

export function mlpToOnnx({ name, layers, inputName = "input", outputName = "output", docString }: MlpGraphOptions): Uint8Array {
  const { nodes, initializers } = denseNodes(layers, inputName, outputName);
  return encodeModel({
    name,
    nodes,
    initializers,
    inputs: [valueInfo(inputName, DataType.FLOAT, ["batch", layers[0]!.inWidth])],
    outputs: [valueInfo(outputName, DataType.FLOAT, ["batch", layers[layers.length - 1]!.outWidth])],
    docString,
  });
}

/**
 * One Conv+Relu in front of a dense stack. The input stays a flat [batch, side²]
 * row, as for the MLP, so both digit classifiers take the same tensors. The
 * trainer lays features out [position][filter]; a Transpose to NHWC before the
 * flatten keeps that order, so the dense weights are written unchanged.
 */
export function cnnToOnnx({ name, front, layers, inputName = "input", outputName = "output", docString }: MlpGraphOptions & { front: ConvFrontEnd }): Uint8Array {
  const { kernel, stride, side, layer } = front;
  const filters = layer.outWidth;
  const outSide = convOutputSide(front);
  // Trainer: weights[(ky·kernel + kx)·filters + f]; ONNX Conv: [filters, 1, kernel, kernel].
  const convWeights = new Float32Array(filters * kernel * kernel);
  for (let f = 0; f < filters; f += 1) for (let k = 0; k < kernel * kernel; k += 1) convWeights[f * kernel * kernel + k] = layer.weights[k * filters + f]!;
  const head = denseNodes(layers, "features", outputName);
  return encodeModel({
    name,
    nodes: [
      node("Reshape", [inputName, "image.shape"], ["image"], [], "image_Reshape"),
      node("Conv", ["image", "conv.weight", "conv.bias"], ["conv"], [intsAttribute("kernel_shape", [kernel, kernel]), intsAttribute("strides", [stride, stride])], "conv_Conv"),
      node("Relu", ["conv"], ["conv.relu"], [], "conv_Relu"),
      node("Transpose", ["conv.relu"], ["conv.nhwc"], [intsAttribute("perm", [0, 2, 3, 1])], "conv_Transpose"),
      node("Reshape", ["conv.nhwc", "features.shape"], ["features"], [], "features_Reshape"),
      ...head.nodes,
    ],
    initializers: [
      tensor("image.shape", BigInt64Array.from([-1n, 1n, BigInt(side), BigInt(side)]), [4]),
      tensor("conv.weight", convWeights, [filters, 1, kernel, kernel]),
      tensor("conv.bias", layer.bias, [filters]),
      tensor("features.shape", BigInt64Array.from([-1n, BigInt(outSide * outSide * filters)]), [2]),
      ...head.initializers,
    ],
    inputs: [valueInfo(inputName, DataType.FLOAT, ["batch", side * side])],
    outputs: [valueInfo(outputName, DataType.FLOAT, ["batch", layers[layers.length - 1]!.outWidth])],
    docString,
  });
}
