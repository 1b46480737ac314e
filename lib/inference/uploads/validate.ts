/**
 * Whether an uploaded ONNX file may be handed to onnxruntime on the server,
 * decided from the file alone (lib/models/onnx-inspect.ts reads it) before any
 * session exists. Browser-safe like the inspector it builds on. What this
 * cannot decide from the bytes (an operator the runtime has no kernel for, a
 * graph that crashes, hangs or eats memory) is left to the first session in a
 * child process (check.server.ts).
 */
import { inspectOnnx, type OnnxInspection, type TensorSignature } from "@/lib/models/onnx-inspect";
import type { TensorSpec } from "../model";
import type { UploadedModelSpec } from "./spec";

export interface ValidationLimits {
  /** Largest input or output tensor, at batch 1 and the default axis sizes, in bytes. */
  maxTensorBytes: number;
  /** Element types the server's lanes can feed and return (tensors.server.ts DTYPES). */
  feedableTypes: ReadonlyMap<string, number>;
  /** Sizes for named dynamic axes other than the batch; unnamed ones default to 1. */
  axisSizes?: Record<string, number>;
  /** Most items one request may carry, before the memory cap lowers it. */
  maxBatch?: number;
}

export type ValidationCode =
  | "empty"
  | "not-protobuf"
  | "truncated"
  | "wrong-message"
  | "no-graph"
  | "corrupt"
  | "external-data"
  | "initializer-too-short"
  | "initializer-too-long"
  | "custom-domain"
  | "no-inputs"
  | "unknown-shape"
  | "unsupported-type"
  | "too-large";

export type ValidationResult =
  | { ok: true; spec: UploadedModelSpec; inspection: OnnxInspection }
  | { ok: false; status: 400 | 422; code: ValidationCode; error: string };

const refuse = (status: 400 | 422, code: ValidationCode, error: string): ValidationResult => ({ ok: false, status, code, error });

function formatBytes(bytes: number): string {
  const units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} bytes` : `${value.toPrecision(3)} ${units[unit]}`;
}

export function validateOnnxUpload(bytes: Uint8Array, limits: ValidationLimits): ValidationResult {
  const inspection = inspectOnnx(bytes);
  if (!inspection.ok) return refuse(400, inspection.code, `not a loadable ONNX model: ${inspection.reason}`);
  const [problem] = inspection.problems;
  // Each of these is refused outright: external paths are a traversal vector, a custom domain needs a
  // library the server will not load, and a tensor that disagrees with its bytes makes the runtime read past them.
  if (problem) return refuse(422, problem.code, problem.message);
  if (inspection.inputs.length === 0) return refuse(422, "no-inputs", "the model has no graph inputs to feed (every input is an initializer)");

  const batchDim = inspection.batchDim;
  const unnamed = (signature: TensorSignature, axis: number) => `${signature.name}_dim${axis}`;
  const toSpec = (signature: TensorSignature, kind: "input" | "output"): TensorSpec | ValidationResult => {
    if (!limits.feedableTypes.has(signature.elementType)) {
      return refuse(422, "unsupported-type", `${kind} "${signature.name}" is ${signature.elementType}; the server's lanes take ${[...limits.feedableTypes.keys()].join(", ")}`);
    }
    if (signature.shape === null) {
      if (kind === "input") return refuse(422, "unknown-shape", `input "${signature.name}" records no shape, so the server cannot build its tensor`);
      return { name: signature.name, dtype: signature.elementType, shape: [] };
    }
    return { name: signature.name, dtype: signature.elementType, shape: signature.shape.map((d, axis) => (d === null || (typeof d === "number" && d < 0) ? unnamed(signature, axis) : d)) };
  };
  const inputs: TensorSpec[] = [];
  const outputs: TensorSpec[] = [];
  for (const signature of inspection.inputs) {
    const spec = toSpec(signature, "input");
    if ("ok" in spec) return spec;
    inputs.push(spec);
  }
  for (const signature of inspection.outputs) {
    const spec = toSpec(signature, "output");
    if ("ok" in spec) return spec;
    // An output whose rank is unknown is still served; its shape is whatever the run returns.
    if (signature.shape !== null) outputs.push(spec);
    else outputs.push({ ...spec, shape: [] });
  }

  const batchAxis = batchDim !== null && inputs.every((t) => t.shape[0] === batchDim) ? 0 : null;
  const axisDefaults: Record<string, number> = {};
  for (const t of [...inputs, ...outputs]) {
    t.shape.forEach((d, axis) => {
      if (typeof d === "string" && !(batchAxis === 0 && axis === 0 && d === batchDim)) axisDefaults[d] = limits.axisSizes?.[d] ?? axisDefaults[d] ?? 1;
    });
  }
  const unknownAxes = Object.keys(limits.axisSizes ?? {}).filter((name) => !(name in axisDefaults));
  if (unknownAxes.length > 0) {
    const known = Object.keys(axisDefaults);
    return refuse(400, "unknown-shape", `axes: the model has no dynamic axis ${unknownAxes.join(", ")}${known.length ? `; its axes are ${known.join(", ")}` : "; it has none besides the batch"}`);
  }

  // Dimension products at batch 1: a declared [1, 10^9, 10^9] input would make the first run allocate exabytes.
  let bytesPerItem = 0;
  for (const [kind, tensors] of [["input", inputs], ["output", outputs]] as const) {
    for (const t of tensors) {
      const elements = t.shape.reduce<number>((n, d, axis) => n * (batchAxis === axis ? 1 : typeof d === "number" ? d : axisDefaults[d]!), 1);
      const tensorBytes = elements * limits.feedableTypes.get(t.dtype)!;
      if (!(tensorBytes <= limits.maxTensorBytes)) {
        return refuse(
          422,
          "too-large",
          `${kind} "${t.name}" declares shape [${t.shape.join(", ")}]: ${formatBytes(tensorBytes)} for one item, over the server's limit of ${formatBytes(limits.maxTensorBytes)} per tensor`,
        );
      }
      bytesPerItem += tensorBytes;
    }
  }
  const cap = limits.maxBatch ?? 64;
  const maxBatch = batchAxis === null ? 1 : Math.max(1, Math.min(cap, Math.floor(limits.maxTensorBytes / Math.max(1, bytesPerItem))));
  const weightBytes = inspection.initializers.reduce((sum, t) => sum + t.presentBytes, 0);
  const defaultOpset = inspection.opsets.find((o) => o.domain === "ai.onnx")?.version ?? 0;
  return {
    ok: true,
    inspection,
    spec: {
      inputs,
      outputs,
      batchAxis,
      maxBatch,
      axisDefaults,
      parameters: inspection.parameterCount,
      weightBytes,
      opset: defaultOpset,
      producer: inspection.producer.name ? `${inspection.producer.name} ${inspection.producer.version}`.trim() : null,
    },
  };
}
