/**
 * Open-loop load: arrivals drawn from a Poisson process at a target rate,
 * independent of when earlier requests finish, and Little's law checked on
 * the run's own numbers. Browser-safe and pure so the unit tests can hold the
 * generator and the law to their textbook values.
 */
import { seededRandom } from "@/lib/random";

/**
 * Gaps between Poisson arrivals are exponential with mean 1/rate. `1 - u`
 * keeps log's argument in (0, 1], so no gap is infinite.
 */
export function exponentialGapMs(ratePerSecond: number, random: () => number): number {
  return (-Math.log(1 - random()) / ratePerSecond) * 1000;
}

/** Successive arrival offsets (ms from the start) of a Poisson process; seeded, so a run can be repeated. */
export function poissonArrivals(ratePerSecond: number, seed: number): () => number {
  if (!(ratePerSecond > 0) || !Number.isFinite(ratePerSecond)) throw new RangeError(`rate must be a positive finite number, not ${ratePerSecond}`);
  const random = seededRandom(seed);
  let at = 0;
  return () => {
    at += exponentialGapMs(ratePerSecond, random);
    return at;
  };
}

/** One admitted request: when it was scheduled to arrive and when its answer came back (same clock, ms). */
export interface Visit {
  arrivalMs: number;
  doneMs: number;
}

export interface LittlesLaw {
  /** Start and length of the window the three quantities were measured over (ms, run clock). */
  windowStartMs: number;
  windowMs: number;
  /** L: time-average number of requests in the system (queued or computing), from the occupancy timeline. */
  meanInSystem: number;
  /** λ: admitted arrivals per second in the window. */
  arrivalRatePerSecond: number;
  /** W: mean time in the system of the requests that arrived in the window (ms). */
  meanLatencyMs: number;
  /** λ × W, what the law says L should be. */
  predictedInSystem: number;
  /** L ÷ (λ × W): 1 when the law holds; far from 1 when the window caught a queue still growing or draining. */
  ratio: number | null;
}

/**
 * L is measured independently of λ and W: as the integral of the number of
 * requests in the system over the window (each visit's overlap with the window),
 * divided by the window's length. λ and W come from the arrivals inside the window.
 * On a stable run the three agree (L = λW); edge effects of a finite window are
 * what is left.
 */
export function littlesLaw(visits: readonly Visit[], windowStartMs: number, windowEndMs: number): LittlesLaw {
  const windowMs = windowEndMs - windowStartMs;
  if (!(windowMs > 0)) throw new RangeError("the window must have a positive length");
  let occupied = 0;
  let arrivals = 0;
  let latencySum = 0;
  for (const visit of visits) {
    occupied += Math.max(0, Math.min(visit.doneMs, windowEndMs) - Math.max(visit.arrivalMs, windowStartMs));
    if (visit.arrivalMs >= windowStartMs && visit.arrivalMs < windowEndMs) {
      arrivals += 1;
      latencySum += visit.doneMs - visit.arrivalMs;
    }
  }
  const meanInSystem = occupied / windowMs;
  const arrivalRatePerSecond = (arrivals * 1000) / windowMs;
  const meanLatencyMs = arrivals > 0 ? latencySum / arrivals : 0;
  const predictedInSystem = (arrivalRatePerSecond * meanLatencyMs) / 1000;
  return { windowStartMs, windowMs, meanInSystem, arrivalRatePerSecond, meanLatencyMs, predictedInSystem, ratio: predictedInSystem > 0 ? meanInSystem / predictedInSystem : null };
}

/** Arrivals per second actually issued: (n − 1) gaps over the span from the first to the last. */
export function achievedRate(issuedAtMs: readonly number[]): number | null {
  if (issuedAtMs.length < 2) return null;
  const span = issuedAtMs[issuedAtMs.length - 1]! - issuedAtMs[0]!;
  return span > 0 ? ((issuedAtMs.length - 1) * 1000) / span : null;
}

/** Within ±5% of the target the sender kept the schedule; past it, the load was not the load asked for. */
export const RATE_TOLERANCE = 0.05;
/** Served within 10% of offered, nothing refused: the queue did not grow without bound. */
export const STABLE_TOLERANCE = 0.1;
