import { Tensor } from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getLane } from "@/lib/inference/lanes.server";
import { runServer, type ServerScenario } from "@/lib/inference/scenarios.server";
import { getRunner, releaseAllRunners, type Runner } from "@/lib/inference/sessions.server";
import { benchmarkRequestSchema } from "@/lib/inference/schemas";
import type { ServerPoint } from "@/lib/inference/wire";
import { fixtureModel } from "../../unit/inference/helpers";

/** Real onnxruntime sessions: a fast MLP (tens of µs a call) and a slow one (about a millisecond) to overload. */
const fast = fixtureModel("open-loop-fast", [32, 64, 8], 8);
const slow = fixtureModel("open-loop-slow", [1024, 2048, 2048, 10], 8);
let fastRunner: Runner;
let slowRunner: Runner;

beforeAll(async () => {
  const cpu = await getLane("cpu");
  fastRunner = (await getRunner(fast, cpu, { threads: 1 })).runner;
  slowRunner = (await getRunner(slow, cpu, { threads: 1 })).runner;
});
afterAll(() => releaseAllRunners());

const scenario = (overrides: Partial<ServerScenario>): ServerScenario => ({
  kind: "server",
  load: { mode: "poisson", rate: 200 },
  batching: null,
  warmupRequests: 5,
  minRequests: 300,
  minDurationMs: 1500,
  maxRequests: 100_000,
  maxDurationMs: 10_000,
  ...overrides,
});

const openLoop = (point: ServerPoint) => {
  if (!("openLoop" in point)) throw new Error("expected an open-loop point");
  return point.openLoop;
};

describe("open-loop serving", () => {
  it("sends Poisson arrivals at the target rate and Little's law holds on a stable run", async () => {
    const result = await runServer(fastRunner, scenario({}));
    const point = result.points[0]!;
    const stats = openLoop(point);
    expect(stats.offered).toBeGreaterThanOrEqual(300);
    // The sender keeps the drawn schedule within 5%; the draw is within 3σ (3/√n) of the target.
    expect(Math.abs(stats.achievedRate! / stats.scheduledRate! - 1)).toBeLessThan(0.05);
    expect(stats.keptSchedule).toBe(true);
    expect(Math.abs(stats.scheduledRate! / 200 - 1)).toBeLessThan(3 / Math.sqrt(stats.offered));
    expect(point.rejected).toBe(0);
    expect(point.completed).toBe(stats.offered);
    expect(stats.stable).toBe(true);
    const law = stats.littlesLaw!;
    expect(Math.abs(law.ratio! - 1)).toBeLessThan(0.1);
    expect(law.meanInSystem).toBeGreaterThan(0);
    // Latency counts from the scheduled arrival, so the sender's lag is inside it, never outside.
    expect(point.latencyMs.p50 + 1e-3).toBeGreaterThanOrEqual(point.computeMs.p50);
    expect(stats.senderLagMs.p50).toBeGreaterThanOrEqual(0);
  });

  it("sweeps rates into a throughput-vs-p99 curve, one point per rate", async () => {
    const result = await runServer(fastRunner, scenario({ load: { mode: "poisson", rate: [100, 400] }, minRequests: 100, minDurationMs: 500 }));
    expect(result.mode).toBe("poisson");
    expect(result.curve.map((c) => c.load)).toEqual([100, 400]);
    expect(result.points.map((p) => ("targetRate" in p ? p.targetRate : null))).toEqual([100, 400]);
    // Below saturation what is served follows what is offered.
    expect(result.curve[1]!.throughputPerSecond).toBeGreaterThan(result.curve[0]!.throughputPerSecond * 2.5);
  });

  it("counts requests refused by a full queue past saturation and calls the run unstable", async () => {
    // A millisecond-scale model offered 3000 requests/s alone (no batching), with room for 4 waiting.
    const result = await runServer(slowRunner, scenario({ load: { mode: "poisson", rate: 3000 }, batching: { maxBatchSize: 1, maxQueueDelayMs: 0, maxQueueSize: 4 }, minRequests: 600, minDurationMs: 300 }));
    const point = result.points[0]!;
    const stats = openLoop(point);
    expect(point.rejected).toBeGreaterThan(0);
    expect(point.completed + point.rejected).toBe(stats.offered);
    expect(stats.stable).toBe(false);
    // The open loop keeps sending on schedule while the server drowns.
    expect(point.throughputPerSecond).toBeLessThan(stats.achievedRate!);
  });

  it("dynamic batching serves a load that saturates it without batching", async () => {
    // The rate is set from this machine's own service time, so the load saturates the unbatched
    // server on a fast machine as on a slow one (a fixed rate did not saturate a quiet CI machine).
    const input = new Tensor("float32", new Float32Array(1024), [1, 1024]);
    for (let i = 0; i < 5; i++) await slowRunner.run({ input });
    const started = performance.now();
    for (let i = 0; i < 50; i++) await slowRunner.run({ input });
    const serviceMs = (performance.now() - started) / 50;
    const load = { mode: "poisson" as const, rate: Math.round(3 * (1000 / serviceMs)) };
    const base = { minRequests: 400, minDurationMs: 400 };
    const off = await runServer(slowRunner, scenario({ load, batching: { maxBatchSize: 1, maxQueueDelayMs: 0, maxQueueSize: 64 }, ...base }));
    const on = await runServer(slowRunner, scenario({ load, batching: { maxBatchSize: 8, maxQueueDelayMs: 2, maxQueueSize: 64 }, ...base }));
    expect(on.points[0]!.meanBatchRows).toBeGreaterThan(1);
    expect(off.points[0]!.meanBatchRows).toBe(1);
    expect(off.points[0]!.rejected).toBeGreaterThan(0);
    expect(on.points[0]!.rejected).toBeLessThan(off.points[0]!.rejected);
    expect(on.points[0]!.throughputPerSecond).toBeGreaterThan(off.points[0]!.throughputPerSecond);
  });
});

describe("open-loop request validation", () => {
  const body = (load: unknown, extra: object = {}) => ({ model: "digits-mlp", lane: "cpu", scenario: { kind: "server", load, ...extra } });
  const issue = (input: unknown) => {
    const parsed = benchmarkRequestSchema.safeParse(input);
    expect(parsed.success).toBe(false);
    return parsed.error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
  };

  it("refuses rates ≤ 0, absurd rates, and a rate that expects no arrival in the run", () => {
    expect(issue(body({ mode: "poisson", rate: 0 }))).toMatch(/scenario\.load\.rate/);
    expect(issue(body({ mode: "poisson", rate: -5 }))).toMatch(/scenario\.load\.rate/);
    expect(issue(body({ mode: "poisson", rate: 1e9 }))).toMatch(/scenario\.load\.rate/);
    expect(issue(body({ mode: "poisson", rate: [50, 0] }))).toMatch(/scenario\.load\.rate/);
    expect(issue(body({ mode: "poisson", rate: 0.01 }, { maxDurationMs: 5000 }))).toMatch(/scenario\.load\.rate: 0\.01 requests\/s expects no arrival/);
    expect(benchmarkRequestSchema.safeParse(body({ mode: "poisson", rate: [10, 20] })).success).toBe(true);
  });
});
