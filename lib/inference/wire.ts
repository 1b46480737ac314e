/**
 * What the server sends the browser, declared once: GET /api/capabilities,
 * benchmark job snapshots (GET /api/benchmarks/{id} and its event stream) and
 * the scenario results inside them. Browser-safe (types only). The server's
 * implementation is checked against these types by the compiler (explicit
 * return types in scenarios.server.ts, `satisfies` in api.server.ts, JobSnapshot
 * extending WireJobSnapshot), and the experiment components read these types,
 * so a server change that drops a field the browser reads fails `npm run
 * typecheck` (test/types/wire.test-d.ts). See docs/decisions/0011-lane-vocabulary-and-wire-types.md.
 */
import type { HardwareKind, ServerLaneId } from "@/lib/lanes";
import type { CudaVisibility } from "./cuda-visible-devices";
import type { HybridOutcome, HybridPolicy, HybridWorkload, LaneBatching, WakeUpCurve } from "./hybrid-sim";
import type { TensorSpec } from "./model";
import type { BenchmarkRequest } from "./schemas";
import type { Summary } from "./stats";

export type { HardwareKind };

/** One server lane as /api/capabilities reports it. */
export interface WireLaneInfo {
  id: ServerLaneId;
  title: string;
  available: boolean;
  /** Why the lane cannot be used (the runtime's own words), or null when it can. */
  reason: string | null;
  device: string | null;
  /** True for a software rasteriser posing as a GPU (SwiftShader): its speed is not GPU speed. Null when unknown. */
  software: boolean | null;
  threads: { min: number; max: number; default: number } | null;
  notes: string[];
}

/** A model as a job snapshot and /api/capabilities describe it. */
export interface WireModelDetails {
  id: string;
  title: string;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  maxBatch: number;
  flopsPerItem: number | null;
  weightBytes: number | null;
  parameters: number | null;
}

export interface WireCapabilityModel extends WireModelDetails {
  /** Built and loadable (npm run models:build). */
  ready: boolean;
  batchAxis: number | null;
  catalog?: {
    task: string;
    variant: string;
    baseId: string;
    license: string;
    source: string;
    evaluation: unknown;
    /** Present on a model an instructor uploaded: who added it, and when (ISO time). */
    addedBy?: { name: string; at: string };
    sha256?: string;
    sizeBytes?: number;
  };
}

/** GET /api/capabilities. */
export interface WireCapabilities {
  lanes: WireLaneInfo[];
  models: WireCapabilityModel[];
  limits: { maxBodyBytes: number; benchmarkQueuePerResource: number; benchmarkTimeCapMs: number };
  v2: { lane: ServerLaneId };
}

/** Throughput of a measured loop (see stats.throughputOf), rounded. */
export interface WireThroughput {
  itemsPerSecond: number;
  timedItemsPerSecond: number;
  p50ItemsPerSecond: number;
  loopOverheadUs: number;
}

export interface SingleStreamResult extends WireThroughput {
  kind: "single-stream";
  batch: number;
  latencyMs: Summary;
  /** An evenly spaced subset (at most 2000) for histograms; the summary is computed from all samples. */
  samplesMs: number[];
  elapsedMs: number;
  gflopsPerSecond: number | null;
  cappedEarly: boolean;
}

export interface OfflinePoint extends WireThroughput {
  batch: number;
  latencyMs: Summary;
  msPerItem: number;
  gflopsPerSecond: number | null;
  cappedEarly: boolean;
}

export interface OfflineResult {
  kind: "offline";
  points: OfflinePoint[];
  /** What stopped the sweep below the requested largest batch, in plain words, or null. */
  cappedBy: string | null;
  /** Batches that failed (out of memory, a lane's limit), each with the runtime's reason; the sweep stops at the first. */
  failures: Array<{ batch: number; reason: string }>;
  bestBatch: number;
  bestItemsPerSecond: number;
}

export interface ServerPointStats {
  completed: number;
  rejected: number;
  elapsedMs: number;
  throughputPerSecond: number;
  latencyMs: Summary;
  queueMs: Summary;
  computeMs: Summary;
  meanBatchRows: number;
}

