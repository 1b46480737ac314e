import "server-only";
import { db, dbReady } from "@/lib/db/client.server";
import { getModel } from "@/lib/models/registry";
import type { LaneAssessment } from "@/lib/experiments/recommend";
import { latestRecommendation } from "@/lib/experiments/recommend.server";

/**
 * Numeric questions may check against the learner's own stored experiment
 * result (`"fromResult": "<name>"` in quiz.json): "what batch size gave your
 * device its highest throughput?" has no single right answer across a class.
 * Without a stored result the question can't be right yet and its feedback says so.
 */
export type ResultResolver = (userId: string) => Promise<number | null>;

type StoredFigure = "batchSize" | "p50Ms" | "throughput";

/**
 * Which stored results a question accepts: "verified" figures the server took
 * from its own benchmark run (server lanes), or also "self-reported" ones a
 * browser measured about itself (browser lanes), which no server can check.
 */
export type ResultSource = "verified" | "self-reported";

/** One figure of the learner's most recent stored result of one experiment on one lane. */
function latest(experiment: string, lane: string, figure: StoredFigure, accepts: ResultSource = "verified"): ResultResolver {
  return async (userId) => {
    await dbReady();
    const row = await db.experimentResult.findFirst({
      where: { userId, experiment, lane, ...(accepts === "verified" ? { verified: true } : {}) },
      orderBy: { createdAt: "desc" },
      select: { batchSize: true, p50Ms: true, throughput: true },
    });
    return row?.[figure] ?? null;
  };
}

// ---- Lesson 7 (cost, power and TCO): a figure derived from the learner's own stored runs. ----

/**
 * Joules per inference from the learner's latest verified cost run of one model and batch on one lane:
 * the server's own measured throughput with the power the learner ran it with (stored beside the
 * figures as `price.watts`), as the experiment's table computed it. (Dollars per million need no
 * resolver: the shared `costPerMillion` figure is referenced from quiz.json directly.)
 */
function joulesPerInference(modelId: string, batchSize: number, lane: string): ResultResolver {
  return async (userId) => {
    await dbReady();
    const row = await db.experimentResult.findFirst({
      where: { userId, experiment: "cost", lane, modelId, batchSize, verified: true },
      orderBy: { createdAt: "desc" },
      select: { throughput: true, results: true },
    });
    if (!row?.throughput) return null;
    let watts: unknown;
    try {
      watts = (JSON.parse(row.results) as { price?: { watts?: unknown } }).price?.watts;
    } catch {
      return null;
    }
    return typeof watts === "number" && watts >= 0 ? watts / row.throughput : null;
  };
}

/** Lesson 8's live router run: its lesson, experiment and model (declared before the table that uses it). */
const HYBRID_LESSON = { lesson: "hybrid-cpu-gpu-serving", experiment: "hybrid-router", model: "digits-mlp" } as const;

