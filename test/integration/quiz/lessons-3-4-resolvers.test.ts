import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../helpers/route-requests";
import { sqliteDatabase, type TestDatabase } from "../../helpers/databases";

/**
 * The result resolvers of curriculum lessons 3 and 4 on a real SQLite database:
 * the key is the learner's latest verified server-CPU run of that lesson's own
 * experiment and model, never another lesson's, model's or lane's, nor a
 * figure a browser reported about itself.
 */
let database: TestDatabase;
let db: typeof import("@/lib/db/client.server").db;
let resolveResult: typeof import("@/lib/quiz/resolvers.server").resolveResult;

beforeAll(async () => {
  database = sqliteDatabase();
  useTestDatabase(database);
  db = (await import("@/lib/db/client.server")).db;
  resolveResult = (await import("@/lib/quiz/resolvers.server")).resolveResult;
}, 120_000);

afterAll(async () => {
  await db?.$disconnect();
  await database?.stop();
});

let counter = 0;
const ago = (ms: number) => new Date(Date.now() - ms);

async function learner(): Promise<string> {
  counter += 1;
  const user = await db.user.create({ data: { id: `u${counter}`, name: `learner ${counter}`, email: `curriculum-${counter}@example.com` } });
  return user.id;
}

async function result(userId: string, fields: { lessonSlug: string; experiment: string; modelId: string; lane?: string; verified?: boolean; createdAt?: Date; batchSize?: number; p50Ms?: number; throughput?: number; benchmarkRunId?: string }) {
  counter += 1;
  await db.experimentResult.create({ data: { id: `r${counter}`, userId, lane: "server-cpu", verified: true, environment: "{}", results: "{}", ...fields } });
}

async function sweepRun(points: Array<{ batch: number; itemsPerSecond: number; latencyMs?: { p50: number } }>): Promise<string> {
  counter += 1;
  const id = `run${counter}`;
  await db.benchmarkRun.create({
    data: { id, state: "done", modelId: "mlp-wide", lane: "cpu", scenario: "offline", request: "{}", modelDetails: "{}", results: JSON.stringify({ session: {}, scenario: { kind: "offline", points } }) },
  });
  return id;
}

