import "server-only";
import { db, dbReady } from "@/lib/db/client.server";
import { type JobSnapshot, JobManager } from "./jobs.server";
import type { BenchmarkRequest } from "./schemas";

/** Stores benchmark runs with Prisma so a reload, another learner or a restarted server sees them. */
const prismaStore = {
  async create(snapshot: JobSnapshot): Promise<void> {
    await dbReady();
    await db.benchmarkRun.create({
      data: {
        id: snapshot.id,
        createdAt: new Date(snapshot.createdAt),
        state: snapshot.state,
        modelId: snapshot.model.id,
        lane: snapshot.lane.id,
        device: snapshot.lane.device,
        software: snapshot.lane.software,
        threads: snapshot.request.threads ?? null,
        scenario: snapshot.request.scenario.kind,
        request: JSON.stringify(snapshot.request),
        modelDetails: JSON.stringify(snapshot.model),
      },
    });
  },
  async update(snapshot: JobSnapshot): Promise<void> {
    await dbReady();
    await db.benchmarkRun.update({
      where: { id: snapshot.id },
      data: {
        state: snapshot.state,
        startedAt: snapshot.startedAt ? new Date(snapshot.startedAt) : null,
        finishedAt: snapshot.finishedAt ? new Date(snapshot.finishedAt) : null,
        results: snapshot.results ? JSON.stringify(snapshot.results) : null,
        error: snapshot.error,
      },
    });
  },
  async load(id: string): Promise<JobSnapshot | null> {
    await dbReady();
    const row = await db.benchmarkRun.findUnique({ where: { id } });
    if (!row) return null;
    const finished = row.state === "done" || row.state === "failed" || row.state === "cancelled";
    return {
      id: row.id,
      // A run another process left unfinished can no longer progress here: say so instead of showing it as live.
      state: finished ? (row.state as JobSnapshot["state"]) : "failed",
      progress: row.state === "done" ? 1 : 0,
      message: finished ? row.state : "interrupted (the server restarted before it finished)",
      createdAt: row.createdAt.toISOString(),
      startedAt: row.startedAt?.toISOString() ?? null,
      finishedAt: row.finishedAt?.toISOString() ?? null,
      request: JSON.parse(row.request) as BenchmarkRequest,
      lane: { id: row.lane, device: row.device, software: row.software },
      model: JSON.parse(row.modelDetails) as JobSnapshot["model"],
      queuePosition: null,
      results: row.results ? (JSON.parse(row.results) as JobSnapshot["results"]) : null,
      error: finished ? row.error : (row.error ?? "interrupted"),
      persisted: true,
    };
  },
};

const globalForJobs = globalThis as unknown as { inferenceLabJobs?: JobManager };

/** The process-wide benchmark queue (one per server: the cores are one resource). */
export function benchmarkJobs(): JobManager {
  globalForJobs.inferenceLabJobs ??= new JobManager(prismaStore);
  return globalForJobs.inferenceLabJobs;
}

/** Recent stored runs, newest first, for lesson pages that show what others measured. */
export async function recentBenchmarks(filter: { modelId?: string; lane?: string; limit?: number } = {}) {
  await dbReady();
  const rows = await db.benchmarkRun.findMany({
    where: { modelId: filter.modelId, lane: filter.lane, state: "done" },
    orderBy: { createdAt: "desc" },
    take: Math.min(filter.limit ?? 20, 100),
    select: { id: true },
  });
  const manager = benchmarkJobs();
  return (await Promise.all(rows.map((r) => manager.get(r.id)))).filter((s): s is JobSnapshot => s !== null);
}
