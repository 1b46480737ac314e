/// <reference lib="webworker" />
/**
 * The browser runner: one Web Worker per run, so inference never blocks the
 * page and Stop can terminate it mid-kernel. onnxruntime-web is imported here,
 * at run time, from /ort/ (copied by scripts/lib.mjs ensureBrowserAssets):
 * no ORT bytes reach the page before a learner starts an experiment.
 */
import type * as Ort from "onnxruntime-web";
import { calibrateRunsPerSample, keepSamples, measure, timerResolution } from "@/lib/inference/stats";
import type { QualityDataHeader } from "@/lib/inference/quality";
import { reduceOutput, type ReducedOutput } from "@/lib/models/metrics";
import { ownModelFeeds } from "@/lib/models/own-model";
import { getModel, makeInput, type InputTensor } from "@/lib/models/registry";
import { type AdapterRequestOptions, describeAdapter, deviceDescriptor, type GpuAdapterInfo, type GpuAdapterLike, type GpuDeviceLike, type GpuLike, softwareVerdict } from "./adapters";
import { BUILDS, ORT_BASE } from "./builds";
import { modelUrl } from "./models";
import type { AdapterReport, BrowserPoint, BrowserRunRequest, BrowserRunResult, PlacementReport, UnsynchronisedTiming, WorkerEvent } from "./protocol";
import { measureUnsynchronised } from "./unsynchronised";

declare const self: DedicatedWorkerGlobalScope;

const post = (event: WorkerEvent) => self.postMessage(event);

class UnavailableError extends Error {}

async function fetchBytes(url: string, onBytes: (received: number, total: number | null) => void): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) {
    let detail = `${response.status}`;
    try {
      detail = ((await response.json()) as { error?: string }).error ?? detail;
    } catch {
      // not JSON
    }
    throw new Error(`download of ${url} failed: ${detail}`);
  }
  // A compressed response's Content-Length counts compressed bytes, not the ones the reader yields.
  const length = response.headers.get("content-encoding") ? null : Number(response.headers.get("content-length") ?? Number.NaN);
  const total = length !== null && length > 0 ? length : null;
  onBytes(0, total);
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    received += value.byteLength;
    onBytes(received, total);
  }
  const bytes = new Uint8Array(received);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

async function webgpuAdapter(options: AdapterRequestOptions | undefined): Promise<GpuAdapterLike> {
  const gpu = (self.navigator as unknown as { gpu?: GpuLike }).gpu;
  if (!gpu) throw new UnavailableError("this browser does not expose WebGPU (navigator.gpu is missing; it may be switched off or unsupported)");
  const adapter = await gpu.requestAdapter(options);
  if (!adapter) throw new UnavailableError(`the browser exposes WebGPU but found no usable GPU adapter${options ? ` for requestAdapter(${JSON.stringify(options)})` : ""} (blocked, switched off, or no driver)`);
  return adapter;
}

/** Counts submissions to a device's queue from here on (GPUQueue is one object per device, so every caller gets the wrapper). */
function countSubmits(device: GpuDeviceLike): () => number {
  const queue = device.queue as { submit(buffers: unknown): void } | undefined;
  if (!queue) return () => 0;
  const submit = queue.submit.bind(queue);
  let count = 0;
  queue.submit = (buffers: unknown) => {
    count += 1;
    submit(buffers);
  };
  return () => count;
}

function tensorOf(ort: typeof Ort, input: InputTensor): Ort.Tensor {
  return new ort.Tensor(input.dtype, input.data as Float32Array, input.dims);
}

/**
 * Progress of the runtime and model downloads together, in real bytes. The
 * total is known once every response has answered (Content-Length), or from
 * what the page expects when a response does not say.
 */
function downloadProgress(expectedBytes: number | null) {
  const received = new Map<string, number>();
  const totals = new Map<string, number | null>();
  let lastReport = 0;
  const report = (force: boolean) => {
    const now = performance.now();
    if (!force && now - lastReport < 100) return;
    lastReport = now;
    const got = [...received.values()].reduce((a, b) => a + b, 0);
    const known = totals.size === 2 && [...totals.values()].every((t) => t !== null) ? [...totals.values()].reduce<number>((a, b) => a + b!, 0) : null;
    const total = known ?? (expectedBytes && expectedBytes >= got ? expectedBytes : null);
    const mb = (n: number) => (n / 1e6).toFixed(1);
    post({ type: "progress", fraction: total ? Math.min(1, got / total) : 0, message: `downloading the runtime and model: ${mb(got)}${total ? ` of ${mb(total)}` : ""} MB` });
  };
  return {
    track: (label: string) => (bytes: number, total: number | null) => {
      if (!totals.has(label)) totals.set(label, total);
      received.set(label, bytes);
      report(false);
    },
    done: () => report(true),
  };
}


