import { describe, expect, it } from "vitest";
import { DEFAULT_LANE_PRICES } from "@/lib/inference/prices";
import { assessLane, fastestMeasured, fillWaitMs, type LaneProfile, type MeasuredPoint, missingMeasurements, recommend, recommendationRequestSchema, type Workload } from "@/lib/experiments/recommend";

const at = "2026-12-03T00:00:00.000Z";
const point = (batch: number, p50Ms: number, p99Ms: number, itemsPerSecond: number): MeasuredPoint => ({ batch, p50Ms, p99Ms, itemsPerSecond, from: `run-${batch}`, measuredAt: at });

/** A CPU that does 1,000 items/s alone and 8,000/s at batch 16, and a slower, pricier "GPU". */
const cpu: LaneProfile = {
  lane: "server-cpu",
  source: "yours",
  modelId: "digits-mlp",
  device: "test CPU",
  software: false,
  threads: 2,
  verified: true,
  points: [point(1, 0.8, 1, 1000), point(4, 1.5, 2, 3000), point(16, 1.8, 2.5, 8000)],
};
const gpu: LaneProfile = { ...cpu, lane: "server-cuda", device: "test GPU", threads: null, points: [point(1, 2, 3, 400), point(8, 2.5, 3.5, 4000), point(64, 4, 5, 20_000)] };
const workload: Workload = { model: "digits-mlp", p99TargetMs: 10, requestsPerSecond: 500, busyHoursPerDay: 8, billedHoursPerDay: 24 };
const cpuPrice = { dollarsPerHour: 0.1, watts: 10 };

describe("assessLane", () => {
  it("waits for a batch to fill at the request rate: (b − 1) ÷ rate", () => {
    expect(fillWaitMs(1, 500)).toBe(0);
    expect(fillWaitMs(4, 500)).toBeCloseTo(6, 10);
    expect(fillWaitMs(16, 500)).toBeCloseTo(30, 10);
  });

  it("picks the fastest batch whose p99 plus fill wait stays within the target, and prices the workload's own rate", () => {
    const a = assessLane(cpu, workload, cpuPrice);
    // Batch 4: 2 + 6 = 8 ms fits; batch 16: 2.5 + 30 = 32.5 ms does not.
    expect(a.bestBatch).toBe(4);
    expect(a.latencyBoundMs).toBeCloseTo(8, 10);
    expect(a.capacityPerSecond).toBe(3000);
    expect(a.headroomPercent).toBeCloseTo(((3000 - 500) / 3000) * 100, 10);
    expect(a.machinesNeeded).toBe(1);
    // $0.1 × 24 h for 500/s × 3600 × 8 h = 14.4 million a day.
    expect(a.dollarsPerMillion).toBeCloseTo((0.1 * 24) / 14.4, 10);
    expect(a.joulesPerInference).toBeCloseTo((10 * 24 * 3600) / (500 * 3600 * 8), 10);
    expect(a.utilisation).toBeCloseTo((500 / 3000) * (8 / 24), 10);
    expect(a.meets).toBe(true);
    expect(a.refusals).toEqual([]);
    expect(a.steps.some((s) => s.includes("Batch 16") && s.includes("over the target"))).toBe(true);
    expect(a.steps.some((s) => s.includes("$2.4 a day"))).toBe(true);
  });

  it("refuses a lane whose p99 at batch 1 is already over the target", () => {
    const a = assessLane(gpu, { ...workload, p99TargetMs: 2.5 }, cpuPrice);
    expect(a.meets).toBe(false);
    expect(a.refusals.map((r) => r.reason)).toEqual(["p99-over-target-at-batch-1"]);
    expect(a.batch1P99Ms).toBe(3);
    expect(a.bestBatch).toBeNull();
  });

  it("refuses a rate above the capacity within the target and says how many machines it would take", () => {
    const a = assessLane(cpu, { ...workload, requestsPerSecond: 5000, p99TargetMs: 3 }, cpuPrice);
    // At 5000/s batch 16 fills in 3 ms: 5.5 ms, over 3; batch 4: 2 + 0.6 = 2.6 fits at 3000/s.
    expect(a.bestBatch).toBe(4);
    expect(a.refusals.map((r) => r.reason)).toEqual(["rate-above-capacity"]);
    expect(a.machinesNeeded).toBe(2);
    expect(a.headroomPercent).toBeNull();
  });

  it("refuses a lane with no price rather than calling it free", () => {
    const a = assessLane(cpu, workload, null);
    expect(a.refusals.map((r) => r.reason)).toEqual(["no-price"]);
    expect(a.dollarsPerMillion).toBeNull();
  });

  it("without a batch-1 run, refuses when no measured batch fits once the fill wait is counted", () => {
    const big: LaneProfile = { ...cpu, points: [point(32, 1, 1.5, 9000)] };
    const a = assessLane(big, { ...workload, requestsPerSecond: 100 }, cpuPrice);
    expect(a.refusals.map((r) => r.reason)).toEqual(["no-batch-within-target"]);
    expect(a.steps[1]).toContain("No batch-1 run");
  });
});

