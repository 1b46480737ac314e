import "server-only";
/** Runners for evaluation: the same model through onnxruntime-node (CPU) or onnxruntime-web's WASM backend under Node. */
import { readFileSync } from "node:fs";
import * as ortWeb from "onnxruntime-web";
import type { OutputTensor, Runner } from "./evaluate.server";
import { modelFilePath } from "./files.server";
import type { ModelSpec } from "./registry";
import { createCpuSession, toFeeds } from "./session.server";

function collect(results: Record<string, { data: unknown; dims: readonly number[] }>): Record<string, OutputTensor> {
  return Object.fromEntries(Object.entries(results).map(([name, t]) => [name, { data: t.data as Float32Array, dims: t.dims }]));
}

export async function nodeRunner(spec: ModelSpec, threads = 1): Promise<{ run: Runner; release: () => Promise<void> }> {
  const session = await createCpuSession(spec, threads);
  return { run: async (inputs) => collect(await session.run(toFeeds(inputs))), release: () => session.release() };
}

export async function wasmRunner(spec: ModelSpec): Promise<{ run: Runner; release: () => Promise<void> }> {
  ortWeb.env.wasm.numThreads = 1;
  const session = await ortWeb.InferenceSession.create(readFileSync(modelFilePath(spec)), { executionProviders: ["wasm"], extra: { ...spec.sessionOptions } });
  return {
    run: async (inputs) => collect(await session.run(Object.fromEntries(inputs.map((t) => [t.name, new ortWeb.Tensor(t.dtype, t.data, t.dims)])))),
    release: () => session.release(),
  };
}
