/**
 * Latency statistics shared by the server engine and the browser runner.
 * Browser-safe: no Node-only imports, so both sides report numbers computed
 * the same way.
 */

export const PERCENTILES = [50, 90, 95, 99] as const;

/** Reported times and rates are rounded to 4 decimals (0.1 µs in milliseconds). */
export function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

/** Samples kept in a result for histograms; the summary is always computed from all of them. */
export const SAMPLES_KEPT = 2000;

/** An evenly spaced subset of at most SAMPLES_KEPT samples, rounded. */
export function keepSamples(samples: number[]): number[] {
  if (samples.length <= SAMPLES_KEPT) return samples.map(round);
  const step = samples.length / SAMPLES_KEPT;
  return Array.from({ length: SAMPLES_KEPT }, (_, i) => round(samples[Math.floor(i * step)]!));
}

/** The median (mean of the middle two for an even count); null for no values. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
export type PercentileKey = `p${(typeof PERCENTILES)[number]}`;

export interface Summary {
  n: number;
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
  /** Sample standard deviation; 0 when n < 2. */
  stddev: number;
  /**
   * Distribution-free 95% confidence interval of the median from order
   * statistics (binomial), so it holds for skewed latency distributions too.
   * Null when n is too small for one (n < 6).
   */
  medianCi95: { low: number; high: number } | null;
  /** Human-readable caveats: which shown percentiles rest on too few samples. */
  warnings: string[];
}

/**
 * Percentile of an ascending-sorted array with linear interpolation between
 * order statistics (Hyndman & Fan type 7, numpy's default), so results can be
 * checked against numpy and spreadsheets.
 */
export function percentileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  if (p <= 0) return sorted[0]!;
  if (p >= 100) return sorted[n - 1]!;
  const rank = (p / 100) * (n - 1);
  const lower = Math.floor(rank);
  const upper = Math.min(lower + 1, n - 1);
  const weight = rank - lower;
  return sorted[lower]! + (sorted[upper]! - sorted[lower]!) * weight;
}

export function percentile(samples: ArrayLike<number>, p: number): number {
  return percentileSorted(sortAscending(samples), p);
}

function sortAscending(samples: ArrayLike<number>): Float64Array {
  return Float64Array.from(samples).sort();
}

/**
 * Order-statistic indices (0-based) bounding the median at ~95% confidence:
 * the count below the median is Binomial(n, 1/2), so ranks n/2 ∓ 1.96·√n/2.
 */
export function medianCiRanks(n: number): { low: number; high: number } | null {
  if (n < 6) return null;
  const half = 0.98 * Math.sqrt(n);
  // 1-based ranks floor(n/2 − half) and ceil(1 + n/2 + half), shifted to 0-based.
  const low = Math.max(0, Math.floor(n / 2 - half) - 1);
  const high = Math.min(n - 1, Math.ceil(1 + n / 2 + half) - 1);
  return { low, high };
}

/** How many samples must lie above percentile p for it to mean more than "the max". */
export const TAIL_SAMPLES_FOR_STABLE_PERCENTILE = 10;

/** Smallest n for which percentile p has TAIL_SAMPLES_FOR_STABLE_PERCENTILE samples above it. */
export function minSamplesFor(p: number): number {
  return Math.ceil(TAIL_SAMPLES_FOR_STABLE_PERCENTILE / (1 - p / 100) - 1e-9);
}

export function summarize(samples: ArrayLike<number>): Summary {
  const sorted = sortAscending(samples);
  const n = sorted.length;
  if (n === 0) {
    return {
      n: 0,
      min: Number.NaN,
      mean: Number.NaN,
      p50: Number.NaN,
      p90: Number.NaN,
      p95: Number.NaN,
      p99: Number.NaN,
      max: Number.NaN,
      stddev: 0,
      medianCi95: null,
      warnings: ["no samples"],
    };
  }
  let sum = 0;
  for (const value of sorted) sum += value;
  const mean = sum / n;
  let squares = 0;
  for (const value of sorted) squares += (value - mean) ** 2;
  const ranks = medianCiRanks(n);
  const warnings: string[] = [];
  for (const p of PERCENTILES) {
    if (p === 50) continue;
    const tail = n * (1 - p / 100);
    if (tail < 1) {
      warnings.push(`p${p} is only the maximum at n=${n}; it needs n ≥ ${minSamplesFor(p)} to be stable`);
    } else if (tail < TAIL_SAMPLES_FOR_STABLE_PERCENTILE) {
      const above = Math.floor(tail);
      warnings.push(`p${p} rests on ${above} ${above === 1 ? "sample" : "samples"} above it at n=${n}; it needs n ≥ ${minSamplesFor(p)} to be stable`);
    }
  }
  if (ranks === null) warnings.push(`n=${n} is too small for a confidence interval of the median (needs n ≥ 6)`);
  return {
    n,
    min: sorted[0]!,
    mean,
    p50: percentileSorted(sorted, 50),
    p90: percentileSorted(sorted, 90),
    p95: percentileSorted(sorted, 95),
    p99: percentileSorted(sorted, 99),
    max: sorted[n - 1]!,
    stddev: n > 1 ? Math.sqrt(squares / (n - 1)) : 0,
    medianCi95: ranks ? { low: sorted[ranks.low]!, high: sorted[ranks.high]! } : null,
    warnings,
  };
}

