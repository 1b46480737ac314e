import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { fixtureModel } from "../../unit/inference/helpers";
import { sqliteDatabase, type TestDatabase } from "../../helpers/databases";

vi.hoisted(() => {
  process.env.ORT_DISABLE_TELEMETRY = "1";
  process.env.BENCHMARK_QUEUE_SIZE = "1";
});

const models = { small: fixtureModel("test-mlp", [8, 16, 4], 16) };
let routes: {
  capabilities: typeof import("@/app/api/capabilities/route");
  infer: typeof import("@/app/api/infer/route");
  benchmarks: typeof import("@/app/api/benchmarks/route");
  benchmark: typeof import("@/app/api/benchmarks/[id]/route");
  events: typeof import("@/app/api/benchmarks/[id]/events/route");
};

let database: TestDatabase | undefined;

// Migrating runs the project's migrate step in a child process: seconds on a busy machine.
beforeAll(async () => {
  database = sqliteDatabase();
  process.env.DATABASE_URL = database.url;
  const { registerModel } = await import("@/lib/inference/catalog.server");
  registerModel(models.small);
  routes = {
    capabilities: await import("@/app/api/capabilities/route"),
    infer: await import("@/app/api/infer/route"),
    benchmarks: await import("@/app/api/benchmarks/route"),
    benchmark: await import("@/app/api/benchmarks/[id]/route"),
    events: await import("@/app/api/benchmarks/[id]/events/route"),
  };
}, 60_000);

afterAll(async () => {
  const { releaseAllRunners } = await import("@/lib/inference/sessions.server");
  await releaseAllRunners();
  await database?.stop();
});

