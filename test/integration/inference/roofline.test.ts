import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { fixtureModel } from "../../unit/inference/helpers";
import { sqliteDatabase, type TestDatabase } from "../../helpers/databases";

vi.hoisted(() => {
  process.env.ORT_DISABLE_TELEMETRY = "1";
});

const small = fixtureModel("roof-mlp", [16, 32, 4], 16);
let routes: { ceilings: typeof import("@/app/api/ceilings/route"); memory: typeof import("@/app/api/model-memory/route"); benchmarks: typeof import("@/app/api/benchmarks/route") };

let database: TestDatabase | undefined;

// Migrating runs the project's migrate step in a child process: seconds on a busy machine.
beforeAll(async () => {
  database = sqliteDatabase();
  process.env.DATABASE_URL = database.url;
  const { registerModel } = await import("@/lib/inference/catalog.server");
  registerModel(small);
  routes = { ceilings: await import("@/app/api/ceilings/route"), memory: await import("@/app/api/model-memory/route"), benchmarks: await import("@/app/api/benchmarks/route") };
}, 60_000);

afterAll(async () => {
  const { releaseAllRunners } = await import("@/lib/inference/sessions.server");
  await releaseAllRunners();
  await database?.stop();
});

const post = (url: string, body: unknown) => new Request(`http://test${url}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

/** OS threads of this process (Linux): onnxruntime's intra-op pool adds threads − 1 of them per session. */
function osThreads(): number {
  return Number(/^Threads:\s+(\d+)/m.exec(readFileSync("/proc/self/status", "utf8"))![1]);
}

describe("threads option", () => {
  it("really sets the session's intra-op threads: each extra thread is an OS thread of the pool", async () => {
    const { getRunner } = await import("@/lib/inference/sessions.server");
    const { getLane, cpuCores } = await import("@/lib/inference/lanes.server");
    const lane = await getLane("cpu");
    const cores = cpuCores();
    const created: Array<[number, number]> = [];
    for (const threads of [1, cores]) {
      const model = fixtureModel(`threads-mlp-${threads}`, [16, 32, 4], 16);
      const before = osThreads();
      const { runner } = await getRunner(model, lane, { threads });
      expect(runner.threads).toBe(threads);
      created.push([threads, osThreads() - before]);
    }
    expect(created[0]![1]).toBe(0);
    expect(created[1]![1]).toBe(cores - 1);
  });

  it("refuses threads outside 1…cores with a 400 naming the field", async () => {
    const { cpuCores } = await import("@/lib/inference/lanes.server");
    const base = { model: "roof-mlp", lane: "cpu", scenario: { kind: "single-stream", minRuns: 5, minDurationMs: 5 } };
    for (const threads of [0, cpuCores() + 1, 1.5]) {
      const response = await routes.benchmarks.POST(post("/api/benchmarks", { ...base, threads }));
      expect(response.status, String(threads)).toBe(400);
      expect((await response.json()).error).toMatch(/threads/);
    }
  });
});

describe("batch sweep", () => {
  it("refuses a sweep past the model's cap (413 naming the field) and an unknown model (404 naming it)", async () => {
    const over = await routes.benchmarks.POST(post("/api/benchmarks", { model: "roof-mlp", lane: "cpu", scenario: { kind: "offline", maxBatch: 32 } }));
    expect(over.status).toBe(413);
    expect((await over.json()).error).toMatch(/maxBatch of 32 .* cap of 16/);
    const unknown = await routes.benchmarks.POST(post("/api/benchmarks", { model: "no-such-model", lane: "cpu", scenario: { kind: "offline", maxBatch: 4 } }));
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error).toMatch(/unknown model "no-such-model"/);
  });

  it("turns a batch the lane refuses into a result with its reason, keeping the batches before it", async () => {
    const { runOffline } = await import("@/lib/inference/scenarios.server");
    const { getRunner } = await import("@/lib/inference/sessions.server");
    const { getLane } = await import("@/lib/inference/lanes.server");
    const { runner } = await getRunner(small, await getLane("cpu"), { threads: 1 });
    // A lane limit stand-in: the real runner, refusing batches over 4 as an out-of-memory GPU would.
    const limited = Object.assign(Object.create(runner) as typeof runner, {
      run: (feeds: Parameters<typeof runner.run>[0]) => ((feeds.input!.dims[0] as number) > 4 ? Promise.reject(new Error("failed to allocate a buffer of 64 MiB\nstack…")) : runner.run(feeds)),
    });
    const result = await runOffline(limited, { kind: "offline", maxBatch: 16, measure: { warmupRuns: 1, minRuns: 5, minDurationMs: 5, maxRuns: 1000, maxDurationMs: 2000 } });
    expect(result.points.map((p) => p.batch)).toEqual([1, 2, 4]);
    expect(result.failures).toEqual([{ batch: 8, reason: "failed to allocate a buffer of 64 MiB" }]);
    expect(result.cappedBy).toMatch(/batch 8 failed \(failed to allocate a buffer of 64 MiB\), so the sweep stopped at batch 4/);
  });
});

describe("activation footprint", () => {
  it("measures every intermediate tensor: digits-mlp writes 128·3 + 64·3 + 10 floats per item", async () => {
    const response = await routes.memory.GET(new Request("http://test/api/model-memory?model=digits-mlp"));
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.perItemBytes).toBe((128 * 3 + 64 * 3 + 10) * 4);
    expect(body.fixedBytes).toBe(0);
    expect(body.method).toMatch(/unoptimised graph/);
  });

  it("answers an unknown or missing model with a 4xx naming it", async () => {
    const unknown = await routes.memory.GET(new Request("http://test/api/model-memory?model=nope"));
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error).toMatch(/unknown model "nope"/);
    const missing = await routes.memory.GET(new Request("http://test/api/model-memory"));
    expect(missing.status).toBe(400);
    expect((await missing.json()).error).toMatch(/model/);
  });
});

describe("ceilings", () => {
  // Two full measurements of four probes (a 256 MiB stream, two GEMMs): minutes on a shared 2-core machine.
  it("measures bandwidth and compute on the cpu lane, caches them per lane, device and threads, and re-measures on request", { timeout: 400_000 }, async () => {
    const first = await routes.ceilings.POST(post("/api/ceilings", { lane: "cpu", threads: 1 }));
    expect(first.status).toBe(200);
    const a = await first.json();
    expect(a.cached).toBe(false);
    expect(a.threads).toBe(1);
    expect(a.bandwidth.bytesPerCall).toBeGreaterThanOrEqual(256 * 2 ** 20);
    // The ceilings are the probes' own numbers: bytes or FLOPs over the median call.
    expect(a.bandwidthGBps).toBeCloseTo(a.bandwidth.bytesPerCall / (a.bandwidth.p50Ms * 1e6), 2);
    expect(a.computeGflops).toBeCloseTo(a.compute.flopsPerCall / (a.compute.p50Ms * 1e6), 2);
    expect(a.ridgeFlopsPerByte).toBeCloseTo(a.computeGflops / a.bandwidthGBps, 2);
    // Streaming 256 MiB (0.5 FLOP/byte) cannot reach the compute line, so compute must beat bandwidth × 0.5.
    expect(a.computeGflops).toBeGreaterThan(a.bandwidthGBps * 0.5);
    const again = await (await routes.ceilings.POST(post("/api/ceilings", { lane: "cpu", threads: 1 }))).json();
    expect(again).toEqual({ ...a, cached: true });
    const fresh = await (await routes.ceilings.POST(post("/api/ceilings", { lane: "cpu", threads: 1, remeasure: true }))).json();
    expect(fresh.cached).toBe(false);
    expect(fresh.measuredAt > a.measuredAt).toBe(true);
  });

  it("refuses bad requests with a 4xx naming the field", async () => {
    const { cpuCores } = await import("@/lib/inference/lanes.server");
    const cases: Array<[unknown, number, RegExp]> = [
      [{ lane: "cpu", threads: 0 }, 400, /threads/],
      [{ lane: "cpu", threads: cpuCores() + 1 }, 400, /threads must be an integer from 1 to/],
      [{ lane: "tpu" }, 404, /unknown lane "tpu"/],
      [{ lane: "cpu", remeasure: "yes" }, 400, /remeasure/],
      [{ lane: "cpu", extra: 1 }, 400, /extra/],
      [{}, 400, /lane/],
    ];
    for (const [body, status, message] of cases) {
      const response = await routes.ceilings.POST(post("/api/ceilings", body));
      expect(response.status, JSON.stringify(body)).toBe(status);
      expect((await response.json()).error).toMatch(message);
    }
  });
});
