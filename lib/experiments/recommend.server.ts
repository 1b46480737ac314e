import "server-only";
import { randomUUID } from "node:crypto";
import { db, dbReady } from "@/lib/db/client.server";
import { HttpError } from "@/lib/http/errors";
import { STORED_LANE_TITLES, STORED_LANES, type StoredLane } from "@/lib/lanes";
import { getModel } from "@/lib/models/registry";
import { fmt } from "./format";
import { assessmentId, fastestMeasured, type LaneProfile, type MeasuredPoint, type ProfileSource, priceFor, type Recommendation, type RecommendationRequest, recommend } from "./recommend";

/** The experiment name recommendations are stored under; only this module writes it (POST /api/experiment-results refuses it). */
export const RECOMMENDATION_EXPERIMENT = "recommendation";

/** How many of the newest rows each source reads per model: enough for every lane and batch, bounded for a busy class. */
const ROWS_PER_SOURCE = 200;

type Owner = { userId: string } | { visitorId: string };

interface LatencyLike {
  p50?: unknown;
  p99?: unknown;
}
interface PointLike {
  batch?: unknown;
  latencyMs?: LatencyLike;
  itemsPerSecond?: unknown;
}

const num = (value: unknown): number | null => (typeof value === "number" && Number.isFinite(value) ? value : null);

function pointOf(p: PointLike, from: string, measuredAt: string): MeasuredPoint | null {
  const batch = num(p.batch);
  const p50Ms = num(p.latencyMs?.p50);
  const p99Ms = num(p.latencyMs?.p99);
  const itemsPerSecond = num(p.itemsPerSecond);
  if (batch === null || batch < 1 || p50Ms === null || p99Ms === null || itemsPerSecond === null || !(itemsPerSecond > 0)) return null;
  return { batch, p50Ms, p99Ms, itemsPerSecond, from, measuredAt };
}

/** Batches of a finished server benchmark: a single-stream run is one, an offline sweep several; a serving run has no per-batch profile. */
function benchmarkPoints(resultsJson: string | null, from: string, measuredAt: string): MeasuredPoint[] {
  if (!resultsJson) return [];
  let scenario: (PointLike & { kind?: unknown; points?: unknown }) | undefined;
  try {
    scenario = (JSON.parse(resultsJson) as { scenario?: PointLike & { kind?: unknown; points?: unknown } }).scenario;
  } catch {
    return [];
  }
  if (scenario?.kind === "single-stream") return [pointOf(scenario, from, measuredAt)].filter((p): p is MeasuredPoint => p !== null);
  if (scenario?.kind === "offline" && Array.isArray(scenario.points)) return (scenario.points as PointLike[]).map((p) => pointOf(p, from, measuredAt)).filter((p): p is MeasuredPoint => p !== null);
  return [];
}

/** A browser lane's points as its stored result recorded them (lib/experiments/records.ts laneRecord). */
function browserPoints(resultsJson: string, from: string, measuredAt: string): MeasuredPoint[] {
  try {
    const points = (JSON.parse(resultsJson) as { points?: unknown }).points;
    return Array.isArray(points) ? (points as PointLike[]).map((p) => pointOf(p, from, measuredAt)).filter((p): p is MeasuredPoint => p !== null) : [];
  } catch {
    return [];
  }
}

interface Measurement {
  source: ProfileSource;
  lane: StoredLane;
  device: string | null;
  software: boolean;
  threads: number | null;
  verified: boolean;
  points: MeasuredPoint[];
}

/** One profile per source, lane, device and thread count; per batch the newest point wins (input is newest first). */
function toProfiles(modelId: string, measurements: Measurement[]): LaneProfile[] {
  const profiles = new Map<string, LaneProfile>();
  for (const m of measurements) {
    if (m.points.length === 0) continue;
    const id = assessmentId(m);
    const profile = profiles.get(id) ?? { lane: m.lane, source: m.source, modelId, device: m.device, software: m.software, threads: m.threads, verified: m.verified, points: [] };
    for (const point of m.points) if (!profile.points.some((p) => p.batch === point.batch)) profile.points.push(point);
    profile.verified = profile.verified && m.verified;
    profiles.set(id, profile);
  }
  return [...profiles.values()];
}

