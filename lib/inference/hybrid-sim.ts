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

/** One measured point of a lane's profile: a call of `batch` items took `meanMs` on average (p99 when known). */
export interface ProfilePoint {
  batch: number;
  meanMs: number;
  p99Ms?: number | null;
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

/**
 * A draw of one call's service time. "measured": a lognormal whose mean is the
 * profile's mean (so utilisation and throughput follow the profile) and whose
 * p99 is the profile's p99 (so the tail does too); σ solves
 * ln(p99/mean) = Z99·σ − σ²/2, the smaller root.
 */
function serviceSampler(profile: LaneProfile, variability: ServiceVariability, random: () => number): (batch: number) => number {
  if (variability === "fixed") return (batch) => serviceMs(profile, batch);
  if (variability === "exponential") return (batch) => -Math.log(1 - random()) * serviceMs(profile, batch);
  const sigmaCache = new Map<number, number>();
  const sigmaOf = (batch: number) => {
    let sigma = sigmaCache.get(batch);
    if (sigma === undefined) {
      const mean = serviceMs(profile, batch);
      const p99 = serviceP99Ms(profile, batch);
      const ratio = p99 === null || !(mean > 0) ? 1 : Math.log(p99 / mean);
      sigma = ratio <= 0 ? 0 : Z99 - Math.sqrt(Math.max(0, Z99 * Z99 - 2 * ratio));
      sigmaCache.set(batch, sigma);
    }
    return sigma;
  };
  let spare: number | null = null;
  const normal = () => {
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
  return (batch) => {
    const mean = serviceMs(profile, batch);
    const sigma = sigmaOf(batch);
    return sigma === 0 ? mean : mean * Math.exp(sigma * normal() - (sigma * sigma) / 2);
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

  constructor(
    readonly profile: LaneProfile,
    readonly batching: LaneBatching | null,
  ) {}

  get queued(): number {
    return this.waiting.length - this.head;
  }

  enqueue(request: QueuedRequest): void {
    this.waiting.push(request);
    this.waitingItems += request.items;
    if (!this.batching) this.waitingServiceMs += serviceMs(this.profile, request.items);
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
    if (!this.batching) for (const r of batch) this.waitingServiceMs -= serviceMs(this.profile, r.items);
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
    this.runningExpectedMs = serviceMs(this.profile, items);
  }

  finish(): void {
    this.busy = false;
  }

  /** When, from the profile, a new request of `items` would be done here if routed now (contention not counted). */
  expectedDoneMs(nowMs: number, items: number): number {
    const running = this.busy ? Math.max(0, this.runningStartedMs + this.runningExpectedMs - nowMs) : 0;
    if (!this.batching) return nowMs + running + Math.max(0, this.waitingServiceMs) + serviceMs(this.profile, items);
    const total = this.waitingItems + items;
    const { maxBatch } = this.batching;
    const fullBatches = Math.floor(total / maxBatch);
    const rest = total - fullBatches * maxBatch;
    return nowMs + running + fullBatches * serviceMs(this.profile, maxBatch) + (rest > 0 ? serviceMs(this.profile, rest) : 0);
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

  const startMs = new Float64Array(n);
  const doneMs = new Float64Array(n);
  const laneOf = new Uint8Array(n);
  const batches: [number, number] = [0, 0];
  const busyMs: [number, number] = [0, 0];
  // Per lane: the running batch, the solo service time it has left, and a batching deadline.
  const running: Array<QueuedRequest[] | null> = [null, null];
  const remaining = [0, 0];
  const wakeAt = [Infinity, Infinity];
  let now = 0;
  let nextArrival = 0;
  let lastDone = 0;

  const tryStart = (l: 0 | 1) => {
    const lane = lanes[l];
    const taken = lane.take(now);
    wakeAt[l] = Infinity;
    if (taken === null) return;
    if ("wakeAtMs" in taken) {
      wakeAt[l] = taken.wakeAtMs;
      return;
    }
    lane.start(now, taken.items);
    running[l] = taken.batch;
    remaining[l] = draw[l](taken.items);
    batches[l] += 1;
    for (const r of taken.batch) startMs[r.index] = now;
  };

  for (;;) {
    // When each busy lane would finish at its current speed.
    const bothBusy = running[0] !== null && running[1] !== null;
    const rate0 = bothBusy ? 1 / slowdown[0]! : 1;
    const rate1 = bothBusy ? 1 / slowdown[1]! : 1;
    const done0 = running[0] ? now + remaining[0]! / rate0 : Infinity;
    const done1 = running[1] ? now + remaining[1]! / rate1 : Infinity;
    const arrival = nextArrival < n ? schedule.arrivalMs[nextArrival]! : Infinity;
    const t = Math.min(arrival, done0, done1, wakeAt[0]!, wakeAt[1]!);
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
    if (t === done0 || t === done1) {
      const l: 0 | 1 = t === done0 ? 0 : 1;
      for (const r of running[l]!) doneMs[r.index] = now;
      running[l] = null;
      remaining[l] = 0;
      lanes[l].finish();
      lastDone = now;
      tryStart(l);
      continue;
    }
    if (t === arrival) {
      const items = schedule.items[nextArrival]!;
      const l = routeRequest(sim.policy, items, lanes, now);
      laneOf[nextArrival] = l;
      lanes[l].enqueue({ index: nextArrival, items, arrivalMs: now });
      nextArrival += 1;
      tryStart(l);
      continue;
    }
    tryStart(t === wakeAt[0] ? 0 : 1);
  }
  return outcomeOf({ arrivalMs: schedule.arrivalMs, startMs, doneMs, items: schedule.items, lane: laneOf, batches, busyMs, spanMs: lastDone }, sim.profiles, sim.dollarsPerHour);
}

/** Relative difference of a simulated figure from the measured one, in percent (positive: the simulation says more). */
export function differencePercent(simulated: number, measured: number): number | null {
  if (!(measured > 0) || !Number.isFinite(simulated)) return null;
  return ((simulated - measured) / measured) * 100;
}
