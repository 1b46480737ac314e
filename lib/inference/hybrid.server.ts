import "server-only";
import { generateFeeds } from "./inputs.server";
import { poissonArrivals } from "./open-loop";
import { type Contention, drawSchedule, type WakeUpCurve, type WakeUpPoint, LAG_PROBABILITIES, type HybridOutcome, type HybridPolicy, type HybridWorkload, type LaneBatching, type LaneProfile, LaneQueue, outcomeOf, type QueuedRequest, routeRequest, simulateHybrid } from "./hybrid-sim";
import type { Runner } from "./sessions.server";
import { AbortedError, percentileSorted, round, summarize } from "./stats";
import type { Feeds } from "./tensors.server";
import type { HybridResult } from "./wire";

/** The live hybrid scenario, resolved: two runners, the workload, the policy and each lane's batching. */
export interface HybridScenario {
  kind: "hybrid";
  workload: HybridWorkload;
  policy: HybridPolicy;
  batching: [LaneBatching | null, LaneBatching | null];
  /** Needed by least-expected-completion routing; the other policies ignore them. */
  profiles: [LaneProfile, LaneProfile] | null;
  warmupRequests: number;
  measureContention: boolean;
}

export interface HybridHooks {
  signal?: AbortSignal;
  onProgress?: (fraction: number, message: string) => void;
}

const CONTENTION_PHASE_MS = 500;

/** Inputs of every batch size the run may form, made once, so no request pays for input generation. */
class FeedCache {
  private readonly cache = new Map<number, Feeds>();
  constructor(private readonly runner: Runner) {}
  get(rows: number): Feeds {
    let feeds = this.cache.get(rows);
    if (!feeds) {
      feeds = generateFeeds(this.runner.model, rows, rows);
      this.cache.set(rows, feeds);
    }
    return feeds;
  }
}

/** Batch sizes a lane may run: each request size alone, or any total up to its max batch. */
function possibleSizes(mix: HybridWorkload["mix"], batching: LaneBatching | null): number[] {
  if (!batching) return [...new Set(mix.map((m) => m.items))];
  return Array.from({ length: batching.maxBatch }, (_, i) => i + 1);
}

function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new AbortedError(String(signal.reason ?? "cancelled"));
}

/** Mean ms per call of back-to-back calls for `ms`. */
async function closedLoopMean(runner: Runner, feeds: Feeds, ms: number, signal?: AbortSignal): Promise<number> {
  const started = performance.now();
  let calls = 0;
  while (performance.now() - started < ms) {
    throwIfAborted(signal);
    await runner.run(feeds);
    calls += 1;
  }
  return (performance.now() - started) / Math.max(1, calls);
}

const HELD_PROBE_MS = 300;

/** Ticks of a 1 ms interval timer while `work` runs: how often the event loop got a turn. */
async function ticksDuring(work: () => Promise<void>): Promise<number> {
  let ticks = 0;
  const ticker = setInterval(() => (ticks += 1), 1);
  try {
    await work();
  } finally {
    clearInterval(ticker);
  }
  return ticks;
}

/**
 * Whether a lane's calls hold Node's event loop: a 1 ms timer's ticks while
 * the lane runs back to back, against its ticks over as long with nothing
 * running (so a machine busy with other work does not count against the lane).
 * A lane on a worker thread leaves the loop its turns; one that runs on the
 * main thread takes them for each call's length.
 */
async function heldShare(runner: Runner, feeds: Feeds, signal?: AbortSignal): Promise<{ share: number; callMs: number }> {
  const idle = await ticksDuring(() => new Promise((resolve) => setTimeout(resolve, HELD_PROBE_MS)));
  let callMs = 0;
  const busy = await ticksDuring(async () => {
    callMs = await closedLoopMean(runner, feeds, HELD_PROBE_MS, signal);
  });
  return { share: idle > 0 ? Math.max(0, Math.min(1, 1 - busy / idle)) : 0, callMs };
}