const isStoredLane = (lane: string): lane is StoredLane => (STORED_LANES as readonly string[]).includes(lane);

/**
 * Every profile of one model this learner may be recommended from: their own
 * stored results (server lanes through the benchmark run the server verified,
 * browser lanes as the browser reported them), their classmates' browser devices,
 * and the server's finished benchmarks that others ran (its reference).
 */
export async function profilesFor(modelId: string, owner: Owner): Promise<LaneProfile[]> {
  await dbReady();
  const mine = "userId" in owner ? { userId: owner.userId } : { visitorId: owner.visitorId, userId: null };
  const own = await db.experimentResult.findMany({
    where: { ...mine, modelId, experiment: { not: RECOMMENDATION_EXPERIMENT } },
    orderBy: { createdAt: "desc" },
    take: ROWS_PER_SOURCE,
    select: { id: true, createdAt: true, lane: true, device: true, software: true, threads: true, verified: true, results: true, benchmarkRunId: true },
  });
  const runIds = own.flatMap((r) => (r.verified && r.benchmarkRunId ? [r.benchmarkRunId] : []));
  const runs = runIds.length ? await db.benchmarkRun.findMany({ where: { id: { in: runIds }, state: "done" }, select: { id: true, results: true, finishedAt: true, createdAt: true } }) : [];
  const runById = new Map(runs.map((r) => [r.id, r]));
  const measurements: Measurement[] = [];
  for (const row of own) {
    if (!isStoredLane(row.lane)) continue;
    const at = row.createdAt.toISOString();
    if (row.lane.startsWith("server-")) {
      // Server lanes count only when the server verified them against its own run.
      const run = row.verified && row.benchmarkRunId ? runById.get(row.benchmarkRunId) : undefined;
      if (!run) continue;
      measurements.push({ source: "yours", lane: row.lane, device: row.device, software: row.software, threads: row.threads, verified: true, points: benchmarkPoints(run.results, row.id, at) });
    } else {
      measurements.push({ source: "yours", lane: row.lane, device: row.device, software: row.software, threads: row.threads, verified: false, points: browserPoints(row.results, row.id, at) });
    }
  }

  if ("userId" in owner) {
    const classIds = (await db.classMember.findMany({ where: { userId: owner.userId }, select: { classId: true } })).map((c) => c.classId);
    if (classIds.length > 0) {
      const classmates = await db.experimentResult.findMany({
        where: { modelId, lane: { startsWith: "browser-" }, experiment: { not: RECOMMENDATION_EXPERIMENT }, userId: { not: owner.userId }, user: { memberships: { some: { classId: { in: classIds } } } } },
        orderBy: { createdAt: "desc" },
        take: ROWS_PER_SOURCE,
        select: { id: true, createdAt: true, lane: true, device: true, software: true, threads: true, results: true },
      });
      for (const row of classmates) {
        if (!isStoredLane(row.lane)) continue;
        measurements.push({ source: "class", lane: row.lane, device: row.device, software: row.software, threads: row.threads, verified: false, points: browserPoints(row.results, row.id, row.createdAt.toISOString()) });
      }
    }
  }

  const reference = await db.benchmarkRun.findMany({
    where: { modelId, state: "done", scenario: { in: ["single-stream", "offline"] } },
    orderBy: { createdAt: "desc" },
    take: ROWS_PER_SOURCE,
    select: { id: true, createdAt: true, finishedAt: true, lane: true, device: true, software: true, threads: true, results: true, userId: true, visitorId: true },
  });
  for (const run of reference) {
    const isMine = "userId" in owner ? run.userId === owner.userId : run.userId === null && run.visitorId === owner.visitorId;
    const lane = `server-${run.lane}`;
    if (isMine || !isStoredLane(lane)) continue;
    measurements.push({ source: "server-reference", lane, device: run.device, software: run.software === true, threads: run.threads, verified: true, points: benchmarkPoints(run.results, run.id, (run.finishedAt ?? run.createdAt).toISOString()) });
  }
  return toProfiles(modelId, measurements);
}

