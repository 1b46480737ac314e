import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getLane } from "@/lib/inference/lanes.server";
import { runOffline, runServer, runSingleStream, type ServerScenario } from "@/lib/inference/scenarios.server";
import { getRunner, releaseAllRunners, type Runner } from "@/lib/inference/sessions.server";
import { fixtureModel } from "./helpers";

const model = fixtureModel("scenario-mlp", [32, 64, 8], 8);
let runner: Runner;
const quick = { warmupRuns: 2, minRuns: 20, minDurationMs: 20, maxRuns: 10_000, maxDurationMs: 5000 };

beforeAll(async () => {
  runner = (await getRunner(model, await getLane("cpu"), { threads: 1 })).runner;
});
afterAll(() => releaseAllRunners());

describe("scenarios", () => {
  it("single-stream reports a latency distribution and GFLOP/s from the model's FLOPs", async () => {
    const result = await runSingleStream(runner, { kind: "single-stream", batch: 2, measure: quick });
    expect(result.latencyMs.n).toBeGreaterThanOrEqual(20);
    expect(result.latencyMs.min).toBeLessThanOrEqual(result.latencyMs.p50);
    expect(result.latencyMs.p50).toBeLessThanOrEqual(result.latencyMs.p99);
    expect(result.samplesMs).toHaveLength(result.latencyMs.n);
    expect(result.gflopsPerSecond).toBeCloseTo((model.flopsPerItem! * 2) / (result.latencyMs.p50 * 1e6), 2);
    expect(result.itemsPerSecond).toBeCloseTo((result.latencyMs.n * 2 * 1000) / result.elapsedMs, 0);
    expect(result.itemsPerSecond).toBeLessThanOrEqual(result.timedItemsPerSecond * (1 + 1e-6));
  });

  it("offline sweeps powers of two up to the model's cap and says what capped it", async () => {
    const result = await runOffline(runner, { kind: "offline", maxBatch: 64, measure: quick });
    expect(result.points.map((p) => p.batch)).toEqual([1, 2, 4, 8]);
    expect(result.cappedBy).toMatch(/at most 8 items per call/);
    expect(result.failures).toEqual([]);
    for (const point of result.points) {
      expect(point.itemsPerSecond).toBeGreaterThan(0);
      // Wall clock includes the loop's time between calls, so it is never above the timed calls' rate…
      expect(point.itemsPerSecond).toBeLessThanOrEqual(point.timedItemsPerSecond * (1 + 1e-6));
      // …and the timed rate is batch / mean latency, not batch / p50 (reported apart).
      // (latencyMs is rounded to 0.1 µs, hence the relative tolerance.)
      expect(point.timedItemsPerSecond / ((point.batch * 1000) / point.latencyMs.mean)).toBeCloseTo(1, 2);
      expect(point.p50ItemsPerSecond / ((point.batch * 1000) / point.latencyMs.p50)).toBeCloseTo(1, 2);
      // The engine's loop adds next to nothing between calls (microseconds per call at most).
      expect(point.loopOverheadUs).toBeGreaterThanOrEqual(0);
      expect(point.loopOverheadUs).toBeLessThan(200);
    }
    expect(result.points.map((p) => p.batch)).toContain(result.bestBatch);
  });

  const server = (overrides: Partial<ServerScenario>): ServerScenario => ({
    kind: "server",
    load: { mode: "concurrency", concurrency: [8] },
    batching: { maxBatchSize: 8, maxQueueDelayMs: 2, maxQueueSize: 64 },
    warmupRequests: 4,
    minRequests: 100,
    minDurationMs: 50,
    maxRequests: 100_000,
    maxDurationMs: 5000,
    ...overrides,
  });

  it("server mode with a concurrency sweep batches requests and separates queue and compute time", async () => {
    const result = await runServer(runner, server({ load: { mode: "concurrency", concurrency: [1, 8] } }));
    expect(result.points).toHaveLength(2);
    expect(result.curve.map((c) => c.load)).toEqual([1, 8]);
    const [one, eight] = result.points;
    expect(one!.meanBatchRows).toBe(1);
    expect(eight!.meanBatchRows).toBeGreaterThan(1);
    for (const point of result.points) {
      expect(point.completed).toBeGreaterThanOrEqual(100);
      expect(point.rejected).toBe(0);
      expect(point.queueMs.n).toBe(point.completed);
      expect(point.computeMs.p50).toBeGreaterThan(0);
      // Latency is queue + compute (+ a little bookkeeping), never less.
      expect(point.latencyMs.p50 + 1e-3).toBeGreaterThanOrEqual(point.computeMs.p50);
    }
  });

  it("server mode with Poisson arrivals and no batching runs every request alone", async () => {
    const result = await runServer(runner, server({ load: { mode: "poisson", rate: 2000 }, batching: null, minRequests: 100 }));
    expect(result.points[0]!.meanBatchRows).toBe(1);
    expect(result.points[0]!.completed + result.points[0]!.rejected).toBeGreaterThanOrEqual(100);
    expect(result.points[0]).toHaveProperty("targetRate", 2000);
  });

  it("stops when cancelled", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort("cancelled"), 50);
    await expect(runServer(runner, server({ minDurationMs: 60_000, maxDurationMs: 60_000 }), { signal: controller.signal })).rejects.toThrow(/cancelled/);
  });
});
