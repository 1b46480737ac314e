import { describe, expect, it } from "vitest";
import { ADAPTER_REQUESTS, deviceDescriptor, distinctAdapters, type GpuAdapterLike, type GpuLike, listAdapters, softwareVerdict, webgpuMissingReason } from "@/lib/browser/adapters";

function adapter(info: GpuAdapterLike["info"], limits: Record<string, number> = { maxBufferSize: 268_435_456, maxStorageBufferBindingSize: 134_217_728 }, features: string[] = []): GpuAdapterLike {
  return { info, limits, features: new Set(features), requestDevice: () => Promise.resolve({}) };
}

// What headless Chromium on this machine answers (see DESIGN.md), and a laptop with two GPUs.
const swiftshader = adapter({ vendor: "google", architecture: "swiftshader", device: "", description: "SwiftShader Device (Subzero)", isFallbackAdapter: true });
const integrated = adapter({ vendor: "intel", architecture: "gen-12lp", device: "0x9a49", description: "Intel Iris Xe", isFallbackAdapter: false }, { maxBufferSize: 2_147_483_648 }, ["shader-f16"]);
const discrete = adapter({ vendor: "nvidia", architecture: "ampere", device: "0x2520", description: "RTX 3060 Laptop", isFallbackAdapter: false }, { maxBufferSize: 4_294_967_296 }, ["shader-f16", "timestamp-query"]);

function browserWith(byRequest: Record<string, GpuAdapterLike | null>): GpuLike {
  return {
    requestAdapter: (options) => {
      const id = options?.forceFallbackAdapter ? "fallback" : (options?.powerPreference ?? "default");
      return Promise.resolve(byRequest[id] ?? null);
    },
  };
}

describe("adapter labelling", () => {
  it("labels SwiftShader software by its name even when the fallback flag is missing or false", () => {
    expect(softwareVerdict({ architecture: "swiftshader", description: "SwiftShader Device" }, undefined).software).toBe(true);
    expect(softwareVerdict({ architecture: "swiftshader", isFallbackAdapter: false }, undefined).why).toMatch(/SwiftShader/);
  });

  it("labels any fallback adapter software, a non-fallback hardware, and an unsaid flag unknown", () => {
    expect(softwareVerdict({ vendor: "acme", isFallbackAdapter: true }, undefined)).toMatchObject({ software: true });
    expect(softwareVerdict({ vendor: "acme" }, true).software).toBe(true);
    expect(softwareVerdict({ vendor: "nvidia", isFallbackAdapter: false }, undefined)).toEqual({ software: false, why: null });
    expect(softwareVerdict({ vendor: "nvidia" }, undefined).software).toBeNull();
    expect(softwareVerdict({ description: "llvmpipe (LLVM 15.0.6, 256 bits)" }, undefined).software).toBe(true);
  });
});

describe("listing adapters", () => {
  it("asks all four ways and finds one distinct adapter on a machine with SwiftShader alone", async () => {
    const listings = await listAdapters(browserWith({ default: swiftshader, "high-performance": swiftshader, "low-power": swiftshader, fallback: swiftshader }));
    expect(listings.map((l) => l.request.id)).toEqual(ADAPTER_REQUESTS.map((r) => r.id));
    const distinct = distinctAdapters(listings);
    expect(distinct).toHaveLength(1);
    expect(distinct[0]!.requests.map((r) => r.id)).toEqual(["default", "high-performance", "low-power", "fallback"]);
    expect(distinct[0]!.adapter.software.software).toBe(true);
  });

  it("tells two GPUs apart, and says why a request got none", async () => {
    const listings = await listAdapters(browserWith({ default: integrated, "high-performance": discrete, "low-power": integrated, fallback: null }));
    const distinct = distinctAdapters(listings);
    expect(distinct.map((d) => d.adapter.info.vendor)).toEqual(["intel", "nvidia"]);
    expect(distinct.map((d) => d.requests[0]!.id)).toEqual(["default", "high-performance"]);
    expect(listings.find((l) => l.request.id === "fallback")).toMatchObject({ adapter: null, reason: expect.stringMatching(/no fallback/) });
    expect(distinct[1]!.adapter.features).toEqual(["shader-f16", "timestamp-query"]);
  });

  it("reports a requestAdapter that throws instead of failing the list", async () => {
    const listings = await listAdapters({ requestAdapter: () => Promise.reject(new Error("GPU process crashed")) });
    expect(listings.every((l) => l.adapter === null && /GPU process crashed/.test(l.reason!))).toBe(true);
  });

  it("asks the chosen adapter's device for its own maxima and only features it has", () => {
    expect(deviceDescriptor(discrete)).toEqual({ requiredLimits: { maxBufferSize: 4_294_967_296 }, requiredFeatures: ["shader-f16", "timestamp-query"] });
  });

  it("says in plain words why WebGPU is missing", () => {
    expect(webgpuMissingReason({ isSecureContext: false, navigator: {} })).toMatch(/secure pages/);
    expect(webgpuMissingReason({ isSecureContext: true, navigator: {} })).toMatch(/does not offer WebGPU/);
    expect(webgpuMissingReason({ isSecureContext: true, navigator: { gpu: {} } })).toBeNull();
  });
});
