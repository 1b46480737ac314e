/**
 * The hybrid CPU+GPU router, simulated: Poisson arrivals with a mix of request
 * sizes, routed by a policy onto two lanes, each served from its measured
 * profile (service time per batch size), with or without dynamic batching per
 * lane. A discrete-event simulation, pure and seeded, so the browser can sweep
 * a policy parameter interactively and the server can replay the very same
 * schedule for real (lib/inference/hybrid.server.ts): the routing rule and the
 * batch-forming rule below are the ones the live run uses.
 */
import { poissonArrivals } from "./open-loop";
import { hashString, seededRandom } from "@/lib/random";
import { summarize } from "./stats";

/** One measured point of a lane's profile: a call of `batch` items took `meanMs` on average (p50 and p99 when known). */
export interface ProfilePoint {
  batch: number;
  meanMs: number;
  p50Ms?: number | null;
  p99Ms?: number | null;
  /** The slowest call measured: draws never exceed it (a lognormal's tail past p99 is a guess, the maximum was seen). */
  maxMs?: number | null;
}

/** A lane's measured service time per batch size for one model, and where it came from. */
export interface LaneProfile {
  /** Lane key as the experiments name it, e.g. "server-cpu". */
  lane: string;
  modelId: string;
  device: string | null;
  /** A software rasteriser posing as a GPU (SwiftShader): its speed is the CPU's, not a GPU's. */
  software: boolean;
  /** Ascending batch sizes. */
  points: ProfilePoint[];
  /** How the profile was measured, in words (a benchmark job, a stored run). */
  source?: string;
}

export interface MixEntry {
  /** Items in one request (its batch when it runs alone). */
  items: number;
  /** Share of requests, in percent; the entries sum to 100. */
  percent: number;
}

export interface HybridWorkload {
  /** Poisson arrivals per second. */
  rate: number;
  mix: MixEntry[];
  /** Requests in the run: the schedule's length. */
  requests: number;
  seed: number;
}

export type HybridPolicy =
  | { kind: "all-a" }
  | { kind: "all-b" }
  /** Requests of more than `threshold` items go to lane B, the rest to lane A. */
  | { kind: "threshold"; threshold: number }
  /** Each request to the lane whose queue is expected, from its profile, to finish it soonest. */
  | { kind: "least-completion" };

export interface LaneBatching {
  /** Most items one batch may hold. */
  maxBatch: number;
  /** How long the oldest waiting request may wait for company before its batch goes anyway. */
  maxWaitMs: number;
}

/**
 * How much slower a lane runs while the other lane is busy: 0.3 means 30%
 * slower. Lanes that share cores (here the cpu lane and SwiftShader's WebGPU,
 * both on this machine's two cores) slow each other; the live run measures it.
 */
export interface Contention {
  a: number;
  b: number;
  /**
   * A lane whose calls hold the host's event loop for their whole length
   * (measured here: onnxruntime-node's WebGPU lane runs synchronously on
   * Node's main thread): while it runs nothing else is observed, no arrival is
   * sent and the other lane's finished call is not seen until it returns.
   */
  blocking?: 0 | 1 | null;
  /**
   * How much slower each lane's calls run amid the other lane's traffic, at
   * the rates the policy sends each, though the calls need not overlap (0.15:
   * 15%): cores and caches are shared between calls too (an onnxruntime
   * thread pool spins after its call; SwiftShader's workers evict the cpu
   * lane's weights). Applies to every call of the lane; null: not measured.
   */
  beside?: [number, number] | null;
}

/**
 * What a call costs extra after its lane sat idle for `idleMs`: measured, not
 * assumed. A lane's profile is measured back to back, with its threads spinning
 * and its caches warm; a lone request in an open-loop run finds them asleep
 * (on this machine a cpu call of the digits model takes 0.02 ms back to back
 * and 0.04 ms after 8 ms idle, SwiftShader's 11 ms batch-32 call 16 ms after
 * 30 ms idle). The live run measures these points before it starts.
 */
