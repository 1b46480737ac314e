/**
 * Running lanes: each browser lane in the Web Worker runner, each server lane
 * as a benchmark job, into the one LaneResult shape.
 */
import type { BrowserProbe } from "@/lib/browser/probe";
import { BrowserLaneUnavailable, runInBrowser } from "@/lib/browser/runner";
import type { BrowserRuntimeSizes } from "@/lib/browser/builds";
import { BROWSER_LANES, type BrowserLaneKey, isServerLaneKey, LANE_TITLES, LANES, type LaneKey, SERVER_LANES, serverLaneIdOf, type ServerLaneKey, storedLane } from "@/lib/lanes";
import { runServerJob } from "./api";
import { browserDownloadBytes, type LaneOutcome, type LaneResult, type Progress, type ResultPoint, type RunPlan } from "./lanes";

function gflops(flopsPerItem: number | null | undefined, batch: number, p50: number): number | null {
  if (!flopsPerItem || !(p50 > 0)) return null;
  return (flopsPerItem * batch) / (p50 * 1e6);
}

async function runBrowserLane(key: BrowserLaneKey, plan: RunPlan, probe: BrowserProbe, onProgress: Progress, signal: AbortSignal, runtime: BrowserRuntimeSizes | null): Promise<LaneResult> {
  const lane = LANES[key].id;
  const threads = LANES[key].threads ? probe.wasmThreads : 1;
  const sizes = browserDownloadBytes(key, plan.modelId, runtime);
  const wasmFile = runtime?.lanes[lane]?.files.find((f) => f.name.endsWith(".wasm"))?.bytes;
  const expectedBytes = wasmFile !== undefined && sizes.model !== null ? wasmFile + sizes.model : null;
  // The worker takes the bytes it is given (transferred), so each lane gets its own copy.
  const ownModel = plan.ownModel ? { ...plan.ownModel, bytes: plan.ownModel.bytes.slice(0) } : undefined;
  const result = await runInBrowser({ lane, modelId: plan.modelId, batches: plan.batches, measure: plan.measure, threads, seed: 1, returnOutput: plan.returnOutput ?? false, expectedBytes: ownModel ? (wasmFile ?? null) : expectedBytes, coldRuns: plan.coldStart?.runs ?? 0, unsynchronised: plan.unsynchronised === true && lane === "webgpu", ...(plan.adapter && lane === "webgpu" ? { adapter: plan.adapter } : {}), ...(ownModel ? { ownModel } : {}) }, onProgress, signal);
  const env = result.environment;
  const adapter = env.adapter;
  const software = lane === "webgpu" && adapter?.isFallbackAdapter === true;
  const softwareUnknown = BROWSER_LANES[lane].canBeSoftware && (adapter?.isFallbackAdapter ?? null) === null;
  const device = lane === "webgpu" ? [adapter?.vendor, adapter?.architecture, adapter?.description].filter(Boolean).join(" ") || "unnamed adapter" : `browser CPU (${env.threads} of ${env.hardwareConcurrency} threads)`;
  // Nodes onnxruntime moved to the CPU make this a mixed run: never titled plain WebGPU.
  const nodesOnCpu = lane === "webgpu" ? (result.placement?.nodesOnCpu ?? 0) : 0;
  return {
    key,
    lane: storedLane(key),
    title: nodesOnCpu > 0 ? `${LANE_TITLES[key]} with ${nodesOnCpu} node${nodesOnCpu === 1 ? "" : "s"} on the CPU (fallback)` : LANE_TITLES[key],
    device,
    software,
    softwareUnknown,
    threads: env.threads,
    phases: { downloadMs: result.phases.downloadMs, downloadBytes: result.phases.downloadBytes, sessionCreateMs: result.phases.sessionCreateMs, firstRunMs: result.phases.firstRunMs, sessionReused: false },
    points: result.points.map((p) => ({ batch: p.batch, latencyMs: p.latencyMs, itemsPerSecond: p.itemsPerSecond, gflopsPerSecond: gflops(plan.flopsPerItem, p.batch, p.latencyMs.p50), samplesMs: p.samplesMs, cappedEarly: p.cappedEarly, runsPerSample: p.runsPerSample })),
    failures: result.failures ?? [],
    cappedBy: result.failures?.length ? `batch ${result.failures[0]!.batch} failed (${result.failures[0]!.reason}), so the sweep stopped at batch ${result.failures[0]!.batch / 2}` : null,
    timer: { resolutionMs: env.timerResolutionMs, crossOriginIsolated: env.crossOriginIsolated },
    environment: { ...env, runtimeImportMs: result.phases.runtimeImportMs },
    benchmarkRunId: null,
    output: result.output,
    cold: plan.coldStart ? { sessionCreateMs: result.phases.sessionCreateMs, firstRunMs: result.phases.firstRunMs, naiveWallClockMs: result.phases.naiveWallClockMs, nextRunsMs: result.phases.nextRunsMs } : null,
    unsynchronised: result.unsynchronised,
    placement: result.placement ?? null,
  };
}

