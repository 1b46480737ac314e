// npm run bench:hybrid — the hybrid CPU+GPU router, simulated against a live run on this
// machine's two server lanes (cpu and webgpu, which here is SwiftShader: a software GPU on
// the same two cores). In process, with the engine the benchmark jobs use: first each
// lane's profile (a batch sweep), then for each policy the live run (lib/inference/hybrid.server.ts,
// with the lanes' contention measured before it) and the simulation of the same schedule
// (lib/inference/hybrid-sim.ts), without and with that contention. Prints one table with
// the differences; goal: throughput and p50 within ±15%, p99 within ±25%, below saturation.
// Also times the simulation itself on 100,000 requests. Not a test: numbers depend on the
// machine and on what else runs on its cores.
import { requireModel } from "@/lib/inference/catalog.server";
import { differencePercent, type HybridOutcome, type HybridPolicy, type HybridWorkload, type LaneProfile, policyLabel, profileFromSweep, simulateHybrid } from "@/lib/inference/hybrid-sim";
import { runHybrid } from "@/lib/inference/hybrid.server";
import { getLane } from "@/lib/inference/lanes.server";
import { runOffline } from "@/lib/inference/scenarios.server";
import { getRunner, releaseAllRunners, type Runner } from "@/lib/inference/sessions.server";

process.env.ORT_DISABLE_TELEMETRY = "1";
const MODEL = process.env.BENCH_MODEL ?? "digits-mlp";
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 1500);
/** Offered load as a fraction of the busier lane's capacity under the threshold policy. */
const LOAD = Number(process.env.BENCH_LOAD ?? 0.3);
const LARGE = 32;
const GOALS = { throughput: 15, p50: 15, p99: 25 };

const f = (v: number | null | undefined, digits = 1) => (v === null || v === undefined || !Number.isFinite(v) ? "—" : v.toFixed(digits));
const pct = (v: number | null) => (v === null ? "—" : `${v >= 0 ? "+" : ""}${v.toFixed(1)}%`);

async function profileOf(runner: Runner): Promise<LaneProfile> {
  const sweep = await runOffline(runner, { kind: "offline", maxBatch: LARGE, measure: { warmupRuns: 5, minRuns: 40, minDurationMs: 400, maxRuns: 100_000, maxDurationMs: 3000 } });
  return profileFromSweep(sweep.points, { lane: `server-${runner.lane.id}`, modelId: runner.model.id, device: runner.lane.device, software: runner.lane.software === true, source: "offline batch sweep, this run" });
}

