import "server-only";
import { randomUUID } from "node:crypto";
import { db, dbReady } from "@/lib/db/client.server";
import { HttpError } from "@/lib/http/errors";
import type { Figures } from "./figures";
import { figuresOfBenchmark, int8Speedups, type StoredBenchmarkResults, withCost, withQuality } from "./figures.server";
import type { ExperimentKind, LaneRunRecord, SaveResultsBody, StoredResult } from "./schema";

/**
 * One row per lane, so instructors can compare devices across a class; the
 * rows of one run know each other through `group` inside their results JSON
 * (the table's shape belongs to the schema, which this module does not change).
 */
export async function saveResults(body: SaveResultsBody, owner: { userId: string } | { visitorId: string }): Promise<string[]> {
  const userId = "userId" in owner ? owner.userId : null;
  const visitorId = "visitorId" in owner ? owner.visitorId : null;
  await dbReady();
  const checked: Array<LaneRunRecord & { figures: Figures; verified: boolean }> = await Promise.all(body.runs.map((run, index) => (run.lane.startsWith("server-") ? withServerFigures(run, index, owner) : { ...run, figures: { ...browserFigures(run), ...run.figures }, verified: false })));
  const runs = body.experiment === "quantization" ? await withQuality(int8Speedups(checked)) : checked;
  const ids = runs.map(() => randomUUID());
  await db.$transaction(
    runs.map((run, index) =>
      db.experimentResult.create({
        data: {
          id: ids[index]!,
          userId,
          visitorId,
          lessonSlug: body.lessonSlug,
          experiment: body.experiment,
          modelId: run.modelId,
          lane: run.lane,
          device: run.device,
          software: run.software,
          threads: run.threads,
          batchSize: run.batchSize,
          p50Ms: run.p50Ms,
          throughput: run.throughput,
          verified: run.verified,
          environment: JSON.stringify(run.environment),
          results: JSON.stringify({ ...run.results, figures: run.figures, group: ids }),
          benchmarkRunId: run.lane.startsWith("server-") ? run.benchmarkRunId : null,
        },
      }),
    ),
  );
  return ids;
}

type ColumnFigures = Pick<LaneRunRecord, "batchSize" | "p50Ms" | "throughput">;

/** A browser lane's columns as figures too, so a question about p50 or throughput reads one place. */
function browserFigures(run: LaneRunRecord): Figures {
  return withCost({ ...(run.p50Ms !== null ? { p50Ms: run.p50Ms } : {}), ...(run.throughput !== null ? { throughput: run.throughput } : {}) }, run.results);
}

interface StoredScenario {
  kind?: string;
  batch?: number;
  latencyMs?: { p50?: number };
  itemsPerSecond?: number;
  points?: Array<{ batch?: number; latencyMs?: { p50?: number }; itemsPerSecond?: number; throughputPerSecond?: number }>;
  batching?: { maxBatchSize?: number } | [unknown, unknown] | null;
  outcome?: { throughputPerSecond?: number; latencyMs?: { p50?: number } };
}

const finiteOrNull = (value: unknown) => (typeof value === "number" && Number.isFinite(value) ? value : null);

/** The figures a lane record shows, read from a finished benchmark's own results, as the experiments pick them. */
export function figuresOfScenario(scenario: StoredScenario): ColumnFigures | null {
  switch (scenario.kind) {
    case "single-stream":
      return { batchSize: finiteOrNull(scenario.batch), p50Ms: finiteOrNull(scenario.latencyMs?.p50), throughput: finiteOrNull(scenario.itemsPerSecond) };
    case "offline": {
      const points = scenario.points ?? [];
      if (points.length === 0) return null;
      const best = points.reduce((a, b) => ((b.itemsPerSecond ?? 0) > (a.itemsPerSecond ?? 0) ? b : a));
      return { batchSize: finiteOrNull(best.batch), p50Ms: finiteOrNull(best.latencyMs?.p50), throughput: finiteOrNull(best.itemsPerSecond) };
    }
    case "server": {
      const points = scenario.points ?? [];
      if (points.length === 0) return null;
      const best = points.reduce((a, b) => ((b.throughputPerSecond ?? 0) > (a.throughputPerSecond ?? 0) ? b : a));
      const batching = Array.isArray(scenario.batching) ? null : scenario.batching;
      return { batchSize: finiteOrNull(batching?.maxBatchSize ?? 1), p50Ms: finiteOrNull(best.latencyMs?.p50), throughput: finiteOrNull(best.throughputPerSecond) };
    }
    case "hybrid":
      // Requests of several sizes over two lanes: no one batch size describes the run.
      return { batchSize: null, p50Ms: finiteOrNull(scenario.outcome?.latencyMs?.p50), throughput: finiteOrNull(scenario.outcome?.throughputPerSecond) };
    default:
      return null;
  }
}

/**
 * A server lane's figures come from the server's own stored benchmark run, never
 * from the request: a learner posting `p50Ms: 1.2345` could otherwise answer a
 * graded question with any number. The run must be finished, on the same lane and
 * model, and asked for by the same account or browser.
 */
