import "server-only";
import { onnx } from "onnx-proto";

/**
 * A 4→4 MatMul+Add graph built in memory: enough to make an execution
 * provider compile and run a kernel, small enough to probe in milliseconds.
 * Probing with it keeps lane detection independent of which models exist.
 */
export const PROBE_INPUT = Float32Array.from([1, 2, 3, 4]);
const WEIGHTS = Float32Array.from({ length: 16 }, (_, i) => ((i * 7) % 5) / 4 - 0.5);
const BIAS = Float32Array.from([0.25, -0.5, 0.75, 1]);

export function probeExpected(): number[] {
  return Array.from({ length: 4 }, (_, col) => {
    let sum = BIAS[col]!;
    for (let row = 0; row < 4; row += 1) sum += PROBE_INPUT[row]! * WEIGHTS[row * 4 + col]!;
    return sum;
  });
}

let cached: Uint8Array | undefined;

export function probeModelBytes(): Uint8Array {
  cached ??= onnx.ModelProto.encode({
    irVersion: 8,
    opsetImport: [{ domain: "", version: 17 }],
    producerName: "inference-lab-probe",
    graph: {
      name: "probe",
      node: [
        { opType: "MatMul", input: ["x", "w"], output: ["m"] },
        { opType: "Add", input: ["m", "b"], output: ["y"] },
      ],
      initializer: [
        { name: "w", dataType: onnx.TensorProto.DataType.FLOAT, dims: [4, 4], rawData: new Uint8Array(WEIGHTS.buffer.slice(0)) },
        { name: "b", dataType: onnx.TensorProto.DataType.FLOAT, dims: [4], rawData: new Uint8Array(BIAS.buffer.slice(0)) },
      ],
      input: [{ name: "x", type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: [{ dimValue: 1 }, { dimValue: 4 }] } } } }],
      output: [{ name: "y", type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: [{ dimValue: 1 }, { dimValue: 4 }] } } } }],
    },
  }).finish();
  return cached;
}
