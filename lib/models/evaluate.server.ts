import "server-only";
/**
 * Measures an int8 variant against its fp32 base on real inputs. Runtime-agnostic
 * (a Runner wraps onnxruntime-node or onnxruntime-web), so models:eval and the
 * tests in both runtimes share one definition of each metric.
 */
import { digitBatch, loadDigits } from "./mnist.server";
import { type Metric, metricOf, type OutputTensor, type ReducedOutput, reduceOutput } from "./metrics";
import { getModel, type InputTensor, makeInput, type ModelSpec } from "./registry";
import { DETECTOR_NORMALIZATION, RECOGNIZER_NORMALIZATION, textLine, textPage, toNchw } from "./text-images.server";

export type { Metric, MetricName, OutputTensor } from "./metrics";
export { ctcDecode } from "./metrics";
export type Runner = (inputs: InputTensor[]) => Promise<Record<string, OutputTensor>>;

/** Size of the evaluation sets; tests pass smaller ones and compare within a tolerance. */
export interface EvalSize {
  digits: number;
  pages: number;
  lines: number;
  vectors: number;
}
export const FULL_EVAL: EvalSize = { digits: 2000, pages: 8, lines: 32, vectors: 8 };

function floatInput(name: string, data: Float32Array, dims: number[]): InputTensor {
  return { name, dtype: "float32", data, dims };
}

/** The model's real inputs, batch by batch (pages for the detector, text lines for the recognizer, held-out digits). */
export function evaluationInputs(baseId: string, size: EvalSize): InputTensor[][] {
  const { test } = loadDigits();
  switch (baseId) {
    case "digits-mlp":
    case "digits-cnn": {
      const batch = digitBatch(test, 0, size.digits);
      return [[floatInput("pixels", batch.pixels, [batch.labels.length, 784])]];
    }
    case "ocr-det":
      return Array.from({ length: size.pages }, (_, i) => [floatInput("x", toNchw([textPage(test, 320, 320, 200 + i)], DETECTOR_NORMALIZATION.mean, DETECTOR_NORMALIZATION.std), [1, 3, 320, 320])]);
    case "ocr-rec": {
      const lines = Array.from({ length: size.lines }, (_, i) => textLine(test, 320, 48, 300 + i));
      return [[floatInput("x", toNchw(lines, RECOGNIZER_NORMALIZATION.mean, RECOGNIZER_NORMALIZATION.std), [lines.length, 3, 48, 320])]];
    }
    default: {
      const spec = getModel(baseId);
      if (!spec) throw new Error(`unknown model ${baseId}`);
      return [makeInput(spec, size.vectors, 42)];
    }
  }
}

/** The variant's metric against its base, both run through the given runners on the same inputs. */
export async function compareWithBase(variant: ModelSpec, runVariant: Runner, runBase: Runner, size: EvalSize = FULL_EVAL): Promise<Metric> {
  const batches = evaluationInputs(variant.baseId, size);
  const output = variant.outputs[0]!.name;
  const reducedVariant: ReducedOutput[] = [];
  const reducedBase: ReducedOutput[] = [];
  for (const inputs of batches) {
    const [q, f] = [await runVariant(inputs), await runBase(inputs)];
    reducedVariant.push(reduceOutput(variant.baseId, q[output]!));
    reducedBase.push(reduceOutput(variant.baseId, f[output]!));
  }
  return metricOf(variant.baseId, reducedVariant, reducedBase, evaluationLabels(variant.baseId, size));
}

/** The held-out digits' true classes, for the digit models' accuracy; null for agreement metrics. */
export function evaluationLabels(baseId: string, size: EvalSize): Uint8Array | null {
  return baseId === "digits-mlp" || baseId === "digits-cnn" ? digitBatch(loadDigits().test, 0, size.digits).labels : null;
}
