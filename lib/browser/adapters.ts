/**
 * WebGPU adapters as the browser offers them: what each requestAdapter()
 * option gives, which of the answers are the same adapter, and which are
 * software. Browser-safe and free of onnxruntime-web, so the page lists
 * adapters before anything is downloaded and the worker labels the one it ran
 * on with the same rules.
 */
import type { AdapterReport } from "./protocol";

/** GPURequestAdapterOptions, the part this lab sets (TypeScript's DOM lib has no WebGPU types yet). */
export interface AdapterRequestOptions {
  powerPreference?: "high-performance" | "low-power";
  forceFallbackAdapter?: boolean;
}

export interface AdapterRequest {
  id: "default" | "high-performance" | "low-power" | "fallback";
  /** How the page asks, in the words of the WebGPU API. */
  label: string;
  options: AdapterRequestOptions;
}

/** The questions a page can ask navigator.gpu, in the order they are shown. */
export const ADAPTER_REQUESTS: readonly AdapterRequest[] = [
  { id: "default", label: "requestAdapter()", options: {} },
  { id: "high-performance", label: 'requestAdapter({ powerPreference: "high-performance" })', options: { powerPreference: "high-performance" } },
  { id: "low-power", label: 'requestAdapter({ powerPreference: "low-power" })', options: { powerPreference: "low-power" } },
  { id: "fallback", label: "requestAdapter({ forceFallbackAdapter: true })", options: { forceFallbackAdapter: true } },
];

/**
 * Limits that decide whether a model fits and how its kernels are shaped;
 * onnxruntime-web's WebGPU EP asks its own device for the adapter's maxima of these.
 */
export const KEY_LIMITS = [
  "maxBufferSize",
  "maxStorageBufferBindingSize",
  "maxComputeWorkgroupStorageSize",
  "maxComputeInvocationsPerWorkgroup",
  "maxComputeWorkgroupSizeX",
  "maxComputeWorkgroupSizeY",
  "maxComputeWorkgroupSizeZ",
  "maxComputeWorkgroupsPerDimension",
  "maxStorageBuffersPerShaderStage",
  "maxBindGroups",
] as const;
export type KeyLimit = (typeof KEY_LIMITS)[number];

/** Features onnxruntime-web can use when the adapter has them. */
export const USEFUL_FEATURES = ["shader-f16", "timestamp-query", "subgroups"] as const;

/** Minimal GPUAdapter and GPUDevice shapes. */
export interface GpuAdapterInfo {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}
export interface GpuDeviceLike {
  adapterInfo?: GpuAdapterInfo;
  queue?: unknown;
  destroy?: () => void;
}
export interface GpuAdapterLike {
  info?: GpuAdapterInfo;
  features: ReadonlySet<string>;
  limits?: Record<string, unknown>;
  isFallbackAdapter?: boolean;
  requestDevice(descriptor?: { requiredLimits?: Record<string, number>; requiredFeatures?: string[] }): Promise<GpuDeviceLike>;
}
export interface GpuLike {
  requestAdapter(options?: AdapterRequestOptions): Promise<GpuAdapterLike | null>;
}

/** Names that mean a CPU implementation of the GPU API. */
const SOFTWARE_NAMES: Array<[RegExp, string]> = [
  [/swiftshader/i, "SwiftShader, Google's CPU implementation of Vulkan"],
  [/llvmpipe|lavapipe/i, "Mesa's CPU rasteriser"],
  [/microsoft basic render/i, "Windows' CPU rasteriser"],
];

export interface SoftwareVerdict {
  /** True: software; false: the adapter says it is not a fallback and names no software renderer; null: it did not say. */
  software: boolean | null;
  /** Why, in plain words (null when it is hardware as far as the adapter says). */
  why: string | null;
}

/**
 * Whether an adapter is a software GPU. The name wins over the flag: a
 * SwiftShader adapter is software even where a browser leaves
 * isFallbackAdapter unset or false.
 */
export function softwareVerdict(info: GpuAdapterInfo, fallbackFlag: boolean | undefined): SoftwareVerdict {
  const text = `${info.vendor ?? ""} ${info.architecture ?? ""} ${info.device ?? ""} ${info.description ?? ""}`;
  const named = SOFTWARE_NAMES.find(([pattern]) => pattern.test(text));
  const fallback = info.isFallbackAdapter ?? fallbackFlag;
  if (named) return { software: true, why: `software GPU: ${named[1]}, so kernels run on the CPU${fallback ? " (isFallbackAdapter: true)" : ""}` };
  if (fallback === true) return { software: true, why: "software GPU: the browser marks it as a fallback adapter (isFallbackAdapter: true), which the WebGPU specification reserves for implementations with major performance caveats, typically a CPU" };
  if (fallback === false) return { software: false, why: null };
  return { software: null, why: "the adapter does not say whether it is a fallback (software) adapter" };
}

/** What the page and the worker report about one adapter. */
export function describeAdapter(adapter: GpuAdapterLike): AdapterReport {
  const info = adapter.info ?? {};
  const verdict = softwareVerdict(info, adapter.isFallbackAdapter);
  return {
    vendor: info.vendor ?? "",
    architecture: info.architecture ?? "",
    device: info.device ?? "",
    description: info.description ?? "",
    isFallbackAdapter: verdict.software,
    shaderF16: adapter.features.has("shader-f16"),
  };
}

