/**
 * Messages between the page and the browser runner's Web Worker. Plain data
 * only (structured clone), so both sides agree on shapes without sharing code paths.
 */
import type { MeasureOptions, Summary } from "@/lib/inference/stats";
import type { BrowserLaneId } from "@/lib/lanes";
import type { ReducedOutput } from "@/lib/models/metrics";
import type { OwnModelInputs } from "@/lib/models/own-model";
import type { AdapterRequestOptions } from "./adapters";

/** The onnxruntime-web build a browser run uses (named in lib/lanes.ts). */
export type BrowserLane = BrowserLaneId;

export interface BrowserRunRequest {
  lane: BrowserLane;
  modelId: string;
  /** Batch sizes to measure, in order; one entry for a latency run, several for a sweep. */
  batches: number[];
  measure: MeasureOptions;
  /** WASM threads wanted; the runner uses 1 unless the page is cross-origin isolated. */
  threads: number;
  /** Seed of the registry's makeInput, so the server can generate the identical input. */
  seed: number;
  /** Return the first output of one run at batches[0] (for comparing with the server). */
  returnOutput: boolean;
  /**
   * Bytes of the runtime .wasm and the model the page expects (from
   * /api/browser-runtime and the registry), for download progress when a
   * response carries no Content-Length (compressed, for instance).
   */
  expectedBytes?: number | null;
  /** Runs after the first to time one by one before warm-up (the cold start's slide to steady state); default 0. */
  coldRuns?: number;
  /** WebGPU only: also time calls whose outputs stay on the GPU (see UnsynchronisedTiming). */
  unsynchronised?: boolean;
  /**
   * Also run the held-out inputs at this URL (GET /api/quality-data/{base}) once
   * after measuring, and return the outputs reduced to what the quality metric reads.
   */
  evaluateUrl?: string;
  /**
   * WebGPU only: the requestAdapter() options that pick the adapter. When set,
   * the worker creates a GPUDevice on that adapter and hands it to the WebGPU EP
   * (its `device` option), so the run happens on that adapter and no other.
   */
  adapter?: AdapterRequestOptions;
  /**
   * A learner's own file instead of a registry model (modelId is then its sha256: id):
   * the bytes are transferred to the worker, never fetched and never sent anywhere.
   */
  ownModel?: OwnModelInputs & { bytes: ArrayBuffer };
}

/**
 * Where onnxruntime-web placed the graph, from its own log during session creation:
 * on WebGPU, nodes it assigned to the CPU instead (a fallback) are counted here.
 */
export interface PlacementReport {
  /** onnxruntime-web's log lines about node placement, verbatim. */
  log: string[];
  /** Nodes onnxruntime placed on its CPU provider; null when its log did not say. */
  nodesOnCpu: number | null;
}

/**
 * A WebGPU session made with `preferredOutputLocation: "gpu-buffer"`, timed
 * three ways per call, each from an idle GPU queue: what a timer around
 * `run()` alone sees, and the same call until its output is on the CPU
 * (`getData()`) or until the GPU queue has drained (`onSubmittedWorkDone()`).
 */
export interface UnsynchronisedTiming {
  batch: number;
  /** Where onnxruntime-web left the first output: "gpu-buffer" when it honoured the request. */
  outputLocation: string;
  runOnlyMs: Summary;
  runAndReadMs: Summary;
  /** Null when onnxruntime-web's GPUDevice could not be reached (deviceError says why). */
  runAndDrainMs: Summary | null;
  /** After run() resolved, how long until the queue drained: GPU work run() had not waited for. */
  pendingAfterRunMs: Summary | null;
  deviceError: string | null;
}

export interface AdapterReport {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** A software implementation (SwiftShader and the like): its speed is not GPU speed. */
  isFallbackAdapter: boolean | null;
  shaderF16: boolean;
}

export interface BrowserEnvironment {
  userAgent: string;
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
  onnxruntimeWeb: string;
  /** The onnxruntime-web build the worker loaded (ort.wasm or ort.webgpu). */
  build: string;
  executionProvider: BrowserLane;
  threads: number;
  adapter: AdapterReport | null;
  /** WebGPU: the requestAdapter() options used, and whether onnxruntime-web ran on the device this lab created from that adapter. */
  adapterRequest?: AdapterRequestOptions | null;
  /** "lab": the lab's own GPUDevice went to the EP and the EP used it; "onnxruntime": the EP made its own. */
  deviceOwner?: "lab" | "onnxruntime";
  /** performance.now()'s step in this worker, measured (0.1 ms when the page is not cross-origin isolated). */
  timerResolutionMs: number;
}

export interface BrowserPoint {
  batch: number;
  latencyMs: Summary;
  /** Kept for histograms; evenly thinned when long. Each is the mean of runsPerSample calls. */
  samplesMs: number[];
  /** Calls timed together per sample, so each sample spans ≥ 100 timer ticks. */
  runsPerSample: number;
  itemsPerSecond: number;
  elapsedMs: number;
  cappedEarly: boolean;
}

export interface BrowserRunResult {
  environment: BrowserEnvironment;
  phases: {
    /** onnxruntime-web's JS module, fetched and evaluated. */
    runtimeImportMs: number;
    /** The .wasm runtime and the model file over the network (or HTTP cache). */
    downloadMs: number;
    downloadBytes: number;
    sessionCreateMs: number;
    /** The first inference: kernel compilation, allocation. Never part of steady state. */
    firstRunMs: number;
    /** Session creation plus the first run, read from Date.now() (whole milliseconds): seed 000's naive method. */
    naiveWallClockMs: number;
    /** The `coldRuns` runs after the first, each timed alone. */
    nextRunsMs: number[];
  };
  points: BrowserPoint[];
  /** Batches the runtime refused (out of memory, a device limit), with its words; the run stops at the first. */
  failures?: Array<{ batch: number; reason: string }>;
  output: { name: string; dims: number[]; data: number[] } | null;
  unsynchronised: UnsynchronisedTiming | null;
  /** Own models: what onnxruntime-web said about where each node runs. */
  placement?: PlacementReport;
  /** Present when the request asked for `evaluateUrl`. */
  evaluation?: { reduced: ReducedOutput[]; labels: number[] | null; source: string; runMs: number };
}

export type WorkerEvent =
  | { type: "progress"; fraction: number; message: string }
  | { type: "done"; result: BrowserRunResult }
  | { type: "error"; message: string; unavailable: boolean };

/** Measures the roofline ceilings of one browser lane (lib/browser/ceilings-worker.ts). */
export interface BrowserCeilingsRequest {
  lane: BrowserLane;
  threads: number;
}

export interface BrowserCeilingProbe {
  batch: number;
  inWidth: number;
  outWidth: number;
  bytesPerCall: number;
  flopsPerCall: number;
  p50Ms: number;
  n: number;
  runsPerSample: number;
}

export interface BrowserCeilingsResult {
  lane: BrowserLane;
  threads: number;
  crossOriginIsolated: boolean;
  adapter: AdapterReport | null;
  timerResolutionMs: number;
  probeSet: string;
  note: string;
  bandwidthGBps: number;
  computeGflops: number;
  ridgeFlopsPerByte: number;
  bandwidth: BrowserCeilingProbe;
  compute: BrowserCeilingProbe;
  measuredAt: string;
}

export type CeilingsWorkerEvent = { type: "progress"; fraction: number; message: string } | { type: "done"; result: BrowserCeilingsResult } | { type: "error"; message: string; unavailable: boolean };
