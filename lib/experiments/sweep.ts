import type { MeasureOptions } from "@/lib/inference/stats";
import type { ResultPoint } from "./lanes";

/** The server engine's offline-scenario defaults (lib/inference/schemas.ts), so both sides stop by the same rules. */
export const SWEEP_MEASURE: MeasureOptions = { warmupRuns: 10, minRuns: 20, minDurationMs: 300, maxRuns: 100_000, maxDurationMs: 5000 };

export function sweepBatches(maxBatch: number): number[] {
  const batches: number[] = [];
  for (let b = 1; b <= maxBatch; b *= 2) batches.push(b);
  return batches;
}

/**
 * The knee: the smallest batch that reaches 90% of the lane's best throughput.
 * Past it, bigger batches mostly add latency.
 */
export function kneeOf(points: ResultPoint[]): ResultPoint | null {
  if (points.length === 0) return null;
  const best = Math.max(...points.map((p) => p.itemsPerSecond));
  return [...points].sort((a, b) => a.batch - b.batch).find((p) => p.itemsPerSecond >= 0.9 * best) ?? null;
}

/**
 * The batch with the most throughput whose p99 latency per call stays within
 * the budget: what a service with that latency target should run. Null when
 * even the smallest batch is over it.
 */
export function bestUnderBudget(points: ResultPoint[], budgetMs: number): ResultPoint | null {
  const within = points.filter((p) => p.latencyMs.p99 <= budgetMs);
  return within.length ? within.reduce((a, b) => (b.itemsPerSecond > a.itemsPerSecond ? b : a)) : null;
}

/** Models the sweep offers by default: small and cached, conv-heavy, memory-bound, and a real OCR network with large outputs. */
export const SWEEP_MODELS = ["digits-mlp", "digits-cnn", "mlp-wide", "ocr-rec"] as const;
