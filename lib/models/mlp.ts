/** Writes MatMul+Add(+Relu) stacks to ONNX: the generated roofline models and the trained digit classifier share this shape. */
import { DataType, encodeModel, node, tensor, valueInfo, type onnx } from "./onnx-builder";
import { seededRandom } from "./registry";

export interface DenseLayer {
  /** Row-major [in, out], so the graph computes input · weights. */
  weights: Float32Array;
  bias: Float32Array;
  inWidth: number;
  outWidth: number;
}

export interface MlpGraphOptions {
  name: string;
  layers: DenseLayer[];
  inputName?: string;
  outputName?: string;
  docString?: string;
}

export function mlpToOnnx({ name, layers, inputName = "input", outputName = "output", docString }: MlpGraphOptions): Uint8Array {
  const nodes: onnx.INodeProto[] = [];
  const initializers: onnx.ITensorProto[] = [];
  let current = inputName;
  layers.forEach((layer, index) => {
    const isLast = index === layers.length - 1;
    initializers.push(tensor(`fc${index}.weight`, layer.weights, [layer.inWidth, layer.outWidth]));
    initializers.push(tensor(`fc${index}.bias`, layer.bias, [layer.outWidth]));
    nodes.push(node("MatMul", [current, `fc${index}.weight`], [`fc${index}.matmul`], [], `fc${index}_MatMul`));
    const added = isLast ? outputName : `fc${index}.add`;
    nodes.push(node("Add", [`fc${index}.matmul`, `fc${index}.bias`], [added], [], `fc${index}_Add`));
    if (!isLast) {
      nodes.push(node("Relu", [added], [`fc${index}.relu`], [], `fc${index}_Relu`));
      current = `fc${index}.relu`;
    }
  });
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
 * He-uniform weights from a seeded generator: activations keep their scale
 * through the stack (no overflow to inf at 4096 wide), and every build writes
 * byte-identical files.
 */
export function randomLayers(widths: readonly number[], seed: number): DenseLayer[] {
  const random = seededRandom(seed);
  const layers: DenseLayer[] = [];
  for (let index = 0; index + 1 < widths.length; index += 1) {
    const inWidth = widths[index]!;
    const outWidth = widths[index + 1]!;
    const limit = Math.sqrt(6 / inWidth);
    const weights = new Float32Array(inWidth * outWidth);
    for (let i = 0; i < weights.length; i += 1) weights[i] = (random() * 2 - 1) * limit;
    const bias = new Float32Array(outWidth);
    for (let i = 0; i < outWidth; i += 1) bias[i] = (random() * 2 - 1) * 0.1;
    layers.push({ weights, bias, inWidth, outWidth });
  }
  return layers;
}
