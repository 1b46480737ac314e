/**
 * Roofline arithmetic shared by the server, the browser runner and the charts.
 * Browser-safe. Ceilings are measured per lane (lib/models/ceiling-probes.ts
 * builds the probes), never taken from a datasheet.
 */
import type { ModelSpec } from "@/lib/models/registry";
import type { MeasureOptions } from "./stats";

/** Enough calls for a stable median of a multi-millisecond probe call, bounded so a slow software GPU still finishes. */
export const CEILING_MEASURE: MeasureOptions = { warmupRuns: 3, minRuns: 10, minDurationMs: 1000, maxRuns: 10_000, maxDurationMs: 15_000 };
/** The browser's probes take longer per call (WASM, software GPUs) and a tab should not be held long. */
export const BROWSER_CEILING_MEASURE: MeasureOptions = { warmupRuns: 2, minRuns: 5, minDurationMs: 1000, maxRuns: 10_000, maxDurationMs: 10_000 };

/** A lane's two measured ceilings. */
export interface Ceilings {
  /** Sustained bytes per second streaming a tensor far larger than the last-level cache, in GB/s (1e9). */
  bandwidthGBps: number;
  /** Sustained FLOP/s of a large-batch GEMM, in GFLOP/s. */
  computeGflops: number;
}

export type Regime = "overhead" | "memory-bound" | "compute-bound";

/**
 * Below this share of the roof a point is not limited by either ceiling but by
 * fixed per-call costs (dispatch, allocation, threads waking): the overhead regime.
 */
export const OVERHEAD_FRACTION = 0.5;

/** FLOPs per byte where the bandwidth slope meets the compute line. */
export function ridgePoint(c: Ceilings): number {
  return c.computeGflops / c.bandwidthGBps;
}

/** The roof at an arithmetic intensity: min(compute peak, bandwidth × intensity), in GFLOP/s. */
export function attainableGflops(intensity: number, c: Ceilings): number {
  return Math.min(c.computeGflops, c.bandwidthGBps * intensity);
}

/**
 * Which limit a measured point sits under: far below the roof → overhead;
 * otherwise the side of the ridge it is on.
 */
export function regimeOf(intensity: number, achievedGflops: number, c: Ceilings): Regime {
  if (achievedGflops < OVERHEAD_FRACTION * attainableGflops(intensity, c)) return "overhead";
  return intensity < ridgePoint(c) ? "memory-bound" : "compute-bound";
}

export const REGIME_WORDS: Record<Regime, string> = {
  overhead: "overhead-bound: far under the roof, fixed per-call costs dominate",
  "memory-bound": "memory-bound: left of the ridge, limited by bytes moved",
  "compute-bound": "compute-bound: right of the ridge, limited by arithmetic",
};

/** Elements of one item of a tensor: the batch axis left out, other dynamic axes at the model's defaults. */
export function itemElements(spec: Pick<ModelSpec, "batchAxis" | "axisDefaults">, shape: ReadonlyArray<number | string>): number {
  return shape.reduce<number>((n, d, axis) => (axis === 0 && spec.batchAxis ? n : n * (typeof d === "number" ? d : (spec.axisDefaults?.[d] ?? 1))), 1);
}

const BYTES: Record<string, number> = { float32: 4, int64: 8, int32: 4, int8: 1, uint8: 1, bool: 1 };
export const bytesOf = (dtype: string) => BYTES[dtype] ?? 4;

/**
 * FLOPs per byte of weights and inputs/outputs moved for one batch: weights are
 * read once per batch, inputs and outputs once per item. Activations are left
 * out (they mostly stay in cache for the small models; see lib/inference/memory.ts).
 */
export function arithmeticIntensity(spec: ModelSpec, batch: number): number | null {
  if (!spec.flopsPerItem || !spec.weightBytes) return null;
  const ioPerItem = [...spec.inputs, ...spec.outputs].reduce((sum, t) => sum + bytesOf(t.dtype) * itemElements(spec, t.shape), 0);
  return (spec.flopsPerItem * batch) / (spec.weightBytes + ioPerItem * batch);
}
