import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../helpers/route-requests";
import { sqliteDatabase, type TestDatabase } from "../../helpers/databases";

/**
 * Lesson 5's result resolvers on a real SQLite database: each reads the server's own benchmark
 * record of the learner's latest verified open-loop run of the wide MLP in that lesson, with
 * batching off (max batch 1) or on, never a closed-loop run, another lesson's or an unverified one.
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
const LESSON = "serving-and-dynamic-batching";

async function learner(): Promise<string> {
  counter += 1;
  const user = await db.user.create({ data: { id: `s${counter}`, name: `learner ${counter}`, email: `serving-${counter}@example.com` } });
  return user.id;
}

type Point = { targetRate: number; rejected: number; meanBatchRows: number; throughputPerSecond: number };

/** A stored serving run: the server's benchmark record and the learner's result row citing it. */
async function servingRun(userId: string, maxBatch: number, points: Point[], options: { mode?: "poisson" | "concurrency"; lessonSlug?: string; verified?: boolean; secondsAgo?: number } = {}) {
  counter += 1;
  const runId = `srun${counter}`;
  const scenario = { kind: "server", mode: options.mode ?? "poisson", batching: maxBatch > 1 ? { maxBatchSize: maxBatch, maxQueueDelayMs: 2, maxQueueSize: 64 } : null, points };
  await db.benchmarkRun.create({ data: { id: runId, state: "done", modelId: "mlp-wide", lane: "cpu", scenario: "server", request: "{}", modelDetails: "{}", results: JSON.stringify({ session: {}, scenario }) } });
  await db.experimentResult.create({
    data: {
      id: `sres${counter}`,
      userId,
      lessonSlug: options.lessonSlug ?? LESSON,
      experiment: "serving",
      modelId: "mlp-wide",
      lane: "server-cpu",
      verified: options.verified ?? true,
      batchSize: maxBatch,
      throughput: Math.max(...points.map((p) => p.throughputPerSecond)),
      environment: "{}",
      results: "{}",
      benchmarkRunId: runId,
      createdAt: new Date(Date.now() - (options.secondsAgo ?? 0) * 1000),
    },
  });
}

const off: Point[] = [
  { targetRate: 40, rejected: 0, meanBatchRows: 1, throughputPerSecond: 39 },
  { targetRate: 320, rejected: 412, meanBatchRows: 1, throughputPerSecond: 80 },
  { targetRate: 160, rejected: 150, meanBatchRows: 1, throughputPerSecond: 82 },
];
const on: Point[] = [
  { targetRate: 40, rejected: 0, meanBatchRows: 1.1, throughputPerSecond: 40 },
  { targetRate: 160, rejected: 0, meanBatchRows: 3.5, throughputPerSecond: 158 },
  { targetRate: 320, rejected: 0, meanBatchRows: 6.25, throughputPerSecond: 328 },
];

describe("lesson 5 result resolvers", () => {
  it("have no answer before the learner has run the lesson's open-loop experiment", async () => {
    const user = await learner();
    for (const name of ["rejected-at-top-rate-serving-off-server-cpu", "batch-rows-at-top-rate-serving-on-server-cpu", "served-gain-serving-on-off-server-cpu"]) {
      expect(await resolveResult(name, user), name).toBeNull();
    }
  });

  it("read the highest arrival rate's refusals (off) and rows per batch (on), whatever order the points were stored in", async () => {
    const user = await learner();
    await servingRun(user, 1, off, { secondsAgo: 20 });
    await servingRun(user, 16, on, { secondsAgo: 10 });
    expect(await resolveResult("rejected-at-top-rate-serving-off-server-cpu", user)).toBe(412);
    expect(await resolveResult("batch-rows-at-top-rate-serving-on-server-cpu", user)).toBe(6.25);
    expect(await resolveResult("served-gain-serving-on-off-server-cpu", user)).toBeCloseTo(328 / 82, 9);
  });

  it("pass over newer runs that are closed-loop, from another lesson, or unverified", async () => {
    const user = await learner();
    await servingRun(user, 1, off, { secondsAgo: 30 });
    await servingRun(user, 8, on, { secondsAgo: 30 });
    const decoy: Point[] = [{ targetRate: 999, rejected: 7, meanBatchRows: 2, throughputPerSecond: 5 }];
    await servingRun(user, 1, decoy, { mode: "concurrency" });
    await servingRun(user, 1, decoy, { lessonSlug: "latency-vs-throughput" });
    await servingRun(user, 8, decoy, { verified: false });
    expect(await resolveResult("batch-rows-at-top-rate-serving-on-server-cpu", user)).toBe(6.25);
    // The newest off row is a closed-loop run: the open-loop one before it is the key.
    expect(await resolveResult("rejected-at-top-rate-serving-off-server-cpu", user)).toBe(412);
    expect(await resolveResult("rejected-at-top-rate-serving-off-server-cpu", await learner())).toBeNull();
  });
});