/** Idle gaps the wake-up cost is measured after (ms): from a busy lane's gaps to a quiet one's. */
const WAKE_UP_GAPS_MS = [2, 8, 32, 96] as const;
/** Per gap: calls for this long, and at least WAKE_UP_MIN_CALLS of them (medians of fewer are noise). */
const WAKE_UP_PHASE_MS = 400;
const WAKE_UP_MIN_CALLS = 12;

function median(values: number[]): number {
  return percentileSorted(Float64Array.from(values).sort(), 50);
}

/**
 * What a call of `feeds` costs extra after the lane sat idle: median call time
 * after each idle gap (the gap as it happened: timers wake late), minus the
 * median back to back. A profile is measured back to back; a lone request in
 * an open-loop run meets threads that went to sleep and cores that slowed down.
 */
export async function measureWakeUp(runner: Runner, feeds: Feeds, batch: number, signal?: AbortSignal): Promise<WakeUpCurve> {
  const timeCalls = async (gapMs: number): Promise<{ callMs: number; idleMs: number }> => {
    const calls: number[] = [];
    const idles: number[] = [];
    const started = performance.now();
    let lastDone = performance.now();
    while (calls.length < WAKE_UP_MIN_CALLS || performance.now() - started < WAKE_UP_PHASE_MS) {
      throwIfAborted(signal);
      if (gapMs > 0) await new Promise((resolve) => setTimeout(resolve, gapMs));
      const t0 = performance.now();
      await runner.run(feeds);
      const t1 = performance.now();
      idles.push(t0 - lastDone);
      calls.push(t1 - t0);
      lastDone = t1;
    }
    return { callMs: median(calls), idleMs: median(idles) };
  };
  const backToBack = await timeCalls(0);
  const points: WakeUpPoint[] = [];
  for (const gap of WAKE_UP_GAPS_MS) {
    const measured = await timeCalls(gap);
    points.push({ idleMs: round(measured.idleMs), extraMs: round(measured.callMs - backToBack.callMs) });
  }
  points.sort((a, b) => a.idleMs - b.idleMs);
  return { batch, backToBackMs: round(backToBack.callMs), points };
}

/** How long each lane's calls are timed at their pace, alone and then amid the other lane's traffic. */
const BESIDE_PHASE_MS = 2000;

interface Call {
  start: number;
  end: number;
}

/** Sends calls of `feeds` on `runner` as Poisson arrivals at `rate` until `stop()`, each after the last returns; when each ran. */
async function paced(runner: Runner, feeds: Feeds, rate: number, seed: number, stop: () => boolean, signal?: AbortSignal): Promise<Call[]> {
  const next = poissonArrivals(rate, seed);
  const started = performance.now();
  const calls: Call[] = [];
  while (!stop()) {
    throwIfAborted(signal);
    const wait = next() - (performance.now() - started);
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    if (stop()) break;
    const start = performance.now();
    await runner.run(feeds);
    calls.push({ start, end: performance.now() });
  }
  return calls;
}

/** Mean length of the calls that overlapped none of `others` (both in time order). */
function meanOfCallsAlone(calls: Call[], others: Call[]): number {
  let sum = 0;
  let count = 0;
  let k = 0;
  for (const call of calls) {
    while (k < others.length && others[k]!.end < call.start) k += 1;
    if (k < others.length && others[k]!.start <= call.end) continue;
    sum += call.end - call.start;
    count += 1;
  }
  return count > 0 ? sum / count : Number.NaN;
}

/**
 * How much slower lane `l`'s calls run amid the other lane's traffic, though
 * not at the same moment: its calls at its own pace for BESIDE_PHASE_MS alone,
 * then as long with the other lane served at its pace too; the ratio of the
 * mean call times, less one, over the calls that overlapped no call of the
 * other lane (overlap is what `a`/`b` and blocking model). The paces are the
 * rates the policy sends each lane, so this is what the run will meet.
 */
