import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { QuizFile } from "@/lib/quiz/schema";
import type { ResultRef } from "@/lib/quiz/result-ref";
import { cookieFrom, request, useTestDatabase } from "../../helpers/route-requests";
import { sqliteDatabase, type TestDatabase } from "./databases";

type Handler = (request: Request) => Promise<Response>;

let database: TestDatabase;
let post: Handler;
let auth: { POST: Handler };
let db: typeof import("@/lib/db/client.server").db;
let resolveFigure: typeof import("@/lib/quiz/result-figures.server").resolveFigure;
let submitAttempt: typeof import("@/lib/quiz/attempts.server").submitAttempt;

const json = (path: string, body: unknown, cookie?: string) => request(path, { body, cookie });

const run = (lane: string, extra: Record<string, unknown> = {}) => ({
  lane,
  modelId: "digits-mlp",
  device: lane.startsWith("browser") ? "browser CPU" : "AMD EPYC",
  software: false,
  threads: 1,
  batchSize: 1,
  p50Ms: 0.5,
  throughput: 2000,
  environment: {},
  results: {},
  benchmarkRunId: null,
  ...extra,
});

const save = async (experiment: string, runs: unknown[], cookie?: string) => {
  const response = await post(json("/api/experiment-results", { lessonSlug: "cpu-or-gpu", experiment, runs }, cookie));
  expect(response.status, await response.clone().text()).toBe(201);
  return response;
};

async function signUp(email: string, cookie?: string): Promise<{ cookie: string; userId: string }> {
  const response = await auth.POST(json("/api/auth/sign-up/email", { email, password: "correct horse battery", name: email.split("@")[0] }, cookie));
  expect(response.status).toBe(200);
  const user = await db.user.findFirstOrThrow({ where: { email } });
  return { cookie: response.headers.getSetCookie().map((c) => c.split(";")[0]!).join("; "), userId: user.id };
}

/** A finished benchmark run as the server stores it. */
async function benchmark(userId: string, modelId: string, scenario: Record<string, unknown>, session: Record<string, unknown> = { created: false, createMs: 0, firstRunMs: null }): Promise<string> {
  const id = crypto.randomUUID();
  await db.benchmarkRun.create({
    data: { id, state: "done", modelId, lane: "cpu", device: "AMD EPYC (2 threads)", software: false, scenario: String(scenario.kind), request: "{}", modelDetails: "{}", results: JSON.stringify({ session, scenario }), userId },
  });
  return id;
}

const ref = (figure: ResultRef["figure"], experiment: ResultRef["experiment"], lane: ResultRef["lane"], extra: Partial<ResultRef> = {}): ResultRef => ({ figure, experiment, model: "digits-mlp", lane, ...extra });

beforeAll(async () => {
  database = sqliteDatabase();
  useTestDatabase(database);
  post = (await import("@/app/api/experiment-results/route")).POST as Handler;
  auth = (await import("@/app/api/auth/[...all]/route")) as unknown as { POST: Handler };
  db = (await import("@/lib/db/client.server")).db;
  resolveFigure = (await import("@/lib/quiz/result-figures.server")).resolveFigure;
  submitAttempt = (await import("@/lib/quiz/attempts.server")).submitAttempt;
}, 120_000);

afterAll(async () => {
  await (await import("@/lib/inference/sessions.server")).releaseAllRunners();
  await db?.$disconnect();
  await database?.stop();
});