export interface WakeUpPoint {
  idleMs: number;
  extraMs: number;
}

/** A lane's wake-up cost measured at one batch size: its median call back to back, and the extra after each idle gap. */
export interface WakeUpCurve {
  batch: number;
  backToBackMs: number;
  /** Ascending idleMs. */
  points: WakeUpPoint[];
}

/**
 * Extra service time of a batch of `batch` items after `idleMs` idle: on each
 * measured curve, linear between its points from (0 idle, 0 extra), and past
 * its longest idle that point's extra (the cores are as asleep as they get);
 * between measured batch sizes, linear; outside them, the nearest size's.
 */
export function wakeUpExtraMs(curves: readonly WakeUpCurve[] | null | undefined, batch: number, idleMs: number): number {
  if (!curves || curves.length === 0 || !(idleMs > 0)) return 0;
  const at = (curve: WakeUpCurve) => {
    let lo: WakeUpPoint = { idleMs: 0, extraMs: 0 };
    for (const point of curve.points) {
      if (idleMs <= point.idleMs) return lo.extraMs + ((point.extraMs - lo.extraMs) * (idleMs - lo.idleMs)) / Math.max(1e-9, point.idleMs - lo.idleMs);
      lo = point;
    }
    return lo.extraMs;
  };
  const first = curves[0]!;
  if (batch <= first.batch) return at(first);
  for (let i = 1; i < curves.length; i += 1) {
    const hi = curves[i]!;
    if (batch <= hi.batch) {
      const lo = curves[i - 1]!;
      return at(lo) + ((at(hi) - at(lo)) * (batch - lo.batch)) / (hi.batch - lo.batch);
    }
  }
  return at(curves[curves.length - 1]!);
}

/** How one call's service time varies around its profile's mean. */
export type ServiceVariability = "fixed" | "exponential" | "measured";

export interface HybridSimulation {
  profiles: [LaneProfile, LaneProfile];
  workload: HybridWorkload;
  policy: HybridPolicy;
  /** Null per lane: no dynamic batching, each request runs alone. */
  batching: [LaneBatching | null, LaneBatching | null];
  contention?: Contention;
  /** "measured" (default): lognormal with the profile's mean and p99 where it has a p99, else fixed. */
  variability?: ServiceVariability;
  /** Dollars per hour of each lane, for cost per million items (a lane that served nothing costs nothing). */
  dollarsPerHour?: [number, number];
  /**
   * How late requests reach their lane after their arrival (a live sender on a
   * busy event loop issues them late), as quantiles at LAG_PROBABILITIES: each
   * request draws its lag from this measured distribution. The live run
   * reports its own (`ownSenderLagMs.quantiles`).
   */
  senderLagQuantilesMs?: number[] | null;
  /**
   * How late a batching deadline's timer fires (a live server's setTimeout
   * wakes after its delay, never on it), as quantiles at LAG_PROBABILITIES;
   * measured before the live run. Null: deadlines fire on time.
   */
  timerLateQuantilesMs?: number[] | null;
  /** Per lane, what a call costs extra after the lane sat idle, per measured batch size (ascending); null: no wake-up cost. */
  wakeUp?: [readonly WakeUpCurve[] | null, readonly WakeUpCurve[] | null] | null;
}

/** What a lane did in one run, simulated or live. */
export interface HybridLaneResult {
  lane: string;
  device: string | null;
  software: boolean;
  requests: number;
  items: number;
  batches: number;
  /** Busy time over the run's span. */
  utilisation: number;
  meanBatchItems: number;
}

/** What one policy achieved, simulated or live: the same shape so they can be compared field by field. */
export interface HybridOutcome {
  requests: number;
  items: number;
  /** Requests per second: completed over the span from start to last completion. */
  throughputPerSecond: number;
  itemsPerSecond: number;
  /** From each request's (scheduled) arrival to its completion. */
  latencyMs: { p50: number; p99: number; mean: number };
  /** Mean time from arrival until the request's batch started. */
  meanWaitMs: number;
  spanMs: number;
  lanes: [HybridLaneResult, HybridLaneResult];
  dollarsPerMillion: number | null;
}

