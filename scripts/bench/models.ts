import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { findModel, registerModel } from "@/lib/inference/catalog.server";
import type { InferenceModel } from "@/lib/inference/model";
import { randomLayers } from "@/lib/models/layers";
import { mlpToOnnx } from "@/lib/models/mlp";

/**
 * The bench uses the registry's mlp-narrow and mlp-wide when they are built
 * (npm run models:build); otherwise it writes stand-ins of the same kind (a small MLP, and a wide
 * memory-bound one) so the script still runs on a fresh checkout.
 */
const FALLBACKS: Record<string, number[]> = {
  "mlp-narrow": [64, 256, 10],
  "mlp-wide": [4096, 4096, 4096],
};

/** The registry's own builder for generated stacks (scripts/models/build-main.ts), at seed 1. */
function writeMlp(file: string, dims: number[]): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, mlpToOnnx({ name: "mlp", layers: randomLayers(dims, 1) }));
}

export function benchModel(id: "mlp-narrow" | "mlp-wide"): { model: InferenceModel; source: string } {
  const existing = findModel(id);
  if (existing && existsSync(existing.file)) return { model: existing, source: existing.file.includes("generated/bench") ? "stand-in" : "registry" };
  const dims = FALLBACKS[id]!;
  const file = path.resolve("generated/bench", `${id}.onnx`);
  writeMlp(file, dims);
  const model: InferenceModel = {
    id,
    title: `${id} (bench stand-in ${dims.join("→")})`,
    file,
    inputs: [{ name: "input", dtype: "float32", shape: ["batch", dims[0]!] }],
    outputs: [{ name: "output", dtype: "float32", shape: ["batch", dims[dims.length - 1]!] }],
    batchAxis: 0,
    maxBatch: 256,
    flopsPerItem: dims.slice(1).reduce((sum, d, i) => sum + 2 * dims[i]! * d, 0),
  };
  registerModel(model);
  return { model, source: `stand-in ${dims.join("→")}` };
}
