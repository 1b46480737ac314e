import { describe, expect, it } from "vitest";
import { browserCanRun, browserModelIds } from "@/lib/browser/models";
import { costOf } from "@/lib/experiments/cost";
import { laneStatus, type Capabilities } from "@/lib/experiments/lanes";
import { maxAbsDiff } from "@/lib/experiments/latency";
import { arithmeticIntensity } from "@/lib/experiments/roofline";
import { kneeOf, sweepBatches } from "@/lib/experiments/sweep";
import { rowsToCsv } from "@/lib/experiments/records";
import { summarize } from "@/lib/inference/stats";
import { getModel } from "@/lib/models/registry";
import type { BrowserProbe } from "@/lib/browser/probe";

const point = (batch: number, itemsPerSecond: number) => ({ batch, itemsPerSecond, latencyMs: summarize([1]), gflopsPerSecond: null, cappedEarly: false });

describe("experiment helpers", () => {
  it("marks the knee at the smallest batch within 10% of the best throughput", () => {
    expect(sweepBatches(64)).toEqual([1, 2, 4, 8, 16, 32, 64]);
    expect(kneeOf([point(1, 100), point(2, 190), point(4, 500), point(8, 930), point(16, 1000), point(32, 980)])?.batch).toBe(8);
    expect(kneeOf([])).toBeNull();
  });

  it("turns throughput into dollars per million and joules per inference", () => {
    expect(costOf(1000, { dollarsPerHour: 3.6, watts: 100 })).toEqual({ dollarsPerMillion: 1, joulesPerInference: 0.1 });
    expect(costOf(0, { dollarsPerHour: 1, watts: 1 })).toEqual({ dollarsPerMillion: null, joulesPerInference: null });
  });

  it("raises arithmetic intensity with the batch, because weights are read once per batch", () => {
    const spec = getModel("digits-mlp")!;
    const one = arithmeticIntensity(spec, 1)!;
    const big = arithmeticIntensity(spec, 256)!;
    expect(one).toBeGreaterThan(0);
    expect(big / one).toBeGreaterThan(20);
    expect(arithmeticIntensity(getModel("ocr-det")!, 1)).toBeNull();
  });

  it("compares outputs element by element and refuses mismatched shapes", () => {
    expect(maxAbsDiff([1, 2, 3], [1, 2.5, 2.9])).toBeCloseTo(0.5);
    expect(maxAbsDiff([1], [1, 2])).toBeNull();
  });

  it("quotes CSV cells with commas, quotes and JSON", () => {
    expect(rowsToCsv([{ a: 1, b: 'x,"y"' }, { a: 2, c: { k: 1 } }])).toBe('a,b,c\r\n1,"x,""y""",\r\n2,,"{""k"":1}"\r\n');
    // A device string that looks like a formula stays text in a spreadsheet.
    expect(rowsToCsv([{ device: "=HYPERLINK(\"x\")" }])).toBe('device\r\n"\'=HYPERLINK(""x"")"\r\n');
  });

  it("keeps the 134 MB model off browsers and says why", () => {
    expect(browserModelIds).toContain("digits-mlp");
    expect(browserModelIds).not.toContain("mlp-wide");
    expect(browserCanRun(getModel("mlp-wide-int8-dynamic")!)).toBe(false);
    expect(laneStatus("browser-wasm", "mlp-wide", null, null, null).reason).toMatch(/too large/);
  });

  it("explains unavailable lanes in plain words and never offers threads without isolation", () => {
    const probe: BrowserProbe = { webgpu: { available: false, reason: "This browser does not offer WebGPU" }, crossOriginIsolated: false, hardwareConcurrency: 8, wasmThreads: 1, userAgent: "x" };
    const caps: Capabilities = { lanes: [{ id: "cuda", available: false, reason: "Failed to load shared library", device: null, software: null }], models: [{ id: "digits-mlp", ready: true }] };
    expect(laneStatus("browser-webgpu", "digits-mlp", caps, null, probe)).toMatchObject({ available: false, reason: expect.stringMatching(/WebGPU/) });
    expect(laneStatus("browser-wasm-threads", "digits-mlp", caps, null, probe)).toMatchObject({ available: false, reason: expect.stringMatching(/cross-origin isolated/) });
    expect(laneStatus("browser-wasm", "digits-mlp", caps, null, probe).available).toBe(true);
    // One plain line to read; the runtime's own error is kept for whoever runs the server.
    expect(laneStatus("server-cuda", "digits-mlp", caps, null, probe)).toMatchObject({ reason: "This server has no NVIDIA GPU it can use.", detail: expect.stringMatching(/Failed to load shared library/) });
    expect(laneStatus("server-cpu", "digits-mlp", null, "HTTP 500", probe).reason).toMatch(/could not be asked/);
  });
});

describe("browser download sizes", () => {
  it("come from the runtime files' real sizes and the registry's model size, never a guess", async () => {
    const { browserDownloadBytes } = await import("@/lib/experiments/lanes");
    const { browserRuntimeSizes } = await import("@/lib/browser/runtime-size.server");
    const { statSync } = await import("node:fs");
    const sizes = browserRuntimeSizes();
    const wasmFile = statSync("public/ort/ort-wasm-simd-threaded.wasm").size;
    expect(sizes.lanes.wasm!.files.find((f) => f.name === "ort-wasm-simd-threaded.wasm")!.bytes).toBe(wasmFile);
    expect(sizes.lanes.wasm!.bytes).toBeGreaterThan(wasmFile);
    expect(sizes.lanes.webgpu!.bytes).toBeGreaterThan(sizes.lanes.wasm!.bytes);
    const wasm = browserDownloadBytes("browser-wasm-threads", "digits-mlp", sizes);
    expect(wasm.runtime).toBe(sizes.lanes.wasm!.bytes);
    expect(wasm.model).toBe(statSync("generated/models/digits-mlp.onnx").size);
    expect(browserDownloadBytes("browser-webgpu", "digits-mlp", sizes).runtime).toBe(sizes.lanes.webgpu!.bytes);
    expect(browserDownloadBytes("browser-wasm", "digits-mlp", null)).toEqual({ runtime: null, model: wasm.model });
  });
});
