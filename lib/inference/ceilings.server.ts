import "server-only";
import { InferenceSession, Tensor } from "onnxruntime-node";
import { HttpError } from "@/lib/http/errors";
import { buildProbe, PROBE_SETS, type ProbeSetId, type ProbeShape, probeBytes, probeFlops, probeInput } from "@/lib/models/ceiling-probes";
import { benchmarkJobs } from "./benchmarks.server";
import { resourceOf } from "./jobs.server";
import { type LaneInfo, requireLane } from "./lanes.server";
import { CEILING_MEASURE, ridgePoint } from "./roofline";
import type { CeilingsRequest } from "./schemas";
import { providerFor, resolveThreads } from "./sessions.server";
import { measure, type MeasureOptions, round } from "./stats";

export { CEILING_MEASURE };
import type { WireCeilingProbe, WireCeilings } from "./wire";

export function probeSetFor(lane: LaneInfo): ProbeSetId {
  return lane.id === "webgpu" ? "webgpu" : "native";
}

const globalForCeilings = globalThis as unknown as { inferenceLabCeilings?: Map<string, WireCeilings> };
const cache: Map<string, WireCeilings> = (globalForCeilings.inferenceLabCeilings ??= new Map());

const cacheKey = (lane: LaneInfo, threads: number | null) => `${lane.id}|${lane.device ?? "-"}|${threads ?? "-"}`;

/**
 * One probe on a session of its own (never the shared cache: the probe is not a
 * registry model, and its 256 MiB must be freed as soon as it is measured).
 */
export async function measureProbe(lane: LaneInfo, threads: number | null, shape: ProbeShape, name: string, options: MeasureOptions = CEILING_MEASURE, signal?: AbortSignal): Promise<WireCeilingProbe> {
  let session: InferenceSession;
  try {
    session = await InferenceSession.create(buildProbe(shape, name), {
      executionProviders: [providerFor(lane.id)],
      graphOptimizationLevel: "all",
      logSeverityLevel: 3,
      ...(threads !== null ? { intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: "sequential" as const } : {}),
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new HttpError(422, `could not create the ${name} probe on lane ${lane.id}: ${message.trim().split("\n").pop()}`);
  }
  try {
    const feeds = { input: new Tensor("float32", probeInput(shape), [shape.batch, shape.inWidth]) };
    const result = await measure(() => session.run(feeds), options, { signal });
    return {
      ...shape,
      bytesPerCall: probeBytes(shape),
      flopsPerCall: probeFlops(shape),
      p50Ms: round(result.summary.p50),
      n: result.summary.n,
    };
  } finally {
    await session.release();
  }
}

/** The lane's ceilings: the cached ones for this lane, device and thread count, or measured now (with the hardware to itself). */
export async function laneCeilings(request: CeilingsRequest, options: MeasureOptions = CEILING_MEASURE): Promise<WireCeilings> {
  const lane = await requireLane(request.lane);
  if (lane.id === "remote") throw new HttpError(422, "the remote lane runs on another server; its ceilings are measured there, not from here");
  const threads = resolveThreads(lane, request.threads);
  const key = cacheKey(lane, threads);
  const cached = cache.get(key);
  if (cached && !request.remeasure) return { ...cached, cached: true };
  return benchmarkJobs().runExclusive(resourceOf(lane), async () => {
    const setId = probeSetFor(lane);
    const set = PROBE_SETS[setId];
    const bandwidth = await measureProbe(lane, threads, set.bandwidth, "bandwidth", options);
    let compute: WireCeilingProbe | null = null;
    for (const shape of set.compute) {
      const measured = await measureProbe(lane, threads, shape, "compute", options);
      if (!compute || measured.flopsPerCall / measured.p50Ms > compute.flopsPerCall / compute.p50Ms) compute = measured;
    }
    if (!compute) throw new Error(`probe set ${setId} has no compute probe`);
    const bandwidthGBps = round(bandwidth.bytesPerCall / (bandwidth.p50Ms * 1e6));
    const computeGflops = round(compute.flopsPerCall / (compute.p50Ms * 1e6));
    const result: WireCeilings = {
      lane: { id: lane.id, device: lane.device, software: lane.software },
      threads,
      probeSet: setId,
      note: set.note,
      bandwidthGBps,
      computeGflops,
      ridgeFlopsPerByte: round(ridgePoint({ bandwidthGBps, computeGflops })),
      bandwidth,
      compute,
      measuredAt: new Date().toISOString(),
      cached: false,
    };
    cache.set(key, result);
    return result;
  });
}

/** Forgets every cached ceiling (tests). */
export function clearCeilings(): void {
  cache.clear();
}
