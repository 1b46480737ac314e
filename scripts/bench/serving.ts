// npm run bench:serving — open-loop serving on the server CPU lane, in process, with the
// engine the benchmark jobs use (lib/inference/scenarios.server.ts): first the model's
// capacity at batch 1, then Poisson arrivals at fractions and multiples of it, with
// dynamic batching off and on. Prints one table: target, drawn and achieved arrival
// rates, what was served, p50/p99, rejections, and Little's law (L against λ × W).
// Not a test: numbers depend on the machine and on what else runs on its cores.
import { requireModel } from "@/lib/inference/catalog.server";
import { getLane } from "@/lib/inference/lanes.server";
import { RATE_TOLERANCE, STABLE_TOLERANCE } from "@/lib/inference/open-loop";
import { runServer, runSingleStream } from "@/lib/inference/scenarios.server";
import { getRunner, releaseAllRunners } from "@/lib/inference/sessions.server";
import type { WireBatching } from "@/lib/inference/wire";

process.env.ORT_DISABLE_TELEMETRY = "1";
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const MODEL = process.env.BENCH_MODEL ?? "mlp-wide-int8-dynamic";
const THREADS = Number(process.env.BENCH_THREADS ?? 1);
/** Enough arrivals that the drawn schedule is within ±4% of the target by chance (2σ = 2/√n). */
const MIN_ARRIVALS = 2500;

const header = ["batching", "target/s", "drawn/s", "achieved/s", "vs target", "served/s", "p50 ms", "p99 ms", "rejected", "L", "λ×W", "L/(λW)", "stable", "rate ±5%", "Little ±10%"];
const rows: string[][] = [];
const f = (v: number | null | undefined, digits = 1) => (v === null || v === undefined ? "—" : v.toFixed(digits));

async function main(): Promise<void> {
  const lane = await getLane("cpu");
  const model = requireModel(MODEL);
  const { runner } = await getRunner(model, lane, { threads: THREADS });
  const single = await runSingleStream(runner, { kind: "single-stream", batch: 1, measure: { warmupRuns: 20, minRuns: 200, minDurationMs: SECONDS * 1000, maxRuns: 1_000_000, maxDurationMs: 30_000 } });
  const capacity = single.itemsPerSecond;
  console.log(`cpu: ${lane.device}; model ${model.id}, ${THREADS} thread(s); batch-1 capacity ${f(capacity)} req/s (p50 ${f(single.latencyMs.p50, 3)} ms); ≥ ${MIN_ARRIVALS} arrivals and ≥ ${SECONDS} s per point`);

  const plans: Array<{ label: string; batching: WireBatching; multiples: number[] }> = [
    { label: "off", batching: { maxBatchSize: 1, maxQueueDelayMs: 0, maxQueueSize: 64 }, multiples: [0.5, 0.8, 0.95, 1.2, 1.6] },
    { label: "max 16, 2 ms", batching: { maxBatchSize: 16, maxQueueDelayMs: 2, maxQueueSize: 64 }, multiples: [0.5, 1.2, 2, 3] },
  ];
  let rateFails = 0;
  let littleFails = 0;
  for (const plan of plans) {
    for (const multiple of plan.multiples) {
      const rate = Math.round(capacity * multiple);
      console.error(`[bench] batching ${plan.label}: ${rate} req/s (${multiple}× capacity)`);
      const result = await runServer(runner, {
        kind: "server",
        load: { mode: "poisson", rate },
        batching: plan.batching,
        warmupRequests: 50,
        minRequests: MIN_ARRIVALS,
        minDurationMs: SECONDS * 1000,
        maxRequests: 1_000_000,
        maxDurationMs: 60_000,
      });
      const point = result.points[0]!;
      if (!("openLoop" in point)) throw new Error("expected an open-loop point");
      const o = point.openLoop;
      const law = o.littlesLaw;
      const vsTarget = o.achievedRate === null ? null : o.achievedRate / rate - 1;
      // "Up to saturation": the goal covers loads the server keeps up with.
      const belowSaturation = point.rejected === 0 && point.throughputPerSecond >= (o.achievedRate ?? 0) * (1 - STABLE_TOLERANCE);
      const rateOk = vsTarget !== null && Math.abs(vsTarget) <= RATE_TOLERANCE;
      const littleOk = law?.ratio != null && Math.abs(law.ratio - 1) <= 0.1;
      if (belowSaturation && !rateOk) rateFails += 1;
      if (o.stable && !littleOk) littleFails += 1;
      rows.push([
        plan.label,
        String(rate),
        f(o.scheduledRate),
        f(o.achievedRate),
        vsTarget === null ? "—" : `${vsTarget >= 0 ? "+" : ""}${f(vsTarget * 100)}%`,
        f(point.throughputPerSecond),
        f(point.latencyMs.p50, 2),
        f(point.latencyMs.p99, 2),
        String(point.rejected),
        f(law?.meanInSystem, 2),
        f(law?.predictedInSystem, 2),
        f(law?.ratio, 3),
        o.stable ? "yes" : "no",
        belowSaturation ? (rateOk ? "PASS" : "FAIL") : "past saturation",
        o.stable ? (littleOk ? "PASS" : "FAIL") : "unstable run",
      ]);
    }
  }
  await releaseAllRunners();
  const widths = header.map((_, c) => Math.max(...[header, ...rows].map((r) => r[c]!.length)));
  const line = (r: string[]) => `| ${r.map((cell, c) => cell.padEnd(widths[c]!)).join(" | ")} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
  for (const row of rows) console.log(line(row));
  console.log("throughput vs p99: the served/s and p99 columns, one curve per batching setting; L is measured from the occupancy timeline, λ and W from the arrivals.");
  process.exit(rateFails + littleFails > 0 ? 1 : 0);
}

// CommonJS under tsx (package.json has no "type"): no top-level await.
main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