function post(url: string, body: unknown, init: RequestInit = {}): Request {
  return new Request(`http://test${url}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
    ...init,
  });
}

const params = <T>(value: T) => ({ params: Promise.resolve(value) });

describe("GET /api/capabilities", () => {
  it("lists lanes with availability and models with tensor specs", async () => {
    const response = await routes.capabilities.GET();
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.lanes.map((l: { id: string }) => l.id)).toEqual(["cpu", "cuda", "webgpu", "remote"]);
    for (const lane of body.lanes) expect(typeof lane.available).toBe("boolean");
    const model = body.models.find((m: { id: string }) => m.id === "test-mlp");
    expect(model.inputs).toEqual([{ name: "input", dtype: "float32", shape: ["batch", 8] }]);
    expect(model.outputs[0].name).toBe("output");
  });
});

describe("POST /api/infer", () => {
  it("runs given input and reports the lane and timing", async () => {
    const data = Array.from({ length: 16 }, (_, i) => i / 16);
    const response = await routes.infer.POST(post("/api/infer", { model: "test-mlp", lane: "cpu", threads: 1, inputs: { input: { shape: [2, 8], data } } }));
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.lane.id).toBe("cpu");
    expect(body.threads).toBe(1);
    expect(body.outputs.output.shape).toEqual([2, 4]);
    expect(body.outputs.output.data).toHaveLength(8);
    expect(body.timing.runMs).toBeGreaterThan(0);
    const again = await (await routes.infer.POST(post("/api/infer", { model: "test-mlp", lane: "cpu", threads: 1, inputs: { input: { shape: [2, 8], data } } }))).json();
    expect(again.timing.sessionCreated).toBe(false);
    expect(again.timing.firstRun).toBe(false);
    expect(again.outputs.output.data).toEqual(body.outputs.output.data);
  });

  it("generates seeded input of the model's shape when none is given", async () => {
    const body = await (await routes.infer.POST(post("/api/infer", { model: "test-mlp", batch: 3, seed: 5 }))).json();
    expect(body.outputs.output.shape).toEqual([3, 4]);
    const same = await (await routes.infer.POST(post("/api/infer", { model: "test-mlp", batch: 3, seed: 5 }))).json();
    expect(same.outputs.output.data).toEqual(body.outputs.output.data);
  });

  const bad: Array<[string, unknown, number, RegExp]> = [
    ["unknown model", { model: "nope" }, 404, /unknown model "nope"/],
    ["unknown lane", { model: "test-mlp", lane: "tpu" }, 404, /unknown lane "tpu"/],
    ["wrong shape", { model: "test-mlp", inputs: { input: { shape: [1, 7], data: [1, 2, 3, 4, 5, 6, 7] } } }, 400, /dimension 1 must be 8/],
    ["wrong rank", { model: "test-mlp", inputs: { input: { shape: [8], data: [1, 2, 3, 4, 5, 6, 7, 8] } } }, 400, /expected rank 2/],
    ["wrong dtype", { model: "test-mlp", inputs: { input: { dtype: "int32", shape: [1, 8], data: [1, 2, 3, 4, 5, 6, 7, 8] } } }, 400, /dtype int32 does not match the model's float32/],
    ["data count", { model: "test-mlp", inputs: { input: { shape: [1, 8], data: [1, 2] } } }, 400, /needs 8 values, got 2/],
    ["non-number data", { model: "test-mlp", inputs: { input: { shape: [1, 8], data: [1, 2, 3, 4, 5, 6, 7, "x"] } } }, 400, /index 7 is not a finite number/],
    ["unknown input", { model: "test-mlp", inputs: { other: { shape: [1, 8], data: [] } } }, 400, /unknown input "other"/],
    ["unknown output", { model: "test-mlp", outputs: ["nope"] }, 400, /unknown output\(s\) nope/],
    ["batch over the cap", { model: "test-mlp", batch: 17 }, 413, /over this model's cap of 16/],
    ["given batch over the cap", { model: "test-mlp", inputs: { input: { shape: [17, 8], data: new Array(17 * 8).fill(0) } } }, 413, /batch of 17/],
    ["threads on a GPU lane", { model: "test-mlp", lane: "webgpu", threads: 2 }, 400, /threads applies to the cpu lane only|unavailable/],
    ["threads over the cores", { model: "test-mlp", threads: 4096 }, 400, /threads must be an integer from 1 to/],
    ["unknown field", { model: "test-mlp", extra: 1 }, 400, /invalid request: .*extra/],
    ["missing model", { lane: "cpu" }, 400, /model/],
  ];
  for (const [name, body, status, message] of bad) {
    it(`answers ${status} for ${name}`, async () => {
      const response = await routes.infer.POST(post("/api/infer", body));
      const json = await response.json();
      expect(response.status, JSON.stringify(json)).toBe(status);
      expect(json.error).toMatch(message);
    });
  }

  it("answers 400 for malformed JSON and an empty body", async () => {
    const malformed = await routes.infer.POST(post("/api/infer", "{not json"));
    expect(malformed.status).toBe(400);
    expect((await malformed.json()).error).toMatch(/malformed JSON/);
    const empty = await routes.infer.POST(new Request("http://test/api/infer", { method: "POST", body: "" }));
    expect(empty.status).toBe(400);
  });

  it("answers 413 for a body over the size limit, declared or streamed", async () => {
    const { MAX_BODY_BYTES } = await import("@/lib/http/request.server");
    const declared = await routes.infer.POST(post("/api/infer", "{}", { headers: { "content-length": String(MAX_BODY_BYTES + 1) } }));
    expect(declared.status).toBe(413);
    const huge = `{"model":"test-mlp","pad":"${"x".repeat(MAX_BODY_BYTES)}"}`;
    const streamed = await routes.infer.POST(new Request("http://test/api/infer", { method: "POST", body: new Blob([huge]).stream(), duplex: "half" } as RequestInit));
    expect(streamed.status).toBe(413);
    expect((await streamed.json()).error).toMatch(/over the \d+-byte limit/);
  });

  it("runs on the webgpu lane and says when it is a software GPU", async () => {
    const { getLane } = await import("@/lib/inference/lanes.server");
    const webgpu = await getLane("webgpu");
    const response = await routes.infer.POST(post("/api/infer", { model: "test-mlp", lane: "webgpu", batch: 2, seed: 4 }));
    if (!webgpu.available) {
      expect(response.status).toBe(422);
      return;
    }
    const body = await response.json();
    expect(body.lane).toEqual({ id: "webgpu", device: webgpu.device, software: webgpu.software });
    const cpu = await (await routes.infer.POST(post("/api/infer", { model: "test-mlp", lane: "cpu", batch: 2, seed: 4 }))).json();
    body.outputs.output.data.forEach((v: number, i: number) => expect(Math.abs(v - cpu.outputs.output.data[i])).toBeLessThan(1e-4));
  });

  it("answers an unavailable lane with its reason, never running elsewhere", async () => {
    const { getLane } = await import("@/lib/inference/lanes.server");
    const cuda = await getLane("cuda");
    if (cuda.available) return;
    const response = await routes.infer.POST(post("/api/infer", { model: "test-mlp", lane: "cuda" }));
    expect(response.status).toBe(422);
    expect((await response.json()).error).toContain(cuda.reason);
  });
});

describe("benchmarks", () => {
  const quick = { model: "test-mlp", lane: "cpu", threads: 1, scenario: { kind: "single-stream", warmupRuns: 2, minRuns: 30, minDurationMs: 50 } };

  it("runs a job, reports progress over SSE and stores the result", async () => {
    const created = await routes.benchmarks.POST(post("/api/benchmarks", quick));
    expect(created.status).toBe(202);
    const { id } = await created.json();
    const events = await routes.events.GET(new Request(`http://test/api/benchmarks/${id}/events`), params({ id }));
    expect(events.headers.get("content-type")).toMatch(/text\/event-stream/);
    const text = await events.text();
    expect(text).toMatch(/^event: snapshot\n/);
    expect(text).toMatch(/event: end\ndata: .*"state":"done"/);
    const body = await (await routes.benchmark.GET(new Request(`http://test/api/benchmarks/${id}`), params({ id }))).json();
    expect(body.state).toBe("done");
    expect(body.persisted).toBe(true);
    expect(body.results.scenario.kind).toBe("single-stream");
    expect(body.results.scenario.latencyMs.n).toBeGreaterThanOrEqual(30);
    expect(body.results.session.createMs).toBeGreaterThan(0);
    expect(body.results.scenario.gflopsPerSecond).toBeGreaterThan(0);
    // Stored: a fresh manager (another process, a reload after restart) reads the same result from the database.
    const { db } = await import("@/lib/db/client.server");
    const row = await db.benchmarkRun.findUnique({ where: { id } });
    expect(row?.state).toBe("done");
    expect(row?.lane).toBe("cpu");
    expect(JSON.parse(row!.results!).scenario.latencyMs.p50).toBe(body.results.scenario.latencyMs.p50);
  });

  it("answers 429 with Retry-After when the lane's queue is full, and cancels with DELETE", async () => {
    const long = { ...quick, scenario: { kind: "single-stream", warmupRuns: 0, minRuns: 1e6, minDurationMs: 60_000, maxDurationMs: 60_000 } };
    const first = await (await routes.benchmarks.POST(post("/api/benchmarks", long))).json();
    const second = await (await routes.benchmarks.POST(post("/api/benchmarks", long))).json();
    const third = await routes.benchmarks.POST(post("/api/benchmarks", long));
    expect(third.status).toBe(429);
    expect(Number(third.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await third.json()).error).toMatch(/queue is full/);
    const queued = await (await routes.benchmark.DELETE(new Request("http://test"), params({ id: second.id }))).json();
    expect(queued.state).toBe("cancelled");
    const running = await (await routes.benchmark.DELETE(new Request("http://test"), params({ id: first.id }))).json();
    expect(running.state).toBe("cancelled");
  });

  it("runs server and offline scenarios given in JSON", async () => {
    const server = { ...quick, scenario: { kind: "server", load: { mode: "concurrency", concurrency: 4 }, batching: { maxBatchSize: 4, maxQueueDelayMs: 1 }, warmupRequests: 2, minRequests: 40, minDurationMs: 20 } };
    const offline = { ...quick, scenario: { kind: "offline", maxBatch: 4, warmupRuns: 1, minRuns: 5, minDurationMs: 5 } };
    const { benchmarkJobs } = await import("@/lib/inference/benchmarks.server");
    for (const body of [server, offline]) {
      const { id } = await (await routes.benchmarks.POST(post("/api/benchmarks", body))).json();
      const done = await benchmarkJobs().wait(id);
      expect(done?.state, done?.error ?? "").toBe("done");
      if (body === server) {
        expect(done!.results!.scenario).toMatchObject({ kind: "server", mode: "concurrency", curve: [{ load: 4 }] });
      } else {
        expect(done!.results!.scenario).toMatchObject({ kind: "offline", points: [{ batch: 1 }, { batch: 2 }, { batch: 4 }] });
      }
    }
  });

  it("fails a job at the hard time cap, with that reason", async () => {
    process.env.BENCHMARK_TIME_CAP_MS = "300";
    try {
      const long = { ...quick, scenario: { kind: "single-stream", warmupRuns: 0, minRuns: 1e6, minDurationMs: 60_000, maxDurationMs: 60_000 } };
      const { id } = await (await routes.benchmarks.POST(post("/api/benchmarks", long))).json();
      const { benchmarkJobs } = await import("@/lib/inference/benchmarks.server");
      const done = await benchmarkJobs().wait(id);
      expect(done?.state).toBe("failed");
      expect(done?.error).toMatch(/time cap of 0.3 s exceeded/);
    } finally {
      delete process.env.BENCHMARK_TIME_CAP_MS;
    }
  });

  it("validates benchmark requests", async () => {
    const cases: Array<[unknown, number]> = [
      [{ ...quick, scenario: { kind: "bogus" } }, 400],
      [{ ...quick, scenario: { kind: "single-stream", minDurationMs: 1e9 } }, 400],
      [{ ...quick, model: "nope" }, 404],
      [{ ...quick, scenario: { kind: "server", load: { mode: "concurrency", concurrency: 4 }, batching: { maxBatchSize: 64, maxQueueDelayMs: 1 } } }, 413],
    ];
    for (const [body, status] of cases) {
      const response = await routes.benchmarks.POST(post("/api/benchmarks", body));
      expect(response.status, JSON.stringify(body)).toBe(status);
      expect(typeof (await response.json()).error).toBe("string");
    }
    const missing = await routes.benchmark.GET(new Request("http://test"), params({ id: "00000000-0000-0000-0000-000000000000" }));
    expect(missing.status).toBe(404);
  });
});
