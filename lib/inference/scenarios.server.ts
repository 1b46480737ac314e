import "server-only";
import { randomInt } from "node:crypto";
import { type BatcherOptions, DynamicBatcher, QueueFullError } from "./batcher.server";
import { bytesPerItem, generateFeeds } from "./inputs.server";
import type { Runner } from "./sessions.server";
import { AbortedError, DEFAULT_MEASURE, gflopsPerSecond, keepSamples, measure, type MeasureOptions, type MeasureResult, round, type Summary, summarize, throughputOf } from "./stats";
import { driveOpenLoop } from "./open-loop.server";
import type { OfflinePoint, OfflineResult, ScenarioResult, ServerPoint, ServerPointStats, ServerResult, SingleStreamResult, WireThroughput } from "./wire";

export type { ScenarioResult } from "./wire";

/** Scenarios as MLPerf LoadGen names them. */
export interface SingleStreamScenario {
  kind: "single-stream";
  batch: number;
  measure: MeasureOptions;
}

export interface OfflineScenario {
  kind: "offline";
  /** Largest batch of the 1, 2, 4, … sweep; further capped by the model and by memory. */
  maxBatch: number;
  measure: MeasureOptions;
}

export interface ServerScenario {
  kind: "server";
  /** Poisson arrivals at `rate` requests/s, or `concurrency` closed-loop clients (several values: a sweep). */
  load: { mode: "poisson"; rate: number | number[] } | { mode: "concurrency"; concurrency: number[] };
  /** Null: no dynamic batching, every request runs alone. */
  batching: BatcherOptions | null;
  warmupRequests: number;
  minRequests: number;
  minDurationMs: number;
  maxRequests: number;
  maxDurationMs: number;
}

export type Scenario = SingleStreamScenario | OfflineScenario | ServerScenario;

export interface RunHooks {
  signal?: AbortSignal;
  onProgress?: (fraction: number, message: string) => void;
}

/** Largest tensor footprint a batch sweep may allocate for inputs and outputs. */
export const OFFLINE_MAX_TENSOR_BYTES = 512 * 1024 * 1024;

export function roundSummary(summary: Summary): Summary {
  const r = (v: number) => (Number.isFinite(v) ? round(v) : v);
  return {
    ...summary,
    min: r(summary.min),
    mean: r(summary.mean),
    p50: r(summary.p50),
    p90: r(summary.p90),
    p95: r(summary.p95),
    p99: r(summary.p99),
    max: r(summary.max),
    stddev: r(summary.stddev),
    medianCi95: summary.medianCi95 ? { low: r(summary.medianCi95.low), high: r(summary.medianCi95.high) } : null,
  };
}

/**
 * Throughput of a measured loop, rounded: `itemsPerSecond` is wall clock over the
 * measured phase (what the loop sustained, so ≈ batch / mean latency, the tail
 * included), with the timed-calls-only rate, the p50 rate and the time spent
 * outside the timed call reported apart (see stats.throughputOf).
 */
function throughputFields(result: MeasureResult, batch: number): WireThroughput {
  const t = throughputOf(result, batch);
  return {
    itemsPerSecond: round(t.itemsPerSecond),
    timedItemsPerSecond: round(t.timedItemsPerSecond),
    p50ItemsPerSecond: round(t.p50ItemsPerSecond),
    loopOverheadUs: round(t.loopOverheadUs),
  };
}

export async function runSingleStream(runner: Runner, scenario: SingleStreamScenario, hooks: RunHooks = {}): Promise<SingleStreamResult> {
  const feeds = generateFeeds(runner.model, scenario.batch, 1);
  const result = await measure(() => runner.run(feeds), scenario.measure, {
    signal: hooks.signal,
    onProgress: (fraction, n) => hooks.onProgress?.(fraction, `${n} runs`),
  });
  const flops = runner.model.flopsPerItem ? runner.model.flopsPerItem * scenario.batch : undefined;
  return {
    kind: "single-stream" as const,
    batch: scenario.batch,
    latencyMs: roundSummary(result.summary),
    samplesMs: keepSamples(result.samplesMs),
    elapsedMs: round(result.elapsedMs),
    ...throughputFields(result, scenario.batch),
    gflopsPerSecond: gflopsPerSecond(flops, result.summary.p50),
    cappedEarly: result.cappedEarly,
  };
}