export interface StoredRecommendation {
  id: string;
  url: string;
  recommendation: Recommendation;
}

/**
 * Computes the recommendation from the learner's stored numbers and stores it
 * as one result row (lane: the recommended lane, or the first assessed one),
 * so /results/{id} shows it and a quiz question can read it back.
 */
export async function recommendFor(request: RecommendationRequest, owner: Owner): Promise<StoredRecommendation | { id: null; url: null; recommendation: Recommendation }> {
  if (!getModel(request.model)) throw new HttpError(400, `invalid request: model: unknown model "${request.model}"`);
  const lanes = request.lanes ?? [...STORED_LANES];
  const profiles = (await profilesFor(request.model, owner)).filter((p) => lanes.includes(p.lane));
  const fastest = fastestMeasured(profiles);
  if (fastest && request.p99TargetMs < fastest.p50Ms) {
    throw new HttpError(
      422,
      `p99TargetMs: ${fmt(request.p99TargetMs)} ms is below any latency measured for ${request.model}: the fastest median anywhere is ${fmt(fastest.p50Ms)} ms (${STORED_LANE_TITLES[fastest.profile.lane]} on ${fastest.profile.device ?? "unknown device"}), so no lane can keep 99% of calls under it`,
    );
  }
  const workload = { model: request.model, p99TargetMs: request.p99TargetMs, requestsPerSecond: request.requestsPerSecond, busyHoursPerDay: request.busyHoursPerDay, billedHoursPerDay: request.billedHoursPerDay };
  const recommendation = recommend(workload, profiles, request.prices, lanes);
  const chosen = recommendation.lanes.find((a) => a.id === recommendation.recommended) ?? recommendation.lanes[0];
  if (!chosen) return { id: null, url: null, recommendation };
  const id = randomUUID();
  const prices = Object.fromEntries(lanes.map((lane) => [lane, priceFor(lane, request.prices)]));
  const met = recommendation.recommended !== null;
  await db.experimentResult.create({
    data: {
      id,
      userId: "userId" in owner ? owner.userId : null,
      visitorId: "visitorId" in owner ? owner.visitorId : null,
      lessonSlug: request.lessonSlug,
      experiment: RECOMMENDATION_EXPERIMENT,
      modelId: request.model,
      lane: chosen.lane,
      device: chosen.device,
      software: chosen.software,
      threads: null,
      batchSize: met ? chosen.bestBatch : null,
      p50Ms: null,
      throughput: met ? chosen.capacityPerSecond : null,
      // Computed here from the server's own records, never posted by a browser.
      verified: true,
      environment: JSON.stringify({ computedBy: "server", at: new Date().toISOString() }),
      results: JSON.stringify({
        recommendation,
        prices,
        figures: met && chosen.dollarsPerMillion !== null ? { costPerMillion: chosen.dollarsPerMillion, throughput: chosen.capacityPerSecond!, bestBatch: chosen.bestBatch! } : {},
        group: [id],
      }),
      benchmarkRunId: null,
    },
  });
  return { id, url: `/results/${id}`, recommendation };
}

/** The learner's latest stored recommendation (for quiz questions), or null. */
export async function latestRecommendation(userId: string): Promise<Recommendation | null> {
  await dbReady();
  const row = await db.experimentResult.findFirst({ where: { userId, experiment: RECOMMENDATION_EXPERIMENT }, orderBy: { createdAt: "desc" }, select: { results: true } });
  if (!row) return null;
  try {
    return (JSON.parse(row.results) as { recommendation?: Recommendation }).recommendation ?? null;
  } catch {
    return null;
  }
}
