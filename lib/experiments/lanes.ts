/**
 * Lanes as the experiment components see them: the server's (through its HTTP
 * API) and the learner's browser (through the Web Worker runner), with one
 * result shape so both sit in the same table and chart.
 */
import type { BrowserProbe } from "@/lib/browser/probe";
import type { BrowserRunResult } from "@/lib/browser/protocol";
import { BrowserLaneUnavailable, runInBrowser } from "@/lib/browser/runner";
import type { BrowserRuntimeSizes } from "@/lib/browser/builds";
import { browserModelIds } from "@/lib/browser/models";
import { evaluationOf } from "@/lib/models/registry";
import type { MeasureOptions, Summary } from "@/lib/inference/stats";
import type { WireCapabilityModel, WireJobSnapshot, WireLaneInfo } from "@/lib/inference/wire";
import { BROWSER_LANES, type BrowserLaneKey, isServerLaneKey, LANE_TITLES, LANES, type LaneKey, SERVER_LANES, serverLaneIdOf, type ServerLaneKey, type StoredLane, storedLane } from "@/lib/lanes";

export { isServerLaneKey, LANE_KEYS, LANE_TITLES, type LaneKey, storedLane } from "@/lib/lanes";

/** The fields of a server lane the lane status reads: a view of the declared wire type, so a server change breaks it. */
export type ServerLaneInfo = Pick<WireLaneInfo, "id" | "available" | "reason" | "device" | "software"> & Partial<Pick<WireLaneInfo, "threads">>;

/** The part of GET /api/capabilities (WireCapabilities) the lane status reads. */
export interface Capabilities {
  lanes: ServerLaneInfo[];
  models: Array<Pick<WireCapabilityModel, "id" | "ready">>;
}

export interface LaneStatus {
  available: boolean;
  /** Plain words for a learner, one line; null when available. */
  reason: string | null;
  /** The runtime's own words (often a multi-line error), for whoever runs the server: shown on demand. */
  detail?: string | null;
  device: string | null;
  software: boolean | null;
}

/** Why a lane cannot run this model here, in words a learner can act on, or that it can. */
export function laneStatus(key: LaneKey, modelId: string, capabilities: Capabilities | null, capabilitiesError: string | null, probe: BrowserProbe | null): LaneStatus {
  if (isServerLaneKey(key)) {
    if (capabilitiesError) return { available: false, reason: `The server could not be asked which lanes it has (${capabilitiesError}).`, device: null, software: null };
    if (!capabilities) return { available: false, reason: "Asking the server which lanes it has…", device: null, software: null };
    const lane = capabilities.lanes.find((l) => `server-${l.id}` === key);
    if (!lane) return { available: false, reason: "This server has no such lane.", device: null, software: null };
    if (!lane.available) return { available: false, reason: SERVER_LANES[lane.id].unavailablePlain ?? "Not available on this server.", detail: lane.reason ?? "no reason given", device: lane.device, software: lane.software };
    const model = capabilities.models.find((m) => m.id === modelId);
    if (model && !model.ready) return { available: false, reason: "The server has not built this model yet (npm run models:build).", device: lane.device, software: lane.software };
    return { available: true, reason: null, device: lane.device, software: lane.software };
  }
  if (!browserModelIds.includes(modelId)) return { available: false, reason: "This model is too large to download into a browser tab; it runs on the server lanes only.", device: null, software: null };
  if (!probe) return { available: false, reason: "Checking what your browser supports…", device: null, software: null };
  if (key === "browser-webgpu") {
    if (!probe.webgpu.available) return { available: false, reason: probe.webgpu.reason, device: null, software: null };
    return { available: true, reason: null, device: probe.webgpu.description, software: probe.webgpu.software };
  }
  if (key === "browser-wasm-threads") {
    if (!probe.crossOriginIsolated) return { available: false, reason: "WASM threads need a cross-origin isolated page, and this one is not (it was opened without the isolation headers), so only the 1-thread lane runs.", device: null, software: false };
    if (probe.wasmThreads < 2) return { available: false, reason: "Your device reports a single CPU core, so there is nothing to gain from threads.", device: null, software: false };
    return { available: true, reason: null, device: `${probe.wasmThreads} threads of ${probe.hardwareConcurrency} logical cores`, software: false };
  }
  return { available: true, reason: null, device: `1 thread of ${probe.hardwareConcurrency} logical cores`, software: false };
}

export interface ResultPoint {
  batch: number;
  latencyMs: Summary;
  itemsPerSecond: number;
  gflopsPerSecond: number | null;
  samplesMs?: number[];
  cappedEarly: boolean;
  /** Calls timed together per sample (browser lanes: enough to span 100 timer ticks). */
  runsPerSample?: number;
}