/** What an open-loop (Poisson) load level measured about its own load (lib/inference/open-loop.ts). */
export interface OpenLoopStats {
  /** Of the arrival schedule: each point draws a fresh one, so one unlucky draw does not bias every run. */
  seed: number;
  /** Arrivals scheduled and sent (admitted or rejected). */
  offered: number;
  /**
   * Arrivals per second of the drawn Poisson schedule: a sample of n arrivals
   * strays from the target rate by about 1/√n (±5.8% at 300) by chance alone.
   */
  scheduledRate: number | null;
  /** Arrivals per second actually sent, null with fewer than two. */
  achievedRate: number | null;
  /** Achieved within ±5% of the schedule: the sender kept up, the load was the load drawn. */
  keptSchedule: boolean;
  /** How late the sender issued arrivals against their schedule (ms); counted in every latency. */
  senderLagMs: { p50: number; p99: number; max: number };
  /** Rate kept, nothing rejected, served within 10% of offered: a queue that does not grow. */
  stable: boolean;
  /** L (time-average requests in the system) against λ × W, over the run after its first 10%. */
  littlesLaw: { windowMs: number; meanInSystem: number; arrivalRatePerSecond: number; meanLatencyMs: number; predictedInSystem: number; ratio: number | null } | null;
}

/**
 * One load level: `concurrency` closed-loop clients, or Poisson arrivals at
 * `targetRate` requests/s (open loop: latency counts from each scheduled arrival).
 */
export type ServerPoint = ServerPointStats & ({ concurrency: number } | { targetRate: number; openLoop: OpenLoopStats });

export interface WireBatching {
  maxBatchSize: number;
  maxQueueDelayMs: number;
  maxQueueSize: number;
  instances?: number;
}

export interface ServerResult {
  kind: "server";
  mode: "poisson" | "concurrency";
  /** Null: no dynamic batching, every request ran alone. */
  batching: WireBatching | null;
  points: ServerPoint[];
  curve: Array<{ load: number; throughputPerSecond: number; p99Ms: number }>;
}

/**
 * The live hybrid scenario: one workload routed by one policy across two
 * lanes (the job's lane is A), in the shape the simulation reports
 * (lib/inference/hybrid-sim.ts), so the two can be compared field by field.
 */
export interface HybridResult {
  kind: "hybrid";
  workload: HybridWorkload;
  policy: HybridPolicy;
  batching: [LaneBatching | null, LaneBatching | null];
  /**
   * How much slower each lane ran while the other ran too (0.3: 30%), measured
   * before the run at the mix's commonest size; null when not measured.
   */
  contention: {
    a: number;
    b: number;
    /** The lane (0 = A, 1 = B) whose calls hold Node's event loop for their length, or null. */
    blocking: 0 | 1 | null;
    batch: number;
    aloneMs: [number, number];
    togetherMs: [number, number];
    /** Share of each lane's solo run time the event loop was held. */
    heldShare: [number, number];
    /** Per lane, per batch size the policy may hand it: median call back to back, and what a call costs extra after each idle gap. */
    wakeUp: [WakeUpCurve[], WakeUpCurve[]];
    /** How late a batching deadline's timer fired, at LAG_PROBABILITIES; null when no lane batches. */
    timerLateMs: number[] | null;
    /** How much slower each lane's calls ran amid the other's traffic at the rates the policy sends each (besideRates, req/s); 0 where a lane gets none. */
    beside: [number, number];
    besideRates: [number, number];
  } | null;
  /** How late the sender issued arrivals against their schedule (ms); counted in every latency. */
  senderLagMs: { p50: number; p99: number; max: number };
  /**
   * The same, for arrivals due while no call of the blocking lane held the
   * event loop: the sender's own lateness (timers, other work), which the
   * simulation adds; lag while the host was held it models itself.
   */
  ownSenderLagMs: { p50: number; p99: number; max: number; /** At LAG_PROBABILITIES (lib/inference/hybrid-sim.ts). */ quantiles: number[] } | null;
  outcome: HybridOutcome;
}

export type ScenarioResult = SingleStreamResult | OfflineResult | ServerResult | HybridResult;

export type JobState = "queued" | "running" | "done" | "failed" | "cancelled";

export interface WireSessionPhase {
  /** False when an earlier job's session was reused: its create and first-run times belong to that job. */
  created: boolean;
  createMs: number;
  firstRunMs: number | null;
}

