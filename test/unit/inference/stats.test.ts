import { describe, expect, it } from "vitest";
import { AbortedError, calibrateRunsPerSample, gflopsPerSecond, measure, medianCiRanks, minSamplesFor, percentile, runsPerSampleFor, summarize, throughputOf, TICKS_PER_SAMPLE, timerResolution } from "@/lib/inference/stats";
// Deterministic uniform(0,1), so the known-quantile checks cannot flake.
import { seededRandom } from "@/lib/random";

describe("percentile (type 7, linear interpolation)", () => {
  it("matches numpy on 1..100", () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBeCloseTo(50.5, 10);
    expect(percentile(values, 90)).toBeCloseTo(90.1, 10);
    expect(percentile(values, 95)).toBeCloseTo(95.05, 10);
    expect(percentile(values, 99)).toBeCloseTo(99.01, 10);
    expect(percentile(values, 0)).toBe(1);
    expect(percentile(values, 100)).toBe(100);
  });

  it("does not depend on input order", () => {
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3);
    expect(percentile([10, 0], 25)).toBe(2.5);
  });
});

describe("summarize against distributions with known percentiles", () => {
  it("recovers exponential quantiles −ln(1−p)", () => {
    const random = seededRandom(7);
    const samples = Array.from({ length: 200_000 }, () => -Math.log(1 - random()));
    const s = summarize(samples);
    expect(s.n).toBe(200_000);
    expect(s.p50).toBeCloseTo(Math.LN2, 1);
    expect(Math.abs(s.p90 - -Math.log(0.1))).toBeLessThan(0.03);
    expect(Math.abs(s.p95 - -Math.log(0.05))).toBeLessThan(0.04);
    expect(Math.abs(s.p99 - -Math.log(0.01))).toBeLessThan(0.1);
    expect(Math.abs(s.mean - 1)).toBeLessThan(0.01);
    expect(Math.abs(s.stddev - 1)).toBeLessThan(0.02);
    expect(s.medianCi95!.low).toBeLessThanOrEqual(s.p50);
    expect(s.medianCi95!.high).toBeGreaterThanOrEqual(s.p50);
    expect(s.medianCi95!.low).toBeLessThan(Math.LN2 + 0.01);
    expect(s.medianCi95!.high).toBeGreaterThan(Math.LN2 - 0.01);
    expect(s.warnings).toEqual([]);
  });

  it("recovers uniform quantiles and min/max", () => {
    const random = seededRandom(11);
    const samples = Array.from({ length: 100_000 }, () => 10 + 10 * random());
    const s = summarize(samples);
    expect(s.min).toBeGreaterThanOrEqual(10);
    expect(s.max).toBeLessThan(20);
    expect(s.p50).toBeCloseTo(15, 1);
    expect(s.p90).toBeCloseTo(19, 1);
    expect(s.p99).toBeCloseTo(19.9, 1);
  });

  it("gives a median interval that covers the true median ~95% of the time", () => {
    const random = seededRandom(3);
    let covered = 0;
    const trials = 1000;
    for (let t = 0; t < trials; t += 1) {
      const s = summarize(Array.from({ length: 50 }, () => -Math.log(1 - random())));
      if (s.medianCi95!.low <= Math.LN2 && Math.LN2 <= s.medianCi95!.high) covered += 1;
    }
    expect(covered / trials).toBeGreaterThan(0.93);
    expect(covered / trials).toBeLessThan(0.995);
  });

  it("warns when n is too small for a shown percentile", () => {
    const s = summarize(Array.from({ length: 50 }, (_, i) => i));
    expect(s.warnings.some((w) => w.startsWith("p99 is only the maximum"))).toBe(true);
    expect(s.warnings.some((w) => w.startsWith("p95 rests on 2"))).toBe(true);
    expect(s.warnings.some((w) => w.startsWith("p90"))).toBe(true);
    expect(minSamplesFor(99)).toBe(1000);
    expect(summarize([1, 2, 3]).medianCi95).toBeNull();
    expect(summarize([]).warnings).toEqual(["no samples"]);
    expect(summarize(Array.from({ length: 1000 }, (_, i) => i)).warnings).toEqual([]);
  });

  it("picks order statistics for the median interval like the binomial table", () => {
    // n=100: 1-based ranks 40 and 61.
    expect(medianCiRanks(100)).toEqual({ low: 39, high: 60 });
    expect(medianCiRanks(5)).toBeNull();
  });
});

