/**
 * Lanes as the experiment components see them: the server's (through its HTTP
 * API) and the learner's browser (through the Web Worker runner), with one
 * result shape so both sit in the same table and chart; whether each can run
 * here, and what it downloads. Running them is run-lanes.ts.
 */
import type { AdapterRequestOptions } from "@/lib/browser/adapters";
import type { BrowserProbe } from "@/lib/browser/probe";
import type { BrowserRunResult, UnsynchronisedTiming } from "@/lib/browser/protocol";
import type { BrowserRuntimeSizes } from "@/lib/browser/builds";
import { browserModelIds } from "@/lib/browser/models";
import { isOwnModelId, type OwnModelInputs } from "@/lib/models/own-model";
import { evaluationOf } from "@/lib/models/registry";
import type { MeasureOptions, Summary } from "@/lib/inference/stats";
import type { WireCapabilityModel, WireColdStart, WireLaneInfo } from "@/lib/inference/wire";
import { isServerLaneKey, type LaneKey, SERVER_LANES, type StoredLane } from "@/lib/lanes";

export { isServerLaneKey, LANE_KEYS, LANE_TITLES, type LaneKey, storedLane } from "@/lib/lanes";

/** The fields of a server lane the lane status reads: a view of the declared wire type, so a server change breaks it. */
export type ServerLaneInfo = Pick<WireLaneInfo, "id" | "available" | "reason" | "device" | "software"> & Partial<Pick<WireLaneInfo, "threads">>;

/** The part of GET /api/capabilities (WireCapabilities) the lane status reads. */
export interface Capabilities {
  lanes: ServerLaneInfo[];
  /** Title, batch facts and catalog come along for experiments that offer the server's uploaded models. */
  models: Array<Pick<WireCapabilityModel, "id" | "ready"> & Partial<Pick<WireCapabilityModel, "title" | "batchAxis" | "maxBatch" | "catalog">>>;
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
  if (!isOwnModelId(modelId) && !browserModelIds.includes(modelId)) return { available: false, reason: "This model is too large to download into a browser tab; it runs on the server lanes only.", device: null, software: null };
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

/** A cold start phase by phase, under the same names on server and browser lanes. */
export type ColdPhases = Pick<WireColdStart, "sessionCreateMs" | "firstRunMs" | "naiveWallClockMs" | "nextRunsMs">;

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
  /** What stopped a sweep below its largest batch, in plain words (null: nothing did). */
  cappedBy?: string | null;
  /** Batches the lane refused (out of memory, a device limit), each with its reason. */
  failures?: Array<{ batch: number; reason: string }>;
  /** The browser's clock as measured in the worker; null for server lanes (Node's clock resolves well under a microsecond). */
  timer: { resolutionMs: number; crossOriginIsolated: boolean } | null;
  environment: Record<string, unknown>;
  benchmarkRunId: string | null;
  output: BrowserRunResult["output"];
  /** Plans with `coldStart`: the lane's cold start (server: a session of its own, released after). */
  cold?: ColdPhases | null;
  /** Browser WebGPU, plans with `unsynchronised`: calls whose outputs stay on the GPU. */
  unsynchronised?: UnsynchronisedTiming | null;
  /** Own models on browser lanes: onnxruntime-web's word on node placement (CPU fallback on WebGPU). */
  placement?: BrowserRunResult["placement"] | null;
}

/** A lane's part of a run: its result (a LaneResult, or an experiment's own shape), or why it has none. */
export type LaneOutcome<R = LaneResult> = { key: LaneKey; ok: true; result: R } | { key: LaneKey; ok: false; unavailable: boolean; message: string };

export interface RunPlan {
  modelId: string;
  /** One batch: single-stream. Several: a sweep (the server's offline scenario up to the largest). */
  batches: number[];
  measure: MeasureOptions;
  returnOutput?: boolean;
  flopsPerItem?: number | null;
  /** Start cold: a new session (never the server's shared warm one), its first run and the next `runs` timed one by one. */
  coldStart?: { runs: number };
  /** Browser WebGPU lane: also time calls whose outputs stay on the GPU. */
  unsynchronised?: boolean;
  /** A learner's own file (browser lanes only); modelId is then its sha256: id. Each lane gets a copy of the bytes. */
  ownModel?: OwnModelInputs & { bytes: ArrayBuffer };
  /** Intra-op threads for the server CPU lane (1 … cores); unset: all cores. Other lanes ignore it. */
  threads?: number;
  /** Browser WebGPU lane: the requestAdapter() options that choose the adapter it runs on (lib/browser/adapters.ts). */
  adapter?: AdapterRequestOptions;
}

/** Progress of one lane's work: the fraction done and what it is doing. */
export type Progress = (fraction: number, message: string) => void;

/** Bytes a browser lane downloads for a model: its runtime's files and the model file; null when either is unknown. */
export function browserDownloadBytes(key: LaneKey, modelId: string, runtime: BrowserRuntimeSizes | null): { runtime: number | null; model: number | null } {
  const lane = key === "browser-webgpu" ? "webgpu" : "wasm";
  return { runtime: runtime?.lanes[lane]?.bytes ?? null, model: evaluationOf(modelId)?.sizeBytes ?? null };
}
