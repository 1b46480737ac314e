/**
 * `npm run models:eval`: measures every int8 variant against its fp32 base on
 * real data (held-out digits, text pages and lines drawn from them) and times both
 * on one CPU thread, then writes lib/models/evaluation.json, which lessons, the
 * capabilities endpoint and the tests read. Timings are medians of 20 runs at batch 1.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { compareWithBase, FULL_EVAL } from "@/lib/models/evaluate.server";
import { generatedModelsStaleReason, modelFilePath, repoRoot } from "@/lib/models/files.server";
import { decodeModel, weightStats } from "@/lib/models/onnx-builder";
import { countFlops } from "@/lib/models/flops.server";
import { getModel, makeInput, models, type ModelEvaluation, type ModelSpec } from "@/lib/models/registry";
import { nodeRunner } from "@/lib/models/runners.server";
import { createCpuSession, toFeeds } from "@/lib/models/session.server";

process.env.ORT_DISABLE_TELEMETRY = "1";


async function medianLatency(spec: ModelSpec, sessionOptions = spec.sessionOptions): Promise<number> {
  const session = await createCpuSession({ ...spec, sessionOptions }, 1);
  const feeds = toFeeds(makeInput(spec, 1, 1));
  try {
    for (let i = 0; i < 5; i += 1) await session.run(feeds);
    const times: number[] = [];
    for (let i = 0; i < 20; i += 1) {
      const start = performance.now();
      await session.run(feeds);
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    return Number(times[10]!.toFixed(3));
  } finally {
    await session.release();
  }
}

async function main() {
  if (generatedModelsStaleReason()) execFileSync("npx", ["tsx", "scripts/models/build.ts"], { stdio: "inherit" });
  const results: Record<string, ModelEvaluation> = {};
  for (const spec of models) {
    const file = modelFilePath(spec);
    const { parameters, weightBytes } = weightStats(decodeModel(readFileSync(file)));
    const evaluation: ModelEvaluation = { sizeBytes: statSync(file).size, parameters, weightBytes, latencyMs: await medianLatency(spec) };
    // Quantizing changes the arithmetic's type, not its amount: variants share their base's count.
    const { flops } =
      spec.variant === "fp32" ? await countFlops(readFileSync(file), toFeeds(makeInput(spec, 1, 1))) : { flops: results[spec.baseId]?.flopsPerItem ?? 0 };
    if (flops > 0) evaluation.flopsPerItem = flops;
    if (spec.variant !== "fp32") {
      const base = getModel(spec.baseId)!;
      const [variantRunner, baseRunner] = [await nodeRunner(spec), await nodeRunner(base)];
      evaluation.metric = await compareWithBase(spec, variantRunner.run, baseRunner.run, FULL_EVAL);
      await Promise.all([variantRunner.release(), baseRunner.release()]);
      evaluation.speedupVsFp32 = Number((results[base.id]!.latencyMs / evaluation.latencyMs).toFixed(2));
      if (spec.variant === "int8-weight") evaluation.latencyMsUnfolded = await medianLatency(spec, {});
    } else if (spec.task.startsWith("handwritten digit")) {
      const runner = await nodeRunner(spec);
      evaluation.metric = await compareWithBase(spec, runner.run, runner.run, FULL_EVAL);
      await runner.release();
    }
    results[spec.id] = evaluation;
    const metric = evaluation.metric ? ` ${evaluation.metric.name} ${evaluation.metric.value.toFixed(4)}` : "";
    process.stdout.write(`[models:eval] ${spec.id}: ${(evaluation.sizeBytes / 1e6).toFixed(2)} MB, ${evaluation.latencyMs} ms${metric}${evaluation.speedupVsFp32 ? `, ×${evaluation.speedupVsFp32} vs fp32` : ""}\n`);
  }
  const output = {
    note: "Written by npm run models:eval. flopsPerItem: Conv/ConvTranspose/MatMul/Gemm FLOPs (2 per multiply-add) counted from one run at batch 1 and the registry's default input size. Latency: median of 20 single-thread onnxruntime-node CPU runs at batch 1; metrics on held-out MNIST digits and text pages/lines composed from them.",
    measuredAt: new Date().toISOString(),
    machine: `${os.cpus()[0]?.model ?? "unknown CPU"}, ${os.cpus().length} cores`,
    models: results,
  };
  writeFileSync(path.join(repoRoot(), "lib/models/evaluation.json"), `${JSON.stringify(output, null, 2)}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