/**
 * A cold start (requested with `coldStart`): a session created for this job
 * alone, timed phase by phase before the steady state, and released after.
 * The browser runner reports the same phases under the same names.
 */
export interface WireColdStart {
  batch: number;
  sessionCreateMs: number;
  firstRunMs: number;
  /** Creation plus first run read from Date.now() (whole milliseconds): seed 000's naive method. */
  naiveWallClockMs: number;
  /** The runs after the first, each timed alone, in order. */
  nextRunsMs: number[];
  /** The session was released once the job's steady-state measurement ended. */
  released: boolean;
}

/** A benchmark job as GET /api/benchmarks/{id} and each event of its stream send it. */
export interface WireJobSnapshot {
  id: string;
  state: JobState;
  progress: number;
  message: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  request: BenchmarkRequest;
  lane: { id: string; device: string | null; software: boolean | null };
  /** The second lane of a hybrid job (the job's lane is its lane A). */
  laneB?: { id: string; device: string | null; software: boolean | null };
  model: WireModelDetails;
  /** Jobs ahead of this one on the same hardware. */
  queuePosition: number | null;
  results: { session: WireSessionPhase; scenario: ScenarioResult; coldStart?: WireColdStart } | null;
  error: string | null;
  persisted: boolean;
}

/** One ceiling probe as measured: what it moved or computed per call and how fast. */
export interface WireCeilingProbe {
  batch: number;
  inWidth: number;
  outWidth: number;
  bytesPerCall: number;
  flopsPerCall: number;
  p50Ms: number;
  n: number;
}

/** POST /api/ceilings: a lane's measured roofline ceilings (cached per lane, device and threads). */
export interface WireCeilings {
  lane: { id: ServerLaneId; device: string | null; software: boolean | null };
  threads: number | null;
  /** Which probe sizes (lib/models/ceiling-probes.ts) and why. */
  probeSet: string;
  note: string;
  bandwidthGBps: number;
  computeGflops: number;
  ridgeFlopsPerByte: number;
  bandwidth: WireCeilingProbe;
  compute: WireCeilingProbe;
  measuredAt: string;
  /** True when this answer came from the cache rather than a measurement just now. */
  cached: boolean;
}

/** GET /api/model-memory?model=…: a model's measured activation footprint. */
export interface WireModelMemory {
  model: string;
  fixedBytes: number;
  perItemBytes: number;
  /** How it was measured, in words. */
  method: string;
}

/** How one server lane picks its device (GET /api/devices). */
export interface WireLaneSelection {
  lane: ServerLaneId;
  title: string;
  available: boolean;
  software: boolean | null;
  device: string | null;
  reason: string | null;
  /** The onnxruntime execution provider, as onnxruntime names it; null for a lane that is not onnxruntime here. */
  executionProvider: string | null;
  /** How the device is chosen, in plain words. */
  selection: string;
  /** The environment variables that steer it, with this server's values (null: unset). */
  variables: Array<{ name: string; value: string | null; effect: string }>;
}

/** What one CUDA_VISIBLE_DEVICES value exposes: NVIDIA's documented rule, and what a child process's runtime saw. */
export interface WireCudaProbeRow {
  value: string | null;
  rule: CudaVisibility;
  /** Null when the probe could not run on this machine (WireCudaProbe.reason says why). */
  observed: { deviceCount: number; devices: string[]; via: string } | { error: string } | null;
}

export interface WireCudaProbe {
  canRun: boolean;
  /** Why the probe cannot run here, in plain words; null when it ran. */
  reason: string | null;
  /** Each precondition, checked: the driver library, the CUDA EP binary, a device. */
  checks: Array<{ name: string; ok: boolean; detail: string }>;
  /** nvidia-smi's list of physical GPUs (it ignores CUDA_VISIBLE_DEVICES); null without nvidia-smi. */
  physicalGpus: string[] | null;
  rows: WireCudaProbeRow[];
  probedAt: string;
  /** Probes are cached; a refresh is honoured no earlier than this. */
  refreshAfter: string;
}

export interface WireDevices {
  lanes: WireLaneSelection[];
  /** The lane this server's /v2 endpoints run on (V2_LANE). */
  v2Lane: ServerLaneId;
  cuda: WireCudaProbe;
}