describe("curriculum result resolvers", () => {
  it("rate-from-p50-latency-server-cpu: 1000 ÷ the p50 of the lesson's own latest verified digits-mlp run", async () => {
    const user = await learner();
    const scope = { lessonSlug: "latency-vs-throughput", experiment: "latency", modelId: "digits-mlp" };
    expect(await resolveResult("rate-from-p50-latency-server-cpu", user)).toBeNull();
    await result(user, { ...scope, p50Ms: 0.5, createdAt: ago(60_000) });
    await result(user, { ...scope, p50Ms: 0.025, createdAt: ago(30_000) });
    // Newer, but each wrong in one way: another lesson, another model, another lane, unverified.
    await result(user, { ...scope, lessonSlug: "latency-is-a-distribution", p50Ms: 1, createdAt: ago(1000) });
    await result(user, { ...scope, modelId: "digits-cnn", p50Ms: 2, createdAt: ago(1000) });
    await result(user, { ...scope, lane: "browser-wasm", verified: false, p50Ms: 4, createdAt: ago(1000) });
    await result(user, { ...scope, verified: false, p50Ms: 8, createdAt: ago(1000) });
    expect(await resolveResult("rate-from-p50-latency-server-cpu", user)).toBeCloseTo(40_000, 6);
    // Another learner's run is never this learner's key.
    expect(await resolveResult("rate-from-p50-latency-server-cpu", await learner())).toBeNull();
  });

  it("max-throughput-serving-server-cpu: the stored (best) throughput of the lesson's serving run", async () => {
    const user = await learner();
    await result(user, { lessonSlug: "latency-vs-throughput", experiment: "serving", modelId: "digits-mlp", throughput: 9876.5 });
    await result(user, { lessonSlug: "latency-is-a-distribution", experiment: "serving", modelId: "digits-mlp", throughput: 1, createdAt: new Date(Date.now() + 1000) });
    expect(await resolveResult("max-throughput-serving-server-cpu", user)).toBe(9876.5);
  });

  it("best-throughput and batching-gain of the lesson's mlp-wide sweep, batch 1 read from the server's own benchmark record", async () => {
    const user = await learner();
    const runId = await sweepRun([
      { batch: 1, itemsPerSecond: 300 },
      { batch: 32, itemsPerSecond: 1800 },
      { batch: 64, itemsPerSecond: 2100 },
    ]);
    await result(user, { lessonSlug: "batching", experiment: "batch-sweep", modelId: "mlp-wide", batchSize: 64, throughput: 2100, benchmarkRunId: runId });
    // The digits-mlp sweep of the same lesson, saved later, is not the key of the mlp-wide questions.
    await result(user, { lessonSlug: "batching", experiment: "batch-sweep", modelId: "digits-mlp", batchSize: 512, throughput: 700_000, createdAt: new Date(Date.now() + 1000) });
    expect(await resolveResult("best-throughput-batch-sweep-server-cpu", user)).toBe(2100);
    expect(await resolveResult("batching-gain-batch-sweep-server-cpu", user)).toBeCloseTo(7, 9);
  });

  it("batching-gain has no answer when the cited benchmark run is missing or has no batch 1", async () => {
    const user = await learner();
    await result(user, { lessonSlug: "batching", experiment: "batch-sweep", modelId: "mlp-wide", batchSize: 64, throughput: 2100, benchmarkRunId: "no-such-run" });
    expect(await resolveResult("batching-gain-batch-sweep-server-cpu", user)).toBeNull();
    const other = await learner();
    const runId = await sweepRun([{ batch: 2, itemsPerSecond: 500 }]);
    await result(other, { lessonSlug: "batching", experiment: "batch-sweep", modelId: "mlp-wide", batchSize: 2, throughput: 500, benchmarkRunId: runId });
    expect(await resolveResult("batching-gain-batch-sweep-server-cpu", other)).toBeNull();
    expect(await resolveResult("best-throughput-batch-sweep-server-cpu", other)).toBe(500);
  });

  it("lesson 1's batch-1 bandwidth and batch-64 GFLOP/s come from its own mlp-wide sweep's recorded points", async () => {
    const user = await learner();
    expect(await resolveResult("batch1-bandwidth-gbps-batch-sweep-server-cpu", user)).toBeNull();
    const runId = await sweepRun([
      { batch: 1, itemsPerSecond: 200, latencyMs: { p50: 5 } },
      { batch: 64, itemsPerSecond: 1500, latencyMs: { p50: 42 } },
    ]);
    await result(user, { lessonSlug: "cpu-or-gpu", experiment: "batch-sweep", modelId: "mlp-wide", batchSize: 64, throughput: 1500, benchmarkRunId: runId });
    // The batching lesson's sweep of the same model, saved later, is not lesson 1's key.
    const later = await sweepRun([{ batch: 1, itemsPerSecond: 1, latencyMs: { p50: 1000 } }]);
    await result(user, { lessonSlug: "batching", experiment: "batch-sweep", modelId: "mlp-wide", batchSize: 1, throughput: 1, benchmarkRunId: later, createdAt: new Date(Date.now() + 1000) });
    // 134,250,496 bytes of weights in 5 ms: 26.85 GB/s; 67,121,152 FLOPs × 1500 items/s: 100.68 GFLOP/s.
    expect(await resolveResult("batch1-bandwidth-gbps-batch-sweep-server-cpu", user)).toBeCloseTo(134.250496 / 5, 9);
    expect(await resolveResult("batch64-gflops-batch-sweep-server-cpu", user)).toBeCloseTo((67_121_152 * 1500) / 1e9, 9);
    // A sweep that never reached batch 64 has no batch-64 answer.
    const short = await learner();
    const shortRun = await sweepRun([{ batch: 1, itemsPerSecond: 200, latencyMs: { p50: 5 } }]);
    await result(short, { lessonSlug: "cpu-or-gpu", experiment: "batch-sweep", modelId: "mlp-wide", batchSize: 1, throughput: 200, benchmarkRunId: shortRun });
    expect(await resolveResult("batch64-gflops-batch-sweep-server-cpu", short)).toBeNull();
  });
});
