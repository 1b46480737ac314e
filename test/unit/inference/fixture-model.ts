import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { randomLayers } from "@/lib/models/layers";
import { mlpToOnnx } from "@/lib/models/mlp";

/**
 * A tiny MLP written straight to ONNX by the builder the registry's generated
 * stacks use, so these tests do not depend on the registry's build step.
 * Seeded weights keep outputs stable.
 */
export function buildMlp(file: string, dims: number[], seed = 1): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, mlpToOnnx({ name: "mlp", layers: randomLayers(dims, seed) }));
  return file;
}
