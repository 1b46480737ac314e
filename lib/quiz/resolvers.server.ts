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

const resolvers = new Map<string, ResultResolver>([
  // A batch sweep stores, per lane, the batch size that reached its highest throughput.
  ["best-batch-size-server-cpu", latest("batch-sweep", "server-cpu", "batchSize")],
  ["latency-p50-ms-server-cpu", latest("latency", "server-cpu", "p50Ms")],

  // ---- Lesson 7 (cost, power and TCO), named <figure>-<experiment>-<lane>. ----
  ["digits-mlp-b1-joules-per-inference-cost-server-cpu", joulesPerInference("digits-mlp", 1, "server-cpu")],
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