const resolvers = new Map<string, ResultResolver>([
  // A batch sweep stores, per lane, the batch size that reached its highest throughput.
  ["best-batch-size-server-cpu", latest("batch-sweep", "server-cpu", "batchSize")],
  ["latency-p50-ms-server-cpu", latest("latency", "server-cpu", "p50Ms")],

  // ---- Lesson 7 (cost, power and TCO), named <figure>-<experiment>-<lane>. ----
  ["digits-mlp-b1-joules-per-inference-cost-server-cpu", joulesPerInference("digits-mlp", 1, "server-cpu")],

  // ── Curriculum lessons 3 and 4 (issue 15): named <figure>-<experiment>-<lane>. Each reads the learner's
  // latest verified server-CPU run of that lesson's own experiment and model (see latestInLesson below),
  // so a run of the same experiment in another lesson, or on another model, is never the key.
  // Lesson 3 (latency-vs-throughput): requests/s one stream sustains, 1000 ÷ its median latency in ms.
  ["rate-from-p50-latency-server-cpu", latestInLesson({ lesson: "latency-vs-throughput", experiment: "latency", model: "digits-mlp" }, (row) => (row.p50Ms && row.p50Ms > 0 ? 1000 / row.p50Ms : null))],
  // Lesson 3: the highest throughput (requests/s) of any load level in the serving run.
  ["max-throughput-serving-server-cpu", latestInLesson({ lesson: "latency-vs-throughput", experiment: "serving", model: "digits-mlp" }, (row) => row.throughput)],
  // Lesson 4 (batching): the highest throughput (items/s) of the mlp-wide sweep, at whichever batch reached it.
  ["best-throughput-batch-sweep-server-cpu", latestInLesson({ lesson: "batching", experiment: "batch-sweep", model: "mlp-wide" }, (row) => row.throughput)],
  // Lesson 4: best throughput ÷ batch-1 throughput of the mlp-wide sweep, batch 1 read from the server's own benchmark record.
  ["batching-gain-batch-sweep-server-cpu", latestInLesson({ lesson: "batching", experiment: "batch-sweep", model: "mlp-wide" }, batchingGain)],

  // ── Curriculum lesson 1 (cpu-or-gpu): the mlp-wide sweep (batch 1 to 64) on the server CPU, points from the server's own benchmark record.
  // Batch 1 as a bandwidth: every call reads all weights, so weight bytes ÷ the batch-1 median, in GB/s.
  ["batch1-bandwidth-gbps-batch-sweep-server-cpu", latestInLesson({ lesson: "cpu-or-gpu", experiment: "batch-sweep", model: "mlp-wide" }, wideBatch1Bandwidth)],
  // Batch 64 as arithmetic: FLOPs per item × items/s at batch 64, in GFLOP/s.
  ["batch64-gflops-batch-sweep-server-cpu", latestInLesson({ lesson: "cpu-or-gpu", experiment: "batch-sweep", model: "mlp-wide" }, wideBatch64Gflops)],
  // ── Lesson 5 (serving-and-dynamic-batching): the learner's latest verified open-loop runs of the wide MLP on
  // the server CPU in that lesson, batching off (stored max batch 1) or on (max batch > 1), each figure read from
  // the server's own benchmark record of the run (see servingPoints below).
  // Requests the full queue refused at the highest arrival rate of the batching-off run.
  ["rejected-at-top-rate-serving-off-server-cpu", async (userId) => atTopRate(await servingPoints(userId, "off"), (p) => p.rejected)],
  // Mean rows per dispatched batch at the highest arrival rate of the batching-on run.
  ["batch-rows-at-top-rate-serving-on-server-cpu", async (userId) => atTopRate(await servingPoints(userId, "on"), (p) => p.meanBatchRows)],
  // Highest served rate with batching on ÷ highest served rate with it off.
  ["served-gain-serving-on-off-server-cpu", servedGain],

  // ── Lesson 8 (hybrid-cpu-gpu-serving): the learner's latest verified live hybrid run of the digit classifier
  // with lane A on the server CPU, each figure from the server's own benchmark record of the run.
  // Requests per second the run served across both lanes.
  ["throughput-hybrid-router-server-cpu", latestInLesson(HYBRID_LESSON, (row) => row.throughput)],
  // Requests the policy sent to lane B.
  ["requests-on-b-hybrid-router-server-cpu", latestInLesson(HYBRID_LESSON, (row) => hybridLaneRequests(row, 1))],

  // ── Lesson 9 (choosing hardware): the learner's latest stored recommendation (computed by the server from
  // stored runs, lib/experiments/recommend.server.ts); null while it recommends nothing.
  ["recommended-cost-per-million", recommended((lane) => lane.dollarsPerMillion)],
  ["recommended-headroom-percent", recommended((lane) => lane.headroomPercent)],
]);

function recommended(figure: (lane: LaneAssessment) => number | null): ResultResolver {
  return async (userId) => {
    const latest = await latestRecommendation(userId);
    const lane = latest?.lanes.find((a) => a.id === latest.recommended);
    return lane ? figure(lane) : null;
  };
}

// ── Curriculum lessons 3 and 4 (issue 15): helpers of the resolvers above (function declarations, hoisted).

interface LessonRow {
  batchSize: number | null;
  p50Ms: number | null;
  throughput: number | null;
  benchmarkRunId: string | null;
}

/** One figure of the learner's latest verified run of one lesson's experiment on one model, on the server's CPU. */
function latestInLesson(scope: { lesson: string; experiment: string; model: string }, figure: (row: LessonRow) => number | null | Promise<number | null>): ResultResolver {
  return async (userId) => {
    await dbReady();
    const row = await db.experimentResult.findFirst({
      where: { userId, lessonSlug: scope.lesson, experiment: scope.experiment, modelId: scope.model, lane: "server-cpu", verified: true },
      orderBy: { createdAt: "desc" },
      select: { batchSize: true, p50Ms: true, throughput: true, benchmarkRunId: true },
    });
    return row ? figure(row) : null;
  };
}

/**
 * Best throughput ÷ batch-1 throughput of a sweep. The row's own throughput is the
 * server-verified best; batch 1 comes from the benchmark run the server recorded
 * (never from the results JSON a browser sent).
 */
async function batchingGain(row: LessonRow): Promise<number | null> {
  if (!row.throughput) return null;
  const single = (await recordedSweepPoint(row, 1))?.itemsPerSecond;
  return typeof single === "number" && single > 0 ? row.throughput / single : null;
}

interface RecordedPoint {
  batch?: number;
  itemsPerSecond?: number;
  latencyMs?: { p50?: number };
}

/** One batch of a sweep as the server recorded it in its benchmark run (never the results JSON a browser sent). */
async function recordedSweepPoint(row: LessonRow, batch: number): Promise<RecordedPoint | null> {
  if (!row.benchmarkRunId) return null;
  const run = await db.benchmarkRun.findUnique({ where: { id: row.benchmarkRunId }, select: { results: true } });
  if (!run?.results) return null;
  const points = (JSON.parse(run.results) as { scenario?: { points?: RecordedPoint[] } }).scenario?.points ?? [];
  return points.find((p) => p.batch === batch) ?? null;
}

