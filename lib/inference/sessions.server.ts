import "server-only";
import { InferenceSession, Tensor } from "onnxruntime-node";
import { HttpError } from "@/lib/http/errors";
import { cpuCores, remoteUrl, type LaneId, type LaneInfo } from "./lanes.server";
import type { InferenceModel } from "./model";
import { decodeV2Outputs, encodeV2Inputs } from "./oip.server";
import type { Feeds } from "./tensors.server";

export interface RunnerOptions {
  /** Intra-op threads; cpu lane only (GPU lanes ignore intra-op parallelism). */
  threads?: number;
  /** Extra ONNX Runtime session options from the model catalog. */
  sessionOptions?: InferenceSession.SessionOptions;
}

/** One reusable way to run one model on one lane with fixed options. */
export interface Runner {
  readonly key: string;
  readonly model: InferenceModel;
  readonly lane: LaneInfo;
  readonly threads: number | null;
  /** Wall time to create the session (load, optimise, compile kernels). */
  readonly createMs: number;
  /** Wall time of the very first run (lazy allocation, shader compilation); null until it happens. */
  readonly firstRunMs: number | null;
  readonly runs: number;
  run(feeds: Feeds, outputNames?: readonly string[]): Promise<Feeds>;
  release(): Promise<void>;
}

abstract class BaseRunner implements Runner {
  firstRunMs: number | null = null;
  runs = 0;
  constructor(
    readonly key: string,
    readonly model: InferenceModel,
    readonly lane: LaneInfo,
    readonly threads: number | null,
    readonly createMs: number,
  ) {}

  run(feeds: Feeds, outputNames?: readonly string[]): Promise<Feeds> {
    if (this.firstRunMs !== null) {
      // Steady state: hand back the runtime's own promise, no extra async layer in the timed path.
      this.runs += 1;
      return this.runInner(feeds, outputNames);
    }
    return this.firstRun(feeds, outputNames);
  }

  private async firstRun(feeds: Feeds, outputNames?: readonly string[]): Promise<Feeds> {
    const started = performance.now();
    const outputs = await this.runInner(feeds, outputNames);
    this.firstRunMs ??= performance.now() - started;
    this.runs += 1;
    return outputs;
  }

  protected abstract runInner(feeds: Feeds, outputNames?: readonly string[]): Promise<Feeds>;
  abstract release(): Promise<void>;
}

class OrtRunner extends BaseRunner {
  constructor(
    key: string,
    model: InferenceModel,
    lane: LaneInfo,
    threads: number | null,
    createMs: number,
    private readonly session: InferenceSession,
  ) {
    super(key, model, lane, threads, createMs);
  }

  protected async runInner(feeds: Feeds, outputNames?: readonly string[]): Promise<Feeds> {
    try {
      return (await (outputNames && outputNames.length > 0 ? this.session.run(feeds, outputNames) : this.session.run(feeds))) as Feeds;
    } catch (error) {
      // Inputs are checked for names, dtypes, ranks and fixed dims before this; what the runtime still
      // refuses depends on values the registry can't describe (a width too small for a stride, a sample
      // rate the model rejects): the request's fault, so 422 with the runtime's own words, not a 500.
      const message = error instanceof Error ? error.message : String(error);
      throw new HttpError(422, `the model refused this input: ${message.split("\n")[0]!.slice(0, 500)}`);
    }
  }

  release(): Promise<void> {
    return this.session.release();
  }
}

/** The remote lane: the same Runner contract over the Open Inference Protocol. */
class RemoteRunner extends BaseRunner {
  constructor(
    key: string,
    model: InferenceModel,
    lane: LaneInfo,
    createMs: number,
    private readonly baseUrl: string,
  ) {
    super(key, model, lane, null, createMs);
  }

  protected async runInner(feeds: Feeds, outputNames?: readonly string[]): Promise<Feeds> {
    const body = { inputs: encodeV2Inputs(feeds), ...(outputNames?.length ? { outputs: outputNames.map((name) => ({ name })) } : {}) };
    const response = await fetch(`${this.baseUrl}/v2/models/${encodeURIComponent(this.model.id)}/infer`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) {
      let message = text.slice(0, 300);
      try {
        message = (JSON.parse(text) as { error?: string }).error ?? message;
      } catch {
        // not JSON: keep the raw text
      }
      throw new HttpError(502, `remote server answered ${response.status}: ${message}`);
    }
    return decodeV2Outputs(JSON.parse(text));
  }

  async release(): Promise<void> {}
}

/** Each lane's onnxruntime execution provider; null for a lane that is not onnxruntime in this process. The compiler asks for a new lane's entry. */
const PROVIDERS: Record<LaneId, string | null> = { cpu: "cpu", cuda: "cuda", webgpu: "webgpu", remote: null };

/** The lane's execution provider (onnxruntime-node's short name), or null when it has none in this process. */
export function executionProviderOf(lane: LaneId): string | null {
  return PROVIDERS[lane];
}

