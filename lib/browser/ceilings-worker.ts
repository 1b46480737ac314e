/// <reference lib="webworker" />
/**
 * Measures one browser lane's roofline ceilings: the two probes of
 * lib/models/ceiling-probes.ts are built here, in memory, by the project's
 * ONNX builder (nothing is downloaded but the runtime), run on the lane's own
 * onnxruntime-web build, and released. A worker of its own so the tab's memory
 * for a 128 MiB probe is returned when it ends.
 */
import type * as Ort from "onnxruntime-web";
import { BROWSER_CEILING_MEASURE, ridgePoint } from "@/lib/inference/roofline";
import { calibrateRunsPerSample, measure, round, timerResolution } from "@/lib/inference/stats";
import { buildProbe, PROBE_SETS, type ProbeSetId, type ProbeShape, probeBytes, probeFlops, probeInput } from "@/lib/models/ceiling-probes";
import { describeAdapter, type GpuAdapterLike, type GpuLike } from "./adapters";
import { BUILDS, ORT_BASE } from "./builds";
import type { AdapterReport, BrowserCeilingProbe, BrowserCeilingsRequest, BrowserCeilingsResult, CeilingsWorkerEvent } from "./protocol";

declare const self: DedicatedWorkerGlobalScope;

const post = (event: CeilingsWorkerEvent) => self.postMessage(event);

class UnavailableError extends Error {}

async function adapterOf(): Promise<{ adapter: GpuAdapterLike; report: AdapterReport }> {
  const gpu = (self.navigator as unknown as { gpu?: GpuLike }).gpu;
  if (!gpu) throw new UnavailableError("this browser does not expose WebGPU (navigator.gpu is missing)");
  const adapter = await gpu.requestAdapter();
  if (!adapter) throw new UnavailableError("the browser exposes WebGPU but found no usable GPU adapter");
  return { adapter, report: describeAdapter(adapter) };
}

async function probe(ort: typeof Ort, lane: BrowserCeilingsRequest["lane"], shape: ProbeShape, name: string, resolutionMs: number, step: number, steps: number): Promise<BrowserCeilingProbe> {
  post({ type: "progress", fraction: step / steps, message: `building the ${name} probe (${((4 * shape.inWidth * shape.outWidth) / 2 ** 20).toFixed(0)} MiB of weights)` });
  const session = await ort.InferenceSession.create(buildProbe(shape, name), { executionProviders: [lane], graphOptimizationLevel: "all" });
  try {
    const feeds = { input: new ort.Tensor("float32", probeInput(shape), [shape.batch, shape.inWidth]) };
    const call = () => session.run(feeds);
    for (let i = 0; i < BROWSER_CEILING_MEASURE.warmupRuns; i += 1) await call();
    const runsPerSample = await calibrateRunsPerSample(call, resolutionMs);
    const result = await measure(call, { ...BROWSER_CEILING_MEASURE, warmupRuns: 0 }, {
      runsPerSample,
      onProgress: (fraction) => post({ type: "progress", fraction: (step + fraction) / steps, message: `measuring the ${name} probe (${shape.batch}×${shape.inWidth}×${shape.outWidth})` }),
    });
    return { ...shape, bytesPerCall: probeBytes(shape), flopsPerCall: probeFlops(shape), p50Ms: round(result.summary.p50), n: result.summary.n, runsPerSample: result.runsPerSample };
  } finally {
    await session.release();
  }
}

async function run(request: BrowserCeilingsRequest): Promise<BrowserCeilingsResult> {
  const gpu = request.lane === "webgpu" ? await adapterOf() : null;
  const resolutionMs = timerResolution();
  post({ type: "progress", fraction: 0, message: "loading onnxruntime-web" });
  const build = BUILDS[request.lane];
  const ort = (await import(/* webpackIgnore: true */ /* turbopackIgnore: true */ `${ORT_BASE}${build.module}`)) as typeof Ort;
  // Without cross-origin isolation there is no SharedArrayBuffer: one thread, and the result says so.
  const threads = request.lane === "wasm" && self.crossOriginIsolated ? Math.max(1, request.threads) : 1;
  ort.env.wasm.numThreads = threads;
  ort.env.wasm.wasmPaths = ORT_BASE;
  ort.env.logLevel = "error";
  if (gpu) ort.env.webgpu.adapter = gpu.adapter as unknown as typeof ort.env.webgpu.adapter;
  const setId: ProbeSetId = request.lane === "webgpu" ? "webgpu" : "wasm";
  const set = PROBE_SETS[setId];
  let bandwidth: BrowserCeilingProbe;
  let compute: BrowserCeilingProbe;
  try {
    bandwidth = await probe(ort, request.lane, set.bandwidth, "bandwidth", resolutionMs, 0, 1 + set.compute.length);
    let best: BrowserCeilingProbe | null = null;
    for (const [index, shape] of set.compute.entries()) {
      const measured = await probe(ort, request.lane, shape, "compute", resolutionMs, 1 + index, 1 + set.compute.length);
      if (!best || measured.flopsPerCall / measured.p50Ms > best.flopsPerCall / best.p50Ms) best = measured;
    }
    compute = best!;
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    if (request.lane === "webgpu" && /adapter|backend/i.test(why)) throw new UnavailableError(`onnxruntime-web could not start its WebGPU backend: ${why}`);
    throw error;
  }
  const bandwidthGBps = round(bandwidth.bytesPerCall / (bandwidth.p50Ms * 1e6));
  const computeGflops = round(compute.flopsPerCall / (compute.p50Ms * 1e6));
  return {
    lane: request.lane,
    threads,
    crossOriginIsolated: self.crossOriginIsolated,
    adapter: gpu?.report ?? null,
    timerResolutionMs: resolutionMs,
    probeSet: setId,
    note: set.note,
    bandwidthGBps,
    computeGflops,
    ridgeFlopsPerByte: round(ridgePoint({ bandwidthGBps, computeGflops })),
    bandwidth,
    compute,
    measuredAt: new Date().toISOString(),
  };
}

self.onmessage = (message: MessageEvent<BrowserCeilingsRequest>) => {
  run(message.data).then(
    (result) => post({ type: "done", result }),
    (error: unknown) => post({ type: "error", message: error instanceof Error ? error.message : String(error), unavailable: error instanceof UnavailableError }),
  );
};