async function wideBatch1Bandwidth(row: LessonRow): Promise<number | null> {
  const weightBytes = getModel("mlp-wide")?.weightBytes;
  const p50 = (await recordedSweepPoint(row, 1))?.latencyMs?.p50;
  return weightBytes && typeof p50 === "number" && p50 > 0 ? weightBytes / 1e6 / p50 : null;
}

async function wideBatch64Gflops(row: LessonRow): Promise<number | null> {
  const flopsPerItem = getModel("mlp-wide")?.flopsPerItem;
  const itemsPerSecond = (await recordedSweepPoint(row, 64))?.itemsPerSecond;
  return flopsPerItem && typeof itemsPerSecond === "number" && itemsPerSecond > 0 ? (flopsPerItem * itemsPerSecond) / 1e9 : null;
}

// ── Lesson 8: helpers of the resolvers above.

/** Requests a live hybrid run sent to one lane (0 = A, 1 = B), from the benchmark run the server recorded. */
async function hybridLaneRequests(row: LessonRow, lane: 0 | 1): Promise<number | null> {
  if (!row.benchmarkRunId) return null;
  const run = await db.benchmarkRun.findUnique({ where: { id: row.benchmarkRunId }, select: { results: true } });
  if (!run?.results) return null;
  try {
    const scenario = (JSON.parse(run.results) as { scenario?: { kind?: string; outcome?: { lanes?: Array<{ requests?: unknown }> } } }).scenario;
    const requests = scenario?.kind === "hybrid" ? scenario.outcome?.lanes?.[lane]?.requests : null;
    return typeof requests === "number" ? requests : null;
  } catch {
    return null;
  }
}

// ── Lesson 5: helpers of the resolvers above.

const SERVING_LESSON = { lesson: "serving-and-dynamic-batching", model: "mlp-wide" } as const;

interface OpenLoopPointRecord {
  targetRate: number;
  rejected: number;
  meanBatchRows: number;
  throughputPerSecond: number;
}

/**
 * The open-loop points of the learner's latest verified open-loop serving run in lesson 5 with batching off or
 * on, from the benchmark run the server recorded (the stored row's max batch says which setting it ran with).
 * A closed-loop run saved since is passed over: it answers other questions.
 */
async function servingPoints(userId: string, batching: "on" | "off"): Promise<OpenLoopPointRecord[] | null> {
  await dbReady();
  const rows = await db.experimentResult.findMany({
    where: {
      userId,
      lessonSlug: SERVING_LESSON.lesson,
      experiment: "serving",
      modelId: SERVING_LESSON.model,
      lane: "server-cpu",
      verified: true,
      batchSize: batching === "off" ? 1 : { gt: 1 },
      benchmarkRunId: { not: null },
    },
    orderBy: { createdAt: "desc" },
    take: 10,
    select: { benchmarkRunId: true },
  });
  for (const row of rows) {
    const run = await db.benchmarkRun.findUnique({ where: { id: row.benchmarkRunId! }, select: { results: true } });
    const points = openLoopPoints(run?.results);
    if (points) return points;
  }
  return null;
}

function openLoopPoints(results: string | null | undefined): OpenLoopPointRecord[] | null {
  if (!results) return null;
  let scenario: { kind?: string; mode?: string; points?: Array<Partial<OpenLoopPointRecord>> } | undefined;
  try {
    scenario = (JSON.parse(results) as { scenario?: typeof scenario }).scenario;
  } catch {
    return null;
  }
  if (scenario?.kind !== "server" || scenario.mode !== "poisson") return null;
  const points = (scenario.points ?? []).filter(
    (p): p is OpenLoopPointRecord => typeof p.targetRate === "number" && typeof p.rejected === "number" && typeof p.meanBatchRows === "number" && typeof p.throughputPerSecond === "number",
  );
  return points.length > 0 ? points : null;
}

function atTopRate(points: OpenLoopPointRecord[] | null, figure: (point: OpenLoopPointRecord) => number): number | null {
  if (!points) return null;
  return figure(points.reduce((a, b) => (b.targetRate > a.targetRate ? b : a)));
}

async function servedGain(userId: string): Promise<number | null> {
  const [on, off] = await Promise.all([servingPoints(userId, "on"), servingPoints(userId, "off")]);
  if (!on || !off) return null;
  const best = (points: OpenLoopPointRecord[]) => Math.max(...points.map((p) => p.throughputPerSecond));
  return best(off) > 0 ? best(on) / best(off) : null;
}

export const RESULT_RESOLVER_NAMES: readonly string[] = [...resolvers.keys()];

/** For tests and deployments that add their own result-backed questions. */
export function registerResultResolver(name: string, resolver: ResultResolver): void {
  resolvers.set(name, resolver);
}

export async function resolveResult(name: string, userId: string): Promise<number | null> {
  const resolver = resolvers.get(name);
  if (!resolver) return null;
  const value = await resolver(userId);
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}
