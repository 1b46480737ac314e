import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cookieFrom, origin, request, useTestDatabase } from "../../helpers/route-requests";
import { sqliteDatabase, type TestDatabase } from "../../helpers/databases";

type Handler = (request: Request, context?: { params: Promise<Record<string, string>> }) => Promise<Response>;

let database: TestDatabase;
let post: Handler;
let get: Handler;
let auth: { POST: (r: Request) => Promise<Response> };
let db: typeof import("@/lib/db/client.server").db;

const json = (path: string, body: unknown, cookie?: string) => request(path, typeof body === "string" ? { raw: body, cookie } : { body, cookie });

const run = (lane: string, extra: Record<string, unknown> = {}) => ({
  lane,
  modelId: "digits-mlp",
  device: lane === "browser-webgpu" ? "google swiftshader" : "browser CPU (1 of 2 threads)",
  software: lane === "browser-webgpu",
  threads: 1,
  batchSize: 1,
  p50Ms: 0.12,
  throughput: 8000,
  environment: { userAgent: "test", crossOriginIsolated: true },
  results: { points: [{ batch: 1 }] },
  benchmarkRunId: null,
  ...extra,
});

/** A finished benchmark run as the server stores it: an offline sweep on cpu whose best batch is 8. */
async function storedBenchmark(owner: { userId?: string; visitorId?: string }, overrides: Record<string, unknown> = {}): Promise<string> {
  const id = crypto.randomUUID();
  const scenario = {
    kind: "offline",
    points: [
      { batch: 1, latencyMs: { p50: 0.05 }, itemsPerSecond: 20_000 },
      { batch: 8, latencyMs: { p50: 0.2 }, itemsPerSecond: 40_000 },
    ],
  };
  await db.benchmarkRun.create({
    data: {
      id,
      state: "done",
      modelId: "digits-mlp",
      lane: "cpu",
      device: "AMD EPYC (2 threads)",
      software: false,
      scenario: "offline",
      request: "{}",
      modelDetails: "{}",
      results: JSON.stringify({ session: {}, scenario }),
      userId: owner.userId ?? null,
      visitorId: owner.visitorId ?? null,
      ...overrides,
    },
  });
  return id;
}

beforeAll(async () => {
  database = sqliteDatabase();
  useTestDatabase(database);
  post = (await import("@/app/api/experiment-results/route")).POST as Handler;
  get = (await import("@/app/api/experiment-results/[id]/route")).GET as Handler;
  auth = await import("@/app/api/auth/[...all]/route");
  db = (await import("@/lib/db/client.server")).db;
}, 120_000);

afterAll(async () => {
  await db?.$disconnect();
  await database?.stop();
});

