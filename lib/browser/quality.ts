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

export async function scoreInBrowser(lane: BrowserLane, variantId: string, threads: number, onProgress: (fraction: number, message: string) => void, signal?: AbortSignal): Promise<QualityResult> {
  const spec = getModel(variantId);
  if (!spec || spec.variant === "fp32") throw new Error(`${variantId} is not an int8 variant`);
  const evaluateUrl = `/api/quality-data/${spec.baseId}`;
  const runs: BrowserRunResult[] = [];
  const started = performance.now();
  for (const [index, modelId] of [variantId, spec.baseId].entries()) {
    runs.push(await runInBrowser({ lane, modelId, batches: [1], measure: SCORE_ONLY, threads, seed: 1, returnOutput: false, evaluateUrl }, (f, m) => onProgress((index + f) / 2, `${modelId}: ${m}`), signal));
  }
  const [variant, base] = runs as [BrowserRunResult, BrowserRunResult];
  if (!variant.evaluation || !base.evaluation) throw new Error("the browser runner returned no held-out outputs");
  const adapter = variant.environment.adapter;
  return {
    model: variantId,
    base: spec.baseId,
    lane: `browser-${lane}`,
    device: adapter ? [adapter.vendor, adapter.architecture, adapter.description].filter(Boolean).join(" ") || "unnamed adapter" : `browser CPU (${variant.environment.threads} thread${variant.environment.threads === 1 ? "" : "s"})`,
    software: adapter ? adapter.isFallbackAdapter : false,
    metric: metricOf(spec.baseId, variant.evaluation.reduced, base.evaluation.reduced, variant.evaluation.labels),
    reference: evaluationOf(variantId)?.metric ?? null,
    elapsedMs: Math.round(performance.now() - started),
  };
}
