import "server-only";
import type { Summary } from "@/lib/inference/stats";
import { getLane } from "@/lib/inference/lanes.server";
import { QUALITY_VARIANTS } from "@/lib/inference/quality";
import { measuredQuality } from "@/lib/inference/quality.server";
import { isServerLaneId } from "@/lib/lanes";
import { getModel } from "@/lib/models/registry";
import { dollarsPerMillion, figureKey, type Figures } from "./figures";
import { kneeOf } from "./sweep";

/** A finished benchmark's stored results as far as figures need them (parsed JSON: every field may be missing). */
export interface StoredBenchmarkResults {
  session?: { created?: boolean; createMs?: number; firstRunMs?: number | null };
  scenario?: {
    kind?: string;
    batch?: number;
    latencyMs?: Partial<Summary>;
    itemsPerSecond?: number;
    points?: Array<{ batch?: number; targetRate?: number; latencyMs?: Partial<Summary>; itemsPerSecond?: number; throughputPerSecond?: number }>;
    /** A hybrid run's result across its two lanes. */
    outcome?: { throughputPerSecond?: number; latencyMs?: { p50?: number; p99?: number } };
  };
}

const finite = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value) && value >= 0;

function put(figures: Figures, name: Exclude<keyof Figures, "p99MsAtRate">, value: unknown): void {
  if (finite(value)) figures[name] = value;
}

/**
 * The figures a server lane stores, taken from the server's own benchmark run:
 * never from the request, which could carry any number.
 */
export function figuresOfBenchmark(stored: StoredBenchmarkResults): Figures {
  const figures: Figures = {};
  const scenario = stored.scenario ?? {};
  const points = scenario.points ?? [];
  switch (scenario.kind) {
    case "single-stream": {
      put(figures, "p50Ms", scenario.latencyMs?.p50);
      put(figures, "p99Ms", scenario.latencyMs?.p99);
      put(figures, "throughput", scenario.itemsPerSecond);
      // Only a session this run created had a cold first run; a reused one's belongs to an earlier job.
      const session = stored.session;
      const p50 = scenario.latencyMs?.p50;
      if (session?.created === true && finite(session.firstRunMs) && finite(session.createMs) && finite(p50) && p50 > 0) {
        figures.coldStartMs = session.createMs + session.firstRunMs;
        figures.coldSteadyRatio = session.firstRunMs / p50;
      }
      break;
    }
    case "offline": {
      const usable = points.flatMap((p) => (finite(p.batch) && finite(p.itemsPerSecond) ? [{ batch: p.batch, itemsPerSecond: p.itemsPerSecond, latencyMs: p.latencyMs }] : []));
      if (usable.length === 0) break;
      const best = usable.reduce((a, b) => (b.itemsPerSecond > a.itemsPerSecond ? b : a));
      put(figures, "bestBatch", best.batch);
      put(figures, "throughput", best.itemsPerSecond);
      put(figures, "p50Ms", best.latencyMs?.p50);
      put(figures, "p99Ms", best.latencyMs?.p99);
      put(figures, "kneeBatch", kneeOf(usable.map((p) => ({ batch: p.batch, itemsPerSecond: p.itemsPerSecond, latencyMs: p.latencyMs as Summary, gflopsPerSecond: null, cappedEarly: false })))?.batch);
      break;
    }
    case "hybrid": {
      put(figures, "throughput", scenario.outcome?.throughputPerSecond);
      put(figures, "p50Ms", scenario.outcome?.latencyMs?.p50);
      put(figures, "p99Ms", scenario.outcome?.latencyMs?.p99);
      break;
    }
    case "server": {
      const byRate: Record<string, number> = {};
      for (const point of points) {
        if (finite(point.targetRate) && finite(point.latencyMs?.p99)) byRate[figureKey(point.targetRate)] = point.latencyMs.p99;
      }
      if (Object.keys(byRate).length > 0) figures.p99MsAtRate = byRate;
      const served = points.filter((p) => finite(p.throughputPerSecond));
      if (served.length > 0) {
        const best = served.reduce((a, b) => (b.throughputPerSecond! > a.throughputPerSecond! ? b : a));
        put(figures, "throughput", best.throughputPerSecond);
        put(figures, "p50Ms", best.latencyMs?.p50);
        put(figures, "p99Ms", best.latencyMs?.p99);
      }
      break;
    }
  }
  return figures;
}

/** The learner's price assumption (cost experiment: `results.price.dollarsPerHour`) applied to the server's measured throughput. */
export function withCost(figures: Figures, results: Record<string, unknown>): Figures {
  const price = results.price as { dollarsPerHour?: unknown } | undefined;
  const cost = figures.throughput !== undefined && finite(price?.dollarsPerHour) ? dollarsPerMillion(figures.throughput, price.dollarsPerHour) : null;
  return cost === null ? figures : { ...figures, costPerMillion: cost };
}

/**
 * int8 speed-up from two verified rows of one save: an int8 variant and its
 * fp32 base on the same lane, both timed by the server (fp32 p50 ÷ int8 p50).
 */
export function int8Speedups<R extends { lane: string; modelId: string; figures: Figures }>(runs: R[]): R[] {
  return runs.map((run) => {
    const spec = getModel(run.modelId);
    if (!spec || spec.variant === "fp32") return run;
    const base = runs.find((other) => other.lane === run.lane && other.modelId === spec.baseId);
    const fp32 = base?.figures.p50Ms;
    const int8 = run.figures.p50Ms;
    return fp32 !== undefined && int8 !== undefined && int8 > 0 ? { ...run, figures: { ...run.figures, int8Speedup: fp32 / int8 } } : run;
  });
}

/**
 * int8 quality on a server lane: what this server measured for the variant on
 * that lane (POST /api/quality, which the quantization experiment calls before
 * saving). A figure the request posted is never used; none measured, none stored.
 */
export async function withQuality<R extends { lane: string; modelId: string; figures: Figures; verified: boolean }>(runs: R[]): Promise<R[]> {
  return Promise.all(
    runs.map(async (run) => {
      if (!run.verified || !QUALITY_VARIANTS.includes(run.modelId)) return run;
      const { int8Quality: _posted, ...rest } = run.figures;
      const laneId = run.lane.replace(/^server-/, "");
      const measured = isServerLaneId(laneId) ? measuredQuality(run.modelId, await getLane(laneId)) : null;
      return { ...run, figures: measured ? { ...rest, int8Quality: measured.metric.value } : rest };
    }),
  );
}