export interface LaneResult {
  key: LaneKey;
  lane: StoredLane;
  title: string;
  device: string | null;
  /** True only when the adapter or server says so (a fallback adapter such as SwiftShader). */
  software: boolean;
  /** A GPU lane whose adapter did not say whether it is hardware or software: never presented as either. */
  softwareUnknown: boolean;
  threads: number | null;
  phases: {
    downloadMs: number | null;
    downloadBytes: number | null;
    sessionCreateMs: number | null;
    firstRunMs: number | null;
    /** The server reused a session created by an earlier job: its create and first-run times belong to that job. */
    sessionReused: boolean;
  };
  points: ResultPoint[];
  /** The browser's clock as measured in the worker; null for server lanes (Node's clock resolves well under a microsecond). */
  timer: { resolutionMs: number; crossOriginIsolated: boolean } | null;
  environment: Record<string, unknown>;
  benchmarkRunId: string | null;
  output: BrowserRunResult["output"];
}

export type LaneOutcome = { key: LaneKey; ok: true; result: LaneResult } | { key: LaneKey; ok: false; unavailable: boolean; message: string };

export interface RunPlan {
  modelId: string;
  /** One batch: single-stream. Several: a sweep (the server's offline scenario up to the largest). */
  batches: number[];
  measure: MeasureOptions;
  returnOutput?: boolean;
  flopsPerItem?: number | null;
}

export type Progress = (fraction: number, message: string) => void;

export class LaneCancelled extends Error {}

function gflops(flopsPerItem: number | null | undefined, batch: number, p50: number): number | null {
  if (!flopsPerItem || !(p50 > 0)) return null;
  return (flopsPerItem * batch) / (p50 * 1e6);
}

/** Bytes a browser lane downloads for a model: its runtime's files and the model file; null when either is unknown. */
export function browserDownloadBytes(key: LaneKey, modelId: string, runtime: BrowserRuntimeSizes | null): { runtime: number | null; model: number | null } {
  const lane = key === "browser-webgpu" ? "webgpu" : "wasm";
  return { runtime: runtime?.lanes[lane]?.bytes ?? null, model: evaluationOf(modelId)?.sizeBytes ?? null };
}

async function runBrowserLane(key: BrowserLaneKey, plan: RunPlan, probe: BrowserProbe, onProgress: Progress, signal: AbortSignal, runtime: BrowserRuntimeSizes | null): Promise<LaneResult> {
  const lane = LANES[key].id;
  const threads = LANES[key].threads ? probe.wasmThreads : 1;
  const sizes = browserDownloadBytes(key, plan.modelId, runtime);
  const wasmFile = runtime?.lanes[lane]?.files.find((f) => f.name.endsWith(".wasm"))?.bytes;
  const expectedBytes = wasmFile !== undefined && sizes.model !== null ? wasmFile + sizes.model : null;
  const result = await runInBrowser({ lane, modelId: plan.modelId, batches: plan.batches, measure: plan.measure, threads, seed: 1, returnOutput: plan.returnOutput ?? false, expectedBytes }, onProgress, signal);
  const env = result.environment;
  const adapter = env.adapter;
  const software = lane === "webgpu" && adapter?.isFallbackAdapter === true;
  const softwareUnknown = BROWSER_LANES[lane].canBeSoftware && (adapter?.isFallbackAdapter ?? null) === null;
  const device = lane === "webgpu" ? [adapter?.vendor, adapter?.architecture, adapter?.description].filter(Boolean).join(" ") || "unnamed adapter" : `browser CPU (${env.threads} of ${env.hardwareConcurrency} threads)`;
  return {
    key,
    lane: storedLane(key),
    title: LANE_TITLES[key],
    device,
    software,
    softwareUnknown,
    threads: env.threads,
    phases: { downloadMs: result.phases.downloadMs, downloadBytes: result.phases.downloadBytes, sessionCreateMs: result.phases.sessionCreateMs, firstRunMs: result.phases.firstRunMs, sessionReused: false },
    points: result.points.map((p) => ({ batch: p.batch, latencyMs: p.latencyMs, itemsPerSecond: p.itemsPerSecond, gflopsPerSecond: gflops(plan.flopsPerItem, p.batch, p.latencyMs.p50), samplesMs: p.samplesMs, cappedEarly: p.cappedEarly, runsPerSample: p.runsPerSample })),
    timer: { resolutionMs: env.timerResolutionMs, crossOriginIsolated: env.crossOriginIsolated },
    environment: { ...env, runtimeImportMs: result.phases.runtimeImportMs },
    benchmarkRunId: null,
    output: result.output,
  };
}

type JobSnapshot = WireJobSnapshot;

export async function errorText(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { error?: string };
    return body.error ?? `HTTP ${response.status}`;
  } catch {
    return `HTTP ${response.status}`;
  }
}

/**
 * Submits a benchmark job and follows its event stream until it ends; abort
 * cancels the job on the server too (DELETE), so it frees the hardware.
 */