/** GFLOP/s achieved when `flops` of work take `milliseconds`; null when either is unknown. */
export function gflopsPerSecond(flops: number | undefined | null, milliseconds: number): number | null {
  if (flops === undefined || flops === null || !(flops > 0) || !(milliseconds > 0)) return null;
  return flops / (milliseconds * 1e6);
}

export interface MeasureOptions {
  /** Untimed runs before measuring (caches, JIT, allocator, thread pool spin-up). */
  warmupRuns: number;
  minRuns: number;
  minDurationMs: number;
  /** Hard caps, whichever comes first, once the minimums are met or not. */
  maxRuns: number;
  maxDurationMs: number;
}

export const DEFAULT_MEASURE: MeasureOptions = {
  warmupRuns: 10,
  minRuns: 100,
  minDurationMs: 1000,
  maxRuns: 100_000,
  maxDurationMs: 20_000,
};

export interface MeasureResult {
  samplesMs: number[];
  summary: Summary;
  /** Wall time of the measured phase, warm-up excluded. */
  elapsedMs: number;
  /** Sum of the timed calls: elapsedMs minus this is the loop's own time between calls. */
  timedMs: number;
  /** True when a cap (runs or time) ended the loop before both minimums were met. */
  cappedEarly: boolean;
  /** Calls per sample, and calls timed in all (samples × runsPerSample). */
  runsPerSample: number;
  runs: number;
}

export interface MeasureHooks {
  now?: () => number;
  signal?: AbortSignal;
  /** Called at most every ~100 ms with the fraction done (by the binding minimum). */
  onProgress?: (fraction: number, samples: number) => void;
  /**
   * Calls timed together as one sample (see calibrateRunsPerSample); each
   * sample is their total divided by this. Default 1. minRuns and maxRuns
   * count samples.
   */
  runsPerSample?: number;
}

export class AbortedError extends Error {
  constructor(message = "cancelled") {
    super(message);
    this.name = "AbortedError";
  }
}

/**
 * Runs `fn` until both a minimum count and a minimum duration are met (MLPerf
 * LoadGen's rule), with caps on both, after untimed warm-up. Each sample is
 * the wall time of one awaited call.
 */
export async function measure(fn: () => Promise<unknown>, options: MeasureOptions, hooks: MeasureHooks = {}): Promise<MeasureResult> {
  const now = hooks.now ?? (() => performance.now());
  const throwIfAborted = () => {
    if (hooks.signal?.aborted) throw new AbortedError(String(hooks.signal.reason ?? "cancelled"));
  };
  for (let i = 0; i < options.warmupRuns; i += 1) {
    throwIfAborted();
    await fn();
  }
  const samples: number[] = [];
  const started = now();
  let lastReport = started;
  let cappedEarly = false;
  const perSample = Math.max(1, Math.floor(hooks.runsPerSample ?? 1));
  for (;;) {
    throwIfAborted();
    const t0 = now();
    for (let i = 0; i < perSample; i += 1) await fn();
    const t1 = now();
    samples.push((t1 - t0) / perSample);
    const elapsed = t1 - started;
    const minsMet = samples.length >= options.minRuns && elapsed >= options.minDurationMs;
    if (minsMet) break;
    if (samples.length >= options.maxRuns || elapsed >= options.maxDurationMs) {
      cappedEarly = true;
      break;
    }
    if (hooks.onProgress && t1 - lastReport >= 100) {
      lastReport = t1;
      const fraction = Math.min(samples.length / options.minRuns, elapsed / options.minDurationMs, 1);
      hooks.onProgress(fraction, samples.length);
    }
  }
  const elapsedMs = now() - started;
  hooks.onProgress?.(1, samples.length);
  let timedMs = 0;
  for (const sample of samples) timedMs += sample * perSample;
  return { samplesMs: samples, summary: summarize(samples), elapsedMs, timedMs, cappedEarly, runsPerSample: perSample, runs: samples.length * perSample };
}

/**
 * Throughput of a measured loop of back-to-back calls, `itemsPerCall` items each,
 * three ways, because they answer different questions and differ by more than
 * rounding on a busy machine:
 * - `itemsPerSecond`: items over the wall time of the measured phase, what the
 *   loop really sustained. It equals itemsPerCall / mean latency (plus the loop's
 *   own time), so the slow tail counts in full.
 * - `timedItemsPerSecond`: items over the sum of the timed calls only; the gap
 *   to itemsPerSecond is the time spent outside the timed call (`loopOverheadUs`
 *   per call: bookkeeping, progress reports, other work on the event loop).
 * - `p50ItemsPerSecond`: itemsPerCall / p50, the rate of a typical call. It is
 *   not a throughput anything achieved: with a slow tail (mean ≫ p50, e.g. the
 *   OS descheduling a spinning intra-op thread on 2 shared cores) it can be
 *   several times itemsPerSecond.
 */
