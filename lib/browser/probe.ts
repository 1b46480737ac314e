/**
 * What the learner's browser offers, probed on the page without loading
 * onnxruntime-web: lane pickers explain unavailable lanes from this.
 */
export interface BrowserProbe {
  webgpu: { available: true; software: boolean | null; description: string; shaderF16: boolean } | { available: false; reason: string };
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
  /** Threads the WASM lane can use here: several only when cross-origin isolated. */
  wasmThreads: number;
  userAgent: string;
}

interface ProbeAdapter {
  info?: { vendor?: string; architecture?: string; description?: string; isFallbackAdapter?: boolean };
  isFallbackAdapter?: boolean;
  features: ReadonlySet<string>;
}

export const MAX_WASM_THREADS = 4;

export async function probeBrowser(): Promise<BrowserProbe> {
  const isolated = globalThis.crossOriginIsolated === true;
  const cores = navigator.hardwareConcurrency || 1;
  const base = { crossOriginIsolated: isolated, hardwareConcurrency: cores, wasmThreads: isolated ? Math.min(MAX_WASM_THREADS, cores) : 1, userAgent: navigator.userAgent };
  const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<ProbeAdapter | null> } }).gpu;
  if (!gpu) return { ...base, webgpu: { available: false, reason: "This browser does not offer WebGPU (it is switched off or not supported), so only the WASM lane can run here." } };
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return { ...base, webgpu: { available: false, reason: "This browser supports WebGPU but found no usable GPU adapter (no driver, or the GPU is blocked)." } };
    const info = adapter.info ?? {};
    const fallback = info.isFallbackAdapter ?? adapter.isFallbackAdapter;
    const software = fallback ?? (/swiftshader/i.test(`${info.architecture} ${info.description}`) ? true : null);
    const description = [info.vendor, info.architecture, info.description].filter(Boolean).join(" ") || "unnamed adapter";
    return { ...base, webgpu: { available: true, software, description, shaderF16: adapter.features.has("shader-f16") } };
  } catch (error) {
    return { ...base, webgpu: { available: false, reason: `Asking the browser for a GPU adapter failed: ${error instanceof Error ? error.message : String(error)}` } };
  }
}
