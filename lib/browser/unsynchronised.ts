/**
 * Unsynchronised GPU timing, measured in the browser runner's worker: with
 * outputs kept on the GPU (`preferredOutputLocation: "gpu-buffer"`), does
 * onnxruntime-web's `session.run()` resolve before the GPU has done the work
 * it queued? Each call is timed three ways, always from an idle queue, and
 * the three ways alternate so a busy machine slows them alike.
 */
import type * as Ort from "onnxruntime-web";
import { summarize } from "@/lib/inference/stats";
import type { UnsynchronisedTiming } from "./protocol";

/** The part of a GPUDevice this needs (TypeScript's DOM lib has no WebGPU types yet). */
interface GpuQueueDevice {
  queue: { onSubmittedWorkDone(): Promise<void> };
}

/** Fewer runs than steady state: on a software adapter each call can take tens of milliseconds, and there are three per round. */
export const UNSYNC_MEASURE = { warmupRuns: 3, minRuns: 30, minDurationMs: 500, maxRuns: 2000, maxDurationMs: 15_000 } as const;

type Outputs = Ort.InferenceSession.OnnxValueMapType;

function disposeAll(outputs: Outputs, except?: string): void {
  for (const [name, tensor] of Object.entries(outputs)) if (name !== except) tensor.dispose();
}

export async function measureUnsynchronised(
  ort: typeof Ort,
  modelBytes: Uint8Array,
  options: Ort.InferenceSession.SessionOptions,
  feeds: Record<string, Ort.Tensor>,
  batch: number,
  onProgress: (fraction: number) => void,
): Promise<UnsynchronisedTiming> {
  const session = await ort.InferenceSession.create(modelBytes, { ...options, preferredOutputLocation: "gpu-buffer" });
  try {
    let device: GpuQueueDevice | null = null;
    let deviceError: string | null = null;
    try {
      const candidate = (await ort.env.webgpu.device) as unknown as GpuQueueDevice | undefined;
      if (typeof candidate?.queue?.onSubmittedWorkDone !== "function") throw new Error("ort.env.webgpu.device has no queue.onSubmittedWorkDone()");
      device = candidate;
    } catch (error) {
      deviceError = error instanceof Error ? error.message : String(error);
    }
    const drain = async () => {
      if (device) await device.queue.onSubmittedWorkDone();
    };
    const name = session.outputNames[0]!;
    let outputLocation = "";
    // The first run and warm-up read their outputs back, so every kernel is compiled and every buffer allocated.
    for (let i = 0; i <= UNSYNC_MEASURE.warmupRuns; i += 1) {
      const outputs = await session.run(feeds);
      outputLocation ||= outputs[name]!.location;
      await outputs[name]!.getData(true);
      disposeAll(outputs, name);
      await drain();
    }
    const runOnly: number[] = [];
    const pending: number[] = [];
    const runAndRead: number[] = [];
    const runAndDrain: number[] = [];
    const started = performance.now();
    for (;;) {
      // 1. run() alone; then, untimed for the call, how long the queue still had work.
      let t0 = performance.now();
      let outputs = await session.run(feeds);
      let t1 = performance.now();
      await drain();
      const t2 = performance.now();
      runOnly.push(t1 - t0);
      if (device) pending.push(t2 - t1);
      disposeAll(outputs);
      // 2. run() until the output is on the CPU.
      t0 = performance.now();
      outputs = await session.run(feeds);
      await outputs[name]!.getData(true);
      t1 = performance.now();
      runAndRead.push(t1 - t0);
      disposeAll(outputs, name);
      await drain();
      // 3. run() until the GPU queue has drained, output left where it is.
      if (device) {
        t0 = performance.now();
        outputs = await session.run(feeds);
        await drain();
        t1 = performance.now();
        runAndDrain.push(t1 - t0);
        disposeAll(outputs);
      }
      const elapsed = performance.now() - started;
      if (runOnly.length >= UNSYNC_MEASURE.minRuns && elapsed >= UNSYNC_MEASURE.minDurationMs) break;
      if (runOnly.length >= UNSYNC_MEASURE.maxRuns || elapsed >= UNSYNC_MEASURE.maxDurationMs) break;
      onProgress(Math.min(1, runOnly.length / UNSYNC_MEASURE.minRuns, elapsed / UNSYNC_MEASURE.minDurationMs));
    }
    return {
      batch,
      outputLocation,
      runOnlyMs: summarize(runOnly),
      runAndReadMs: summarize(runAndRead),
      runAndDrainMs: device ? summarize(runAndDrain) : null,
      pendingAfterRunMs: device ? summarize(pending) : null,
      deviceError,
    };
  } finally {
    await session.release();
  }
}
