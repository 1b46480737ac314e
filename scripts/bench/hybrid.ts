// npm run bench:hybrid — the hybrid CPU+GPU router, simulated against a live run on this
// machine's two server lanes (cpu and webgpu, which here is SwiftShader: a software GPU on
// the same two cores). In process, with the engine the benchmark jobs use: first each
// lane's profile (a batch sweep), then for each policy the live run (lib/inference/hybrid.server.ts,
// with the lanes' contention measured before it) and the simulation of the same schedule
// (lib/inference/hybrid-sim.ts), without and with that contention. Prints one table with
// the differences; goal: throughput and p50 within ±15%, p99 within ±25%, below saturation.
// Also times the simulation itself on 100,000 requests, in Node and in headless Chromium. Not a test: numbers depend on the
// machine and on what else runs on its cores.
import path from "node:path";
import { build } from "esbuild";
import { requireModel } from "@/lib/inference/catalog.server";
import { differencePercent, type HybridOutcome, type HybridPolicy, type LaneBatching, type HybridWorkload, type LaneProfile, policyLabel, profileFromSweep, simulateHybrid } from "@/lib/inference/hybrid-sim";
import { runHybrid } from "@/lib/inference/hybrid.server";
import { getLane } from "@/lib/inference/lanes.server";
import { runOffline } from "@/lib/inference/scenarios.server";
import { getRunner, releaseAllRunners, type Runner } from "@/lib/inference/sessions.server";
import { chromiumPath, openBrowser } from "../../test/e2e/browser";

process.env.ORT_DISABLE_TELEMETRY = "1";
const MODEL = process.env.BENCH_MODEL ?? "digits-mlp";
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 1500);
/** Offered load as a fraction of the busier lane's capacity under the threshold policy. */
const LOAD = Number(process.env.BENCH_LOAD ?? 0.3);
const LARGE = 32;
const GOALS = { throughput: 15, p50: 15, p99: 25 };
/** The row each policy is judged on: every effect the live run measured before it started. */
const FULL = "sim + contention + lag + wake-up + timers";

const f = (v: number | null | undefined, digits = 1) => (v === null || v === undefined || !Number.isFinite(v) ? "—" : v.toFixed(digits));
const pct = (v: number | null) => (v === null ? "—" : `${v >= 0 ? "+" : ""}${v.toFixed(1)}%`);

async function profileOf(runner: Runner): Promise<LaneProfile> {
  const sweep = await runOffline(runner, { kind: "offline", maxBatch: LARGE, measure: { warmupRuns: 5, minRuns: 40, minDurationMs: 400, maxRuns: 100_000, maxDurationMs: 3000 } });
  return profileFromSweep(sweep.points, { lane: `server-${runner.lane.id}`, modelId: runner.model.id, device: runner.lane.device, software: runner.lane.software === true, source: "offline batch sweep, this run" });
}

/**
 * The simulation's speed where learners run it: lib/inference/hybrid-sim.ts
 * bundled for the browser (as Next bundles it for the router experiment) and
 * timed inside Debian's Chromium on 100,000 requests, least expected
 * completion with batching on both lanes; five runs after one warm-up.
 */
