import "server-only";
import path from "node:path";
import { Tensor } from "onnxruntime-node";
import { modelFilePath, ModelFileError, repoRoot } from "@/lib/models/files.server";
import { evaluationOf, getModel, makeInput, models, type ModelSpec } from "@/lib/models/registry";
import { HttpError } from "@/lib/http/errors";
import type { InferenceModel } from "./model";
import type { Feeds } from "./tensors.server";

/** Adapter from lib/models' registry to the engine's model shape. */
function toInferenceModel(spec: ModelSpec): InferenceModel {
  return {
    id: spec.id,
    title: spec.title,
    file: path.join(repoRoot(), spec.file),
    inputs: spec.inputs.map(({ name, dtype, shape, allowedValues }) => ({ name, dtype, shape, ...(allowedValues ? { allowedValues } : {}) })),
    outputs: spec.outputs.map(({ name, dtype, shape }) => ({ name, dtype, shape })),
    batchAxis: spec.batchAxis ? 0 : null,
    maxBatch: spec.batchAxis ? spec.maxBatch : 1,
    flopsPerItem: spec.flopsPerItem,
    weightBytes: spec.weightBytes,
    parameters: spec.parameters,
    axisDefaults: spec.axisDefaults,
    sessionConfig: spec.sessionOptions,
    catalog: {
      task: spec.task,
      variant: spec.variant,
      baseId: spec.baseId,
      license: spec.source.license,
      source: spec.source.kind === "npm" ? `${spec.source.package}@${spec.source.version}/${spec.source.path}` : spec.source.script,
      evaluation: evaluationOf(spec.id) ?? null,
    },
    // The registry's generator knows each input's range and constants (a VAD's sample rate), and matches the browser's.
    makeInput: (batch: number, seed: number): Feeds =>
      Object.fromEntries(makeInput(spec, batch, seed).map((t) => [t.name, new Tensor(t.dtype, t.data as Float32Array, t.dims)])),
    verify: () => {
      try {
        modelFilePath(spec);
      } catch (error) {
        if (error instanceof ModelFileError) {
          throw new HttpError(/is missing/.test(error.message) ? 404 : 503, error.message);
        }
        throw error;
      }
    },
  };
}

let cached: InferenceModel[] | undefined;

export function registryModels(): InferenceModel[] {
  cached ??= models.map(toInferenceModel);
  return cached;
}

export function registryModel(id: string): InferenceModel | undefined {
  return getModel(id) ? registryModels().find((m) => m.id === id) : undefined;
}
