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

const resolvers = new Map<string, ResultResolver>([
  // A batch sweep stores, per lane, the batch size that reached its highest throughput.
  ["best-batch-size-server-cpu", latest("batch-sweep", "server-cpu", "batchSize")],
  ["latency-p50-ms-server-cpu", latest("latency", "server-cpu", "p50Ms")],
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
