import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { InferenceModel } from "@/lib/inference/model";
import { seededRandom } from "@/lib/random";
import { buildMlp } from "./fixture-model";

process.env.ORT_DISABLE_TELEMETRY = "1";

/** Fixture MLPs as InferenceModels, written to a fresh temp directory. */
export function fixtureModel(id: string, dims: number[], maxBatch = 64): InferenceModel {
  const dir = mkdtempSync(path.join(os.tmpdir(), "inference-test-"));
  const file = buildMlp(path.join(dir, `${id}.onnx`), dims);
  return {
    id,
    title: id,
    file,
    inputs: [{ name: "input", dtype: "float32", shape: ["batch", dims[0]!] }],
    outputs: [{ name: "output", dtype: "float32", shape: ["batch", dims[dims.length - 1]!] }],
    batchAxis: 0,
    maxBatch,
    flopsPerItem: dims.slice(1).reduce((sum, d, i) => sum + 2 * dims[i]! * d, 0),
  };
}

export function seededFloats(count: number, seed: number): Float32Array {
  const random = seededRandom(seed);
  return Float32Array.from({ length: count }, () => random() - 0.5);
}
