import "server-only";
import { type BatchedResult, QueueFullError } from "./batcher.server";
import { achievedRate, littlesLaw, poissonArrivals, RATE_TOLERANCE, STABLE_TOLERANCE, type Visit } from "./open-loop";
import { AbortedError, round, summarize } from "./stats";
import type { OpenLoopStats } from "./wire";

export interface OpenLoopOptions {
  rate: number;
  seed: number;
  minRequests: number;
  minDurationMs: number;
  maxRequests: number;
  maxDurationMs: number;
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
}

export interface OpenLoopRecord extends Visit {
  queueMs: number;
  computeMs: number;
  batchRows: number;
}

export interface OpenLoopRun {
  records: OpenLoopRecord[];
  rejected: number;
  startedMs: number;
  lastDoneMs: number;
  stats: OpenLoopStats;
}

/** Share of the arrival span left out of Little's law at the start, while the queue fills from empty. */
const RAMP_FRACTION = 0.1;

/**
 * Arrivals leave on their own schedule, whatever the server is doing: a slow
 * answer never delays the next request (that would be coordinated omission,
 * which hides exactly the queueing a tail latency is about). Each request's
 * latency counts from when it was scheduled to arrive, so a sender that fell
 * behind (coarse timers, a busy event loop) adds its lag to the latency rather
 * than silently dropping it; the lag is reported on its own too.
 */
export async function driveOpenLoop(submit: () => Promise<BatchedResult>, options: OpenLoopOptions): Promise<OpenLoopRun> {
  const next = poissonArrivals(options.rate, options.seed);
  const records: OpenLoopRecord[] = [];
  const scheduled: number[] = [];
  const issued: number[] = [];
  let rejected = 0;
  const startedMs = performance.now();
  let lastDoneMs = startedMs;
  const inFlight = new Set<Promise<void>>();
  let nextAt = startedMs + next();

  const done = () => {
    if (options.signal?.aborted) return true;
    const elapsed = performance.now() - startedMs;
    if (scheduled.length >= options.maxRequests || elapsed >= options.maxDurationMs) return true;
    return scheduled.length >= options.minRequests && elapsed >= options.minDurationMs;
  };
  const send = (arrivalMs: number) => {
    scheduled.push(arrivalMs);
    issued.push(performance.now());
    const p = submit()
      .then((result) => {
        const doneMs = performance.now();
        lastDoneMs = Math.max(lastDoneMs, doneMs);
        records.push({ arrivalMs, doneMs, queueMs: result.queueMs, computeMs: result.computeMs, batchRows: result.batchRows });
      })
      .catch((error: unknown) => {
        // A full queue is the measured outcome of overload; any other failure ends the run.
        if (error instanceof QueueFullError) rejected += 1;
        else throw error;
      })
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  };

  const ticker = setInterval(() => options.onProgress?.(Math.min(1, scheduled.length / options.minRequests, (performance.now() - startedMs) / options.minDurationMs)), 100);
  try {
    while (!done()) {
      const wait = nextAt - performance.now();
      // setTimeout wakes late by up to a few ms; what is due by then is issued at once, on its own timestamps.
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait - 0.5));
      else await new Promise((resolve) => setImmediate(resolve));
      while (performance.now() >= nextAt && !done()) {
        send(nextAt);
        nextAt = startedMs + next();
      }
    }
    await Promise.all(inFlight);
  } finally {
    clearInterval(ticker);
  }
  if (options.signal?.aborted) throw new AbortedError(String(options.signal.reason ?? "cancelled"));

  const achieved = achievedRate(issued);
  const drawn = achievedRate(scheduled);
  const firstArrival = scheduled[0] ?? startedMs;
  const lastArrival = scheduled[scheduled.length - 1] ?? startedMs;
  const windowStart = firstArrival + (lastArrival - firstArrival) * RAMP_FRACTION;
  const law = lastArrival > windowStart ? littlesLaw(records, windowStart, lastArrival) : null;
  const servedMs = lastDoneMs - startedMs;
  const served = servedMs > 0 ? (records.length * 1000) / servedMs : 0;
  // The sender is judged against the schedule it drew; the draw itself strays from the target by ~1/√n.
  const withinRate = achieved !== null && drawn !== null && Math.abs(achieved / drawn - 1) <= RATE_TOLERANCE;
  const stable = withinRate && rejected === 0 && achieved !== null && served >= achieved * (1 - STABLE_TOLERANCE);
  const r = (v: number) => round(v);
  return {
    records,
    rejected,
    startedMs,
    lastDoneMs,
    stats: {
      seed: options.seed,
      offered: scheduled.length,
      scheduledRate: drawn === null ? null : r(drawn),
      achievedRate: achieved === null ? null : r(achieved),
      keptSchedule: withinRate,
      senderLagMs: (() => {
        const lag = summarize(issued.map((at, i) => at - scheduled[i]!));
        return { p50: r(lag.p50), p99: r(lag.p99), max: r(lag.max) };
      })(),
      stable,
      littlesLaw: law && {
        windowMs: r(law.windowMs),
        meanInSystem: r(law.meanInSystem),
        arrivalRatePerSecond: r(law.arrivalRatePerSecond),
        meanLatencyMs: r(law.meanLatencyMs),
        predictedInSystem: r(law.predictedInSystem),
        ratio: law.ratio === null ? null : r(law.ratio),
      },
    },
  };
}