async function timeInChromium(profiles: [LaneProfile, LaneProfile], workload: HybridWorkload): Promise<number[]> {
  const bundle = await build({ entryPoints: [path.join(process.cwd(), "lib/inference/hybrid-sim.ts")], bundle: true, format: "iife", globalName: "HybridSim", platform: "browser", write: false, tsconfig: path.join(process.cwd(), "tsconfig.json"), logLevel: "silent" });
  const browser = await openBrowser();
  try {
    await browser.page.setContent("<!doctype html><title>hybrid simulation speed</title>");
    await browser.page.addScriptTag({ content: bundle.outputFiles[0]!.text });
    // A string, not a function: tsx's transform would put its own helpers into a function's source.
    const timings = (await browser.page.evaluate(`(() => {
      const args = ${JSON.stringify({ profiles, workload })};
      const request = (requests) => ({ profiles: args.profiles, workload: { ...args.workload, requests }, policy: { kind: "least-completion" }, batching: [{ maxBatch: 64, maxWaitMs: 2 }, { maxBatch: 64, maxWaitMs: 2 }] });
      HybridSim.simulateHybrid(request(1000));
      const out = [];
      for (let i = 0; i < 5; i += 1) {
        const t0 = performance.now();
        HybridSim.simulateHybrid(request(100000));
        out.push(performance.now() - t0);
      }
      return out;
    })()`)) as number[];
    return timings.sort((a, b) => a - b);
  } finally {
    await browser.close();
  }
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
  const browserTimings = await timeInChromium(profiles, speed);
  console.log(`simulation speed: 100,000 requests in ${f(browserTimings[2], 1)} ms (median of 5; fastest ${f(browserTimings[0], 1)} ms) in headless Chromium (${path.basename(chromiumPath)}), the same module bundled for the browser; goal < 200 ms`);

  // Each policy without batching, and the two that use the cpu lane most with dynamic batching (a 2 ms window, up to 64 items).
  const window: LaneBatching = { maxBatch: 64, maxWaitMs: 2 };
  const cases: Array<{ policy: HybridPolicy; batching: [LaneBatching | null, LaneBatching | null] }> = [
    { policy: { kind: "threshold", threshold: 8 }, batching: [null, null] },
    { policy: { kind: "least-completion" }, batching: [null, null] },
    { policy: { kind: "all-a" }, batching: [null, null] },
    { policy: { kind: "all-a" }, batching: [window, null] },
    { policy: { kind: "least-completion" }, batching: [window, window] },
  ];
  const header = ["policy", "source", "req/s", "p50 ms", "p99 ms", "util A", "util B", "on A", "on B", "Δ req/s", "Δ p50", "Δ p99", "verdict"];
  const rows: string[][] = [];
  // Live runs that routed every request the same way (least completion sending nothing to a slow lane B is all-on-A):
  // how far apart they are is how finely this machine repeats itself, a floor under any model's error.
  const sameRouting = new Map<string, HybridOutcome[]>();
  // The issue's goal: at least two policies below saturation within the bounds, judged on the full model.
  const judged: Array<{ label: string; ok: boolean }> = [];
  for (const { policy, batching } of cases) {
    const label = `${policyLabel(policy)}${batching.some(Boolean) ? `, batching ${batching.map((b, l) => (b ? `${l === 0 ? "A" : "B"} ≤${b.maxBatch}/${b.maxWaitMs} ms` : null)).filter(Boolean).join(", ")}` : ""}`;
    // Profiles measured again just before each live run, as a learner measures them before running one: a
    // profile from minutes earlier describes the machine as it was then (its load drifts).
    console.error(`[bench] profiles, then live: ${label}`);
    const profiles = [await profileOf(runners[0]), await profileOf(runners[1])] as [LaneProfile, LaneProfile];
    const live = await runHybrid(runners, { kind: "hybrid", workload, policy, batching, profiles, warmupRequests: 20, measureContention: true });
    const contention = live.contention!;
    const plain = simulateHybrid({ profiles, workload, policy, batching });
    const shared = simulateHybrid({ profiles, workload, policy, batching, contention, senderLagQuantilesMs: null });
    const withLag = simulateHybrid({ profiles, workload, policy, batching, contention, senderLagQuantilesMs: live.ownSenderLagMs?.quantiles });
    const full = simulateHybrid({ profiles, workload, policy, batching, contention, senderLagQuantilesMs: live.ownSenderLagMs?.quantiles, wakeUp: contention.wakeUp, timerLateQuantilesMs: contention.timerLateMs });
    const row = (source: string, o: HybridOutcome, compare: boolean): string[] => {
      const d = { throughput: differencePercent(o.throughputPerSecond, live.outcome.throughputPerSecond), p50: differencePercent(o.latencyMs.p50, live.outcome.latencyMs.p50), p99: differencePercent(o.latencyMs.p99, live.outcome.latencyMs.p99) };
      const ok = d.throughput !== null && Math.abs(d.throughput) <= GOALS.throughput && d.p50 !== null && Math.abs(d.p50) <= GOALS.p50 && d.p99 !== null && Math.abs(d.p99) <= GOALS.p99;
      const saturated = Math.max(live.outcome.lanes[0].utilisation, live.outcome.lanes[1].utilisation) > 0.95;
      if (compare && source === FULL && !saturated) judged.push({ label, ok });
      return [
        label,
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
    const routingKey = `${JSON.stringify(batching)}|${live.outcome.lanes.map((lane) => lane.requests).join("/")}`;
    if (live.outcome.lanes[1].requests === 0) sameRouting.set(routingKey, [...(sameRouting.get(routingKey) ?? []), live.outcome]);
    rows.push(row("sim, no contention", plain, true));
    const model = `a ${f(contention.a, 2)} b ${f(contention.b, 2)}${contention.blocking === null ? "" : `, ${contention.blocking === 1 ? "B" : "A"} holds host`}, amid traffic +${f(contention.beside[0] * 100, 0)}%/+${f(contention.beside[1] * 100, 0)}%`;
    rows.push(row(`sim + contention (${model})`, shared, true));
    rows.push(row("sim + contention + sender lag", withLag, true));
    rows.push(row(FULL, full, true));
    console.log(`  ${label}: profiles just before: ${profiles.map((p) => `${p.lane} b1 ${f(at(p, 1), 3)} b${LARGE} ${f(at(p, LARGE), 3)} ms`).join(", ")}`);
    console.log(`  ${label}: contention measured at batch ${contention.batch}: cpu ${f(contention.aloneMs[0], 3)} → ${f(contention.togetherMs[0], 3)} ms, webgpu ${f(contention.aloneMs[1], 3)} → ${f(contention.togetherMs[1], 3)} ms; event loop held ${f(contention.heldShare[0] * 100, 0)}% / ${f(contention.heldShare[1] * 100, 0)}% of each lane's solo time; sender lag p50 ${f(live.senderLagMs.p50, 2)} p99 ${f(live.senderLagMs.p99, 2)} ms (own: p50 ${f(live.ownSenderLagMs?.p50, 2)} p99 ${f(live.ownSenderLagMs?.p99, 2)} ms)`);
    for (const [l, name] of [[0, "cpu"], [1, "webgpu"]] as const) {
      if (l === 0 && contention.timerLateMs) console.log(`    batching deadline timers late by p50 ${f(contention.timerLateMs[3], 3)} ms, p99 ${f(contention.timerLateMs[7], 3)} ms`);
      for (const w of contention.wakeUp[l]) console.log(`    ${name} wake-up at batch ${w.batch}: back to back ${f(w.backToBackMs, 3)} ms; extra after idle ${w.points.map((p) => `${f(p.idleMs, 1)} ms → ${p.extraMs >= 0 ? "+" : ""}${f(p.extraMs, 3)}`).join(", ")} ms`);
    }
  }
  await releaseAllRunners();
  const widths = header.map((_, c) => Math.max(...[header, ...rows].map((r) => r[c]!.length)));
  const line = (r: string[]) => `| ${r.map((cell, c) => cell.padEnd(widths[c]!)).join(" | ")} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
  for (const r of rows) console.log(line(r));
  console.log(`Δ: simulated minus live, in % of live. Goal below saturation: req/s and p50 within ±${GOALS.throughput}%, p99 within ±${GOALS.p99}% (judged on the last row of each policy: contention, the live sender's lag and each lane's wake-up cost and timer lateness, all measured in that run).`);
  console.log("Both lanes run on this machine's two CPU cores (the webgpu lane is SwiftShader, a software GPU), and other work on the machine moves every figure.");
  for (const [key, outcomes] of sameRouting) {
    if (outcomes.length < 2) continue;
    const [first, second] = outcomes as [HybridOutcome, HybridOutcome];
    console.log(`Live against live, the same schedule routed the same way (every request on A, batching ${key.split("|")[0]}): p50 ${f(first.latencyMs.p50, 3)} vs ${f(second.latencyMs.p50, 3)} ms (${pct(differencePercent(second.latencyMs.p50, first.latencyMs.p50))}), p99 ${f(first.latencyMs.p99, 3)} vs ${f(second.latencyMs.p99, 3)} ms (${pct(differencePercent(second.latencyMs.p99, first.latencyMs.p99))}).`);
  }
  const met = judged.filter((j) => j.ok);
  console.log(`Within the bounds: ${met.length} of ${judged.length} policies below saturation${met.length > 0 ? ` (${met.map((j) => j.label).join("; ")})` : ""}; goal: at least 2.`);
  process.exit(met.length >= 2 ? 0 : 1);
}

// CommonJS under tsx (package.json has no "type"): no top-level await.
main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
