/**
 * Int8 quality scored in the learner's browser: the variant and its fp32 base
 * each run the held-out set (GET /api/quality-data/{base}) in a fresh worker on
 * the lane, and the page scores the two with the server's metric code.
 */
import type { QualityResult } from "@/lib/inference/quality";
import { metricOf } from "@/lib/models/metrics";
import { evaluationOf, getModel } from "@/lib/models/registry";
import type { BrowserLane, BrowserRunResult } from "./protocol";
import { runInBrowser } from "./runner";

/** One untimed call is all the worker's measuring does here: the timing runs are the experiment's own. */
const SCORE_ONLY = { warmupRuns: 0, minRuns: 1, minDurationMs: 0, maxRuns: 1, maxDurationMs: 1000 };

/** Each int8 variant against one run of their shared fp32 base, all on the same lane. */
export async function scoreInBrowser(lane: BrowserLane, variantIds: string[], threads: number, onProgress: (fraction: number, message: string) => void, signal?: AbortSignal): Promise<QualityResult[]> {
  const specs = variantIds.map((id) => {
    const spec = getModel(id);
    if (!spec || spec.variant === "fp32") throw new Error(`${id} is not an int8 variant`);
    return spec;
  });
  const baseId = specs[0]?.baseId;
  if (!baseId || specs.some((s) => s.baseId !== baseId)) throw new Error("the variants scored together must share one fp32 base");
  const evaluateUrl = `/api/quality-data/${baseId}`;
  const order = [baseId, ...variantIds];
  const runs = new Map<string, BrowserRunResult & { elapsedMs: number }>();
  for (const [index, modelId] of order.entries()) {
    const started = performance.now();
    const result = await runInBrowser({ lane, modelId, batches: [1], measure: SCORE_ONLY, threads, seed: 1, returnOutput: false, evaluateUrl }, (f, m) => onProgress((index + f) / order.length, `${modelId}: ${m}`), signal);
    if (!result.evaluation) throw new Error("the browser runner returned no held-out outputs");
    runs.set(modelId, { ...result, elapsedMs: performance.now() - started });
  }
  const base = runs.get(baseId)!;
  return variantIds.map((id) => {
    const variant = runs.get(id)!;
    const adapter = variant.environment.adapter;
    return {
      model: id,
      base: baseId,
      lane: `browser-${lane}`,
      device: adapter ? [adapter.vendor, adapter.architecture, adapter.description].filter(Boolean).join(" ") || "unnamed adapter" : `browser CPU (${variant.environment.threads} thread${variant.environment.threads === 1 ? "" : "s"})`,
      software: adapter ? adapter.isFallbackAdapter : false,
      metric: metricOf(baseId, variant.evaluation!.reduced, base.evaluation!.reduced, variant.evaluation!.labels),
      reference: evaluationOf(id)?.metric ?? null,
      elapsedMs: Math.round(variant.elapsedMs + base.elapsedMs),
    };
  });
}
