import "server-only";
import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import { serverEnv } from "@/lib/env.server";
import { HttpError } from "@/lib/http/errors";
import { requireModel } from "./catalog.server";
import { generateFeeds } from "./inputs.server";
import { requireLane, type LaneInfo } from "./lanes.server";
import type { InferenceModel } from "./model";
import { ColdStartLimiter } from "./cold-start-limits.server";
import { measureColdStart, releaseColdRunner } from "./cold-start.server";
import { type HybridScenario, runHybrid } from "./hybrid.server";
import { runScenario, type Scenario } from "./scenarios.server";
import type { BenchmarkRequest } from "./schemas";
import { getRunner, type Runner } from "./sessions.server";
import { AbortedError, round } from "./stats";
import type { JobState, WireColdStart, WireJobSnapshot, WireModelDetails } from "./wire";

export type { JobState } from "./wire";

/** What GET /api/benchmarks/{id} and its event stream send: declared browser-safe in ./wire. */
export type JobSnapshot = WireJobSnapshot;

export function modelDetails(model: InferenceModel): WireModelDetails {
  return {
    id: model.id,
    title: model.title,
    inputs: model.inputs,
    outputs: model.outputs,
    maxBatch: model.maxBatch,
    flopsPerItem: model.flopsPerItem ?? null,
    weightBytes: model.weightBytes ?? null,
    parameters: model.parameters ?? null,
  };
}

interface Job {
  snapshot: JobSnapshot;
  model: InferenceModel;
  lane: LaneInfo;
  /** A hybrid job's second lane. */
  laneB: LaneInfo | null;
  scenario: Scenario | HybridScenario;
  resource: string;
  controller: AbortController;
  events: EventEmitter;
  expectedMs: number;
  /** Frees the lane's cold-start slot; set for cold-start jobs only. */
  releaseColdSlot?: () => void;
}

/** Jobs waiting per hardware resource beyond the one running; more → 429. */
export function maxQueued(): number {
  return serverEnv().BENCHMARK_QUEUE_SIZE;
}

/** No job runs longer than this, whatever it asked for. */
export function timeCapMs(): number {
  return serverEnv().BENCHMARK_TIME_CAP_MS;
}

/**
 * Lanes that share silicon share a queue: a software WebGPU adapter runs on
 * the same CPU cores as the cpu lane, so benchmarking both at once would
 * corrupt both results.
 */
export function resourceOf(lane: LaneInfo): string {
  if (lane.id === "cpu" || (lane.id === "webgpu" && lane.software !== false)) return "host-cpu";
  if (lane.id === "remote") return "remote";
  return "gpu";
}

/**
 * A hybrid job's two resources, in one fixed order: it queues on the first and,
 * while it runs, holds the second to itself (runExclusive), so nothing else
 * benchmarks lane B's hardware under it. The order is what keeps two hybrid
 * jobs on swapped lanes from each holding one and waiting for the other.
 */
export function hybridResources(a: LaneInfo, b: LaneInfo): { queue: string; alsoHolds: string | null } {
  const [first, second] = [resourceOf(a), resourceOf(b)].sort();
  return { queue: first!, alsoHolds: second === first ? null : second! };
}

function toScenario(request: BenchmarkRequest): Scenario | HybridScenario {
  const s = request.scenario;
  switch (s.kind) {
    case "hybrid":
      return {
        kind: "hybrid",
        workload: s.workload,
        policy: s.policy,
        batching: [s.batching.a, s.batching.b],
        profiles: s.profiles ?? null,
        warmupRequests: s.warmupRequests,
        measureContention: s.measureContention,
      };
    case "single-stream": {
      const { kind, batch, ...measure } = s;
      return { kind, batch, measure };
    }
    case "offline": {
      const { kind, maxBatch, ...measure } = s;
      return { kind, maxBatch, measure };
    }
    case "server":
      return {
        kind: "server",
        load: s.load.mode === "poisson" ? s.load : { mode: "concurrency", concurrency: Array.isArray(s.load.concurrency) ? s.load.concurrency : [s.load.concurrency] },
        batching: s.batching,
        warmupRequests: s.warmupRequests,
        minRequests: s.minRequests,
        minDurationMs: s.minDurationMs,
        maxRequests: s.maxRequests,
        maxDurationMs: s.maxDurationMs,
      };
  }
}