export async function runServerJob(body: Record<string, unknown>, onProgress: Progress, signal: AbortSignal): Promise<JobSnapshot> {
  const response = await fetch("/api/benchmarks", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), signal });
  if (!response.ok) throw new Error(response.status === 429 ? `The server is busy with other benchmarks; try again in ${response.headers.get("retry-after") ?? "a few"} s.` : await errorText(response));
  const { id } = (await response.json()) as { id: string };
  const final = await new Promise<JobSnapshot>((resolve, reject) => {
    const events = new EventSource(`/api/benchmarks/${id}/events`);
    const onAbort = () => {
      events.close();
      void fetch(`/api/benchmarks/${id}`, { method: "DELETE" }).catch(() => undefined);
      reject(new LaneCancelled("stopped"));
    };
    signal.addEventListener("abort", onAbort, { once: true });
    const update = (message: MessageEvent<string>) => {
      const snapshot = JSON.parse(message.data) as JobSnapshot;
      const waiting = snapshot.state === "queued" ? `waiting for the server (${snapshot.queuePosition ?? 0} ahead)` : snapshot.message;
      onProgress(snapshot.progress, waiting);
      return snapshot;
    };
    events.addEventListener("snapshot", (m) => update(m as MessageEvent<string>));
    events.addEventListener("progress", (m) => update(m as MessageEvent<string>));
    events.addEventListener("end", (m) => {
      events.close();
      signal.removeEventListener("abort", onAbort);
      resolve(update(m as MessageEvent<string>));
    });
    events.onerror = () => {
      if (events.readyState === EventSource.CLOSED) {
        signal.removeEventListener("abort", onAbort);
        reject(new Error("lost the connection to the server's progress stream"));
      }
    };
  });
  if (final.state === "failed") throw new Error(final.error ?? "the server job failed");
  if (final.state === "cancelled") throw new LaneCancelled("stopped");
  return final;
}

async function runServerLane(key: ServerLaneKey, plan: RunPlan, onProgress: Progress, signal: AbortSignal): Promise<LaneResult> {
  const laneId = serverLaneIdOf(key);
  const sweep = plan.batches.length > 1;
  const scenario = sweep ? { kind: "offline", maxBatch: Math.max(...plan.batches), ...plan.measure } : { kind: "single-stream", batch: plan.batches[0]!, ...plan.measure };
  const job = await runServerJob({ model: plan.modelId, lane: laneId, scenario }, onProgress, signal);
  const s = job.results!.scenario;
  if (s.kind !== scenario.kind) throw new Error(`the server answered a ${s.kind} result to a ${scenario.kind} request`);
  const points: ResultPoint[] =
    s.kind === "offline"
      ? s.points.map((p) => ({ ...p }))
      : s.kind === "single-stream"
        ? [{ batch: s.batch, latencyMs: s.latencyMs, itemsPerSecond: s.itemsPerSecond, gflopsPerSecond: s.gflopsPerSecond, samplesMs: s.samplesMs, cappedEarly: s.cappedEarly }]
        : [];
  let output: LaneResult["output"] = null;
  if (plan.returnOutput) {
    const response = await fetch("/api/infer", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: plan.modelId, lane: laneId, batch: plan.batches[0], seed: 1 }), signal });
    if (response.ok) {
      const body = (await response.json()) as { outputs: Record<string, { shape: number[]; data: number[] }> };
      const [name, tensor] = Object.entries(body.outputs)[0]!;
      output = { name, dims: tensor.shape, data: tensor.data };
    }
  }
  return {
    key,
    lane: storedLane(key),
    title: LANE_TITLES[key],
    device: job.lane.device,
    software: job.lane.software === true,
    // Any lane that may be a GPU: an unknown software flag is never presented as hardware or software.
    softwareUnknown: SERVER_LANES[laneId].kind !== "CPU" && job.lane.software === null,
    threads: null,
    phases: {
      downloadMs: null,
      downloadBytes: null,
      sessionCreateMs: job.results!.session.createMs,
      firstRunMs: job.results!.session.firstRunMs,
      sessionReused: !job.results!.session.created,
    },
    points,
    timer: null,
    environment: { server: true, lane: job.lane },
    benchmarkRunId: job.id,
    output,
  };
}

/** Lanes run one after another: measuring two at once on shared cores would corrupt both. */
export async function runLanes(keys: LaneKey[], plan: RunPlan, probe: BrowserProbe | null, onProgress: (key: LaneKey, fraction: number, message: string) => void, signal: AbortSignal, runtime: BrowserRuntimeSizes | null = null): Promise<LaneOutcome[]> {
  const outcomes: LaneOutcome[] = [];
  for (const key of keys) {
    if (signal.aborted) break;
    try {
      const progress: Progress = (f, m) => onProgress(key, f, m);
      const result = isServerLaneKey(key) ? await runServerLane(key, plan, progress, signal) : await runBrowserLane(key, plan, probe!, progress, signal, runtime);
      outcomes.push({ key, ok: true, result });
    } catch (error) {
      if (signal.aborted) break;
      outcomes.push({ key, ok: false, unavailable: error instanceof BrowserLaneUnavailable, message: error instanceof Error ? error.message : String(error) });
    }
  }
  return outcomes;
}
