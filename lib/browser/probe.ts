/**
 * What the learner's browser offers, probed on the page without loading
 * onnxruntime-web: lane pickers explain unavailable lanes from this.
 */
import { describeAdapter, type GpuLike, webgpuMissingReason } from "./adapters";

export interface BrowserProbe {
  webgpu: { available: true; software: boolean | null; description: string; shaderF16: boolean } | { available: false; reason: string };
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
  /** Threads the WASM lane can use here: several only when cross-origin isolated. */
  wasmThreads: number;
  userAgent: string;
}

export const MAX_WASM_THREADS = 4;

export async function probeBrowser(): Promise<BrowserProbe> {
  const isolated = globalThis.crossOriginIsolated === true;
  const cores = navigator.hardwareConcurrency || 1;
  const base = { crossOriginIsolated: isolated, hardwareConcurrency: cores, wasmThreads: isolated ? Math.min(MAX_WASM_THREADS, cores) : 1, userAgent: navigator.userAgent };
  const gpu = (navigator as unknown as { gpu?: GpuLike }).gpu;
  if (!gpu) return { ...base, webgpu: { available: false, reason: `${webgpuMissingReason(globalThis)} Only the WASM lane can run here.` } };
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return { ...base, webgpu: { available: false, reason: "This browser supports WebGPU but found no usable GPU adapter (no driver, or the GPU is blocked)." } };
    const report = describeAdapter(adapter);
    const description = [report.vendor, report.architecture, report.description].filter(Boolean).join(" ") || "unnamed adapter";
    return { ...base, webgpu: { available: true, software: report.isFallbackAdapter, description, shaderF16: report.shaderF16 } };
  } catch (error) {
    return { ...base, webgpu: { available: false, reason: `Asking the browser for a GPU adapter failed: ${error instanceof Error ? error.message : String(error)}` } };
  }
}