async function withServerFigures(run: LaneRunRecord, index: number, owner: { userId: string } | { visitorId: string }): Promise<LaneRunRecord & { figures: Figures; verified: boolean }> {
  const where = `runs.${index}`;
  if (!run.benchmarkRunId) throw new HttpError(400, `${where}.benchmarkRunId: a ${run.lane} result must name the benchmark run it comes from`);
  const stored = await db.benchmarkRun.findUnique({ where: { id: run.benchmarkRunId } });
  if (!stored) throw new HttpError(404, `${where}.benchmarkRunId: no benchmark run ${run.benchmarkRunId}`);
  const ownsIt = "userId" in owner ? stored.userId === owner.userId : stored.visitorId === owner.visitorId && stored.userId === null;
  if (!ownsIt) throw new HttpError(403, `${where}.benchmarkRunId: benchmark run ${run.benchmarkRunId} was asked for by someone else`);
  if (`server-${stored.lane}` !== run.lane) throw new HttpError(422, `${where}: benchmark run ${stored.id} ran on lane ${stored.lane}, not ${run.lane}`);
  if (stored.modelId !== run.modelId) throw new HttpError(422, `${where}: benchmark run ${stored.id} measured ${stored.modelId}, not ${run.modelId}`);
  if (stored.state !== "done" || !stored.results) throw new HttpError(409, `${where}: benchmark run ${stored.id} is ${stored.state}, not done`);
  const parsed = JSON.parse(stored.results) as StoredBenchmarkResults & { scenario?: StoredScenario };
  const figures = figuresOfScenario(parsed.scenario ?? {});
  if (!figures) throw new HttpError(422, `${where}: benchmark run ${stored.id} has no figures to store`);
  // Figures the request posted for a server lane are dropped: the server's own run decides them.
  return { ...run, ...figures, figures: withCost(figuresOfBenchmark(parsed), run.results), device: stored.device, software: stored.software === true, threads: stored.threads, verified: true };
}

type Row = NonNullable<Awaited<ReturnType<typeof db.experimentResult.findUnique>>>;

function toStored(row: Row): StoredResult {
  const results = JSON.parse(row.results) as Record<string, unknown> & { group?: string[] };
  const { group, ...rest } = results;
  return {
    id: row.id,
    createdAt: row.createdAt.toISOString(),
    lessonSlug: row.lessonSlug,
    experiment: row.experiment as ExperimentKind,
    lane: row.lane as StoredResult["lane"],
    modelId: row.modelId,
    device: row.device,
    software: row.software,
    threads: row.threads,
    batchSize: row.batchSize,
    p50Ms: row.p50Ms,
    throughput: row.throughput,
    environment: JSON.parse(row.environment) as Record<string, unknown>,
    results: rest,
    benchmarkRunId: row.benchmarkRunId,
    group: Array.isArray(group) ? group : [row.id],
  };
}

/** Stored ids are UUIDs: anything else is unknown without asking the database. */
const RESULT_ID = /^[0-9a-f-]{36}$/;

/** A result and the other lanes of the same run, in the order they were saved. */
export async function loadResultGroup(id: string): Promise<StoredResult[] | null> {
  if (!RESULT_ID.test(id)) return null;
  await dbReady();
  const row = await db.experimentResult.findUnique({ where: { id } });
  if (!row) return null;
  const first = toStored(row);
  const others = await db.experimentResult.findMany({ where: { id: { in: first.group.filter((g) => g !== id) } } });
  const byId = new Map([first, ...others.map(toStored)].map((r) => [r.id, r]));
  return first.group.map((g) => byId.get(g)).filter((r): r is StoredResult => r !== undefined);
}

/**
 * Gives an anonymous browser's stored runs to the account it just signed up or
 * in to, and counts them in the learner's progress as if run signed in: one
 * run per save (the lane rows of one save share a group).
 */
export async function claimVisitorResults(visitorId: string, userId: string): Promise<number> {
  await dbReady();
  return db.$transaction(async (tx) => {
    // The benchmark runs that browser asked for follow it, so its later saves can still cite them.
    await tx.benchmarkRun.updateMany({ where: { visitorId, userId: null }, data: { userId, visitorId: null } });
    const rows = await tx.experimentResult.findMany({ where: { visitorId, userId: null }, select: { id: true, lessonSlug: true, results: true } });
    if (rows.length === 0) return 0;
    await tx.experimentResult.updateMany({ where: { id: { in: rows.map((r) => r.id) } }, data: { userId, visitorId: null } });
    const runsPerLesson = new Map<string, Set<string>>();
    for (const row of rows) {
      const group = (JSON.parse(row.results) as { group?: string[] }).group;
      const runs = runsPerLesson.get(row.lessonSlug) ?? new Set<string>();
      runs.add(Array.isArray(group) && typeof group[0] === "string" ? group[0] : row.id);
      runsPerLesson.set(row.lessonSlug, runs);
    }
    for (const [lessonSlug, runs] of runsPerLesson) {
      await tx.lessonProgress.upsert({
        where: { userId_lessonSlug: { userId, lessonSlug } },
        create: { userId, lessonSlug, experimentsRun: runs.size },
        update: { experimentsRun: { increment: runs.size } },
      });
    }
    return [...runsPerLesson.values()].reduce((sum, runs) => sum + runs.size, 0);
  });
}