export async function measureBesideTraffic(runners: [Runner, Runner], feeds: [Feeds, Feeds], rates: [number, number], signal?: AbortSignal): Promise<[number, number]> {
  const beside: [number, number] = [0, 0];
  for (const l of [0, 1] as const) {
    const o = l === 0 ? 1 : 0;
    if (!(rates[l] > 0) || !(rates[o] > 0)) continue;
    const phase = async (withOther: boolean) => {
      const until = performance.now() + BESIDE_PHASE_MS;
      const stop = () => performance.now() >= until;
      const [own, other] = await Promise.all([paced(runners[l], feeds[l], rates[l], 101 + l, stop, signal), withOther ? paced(runners[o], feeds[o], rates[o], 202 + o, stop, signal) : Promise.resolve([])]);
      return meanOfCallsAlone(own, other);
    };
    const alone = await phase(false);
    const amid = await phase(true);
    beside[l] = Number.isFinite(alone) && Number.isFinite(amid) && alone > 0 ? Math.max(0, amid / alone - 1) : 0;
  }
  return beside;
}

/**
 * Requests per second the policy sends each lane, and the size each sees most:
 * from the mix for the fixed rules; for least expected completion, from a
 * simulation of the workload on the given profiles (where it sends them
 * depends on how the queues evolve).
 */
export function routedTraffic(scenario: Pick<HybridScenario, "workload" | "policy" | "batching" | "profiles">): { rates: [number, number]; sizes: [number, number] } {
  const { workload, policy } = scenario;
  const commonest = (entries: HybridWorkload["mix"]) => (entries.length > 0 ? entries.reduce((a, b) => (b.percent > a.percent ? b : a)).items : 1);
  if (policy.kind === "least-completion") {
    if (!scenario.profiles) return { rates: [workload.rate, 0], sizes: [commonest(workload.mix), commonest(workload.mix)] };
    const sim = simulateHybrid({ profiles: scenario.profiles, workload: { ...workload, requests: Math.min(workload.requests, 5000) }, policy, batching: scenario.batching, variability: "fixed" });
    const share = (l: 0 | 1) => sim.lanes[l].requests / Math.max(1, sim.requests);
    const meanItems = (l: 0 | 1) => Math.max(1, Math.round(sim.lanes[l].items / Math.max(1, sim.lanes[l].requests)));
    return { rates: [workload.rate * share(0), workload.rate * share(1)], sizes: [meanItems(0), meanItems(1)] };
  }
  const onLane = (l: 0 | 1) => workload.mix.filter((m) => (policy.kind === "all-a" ? l === 0 : policy.kind === "all-b" ? l === 1 : (m.items > policy.threshold ? 1 : 0) === l));
  const rate = (l: 0 | 1) => (workload.rate * onLane(l).reduce((sum, m) => sum + m.percent, 0)) / 100;
  return { rates: [rate(0), rate(1)], sizes: [commonest(onLane(0)), commonest(onLane(1))] };
}

/** Timers set to measure how late a deadline fires. */
const TIMER_PROBES = 300;

/**
 * How late setTimeout fires on this server, at LAG_PROBABILITIES, for delays
 * spread over a batching window as the live lanes arm them (a deadline is
 * re-armed at every arrival, so its delay is anything up to maxWaitMs).
 */
export async function measureTimerLateness(maxWaitMs: number, signal?: AbortSignal): Promise<number[]> {
  const late: number[] = [];
  for (let i = 0; i < TIMER_PROBES; i += 1) {
    throwIfAborted(signal);
    const delay = (maxWaitMs * (i + 0.5)) / TIMER_PROBES;
    const armed = performance.now();
    await new Promise((resolve) => setTimeout(resolve, delay));
    late.push(Math.max(0, performance.now() - armed - delay));
  }
  const sorted = Float64Array.from(late).sort();
  return LAG_PROBABILITIES.map((p) => round(percentileSorted(sorted, p * 100)));
}

/**
 * The batch sizes lane `l` may be handed under this policy: a threshold splits
 * the mix's sizes between the lanes, all-a and all-b use one lane, least
 * completion may send any size to either; with batching, any total up to the
 * lane's max batch (its ends are measured, sizes between interpolated).
 */