/** Rough duration a job asks for: what Retry-After is estimated from. */
function expectedDurationMs(scenario: Scenario | HybridScenario, coldStart: boolean): number {
  return (coldStart ? 3000 : 0) + scenarioDurationMs(scenario);
}

function scenarioDurationMs(scenario: Scenario | HybridScenario): number {
  switch (scenario.kind) {
    case "hybrid":
      // Measuring before the run: contention ~2 s, wake-up ~2.5 s per lane and size, amid-traffic 4 s per lane.
      return (scenario.workload.requests / scenario.workload.rate) * 1000 + (scenario.measureContention ? 2000 + 4 * 2500 + 2 * 4000 : 0) + 1000;
    case "single-stream":
      return scenario.measure.minDurationMs + 500;
    case "offline":
      return 8 * (scenario.measure.minDurationMs + 200);
    case "server":
      return (scenario.load.mode === "poisson" ? [scenario.load.rate].flat().length : scenario.load.concurrency.length) * (scenario.minDurationMs + 500);
  }
}

/** Who asked for a job: whose experiment results may later cite it as their source. */
export interface JobOwner {
  userId?: string | null;
  visitorId?: string | null;
}

type Persist = {
  create(snapshot: JobSnapshot, owner: JobOwner): Promise<void>;
  update(snapshot: JobSnapshot): Promise<void>;
  load(id: string): Promise<JobSnapshot | null>;
  /** Live progress of a running job, for other instances; never on the measurement's critical path. */
  progress?(snapshot: JobSnapshot): Promise<void>;
  /** Marks this instance's live jobs alive and returns those another instance asked to cancel. */
  heartbeat?(ids: string[]): Promise<string[]>;
  /** Asks whichever instance runs the job to cancel it; false when it is not live anywhere. */
  requestCancel?(id: string): Promise<boolean>;
};

const HEARTBEAT_MS = 1000;
const PROGRESS_WRITE_MS = 500;
/** How long DELETE on another instance waits for the owner to stop the job. */
const REMOTE_CANCEL_WAIT_MS = 15_000;
/** How often an instance following another's job reads its progress. */
const REMOTE_POLL_MS = 300;

const isLive = (state: JobState) => state === "queued" || state === "running";

export class JobManager {
  private readonly jobs = new Map<string, Job>();
  private readonly running = new Map<string, Job>();
  private readonly queues = new Map<string, Job[]>();

  /** Exclusive measurements holding or waiting for each resource (runExclusive). */
  private readonly exclusive = new Map<string, number>();
  private readonly exclusiveTurns = new Map<string, Promise<void>>();

