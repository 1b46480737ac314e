import "server-only";
/** onnxruntime-node sessions for a registry model, as the build, eval and tests use them (the app's engine lives in lib/inference). */
import * as ort from "onnxruntime-node";
import { modelFilePath } from "./files.server";
import type { InputTensor, ModelSpec } from "./registry";

export async function createCpuSession(spec: ModelSpec, threads = 1): Promise<ort.InferenceSession> {
  const file = modelFilePath(spec);
  return ort.InferenceSession.create(file, {
    executionProviders: ["cpu"],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: "all",
    extra: { ...spec.sessionOptions },
  });
}

export function toFeeds(inputs: readonly InputTensor[]): Record<string, ort.Tensor> {
  return Object.fromEntries(inputs.map((t) => [t.name, new ort.Tensor(t.dtype, t.data, t.dims)]));
}
