import type { BrowserLane } from "./protocol";

/**
 * One onnxruntime-web build per lane, each with only what it needs: ort.wasm is
 * the plain SIMD/threaded CPU runtime; ort.webgpu carries the native WebGPU
 * execution provider (the asyncify WASM build). Never a list of providers:
 * onnxruntime-web's ['webgpu','wasm'] falls back silently, and a WASM run must
 * never look like WebGPU. `glue` is the Emscripten loader the module imports.
 * The files are the ones scripts/lib.mjs ensureBrowserAssets copies to public/ort.
 */
export const BUILDS: Record<BrowserLane, { module: string; glue: string; wasm: string }> = {
  wasm: { module: "ort.wasm.min.mjs", glue: "ort-wasm-simd-threaded.mjs", wasm: "ort-wasm-simd-threaded.wasm" },
  webgpu: { module: "ort.webgpu.min.mjs", glue: "ort-wasm-simd-threaded.asyncify.mjs", wasm: "ort-wasm-simd-threaded.asyncify.wasm" },
};

export const ORT_BASE = "/ort/";

export function buildFiles(lane: BrowserLane): string[] {
  const b = BUILDS[lane];
  return [b.module, b.glue, b.wasm];
}

/** What GET /api/browser-runtime answers: bytes a lane's runtime costs a learner, measured from the files served. */
export interface BrowserRuntimeSizes {
  onnxruntimeWeb: string | null;
  lanes: Record<BrowserLane, { bytes: number; files: Array<{ name: string; bytes: number }> } | null>;
}
