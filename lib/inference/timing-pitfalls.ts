/**
 * The arithmetic of the naive-against-honest timing experiment, browser-safe
 * (the experiment component and its tests use it; no clocks are read here).
 *
 * Three ways to time one model on one lane (seed 000's method against ours):
 * - naive: one call that includes creating the session and the first inference,
 *   read from the millisecond wall clock (Date.now());
 * - first: the first inference alone, on a high-resolution clock;
 * - steady: after warm-up, many runs, the median with its interval.
 */
import { round } from "./stats";

/** Date.now() steps in whole milliseconds: a naive reading below this says nothing. */
export const WALL_CLOCK_RESOLUTION_MS = 1;

export interface ThreeWays {
  naiveWallClockMs: number;
  firstRunMs: number;
  steadyP50Ms: number;
  /** The high-resolution clock's step where the first run and steady state were timed (0 when far below a microsecond). */
  resolutionMs: number;
}

/** A ratio, or null with the reason it cannot be stated. */
export type Ratio = { value: number; reason: null } | { value: null; reason: string };

function ratio(numerator: number, numeratorFloor: number, denominator: number, denominatorFloor: number): Ratio {
  if (!(denominator > 0) || denominator < denominatorFloor) return { value: null, reason: "the steady-state figure is below what its clock can resolve" };
  if (!(numerator >= numeratorFloor) || numerator <= 0) return { value: null, reason: "the reading is below what its clock can resolve" };
  return { value: round(numerator / denominator), reason: null };
}

export interface PitfallRatios {
  /** How far the naive figure overstates a typical call. */
  naiveOverSteady: Ratio;
  /** The cold/steady ratio: what the first call costs against a warm one. */
  firstOverSteady: Ratio;
  /** How much of the naive figure is not inference at all (session creation), as naive / first. */
  naiveOverFirst: Ratio;
}

export function pitfallRatios(t: ThreeWays): PitfallRatios {
  return {
    naiveOverSteady: ratio(t.naiveWallClockMs, WALL_CLOCK_RESOLUTION_MS, t.steadyP50Ms, t.resolutionMs),
    firstOverSteady: ratio(t.firstRunMs, t.resolutionMs, t.steadyP50Ms, t.resolutionMs),
    naiveOverFirst: ratio(t.naiveWallClockMs, WALL_CLOCK_RESOLUTION_MS, t.firstRunMs, t.resolutionMs),
  };
}

/**
 * What a WebGPU call's timing says once outputs stay on the GPU: does
 * `session.run()` resolve before the GPU has finished the work it queued?
 * Measured per call from an idle queue; medians.
 */
export interface UnsyncMedians {
  /** run() alone, outputs left on the GPU. */
  runOnlyMs: number;
  /** run() then device.queue.onSubmittedWorkDone(). */
  runAndDrainMs: number;
  /** After run() resolved, how long until the queue drained. */
  pendingAfterRunMs: number;
  resolutionMs: number;
}

export type UnsyncVerdict = "resolves-early" | "partly-early" | "waits-for-gpu";

/**
 * "resolves-early" when most of the call's GPU time (over half) was still
 * pending when run() resolved; "waits-for-gpu" when what was pending is within
 * the clock's step or a tenth of the whole; otherwise "partly-early".
 */
export function unsyncVerdict(m: UnsyncMedians): UnsyncVerdict {
  const whole = Math.max(m.runAndDrainMs, m.runOnlyMs + m.pendingAfterRunMs);
  if (m.pendingAfterRunMs <= Math.max(2 * m.resolutionMs, 0.1 * whole)) return "waits-for-gpu";
  if (m.pendingAfterRunMs > 0.5 * whole) return "resolves-early";
  return "partly-early";
}