describe("recommend", () => {
  it("recommends the cheapest lane per million among those that meet the target", () => {
    const r = recommend({ ...workload, requestsPerSecond: 2000 }, [cpu, gpu], { "server-cpu": cpuPrice, "server-cuda": { dollarsPerHour: 1, watts: 300 } }, ["server-cpu", "server-cuda"]);
    expect(r.lanes.map((l) => l.meets)).toEqual([true, true]);
    const chosen = r.lanes.find((l) => l.id === r.recommended)!;
    expect(chosen.lane).toBe("server-cpu");
    expect(r.summary).toContain("Server CPU");
    // The pricier GPU, at the same rate, costs ten times as much per million.
    const other = r.lanes.find((l) => l.id !== r.recommended)!;
    expect(other.dollarsPerMillion! / chosen.dollarsPerMillion!).toBeCloseTo(10, 10);
  });

  it("says none meets the target, with each lane's reason", () => {
    const r = recommend({ ...workload, p99TargetMs: 0.9 }, [cpu, gpu], {}, ["server-cpu", "server-cuda"]);
    expect(r.recommended).toBeNull();
    expect(r.summary).toMatch(/^None meets the target/);
    expect(r.lanes.every((l) => l.refusals.some((x) => x.reason === "p99-over-target-at-batch-1"))).toBe(true);
  });

  it("prices lanes from the cited defaults when the request gives none", () => {
    const r = recommend(workload, [cpu], {}, ["server-cpu"]);
    expect(r.lanes[0]!.price).toEqual({ dollarsPerHour: DEFAULT_LANE_PRICES["server-cpu"].dollarsPerHour, watts: DEFAULT_LANE_PRICES["server-cpu"].watts });
  });

  it("ignores profiles of another model and lanes not asked about", () => {
    const r = recommend(workload, [{ ...cpu, modelId: "mlp-wide" }, gpu], {}, ["server-cpu"]);
    expect(r.lanes).toEqual([]);
    expect(r.summary).toMatch(/^Nothing measured/);
  });

  it("marks a software GPU when it is the answer", () => {
    const soft: LaneProfile = { ...cpu, lane: "server-webgpu", device: "SwiftShader", software: true };
    const r = recommend(workload, [soft], {}, ["server-webgpu"]);
    expect(r.recommended).not.toBeNull();
    expect(r.notes.join(" ")).toContain("software GPU");
  });
});

describe("missing measurements and impossible targets", () => {
  it("names the run, the batch-1 point and the sweep each lane lacks", () => {
    const single: LaneProfile = { ...cpu, points: [point(1, 0.8, 1, 1000)] };
    const noOne: LaneProfile = { ...cpu, lane: "browser-wasm", verified: false, points: [point(8, 1, 2, 5000)] };
    const reference: LaneProfile = { ...gpu, source: "server-reference" };
    const missing = missingMeasurements("digits-mlp", ["server-cpu", "browser-wasm", "server-cuda"], [single, noOne, reference]);
    expect(missing.map((m) => `${m.lane}:${m.kind}`)).toEqual(["server-cpu:no-batch-sweep", "browser-wasm:no-batch-1", "browser-wasm:no-batch-sweep", "server-cuda:no-run"]);
    expect(missing.find((m) => m.lane === "browser-wasm")!.runLane).toBe("browser-wasm");
  });

  it("finds the fastest median anywhere, the floor under any p99 target", () => {
    expect(fastestMeasured([cpu, gpu])!.p50Ms).toBe(0.8);
    expect(fastestMeasured([])).toBeNull();
  });
});

describe("the request schema", () => {
  const valid = { lessonSlug: "choosing-hardware", model: "digits-mlp", p99TargetMs: 5, requestsPerSecond: 100, busyHoursPerDay: 8, billedHoursPerDay: 24 };
  const fieldOf = (body: unknown) => {
    const result = recommendationRequestSchema.safeParse(body);
    return result.success ? null : result.error.issues[0]!.path.join(".");
  };

  it("accepts a plain workload and defaults prices to none given", () => {
    expect(recommendationRequestSchema.parse(valid).prices).toEqual({});
  });

  it.each([
    [{ requestsPerSecond: 0 }, "requestsPerSecond"],
    [{ requestsPerSecond: -3 }, "requestsPerSecond"],
    [{ p99TargetMs: 0 }, "p99TargetMs"],
    [{ p99TargetMs: 0.0001 }, "p99TargetMs"],
    [{ busyHoursPerDay: 25 }, "busyHoursPerDay"],
    [{ busyHoursPerDay: 20, billedHoursPerDay: 10 }, "busyHoursPerDay"],
    [{ lanes: ["server-tpu"] }, "lanes.0"],
    [{ prices: { "server-cpu": { dollarsPerHour: -1, watts: 5 } } }, "prices.server-cpu.dollarsPerHour"],
    [{ prices: { "server-tpu": { dollarsPerHour: 1, watts: 5 } } }, "prices.server-tpu"],
  ])("refuses %j, naming %s", (change, field) => {
    expect(fieldOf({ ...valid, ...change })).toBe(field);
  });
});
