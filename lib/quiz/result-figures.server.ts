import "server-only";
import { db, dbReady } from "@/lib/db/client.server";
import { figureKey, figuresSchema } from "@/lib/experiments/figures";
import { STORED_LANE_TITLES } from "@/lib/lanes";
import { describeRef, type ResultRef } from "./result-ref";

/** A learner's own figure, or why there is none (said in the question's feedback). */
export type ResolvedFigure = { value: number; reason: null } | { value: null; reason: string };

const missing = (reason: string): ResolvedFigure => ({ value: null, reason });

/**
 * The latest stored row of that experiment, model and lane is the key: an older
 * run that happened to measure the figure does not stand in for the newer one
 * that did not, so the learner's answer is always checked against what they saw
 * last. Server lanes count only rows whose figures the server took from its own
 * benchmark run (`verified`); browser lanes' figures are what the browser measured.
 */
export async function resolveFigure(ref: ResultRef, userId: string): Promise<ResolvedFigure> {
  await dbReady();
  const lane = STORED_LANE_TITLES[ref.lane];
  const serverLane = ref.lane.startsWith("server-");
  const row = await db.experimentResult.findFirst({
    where: { userId, experiment: ref.experiment, modelId: ref.model, lane: ref.lane, ...(serverLane ? { verified: true } : {}) },
    orderBy: { createdAt: "desc" },
    select: { createdAt: true, results: true },
  });
  if (!row) {
    return missing(`You have no stored ${ref.experiment} result for ${ref.model} on ${lane} yet: run that experiment with that model and lane, and let it save (runs made before signing up count once you sign up in the same browser).`);
  }
  const when = row.createdAt.toISOString().slice(0, 16).replace("T", " ");
  let stored: unknown;
  try {
    stored = (JSON.parse(row.results) as { figures?: unknown }).figures;
  } catch {
    stored = undefined;
  }
  const parsed = figuresSchema.safeParse(stored ?? {});
  if (!parsed.success) return missing(`Your latest ${ref.experiment} result for ${ref.model} on ${lane} (${when} UTC) has unreadable figures; run it again.`);
  const figures = parsed.data;
  if (ref.figure === "p99MsAtRate") {
    const byRate = figures.p99MsAtRate ?? {};
    const value = byRate[figureKey(ref.rate!)];
    if (value !== undefined) return { value, reason: null };
    const rates = Object.keys(byRate);
    return missing(`Your latest ${ref.experiment} run of ${ref.model} on ${lane} (${when} UTC) did not measure ${ref.rate} requests/s${rates.length ? ` (it ran at ${rates.join(", ")} requests/s)` : " (it ran no open-loop rates)"}: run it with that rate.`);
  }
  const value = figures[ref.figure];
  if (value !== undefined) return { value, reason: null };
  return missing(`Your latest ${ref.experiment} run of ${ref.model} on ${lane} (${when} UTC) has no ${describeRef(ref)}: that run did not measure it.`);
}
