import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Recommendation } from "@/lib/experiments/recommend";
import { cookieFrom, request, useTestDatabase } from "../../helpers/route-requests";
import { sqliteDatabase, type TestDatabase } from "../../helpers/databases";

/**
 * POST /api/recommendation on a real SQLite database: it reads the caller's own
 * stored results (server lanes through the benchmark run the server verified),
 * a classmate's device and the server's reference runs, each marked; stores its
 * answer for /results/{id} and the quiz; and refuses bad input naming the field.
 */
type Handler = (request: Request) => Promise<Response>;

let database: TestDatabase;
let recommendPost: Handler;
let resultsPost: Handler;
let auth: { POST: Handler };
let db: typeof import("@/lib/db/client.server").db;
let resolveResult: typeof import("@/lib/quiz/resolvers.server").resolveResult;
let loadResultGroup: typeof import("@/lib/experiments/store.server").loadResultGroup;
let classes: typeof import("@/lib/auth/classes.server");

// The lesson the experiment lives in; any lesson the server knows is accepted.
const LESSON = "cost-power-and-tco";

beforeAll(async () => {
  database = sqliteDatabase();
  useTestDatabase(database);
  recommendPost = (await import("@/app/api/recommendation/route")).POST as Handler;
  resultsPost = (await import("@/app/api/experiment-results/route")).POST as Handler;
  auth = await import("@/app/api/auth/[...all]/route");
  db = (await import("@/lib/db/client.server")).db;
  resolveResult = (await import("@/lib/quiz/resolvers.server")).resolveResult;
  loadResultGroup = (await import("@/lib/experiments/store.server")).loadResultGroup;
  classes = await import("@/lib/auth/classes.server");
}, 120_000);

afterAll(async () => {
  await db?.$disconnect();
  await database?.stop();
});

async function signUp(name: string): Promise<{ cookie: string; userId: string }> {
  const response = await auth.POST(request("/api/auth/sign-up/email", { body: { email: `${name}@example.com`, password: "correct horse battery", name } }));
  expect(response.status).toBe(200);
  const user = await db.user.findUniqueOrThrow({ where: { email: `${name}@example.com` } });
  return { cookie: cookieFrom(response), userId: user.id };
}

const latency = (p50: number, p99: number) => ({ p50, p90: p99, p95: p99, p99, mean: p50, n: 100 });

/** A finished offline sweep as the server stores it. */
async function benchmark(owner: string | null, lane: string, points: Array<[batch: number, p50: number, p99: number, itemsPerSecond: number]>, device: string, software = false): Promise<string> {
  const id = crypto.randomUUID();
  const scenario = { kind: "offline", points: points.map(([batch, p50, p99, itemsPerSecond]) => ({ batch, latencyMs: latency(p50, p99), itemsPerSecond })) };
  await db.benchmarkRun.create({ data: { id, state: "done", modelId: "digits-mlp", lane, device, software, threads: 2, scenario: "offline", request: "{}", modelDetails: "{}", results: JSON.stringify({ session: {}, scenario }), userId: owner } });
  return id;
}

const browserRun = (lane: string, device: string, points: Array<[number, number, number, number]>) => ({
  lane,
  modelId: "digits-mlp",
  device,
  software: lane === "browser-webgpu",
  threads: 1,
  batchSize: 1,
  p50Ms: points[0]![1],
  throughput: points[0]![3],
  environment: { userAgent: "test" },
  results: { points: points.map(([batch, p50, p99, itemsPerSecond]) => ({ batch, latencyMs: latency(p50, p99), itemsPerSecond })) },
  benchmarkRunId: null,
});

const serverRun = (benchmarkRunId: string) => ({ lane: "server-cpu", modelId: "digits-mlp", device: null, software: false, threads: null, batchSize: null, p50Ms: null, throughput: null, environment: {}, results: {}, benchmarkRunId });

const workload = { lessonSlug: LESSON, model: "digits-mlp", p99TargetMs: 20, requestsPerSecond: 500, busyHoursPerDay: 8, billedHoursPerDay: 24 };

