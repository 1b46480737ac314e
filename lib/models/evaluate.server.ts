import "server-only";
/**
 * Measures an int8 variant against its fp32 base on real inputs. Runtime-agnostic
 * (a Runner wraps onnxruntime-node or onnxruntime-web), so models:eval and the
 * tests in both runtimes share one definition of each metric.
 */
import { digitBatch, loadDigits } from "./mnist.server";
import { getModel, type InputTensor, makeInput, type ModelSpec } from "./registry";
import { DETECTOR_NORMALIZATION, RECOGNIZER_NORMALIZATION, textLine, textPage, toNchw } from "./text-images.server";

export interface OutputTensor {
  data: Float32Array;
  dims: readonly number[];
}
export type Runner = (inputs: InputTensor[]) => Promise<Record<string, OutputTensor>>;

export type MetricName = "accuracy" | "maskIoU" | "textAgreement" | "cosine";

export interface Metric {
  name: MetricName;
  /** The variant's figure: accuracy on held-out digits, or agreement with fp32. */
  value: number;
  /** fp32's figure on the same data (accuracy only; agreement metrics compare against fp32 itself). */
  baseline?: number;
  samples: number;
}

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

/** Intersection over union of the detector's text masks (probability > 0.3, PaddleOCR's threshold). */
function maskIoU(a: Float32Array, b: Float32Array): number {
  let intersection = 0;
  let union = 0;
  for (let i = 0; i < a.length; i += 1) {
    const x = a[i]! > 0.3;
    const y = b[i]! > 0.3;
    if (x && y) intersection += 1;
    if (x || y) union += 1;
  }
  return union === 0 ? 1 : intersection / union;
}

/** Greedy CTC decoding (argmax per column, merge repeats, drop blank 0): the text each line reads as. */
export function ctcDecode(probabilities: Float32Array, dims: readonly number[]): number[][] {
  const [batch, columns, classes] = dims as [number, number, number];
  const texts: number[][] = [];
  for (let b = 0; b < batch; b += 1) {
    const text: number[] = [];
    let previous = -1;
    for (let t = 0; t < columns; t += 1) {
      const offset = (b * columns + t) * classes;
      let best = 0;
      for (let c = 1; c < classes; c += 1) if (probabilities[offset + c]! > probabilities[offset + best]!) best = c;
      if (best !== previous && best !== 0) text.push(best);
      previous = best;
    }
    texts.push(text);
  }
  return texts;
}

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i += 1) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return dot / Math.sqrt(na * nb);
}

function argmaxAccuracy(logits: Float32Array, labels: Uint8Array): number {
  let correct = 0;
  for (let r = 0; r < labels.length; r += 1) {
    let best = 0;
    for (let c = 1; c < 10; c += 1) if (logits[r * 10 + c]! > logits[r * 10 + best]!) best = c;
    if (best === labels[r]) correct += 1;
  }
  return correct / labels.length;
}

/** The variant's metric against its base, both run through the given runners on the same inputs. */
export async function compareWithBase(variant: ModelSpec, runVariant: Runner, runBase: Runner, size: EvalSize = FULL_EVAL): Promise<Metric> {
  const batches = evaluationInputs(variant.baseId, size);
  const output = variant.outputs[0]!.name;
  const pairs: Array<[OutputTensor, OutputTensor]> = [];
  for (const inputs of batches) {
    const [q, f] = [await runVariant(inputs), await runBase(inputs)];
    pairs.push([q[output]!, f[output]!]);
  }
  switch (variant.baseId) {
    case "digits-mlp":
    case "digits-cnn": {
      const labels = digitBatch(loadDigits().test, 0, size.digits).labels;
      return { name: "accuracy", value: argmaxAccuracy(pairs[0]![0].data, labels), baseline: argmaxAccuracy(pairs[0]![1].data, labels), samples: labels.length };
    }
    case "ocr-det": {
      const ious = pairs.map(([q, f]) => maskIoU(q.data, f.data));
      return { name: "maskIoU", value: ious.reduce((a, b) => a + b, 0) / ious.length, samples: ious.length };
    }
    case "ocr-rec": {
      const [q, f] = pairs[0]!;
      const quantizedTexts = ctcDecode(q.data, q.dims);
      const baseTexts = ctcDecode(f.data, f.dims);
      const same = quantizedTexts.filter((text, i) => text.join(",") === baseTexts[i]!.join(",")).length;
      return { name: "textAgreement", value: same / baseTexts.length, samples: baseTexts.length };
    }
    default: {
      const values = pairs.map(([q, f]) => cosine(q.data, f.data));
      return { name: "cosine", value: Math.min(...values), samples: size.vectors };
    }
  }
}
