import { describe, expect, it } from "vitest";
import { drawSchedule, type HybridSimulation, type LaneProfile, LaneQueue, routeRequest, serviceMs, simulateHybrid, wakeUpExtraMs, type WakeUpCurve } from "@/lib/inference/hybrid-sim";
import { hybridSimulationSchema } from "@/lib/inference/schemas";

const profile = (lane: string, points: LaneProfile["points"], modelId = "digits-mlp"): LaneProfile => ({ lane, modelId, device: lane === "server-webgpu" ? "SwiftShader" : "cpu", software: lane === "server-webgpu", points });

/** One lane serving every request alone in `serviceMs` on average: a textbook single-server queue. */
function singleServer(rate: number, service: number, variability: "fixed" | "exponential", requests: number, seed: number): HybridSimulation {
  return {
    profiles: [profile("server-cpu", [{ batch: 1, meanMs: service }]), profile("server-webgpu", [{ batch: 1, meanMs: service }])],
    workload: { rate, mix: [{ items: 1, percent: 100 }], requests, seed },
    policy: { kind: "all-a" },
    batching: [null, null],
    variability,
  };
}

/** Mean wait over several seeds: one long run at ρ = 0.8 is strongly autocorrelated. */
function meanWait(rate: number, service: number, variability: "fixed" | "exponential"): number {
  const seeds = [1, 2, 3, 4];
  return seeds.reduce((sum, seed) => sum + simulateHybrid(singleServer(rate, service, variability, 200_000, seed)).meanWaitMs, 0) / seeds.length;
}

describe("hybrid simulation against queueing theory", () => {
  // Service 1 ms, so ρ = rate / 1000.
  for (const rho of [0.5, 0.8]) {
    it(`M/M/1 mean wait at ρ = ${rho} is within 5% of ρS/(1 − ρ)`, () => {
      const theory = (rho * 1) / (1 - rho);
      expect(Math.abs(meanWait(rho * 1000, 1, "exponential") / theory - 1)).toBeLessThan(0.05);
    });
    it(`M/D/1 mean wait at ρ = ${rho} is within 5% of ρS/(2(1 − ρ))`, () => {
      const theory = (rho * 1) / (2 * (1 - rho));
      expect(Math.abs(meanWait(rho * 1000, 1, "fixed") / theory - 1)).toBeLessThan(0.05);
    });
  }

  it("reports utilisation ρ and serves what arrives below saturation", () => {
    const out = simulateHybrid(singleServer(500, 1, "fixed", 50_000, 9));
    expect(Math.abs(out.lanes[0].utilisation - 0.5)).toBeLessThan(0.02);
    expect(out.lanes[1].requests).toBe(0);
    expect(Math.abs(out.throughputPerSecond / 500 - 1)).toBeLessThan(0.03);
  });

  it("gives identical results for one seed and different ones for another", () => {
    const sim = { ...singleServer(700, 1, "exponential", 20_000, 5), variability: "measured" as const };
    expect(simulateHybrid(sim)).toEqual(simulateHybrid(sim));
    expect(simulateHybrid({ ...sim, workload: { ...sim.workload, seed: 6 } }).latencyMs.p99).not.toBe(simulateHybrid(sim).latencyMs.p99);
  });
});

describe("hybrid workload and profiles", () => {
  it("draws the mix in its proportions", () => {
    const schedule = drawSchedule({ rate: 100, mix: [{ items: 1, percent: 80 }, { items: 32, percent: 20 }], requests: 20_000, seed: 3 });
    const large = Array.from(schedule.items).filter((k) => k === 32).length / 20_000;
    expect(Math.abs(large - 0.2)).toBeLessThan(0.015);
    expect(Array.from(schedule.items).every((k) => k === 1 || k === 32)).toBe(true);
  });

  it("interpolates service time between measured batch sizes and scales per item past the largest", () => {
    const p = profile("server-cpu", [{ batch: 1, meanMs: 1 }, { batch: 8, meanMs: 2.4 }, { batch: 32, meanMs: 6 }]);
    expect(serviceMs(p, 1)).toBe(1);
    expect(serviceMs(p, 4)).toBeCloseTo(1.6, 10);
    expect(serviceMs(p, 20)).toBeCloseTo(4.2, 10);
    expect(serviceMs(p, 64)).toBeCloseTo(12, 10);
  });
});