export function providerFor(lane: LaneId): string {
  const provider = PROVIDERS[lane];
  if (provider === null) throw new Error(`lane ${lane} has no onnxruntime execution provider`);
  return provider;
}

const MAX_SESSIONS = 24;
const globalForSessions = globalThis as unknown as { inferenceLabRunners?: Map<string, Promise<Runner>> };
const runners: Map<string, Promise<Runner>> = (globalForSessions.inferenceLabRunners ??= new Map());

export function runnerKey(model: InferenceModel, lane: LaneId, threads: number | null): string {
  return `${model.id}|${model.file}|${lane}|${threads ?? "-"}`;
}

/** The cpu lane's intra-op threads (all cores by default); other lanes refuse the option (400). */
export function resolveThreads(lane: LaneInfo, requested: number | undefined): number | null {
  if (lane.id !== "cpu") {
    if (requested !== undefined) throw new HttpError(400, `threads applies to the cpu lane only, not ${lane.id}`);
    return null;
  }
  const max = cpuCores();
  const threads = requested ?? max;
  if (!Number.isInteger(threads) || threads < 1 || threads > max) throw new HttpError(400, `threads must be an integer from 1 to ${max} on this server, got ${requested}`);
  return threads;
}

async function createRunner(key: string, model: InferenceModel, lane: LaneInfo, threads: number | null, options: RunnerOptions): Promise<Runner> {
  const started = performance.now();
  if (lane.id === "remote") {
    const base = remoteUrl();
    if (!base) throw new HttpError(422, "lane remote is unavailable: REMOTE_INFERENCE_URL is not set");
    const response = await fetch(`${base}/v2/models/${encodeURIComponent(model.id)}`, { signal: AbortSignal.timeout(5000) });
    if (!response.ok) throw new HttpError(422, `remote server does not serve model ${model.id} (GET /v2/models/${model.id} answered ${response.status})`);
    return new RemoteRunner(key, model, lane, performance.now() - started, base);
  }
  const sessionOptions: InferenceSession.SessionOptions = {
    ...options.sessionOptions,
    ...(model.sessionConfig ? { extra: { ...model.sessionConfig } } : {}),
    executionProviders: [providerFor(lane.id)],
    graphOptimizationLevel: "all",
    logSeverityLevel: 3,
    ...(threads !== null ? { intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: "sequential" as const } : {}),
  };
  try {
    const session = await InferenceSession.create(model.file, sessionOptions);
    return new OrtRunner(key, model, lane, threads, performance.now() - started, session);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new HttpError(422, `could not create a ${lane.id} session for ${model.id}: ${message.trim().split("\n").pop()}`);
  }
}

/**
 * The runner for (model, lane, options), created on first use and reused:
 * creating a session costs far more than a run, and timing it apart is the
 * point of the cold-start lessons. Concurrent first callers share one creation.
 */
export async function getRunner(model: InferenceModel, lane: LaneInfo, options: RunnerOptions = {}): Promise<{ runner: Runner; created: boolean }> {
  const threads = resolveThreads(lane, options.threads);
  const key = runnerKey(model, lane.id, threads);
  const existing = runners.get(key);
  if (existing) {
    // Refresh recency so the least recently used runner is the one evicted.
    runners.delete(key);
    runners.set(key, existing);
    return { runner: await existing, created: false };
  }
  const pending = createRunner(key, model, lane, threads, options);
  runners.set(key, pending);
  pending.catch(() => runners.delete(key));
  while (runners.size > MAX_SESSIONS) {
    const [oldestKey, oldest] = runners.entries().next().value as [string, Promise<Runner>];
    runners.delete(oldestKey);
    void oldest.then((runner) => runner.release()).catch(() => undefined);
  }
  return { runner: await pending, created: true };
}

/**
 * A runner made for one caller alone, never cached or shared: a cold start is
 * only cold on a session nobody has run yet. The caller must release it.
 */
export async function createFreshRunner(model: InferenceModel, lane: LaneInfo, options: RunnerOptions = {}): Promise<Runner> {
  const threads = resolveThreads(lane, options.threads);
  return createRunner(`${runnerKey(model, lane.id, threads)}|fresh`, model, lane, threads, options);
}

/** Releases every cached session of one model (all lanes and thread counts): its file is about to go. */
export async function releaseRunnersOf(modelId: string): Promise<number> {
  const prefix = `${modelId}|`;
  const doomed = [...runners.entries()].filter(([key]) => key.startsWith(prefix));
  for (const [key] of doomed) runners.delete(key);
  await Promise.allSettled(doomed.map(async ([, pending]) => (await pending).release()));
  return doomed.length;
}

export function runnerCount(): number {
  return runners.size;
}

/** Releases every cached session (tests, shutdown). */
export async function releaseAllRunners(): Promise<void> {
  const all = [...runners.values()];
  runners.clear();
  await Promise.allSettled(all.map(async (pending) => (await pending).release()));
}

export { Tensor };
