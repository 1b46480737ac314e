import "server-only";
import { db, dbReady } from "@/lib/db/client.server";

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

// ---- Lessons 6 (quantization) and 7 (cost, power and TCO): figures derived from the learner's own stored runs. ----

/** The other rows saved with `row` by the same run (results JSON `group`), which name each other's ids. */
function groupOf(results: string): string[] {
  try {
    const group = (JSON.parse(results) as { group?: unknown }).group;
    return Array.isArray(group) ? group.filter((id): id is string => typeof id === "string") : [];
  } catch {
    return [];
  }
}

/**
 * fp32 median ÷ int8 median from the learner's latest verified quantization run on one lane: the
 * int8 row and the fp32 row of the same save (the experiment stores one row per variant and lane).
 */
function int8Speedup(fp32Id: string, int8Id: string, lane: string): ResultResolver {
  return async (userId) => {
    await dbReady();
    const int8 = await db.experimentResult.findFirst({
      where: { userId, experiment: "quantization", lane, modelId: int8Id, verified: true },
      orderBy: { createdAt: "desc" },
      select: { p50Ms: true, results: true },
    });
    if (!int8?.p50Ms) return null;
    const fp32 = await db.experimentResult.findFirst({
      where: { id: { in: groupOf(int8.results) }, userId, lane, modelId: fp32Id, verified: true },
      select: { p50Ms: true },
    });
    return fp32?.p50Ms ? fp32.p50Ms / int8.p50Ms : null;
  };
}

/**
 * $ per million inferences or joules per inference from the learner's latest verified cost run of one
 * model and batch on one lane: the server's own measured throughput with the price and power the
 * learner ran it with (stored beside the figures as `price`), as the experiment's table computed them.
 */
function costFigure(modelId: string, batchSize: number, lane: string, figure: "dollarsPerMillion" | "joulesPerInference"): ResultResolver {
  return async (userId) => {
    await dbReady();
    const row = await db.experimentResult.findFirst({
      where: { userId, experiment: "cost", lane, modelId, batchSize, verified: true },
      orderBy: { createdAt: "desc" },
      select: { throughput: true, results: true },
    });
    if (!row?.throughput) return null;
    let price: { dollarsPerHour?: unknown; watts?: unknown } | undefined;
    try {
      price = (JSON.parse(row.results) as { price?: { dollarsPerHour?: unknown; watts?: unknown } }).price;
    } catch {
      return null;
    }
    const value = figure === "dollarsPerMillion" ? price?.dollarsPerHour : price?.watts;
    if (typeof value !== "number" || !(value >= 0)) return null;
    return figure === "dollarsPerMillion" ? (value / (row.throughput * 3600)) * 1e6 : value / row.throughput;
  };
}

const resolvers = new Map<string, ResultResolver>([
  // A batch sweep stores, per lane, the batch size that reached its highest throughput.
  ["best-batch-size-server-cpu", latest("batch-sweep", "server-cpu", "batchSize")],
  ["latency-p50-ms-server-cpu", latest("latency", "server-cpu", "p50Ms")],

  // ---- Lessons 6 (quantization) and 7 (cost, power and TCO), named <figure>-<experiment>-<lane>. ----
  ["mlp-wide-int8-speedup-quantization-server-cpu", int8Speedup("mlp-wide", "mlp-wide-int8-dynamic", "server-cpu")],
  ["digits-mlp-int8-speedup-quantization-server-cpu", int8Speedup("digits-mlp", "digits-mlp-int8-dynamic", "server-cpu")],
  ["digits-mlp-b1-dollars-per-million-cost-server-cpu", costFigure("digits-mlp", 1, "server-cpu", "dollarsPerMillion")],
  ["digits-mlp-b1-joules-per-inference-cost-server-cpu", costFigure("digits-mlp", 1, "server-cpu", "joulesPerInference")],
]);

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