export function offlineBatches(runner: Runner, requested: number): { batches: number[]; cappedBy: string | null } {
  const modelCap = runner.model.batchAxis === null ? 1 : runner.model.maxBatch;
  const memoryCap = Math.max(1, Math.floor(OFFLINE_MAX_TENSOR_BYTES / Math.max(1, bytesPerItem(runner.model))));
  const cap = Math.min(requested, modelCap, memoryCap);
  const batches: number[] = [];
  for (let b = 1; b <= cap; b *= 2) batches.push(b);
  const cappedBy =
    cap === requested
      ? null
      : cap === modelCap
        ? runner.model.batchAxis === null
          ? "this model takes one item per call (it has no batch axis), so there is nothing to sweep"
          : `this model takes at most ${modelCap} items per call (its maxBatch), so the sweep stops there`
        : `memory: the next batch would need more than ${OFFLINE_MAX_TENSOR_BYTES / 2 ** 20} MiB of input and output tensors, the sweep's limit`;
  return { batches, cappedBy };
}

/** The runtime's complaint in one line, for a learner: the first line, bounded. */
function failureReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.trim().split("\n")[0]!.slice(0, 300);
}

export async function runOffline(runner: Runner, scenario: OfflineScenario, hooks: RunHooks = {}): Promise<OfflineResult> {
  const planned = offlineBatches(runner, scenario.maxBatch);
  const { batches } = planned;
  let { cappedBy } = planned;
  const points: OfflinePoint[] = [];
  const failures: OfflineResult["failures"] = [];
  for (const [index, batch] of batches.entries()) {
    let result: MeasureResult;
    try {
      const feeds = generateFeeds(runner.model, batch, batch);
      result = await measure(() => runner.run(feeds), scenario.measure, {
        signal: hooks.signal,
        onProgress: (fraction) => hooks.onProgress?.((index + fraction) / batches.length, `batch ${batch}`),
      });
    } catch (error) {
      if (error instanceof AbortedError || hooks.signal?.aborted) throw error;
      // Out of memory or a lane's limit: the batch's result is its reason, and larger batches would fail too.
      failures.push({ batch, reason: failureReason(error) });
      cappedBy = `batch ${batch} failed (${failureReason(error)}), so the sweep stopped at batch ${batch / 2}`;
      break;
    }
    const flops = runner.model.flopsPerItem ? runner.model.flopsPerItem * batch : undefined;
    points.push({
      batch,
      latencyMs: roundSummary(result.summary),
      ...throughputFields(result, batch),
      msPerItem: round(result.summary.p50 / batch),
      gflopsPerSecond: gflopsPerSecond(flops, result.summary.p50),
      cappedEarly: result.cappedEarly,
    });
  }
  if (points.length === 0) throw new Error(`batch 1 failed: ${failures[0]?.reason ?? "no result"}`);
  const best = points.reduce((a, b) => (b.itemsPerSecond > a.itemsPerSecond ? b : a), points[0]!);
  return { kind: "offline" as const, points, cappedBy, failures, bestBatch: best.batch, bestItemsPerSecond: best.itemsPerSecond };
}

interface RequestRecord {
  latencyMs: number;
  queueMs: number;
  computeMs: number;
  batchRows: number;
}