export function keyLimits(adapter: Pick<GpuAdapterLike, "limits">): Partial<Record<KeyLimit, number>> {
  const limits: Partial<Record<KeyLimit, number>> = {};
  for (const name of KEY_LIMITS) {
    const value = adapter.limits?.[name];
    if (typeof value === "number") limits[name] = value;
  }
  return limits;
}

export interface AdapterListing {
  request: AdapterRequest;
  /** Null when this request got no adapter (`reason` says why). */
  adapter: {
    info: Required<Omit<GpuAdapterInfo, "isFallbackAdapter">> & { isFallbackAdapter: boolean | null };
    software: SoftwareVerdict;
    limits: Partial<Record<KeyLimit, number>>;
    features: string[];
    /** Equal identities: the same adapter reached by different requests. */
    identity: string;
  } | null;
  reason: string | null;
}

/**
 * An adapter's identity across requests. GPUAdapter objects are new on every
 * call, so the same device is recognised by what it reports: its names, the
 * fallback flag and its limits (two GPUs of one model share names, but a
 * browser gives a page at most one adapter per preference anyway).
 */
export function adapterIdentity(listing: NonNullable<AdapterListing["adapter"]>["info"], limits: Partial<Record<KeyLimit, number>>): string {
  return JSON.stringify([listing.vendor, listing.architecture, listing.device, listing.description, listing.isFallbackAdapter, KEY_LIMITS.map((k) => limits[k] ?? null)]);
}

export function listingOf(request: AdapterRequest, adapter: GpuAdapterLike): NonNullable<AdapterListing["adapter"]> {
  const raw = adapter.info ?? {};
  const info = { vendor: raw.vendor ?? "", architecture: raw.architecture ?? "", device: raw.device ?? "", description: raw.description ?? "", isFallbackAdapter: raw.isFallbackAdapter ?? adapter.isFallbackAdapter ?? null };
  const limits = keyLimits(adapter);
  return { info, software: softwareVerdict(raw, adapter.isFallbackAdapter), limits, features: [...adapter.features].filter((f) => (USEFUL_FEATURES as readonly string[]).includes(f)).sort(), identity: adapterIdentity(info, limits) };
}

/** Why the page has no WebGPU at all, in plain words; null when navigator.gpu exists. */
export function webgpuMissingReason(scope: { isSecureContext?: boolean; navigator?: unknown }): string | null {
  const gpu = (scope.navigator as { gpu?: unknown } | undefined)?.gpu;
  if (gpu) return null;
  if (scope.isSecureContext === false) return "WebGPU is offered only to secure pages (https:// or http://localhost), and this page was opened over plain http from another address, so navigator.gpu is missing.";
  return "This browser does not offer WebGPU (navigator.gpu is missing): it is not supported, or it is switched off (in Chromium on Linux, for instance, it still needs the --enable-unsafe-webgpu flag).";
}

/** Each request in turn (never in parallel: some browsers hand out one adapter at a time). */
export async function listAdapters(gpu: GpuLike): Promise<AdapterListing[]> {
  const listings: AdapterListing[] = [];
  for (const request of ADAPTER_REQUESTS) {
    try {
      const adapter = await gpu.requestAdapter(request.options);
      listings.push(
        adapter
          ? { request, adapter: listingOf(request, adapter), reason: null }
          : { request, adapter: null, reason: request.id === "fallback" ? "the browser has no fallback (software) adapter to offer" : "the browser answered null: no adapter matches (no driver, or the GPU is blocked)" },
      );
    } catch (error) {
      listings.push({ request, adapter: null, reason: `requestAdapter threw: ${error instanceof Error ? error.message : String(error)}` });
    }
  }
  return listings;
}

export interface DistinctAdapter {
  /** 1, 2, … in the order first seen. */
  number: number;
  identity: string;
  /** The requests that reached it; the first is the one a run uses to reach it again. */
  requests: AdapterRequest[];
  adapter: NonNullable<AdapterListing["adapter"]>;
}

export function distinctAdapters(listings: AdapterListing[]): DistinctAdapter[] {
  const distinct: DistinctAdapter[] = [];
  for (const listing of listings) {
    if (!listing.adapter) continue;
    const seen = distinct.find((d) => d.identity === listing.adapter!.identity);
    if (seen) seen.requests.push(listing.request);
    else distinct.push({ number: distinct.length + 1, identity: listing.adapter.identity, requests: [listing.request], adapter: listing.adapter });
  }
  return distinct;
}

/** The adapter in a few words: "Google swiftshader (SwiftShader Device (Subzero))". */
export function adapterName(info: { vendor: string; architecture: string; description: string }): string {
  const main = [info.vendor, info.architecture].filter(Boolean).join(" ");
  if (main && info.description) return `${main} (${info.description})`;
  return main || info.description || "unnamed adapter";
}

/**
 * A device for onnxruntime-web's WebGPU EP from a chosen adapter, with the
 * limits and features the EP asks for when it creates its own device (the
 * adapter's maxima; the WebGPU defaults are lower and would refuse larger models).
 */
export function deviceDescriptor(adapter: GpuAdapterLike): { requiredLimits: Record<string, number>; requiredFeatures: string[] } {
  const requiredLimits: Record<string, number> = {};
  for (const [name, value] of Object.entries(keyLimits(adapter))) requiredLimits[name] = value;
  return { requiredLimits, requiredFeatures: USEFUL_FEATURES.filter((f) => adapter.features.has(f)) };
}
