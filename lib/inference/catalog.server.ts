import "server-only";
import { existsSync } from "node:fs";
import { HttpError } from "@/lib/http/errors";
import type { InferenceModel } from "./model";
import { registryModels } from "./registry-source.server";
import { uploadedModels } from "./uploads/store.server";

/**
 * Models the server can run, the one place the catalogue is built: the
 * project's registry (lib/models), the models instructors uploaded
 * (lib/inference/uploads, read from the models folder, so every server copy
 * and instance on that folder sees them) and any registered at run time (test
 * fixtures, bench scripts). Ids are unique; uploads may not take a registry
 * id; a run-time model with a known id replaces it.
 */
const globalForCatalog = globalThis as unknown as { inferenceLabExtraModels?: Map<string, InferenceModel> };
const extra: Map<string, InferenceModel> = (globalForCatalog.inferenceLabExtraModels ??= new Map());

export function registerModel(model: InferenceModel): void {
  extra.set(model.id, model);
}

export function listModels(): InferenceModel[] {
  const byId = new Map(registryModels().map((m) => [m.id, m]));
  for (const model of uploadedModels()) if (!byId.has(model.id)) byId.set(model.id, model);
  for (const [id, model] of extra) byId.set(id, model);
  return [...byId.values()];
}

export function findModel(id: string): InferenceModel | undefined {
  return extra.get(id) ?? registryModels().find((m) => m.id === id) ?? uploadedModels().find((m) => m.id === id);
}

/** The model, or a 404 listing what exists; a model whose file was never built is a 404 naming the build step. */
export function requireModel(id: string): InferenceModel {
  const model = findModel(id);
  if (!model) {
    const known = listModels().map((m) => m.id);
    throw new HttpError(404, `unknown model "${id}"${known.length ? `; models are ${known.join(", ")}` : ""}`);
  }
  if (model.verify) model.verify();
  else if (!existsSync(model.file)) throw new HttpError(404, `model ${id} is registered but its file is missing (${model.file}); run npm run models:build`);
  return model;
}

export function modelReady(model: InferenceModel): boolean {
  return existsSync(model.file);
}