const PLACEMENT_LINE = /placed on \[|not assigned to the preferred|fall(ing)? ?back|not supported|CPUExecutionProvider/i;

/**
 * Creates the session while keeping what onnxruntime logs about node placement: its
 * C++ log reaches the worker's console, the only place it says which nodes left WebGPU.
 */
async function createWithPlacementLog(create: () => Promise<Ort.InferenceSession>): Promise<{ session: Ort.InferenceSession; placement: PlacementReport }> {
  const log: string[] = [];
  const methods = ["log", "info", "warn", "error", "debug"] as const;
  const originals = methods.map((m) => globalThis.console[m]);
  for (const m of methods) {
    globalThis.console[m] = (...args: unknown[]) => {
      const line = args.map(String).join(" ");
      if (PLACEMENT_LINE.test(line)) log.push(line.slice(0, 500));
    };
  }
  try {
    const session = await create();
    const counts = log.flatMap((line) => {
      const match = /placed on \[CPUExecutionProvider\]\. Number of nodes: (\d+)/i.exec(line);
      return match ? [Number(match[1])] : [];
    });
    const allOnOther = log.some((line) => /All nodes placed on \[(?!CPUExecutionProvider)/i.test(line));
    return { session, placement: { log, nodesOnCpu: counts.length ? counts.reduce((a, b) => a + b, 0) : allOnOther ? 0 : null } };
  } finally {
    methods.forEach((m, i) => (globalThis.console[m] = originals[i]!));
  }
}

async function run(request: BrowserRunRequest): Promise<BrowserRunResult> {
  const own = request.ownModel;
  const spec = own ? null : getModel(request.modelId);
  if (!own && !spec) throw new Error(`unknown model ${request.modelId}`);
  const build = BUILDS[request.lane];
  const adapter = request.lane === "webgpu" ? await webgpuAdapter(request.adapter) : null;
  // Measured, not assumed: the step depends on isolation and on the browser.
  const resolutionMs = timerResolution();

  post({ type: "progress", fraction: 0, message: "loading onnxruntime-web" });
  const t0 = performance.now();
  const ort = (await import(/* webpackIgnore: true */ /* turbopackIgnore: true */ `${ORT_BASE}${build.module}`)) as typeof Ort;
  const runtimeImportMs = performance.now() - t0;

  // Without cross-origin isolation SharedArrayBuffer is missing and ORT would quietly use 1 thread; say so instead.
  const threads = request.lane === "wasm" && self.crossOriginIsolated ? Math.max(1, request.threads) : 1;
  ort.env.wasm.numThreads = threads;
  ort.env.wasm.wasmPaths = ORT_BASE;
  ort.env.logLevel = "error";

  // The runtime .wasm is fetched here, not by onnxruntime-web, so the progress bar can follow its bytes.
  const t1 = performance.now();
  const download = downloadProgress(request.expectedBytes ?? null);
  // A learner's own model is already here (transferred from the page): only the runtime is fetched.
  const [wasmBinary, modelBytes] = await Promise.all([fetchBytes(`${ORT_BASE}${build.wasm}`, download.track("runtime")), own ? new Uint8Array(own.bytes) : fetchBytes(modelUrl(spec!.id), download.track("model"))]);
  download.done();
  const downloadMs = performance.now() - t1;
  ort.env.wasm.wasmBinary = wasmBinary;
  if (adapter) ort.env.webgpu.adapter = adapter as unknown as typeof ort.env.webgpu.adapter;
  // onnxruntime-web 1.30's native WebGPU EP checks env.webgpu.adapter but then makes its own device
  // from a default requestAdapter(); only a GPUDevice passed as the EP's `device` option pins the adapter.
  const ownDevice = adapter && request.adapter ? await adapter.requestDevice(deviceDescriptor(adapter)) : null;
  // Proof that the EP used it: onnxruntime-web 1.30 does not publish a device it was given as
  // env.webgpu.device (asking for that would create yet another device), so count its queue's submits.
  const submitsOnOwnDevice = ownDevice ? countSubmits(ownDevice) : null;

  post({ type: "progress", fraction: 0, message: "creating the session" });
  const sessionOptions: Ort.InferenceSession.SessionOptions = {
    executionProviders: [ownDevice ? ({ name: "webgpu", device: ownDevice } as unknown as Ort.InferenceSession.ExecutionProviderConfig) : request.lane],
    graphOptimizationLevel: "all",
    ...(spec?.sessionOptions ? { extra: { session: spec.sessionOptions } } : {}),
  };
  const feedsFor = (batch: number, seed: number) => Object.fromEntries((own ? ownModelFeeds(own, batch, seed) : makeInput(spec!, batch, seed)).map((t) => [t.name, tensorOf(ort, t)]));
  const firstFeeds = feedsFor(request.batches[0]!, request.seed);
  // Seed 000's naive method, kept for comparison: loading and the first inference in one reading of the millisecond wall clock.
  const wallStart = Date.now();
  const t2 = performance.now();
  let session: Ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(modelBytes, sessionOptions);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    if (request.lane === "webgpu") throw new UnavailableError(`onnxruntime-web could not start its WebGPU backend: ${why}`);
    throw error;
  }
  const sessionCreateMs = performance.now() - t2;

  const t3 = performance.now();
  const firstOutputs = await session.run(firstFeeds);
  const firstRunMs = performance.now() - t3;
  const naiveWallClockMs = Date.now() - wallStart;
  // The cold start's next runs, one by one, before any warm-up: the same phases the server's cold start reports.
  const nextRunsMs: number[] = [];
  for (let i = 0; i < (request.coldRuns ?? 0); i += 1) {
    const t = performance.now();
    await session.run(firstFeeds);
    nextRunsMs.push(performance.now() - t);
  }
  let output: BrowserRunResult["output"] = null;
  if (request.returnOutput) {
    const name = session.outputNames[0]!;
    const tensor = firstOutputs[name]!;
    output = { name, dims: [...tensor.dims], data: Array.from(tensor.data as Float32Array, Number) };
  }

  const points: BrowserPoint[] = [];
  const failures: Array<{ batch: number; reason: string }> = [];
  for (const [index, batch] of request.batches.entries()) {
    let runsPerSample: number;
    let result: Awaited<ReturnType<typeof measure>>;
    try {
      const feeds = index === 0 ? firstFeeds : feedsFor(batch, batch);
      const call = () => session.run(feeds);
      post({ type: "progress", fraction: index / request.batches.length, message: `measuring batch ${batch}: warming up` });
      for (let i = 0; i < request.measure.warmupRuns; i += 1) await call();
      // After warm-up, so kernel compilation does not make calls look slow and samples too short.
      runsPerSample = await calibrateRunsPerSample(call, resolutionMs);
      result = await measure(call, { ...request.measure, warmupRuns: 0 }, {
        runsPerSample,
        onProgress: (fraction) => post({ type: "progress", fraction: (index + fraction) / request.batches.length, message: `measuring batch ${batch}` }),
      });
    } catch (error) {
      // Out of memory or a device limit at this batch: a result with its reason; larger batches would fail too.
      if (index === 0) throw error;
      failures.push({ batch, reason: (error instanceof Error ? error.message : String(error)).trim().split("\n")[0]!.slice(0, 300) });
      break;
    }
    points.push({
      batch,
      latencyMs: result.summary,
      samplesMs: keepSamples(result.samplesMs),
      runsPerSample: result.runsPerSample,
      itemsPerSecond: (result.runs * batch * 1000) / result.elapsedMs,
      elapsedMs: result.elapsedMs,
      cappedEarly: result.cappedEarly,
    });
  }

  let unsynchronised: UnsynchronisedTiming | null = null;
  if (request.unsynchronised && request.lane === "webgpu") {
    post({ type: "progress", fraction: 0, message: "timing calls whose outputs stay on the GPU" });
    unsynchronised = await measureUnsynchronised(ort, modelBytes, sessionOptions, firstFeeds, request.batches[0]!, (fraction) => post({ type: "progress", fraction, message: "timing calls whose outputs stay on the GPU" }));
  }

  let adapterReport: AdapterReport | null = adapter ? describeAdapter(adapter) : null;
  let deviceOwner: "lab" | "onnxruntime" | undefined;
  if (adapterReport && request.lane === "webgpu") {
    // Prefer the device ORT really ran on (its adapterInfo) over our own probe.
    try {
      if (submitsOnOwnDevice) deviceOwner = submitsOnOwnDevice() > 0 ? "lab" : "onnxruntime";
      const device = deviceOwner === "lab" ? ownDevice! : ((await ort.env.webgpu.device) as unknown as GpuDeviceLike | undefined);
      const info: GpuAdapterInfo | undefined = device?.adapterInfo;
      if (info) {
        adapterReport = {
          ...adapterReport,
          vendor: info.vendor || adapterReport.vendor,
          architecture: info.architecture || adapterReport.architecture,
          device: info.device || adapterReport.device,
          description: info.description || adapterReport.description,
          isFallbackAdapter: softwareVerdict(info, adapterReport.isFallbackAdapter ?? undefined).software,
        };
      }
    } catch {
      // The adapter we handed ORT is the one it used.
    }
  }
  // Own models on WebGPU: where did each node run? onnxruntime says so only in its verbose log,
  // which slows session creation, so a second, untimed session is made to read it.
  let placement: PlacementReport | undefined;
  if (own && request.lane === "webgpu") {
    post({ type: "progress", fraction: 1, message: "asking onnxruntime-web where each node ran" });
    const check = await createWithPlacementLog(() => ort.InferenceSession.create(modelBytes, { ...sessionOptions, logSeverityLevel: 0, logVerbosityLevel: 0 }));
    placement = check.placement;
    await check.session.release();
  }
  const evaluation = request.evaluateUrl && spec ? await evaluate(ort, session, spec.baseId, request.evaluateUrl) : undefined;
  await session.release();
  return {
    environment: {
      userAgent: self.navigator.userAgent,
      crossOriginIsolated: self.crossOriginIsolated,
      hardwareConcurrency: self.navigator.hardwareConcurrency,
      onnxruntimeWeb: ort.env.versions.web ?? "unknown",
      build: build.module,
      executionProvider: request.lane,
      threads: request.lane === "wasm" ? (ort.env.wasm.numThreads ?? threads) : 1,
      adapter: adapterReport,
      ...(request.lane === "webgpu" ? { adapterRequest: request.adapter ?? null, ...(deviceOwner ? { deviceOwner } : {}) } : {}),
      timerResolutionMs: resolutionMs,
    },
    phases: { runtimeImportMs, downloadMs, downloadBytes: wasmBinary.byteLength + modelBytes.byteLength, sessionCreateMs, firstRunMs, naiveWallClockMs, nextRunsMs },
    points,
    failures,
    output,
    unsynchronised,
    ...(placement ? { placement } : {}),
    ...(evaluation ? { evaluation } : {}),
  };
}

/** The held-out set through this session, each batch's first output reduced for the quality metric. */
async function evaluate(ort: typeof Ort, session: Ort.InferenceSession, baseId: string, url: string): Promise<NonNullable<BrowserRunResult["evaluation"]>> {
  post({ type: "progress", fraction: 1, message: "scoring on held-out data" });
  const bytes = await fetchBytes(url, () => undefined);
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + headerLength))) as QualityDataHeader;
  const start = Math.ceil((4 + headerLength) / 4) * 4;
  const values = new Float32Array(bytes.buffer.slice(bytes.byteOffset + start, bytes.byteOffset + bytes.byteLength));
  const name = session.outputNames[0]!;
  const reduced: ReducedOutput[] = [];
  let offset = 0;
  const started = performance.now();
  for (const batch of header.batches) {
    const feeds = Object.fromEntries(
      batch.map((t) => {
        const size = t.dims.reduce((a, b) => a * b, 1);
        const tensor = new ort.Tensor("float32", values.subarray(offset, offset + size), t.dims);
        offset += size;
        return [t.name, tensor];
      }),
    );
    const out = (await session.run(feeds))[name]!;
    reduced.push(reduceOutput(baseId, { data: out.data as Float32Array, dims: out.dims }));
  }
  return { reduced, labels: header.labels, source: header.source, runMs: performance.now() - started };
}

self.onmessage = (message: MessageEvent<BrowserRunRequest>) => {
  run(message.data).then(
    (result) => post({ type: "done", result }),
    (error: unknown) => post({ type: "error", message: error instanceof Error ? error.message : String(error), unavailable: error instanceof UnavailableError }),
  );
};
