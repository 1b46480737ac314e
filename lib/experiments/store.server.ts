import "server-only";
import { randomUUID } from "node:crypto";
import { db, dbReady } from "@/lib/db/client.server";
import type { ExperimentKind, SaveResultsBody, StoredResult } from "./schema";

/**
 * One row per lane, so instructors can compare devices across a class; the
 * rows of one run know each other through `group` inside their results JSON
 * (the table's shape belongs to the schema, which this module does not change).
 */
export async function saveResults(body: SaveResultsBody, owner: { userId: string } | { visitorId: string }): Promise<string[]> {
  const userId = "userId" in owner ? owner.userId : null;
  const visitorId = "visitorId" in owner ? owner.visitorId : null;
  await dbReady();
  const ids = body.runs.map(() => randomUUID());
  await db.$transaction(
    body.runs.map((run, index) =>
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
          environment: JSON.stringify(run.environment),
          results: JSON.stringify({ ...run.results, group: ids }),
          benchmarkRunId: run.benchmarkRunId,
        },
      }),
    ),
  );
  return ids;
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

/** A result and the other lanes of the same run, in the order they were saved. */
export async function loadResultGroup(id: string): Promise<StoredResult[] | null> {
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