describe("routing rules", () => {
  const cpu = profile("server-cpu", [{ batch: 1, meanMs: 1 }, { batch: 32, meanMs: 20 }]);
  const gpu = profile("server-webgpu", [{ batch: 1, meanMs: 4 }, { batch: 32, meanMs: 6 }]);
  const lanes = () => [new LaneQueue(cpu, null), new LaneQueue(gpu, null)] as const;

  it("all-a, all-b and the size threshold send by the rule alone", () => {
    const l = lanes();
    expect(routeRequest({ kind: "all-a" }, 32, l, 0)).toBe(0);
    expect(routeRequest({ kind: "all-b" }, 1, l, 0)).toBe(1);
    expect(routeRequest({ kind: "threshold", threshold: 8 }, 8, l, 0)).toBe(0);
    expect(routeRequest({ kind: "threshold", threshold: 8 }, 9, l, 0)).toBe(1);
  });

  it("least expected completion picks the lane that finishes soonest, counting its queue", () => {
    const l = lanes();
    // Idle: one item is sooner on the cpu (1 ms vs 4), 32 items on the GPU (6 ms vs 20).
    expect(routeRequest({ kind: "least-completion" }, 1, l, 0)).toBe(0);
    expect(routeRequest({ kind: "least-completion" }, 32, l, 0)).toBe(1);
    // Four single items queued on the cpu behind a running one: 1 + 4 + 1 = 6 ms there, 4 ms on the idle GPU.
    l[0].start(0, 1);
    for (let i = 0; i < 4; i += 1) l[0].enqueue({ index: i, items: 1, arrivalMs: 0 });
    expect(l[0].expectedDoneMs(0, 1)).toBeCloseTo(6, 10);
    expect(routeRequest({ kind: "least-completion" }, 1, l, 0)).toBe(1);
  });

  it("a batching lane gathers up to its max batch and waits no longer than its max wait", () => {
    const q = new LaneQueue(cpu, { maxBatch: 4, maxWaitMs: 2 });
    q.enqueue({ index: 0, items: 1, arrivalMs: 10 });
    expect(q.take(10)).toEqual({ wakeAtMs: 12 });
    q.enqueue({ index: 1, items: 2, arrivalMs: 11 });
    const taken = q.take(12);
    expect(taken && "batch" in taken ? taken.items : null).toBe(3);
    q.enqueue({ index: 2, items: 3, arrivalMs: 13 });
    q.enqueue({ index: 3, items: 2, arrivalMs: 13 });
    // 3 + 2 would overflow 4: the batch is full at 3 and goes at once.
    const full = q.take(13);
    expect(full && "batch" in full ? full.batch.map((r) => r.index) : null).toEqual([2]);
  });

  it("in a simulation, the threshold policy puts exactly the large requests on lane B", () => {
    const out = simulateHybrid({
      profiles: [cpu, gpu],
      workload: { rate: 50, mix: [{ items: 1, percent: 80 }, { items: 32, percent: 20 }], requests: 5000, seed: 2 },
      policy: { kind: "threshold", threshold: 8 },
      batching: [null, null],
    });
    const schedule = drawSchedule({ rate: 50, mix: [{ items: 1, percent: 80 }, { items: 32, percent: 20 }], requests: 5000, seed: 2 });
    expect(out.lanes[1].requests).toBe(Array.from(schedule.items).filter((k) => k > 8).length);
    expect(out.lanes[0].requests + out.lanes[1].requests).toBe(5000);
    expect(out.lanes[1].items).toBe(out.lanes[1].requests * 32);
  });

  it("contention slows both lanes when they overlap", () => {
    const base: HybridSimulation = { profiles: [cpu, gpu], workload: { rate: 200, mix: [{ items: 1, percent: 50 }, { items: 32, percent: 50 }], requests: 10_000, seed: 4 }, policy: { kind: "threshold", threshold: 8 }, batching: [null, null], variability: "fixed" };
    const alone = simulateHybrid(base);
    const shared = simulateHybrid({ ...base, contention: { a: 0.5, b: 0.5 } });
    expect(shared.latencyMs.mean).toBeGreaterThan(alone.latencyMs.mean * 1.1);
    expect(shared.lanes[0].utilisation).toBeGreaterThan(alone.lanes[0].utilisation);
  });

  it("a lane that holds the host stalls the other lane's requests until its call returns", () => {
    // Lane B takes 20 ms a call and holds the event loop; lane A's single items take 1 ms.
    const slow = profile("server-webgpu", [{ batch: 1, meanMs: 20 }, { batch: 32, meanMs: 20 }]);
    const base: HybridSimulation = { profiles: [cpu, slow], workload: { rate: 20, mix: [{ items: 1, percent: 80 }, { items: 32, percent: 20 }], requests: 4000, seed: 8 }, policy: { kind: "threshold", threshold: 8 }, batching: [null, null], variability: "fixed" };
    const free = simulateHybrid(base);
    const held = simulateHybrid({ ...base, contention: { a: 0, b: 0, blocking: 1 } });
    // B is busy about 8% of the time (4 calls/s × 20 ms). Without blocking a single item on A never waits for B;
    // with it, one that arrives during B's call waits for its end: on average 10 ms for 8% of them, ~0.6 ms overall.
    expect(held.meanWaitMs - free.meanWaitMs).toBeGreaterThan(0.4);
    expect(held.meanWaitMs - free.meanWaitMs).toBeLessThan(1.2);
    expect(held.lanes[0].requests).toBe(free.lanes[0].requests);
  });

  it("adds the sender's measured lag to every latency", () => {
    const sim = singleServer(100, 1, "fixed", 5000, 3);
    const lagged = simulateHybrid({ ...sim, senderLagQuantilesMs: [2, 2, 2, 2, 2, 2, 2, 2, 2] });
    expect(lagged.latencyMs.p50).toBeCloseTo(simulateHybrid(sim).latencyMs.p50 + 2, 5);
  });

  it("charges a call its measured wake-up cost after its lane sat idle, and none when it starts back to back", () => {
    // 10 ms between arrivals, 1 ms calls: every call finds its lane idle for ~9 ms, and pays the curve's extra there.
    const curve: WakeUpCurve[] = [{ batch: 1, backToBackMs: 1, points: [{ idleMs: 2, extraMs: 0.1 }, { idleMs: 8, extraMs: 0.4 }, { idleMs: 32, extraMs: 1 }] }];
    const sparse = singleServer(100, 1, "fixed", 4000, 5);
    const extra = simulateHybrid({ ...sparse, wakeUp: [curve, null] }).latencyMs.mean - simulateHybrid(sparse).latencyMs.mean;
    // Exponential gaps of mean 10 ms, idle = gap − 1 ms: the curve's mean over them is ~0.39 ms.
    expect(extra).toBeGreaterThan(0.3);
    expect(extra).toBeLessThan(0.5);
    // Saturated (arrivals far faster than service): every call but the first starts right after the last one, at no extra.
    const packed = singleServer(5000, 1, "fixed", 2000, 5);
    const busy = simulateHybrid({ ...packed, wakeUp: [curve, null] });
    expect(busy.lanes[0].utilisation).toBeGreaterThan(0.99);
    expect(busy.spanMs - simulateHybrid(packed).spanMs).toBeLessThan(1.01);
  });

  it("interpolates the wake-up cost between idle gaps and batch sizes, and holds it past the last measured", () => {
    const curves: WakeUpCurve[] = [
      { batch: 1, backToBackMs: 0.02, points: [{ idleMs: 4, extraMs: 0.04 }, { idleMs: 16, extraMs: 0.1 }] },
      { batch: 32, backToBackMs: 0.06, points: [{ idleMs: 4, extraMs: 0.08 }, { idleMs: 16, extraMs: 0.3 }] },
    ];
    expect(wakeUpExtraMs(curves, 1, 0)).toBe(0);
    expect(wakeUpExtraMs(curves, 1, 2)).toBeCloseTo(0.02, 10);
    expect(wakeUpExtraMs(curves, 1, 10)).toBeCloseTo(0.07, 10);
    expect(wakeUpExtraMs(curves, 1, 500)).toBeCloseTo(0.1, 10);
    expect(wakeUpExtraMs(curves, 32, 16)).toBeCloseTo(0.3, 10);
    // Halfway between batch 1 and 32 at 16 ms idle: halfway between 0.1 and 0.3.
    expect(wakeUpExtraMs(curves, 16.5, 16)).toBeCloseTo(0.2, 10);
    expect(wakeUpExtraMs(curves, 64, 16)).toBeCloseTo(0.3, 10);
    expect(wakeUpExtraMs(null, 1, 16)).toBe(0);
  });

  it("a batching deadline fires as late as the measured timers did", () => {
    // One request every 50 ms, a 2 ms window: each runs alone once its window (plus the timer's lateness) is over.
    const sim: HybridSimulation = { ...singleServer(20, 0.1, "fixed", 2000, 6), batching: [{ maxBatch: 8, maxWaitMs: 2 }, null] };
    const onTime = simulateHybrid(sim);
    expect(onTime.latencyMs.p50).toBeCloseTo(2.1, 1);
    const late = simulateHybrid({ ...sim, timerLateQuantilesMs: [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5] });
    expect(late.latencyMs.p50).toBeCloseTo(2.6, 1);
  });

  it("costs only the lanes that served something", () => {
    const out = simulateHybrid({ ...singleServer(100, 1, "fixed", 2000, 1), dollarsPerHour: [0.36, 100] });
    // $0.36/h at ~100 items/s: 0.36 / 360000 per item → ~$1 per million.
    expect(out.dollarsPerMillion).toBeGreaterThan(0.9);
    expect(out.dollarsPerMillion).toBeLessThan(1.1);
  });
});