/** Probabilities at which a measured lag distribution is kept (its quantiles, linear between them). */
export const LAG_PROBABILITIES = [0, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1] as const;

/** Draws from a distribution given by its quantiles at LAG_PROBABILITIES (inverse CDF, linear between them). */
export function quantileSampler(quantiles: readonly number[], random: () => number): () => number {
  return () => {
    const u = random();
    let k = 1;
    while (k < LAG_PROBABILITIES.length - 1 && u > LAG_PROBABILITIES[k]!) k += 1;
    const p0 = LAG_PROBABILITIES[k - 1]!;
    const p1 = LAG_PROBABILITIES[k]!;
    const q0 = quantiles[k - 1]!;
    const q1 = quantiles[k]!;
    return q0 + ((q1 - q0) * (u - p0)) / (p1 - p0);
  };
}

/** Caps on what one simulation or live run may ask for (the schemas enforce them with a message naming the field). */
export const HYBRID_LIMITS = {
  maxSimulatedRequests: 200_000,
  maxLiveRequests: 20_000,
  maxLiveDurationMs: 60_000,
  maxRate: 100_000,
  maxMixEntries: 8,
  maxItems: 1024,
  maxProfilePoints: 16,
  maxWaitMs: 1000,
} as const;

export const POLICY_TITLES: Record<HybridPolicy["kind"], string> = {
  "all-a": "all on lane A",
  "all-b": "all on lane B",
  threshold: "size threshold",
  "least-completion": "least expected completion time",
};

export function policyLabel(policy: HybridPolicy): string {
  return policy.kind === "threshold" ? `more than ${policy.threshold} items → B` : POLICY_TITLES[policy.kind];
}

/**
 * Mean service time (ms) of one call of `batch` items: linear between measured
 * batch sizes; below the smallest, the smallest's time (a call never gets
 * cheaper than the smallest measured); above the largest, the largest's time
 * per item times the items (no knee beyond what was measured).
 */
export function serviceMs(profile: LaneProfile, batch: number): number {
  return interpolate(profile.points, batch, (p) => p.meanMs);
}

/** p99 of one call at `batch`, interpolated like the mean; null when the profile has no p99. */
export function serviceP99Ms(profile: LaneProfile, batch: number): number | null {
  if (profile.points.some((p) => p.p99Ms === undefined || p.p99Ms === null)) return null;
  return interpolate(profile.points, batch, (p) => p.p99Ms!);
}

function interpolate(points: ProfilePoint[], batch: number, value: (p: ProfilePoint) => number): number {
  const first = points[0]!;
  if (batch <= first.batch) return value(first);
  const last = points[points.length - 1]!;
  if (batch >= last.batch) return (value(last) * batch) / last.batch;
  for (let i = 1; i < points.length; i += 1) {
    const hi = points[i]!;
    if (batch <= hi.batch) {
      const lo = points[i - 1]!;
      return value(lo) + ((value(hi) - value(lo)) * (batch - lo.batch)) / (hi.batch - lo.batch);
    }
  }
  return value(last);
}

/** z of the 99th percentile of a standard normal. */
const Z99 = 2.3263;

