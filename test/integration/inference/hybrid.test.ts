import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { HybridResult, WireJobSnapshot } from "@/lib/inference/wire";
import { fixtureModel } from "../../unit/inference/helpers";
import { sqliteDatabase, type TestDatabase } from "../../helpers/databases";

vi.hoisted(() => {
  process.env.ORT_DISABLE_TELEMETRY = "1";
  process.env.BENCHMARK_QUEUE_SIZE = "4";
});

/** Real onnxruntime sessions on both lanes: a small MLP that batches along its first axis. */
const model = fixtureModel("hybrid-mlp", [64, 128, 10], 64);
let routes: {
  benchmarks: typeof import("@/app/api/benchmarks/route");
  benchmark: typeof import("@/app/api/benchmarks/[id]/route");
};
let webgpuAvailable = false;
let database: TestDatabase | undefined;

beforeAll(async () => {
  database = sqliteDatabase();
  process.env.DATABASE_URL = database.url;
  const { registerModel } = await import("@/lib/inference/catalog.server");
  registerModel(model);
  routes = { benchmarks: await import("@/app/api/benchmarks/route"), benchmark: await import("@/app/api/benchmarks/[id]/route") };
  const { getLane } = await import("@/lib/inference/lanes.server");
  webgpuAvailable = (await getLane("webgpu")).available;
}, 60_000);

afterAll(async () => {
  const { releaseAllRunners } = await import("@/lib/inference/sessions.server");
  await releaseAllRunners();
  await database?.stop();
});

