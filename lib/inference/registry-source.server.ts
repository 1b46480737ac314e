import "server-only";
import type { InferenceModel } from "./model";

/** Adapter from lib/models' registry to the engine's model shape. */
export function registryModels(): InferenceModel[] {
  return [];
}