  private heartbeatTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly persist: Persist,
    private readonly coldStarts = new ColdStartLimiter(),
  ) {}

  /**
   * While this instance has live jobs it says so in the database every second,
   * and picks up cancels that a request on another instance recorded there.
   */
  private startHeartbeat(): void {
    if (this.heartbeatTimer || !this.persist.heartbeat) return;
    this.heartbeatTimer = setInterval(() => void this.beat(), HEARTBEAT_MS);
    this.heartbeatTimer.unref();
  }

  private async beat(): Promise<void> {
    const live = [...this.jobs.values()].filter((job) => isLive(job.snapshot.state) && job.snapshot.persisted);
    if (live.length === 0) {
      if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
      this.heartbeatTimer = null;
      return;
    }
    try {
      const cancelled = await this.persist.heartbeat!(live.map((job) => job.snapshot.id));
      for (const id of cancelled) void this.cancel(id);
    } catch (error) {
      console.error("[inference] benchmark heartbeat failed", error);
    }
  }

  private writeProgress(job: Job): void {
    if (!this.persist.progress || !job.snapshot.persisted) return;
    this.persist.progress(this.snapshotOf(job)).catch((error: unknown) => console.error("[inference] could not store benchmark progress", job.snapshot.id, error));
  }

  async submit(request: BenchmarkRequest, owner: JobOwner = {}): Promise<JobSnapshot> {
    const model = requireModel(request.model);
    const lane = await requireLane(request.lane);
    if (request.threads !== undefined && lane.id !== "cpu") throw new HttpError(400, `threads applies to the cpu lane only, not ${lane.id}`);
    if (request.threads !== undefined && lane.threads && request.threads > lane.threads.max) {
      throw new HttpError(400, `threads must be from 1 to ${lane.threads.max} on this server, got ${request.threads}`);
    }
    const scenario = toScenario(request);
    const laneB = scenario.kind === "hybrid" ? await this.checkHybrid(request, scenario, model, lane) : null;
    if (scenario.kind === "single-stream" && scenario.batch > model.maxBatch) {
      throw new HttpError(413, `batch of ${scenario.batch} is over this model's cap of ${model.maxBatch}`);
    }
    if (scenario.kind === "offline" && scenario.maxBatch > model.maxBatch) {
      throw new HttpError(413, `scenario.maxBatch of ${scenario.maxBatch} is over model ${model.id}'s cap of ${model.maxBatch}`);
    }
    if (scenario.kind === "server" && scenario.batching && scenario.batching.maxBatchSize > model.maxBatch) {
      throw new HttpError(413, `maxBatchSize ${scenario.batching.maxBatchSize} is over this model's cap of ${model.maxBatch}`);
    }
    if (scenario.kind === "server" && scenario.batching && model.batchAxis !== 0) {
      throw new HttpError(400, `model ${model.id} has no leading batch axis, so it cannot be dynamically batched`);
    }
    const resource = laneB ? hybridResources(lane, laneB).queue : resourceOf(lane);
    const queue = this.queues.get(resource) ?? [];
    this.queues.set(resource, queue);
    if (queue.length >= maxQueued()) {
      const retryAfter = Math.max(1, Math.ceil(this.waitEstimateMs(resource) / 1000));
      throw new HttpError(429, `the ${resource} benchmark queue is full (${queue.length} waiting, one running); retry in about ${retryAfter} s`, {
        "retry-after": String(retryAfter),
      });
    }
    const now = new Date().toISOString();
    const job: Job = {
      snapshot: {
        id: randomUUID(),
        state: "queued",
        progress: 0,
        message: "queued",
        createdAt: now,
        startedAt: null,
        finishedAt: null,
        request,
        lane: { id: lane.id, device: lane.device, software: lane.software },
        ...(laneB ? { laneB: { id: laneB.id, device: laneB.device, software: laneB.software } } : {}),
        model: modelDetails(model),
        queuePosition: null,
        results: null,
        error: null,
        persisted: false,
      },
      model,
      lane,
      laneB,
      scenario,
      resource,
      controller: new AbortController(),
      events: new EventEmitter(),
      expectedMs: Math.min(expectedDurationMs(scenario, request.coldStart !== undefined), timeCapMs()),
    };
    job.events.setMaxListeners(100);
    if (request.coldStart) {
      const client = owner.userId ? `user:${owner.userId}` : owner.visitorId ? `visitor:${owner.visitorId}` : "anonymous";
      job.releaseColdSlot = this.coldStarts.acquire(lane.id, client, () => this.waitEstimateMs(resource) / 1000);
    }
    this.jobs.set(job.snapshot.id, job);
    queue.push(job);
    try {
      await this.persist.create(job.snapshot, owner);
      job.snapshot.persisted = true;
    } catch (error) {
      console.error("[inference] could not store benchmark", job.snapshot.id, error);
    }
    this.updatePositions(resource);
    this.pump(resource);
    this.startHeartbeat();
    return this.snapshot(job.snapshot.id)!;
  }

  /**
   * A hybrid job's own checks, each naming its field: a second lane that is
   * real, available and not the first; request sizes the model takes; profiles
   * of this model. Returns lane B.
   */
  private async checkHybrid(request: BenchmarkRequest, scenario: HybridScenario, model: InferenceModel, lane: LaneInfo): Promise<LaneInfo> {
    if (request.scenario.kind !== "hybrid") throw new Error("not a hybrid request");
    if (request.scenario.laneB === lane.id) throw new HttpError(400, `scenario.laneB: must differ from lane (both are ${lane.id}); a hybrid run needs two lanes`);
    if (request.threads !== undefined) throw new HttpError(400, "threads: a hybrid run uses each lane's default threads");
    if (request.coldStart) throw new HttpError(400, "coldStart: a hybrid run measures steady state only");
    const laneB = await requireLane(request.scenario.laneB);
    const largest = Math.max(...scenario.workload.mix.map((m) => m.items), ...scenario.batching.map((b) => b?.maxBatch ?? 1));
    if (largest > 1 && model.batchAxis !== 0) throw new HttpError(400, `scenario.workload.mix: model ${model.id} takes one item per call (no leading batch axis), so requests or batches of ${largest} items cannot run`);
    if (largest > model.maxBatch) throw new HttpError(413, `scenario.workload.mix: ${largest} items in one call is over model ${model.id}'s cap of ${model.maxBatch}`);
    scenario.profiles?.forEach((profile, i) => {
      if (profile.modelId !== model.id) throw new HttpError(400, `scenario.profiles.${i}.modelId: this profile was measured on model ${profile.modelId}, not ${model.id}`);
    });
    return laneB;
  }

  private waitEstimateMs(resource: string): number {
    const running = this.running.get(resource);
    const runningLeft = running?.snapshot.startedAt ? Math.max(0, running.expectedMs - (Date.now() - Date.parse(running.snapshot.startedAt))) : 0;
    return runningLeft + (this.queues.get(resource) ?? []).reduce((sum, job) => sum + job.expectedMs, 0);
  }

  private updatePositions(resource: string): void {
    (this.queues.get(resource) ?? []).forEach((job, index) => {
      const position = index + (this.running.has(resource) ? 1 : 0);
      const moved = position !== job.snapshot.queuePosition;
      job.snapshot.queuePosition = position;
      this.emit(job);
      if (moved) this.writeProgress(job);
    });
  }

  /**
   * Runs `work` with the resource to itself, between jobs: no benchmark job
   * starts on it from the moment this is asked until it returns (measurements
   * that are not jobs, such as the roofline ceilings, would corrupt and be
   * corrupted by one). Callers take turns in order.
   */
  async runExclusive<T>(resource: string, work: () => Promise<T>): Promise<T> {
    this.exclusive.set(resource, (this.exclusive.get(resource) ?? 0) + 1);
    const previous = this.exclusiveTurns.get(resource) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    this.exclusiveTurns.set(resource, previous.then(() => mine));
    await previous;
    try {
      while (this.running.has(resource)) await new Promise((resolve) => setTimeout(resolve, 50));
      return await work();
    } finally {
      const left = this.exclusive.get(resource)! - 1;
      if (left === 0) {
        this.exclusive.delete(resource);
        this.exclusiveTurns.delete(resource);
      } else this.exclusive.set(resource, left);
      release();
      this.pump(resource);
    }
  }

  private pump(resource: string): void {
    if (this.running.has(resource) || this.exclusive.has(resource)) return;
    const next = this.queues.get(resource)?.shift();
    if (!next) return;
    this.running.set(resource, next);
    this.updatePositions(resource);
    void this.execute(next).finally(() => {
      this.running.delete(resource);
      this.updatePositions(resource);
      this.pump(resource);
    });
  }

  private async execute(job: Job): Promise<void> {
    const s = job.snapshot;
    s.state = "running";
    s.startedAt = new Date().toISOString();
    s.queuePosition = 0;
    s.message = "creating session";
    this.emit(job);
    this.writeProgress(job);
    const cap = timeCapMs();
    const timer = setTimeout(() => job.controller.abort(new Error(`time cap of ${cap / 1000} s exceeded`)), cap);
    let fresh: Runner | null = null;
    let lastEmit = 0;
    let lastWrite = 0;
    const onProgress = (fraction: number, message: string) => {
      s.progress = Math.round(fraction * 1000) / 1000;
      s.message = message;
      const now = performance.now();
      if (now - lastEmit > 100) {
        lastEmit = now;
        this.emit(job);
      }
      if (now - lastWrite > PROGRESS_WRITE_MS) {
        lastWrite = now;
        this.writeProgress(job);
      }
    };
    try {
      let runner: Runner;
      let created: boolean;
      let coldStart: WireColdStart | undefined;
      if (s.request.coldStart) {
        s.message = "cold start: a new session";
        this.emit(job);
        const batch = job.scenario.kind === "single-stream" ? job.scenario.batch : 1;
        ({ runner, coldStart } = await measureColdStart(job.model, job.lane, { threads: s.request.threads, batch, runs: s.request.coldStart.runs, signal: job.controller.signal }));
        fresh = runner;
        created = true;
      } else {
        ({ runner, created } = await getRunner(job.model, job.lane, { threads: s.request.threads }));
        if (job.scenario.kind === "hybrid" && job.laneB) {
          // Both sessions' first runs happen here, untimed: the hybrid result is about steady state.
          const second = await getRunner(job.model, job.laneB, {});
          if (second.runner.firstRunMs === null) await second.runner.run(generateFeeds(job.model, 1, 1));
          if (runner.firstRunMs === null) await runner.run(generateFeeds(job.model, 1, 1));
          const session = { created: created || second.created, createMs: round(runner.createMs + second.runner.createMs), firstRunMs: null };
          const hybrid = job.scenario;
          const measure = () => runHybrid([runner, second.runner], hybrid, { signal: job.controller.signal, onProgress });
          const alsoHolds = hybridResources(job.lane, job.laneB).alsoHolds;
          if (alsoHolds) onProgress(0, `waiting for ${alsoHolds} to be free for lane B`);
          const scenario = alsoHolds ? await this.runExclusive(alsoHolds, measure) : await measure();
          s.results = { session, scenario };
          s.state = "done";
          s.progress = 1;
          s.message = "done";
          return;
        }
        // The first run is timed on its own (lazy allocation, kernel compilation), never mixed into steady state.
        if (runner.firstRunMs === null) {
          await runner.run(generateFeeds(job.model, 1, 1));
        }
      }
      const session = { created, createMs: round(runner.createMs), firstRunMs: runner.firstRunMs === null ? null : round(runner.firstRunMs) };
      if (job.scenario.kind === "hybrid") throw new Error("a hybrid job needs its second lane");
      const scenario = await runScenario(runner, job.scenario, { signal: job.controller.signal, onProgress });
      if (fresh && coldStart) {
        await releaseColdRunner(fresh);
        fresh = null;
        coldStart.released = true;
      }
      s.results = { session, scenario, ...(coldStart ? { coldStart } : {}) };
      s.state = "done";
      s.progress = 1;
      s.message = "done";
    } catch (error) {
      const reason = job.controller.signal.reason;
      if (job.controller.signal.aborted && reason instanceof Error) {
        s.state = "failed";
        s.error = reason.message;
      } else if (job.controller.signal.aborted || error instanceof AbortedError) {
        s.state = "cancelled";
        s.error = "cancelled";
      } else {
        s.state = "failed";
        s.error = error instanceof Error ? error.message : String(error);
      }
      s.message = s.state;
    } finally {
      clearTimeout(timer);
      if (fresh) await releaseColdRunner(fresh).catch((error: unknown) => console.error("[inference] could not release a cold-start session", error));
      await this.finish(job);
    }
  }

  /** Stores the final state and tells every subscriber, whatever ended the job. */
  private async finish(job: Job): Promise<void> {
    job.releaseColdSlot?.();
    job.snapshot.finishedAt = new Date().toISOString();
    job.snapshot.queuePosition = null;
    await this.store(job);
    this.emit(job);
    job.events.emit("end");
    this.forgetLater(job);
  }

  /** Finished jobs stay in memory a while for late SSE subscribers, then live only in the database. */
  private forgetLater(job: Job): void {
    const keepMs = job.snapshot.persisted ? 10 * 60_000 : 60 * 60_000;
    setTimeout(() => this.jobs.delete(job.snapshot.id), keepMs).unref();
  }

  private async store(job: Job): Promise<void> {
    try {
      if (job.snapshot.persisted) await this.persist.update(job.snapshot);
    } catch (error) {
      job.snapshot.persisted = false;
      console.error("[inference] could not store benchmark", job.snapshot.id, error);
    }
  }

  private emit(job: Job): void {
    job.events.emit("update", this.snapshotOf(job));
  }

  private snapshotOf(job: Job): JobSnapshot {
    return structuredClone(job.snapshot);
  }

  snapshot(id: string): JobSnapshot | null {
    const job = this.jobs.get(id);
    return job ? this.snapshotOf(job) : null;
  }

  /** In memory first (live progress), then the database (another process, a restart). */
  async get(id: string): Promise<JobSnapshot | null> {
    return this.snapshot(id) ?? (await this.persist.load(id));
  }

  /** Subscribes to updates; returns an unsubscribe, or null when the job is not live in this process. */
  subscribe(id: string, onUpdate: (snapshot: JobSnapshot) => void, onEnd: () => void): (() => void) | null {
    const job = this.jobs.get(id);
    if (!job) return null;
    if (job.snapshot.state !== "queued" && job.snapshot.state !== "running") return null;
    job.events.on("update", onUpdate);
    job.events.once("end", onEnd);
    return () => {
      job.events.off("update", onUpdate);
      job.events.off("end", onEnd);
    };
  }

  /**
   * Updates of a live job until it ends, wherever it runs: from memory when this
   * process runs it, else by reading the database the owner writes to twice a second.
   */
  follow(id: string, onUpdate: (snapshot: JobSnapshot) => void, onEnd: (snapshot: JobSnapshot | null) => void): () => void {
    const local = this.subscribe(id, onUpdate, () => onEnd(this.snapshot(id)));
    if (local) return local;
    let stopped = false;
    let last = "";
    void (async () => {
      while (!stopped) {
        const snapshot = await this.persist.load(id).catch(() => null);
        if (stopped) return;
        if (!snapshot || !isLive(snapshot.state)) return onEnd(snapshot);
        const key = JSON.stringify([snapshot.state, snapshot.progress, snapshot.message, snapshot.queuePosition]);
        if (key !== last) {
          last = key;
          onUpdate(snapshot);
        }
        await new Promise((resolve) => setTimeout(resolve, REMOTE_POLL_MS));
      }
    })();
    return () => {
      stopped = true;
    };
  }

  async cancel(id: string): Promise<JobSnapshot | null> {
    const job = this.jobs.get(id);
    if (!job) return this.cancelElsewhere(id);
    const s = job.snapshot;
    if (s.state === "queued") {
      const queue = this.queues.get(job.resource) ?? [];
      queue.splice(queue.indexOf(job), 1);
      s.state = "cancelled";
      s.error = "cancelled";
      s.message = "cancelled";
      await this.finish(job);
      this.updatePositions(job.resource);
    } else if (s.state === "running") {
      job.controller.abort("cancelled");
      await new Promise<void>((resolve) => job.events.once("end", () => resolve()));
    }
    return this.snapshotOf(job);
  }

  /**
   * A job running on another instance sharing the database: record the cancel
   * there, and wait (bounded) until its owner has stopped it and stored the end.
   */
  private async cancelElsewhere(id: string): Promise<JobSnapshot | null> {
    const requested = (await this.persist.requestCancel?.(id)) ?? false;
    let latest = await this.persist.load(id);
    if (!requested) return latest;
    const deadline = Date.now() + REMOTE_CANCEL_WAIT_MS;
    while (latest && isLive(latest.state) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      latest = await this.persist.load(id);
    }
    return latest;
  }

  /** Waits for a job to finish (tests and scripts). */
  async wait(id: string): Promise<JobSnapshot | null> {
    const job = this.jobs.get(id);
    if (!job) return this.persist.load(id);
    if (job.snapshot.state === "queued" || job.snapshot.state === "running") {
      await new Promise<void>((resolve) => job.events.once("end", () => resolve()));
    }
    return this.snapshotOf(job);
  }
}
