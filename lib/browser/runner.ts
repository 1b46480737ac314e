import type { BrowserRunRequest, BrowserRunResult, WorkerEvent } from "./protocol";

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
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new RunCancelled());
    const worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module", name: `inference-lab-${request.lane}` });
    const finish = () => {
      worker.terminate();
      signal?.removeEventListener("abort", onAbort);
    };
    const onAbort = () => {
      finish();
      reject(new RunCancelled());
    };
    signal?.addEventListener("abort", onAbort);
    worker.onmessage = (message: MessageEvent<WorkerEvent>) => {
      const event = message.data;
      if (event.type === "progress") onProgress(event.fraction, event.message);
      else if (event.type === "done") {
        finish();
        resolve(event.result);
      } else {
        finish();
        reject(event.unavailable ? new BrowserLaneUnavailable(event.message) : new Error(event.message));
      }
    };
    worker.onerror = (event) => {
      finish();
      reject(new Error(`the browser runner failed to start: ${event.message || "worker error"}`));
    };
    worker.postMessage(request);
  });
}