export function wakeUpSizes(policy: HybridPolicy, mix: HybridWorkload["mix"], batching: LaneBatching | null, l: 0 | 1): number[] {
  const routed = [...new Set(mix.map((m) => m.items))].filter((items) => {
    if (policy.kind === "all-a") return l === 0;
    if (policy.kind === "all-b") return l === 1;
    if (policy.kind === "threshold") return (items > policy.threshold ? 1 : 0) === l;
    return true;
  });
  if (routed.length === 0) return [];
  const sizes = batching ? [Math.min(...routed), batching.maxBatch] : routed;
  return [...new Set(sizes)].sort((a, b) => a - b);
}

/** A lane holds the host when its calls keep the event loop this much of their length, and are long enough to matter. */
const BLOCKING_SHARE = 0.6;
const BLOCKING_MIN_CALL_MS = 1;

export interface MeasuredContention extends Contention {
  aloneMs: [number, number];
  togetherMs: [number, number];
  heldShare: [number, number];
}

/**
 * How the lanes get in each other's way: each alone (mean call time, and
 * whether its calls hold Node's event loop), then both at once, back to back
 * at the mix's commonest size. On this machine the cpu lane and SwiftShader's
 * WebGPU share two cores, and the WebGPU lane's calls hold the main thread.
 */
export async function measureContention(runners: [Runner, Runner], feeds: [Feeds, Feeds], signal?: AbortSignal): Promise<MeasuredContention> {
  const held = [await heldShare(runners[0], feeds[0], signal), await heldShare(runners[1], feeds[1], signal)];
  const aloneA = await closedLoopMean(runners[0], feeds[0], CONTENTION_PHASE_MS, signal);
  const aloneB = await closedLoopMean(runners[1], feeds[1], CONTENTION_PHASE_MS, signal);
  const [togetherA, togetherB] = await Promise.all([closedLoopMean(runners[0], feeds[0], CONTENTION_PHASE_MS, signal), closedLoopMean(runners[1], feeds[1], CONTENTION_PHASE_MS, signal)]);
  const heldShares: [number, number] = [held[0]!.share, held[1]!.share];
  const blocks = held.map((h) => h.share >= BLOCKING_SHARE && h.callMs >= BLOCKING_MIN_CALL_MS);
  const blocking = blocks[1] && (!blocks[0] || held[1]!.callMs >= held[0]!.callMs) ? 1 : blocks[0] ? 0 : null;
  // Beside a lane that holds the host, the other's slow-down is that lane's calls, which blocking already models.
  const slowdown = (together: number, alone: number) => Math.max(0, together / alone - 1);
  return {
    a: blocking === 1 ? 0 : slowdown(togetherA, aloneA),
    b: blocking === 0 ? 0 : slowdown(togetherB, aloneB),
    blocking,
    aloneMs: [aloneA, aloneB],
    togetherMs: [togetherA, togetherB],
    heldShare: heldShares,
  };
}

/** A stand-in profile for policies that never consult one (all-a, all-b, threshold). */
function unusedProfile(runner: Runner): LaneProfile {
  return { lane: `server-${runner.lane.id}`, modelId: runner.model.id, device: runner.lane.device, software: runner.lane.software === true, points: [{ batch: 1, meanMs: 1 }] };
}

/**
 * Runs the workload for real: arrivals leave on the drawn schedule whatever the
 * lanes are doing (open loop), each is routed by the policy the simulation
 * uses, queued on its lane and batched by the same rule, and its latency counts
 * from its scheduled arrival, so a sender that fell behind adds its lag.
 */
