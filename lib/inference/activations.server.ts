import "server-only";
import { readFileSync } from "node:fs";
import { InferenceSession } from "onnxruntime-node";
import { asModel, encodeProto } from "@/lib/models/onnx-builder";
import { generateFeeds } from "./inputs.server";
import { type ActivationFootprint, footprintFrom } from "./memory";
import type { InferenceModel } from "./model";
import type { Feeds } from "./tensors.server";

export const ACTIVATION_METHOD =
  "measured on the server: the unoptimised graph run once at batch 1 and once at batch 2 with every intermediate tensor exposed as an output, their bytes summed; the runtime reuses buffers, so this bounds what is live at once from above";

const globalForActivations = globalThis as unknown as { inferenceLabActivations?: Map<string, Promise<ActivationFootprint>> };
const cache: Map<string, Promise<ActivationFootprint>> = (globalForActivations.inferenceLabActivations ??= new Map());

/** The model with every node output that is not already a graph output listed as one. */
function exposeIntermediates(file: string): { bytes: Uint8Array; names: Set<string> } {
  const model = asModel(new Uint8Array(readFileSync(file)));
  const outputs = new Set(model.graph.output.map((o) => o.name));
  const names = new Set<string>();
  for (const n of model.graph.node) {
    // Constants hold weights and shapes, not activations.
    if (n.opType === "Constant") continue;
    for (const name of n.output) if (name && !outputs.has(name)) names.add(name);
  }
  for (const name of names) model.graph.output.push({ name });
  return { bytes: encodeProto(model), names };
}

async function measureFootprint(model: InferenceModel): Promise<ActivationFootprint> {
  const { bytes, names } = exposeIntermediates(model.file);
  // Optimisation would fuse nodes and drop the very intermediates being counted.
  const session = await InferenceSession.create(bytes, { graphOptimizationLevel: "disabled", logSeverityLevel: 3, intraOpNumThreads: 1 });
  try {
    const total = async (batch: number) => {
      const out = (await session.run(generateFeeds(model, batch, 1))) as Feeds;
      let sum = 0;
      for (const name of names) {
        const data = out[name]?.data as { byteLength?: number } | undefined;
        sum += data?.byteLength ?? 0;
      }
      return sum;
    };
    const one = await total(1);
    return model.batchAxis === null ? { fixedBytes: one, perItemBytes: 0 } : footprintFrom(one, await total(2));
  } finally {
    await session.release();
  }
}

/** A model's activation footprint, measured once per process. */
export function activationFootprint(model: InferenceModel): Promise<ActivationFootprint> {
  const key = `${model.id}|${model.file}`;
  let pending = cache.get(key);
  if (!pending) {
    pending = measureFootprint(model);
    cache.set(key, pending);
    pending.catch(() => cache.delete(key));
  }
  return pending;
}
