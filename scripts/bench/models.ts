import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { onnx } from "onnx-proto";
import { findModel, registerModel } from "@/lib/inference/catalog.server";
import type { InferenceModel } from "@/lib/inference/model";

/**
 * The bench uses the registry's mlp-narrow and mlp-wide when they are built
 * (npm run models:build); otherwise it writes stand-ins of the same kind (a small MLP, and a wide
 * memory-bound one) so the script still runs on a fresh checkout.
 */
const FALLBACKS: Record<string, number[]> = {
  "mlp-narrow": [64, 256, 10],
  "mlp-wide": [4096, 4096, 4096],
};

function writeMlp(file: string, dims: number[]): void {
  let state = 1;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32 - 0.5;
  };
  const initializer: onnx.ITensorProto[] = [];
  const node: onnx.INodeProto[] = [];
  let current = "input";
  for (let i = 0; i < dims.length - 1; i += 1) {
    const [a, b] = [dims[i]!, dims[i + 1]!];
    const w = Float32Array.from({ length: a * b }, () => next() / Math.sqrt(a));
    initializer.push({ name: `w${i}`, dataType: 1, dims: [a, b], rawData: new Uint8Array(w.buffer) });
    initializer.push({ name: `b${i}`, dataType: 1, dims: [b], rawData: new Uint8Array(new Float32Array(b).buffer) });
    const last = i === dims.length - 2;
    node.push({ opType: "MatMul", input: [current, `w${i}`], output: [`m${i}`] });
    node.push({ opType: "Add", input: [`m${i}`, `b${i}`], output: [last ? "output" : `a${i}`] });
    if (!last) node.push({ opType: "Relu", input: [`a${i}`], output: [`r${i}`] });
    current = `r${i}`;
  }
  const info = (name: string, d: number): onnx.IValueInfoProto => ({ name, type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: "batch" }, { dimValue: d }] } } } });
  const bytes = onnx.ModelProto.encode({
    irVersion: 8,
    opsetImport: [{ domain: "", version: 17 }],
    graph: { name: "mlp", node, initializer, input: [info("input", dims[0]!)], output: [info("output", dims[dims.length - 1]!)] },
  }).finish();
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, bytes);
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