async function recommendAs(cookie: string | undefined, body: unknown) {
  const response = await recommendPost(request("/api/recommendation", { body, cookie }));
  return { status: response.status, body: (await response.json()) as { id: string | null; url: string | null; recommendation: Recommendation; error?: string } };
}

describe("POST /api/recommendation", () => {
  let learner: { cookie: string; userId: string };

  beforeAll(async () => {
    learner = await signUp("chooser");
    const classmate = await signUp("classmate");
    const teacher = await signUp("teacher");
    const course = await classes.createClass(teacher.userId, "Inference 101");
    await classes.joinClass(learner.userId, course.joinCode);
    await classes.joinClass(classmate.userId, course.joinCode);

    // The learner's own: a server-CPU sweep (through the server's benchmark run) and a browser WASM run at batch 1 only.
    const own = await benchmark(learner.userId, "cpu", [[1, 0.4, 1, 2000], [8, 1, 2, 6000], [64, 5, 8, 9000]], "test EPYC (2 threads)");
    expect((await resultsPost(request("/api/experiment-results", { cookie: learner.cookie, body: { lessonSlug: LESSON, experiment: "batch-sweep", runs: [serverRun(own)] } }))).status).toBe(201);
    expect((await resultsPost(request("/api/experiment-results", { cookie: learner.cookie, body: { lessonSlug: LESSON, experiment: "latency", runs: [browserRun("browser-wasm", "1 thread of 8 logical cores", [[1, 0.3, 0.6, 2500]])] } }))).status).toBe(201);
    // A classmate's laptop GPU, and the server's software GPU as someone else measured it.
    expect((await resultsPost(request("/api/experiment-results", { cookie: classmate.cookie, body: { lessonSlug: LESSON, experiment: "latency", runs: [browserRun("browser-webgpu", "classmate's laptop GPU", [[1, 0.9, 1.5, 900]])] } }))).status).toBe(201);
    await benchmark(null, "webgpu", [[1, 10, 14, 80]], "SwiftShader", true);
  });

  it("answers from the learner's own runs, the class and the server reference, each marked, and stores the answer", async () => {
    const { status, body } = await recommendAs(learner.cookie, { ...workload, lanes: ["server-cpu", "server-webgpu", "browser-wasm", "browser-webgpu"] });
    expect(status).toBe(201);
    const { recommendation } = body;
    const by = (lane: string) => recommendation.lanes.find((l) => l.lane === lane)!;
    expect(by("server-cpu")).toMatchObject({ source: "yours", verified: true, meets: true, bestBatch: 8, capacityPerSecond: 6000 });
    expect(by("browser-wasm")).toMatchObject({ source: "yours", verified: false });
    // No cited price for a browser: it is not called free.
    expect(by("browser-wasm").refusals.map((r) => r.reason)).toEqual(["no-price"]);
    expect(by("browser-webgpu")).toMatchObject({ source: "class", device: "classmate's laptop GPU" });
    expect(by("server-webgpu")).toMatchObject({ source: "server-reference", software: true });
    // 14 ms at batch 1 is within 20 ms, but 80/s is far below 500/s.
    expect(by("server-webgpu").refusals.map((r) => r.reason)).toEqual(["rate-above-capacity"]);
    expect(by("server-webgpu").machinesNeeded).toBe(7);

    const chosen = recommendation.lanes.find((l) => l.id === recommendation.recommended)!;
    expect(chosen.lane).toBe("server-cpu");
    // The cited default: $0.0816 an hour all day for 500/s over 8 hours.
    expect(chosen.dollarsPerMillion).toBeCloseTo(((0.0816 * 24) / (500 * 3600 * 8)) * 1e6, 9);
    expect(chosen.headroomPercent).toBeCloseTo(((6000 - 500) / 6000) * 100, 9);
    // The browser WASM run has no sweep; the learner never ran server WebGPU or the browser's WebGPU.
    expect(recommendation.missing.map((m) => `${m.lane}:${m.kind}`).sort()).toEqual(["browser-wasm:no-batch-sweep", "browser-webgpu:no-run", "server-webgpu:no-run"]);

    expect(body.url).toBe(`/results/${body.id}`);
    const stored = await loadResultGroup(body.id!);
    expect(stored?.[0]).toMatchObject({ experiment: "recommendation", lane: "server-cpu", batchSize: 8, throughput: 6000 });
    expect(await resolveResult("recommended-cost-per-million", learner.userId)).toBeCloseTo(chosen.dollarsPerMillion!, 12);
    expect(await resolveResult("recommended-headroom-percent", learner.userId)).toBeCloseTo(chosen.headroomPercent!, 12);
  });

  it("says none meets the target, with each lane's reason, and the quiz then has no figure", async () => {
    const { status, body } = await recommendAs(learner.cookie, { ...workload, requestsPerSecond: 50_000, lanes: ["server-cpu"] });
    expect(status).toBe(201);
    expect(body.recommendation.recommended).toBeNull();
    expect(body.recommendation.summary).toMatch(/^None meets the target/);
    expect(body.recommendation.lanes[0]!.refusals.map((r) => r.reason)).toEqual(["rate-above-capacity"]);
    expect(await resolveResult("recommended-cost-per-million", learner.userId)).toBeNull();
  });

  it("an anonymous browser with nothing stored gets the server reference and a list of what to run", async () => {
    const { status, body } = await recommendAs(undefined, { ...workload, lanes: ["server-cpu"] });
    expect(status).toBe(201);
    expect(body.recommendation.lanes.map((l) => l.source)).toEqual(["server-reference"]);
    expect(body.recommendation.missing).toEqual([expect.objectContaining({ lane: "server-cpu", kind: "no-run", runLane: "server-cpu" })]);
  });

  it("with nothing measured on the lanes asked about, answers so and stores nothing", async () => {
    const { status, body } = await recommendAs(learner.cookie, { ...workload, lanes: ["server-cuda"] });
    expect(status).toBe(200);
    expect(body.id).toBeNull();
    expect(body.recommendation.summary).toMatch(/^Nothing measured/);
    expect(body.recommendation.missing.map((m) => m.kind)).toEqual(["no-run"]);
  });

  it("refuses a target below any latency measured for the model, saying so", async () => {
    const { status, body } = await recommendAs(learner.cookie, { ...workload, p99TargetMs: 0.2 });
    expect(status).toBe(422);
    expect(body.error).toMatch(/^p99TargetMs: .*below any latency measured for digits-mlp: the fastest median anywhere is 0\.3 ms/);
  });

  it.each([
    [{ requestsPerSecond: 0 }, 400, "requestsPerSecond"],
    [{ requestsPerSecond: -10 }, 400, "requestsPerSecond"],
    [{ p99TargetMs: -1 }, 400, "p99TargetMs"],
    [{ lanes: ["server-tpu"] }, 400, "lanes.0"],
    [{ model: "no-such-model" }, 400, "model"],
    [{ prices: { "server-cpu": { dollarsPerHour: -0.5, watts: 7 } } }, 400, "prices.server-cpu.dollarsPerHour"],
    [{ prices: { "server-cpu": { dollarsPerHour: "cheap", watts: 7 } } }, 400, "prices.server-cpu.dollarsPerHour"],
    [{ prices: { "server-tpu": { dollarsPerHour: 1, watts: 7 } } }, 400, "prices.server-tpu"],
    [{ busyHoursPerDay: 30 }, 400, "busyHoursPerDay"],
    [{ lessonSlug: "no-such-lesson" }, 404, "no-such-lesson"],
  ])("refuses %j with %i naming %s", async (change, status, field) => {
    const response = await recommendAs(learner.cookie, { ...workload, ...change });
    expect(response.status).toBe(status);
    expect(response.body.error).toContain(field);
  });

  it("is not something a browser can post as an experiment result", async () => {
    const response = await resultsPost(request("/api/experiment-results", { cookie: learner.cookie, body: { lessonSlug: LESSON, experiment: "recommendation", runs: [browserRun("browser-wasm", "x", [[1, 1, 1, 1]])] } }));
    expect(response.status).toBe(400);
  });
});