async function main(): Promise<void> {
  const model = requireModel(MODEL);
  const lanes = [await getLane("cpu"), await getLane("webgpu")];
  if (!lanes[1]!.available) throw new Error(`the webgpu lane is unavailable here: ${lanes[1]!.reason}`);
  const runners = [(await getRunner(model, lanes[0]!, {})).runner, (await getRunner(model, lanes[1]!, {})).runner] as [Runner, Runner];
  for (const r of runners) await r.run((await import("@/lib/inference/inputs.server")).generateFeeds(model, 1, 1));
  console.error("[bench] profiling both lanes (batch sweep 1…32)");
  const profiles = [await profileOf(runners[0]), await profileOf(runners[1])] as [LaneProfile, LaneProfile];
  for (const p of profiles) console.log(`${p.lane} (${p.device}${p.software ? ", software GPU" : ""}): ${p.points.map((q) => `b${q.batch} ${f(q.meanMs, 3)} ms`).join(", ")}`);

  // A mix of single items and batches of 32; the rate is a fraction of what the threshold policy's busier lane can take.
  const mix = [{ items: 1, percent: 80 }, { items: LARGE, percent: 20 }];
  const at = (p: LaneProfile, batch: number) => p.points.find((q) => q.batch === batch)!.meanMs;
  const thresholdCapacity = 1000 / Math.max(0.8 * at(profiles[0], 1), 0.2 * at(profiles[1], LARGE));
  const rate = Math.round(thresholdCapacity * LOAD);
  const workload: HybridWorkload = { rate, mix, requests: REQUESTS, seed: 11 };
  console.log(`model ${model.id}; workload: Poisson ${rate} req/s (${LOAD} of the threshold policy's capacity), 80% 1 item, 20% ${LARGE} items, ${REQUESTS} requests`);

  // The simulation's own speed: 100,000 requests, least expected completion with batching (the costliest rule).
  const speed: HybridWorkload = { ...workload, requests: 100_000 };
  simulateHybrid({ profiles, workload: { ...speed, requests: 1000 }, policy: { kind: "least-completion" }, batching: [null, null] });
  const timings: number[] = [];
  for (let i = 0; i < 5; i += 1) {
    const t0 = performance.now();
    simulateHybrid({ profiles, workload: speed, policy: { kind: "least-completion" }, batching: [{ maxBatch: 64, maxWaitMs: 2 }, { maxBatch: 64, maxWaitMs: 2 }] });
    timings.push(performance.now() - t0);
  }
  timings.sort((a, b) => a - b);
  console.log(`simulation speed: 100,000 requests in ${f(timings[2], 1)} ms (median of 5; fastest ${f(timings[0], 1)} ms) in Node on this machine; goal < 200 ms`);

  const policies: HybridPolicy[] = [{ kind: "threshold", threshold: 8 }, { kind: "least-completion" }, { kind: "all-a" }];
  const header = ["policy", "source", "req/s", "p50 ms", "p99 ms", "util A", "util B", "on A", "on B", "Δ req/s", "Δ p50", "Δ p99", "verdict"];
  const rows: string[][] = [];
  let failures = 0;
  for (const policy of policies) {
    console.error(`[bench] live: ${policyLabel(policy)}`);
    const live = await runHybrid(runners, { kind: "hybrid", workload, policy, batching: [null, null], profiles, warmupRequests: 20, measureContention: true });
    const contention = live.contention!;
    const plain = simulateHybrid({ profiles, workload, policy, batching: [null, null] });
    const shared = simulateHybrid({ profiles, workload, policy, batching: [null, null], contention, senderLagQuantilesMs: null });
    const withLag = simulateHybrid({ profiles, workload, policy, batching: [null, null], contention, senderLagQuantilesMs: live.ownSenderLagMs?.quantiles });
    const row = (source: string, o: HybridOutcome, compare: boolean): string[] => {
      const d = { throughput: differencePercent(o.throughputPerSecond, live.outcome.throughputPerSecond), p50: differencePercent(o.latencyMs.p50, live.outcome.latencyMs.p50), p99: differencePercent(o.latencyMs.p99, live.outcome.latencyMs.p99) };
      const ok = d.throughput !== null && Math.abs(d.throughput) <= GOALS.throughput && d.p50 !== null && Math.abs(d.p50) <= GOALS.p50 && d.p99 !== null && Math.abs(d.p99) <= GOALS.p99;
      const saturated = Math.max(live.outcome.lanes[0].utilisation, live.outcome.lanes[1].utilisation) > 0.95;
      if (compare && source === "sim + contention + sender lag" && !ok && !saturated) failures += 1;
      return [
        policyLabel(policy),
        source,
        f(o.throughputPerSecond),
        f(o.latencyMs.p50, 3),
        f(o.latencyMs.p99, 3),
        f(o.lanes[0].utilisation, 2),
        f(o.lanes[1].utilisation, 2),
        String(o.lanes[0].requests),
        String(o.lanes[1].requests),
        compare ? pct(d.throughput) : "",
        compare ? pct(d.p50) : "",
        compare ? pct(d.p99) : "",
        compare ? (saturated ? "saturated" : ok ? "PASS" : "FAIL") : "",
      ];
    };
    rows.push(row("live", live.outcome, false));
    rows.push(row("sim, no contention", plain, true));
    const model = `a ${f(contention.a, 2)} b ${f(contention.b, 2)}${contention.blocking === null ? "" : `, ${contention.blocking === 1 ? "B" : "A"} holds host`}`;
    rows.push(row(`sim + contention (${model})`, shared, true));
    rows.push(row(`sim + contention + sender lag`, withLag, true));
    console.log(`  ${policyLabel(policy)}: contention measured at batch ${contention.batch}: cpu ${f(contention.aloneMs[0], 3)} → ${f(contention.togetherMs[0], 3)} ms, webgpu ${f(contention.aloneMs[1], 3)} → ${f(contention.togetherMs[1], 3)} ms; event loop held ${f(contention.heldShare[0] * 100, 0)}% / ${f(contention.heldShare[1] * 100, 0)}% of each lane's solo time; sender lag p50 ${f(live.senderLagMs.p50, 2)} p99 ${f(live.senderLagMs.p99, 2)} ms (own: p50 ${f(live.ownSenderLagMs?.p50, 2)} p99 ${f(live.ownSenderLagMs?.p99, 2)} ms)`);
  }
  await releaseAllRunners();
  const widths = header.map((_, c) => Math.max(...[header, ...rows].map((r) => r[c]!.length)));
  const line = (r: string[]) => `| ${r.map((cell, c) => cell.padEnd(widths[c]!)).join(" | ")} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
  for (const r of rows) console.log(line(r));
  console.log(`Δ: simulated minus live, in % of live. Goal below saturation: req/s and p50 within ±${GOALS.throughput}%, p99 within ±${GOALS.p99}% (judged on the last row of each policy: contention and the live sender's lag, both measured in that run).`);
  console.log("Both lanes run on this machine's two CPU cores (the webgpu lane is SwiftShader, a software GPU), and other work on the machine moves every figure.");
  process.exit(failures > 0 ? 1 : 0);
}

// CommonJS under tsx (package.json has no "type"): no top-level await.
main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