const post = (body: unknown) => new Request("http://test/api/benchmarks", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
const params = <T>(value: T) => ({ params: Promise.resolve(value) });

async function until(id: string, done: (s: WireJobSnapshot) => boolean): Promise<WireJobSnapshot> {
  for (;;) {
    const snapshot = (await (await routes.benchmark.GET(new Request(`http://test/api/benchmarks/${id}`), params({ id }))).json()) as WireJobSnapshot;
    if (done(snapshot)) return snapshot;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const hybrid = (overrides: Record<string, unknown> = {}) => ({
  model: "hybrid-mlp",
  lane: "cpu",
  scenario: {
    kind: "hybrid",
    laneB: "webgpu",
    workload: { rate: 40, mix: [{ items: 1, percent: 80 }, { items: 16, percent: 20 }], requests: 120, seed: 7 },
    policy: { kind: "threshold", threshold: 4 },
    warmupRequests: 5,
    measureContention: false,
    ...overrides,
  },
});

describe("the hybrid scenario on cpu + webgpu", () => {
  it("routes every request to one lane or the other: per-lane counts add up to the requests sent", async (context) => {
    if (!webgpuAvailable) context.skip("the webgpu lane is unavailable on this machine (no Vulkan driver)");
    const response = await routes.benchmarks.POST(post(hybrid()));
    expect(response.status).toBe(202);
    const { id } = (await response.json()) as { id: string };
    const final = await until(id, (s) => s.state !== "queued" && s.state !== "running");
    expect(final.state, final.error ?? "").toBe("done");
    expect(final.lane.id).toBe("cpu");
    expect(final.laneB?.id).toBe("webgpu");
    const result = final.results!.scenario as HybridResult;
    expect(result.kind).toBe("hybrid");
    const { outcome } = result;
    expect(outcome.requests).toBe(120);
    expect(outcome.lanes[0].requests + outcome.lanes[1].requests).toBe(120);
    // The threshold sends exactly the 16-item requests to lane B.
    expect(outcome.lanes[1].items).toBe(outcome.lanes[1].requests * 16);
    expect(outcome.lanes[0].items).toBe(outcome.lanes[0].requests);
    expect(outcome.lanes[1].requests).toBeGreaterThan(0);
    expect(outcome.lanes[1].software).toBe(true);
    for (const lane of outcome.lanes) {
      expect(lane.utilisation).toBeGreaterThan(0);
      expect(lane.utilisation).toBeLessThanOrEqual(1);
    }
    expect(outcome.latencyMs.p99).toBeGreaterThanOrEqual(outcome.latencyMs.p50);
    expect(outcome.throughputPerSecond).toBeGreaterThan(0);
  });

  it("measures the lanes' contention and dynamically batches when asked", async (context) => {
    if (!webgpuAvailable) context.skip("the webgpu lane is unavailable on this machine (no Vulkan driver)");
    const response = await routes.benchmarks.POST(post(hybrid({ measureContention: true, policy: { kind: "all-a" }, batching: { a: { maxBatch: 16, maxWaitMs: 5 }, b: null } })));
    const { id } = (await response.json()) as { id: string };
    const final = await until(id, (s) => s.state !== "queued" && s.state !== "running");
    expect(final.state, final.error ?? "").toBe("done");
    const result = final.results!.scenario as HybridResult;
    expect(result.contention).not.toBeNull();
    expect(result.contention!.aloneMs[0]).toBeGreaterThan(0);
    // Wake-up measured at the sizes lane A can be handed (1 item up to its max batch); lane B gets nothing, so nothing measured there.
    const curves = result.contention!.wakeUp;
    expect(curves[0].map((c) => c.batch)).toEqual([1, 16]);
    expect(curves[1]).toEqual([]);
    for (const curve of curves[0]) {
      expect(curve.backToBackMs).toBeGreaterThan(0);
      expect(curve.points.map((p) => p.idleMs)).toHaveLength(4);
      // The idle gaps as they happened: each at least the gap asked for (2, 8, 32, 96 ms), in order.
      curve.points.forEach((p, i) => expect(p.idleMs).toBeGreaterThanOrEqual([2, 8, 32, 96][i]!));
    }
    // A batching lane: how late the server's timers fire, as quantiles (never early, ascending).
    const late = result.contention!.timerLateMs!;
    expect(late).toHaveLength(9);
    late.forEach((v, i) => expect(v).toBeGreaterThanOrEqual(i === 0 ? 0 : late[i - 1]!));
    // Lane B has no traffic: nothing to measure amid it.
    expect(result.contention!.beside).toEqual([0, 0]);
    expect(result.outcome.lanes[1].requests).toBe(0);
    expect(result.outcome.lanes[0].requests).toBe(120);
    // Batching: fewer batches than requests on lane A.
    expect(result.outcome.lanes[0].batches).toBeLessThan(120);
  });

  it("with both lanes in use, measures each amid the other's traffic at the rates the policy sends them", async (context) => {
    if (!webgpuAvailable) context.skip("the webgpu lane is unavailable on this machine (no Vulkan driver)");
    const response = await routes.benchmarks.POST(post(hybrid({ measureContention: true })));
    const { id } = (await response.json()) as { id: string };
    const final = await until(id, (s) => s.state !== "queued" && s.state !== "running");
    expect(final.state, final.error ?? "").toBe("done");
    const contention = (final.results!.scenario as HybridResult).contention!;
    // Threshold 4 on a mix of 80% single items and 20% of 16 at 40 req/s: 32 req/s to A, 8 to B.
    expect(contention.besideRates).toEqual([32, 8]);
    for (const slower of contention.beside) expect(slower).toBeGreaterThanOrEqual(0);
    expect(contention.wakeUp[0].map((c) => c.batch)).toEqual([1]);
    expect(contention.wakeUp[1].map((c) => c.batch)).toEqual([16]);
    expect(contention.timerLateMs).toBeNull();
  });

  it("cancels a running hybrid job", async (context) => {
    if (!webgpuAvailable) context.skip("the webgpu lane is unavailable on this machine (no Vulkan driver)");
    const response = await routes.benchmarks.POST(post(hybrid({ workload: { rate: 20, mix: [{ items: 1, percent: 100 }], requests: 1000, seed: 1 } })));
    const { id } = (await response.json()) as { id: string };
    await until(id, (s) => s.state === "running" && s.progress > 0);
    const cancelled = await routes.benchmark.DELETE(new Request(`http://test/api/benchmarks/${id}`, { method: "DELETE" }), params({ id }));
    expect(cancelled.status).toBe(200);
    const final = await until(id, (s) => s.state !== "queued" && s.state !== "running");
    expect(final.state).toBe("cancelled");
  });
});

describe("bad hybrid requests", () => {
  const bad: Array<[string, unknown, number, RegExp]> = [
    ["a zero rate", hybrid({ workload: { rate: 0, mix: [{ items: 1, percent: 100 }], requests: 10 } }), 400, /scenario\.workload\.rate/],
    ["a negative rate", hybrid({ workload: { rate: -3, mix: [{ items: 1, percent: 100 }], requests: 10 } }), 400, /scenario\.workload\.rate/],
    ["a mix not summing to 100%", hybrid({ workload: { rate: 10, mix: [{ items: 1, percent: 50 }, { items: 4, percent: 30 }], requests: 10 } }), 400, /scenario\.workload\.mix: percentages must sum to 100, not 80/],
    ["an unknown lane B", hybrid({ laneB: "tpu" }), 400, /scenario\.laneB/],
    ["an unknown lane A", { ...hybrid(), lane: "tpu" }, 404, /unknown lane "tpu"/],
    ["the same lane twice", { ...hybrid({ laneB: "cpu" }) }, 400, /scenario\.laneB: must differ from lane/],
    ["more requests than the cap", hybrid({ workload: { rate: 1000, mix: [{ items: 1, percent: 100 }], requests: 1_000_000 } }), 400, /scenario\.workload\.requests/],
    ["a run longer than the cap", hybrid({ workload: { rate: 1, mix: [{ items: 1, percent: 100 }], requests: 1000 } }), 400, /scenario\.workload\.requests: .*at most 60 s/],
    ["least-completion without profiles", hybrid({ policy: { kind: "least-completion" } }), 400, /scenario\.profiles/],
    [
      "profiles from a different model",
      hybrid({
        policy: { kind: "least-completion" },
        profiles: [
          { lane: "server-cpu", modelId: "hybrid-mlp", device: null, software: false, points: [{ batch: 1, meanMs: 0.1 }] },
          { lane: "server-webgpu", modelId: "mlp-wide", device: null, software: true, points: [{ batch: 1, meanMs: 2 }] },
        ],
      }),
      400,
      /scenario\.profiles\.1\.modelId: .*mlp-wide/,
    ],
    ["a request larger than the model takes", hybrid({ workload: { rate: 10, mix: [{ items: 128, percent: 100 }], requests: 10 } }), 413, /scenario\.workload\.mix: 128 items .*cap of 64/],
  ];
  for (const [name, body, status, message] of bad) {
    it(`answers ${status} for ${name}, naming the field`, async () => {
      const response = await routes.benchmarks.POST(post(body));
      const json = (await response.json()) as { error: string };
      expect(response.status, JSON.stringify(json)).toBe(status);
      expect(json.error).toMatch(message);
    });
  }
});