async function runServerLane(key: ServerLaneKey, plan: RunPlan, onProgress: Progress, signal: AbortSignal): Promise<LaneResult> {
  const laneId = serverLaneIdOf(key);
  const sweep = plan.batches.length > 1;
  const scenario = sweep ? { kind: "offline", maxBatch: Math.max(...plan.batches), ...plan.measure } : { kind: "single-stream", batch: plan.batches[0]!, ...plan.measure };
  const threads = laneId === "cpu" && plan.threads !== undefined ? { threads: plan.threads } : {};
  const job = await runServerJob({ model: plan.modelId, lane: laneId, ...threads, scenario, ...(plan.coldStart ? { coldStart: plan.coldStart } : {}) }, onProgress, signal);
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
    threads: job.request.threads ?? null,
    phases: {
      downloadMs: null,
      downloadBytes: null,
      sessionCreateMs: job.results!.session.createMs,
      firstRunMs: job.results!.session.firstRunMs,
      sessionReused: !job.results!.session.created,
    },
    points,
    ...(s.kind === "offline" ? { cappedBy: s.cappedBy, failures: s.failures } : {}),
    timer: null,
    environment: { server: true, lane: job.lane },
    benchmarkRunId: job.id,
    output,
    cold: job.results!.coldStart ?? null,
  };
}

/** Per-lane progress of a run over several lanes. */
export type LanesProgress = (key: LaneKey, fraction: number, message: string) => void;

/**
 * Lanes one after another, whatever each measures: two at once on shared cores
 * would corrupt both. A lane that fails is reported and the next one runs; Stop
 * ends the loop, keeping the lanes that finished before it.
 */
export async function eachLane<R>(keys: LaneKey[], signal: AbortSignal, onProgress: LanesProgress, measure: (key: LaneKey, progress: Progress) => Promise<R>): Promise<Array<LaneOutcome<R>>> {
  const outcomes: Array<LaneOutcome<R>> = [];
  for (const key of keys) {
    if (signal.aborted) break;
    try {
      outcomes.push({ key, ok: true, result: await measure(key, (f, m) => onProgress(key, f, m)) });
    } catch (error) {
      if (signal.aborted) break;
      outcomes.push({ key, ok: false, unavailable: error instanceof BrowserLaneUnavailable, message: error instanceof Error ? error.message : String(error) });
    }
  }
  return outcomes;
}

/** One plan (model, batches, measuring rules) on each lane. */
export function runLanes(keys: LaneKey[], plan: RunPlan, probe: BrowserProbe | null, onProgress: LanesProgress, signal: AbortSignal, runtime: BrowserRuntimeSizes | null = null): Promise<LaneOutcome[]> {
  return eachLane(keys, signal, onProgress, (key, progress) => (isServerLaneKey(key) ? runServerLane(key, plan, progress, signal) : runBrowserLane(key, plan, probe!, progress, signal, runtime)));
}
