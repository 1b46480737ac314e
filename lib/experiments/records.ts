/**
 * What a run leaves behind: the rows of its CSV export, the records it stores
 * (POST /api/experiment-results) and the environment both carry.
 */
import type { BrowserProbe } from "@/lib/browser/probe";
import { type CsvCell, toCsv } from "@/lib/csv-cell";
import { errorText } from "./api";
import type { LaneResult } from "./lanes";
import type { ExperimentKind, LaneRunRecord } from "./schema";

/** The environment every export and stored result carries, so numbers can be compared later. */
export function pageEnvironment(probe: BrowserProbe | null) {
  return {
    userAgent: probe?.userAgent ?? (typeof navigator === "undefined" ? null : navigator.userAgent),
    crossOriginIsolated: probe?.crossOriginIsolated ?? null,
    hardwareConcurrency: probe?.hardwareConcurrency ?? null,
    webgpu: probe?.webgpu ?? null,
    page: typeof location === "undefined" ? null : location.pathname,
    at: new Date().toISOString(),
  };
}

/**
 * Rows as CSV through the one writer (lib/csv-cell.ts), which keeps strings
 * from the device (adapter names, user agents) from running as formulas: a
 * column for every key any row has, in the order first seen; objects (a
 * lane's environment) as JSON.
 */
export function rowsToCsv(rows: Array<Record<string, unknown>>): string {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return toCsv(columns, rows.map((r) => columns.map((c) => jsonCell(r[c]))));
}

function jsonCell(value: unknown): CsvCell {
  return value !== null && typeof value === "object" && !(value instanceof Date) ? JSON.stringify(value) : (value as CsvCell);
}

/** One CSV row per lane and batch; the environment of each lane goes along as JSON. */
export function resultRows(experiment: ExperimentKind, modelId: string, results: LaneResult[]): Array<Record<string, unknown>> {
  return results.flatMap((r) =>
    r.points.map((p) => ({
      experiment,
      model: modelId,
      lane: r.key,
      device: r.device,
      software: r.software,
      threads: r.threads,
      batch: p.batch,
      n: p.latencyMs.n,
      runs_per_sample: p.runsPerSample ?? 1,
      timer_resolution_ms: r.timer?.resolutionMs ?? null,
      p50_ms: p.latencyMs.p50,
      p90_ms: p.latencyMs.p90,
      p99_ms: p.latencyMs.p99,
      mean_ms: p.latencyMs.mean,
      items_per_s: p.itemsPerSecond,
      gflops_per_s: p.gflopsPerSecond,
      first_run_ms: r.phases.firstRunMs,
      session_create_ms: r.phases.sessionCreateMs,
      download_ms: r.phases.downloadMs,
      environment: r.environment,
    })),
  );
}

export function laneRecord(modelId: string, r: LaneResult, extra: Record<string, unknown> = {}, keepSamples = true): LaneRunRecord {
  const main = r.points.reduce((a, b) => (b.itemsPerSecond > a.itemsPerSecond ? b : a), r.points[0]!);
  return {
    lane: r.lane,
    modelId,
    device: r.device,
    software: r.software,
    threads: r.threads,
    batchSize: r.points.length === 1 ? r.points[0]!.batch : main.batch,
    p50Ms: Number.isFinite(main.latencyMs.p50) ? main.latencyMs.p50 : null,
    throughput: Number.isFinite(main.itemsPerSecond) ? main.itemsPerSecond : null,
    environment: r.environment,
    results: { key: r.key, title: r.title, phases: r.phases, points: keepSamples ? r.points : r.points.map(({ samplesMs: _s, ...p }) => p), ...extra },
    benchmarkRunId: r.benchmarkRunId,
  };
}

export type SaveState = { state: "idle" } | { state: "saving" } | { state: "saved"; url: string } | { state: "failed"; message: string };

export async function saveRun(lessonSlug: string, experiment: ExperimentKind, runs: LaneRunRecord[], pageEnv: Record<string, unknown>): Promise<SaveState> {
  try {
    const response = await fetch("/api/experiment-results", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ lessonSlug, experiment, runs: runs.map((run) => ({ ...run, environment: { ...pageEnv, ...run.environment } })) }),
    });
    if (!response.ok) return { state: "failed", message: await errorText(response) };
    const body = (await response.json()) as { url: string };
    return { state: "saved", url: body.url };
  } catch (error) {
    return { state: "failed", message: error instanceof Error ? error.message : String(error) };
  }
}