describe("gflopsPerSecond", () => {
  it("is flops over time, null when unknown", () => {
    expect(gflopsPerSecond(2e9, 1000)).toBeCloseTo(2, 10);
    expect(gflopsPerSecond(undefined, 1)).toBeNull();
    expect(gflopsPerSecond(1e6, 0)).toBeNull();
  });
});

describe("measure", () => {
  it("runs until both minimum count and minimum duration are met, after untimed warm-up", async () => {
    let clock = 0;
    let calls = 0;
    const result = await measure(
      async () => {
        calls += 1;
        clock += 2;
      },
      { warmupRuns: 3, minRuns: 5, minDurationMs: 20, maxRuns: 1000, maxDurationMs: 1000 },
      { now: () => clock },
    );
    expect(result.samplesMs.length).toBe(10);
    expect(calls).toBe(13);
    expect(result.summary.p50).toBe(2);
    expect(result.cappedEarly).toBe(false);
  });

  it("sums the timed calls apart from the wall time, so time outside the call is measurable", async () => {
    let clock = 0;
    let reads = 0;
    const result = await measure(
      async () => {
        clock += 2;
      },
      { warmupRuns: 0, minRuns: 4, minDurationMs: 0, maxRuns: 1000, maxDurationMs: 1000 },
      {
        // Every second clock read (each call's start, and the final read) comes 0.5 ms after the previous call ended.
        now: () => {
          reads += 1;
          if (reads > 1 && reads % 2 === 0) clock += 0.5;
          return clock;
        },
      },
    );
    expect(result.samplesMs).toEqual([2, 2, 2, 2]);
    expect(result.timedMs).toBe(8);
    expect(result.elapsedMs).toBe(10.5);
  });

  it("stops at a cap and says so", async () => {
    let clock = 0;
    const result = await measure(
      async () => {
        clock += 10;
      },
      { warmupRuns: 0, minRuns: 1000, minDurationMs: 1, maxRuns: 7, maxDurationMs: 1e9 },
      { now: () => clock },
    );
    expect(result.samplesMs.length).toBe(7);
    expect(result.cappedEarly).toBe(true);
  });

  it("stops when aborted", async () => {
    const controller = new AbortController();
    let calls = 0;
    const run = measure(
      async () => {
        calls += 1;
        if (calls === 5) controller.abort("stop");
      },
      { warmupRuns: 0, minRuns: 1e9, minDurationMs: 1e9, maxRuns: 1e9, maxDurationMs: 1e9 },
      { signal: controller.signal },
    );
    await expect(run).rejects.toBeInstanceOf(AbortedError);
    expect(calls).toBe(5);
  });
});

describe("throughputOf", () => {
  // Nine 1 ms calls and one 10 ms call of batch 4, with 0.5 ms of loop time around each.
  const samplesMs = [1, 1, 1, 1, 1, 1, 1, 1, 1, 10];
  const result = { samplesMs, summary: summarize(samplesMs), timedMs: 19, elapsedMs: 24 };

  it("reports wall-clock throughput, the timed calls' rate, the p50 rate and the loop's own time apart", () => {
    const t = throughputOf(result, 4);
    expect(t.itemsPerSecond).toBeCloseTo((40 * 1000) / 24, 9);
    expect(t.timedItemsPerSecond).toBeCloseTo((40 * 1000) / 19, 9);
    expect(t.p50ItemsPerSecond).toBeCloseTo(4000, 9);
    expect(t.loopOverheadUs).toBeCloseTo(500, 9);
  });

  it("makes the timed rate batch / mean latency: a slow tail lowers it, however fast the median", () => {
    const t = throughputOf(result, 4);
    expect(t.timedItemsPerSecond).toBeCloseTo((4 * 1000) / result.summary.mean, 9);
    expect(t.p50ItemsPerSecond / t.timedItemsPerSecond).toBeCloseTo(result.summary.mean / result.summary.p50, 9);
  });
});