/** One load level through one batcher: a point on the throughput-vs-latency curve. */
async function runServerPoint(runner: Runner, scenario: ServerScenario, load: { mode: "poisson"; rate: number } | { mode: "concurrency"; concurrency: number }, hooks: RunHooks, progress: (f: number) => void): Promise<ServerPoint> {
  const batching = scenario.batching ?? { maxBatchSize: 1, maxQueueDelayMs: 0, maxQueueSize: 1_000_000 };
  const batcher = new DynamicBatcher((feeds) => runner.run(feeds), batching);
  const one = generateFeeds(runner.model, 1, 7);
  // Warm every batch size the batcher may form, untimed, so the first big batch pays no allocation.
  for (let b = 1; b <= batching.maxBatchSize; b *= 2) await runner.run(generateFeeds(runner.model, b, b));
  if (batching.maxBatchSize > 1) await runner.run(generateFeeds(runner.model, batching.maxBatchSize, 3));
  for (let i = 0; i < scenario.warmupRequests; i += 1) await batcher.submit(one);

  if (load.mode === "poisson") {
    try {
      const run = await driveOpenLoop(() => batcher.submit(one), { ...scenario, rate: load.rate, seed: randomInt(2 ** 31), signal: hooks.signal, onProgress: progress });
      const records = run.records.map((r) => ({ latencyMs: r.doneMs - r.arrivalMs, queueMs: r.queueMs, computeMs: r.computeMs, batchRows: r.batchRows }));
      return { targetRate: load.rate, ...pointStats(records, run.rejected, run.lastDoneMs - run.startedMs), openLoop: run.stats };
    } finally {
      batcher.close();
    }
  }

  const records: RequestRecord[] = [];
  let rejected = 0;
  const started = performance.now();
  let lastDone = started;
  const enough = () => {
    const elapsed = performance.now() - started;
    if (hooks.signal?.aborted) return true;
    if (records.length >= scenario.maxRequests || elapsed >= scenario.maxDurationMs) return true;
    return records.length + rejected >= scenario.minRequests && elapsed >= scenario.minDurationMs;
  };
  const report = () => progress(Math.min(1, Math.min((records.length + rejected) / scenario.minRequests, (performance.now() - started) / scenario.minDurationMs)));
  const submit = async () => {
    const t0 = performance.now();
    try {
      const result = await batcher.submit(one);
      const t1 = performance.now();
      lastDone = t1;
      records.push({ latencyMs: t1 - t0, queueMs: result.queueMs, computeMs: result.computeMs, batchRows: result.batchRows });
    } catch (error) {
      // A full queue is the measured outcome of overload; any other failure ends the run.
      if (error instanceof QueueFullError) rejected += 1;
      else throw error;
    }
  };

  const ticker = setInterval(report, 100);
  try {
    await Promise.all(
      Array.from({ length: load.concurrency }, async () => {
        while (!enough()) await submit();
      }),
    );
  } finally {
    clearInterval(ticker);
    batcher.close();
  }
  if (hooks.signal?.aborted) throw new AbortedError(String(hooks.signal.reason ?? "cancelled"));
  return { concurrency: load.concurrency, ...pointStats(records, rejected, lastDone - started) };
}

function pointStats(records: RequestRecord[], rejected: number, elapsedMs: number): ServerPointStats {
  const pick = (key: keyof RequestRecord) => records.map((r) => r[key]);
  return {
    completed: records.length,
    rejected,
    elapsedMs: round(elapsedMs),
    throughputPerSecond: round((records.length * 1000) / Math.max(elapsedMs, 1e-9)),
    latencyMs: roundSummary(summarize(pick("latencyMs"))),
    queueMs: roundSummary(summarize(pick("queueMs"))),
    computeMs: roundSummary(summarize(pick("computeMs"))),
    meanBatchRows: round(records.reduce((s, r) => s + r.batchRows, 0) / Math.max(1, records.length)),
  };
}

export async function runServer(runner: Runner, scenario: ServerScenario, hooks: RunHooks = {}): Promise<ServerResult> {
  const levels = scenario.load.mode === "poisson" ? [scenario.load.rate].flat().map((rate) => ({ mode: "poisson" as const, rate })) : scenario.load.concurrency.map((concurrency) => ({ mode: "concurrency" as const, concurrency }));
  const points: ServerPoint[] = [];
  for (const [index, level] of levels.entries()) {
    const label = level.mode === "poisson" ? `${level.rate} req/s` : `concurrency ${level.concurrency}`;
    points.push(await runServerPoint(runner, scenario, level, hooks, (f) => hooks.onProgress?.((index + f) / levels.length, label)));
  }
  return {
    kind: "server" as const,
    mode: scenario.load.mode,
    batching: scenario.batching,
    points,
    // Triton's Model Analyzer view: throughput against tail latency, one point per load level.
    curve: points.map((p) => ({ load: "concurrency" in p ? p.concurrency : p.targetRate, throughputPerSecond: p.throughputPerSecond, p99Ms: p.latencyMs.p99 })),
  };
}

export function runScenario(runner: Runner, scenario: Scenario, hooks: RunHooks = {}): Promise<ScenarioResult> {
  switch (scenario.kind) {
    case "single-stream":
      return runSingleStream(runner, scenario, hooks);
    case "offline":
      return runOffline(runner, scenario, hooks);
    case "server":
      return runServer(runner, scenario, hooks);
  }
}

export { DEFAULT_MEASURE };
