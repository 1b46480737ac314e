import "server-only";
import { generateFeeds } from "./inputs.server";
import type { LaneInfo } from "./lanes.server";
import type { InferenceModel } from "./model";
import { createFreshRunner, type Runner } from "./sessions.server";
import { AbortedError, round } from "./stats";
import type { WireColdStart } from "./wire";

/**
 * Live fresh sessions in this process: what the integration test and the
 * memory bench read to show every cold start's session is released.
 */
const counters = { created: 0, released: 0 };

export function coldStartSessions(): { created: number; released: number; live: number } {
  return { ...counters, live: counters.created - counters.released };
}

export interface ColdStartOptions {
  threads?: number;
  batch: number;
  /** Runs after the first, each timed alone. */
  runs: number;
  signal?: AbortSignal;
}

/**
 * A cold start as a learner's first request meets it: a session nobody has run
 * (never the shared cached one), its creation, its first run and the next
 * `runs` runs timed one by one, so the slide from cold to steady is visible.
 * Also seed 000's naive figure: creation plus first run read from Date.now(),
 * the millisecond wall clock a first benchmark usually reaches for.
 * The runner is handed back live for the steady-state measurement that
 * follows; the caller must pass it to releaseColdRunner.
 */
export async function measureColdStart(model: InferenceModel, lane: LaneInfo, options: ColdStartOptions): Promise<{ runner: Runner; coldStart: WireColdStart }> {
  const feeds = generateFeeds(model, options.batch, 1);
  const wallStart = Date.now();
  const runner = await createFreshRunner(model, lane, { threads: options.threads });
  counters.created += 1;
  try {
    await runner.run(feeds);
    const naiveWallClockMs = Date.now() - wallStart;
    const nextRunsMs: number[] = [];
    for (let i = 0; i < options.runs; i += 1) {
      if (options.signal?.aborted) throw new AbortedError(String(options.signal.reason ?? "cancelled"));
      const t0 = performance.now();
      await runner.run(feeds);
      nextRunsMs.push(round(performance.now() - t0));
    }
    return {
      runner,
      coldStart: {
        batch: options.batch,
        sessionCreateMs: round(runner.createMs),
        firstRunMs: round(runner.firstRunMs!),
        naiveWallClockMs,
        nextRunsMs,
        released: false,
      },
    };
  } catch (error) {
    await releaseColdRunner(runner);
    throw error;
  }
}

export async function releaseColdRunner(runner: Runner): Promise<void> {
  try {
    await runner.release();
  } finally {
    counters.released += 1;
  }
}