/** A clock that only moves in ticks of `tick` ms, like a browser's coarsened performance.now(). */
function coarseClock(tick: number, advancePerRead = 0.013) {
  let t = 0;
  return {
    now: () => Math.floor(t / tick) * tick,
    advance: (ms: number) => {
      t += ms;
    },
    read: () => {
      t += advancePerRead;
      return Math.floor(t / tick) * tick;
    },
  };
}

describe("timer resolution", () => {
  it("finds the tick of a coarsened clock as its smallest nonzero step", () => {
    expect(timerResolution(coarseClock(0.1).read)).toBeCloseTo(0.1, 9);
    expect(timerResolution(coarseClock(0.005, 0.0007).read)).toBeCloseTo(0.005, 9);
    // Jumps of several ticks (a busy thread) do not hide the one-tick steps.
    const reads = [0, 0, 0.3, 0.3, 0.4, 1.2, 1.2, 1.3, 1.6];
    let i = 0;
    expect(timerResolution(() => reads[Math.min(i++, reads.length - 1)]!, { steps: 4 })).toBeCloseTo(0.1, 9);
    expect(timerResolution(() => 42, { maxReads: 1000 })).toBe(Number.POSITIVE_INFINITY);
  });

  it("sizes samples to span 100 ticks", () => {
    expect(TICKS_PER_SAMPLE).toBe(100);
    expect(runsPerSampleFor(0.1, 0.004)).toBe(2500);
    expect(runsPerSampleFor(0.1, 0.4)).toBe(25);
    expect(runsPerSampleFor(0.1, 25)).toBe(1);
    expect(runsPerSampleFor(0.1, 0)).toBe(100);
    expect(runsPerSampleFor(0.000_1, 0.004)).toBe(3);
    expect(runsPerSampleFor(Number.POSITIVE_INFINITY, 1)).toBe(1);
    expect(runsPerSampleFor(0.1, 1e-9, 5000)).toBe(5000);
  });

  it("never reports 0 ms for a call shorter than a tick: calibrated samples recover its true time", async () => {
    const clock = coarseClock(0.1);
    const call = async () => clock.advance(0.0123);
    const naive = await measure(call, { warmupRuns: 0, minRuns: 50, minDurationMs: 0, maxRuns: 1e6, maxDurationMs: 1e9 }, { now: clock.now });
    // The bug this guards against: one call per sample reads as 0 ms at p50.
    expect(naive.summary.p50).toBe(0);

    const runsPerSample = await calibrateRunsPerSample(call, 0.1, { now: clock.now });
    expect(runsPerSample * 0.0123).toBeGreaterThanOrEqual(100 * 0.1 * 0.99);
    expect(runsPerSample).toBeLessThan(1000);
    const calibrated = await measure(call, { warmupRuns: 0, minRuns: 50, minDurationMs: 0, maxRuns: 1e6, maxDurationMs: 1e9 }, { now: clock.now, runsPerSample });
    expect(calibrated.runsPerSample).toBe(runsPerSample);
    expect(calibrated.runs).toBe(50 * runsPerSample);
    expect(calibrated.samplesMs.length).toBe(50);
    expect(calibrated.summary.p50).toBeGreaterThan(0);
    expect(Math.abs(calibrated.summary.p50 - 0.0123) / 0.0123).toBeLessThan(0.02);
    expect(calibrated.summary.min).toBeGreaterThan(0);
  });

  it("is not fooled by one slow call into timing too few runs per sample", async () => {
    const clock = coarseClock(0.005);
    let calls = 0;
    // The first call after warm-up pauses (GC, a yield to the page); the rest take 0.02 ms.
    const call = async () => clock.advance(calls++ === 0 ? 0.8 : 0.02);
    const runs = await calibrateRunsPerSample(call, 0.005, { now: clock.now });
    // 0.02 ms calls need 25 to span 100 ticks of 0.005 ms (a tick's rounding may add one or two).
    expect(runs).toBeGreaterThanOrEqual(25);
    expect(runs).toBeLessThanOrEqual(27);
  });

  it("keeps one call per sample on a fine clock", async () => {
    const clock = coarseClock(0.000_001);
    expect(await calibrateRunsPerSample(async () => clock.advance(2), 0.000_001, { now: clock.now })).toBe(1);
  });
});