/** Standard normal draws (Box–Muller), from a seeded uniform source. */
function normalSource(random: () => number): () => number {
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    const u = 1 - random();
    const v = random();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

/** Lognormal draws with this median and p99 (a fixed value when p99 ≤ median). */
export function lognormalFrom(p50: number, p99: number, random: () => number): () => number {
  const sigma = p99 > p50 && p50 > 0 ? Math.log(p99 / p50) / Z99 : 0;
  const normal = normalSource(random);
  return () => (sigma === 0 ? p50 : p50 * Math.exp(sigma * normal()));
}

/**
 * A draw of one call's service time. "measured": lognormal through the
 * profile's p50 and p99 where it has both (a loaded machine's tail is far
 * heavier than its median suggests, and the mean sits in between); with a mean
 * and p99 only, lognormal with that mean and p99 (σ solves
 * ln(p99/mean) = Z99·σ − σ²/2, the smaller root); else the mean, fixed.
 */
function serviceSampler(profile: LaneProfile, variability: ServiceVariability, random: () => number): (batch: number) => number {
  const mean = serviceTable(profile);
  if (variability === "fixed") return mean;
  if (variability === "exponential") return (batch) => -Math.log(1 - random()) * mean(batch);
  const normal = normalSource(random);
  const hasP50 = profile.points.every((p) => p.p50Ms !== undefined && p.p50Ms !== null && p.p50Ms > 0);
  const shape = new Map<number, { median: number; sigma: number }>();
  const shapeOf = (batch: number) => {
    let found = shape.get(batch);
    if (!found) {
      const m = mean(batch);
      const p99 = serviceP99Ms(profile, batch);
      if (p99 === null || !(m > 0)) found = { median: m, sigma: 0 };
      else if (hasP50) {
        const p50 = interpolate(profile.points, batch, (p) => p.p50Ms!);
        found = { median: p50, sigma: p99 > p50 ? Math.log(p99 / p50) / Z99 : 0 };
      } else {
        const ratio = Math.log(p99 / m);
        const sigma = ratio <= 0 ? 0 : Z99 - Math.sqrt(Math.max(0, Z99 * Z99 - 2 * ratio));
        found = { median: m * Math.exp((-sigma * sigma) / 2), sigma };
      }
      shape.set(batch, found);
    }
    return found;
  };
  const hasMax = profile.points.every((p) => p.maxMs !== undefined && p.maxMs !== null && p.maxMs > 0);
  const ceiling = hasMax ? serviceTable({ ...profile, points: profile.points.map((p) => ({ ...p, meanMs: p.maxMs! })) }) : () => Infinity;
  return (batch) => {
    const { median, sigma } = shapeOf(batch);
    return sigma === 0 ? median : Math.min(ceiling(batch), median * Math.exp(sigma * normal()));
  };
}

/** serviceMs with the answers kept per batch size: routing asks for them on every arrival. */
function serviceTable(profile: LaneProfile): (batch: number) => number {
  const table = new Map<number, number>();
  return (batch) => {
    let ms = table.get(batch);
    if (ms === undefined) {
      ms = serviceMs(profile, batch);
      table.set(batch, ms);
    }
    return ms;
  };
}

/** The drawn workload: when each request arrives (ms from the start) and how many items it carries. */
export interface Schedule {
  arrivalMs: Float64Array;
  items: Int32Array;
}

/**
 * Draws the arrival schedule and each request's size, seeded: the simulation
 * and the live run of the same workload see the same requests at the same times.
 */
export function drawSchedule(workload: HybridWorkload): Schedule {
  const next = poissonArrivals(workload.rate, workload.seed);
  const pick = seededRandom(hashString("mix", workload.seed));
  const n = workload.requests;
  const arrivalMs = new Float64Array(n);
  const items = new Int32Array(n);
  const cumulative: number[] = [];
  let total = 0;
  for (const entry of workload.mix) cumulative.push((total += entry.percent));
  for (let i = 0; i < n; i += 1) {
    arrivalMs[i] = next();
    const u = pick() * total;
    let k = 0;
    while (k < cumulative.length - 1 && u >= cumulative[k]!) k += 1;
    items[i] = workload.mix[k]!.items;
  }
  return { arrivalMs, items };
}

/** A request waiting in a lane's queue. */
export interface QueuedRequest {
  index: number;
  items: number;
  arrivalMs: number;
}

/**
 * One lane's queue and the rule that forms its batches: FIFO; without
 * batching each request runs alone; with batching the head gathers the
 * requests behind it up to maxBatch items and goes when full or when it has
 * waited maxWaitMs (Triton's rule, as lib/inference/batcher.server.ts does it).
 * It also answers what least-expected-completion routing asks: when would a
 * new request of k items be done here, from the profile alone.
 */
export class LaneQueue {
  private readonly waiting: QueuedRequest[] = [];
  private head = 0;
  private waitingItems = 0;
  /** Sum of profile service times of the waiting requests, each alone (no batching). */
  private waitingServiceMs = 0;
  busy = false;
  private runningStartedMs = 0;
  private runningExpectedMs = 0;
  private readonly service: (batch: number) => number;

  constructor(
    readonly profile: LaneProfile,
    readonly batching: LaneBatching | null,
  ) {
    this.service = serviceTable(profile);
  }

  get queued(): number {
    return this.waiting.length - this.head;
  }

  enqueue(request: QueuedRequest): void {
    this.waiting.push(request);
    this.waitingItems += request.items;
    if (!this.batching) this.waitingServiceMs += this.service(request.items);
  }

  /**
   * The batch to start now, or the time to look again (the head's wait runs
   * out), or null (busy, or nothing waiting).
   */
  take(nowMs: number): { batch: QueuedRequest[]; items: number } | { wakeAtMs: number } | null {
    if (this.busy || this.queued === 0) return null;
    const first = this.waiting[this.head]!;
    if (!this.batching) return this.pop(1, first.items);
    const { maxBatch, maxWaitMs } = this.batching;
    let items = 0;
    let count = 0;
    let full = false;
    for (let i = this.head; i < this.waiting.length; i += 1) {
      const next = this.waiting[i]!.items;
      if (items + next > maxBatch) {
        full = true;
        break;
      }
      items += next;
      count += 1;
      if (items === maxBatch) {
        full = true;
        break;
      }
    }
    if (!full && nowMs < first.arrivalMs + maxWaitMs) return { wakeAtMs: first.arrivalMs + maxWaitMs };
    return this.pop(count, items);
  }

  private pop(count: number, items: number): { batch: QueuedRequest[]; items: number } {
    const batch = this.waiting.slice(this.head, this.head + count);
    this.head += count;
    this.waitingItems -= items;
    if (!this.batching) for (const r of batch) this.waitingServiceMs -= this.service(r.items);
    // Compact now and then so a long run does not keep every request it ever queued.
    if (this.head > 4096 && this.head * 2 > this.waiting.length) {
      this.waiting.splice(0, this.head);
      this.head = 0;
    }
    return { batch, items };
  }

  /** The lane starts a batch of `items` at `nowMs`. */
  start(nowMs: number, items: number): void {
    this.busy = true;
    this.runningStartedMs = nowMs;
    this.runningExpectedMs = this.service(items);
  }

  finish(): void {
    this.busy = false;
  }

  /** When, from the profile, a new request of `items` would be done here if routed now (contention not counted). */
  expectedDoneMs(nowMs: number, items: number): number {
    const running = this.busy ? Math.max(0, this.runningStartedMs + this.runningExpectedMs - nowMs) : 0;
    if (!this.batching) return nowMs + running + Math.max(0, this.waitingServiceMs) + this.service(items);
    const total = this.waitingItems + items;
    const { maxBatch } = this.batching;
    const fullBatches = Math.floor(total / maxBatch);
    const rest = total - fullBatches * maxBatch;
    return nowMs + running + fullBatches * this.service(maxBatch) + (rest > 0 ? this.service(rest) : 0);
  }
}

/** Which lane (0 = A, 1 = B) the policy sends a request of `items` to. */
export function routeRequest(policy: HybridPolicy, items: number, lanes: readonly [LaneQueue, LaneQueue], nowMs: number): 0 | 1 {
  switch (policy.kind) {
    case "all-a":
      return 0;
    case "all-b":
      return 1;
    case "threshold":
      return items > policy.threshold ? 1 : 0;
    case "least-completion":
      // A tie goes to A: with equal estimates there is no reason to move.
      return lanes[1].expectedDoneMs(nowMs, items) < lanes[0].expectedDoneMs(nowMs, items) ? 1 : 0;
  }
}

/** Per-request and per-lane records of a run, simulated or live, turned into the one outcome shape. */
export interface RunRecords {
  arrivalMs: ArrayLike<number>;
  startMs: ArrayLike<number>;
  doneMs: ArrayLike<number>;
  items: ArrayLike<number>;
  lane: ArrayLike<number>;
  /** Per lane: batches run and time busy. */
  batches: [number, number];
  busyMs: [number, number];
  /** Span the throughput is over: from the run's start (0) to the last completion. */
  spanMs: number;
}

export function outcomeOf(records: RunRecords, profiles: readonly [LaneProfile, LaneProfile], dollarsPerHour?: readonly [number, number]): HybridOutcome {
  const n = records.arrivalMs.length;
  const latency = new Float64Array(n);
  let waitSum = 0;
  let items = 0;
  const laneRequests = [0, 0];
  const laneItems = [0, 0];
  for (let i = 0; i < n; i += 1) {
    latency[i] = records.doneMs[i]! - records.arrivalMs[i]!;
    waitSum += records.startMs[i]! - records.arrivalMs[i]!;
    items += records.items[i]!;
    laneRequests[records.lane[i]!]! += 1;
    laneItems[records.lane[i]!]! += records.items[i]!;
  }
  const summary = summarize(latency);
  const span = records.spanMs;
  const perSecond = (count: number) => (span > 0 ? (count * 1000) / span : 0);
  const lanes = [0, 1].map((l) => ({
    lane: profiles[l]!.lane,
    device: profiles[l]!.device,
    software: profiles[l]!.software,
    requests: laneRequests[l]!,
    items: laneItems[l]!,
    batches: records.batches[l]!,
    utilisation: span > 0 ? Math.min(1, records.busyMs[l]! / span) : 0,
    meanBatchItems: records.batches[l]! > 0 ? laneItems[l]! / records.batches[l]! : 0,
  })) as [HybridLaneResult, HybridLaneResult];
  const itemsPerSecond = perSecond(items);
  let dollarsPerMillion: number | null = null;
  if (dollarsPerHour && itemsPerSecond > 0) {
    // Only lanes that served anything are paid for: an idle second machine would not be rented.
    const hourly = lanes.reduce((sum, lane, l) => sum + (lane.requests > 0 ? dollarsPerHour[l]! : 0), 0);
    dollarsPerMillion = (hourly / (itemsPerSecond * 3600)) * 1e6;
  }
  return {
    requests: n,
    items,
    throughputPerSecond: perSecond(n),
    itemsPerSecond,
    latencyMs: { p50: summary.p50, p99: summary.p99, mean: summary.mean },
    meanWaitMs: n > 0 ? waitSum / n : Number.NaN,
    spanMs: span,
    lanes,
    dollarsPerMillion,
  };
}

/**
 * Runs the simulation. Events are arrivals, batch completions and batching
 * deadlines; between events each busy lane works off its batch's remaining
 * service time at full speed, or 1 / (1 + contention) of it while the other
 * lane is busy too.
 */
export function simulateHybrid(sim: HybridSimulation): HybridOutcome {
  const schedule = drawSchedule(sim.workload);
  const n = schedule.arrivalMs.length;
  const lanes = [new LaneQueue(sim.profiles[0], sim.batching[0]), new LaneQueue(sim.profiles[1], sim.batching[1])] as const;
  const variability = sim.variability ?? "measured";
  const draw = [0, 1].map((l) => serviceSampler(sim.profiles[l]!, variability, seededRandom(hashString(`service-${l}`, sim.workload.seed)))) as [(b: number) => number, (b: number) => number];
  const slowdown = [1 + (sim.contention?.a ?? 0), 1 + (sim.contention?.b ?? 0)];
  const beside = [1 + (sim.contention?.beside?.[0] ?? 0), 1 + (sim.contention?.beside?.[1] ?? 0)];
  // When each request reaches its lane: at its arrival, or late by a lag drawn from the live sender's own.
  // Measured lags already include falling behind, so they are drawn independently and the order is by reach.
  let reachMs: Float64Array = schedule.arrivalMs;
  let order: Uint32Array | null = null;
  const lags = sim.senderLagQuantilesMs;
  if (lags && lags.length === LAG_PROBABILITIES.length && lags[lags.length - 1]! > 0) {
    const lag = quantileSampler(lags, seededRandom(hashString("sender-lag", sim.workload.seed)));
    reachMs = new Float64Array(n);
    for (let i = 0; i < n; i += 1) reachMs[i] = schedule.arrivalMs[i]! + Math.max(0, lag());
    const reach = reachMs;
    order = Uint32Array.from({ length: n }, (_, i) => i).sort((x, y) => reach[x]! - reach[y]!);
  }
  const startMs = new Float64Array(n);
  const doneMs = new Float64Array(n);
  const laneOf = new Uint8Array(n);
  const batches: [number, number] = [0, 0];
  const busyMs: [number, number] = [0, 0];
  // Per lane: the running batch, the solo service time it has left, and a batching deadline.
  const running: Array<QueuedRequest[] | null> = [null, null];
  const remaining = [0, 0];
  const wakeAt = [Infinity, Infinity];
  // When each lane last finished a call: a batch that starts after a gap pays its wake-up cost. Before the first call it has been idle for ever.
  const lastFinishMs = [-Infinity, -Infinity];
  const wakeUp = sim.wakeUp ?? [null, null];
  const timerLate = sim.timerLateQuantilesMs && sim.timerLateQuantilesMs.length === LAG_PROBABILITIES.length ? quantileSampler(sim.timerLateQuantilesMs, seededRandom(hashString("timer-late", sim.workload.seed))) : () => 0;
  let now = 0;
  let nextArrival = 0;
  let lastDone = 0;

  const tryStart = (l: 0 | 1) => {
    const lane = lanes[l];
    const taken = lane.take(now);
    wakeAt[l] = Infinity;
    if (taken === null) return;
    if ("wakeAtMs" in taken) {
      // Each time the live lane re-arms its timer, the timer is late by its own draw.
      wakeAt[l] = taken.wakeAtMs + Math.max(0, timerLate());
      return;
    }
    lane.start(now, taken.items);
    running[l] = taken.batch;
    remaining[l] = draw[l](taken.items) * beside[l]! + wakeUpExtraMs(wakeUp[l], taken.items, now - lastFinishMs[l]!);
    batches[l] += 1;
    for (const r of taken.batch) startMs[r.index] = now;
  };

  const blocking = sim.contention?.blocking ?? null;
  for (;;) {
    // When each busy lane would finish at its current speed (a call that finished while the host was held is seen now).
    // Cores are shared only while both lanes still have work: a call whose work is done but whose return
    // waits for the host (held by the other lane) no longer slows anyone.
    const bothBusy = running[0] !== null && running[1] !== null && remaining[0]! > 0 && remaining[1]! > 0;
    const rate0 = bothBusy ? 1 / slowdown[0]! : 1;
    const rate1 = bothBusy ? 1 / slowdown[1]! : 1;
    const done0 = running[0] ? now + Math.max(0, remaining[0]!) / rate0 : Infinity;
    const done1 = running[1] ? now + Math.max(0, remaining[1]!) / rate1 : Infinity;
    const arrival = nextArrival < n ? Math.max(now, reachMs[order ? order[nextArrival]! : nextArrival]!) : Infinity;
    // While a blocking lane's call runs, its return is the only thing that can happen.
    const held = blocking !== null && running[blocking] !== null;
    // Which event comes first: 0/1 a lane's call returns, 2 an arrival, 3/4 a lane's batching deadline, 5 (below).
    let which = 0;
    let t = done0;
    if (held) {
      which = blocking;
      t = blocking === 0 ? done0 : done1;
      // The other lane's work may end first, unseen: an internal event (5) that only changes the blocking lane's speed.
      const other = blocking === 0 ? 1 : 0;
      const otherWorkDone = bothBusy ? (other === 0 ? done0 : done1) : Infinity;
      if (otherWorkDone < t) {
        which = 5;
        t = otherWorkDone;
      }
    } else {
      if (done1 < t) {
        which = 1;
        t = done1;
      }
      if (arrival < t) {
        which = 2;
        t = arrival;
      }
      const wake0 = Math.max(now, wakeAt[0]!);
      const wake1 = Math.max(now, wakeAt[1]!);
      if (wake0 < t) {
        which = 3;
        t = wake0;
      }
      if (wake1 < t) {
        which = 4;
        t = wake1;
      }
    }
    if (t === Infinity) break;
    const dt = t - now;
    if (running[0]) {
      remaining[0] = remaining[0]! - dt * rate0;
      busyMs[0] += dt;
    }
    if (running[1]) {
      remaining[1] = remaining[1]! - dt * rate1;
      busyMs[1] += dt;
    }
    now = t;
    if (which === 5) {
      remaining[blocking === 0 ? 1 : 0] = 0;
      continue;
    }
    if (which === 0 || which === 1) {
      const l = which as 0 | 1;
      for (const r of running[l]!) doneMs[r.index] = now;
      running[l] = null;
      remaining[l] = 0;
      lastFinishMs[l] = now;
      lanes[l].finish();
      lastDone = now;
      tryStart(l);
      continue;
    }
    if (which === 2) {
      const index = order ? order[nextArrival]! : nextArrival;
      const items = schedule.items[index]!;
      const l = routeRequest(sim.policy, items, lanes, now);
      laneOf[index] = l;
      // Queued as of its scheduled arrival, as the live run queues it: a batch's wait counts from then.
      lanes[l].enqueue({ index, items, arrivalMs: schedule.arrivalMs[index]! });
      nextArrival += 1;
      tryStart(l);
      continue;
    }
    tryStart(which === 3 ? 0 : 1);
  }
  return outcomeOf({ arrivalMs: schedule.arrivalMs, startMs, doneMs, items: schedule.items, lane: laneOf, batches, busyMs, spanMs: lastDone }, sim.profiles, sim.dollarsPerHour);
}

/** Relative difference of a simulated figure from the measured one, in percent (positive: the simulation says more). */
export function differencePercent(simulated: number, measured: number): number | null {
  if (!(measured > 0) || !Number.isFinite(simulated)) return null;
  return ((simulated - measured) / measured) * 100;
}

/**
 * A lane's profile from a batch sweep (the offline scenario, or a stored run of
 * it): each batch's mean call time, which sets how busy the lane is, and its
 * p99, which sets how far a call's time strays.
 */
export function profileFromSweep(points: ReadonlyArray<{ batch: number; latencyMs: { mean: number; p50: number; p99: number; max?: number } }>, meta: Omit<LaneProfile, "points">): LaneProfile {
  const usable = points.filter((p) => p.latencyMs.mean > 0 && Number.isFinite(p.latencyMs.mean)).sort((a, b) => a.batch - b.batch);
  return { ...meta, points: usable.map((p) => ({ batch: p.batch, meanMs: p.latencyMs.mean, p50Ms: Number.isFinite(p.latencyMs.p50) && p.latencyMs.p50 > 0 ? p.latencyMs.p50 : null, p99Ms: Number.isFinite(p.latencyMs.p99) && p.latencyMs.p99 > 0 ? p.latencyMs.p99 : null, maxMs: p.latencyMs.max !== undefined && Number.isFinite(p.latencyMs.max) && p.latencyMs.max > 0 ? p.latencyMs.max : null })) };
}
