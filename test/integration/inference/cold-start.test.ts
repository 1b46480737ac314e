import * as ort from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { fixtureModel } from "../../unit/inference/helpers";
import { sqliteDatabase, type TestDatabase } from "../../helpers/databases";

vi.hoisted(() => {
  process.env.ORT_DISABLE_TELEMETRY = "1";
  process.env.BENCHMARK_QUEUE_SIZE = "3";
});

const model = fixtureModel("cold-mlp", [16, 64, 8], 16);
const visitor = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";
let routes: {
  benchmarks: typeof import("@/app/api/benchmarks/route");
  benchmark: typeof import("@/app/api/benchmarks/[id]/route");
};

let database: TestDatabase | undefined;

// Migrating runs the project's migrate step in a child process: seconds on a busy machine.
beforeAll(async () => {
  database = sqliteDatabase();
  process.env.DATABASE_URL = database.url;
  const { registerModel } = await import("@/lib/inference/catalog.server");
  registerModel(model);
  routes = { benchmarks: await import("@/app/api/benchmarks/route"), benchmark: await import("@/app/api/benchmarks/[id]/route") };
}, 60_000);

afterAll(async () => {
  const { releaseAllRunners } = await import("@/lib/inference/sessions.server");
  await releaseAllRunners();
  await database?.stop();
});

function post(body: unknown, cookieVisitor = visitor): Request {
  return new Request("http://test/api/benchmarks", {
    method: "POST",
    headers: { "content-type": "application/json", cookie: `lab_visitor=${cookieVisitor}` },
    body: JSON.stringify(body),
  });
}

const quick = { model: "cold-mlp", lane: "cpu", threads: 1, scenario: { kind: "single-stream", warmupRuns: 2, minRuns: 20, minDurationMs: 20 } };

async function runToEnd(body: unknown) {
  const response = await routes.benchmarks.POST(post(body));
  expect(response.status, JSON.stringify(await response.clone().json())).toBe(202);
  const { id } = (await response.json()) as { id: string };
  const { benchmarkJobs } = await import("@/lib/inference/benchmarks.server");
  const done = await benchmarkJobs().wait(id);
  expect(done?.state, done?.error ?? "").toBe("done");
  return done!;
}

describe("cold start", () => {
  it("creates a new session for every cold-start job, even after the shared one is warm, and releases it", async () => {
    const { coldStartSessions } = await import("@/lib/inference/cold-start.server");
    const { runnerCount } = await import("@/lib/inference/sessions.server");
    // A plain job first: the shared cached session now exists and has run.
    const warm = await runToEnd(quick);
    expect(warm.results!.coldStart).toBeUndefined();
    const cachedRunners = runnerCount();
    const before = coldStartSessions();
    const creates = vi.spyOn(ort.InferenceSession, "create");
    try {
      for (let i = 0; i < 2; i += 1) {
        const done = await runToEnd({ ...quick, coldStart: { runs: 5 } });
        const cold = done.results!.coldStart!;
        expect(done.results!.session.created).toBe(true);
        expect(cold.sessionCreateMs).toBeGreaterThan(0);
        expect(cold.firstRunMs).toBeGreaterThan(0);
        expect(cold.nextRunsMs).toHaveLength(5);
        for (const ms of cold.nextRunsMs) expect(ms).toBeGreaterThan(0);
        // The naive figure is a whole-millisecond wall-clock reading of creation plus first run.
        expect(Number.isInteger(cold.naiveWallClockMs)).toBe(true);
        expect(cold.naiveWallClockMs).toBeGreaterThanOrEqual(Math.floor(cold.sessionCreateMs + cold.firstRunMs) - 1);
        expect(cold.released).toBe(true);
        expect(done.results!.session.firstRunMs).toBe(cold.firstRunMs);
        expect(done.results!.scenario.kind).toBe("single-stream");
        // The quiz figures the server derives from its own run count this cold start as the learner's.
        const { figuresOfBenchmark } = await import("@/lib/experiments/figures.server");
        const figures = figuresOfBenchmark(done.results!);
        expect(figures.coldStartMs).toBeCloseTo(cold.sessionCreateMs + cold.firstRunMs, 6);
        expect(figures.coldSteadyRatio).toBeGreaterThan(0);
      }
      expect(creates).toHaveBeenCalledTimes(2);
    } finally {
      creates.mockRestore();
    }
    const after = coldStartSessions();
    expect(after.created - before.created).toBe(2);
    expect(after.released - before.released).toBe(2);
    expect(after.live).toBe(0);
    // The shared cache is neither used nor grown by cold starts.
    expect(runnerCount()).toBe(cachedRunners);
  });

  it("measures a cold start on the webgpu lane when it is available, with the same phases", async () => {
    const { getLane } = await import("@/lib/inference/lanes.server");
    const webgpu = await getLane("webgpu");
    if (!webgpu.available) return;
    const done = await runToEnd({ ...quick, lane: "webgpu", threads: undefined, coldStart: { runs: 3 } });
    expect(done.lane.software).toBe(webgpu.software);
    expect(done.results!.coldStart).toMatchObject({ released: true, nextRunsMs: [expect.any(Number), expect.any(Number), expect.any(Number)] });
  });

  it("allows one cold start per lane at a time (429 with Retry-After), and releases the session of a cancelled one", async () => {
    const { coldStartSessions } = await import("@/lib/inference/cold-start.server");
    const long = { ...quick, coldStart: { runs: 2 }, scenario: { kind: "single-stream", warmupRuns: 0, minRuns: 1e6, minDurationMs: 60_000, maxDurationMs: 60_000 } };
    const first = await routes.benchmarks.POST(post(long));
    expect(first.status).toBe(202);
    const { id } = (await first.json()) as { id: string };
    // Another learner, the same lane: refused while the first is live.
    const second = await routes.benchmarks.POST(post(long, "0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d"));
    expect(second.status).toBe(429);
    expect(Number(second.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await second.json()).error).toMatch(/^coldStart: .*lane cpu/);
    // A plain job is not a cold start: it queues as before.
    const plain = await routes.benchmarks.POST(post(quick));
    expect(plain.status).toBe(202);
    const { benchmarkJobs } = await import("@/lib/inference/benchmarks.server");
    await vi.waitFor(async () => expect((await benchmarkJobs().get(id))?.message).not.toMatch(/^(queued|cold start)/), { timeout: 10_000 });
    expect(coldStartSessions().live).toBe(1);
    const cancelled = await (await routes.benchmark.DELETE(new Request("http://test"), { params: Promise.resolve({ id }) })).json();
    expect(cancelled.state).toBe("cancelled");
    expect(coldStartSessions().live).toBe(0);
    await benchmarkJobs().wait(((await plain.json()) as { id: string }).id);
    // The slot is free again.
    await runToEnd({ ...quick, coldStart: { runs: 1 } });
  });

  it("validates coldStart, naming the field", async () => {
    for (const coldStart of [{ runs: 0 }, { runs: 101 }, { runs: 2.5 }, true, { runs: 3, extra: 1 }]) {
      const response = await routes.benchmarks.POST(post({ ...quick, coldStart }));
      expect(response.status, JSON.stringify(coldStart)).toBe(400);
      expect((await response.json()).error).toMatch(/coldStart/);
    }
  });
});
