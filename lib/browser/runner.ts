import type { BrowserCeilingsRequest, BrowserCeilingsResult, BrowserRunRequest, BrowserRunResult, CeilingsWorkerEvent, WorkerEvent } from "./protocol";

export class BrowserLaneUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BrowserLaneUnavailable";
  }
}

export class RunCancelled extends Error {
  constructor() {
    super("stopped");
    this.name = "RunCancelled";
  }
}

/**
 * Runs one request in a fresh Web Worker. Aborting terminates the worker at
 * once: a WASM or WebGPU kernel cannot be interrupted any other way.
 */
export function runInBrowser(request: BrowserRunRequest, onProgress: (fraction: number, message: string) => void, signal?: AbortSignal): Promise<BrowserRunResult> {
  // The URL is written out in each call so the bundler finds and builds the worker.
  return driveWorker<BrowserRunResult>(() => new Worker(new URL("./worker.ts", import.meta.url), { type: "module", name: `inference-lab-${request.lane}` }), request, onProgress, signal);
}

/** Measures a browser lane's roofline ceilings in a fresh Web Worker (lib/browser/ceilings-worker.ts). */
export function measureCeilingsInBrowser(request: BrowserCeilingsRequest, onProgress: (fraction: number, message: string) => void, signal?: AbortSignal): Promise<BrowserCeilingsResult> {
  return driveWorker<BrowserCeilingsResult>(() => new Worker(new URL("./ceilings-worker.ts", import.meta.url), { type: "module", name: `inference-lab-ceilings-${request.lane}` }), request, onProgress, signal);
}

function driveWorker<R>(create: () => Worker, request: { ownModel?: { bytes: ArrayBuffer } } | object, onProgress: (fraction: number, message: string) => void, signal?: AbortSignal): Promise<R> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new RunCancelled());
    const worker = create();
    const finish = () => {
      worker.terminate();
      signal?.removeEventListener("abort", onAbort);
    };
    const onAbort = () => {
      finish();
      reject(new RunCancelled());
    };
    signal?.addEventListener("abort", onAbort);
    worker.onmessage = (message: MessageEvent<WorkerEvent | CeilingsWorkerEvent>) => {
      const event = message.data;
      if (event.type === "progress") onProgress(event.fraction, event.message);
      else if (event.type === "done") {
        finish();
        resolve(event.result as R);
      } else {
        finish();
        reject(event.unavailable ? new BrowserLaneUnavailable(event.message) : new Error(event.message));
      }
    };
    worker.onerror = (event) => {
      finish();
      reject(new Error(`the browser runner failed to start: ${event.message || "worker error"}`));
    };
    // A learner's model moves to the worker (transferred, not copied): the page passes a copy per run.
    const own = "ownModel" in request ? request.ownModel : undefined;
    worker.postMessage(request, own ? [own.bytes] : []);
  });
}