describe("hybrid simulation request validation", () => {
  const valid = {
    model: "digits-mlp",
    profiles: [profile("server-cpu", [{ batch: 1, meanMs: 1 }]), profile("server-webgpu", [{ batch: 1, meanMs: 4 }])],
    workload: { rate: 100, mix: [{ items: 1, percent: 80 }, { items: 32, percent: 20 }], requests: 1000 },
    policy: { kind: "threshold", threshold: 8 },
  };
  const error = (body: unknown) => {
    const result = hybridSimulationSchema.safeParse(body);
    return result.success ? null : result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
  };

  it("accepts a valid request", () => expect(error(valid)).toBeNull());
  it("refuses a zero or negative rate, naming the field", () => {
    expect(error({ ...valid, workload: { ...valid.workload, rate: 0 } })).toMatch(/^workload\.rate: /);
    expect(error({ ...valid, workload: { ...valid.workload, rate: -5 } })).toMatch(/^workload\.rate: /);
  });
  it("refuses a mix that does not sum to 100%", () => expect(error({ ...valid, workload: { ...valid.workload, mix: [{ items: 1, percent: 70 }, { items: 32, percent: 20 }] } })).toMatch(/^workload\.mix: percentages must sum to 100, not 90/));
  it("refuses profiles from a different model", () => expect(error({ ...valid, profiles: [valid.profiles[0], { ...valid.profiles[1], modelId: "mlp-wide" }] })).toMatch(/^profiles\.1\.modelId: .*mlp-wide/));
  it("refuses the same lane twice", () => expect(error({ ...valid, profiles: [valid.profiles[0], valid.profiles[0]] })).toMatch(/^profiles\.1\.lane: /));
  it("refuses a simulation over the size cap", () => expect(error({ ...valid, workload: { ...valid.workload, requests: 10_000_000 } })).toMatch(/^workload\.requests: /));
  it("refuses a batching lane too small for the largest request", () => expect(error({ ...valid, batching: { a: { maxBatch: 8, maxWaitMs: 1 }, b: null } })).toMatch(/^batching\.a\.maxBatch: .*32 items/));
});