describe("experiment results API", () => {
  it("stores one row per lane with its device, links the group, and serves it back", async () => {
    const response = await post(json("/api/experiment-results", { lessonSlug: "latency-is-a-distribution", experiment: "latency", runs: [run("browser-wasm"), run("browser-webgpu")] }));
    expect(response.status).toBe(201);
    const body = (await response.json()) as { id: string; ids: string[]; url: string };
    expect(body.ids).toHaveLength(2);
    expect(body.url).toBe(`/results/${body.id}`);
    const rows = await db.experimentResult.findMany({ where: { id: { in: body.ids } } });
    expect(rows.map((r) => r.lane).sort()).toEqual(["browser-wasm", "browser-webgpu"]);
    expect(rows.find((r) => r.lane === "browser-webgpu")!.software).toBe(true);
    expect(rows.every((r) => r.userId === null)).toBe(true);
    const fetched = await get(new Request(`${origin}/api/experiment-results/${body.ids[1]}`), { params: Promise.resolve({ id: body.ids[1]! }) });
    const stored = (await fetched.json()) as { result: { id: string; device: string }; group: Array<{ id: string }> };
    expect(stored.result.id).toBe(body.ids[1]);
    expect(stored.result.device).toBe("google swiftshader");
    expect(stored.group.map((g) => g.id)).toEqual(body.ids);
  });

  it("counts a signed-in learner's run in their lesson progress", async () => {
    const signUp = await auth.POST(json("/api/auth/sign-up/email", { email: "runner@example.com", password: "correct horse battery", name: "runner" }));
    expect(signUp.status).toBe(200);
    const cookie = signUp.headers.getSetCookie().map((c) => c.split(";")[0]!).join("; ");
    const user = await db.user.findFirstOrThrow({ where: { email: "runner@example.com" } });
    const benchmarkRunId = await storedBenchmark({ userId: user.id });
    for (let i = 0; i < 2; i += 1) expect((await post(json("/api/experiment-results", { lessonSlug: "cpu-or-gpu", experiment: "batch-sweep", runs: [run("server-cpu", { software: false, benchmarkRunId })] }, cookie))).status).toBe(201);
    const progress = await db.lessonProgress.findUniqueOrThrow({ where: { userId_lessonSlug: { userId: user.id, lessonSlug: "cpu-or-gpu" } } });
    expect(progress.experimentsRun).toBe(2);
    expect(await db.experimentResult.count({ where: { userId: user.id } })).toBe(2);
  });

  it("gives an anonymous browser's runs to the account it signs up with, and to no one else", async () => {
    const first = await post(json("/api/experiment-results", { lessonSlug: "latency-is-a-distribution", experiment: "latency", runs: [run("browser-wasm"), run("browser-webgpu")] }));
    expect(first.status).toBe(201);
    const visitorCookie = cookieFrom(first);
    expect(visitorCookie).toMatch(/^lab_visitor=[0-9a-f-]{36}$/);
    // A second run from the same browser keeps its id (no new cookie) and joins the same pile.
    const second = await post(json("/api/experiment-results", { lessonSlug: "cpu-or-gpu", experiment: "batch-sweep", runs: [run("browser-wasm")] }, visitorCookie));
    expect(second.headers.getSetCookie()).toEqual([]);
    // Another browser's anonymous run stays unowned.
    const stranger = (await (await post(json("/api/experiment-results", { lessonSlug: "cpu-or-gpu", experiment: "latency", runs: [run("browser-wasm")] }))).json()) as { id: string };

    const signUp = await auth.POST(json("/api/auth/sign-up/email", { email: "anon@example.com", password: "correct horse battery", name: "anon" }, visitorCookie));
    expect(signUp.status).toBe(200);
    expect(signUp.headers.getSetCookie().some((c) => /^lab_visitor=;.*Max-Age=0/.test(c))).toBe(true);
    const user = await db.user.findFirstOrThrow({ where: { email: "anon@example.com" } });
    expect(await db.experimentResult.count({ where: { userId: user.id } })).toBe(3);
    const progress = await db.lessonProgress.findMany({ where: { userId: user.id }, orderBy: { lessonSlug: "asc" } });
    // One save is one run, whatever number of lanes it stored.
    expect(progress.map((p) => [p.lessonSlug, p.experimentsRun])).toEqual([
      ["cpu-or-gpu", 1],
      ["latency-is-a-distribution", 1],
    ]);
    expect((await db.experimentResult.findUniqueOrThrow({ where: { id: stranger.id } })).userId).toBeNull();

    // Signing in again from that browser claims nothing twice.
    const signIn = await auth.POST(json("/api/auth/sign-in/email", { email: "anon@example.com", password: "correct horse battery" }, visitorCookie));
    expect(signIn.status).toBe(200);
    expect((await db.lessonProgress.findMany({ where: { userId: user.id } })).map((p) => p.experimentsRun)).toEqual([1, 1]);
  });

  it("takes a server lane's figures from the server's own benchmark run, never from the request", async () => {
    const signUp = await auth.POST(json("/api/auth/sign-up/email", { email: "forger@example.com", password: "correct horse battery", name: "forger" }));
    const cookie = cookieFrom(signUp);
    const user = await db.user.findFirstOrThrow({ where: { email: "forger@example.com" } });
    const mine = await storedBenchmark({ userId: user.id });
    const save = (extra: Record<string, unknown>) =>
      post(json("/api/experiment-results", { lessonSlug: "cpu-or-gpu", experiment: "batch-sweep", runs: [run("server-cpu", { software: true, p50Ms: 1.2345, throughput: 9e9, batchSize: 64, ...extra })] }, cookie));

    const saved = await save({ benchmarkRunId: mine });
    expect(saved.status).toBe(201);
    const row = await db.experimentResult.findUniqueOrThrow({ where: { id: ((await saved.json()) as { id: string }).id } });
    expect(row).toMatchObject({ verified: true, p50Ms: 0.2, throughput: 40_000, batchSize: 8, device: "AMD EPYC (2 threads)", software: false });

    const cases: Array<[Record<string, unknown>, number, RegExp]> = [
      [{ benchmarkRunId: null }, 400, /must name the benchmark run/],
      [{ benchmarkRunId: "00000000-0000-0000-0000-000000000009" }, 404, /no benchmark run/],
      [{ benchmarkRunId: await storedBenchmark({}) }, 403, /someone else/],
      [{ benchmarkRunId: await storedBenchmark({ userId: user.id }, { lane: "webgpu" }) }, 422, /ran on lane webgpu/],
      [{ benchmarkRunId: await storedBenchmark({ userId: user.id }, { modelId: "mlp-wide" }) }, 422, /measured mlp-wide/],
      [{ benchmarkRunId: await storedBenchmark({ userId: user.id }, { state: "running", results: null }) }, 409, /is running/],
    ];
    for (const [extra, status, message] of cases) {
      const response = await save(extra);
      expect(response.status, JSON.stringify(extra)).toBe(status);
      expect(((await response.json()) as { error: string }).error).toMatch(message);
    }
    // A browser lane's figures are its own report, stored as such.
    const browser = await post(json("/api/experiment-results", { lessonSlug: "cpu-or-gpu", experiment: "latency", runs: [run("browser-wasm", { p50Ms: 1.2345 })] }, cookie));
    const browserRow = await db.experimentResult.findUniqueOrThrow({ where: { id: ((await browser.json()) as { id: string }).id } });
    expect(browserRow).toMatchObject({ verified: false, p50Ms: 1.2345 });
  });

  it("answers bad input with a 4xx JSON error that names the problem", async () => {
    const cases: Array<[unknown, number, RegExp]> = [
      ["{oops", 400, /malformed JSON/],
      [{ lessonSlug: "cpu-or-gpu", experiment: "latency", runs: [] }, 400, /runs/],
      [{ lessonSlug: "cpu-or-gpu", experiment: "guessing", runs: [run("server-cpu")] }, 400, /experiment/],
      [{ lessonSlug: "cpu-or-gpu", experiment: "latency", runs: [run("gpu")] }, 400, /runs\.0\.lane/],
      [{ lessonSlug: "cpu-or-gpu", experiment: "latency", runs: [run("server-cpu", { p50Ms: -1 })] }, 400, /runs\.0\.p50Ms/],
      [{ lessonSlug: "cpu-or-gpu", experiment: "latency", runs: [run("server-cpu", { extra: 1 })] }, 400, /extra/],
      [{ lessonSlug: "no-such-lesson", experiment: "latency", runs: [run("server-cpu")] }, 404, /unknown lesson/],
      [{ lessonSlug: "cpu-or-gpu", experiment: "latency", runs: [run("server-cpu", { results: { pad: "x".repeat(600_000) } })] }, 413, /limit/],
    ];
    for (const [body, status, message] of cases) {
      const response = await post(json("/api/experiment-results", body));
      expect(response.status, JSON.stringify(body).slice(0, 120)).toBe(status);
      expect(((await response.json()) as { error: string }).error).toMatch(message);
    }
    for (const id of ["nope", "00000000-0000-0000-0000-000000000000"]) {
      const response = await get(new Request(`${origin}/api/experiment-results/${id}`), { params: Promise.resolve({ id }) });
      expect(response.status).toBe(404);
    }
  });
});
