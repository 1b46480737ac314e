import { evaluationOf, models, type ModelSpec } from "@/lib/models/registry";

/**
 * Models offered to browsers: a learner's tab should not download more than
 * this. mlp-wide (134 MB of fp32 weights) and its int8 copies stay server-only.
 */
export const BROWSER_MAX_MODEL_BYTES = 24 * 1024 * 1024;

export function browserCanRun(spec: ModelSpec): boolean {
  const size = evaluationOf(spec.id)?.sizeBytes ?? spec.weightBytes ?? Number.POSITIVE_INFINITY;
  return size <= BROWSER_MAX_MODEL_BYTES;
}

export const browserModelIds: readonly string[] = models.filter(browserCanRun).map((m) => m.id);

/** Same-origin URL the runner downloads a model from (app/models/[file]). */
export function modelUrl(id: string): string {
  return `/models/${id}.onnx`;
}
