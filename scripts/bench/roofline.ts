// npm run bench:roofline — the roofline's ceilings on the server cpu lane as the
// lab measures them (lib/inference/ceilings.server.ts), checked two ways: the
// bandwidth ceiling against an independent plain loop of session.run over the
// same 256 MiB probe, and the compute ceiling against what a batched wide GEMM
// (mlp-wide through the engine's offline sweep) reaches. Prints one table. Not
// a test: numbers depend on the machine and on what else runs on its cores.
import { InferenceSession, Tensor } from "onnxruntime-node";
import { requireModel } from "@/lib/inference/catalog.server";
import { generateFeeds } from "@/lib/inference/inputs.server";
import { CEILING_MEASURE, laneCeilings } from "@/lib/inference/ceilings.server";
import { cpuCores, getLane } from "@/lib/inference/lanes.server";
import { arithmeticIntensity, regimeOf } from "@/lib/inference/roofline";
import { runOffline } from "@/lib/inference/scenarios.server";
import { getRunner, releaseAllRunners } from "@/lib/inference/sessions.server";
import { buildProbe, PROBE_SETS, probeBytes, probeInput } from "@/lib/models/ceiling-probes";
import { getModel } from "@/lib/models/registry";

process.env.ORT_DISABLE_TELEMETRY = "1";
const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const rows: Array<[string, string, string, string]> = [];
const fmt = (v: number, digits = 1) => v.toFixed(digits);

/** The same probe as the ceiling, timed by nothing but a for loop and the wall clock around it. */
async function independentBandwidth(threads: number): Promise<number> {
  const shape = PROBE_SETS.native.bandwidth;
  const session = await InferenceSession.create(buildProbe(shape, "bandwidth"), { executionProviders: ["cpu"], graphOptimizationLevel: "all", intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: "sequential" });
  try {
    const feeds = { input: new Tensor("float32", probeInput(shape), [shape.batch, shape.inWidth]) };
    for (let i = 0; i < 3; i += 1) await session.run(feeds);
    let calls = 0;
    const started = performance.now();
    while (performance.now() - started < SECONDS * 1000) {
      await session.run(feeds);
      calls += 1;
    }
    const msPerCall = (performance.now() - started) / calls;
    return probeBytes(shape) / (msPerCall * 1e6);
  } finally {
    await session.release();
  }
}

/** A copy of the same number of bytes by the JS engine's own memcpy: context, not a check (it reads and writes). */
function memcpyGBps(): number {
  const bytes = 4 * PROBE_SETS.native.bandwidth.inWidth * PROBE_SETS.native.bandwidth.outWidth;
  const src = new Float32Array(bytes / 4).fill(1);
  const dst = new Float32Array(bytes / 4);
  dst.set(src);
  let copies = 0;
  const started = performance.now();
  while (performance.now() - started < SECONDS * 500) {
    dst.set(src);
    copies += 1;
  }
  return (2 * bytes * copies) / ((performance.now() - started) * 1e6);
}

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const medianOf = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;

async function main(): Promise<void> {
  const lane = await getLane("cpu");
  const threads = cpuCores();
  console.log(`cpu: ${lane.device}; ${threads} intra-op threads; ${SECONDS} s per loop (BENCH_SECONDS), ${ROUNDS} interleaved rounds (BENCH_ROUNDS), medians shown`);
  const measureFor = { ...CEILING_MEASURE, minDurationMs: SECONDS * 1000 };
  const model = requireModel("mlp-wide");
  const spec = getModel("mlp-wide")!;
  const { runner } = await getRunner(model, lane, { threads });
  await runner.run(generateFeeds(model, 1, 1));
  const sweepMeasure = { warmupRuns: 3, minRuns: 10, minDurationMs: SECONDS * 500, maxRuns: 100_000, maxDurationMs: SECONDS * 5000 };

  // Each round measures the lab's ceilings, then the checks right after them, so load from
  // other processes drifts as little as possible between a ceiling and what it is compared with.
  const rounds: Array<{ ceilings: Awaited<ReturnType<typeof laneCeilings>>; independent: number; gemm: Awaited<ReturnType<typeof runOffline>> }> = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    const ceilings = await laneCeilings({ lane: "cpu", threads, remeasure: true }, measureFor);
    const independent = await independentBandwidth(threads);
    const gemm = await runOffline(runner, { kind: "offline", maxBatch: 256, measure: sweepMeasure });
    rounds.push({ ceilings, independent, gemm });
    console.error(`[bench] round ${round + 1}: ${ceilings.bandwidthGBps} GB/s (loop ${independent.toFixed(1)}), ${ceilings.computeGflops} GFLOP/s`);
  }
  const bw = medianOf(rounds.map((r) => r.ceilings.bandwidthGBps));
  const independent = medianOf(rounds.map((r) => r.independent));
  const compute = medianOf(rounds.map((r) => r.ceilings.computeGflops));
  const roof = { bandwidthGBps: bw, computeGflops: compute };
  const ratio = medianOf(rounds.map((r) => r.ceilings.bandwidthGBps / r.independent));
  rows.push([`bandwidth ceiling (lab: ${rounds[0]!.ceilings.note})`, `${fmt(bw)} GB/s`, "", ""]);
  rows.push(["independent loop of session.run over the same tensor", `${fmt(independent)} GB/s (lab ÷ loop, median of rounds: ${fmt(ratio, 2)})`, "±20%", Math.abs(ratio - 1) <= 0.2 ? "PASS" : "FAIL"]);
  rows.push(["JS memcpy of 256 MiB (TypedArray.set; reads + writes)", `${fmt(memcpyGBps())} GB/s`, "context", ""]);
  rows.push([`compute ceiling (fastest of GEMMs ${PROBE_SETS.native.compute.map((c) => `${c.batch}×${c.inWidth}×${c.outWidth}`).join(", ")})`, `${fmt(compute)} GFLOP/s`, "", ""]);
  rows.push(["ridge point", `${fmt(compute / bw, 2)} FLOP/byte`, "", ""]);
  const batches = rounds[0]!.gemm.points.map((p) => p.batch);
  const shares: number[] = [];
  for (const batch of batches) {
    const gflops = medianOf(rounds.map((r) => r.gemm.points.find((p) => p.batch === batch)?.gflopsPerSecond ?? 0));
    const intensity = arithmeticIntensity(spec, batch)!;
    rows.push([`mlp-wide batch ${batch} (${fmt(intensity, 2)} FLOP/byte)`, `${fmt(gflops)} GFLOP/s = ${fmt((100 * gflops) / compute)}% of compute, ${regimeOf(intensity, gflops, roof)}`, "", ""]);
  }
  // Per round: the wide GEMM's best point against the ceiling measured just before it.
  for (const r of rounds) shares.push(Math.max(...r.gemm.points.map((p) => p.gflopsPerSecond ?? 0)) / r.ceilings.computeGflops);
  const share = medianOf(shares);
  rows.push(["batched wide GEMM, best share of the compute ceiling (median of rounds)", `${fmt(100 * share)}%`, "≥ 70%", share >= 0.7 ? "PASS" : "FAIL"]);
  await releaseAllRunners();

  const widths = [0, 1, 2, 3].map((c) => Math.max(...[["check", "measured", "target", "result"], ...rows].map((r) => r[c]!.length)));
  const line = (r: string[]) => `| ${r.map((cell, c) => cell.padEnd(widths[c]!)).join(" | ")} |`;
  console.log(line(["check", "measured", "target", "result"]));
  console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
  for (const row of rows) console.log(line(row));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