export async function runHybrid(runners: [Runner, Runner], scenario: HybridScenario, hooks: HybridHooks = {}): Promise<HybridResult> {
  const { signal } = hooks;
  const caches = [new FeedCache(runners[0]), new FeedCache(runners[1])] as const;
  const sizes = [possibleSizes(scenario.workload.mix, scenario.batching[0]), possibleSizes(scenario.workload.mix, scenario.batching[1])];
  hooks.onProgress?.(0, "warming up both lanes");
  // Every size either lane may run, untimed, so the first big batch pays no allocation or shader compilation.
  for (const l of [0, 1] as const) {
    for (const size of sizes[l]!) {
      throwIfAborted(signal);
      await runners[l].run(caches[l].get(size));
    }
  }
  const commonest = scenario.workload.mix.reduce((a, b) => (b.percent > a.percent ? b : a)).items;
  for (let i = 0; i < scenario.warmupRequests; i += 1) {
    throwIfAborted(signal);
    await Promise.all([runners[0].run(caches[0].get(commonest)), runners[1].run(caches[1].get(commonest))]);
  }
  let contention: HybridResult["contention"] = null;
  if (scenario.measureContention) {
    hooks.onProgress?.(0, "measuring how the lanes slow each other");
    const measured = await measureContention(runners, [caches[0].get(commonest), caches[1].get(commonest)], signal);
    contention = {
      a: round(measured.a),
      b: round(measured.b),
      blocking: measured.blocking ?? null,
      batch: commonest,
      aloneMs: [round(measured.aloneMs[0]), round(measured.aloneMs[1])],
      togetherMs: [round(measured.togetherMs[0]), round(measured.togetherMs[1])],
      heldShare: [round(measured.heldShare[0]), round(measured.heldShare[1])],
      wakeUp: [[], []],
      timerLateMs: null,
      beside: [0, 0],
      besideRates: [0, 0],
    };
    const traffic = routedTraffic(scenario);
    if (traffic.rates[0] > 0 && traffic.rates[1] > 0) {
      hooks.onProgress?.(0, "measuring how each lane runs amid the other's traffic");
      const beside = await measureBesideTraffic(runners, [caches[0].get(traffic.sizes[0]), caches[1].get(traffic.sizes[1])], traffic.rates, signal);
      contention.beside = [round(beside[0]), round(beside[1])];
      contention.besideRates = [round(traffic.rates[0]), round(traffic.rates[1])];
    }
    const window = Math.max(scenario.batching[0]?.maxWaitMs ?? 0, scenario.batching[1]?.maxWaitMs ?? 0);
    if (window > 0) contention.timerLateMs = await measureTimerLateness(window, signal);
    hooks.onProgress?.(0, "measuring what a call costs after its lane sat idle");
    for (const l of [0, 1] as const) {
      for (const size of wakeUpSizes(scenario.policy, scenario.workload.mix, scenario.batching[l], l)) contention.wakeUp[l].push(await measureWakeUp(runners[l], caches[l].get(size), size, signal));
    }
  }

  const profiles: [LaneProfile, LaneProfile] = scenario.profiles ?? [unusedProfile(runners[0]), unusedProfile(runners[1])];
  const lanes = [new LaneQueue(profiles[0], scenario.batching[0]), new LaneQueue(profiles[1], scenario.batching[1])] as const;
  const schedule = drawSchedule(scenario.workload);
  const n = schedule.arrivalMs.length;
  const startMs = new Float64Array(n);
  const doneMs = new Float64Array(n);
  const laneOf = new Uint8Array(n);
  const lagMs = new Float64Array(n);
  const batches: [number, number] = [0, 0];
  const busyMs: [number, number] = [0, 0];
  const wakeTimers: Array<ReturnType<typeof setTimeout> | null> = [null, null];
  const inFlight = new Set<Promise<void>>();
  let failure: unknown = null;
  // The blocking lane's latest call, so the sender's own lag can be told from lag while the host was held.
  const blockingLane = contention?.blocking ?? null;
  let heldFrom = -1;
  let heldUntil = -1;
  const ownLag: number[] = [];
  let completed = 0;
  let lastDone = 0;

  const started = performance.now();
  const now = () => performance.now() - started;

  const tryStart = (l: 0 | 1) => {
    if (wakeTimers[l]) {
      clearTimeout(wakeTimers[l]!);
      wakeTimers[l] = null;
    }
    if (failure !== null) return;
    const at = now();
    const taken = lanes[l].take(at);
    if (taken === null) return;
    if ("wakeAtMs" in taken) {
      wakeTimers[l] = setTimeout(() => {
        wakeTimers[l] = null;
        tryStart(l);
      }, Math.max(0, taken.wakeAtMs - at));
      return;
    }
    lanes[l].start(at, taken.items);
    batches[l] += 1;
    for (const r of taken.batch) startMs[r.index] = at;
    const batch: QueuedRequest[] = taken.batch;
    const p = runners[l]
      .run(caches[l].get(taken.items))
      .then(() => {
        const done = now();
        busyMs[l] += done - at;
        if (l === blockingLane) {
          heldFrom = at;
          heldUntil = done;
        }
        for (const r of batch) doneMs[r.index] = done;
        completed += batch.length;
        lastDone = Math.max(lastDone, done);
      })
      .catch((error: unknown) => {
        failure ??= error;
      })
      .finally(() => {
        inFlight.delete(p);
        lanes[l].finish();
        tryStart(l);
      });
    inFlight.add(p);
  };

  const ticker = setInterval(() => hooks.onProgress?.(Math.min(1, completed / n), `${completed} of ${n} requests answered`), 100);
  let sent = 0;
  try {
    while (sent < n && failure === null && !signal?.aborted) {
      const wait = schedule.arrivalMs[sent]! - now();
      // setTimeout wakes late by up to a few ms; what is due by then is sent at once, on its own timestamps.
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait - 0.5));
      else await new Promise((resolve) => setImmediate(resolve));
      while (sent < n && now() >= schedule.arrivalMs[sent]!) {
        const arrival = schedule.arrivalMs[sent]!;
        const items = schedule.items[sent]!;
        const at = now();
        lagMs[sent] = at - arrival;
        if (!(arrival >= heldFrom && arrival <= heldUntil)) ownLag.push(at - arrival);
        const l = routeRequest(scenario.policy, items, lanes, at);
        laneOf[sent] = l;
        // Queued at its scheduled arrival: a batch's wait is counted from when the request was due.
        lanes[l].enqueue({ index: sent, items, arrivalMs: arrival });
        sent += 1;
        tryStart(l);
      }
    }
    while (inFlight.size > 0 || lanes[0].queued + lanes[1].queued > 0) {
      if (failure !== null || signal?.aborted) break;
      if (inFlight.size > 0) await Promise.race(inFlight);
      else await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await Promise.all(inFlight);
  } finally {
    clearInterval(ticker);
    for (const timer of wakeTimers) if (timer) clearTimeout(timer);
  }
  throwIfAborted(signal);
  if (failure !== null) throw failure;

  const outcome: HybridOutcome = outcomeOf({ arrivalMs: schedule.arrivalMs, startMs, doneMs, items: schedule.items, lane: laneOf, batches, busyMs, spanMs: lastDone }, [
    { ...profiles[0], lane: `server-${runners[0].lane.id}`, device: runners[0].lane.device, software: runners[0].lane.software === true },
    { ...profiles[1], lane: `server-${runners[1].lane.id}`, device: runners[1].lane.device, software: runners[1].lane.software === true },
  ]);
  const lag = summarize(lagMs);
  const own = summarize(ownLag);
  const ownSorted = Float64Array.from(ownLag).sort();
  return {
    kind: "hybrid",
    workload: scenario.workload,
    policy: scenario.policy,
    batching: scenario.batching,
    contention,
    senderLagMs: { p50: round(lag.p50), p99: round(lag.p99), max: round(lag.max) },
    ownSenderLagMs: own.n > 0 ? { p50: round(own.p50), p99: round(own.p99), max: round(own.max), quantiles: LAG_PROBABILITIES.map((p) => round(percentileSorted(ownSorted, p * 100))) } : null,
    outcome: roundOutcome(outcome),
  };
}

export function roundOutcome(outcome: HybridOutcome): HybridOutcome {
  return {
    ...outcome,
    throughputPerSecond: round(outcome.throughputPerSecond),
    itemsPerSecond: round(outcome.itemsPerSecond),
    latencyMs: { p50: round(outcome.latencyMs.p50), p99: round(outcome.latencyMs.p99), mean: round(outcome.latencyMs.mean) },
    meanWaitMs: round(outcome.meanWaitMs),
    spanMs: round(outcome.spanMs),
    lanes: outcome.lanes.map((lane) => ({ ...lane, utilisation: round(lane.utilisation), meanBatchItems: round(lane.meanBatchItems) })) as HybridOutcome["lanes"],
  };
}
