import evaluation from "@/lib/models/evaluation.json";
import { models, type ModelSpec } from "@/lib/models/registry";

/**
 * Models offered to browsers: a learner's tab should not download more than
 * this. mlp-wide (134 MB of fp32 weights) and its int8 copies stay server-only.
 */
export const BROWSER_MAX_MODEL_BYTES = 24 * 1024 * 1024;

const measured = evaluation.models as Record<string, { sizeBytes?: number; metric?: { name: string; value: number; baseline?: number; samples?: number } }>;

export function modelSizeBytes(spec: ModelSpec): number | null {
  return measured[spec.id]?.sizeBytes ?? null;
}

export function modelMetric(id: string) {
  return measured[id]?.metric ?? null;
}

export function browserCanRun(spec: ModelSpec): boolean {
  const size = modelSizeBytes(spec) ?? spec.weightBytes ?? Number.POSITIVE_INFINITY;
  return size <= BROWSER_MAX_MODEL_BYTES;
}

export const browserModelIds: readonly string[] = models.filter(browserCanRun).map((m) => m.id);

/** Same-origin URL the runner downloads a model from (app/models/[file]). */
export function modelUrl(id: string): string {
  return `/models/${id}.onnx`;
}
