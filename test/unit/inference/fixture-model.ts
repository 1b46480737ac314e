import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { onnx } from "onnx-proto";

/**
 * A tiny MLP written straight to ONNX, so these tests do not depend on the model
 * registry's build step. Deterministic weights (a simple LCG) keep outputs stable.
 */
export function buildMlp(file: string, dims: number[], seed = 1): string {
  let state = seed >>> 0;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32 - 0.5;
  };
  const initializers: onnx.ITensorProto[] = [];
  const nodes: onnx.INodeProto[] = [];
  let current = "input";
  for (let layer = 0; layer < dims.length - 1; layer += 1) {
    const inDim = dims[layer]!;
    const outDim = dims[layer + 1]!;
    const weights = Float32Array.from({ length: inDim * outDim }, () => next() / Math.sqrt(inDim));
    const bias = Float32Array.from({ length: outDim }, () => next() * 0.1);
    initializers.push(
      { name: `w${layer}`, dataType: onnx.TensorProto.DataType.FLOAT, dims: [inDim, outDim], rawData: new Uint8Array(weights.buffer) },
      { name: `b${layer}`, dataType: onnx.TensorProto.DataType.FLOAT, dims: [outDim], rawData: new Uint8Array(bias.buffer) },
    );
    const last = layer === dims.length - 2;
    nodes.push({ opType: "MatMul", input: [current, `w${layer}`], output: [`mm${layer}`] });
    nodes.push({ opType: "Add", input: [`mm${layer}`, `b${layer}`], output: [last ? "output" : `add${layer}`] });
    if (!last) {
      nodes.push({ opType: "Relu", input: [`add${layer}`], output: [`relu${layer}`] });
      current = `relu${layer}`;
    }
  }
  const valueInfo = (name: string, dim: number): onnx.IValueInfoProto => ({
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: [{ dimParam: "batch" }, { dimValue: dim }] },
      },
    },
  });
  const model = onnx.ModelProto.encode({
    irVersion: 8,
    opsetImport: [{ domain: "", version: 17 }],
    producerName: "inference-lab-test",
    graph: {
      name: "mlp",
      node: nodes,
      initializer: initializers,
      input: [valueInfo("input", dims[0]!)],
      output: [valueInfo("output", dims[dims.length - 1]!)],
    },
  }).finish();
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, model);
  return file;
}
