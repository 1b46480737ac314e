import "server-only";
import { randomUUID } from "node:crypto";
import { db, dbReady } from "@/lib/db/client.server";
import { type JobOwner, type JobSnapshot, JobManager } from "./jobs.server";
import type { BenchmarkRequest } from "./schemas";

/** This process, among the instances that share the database. */
const instanceId = randomUUID();
/** A live job whose instance has not said it is alive for this long was lost with that instance. */
const HEARTBEAT_STALE_MS = 15_000;

/**
 * Stores benchmark runs with Prisma so a reload, another learner, a restarted
 * server or another instance on the same database sees them: the database is
 * the record, and each instance runs only the jobs it accepted (on its own hardware).
 */
const prismaStore = {
  async create(snapshot: JobSnapshot, owner: JobOwner): Promise<void> {
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
        message: snapshot.message,
        userId: owner.userId ?? null,
        visitorId: owner.userId ? null : (owner.visitorId ?? null),
        instanceId,
        heartbeatAt: new Date(),
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
        progress: snapshot.progress,
        message: snapshot.message,
        queuePosition: snapshot.queuePosition,
      },
    });
  },
  async progress(snapshot: JobSnapshot): Promise<void> {
    await dbReady();
    // Only while live: a late progress write must never overwrite the stored end.
    await db.benchmarkRun.updateMany({
      where: { id: snapshot.id, state: { in: ["queued", "running"] } },
      data: {
        state: snapshot.state,
        startedAt: snapshot.startedAt ? new Date(snapshot.startedAt) : null,
        progress: snapshot.progress,
        message: snapshot.message,
        queuePosition: snapshot.queuePosition,
        heartbeatAt: new Date(),
      },
    });
  },
  async heartbeat(ids: string[]): Promise<string[]> {
    await dbReady();
    await db.benchmarkRun.updateMany({ where: { id: { in: ids }, instanceId }, data: { heartbeatAt: new Date() } });
    const cancelled = await db.benchmarkRun.findMany({ where: { id: { in: ids }, cancelRequested: true }, select: { id: true } });
    return cancelled.map((row) => row.id);
  },
  async requestCancel(id: string): Promise<boolean> {
    await dbReady();
    const { count } = await db.benchmarkRun.updateMany({
      where: { id, state: { in: ["queued", "running"] }, heartbeatAt: { gte: new Date(Date.now() - HEARTBEAT_STALE_MS) } },
      data: { cancelRequested: true },
    });
    return count > 0;
  },
  async load(id: string): Promise<JobSnapshot | null> {
    await dbReady();
    const row = await db.benchmarkRun.findUnique({ where: { id } });
    if (!row) return null;
    const finished = row.state === "done" || row.state === "failed" || row.state === "cancelled";
    // Running on another instance that still beats: show its live state. One that stopped beating
    // (a restart, a crash) can no longer progress anywhere: say so instead of showing it as live.
    const alive = !finished && row.heartbeatAt !== null && Date.now() - row.heartbeatAt.getTime() < HEARTBEAT_STALE_MS;
    const state: JobSnapshot["state"] = finished || alive ? (row.state as JobSnapshot["state"]) : "failed";
    return {
      id: row.id,
      state,
      progress: row.state === "done" ? 1 : row.progress,
      message: finished || alive ? (row.message ?? row.state) : "interrupted (the server running it stopped before it finished)",
      createdAt: row.createdAt.toISOString(),
      startedAt: row.startedAt?.toISOString() ?? null,
      finishedAt: row.finishedAt?.toISOString() ?? null,
      request: JSON.parse(row.request) as BenchmarkRequest,
      lane: { id: row.lane, device: row.device, software: row.software },
      model: JSON.parse(row.modelDetails) as JobSnapshot["model"],
      queuePosition: alive ? row.queuePosition : null,
      results: row.results ? (JSON.parse(row.results) as JobSnapshot["results"]) : null,
      error: finished || alive ? row.error : (row.error ?? "interrupted"),
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