export interface Throughput {
  itemsPerSecond: number;
  timedItemsPerSecond: number;
  p50ItemsPerSecond: number;
  /** Mean wall time per call outside the timed call, in microseconds. */
  loopOverheadUs: number;
}

export function throughputOf(result: Pick<MeasureResult, "samplesMs" | "summary" | "elapsedMs" | "timedMs"> & { runs?: number }, itemsPerCall: number): Throughput {
  // Calls, not samples: a sample may average several calls (runsPerSample) under a coarse timer.
  const n = result.runs ?? result.samplesMs.length;
  const items = n * itemsPerCall;
  const perSecond = (ms: number) => (ms > 0 ? (items * 1000) / ms : Number.NaN);
  return {
    itemsPerSecond: perSecond(result.elapsedMs),
    timedItemsPerSecond: perSecond(result.timedMs),
    p50ItemsPerSecond: result.summary.p50 > 0 ? (itemsPerCall * 1000) / result.summary.p50 : Number.NaN,
    loopOverheadUs: n > 0 ? (Math.max(0, result.elapsedMs - result.timedMs) * 1000) / n : Number.NaN,
  };
}

/** A sample must span this many timer ticks, so rounding to a tick moves it by ≤ 1%. */
export const TICKS_PER_SAMPLE = 100;

/**
 * The clock's resolution in ms: the smallest nonzero step between consecutive
 * reads. Browsers coarsen performance.now() (Chromium: 0.1 ms unless the page
 * is cross-origin isolated, then ~5 µs), and a run shorter than a tick reads
 * as 0 or one tick. Reads until `steps` distinct steps were seen or `maxReads`
 * reads were made; Infinity if the clock never moved.
 */
export function timerResolution(now: () => number = () => performance.now(), { steps = 50, maxReads = 5_000_000 } = {}): number {
  let smallest = Number.POSITIVE_INFINITY;
  let seen = 0;
  let last = now();
  for (let i = 0; i < maxReads && seen < steps; i += 1) {
    const t = now();
    if (t !== last) {
      const step = t - last;
      if (step > 0 && step < smallest) smallest = step;
      seen += 1;
      last = t;
    }
  }
  return smallest;
}

/** Calls per sample so one sample spans ≥ TICKS_PER_SAMPLE ticks of a clock of `resolutionMs`, given a call's time. */
export function runsPerSampleFor(resolutionMs: number, perCallMs: number, maxRunsPerSample = 100_000): number {
  if (!(resolutionMs > 0) || !Number.isFinite(resolutionMs)) return 1;
  const wanted = TICKS_PER_SAMPLE * resolutionMs;
  // A call too fast to register (0 ms) is at most one tick long.
  const perCall = perCallMs > 0 ? perCallMs : resolutionMs;
  return Math.min(maxRunsPerSample, Math.max(1, Math.ceil(wanted / perCall)));
}

/**
 * timeit's autorange: times 1, 2, 4, … calls until the batch spans
 * TICKS_PER_SAMPLE ticks and sizes samples from it; then checks that size,
 * timing it twice and keeping the faster, and grows it until it holds (one
 * slow batch, a GC pause say, must not make calls look slow and samples too
 * short). Run after warm-up, so compilation does not either.
 */
export async function calibrateRunsPerSample(fn: () => Promise<unknown>, resolutionMs: number, { now = () => performance.now(), maxRunsPerSample = 100_000, signal }: { now?: () => number; maxRunsPerSample?: number; signal?: AbortSignal } = {}): Promise<number> {
  if (!(resolutionMs > 0) || !Number.isFinite(resolutionMs)) return 1;
  const wanted = TICKS_PER_SAMPLE * resolutionMs;
  const time = async (calls: number) => {
    if (signal?.aborted) throw new AbortedError(String(signal.reason ?? "cancelled"));
    const t0 = now();
    for (let i = 0; i < calls; i += 1) await fn();
    return now() - t0;
  };
  let runs = 1;
  for (let calls = 1; ; calls *= 2) {
    const elapsed = await time(calls);
    if (elapsed >= wanted || calls >= maxRunsPerSample) {
      runs = runsPerSampleFor(resolutionMs, elapsed / calls, maxRunsPerSample);
      break;
    }
  }
  for (let check = 0; check < 5; check += 1) {
    const fastest = Math.min(await time(runs), await time(runs));
    const needed = runsPerSampleFor(resolutionMs, fastest / runs, maxRunsPerSample);
    if (needed <= runs) break;
    runs = needed;
  }
  return runs;
}

