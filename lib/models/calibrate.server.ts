import "server-only";
/** Activation ranges for static quantization, recorded by running real samples through onnxruntime-node. */
import * as ort from "onnxruntime-node";
import { calibrationTensors, type ActivationRange, type QuantizeOptions, withIntermediateOutputs } from "./quantize";
import type { onnx } from "./onnx-builder";

export async function calibrateRanges(
  model: onnx.IModelProto,
  batches: ReadonlyArray<Record<string, ort.Tensor>>,
  options: QuantizeOptions = {},
): Promise<Map<string, ActivationRange>> {
  const names = calibrationTensors(model, options);
  const session = await ort.InferenceSession.create(withIntermediateOutputs(model, names), { graphOptimizationLevel: "disabled", intraOpNumThreads: 2 });
  const ranges = new Map<string, ActivationRange>();
  try {
    for (const feeds of batches) {
      const results = await session.run(feeds, names);
      for (const name of names) {
        const data = results[name]?.data as Float32Array | undefined;
        if (!data) continue;
        let min = Infinity;
        let max = -Infinity;
        for (let i = 0; i < data.length; i += 1) {
          const v = data[i]!;
          if (v < min) min = v;
          if (v > max) max = v;
        }
        const previous = ranges.get(name);
        ranges.set(name, previous ? { min: Math.min(previous.min, min), max: Math.max(previous.max, max) } : { min, max });
      }
    }
  } finally {
    await session.release();
  }
  return ranges;
}