describe("result resolvers scoped by experiment, model and lane", () => {
  it("keep the figures an anonymous browser stored for every new experiment once it signs up", async () => {
    const first = await save("serving", [run("browser-wasm", { figures: { p99MsAtRate: { "50": 4.5 } } })]);
    const visitor = cookieFrom(first);
    await save("quantization", [run("browser-wasm", { modelId: "digits-mlp", p50Ms: 0.06 }), run("browser-wasm", { modelId: "digits-mlp-int8-dynamic", p50Ms: 0.04, figures: { int8Quality: 0.97 } })], visitor);
    await save("batch-sweep", [run("browser-wasm", { figures: { kneeBatch: 16 } })], visitor);
    await save("cost", [run("browser-wasm", { throughput: 1000, results: { price: { dollarsPerHour: 0.36, watts: 50 } } })], visitor);
    await save("latency", [run("browser-wasm", { figures: { coldSteadyRatio: 12.5 } })], visitor);

    const { userId } = await signUp("visitor@example.com", visitor);
    expect(await resolveFigure(ref("p99MsAtRate", "serving", "browser-wasm", { rate: 50 }), userId)).toEqual({ value: 4.5, reason: null });
    expect((await resolveFigure(ref("kneeBatch", "batch-sweep", "browser-wasm"), userId)).value).toBe(16);
    expect((await resolveFigure(ref("coldSteadyRatio", "latency", "browser-wasm"), userId)).value).toBe(12.5);
    // $0.36/h at 1000 items/s: 0.36 / 3.6e6 × 1e6 = $0.10 per million.
    expect((await resolveFigure(ref("costPerMillion", "cost", "browser-wasm"), userId)).value).toBeCloseTo(0.1, 10);
    // The speed-up is worked out from the two rows of one save: 0.06 / 0.04.
    const int8 = await resolveFigure(ref("int8Speedup", "quantization", "browser-wasm", { model: "digits-mlp-int8-dynamic" }), userId);
    expect(int8.value).toBeCloseTo(1.5, 10);
    expect((await resolveFigure(ref("int8Quality", "quantization", "browser-wasm", { model: "digits-mlp-int8-dynamic" }), userId)).value).toBe(0.97);
  });

  it("read the latest row of that experiment, model and lane, and say why when there is nothing to read", async () => {
    const { cookie, userId } = await signUp("latest@example.com");
    const knee = ref("kneeBatch", "batch-sweep", "browser-wasm");
    const none = await resolveFigure(knee, userId);
    expect(none.value).toBeNull();
    expect(none.reason).toMatch(/no stored batch-sweep result for digits-mlp on Browser WASM/);

    await save("batch-sweep", [run("browser-wasm", { figures: { kneeBatch: 8 } })], cookie);
    // Other models, lanes and experiments don't count.
    await save("batch-sweep", [run("browser-wasm", { modelId: "mlp-wide", figures: { kneeBatch: 64 } }), run("browser-webgpu", { figures: { kneeBatch: 32 } })], cookie);
    await save("latency", [run("browser-wasm", { figures: { kneeBatch: 2 } })], cookie);
    expect((await resolveFigure(knee, userId)).value).toBe(8);
    expect((await resolveFigure({ ...knee, model: "mlp-wide" }, userId)).value).toBe(64);
    expect((await resolveFigure({ ...knee, lane: "browser-webgpu" }, userId)).value).toBe(32);

    // A newer run of the same key without the figure is the key now; the older 8 does not stand in.
    await new Promise((resolve) => setTimeout(resolve, 5));
    await save("batch-sweep", [run("browser-wasm")], cookie);
    const latest = await resolveFigure(knee, userId);
    expect(latest.value).toBeNull();
    expect(latest.reason).toMatch(/latest batch-sweep run of digits-mlp on Browser WASM .* has no batch size at the knee/);

    // The grader puts the reason in the question's feedback.
    const quiz: QuizFile = {
      id: "own-knee",
      title: "Own knee",
      questions: [
        { id: "knee", type: "numeric", prompt: "Your knee batch?", fromResult: knee, tolerance: 0, toleranceType: "absolute", explanation: "The knee is where the curve flattens." },
        { id: "knee-wide", type: "numeric", prompt: "Your knee on mlp-wide?", fromResult: { ...knee, model: "mlp-wide" }, tolerance: 0, toleranceType: "absolute", explanation: "The knee is where the curve flattens." },
      ],
    };
    const attempt = await submitAttempt(userId, { lessonSlug: "cpu-or-gpu", quiz }, { seed: 1, answers: { knee: 8, "knee-wide": 64 } });
    expect(attempt.results[0]).toMatchObject({ correct: false, expected: null });
    expect(attempt.results[0]!.explanation).toMatch(/has no batch size at the knee/);
    expect(attempt.results[1]).toMatchObject({ correct: true, expected: 64 });
  });

  it("take server lanes' figures from the server's own benchmark runs, whatever the request says", async () => {
    const { cookie, userId } = await signUp("server@example.com");
    const sweep = await benchmark(userId, "digits-mlp", {
      kind: "offline",
      points: [1, 2, 4, 8, 16].map((batch, i) => ({ batch, latencyMs: { p50: 0.1 * batch, p99: 0.2 * batch }, itemsPerSecond: [1000, 1900, 3500, 3800, 3900][i] })),
    });
    await save("batch-sweep", [run("server-cpu", { benchmarkRunId: sweep, figures: { kneeBatch: 999 } })], cookie);
    // 90% of the best (3900) is 3510: batch 8 is the first to reach it.
    expect((await resolveFigure(ref("kneeBatch", "batch-sweep", "server-cpu"), userId)).value).toBe(8);
    expect((await resolveFigure(ref("bestBatch", "batch-sweep", "server-cpu"), userId)).value).toBe(16);

    const serving = await benchmark(userId, "digits-mlp", {
      kind: "server",
      points: [50, 100].map((targetRate) => ({ targetRate, latencyMs: { p50: 1, p99: targetRate / 10 }, throughputPerSecond: targetRate })),
    });
    await save("serving", [run("server-cpu", { benchmarkRunId: serving, figures: { p99MsAtRate: { "100": 0.001 } } })], cookie);
    expect((await resolveFigure(ref("p99MsAtRate", "serving", "server-cpu", { rate: 100 }), userId)).value).toBe(10);
    const other = await resolveFigure(ref("p99MsAtRate", "serving", "server-cpu", { rate: 75 }), userId);
    expect(other.reason).toMatch(/did not measure 75 requests\/s \(it ran at 50, 100 requests\/s\)/);

    const fp32 = await benchmark(userId, "digits-mlp", { kind: "single-stream", batch: 1, latencyMs: { p50: 0.3, p99: 0.5 }, itemsPerSecond: 3000 }, { created: true, createMs: 40, firstRunMs: 6 });
    const int8 = await benchmark(userId, "digits-mlp-int8-dynamic", { kind: "single-stream", batch: 1, latencyMs: { p50: 0.2, p99: 0.4 }, itemsPerSecond: 4500 });
    // The experiment scores quality before it saves; the save takes the server's figure, not the posted 0.1.
    const { measureQuality } = await import("@/lib/inference/quality.server");
    const { getLane } = await import("@/lib/inference/lanes.server");
    const quality = await measureQuality("digits-mlp-int8-dynamic", await getLane("cpu"));
    await save("quantization", [run("server-cpu", { benchmarkRunId: fp32 }), run("server-cpu", { modelId: "digits-mlp-int8-dynamic", benchmarkRunId: int8, figures: { int8Speedup: 100, int8Quality: 0.1 } })], cookie);
    expect((await resolveFigure(ref("int8Speedup", "quantization", "server-cpu", { model: "digits-mlp-int8-dynamic" }), userId)).value).toBeCloseTo(1.5, 10);
    expect((await resolveFigure(ref("int8Quality", "quantization", "server-cpu", { model: "digits-mlp-int8-dynamic" }), userId)).value).toBe(quality.metric.value);
    expect(quality.metric.value).toBeGreaterThan(0.95);
    // A session this run created had a cold start: first run 6 ms against a 0.3 ms median.
    expect((await resolveFigure(ref("coldSteadyRatio", "quantization", "server-cpu"), userId)).value).toBeCloseTo(20, 10);
    // The int8 run reused a warm session: no cold start to report.
    expect((await resolveFigure(ref("coldSteadyRatio", "quantization", "server-cpu", { model: "digits-mlp-int8-dynamic" }), userId)).reason).toMatch(/has no first run/);

    await save("cost", [run("server-cpu", { benchmarkRunId: fp32, results: { price: { dollarsPerHour: 1.08 } }, figures: { costPerMillion: 0 } })], cookie);
    // $1.08/h at the server's 3000 items/s: 1.08 / 1.08e7 × 1e6 = $0.10 per million.
    expect((await resolveFigure(ref("costPerMillion", "cost", "server-cpu"), userId)).value).toBeCloseTo(0.1, 10);
  });

  it("refuse malformed figures with a 400 naming the field", async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ kneeBatch: "eight" }, /runs\.0\.figures\.kneeBatch/],
      [{ int8Speedup: -2 }, /runs\.0\.figures\.int8Speedup/],
      [{ p99MsAtRate: { fast: 3 } }, /runs\.0\.figures\.p99MsAtRate\.fast/],
      [{ p99Ms: 1, madeUp: 1 }, /madeUp/],
      ["lots", /runs\.0\.figures/],
    ];
    for (const [figures, message] of cases) {
      const response = await post(json("/api/experiment-results", { lessonSlug: "cpu-or-gpu", experiment: "serving", runs: [run("browser-wasm", { figures })] }));
      expect(response.status, JSON.stringify(figures)).toBe(400);
      expect(((await response.json()) as { error: string }).error).toMatch(message);
    }
  });
});
