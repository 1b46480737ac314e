import { describe, expect, it } from "vitest";
import { pitfallRatios, unsyncVerdict } from "@/lib/inference/timing-pitfalls";

describe("pitfallRatios", () => {
  it("divides naive and first-run readings by the steady-state median", () => {
    const r = pitfallRatios({ naiveWallClockMs: 42, firstRunMs: 3, steadyP50Ms: 0.25, resolutionMs: 0.005 });
    expect(r.naiveOverSteady).toEqual({ value: 168, reason: null });
    expect(r.firstOverSteady).toEqual({ value: 12, reason: null });
    expect(r.naiveOverFirst).toEqual({ value: 14, reason: null });
  });

  it("states no ratio for a reading below its clock's step", () => {
    // Date.now() read 0: the naive call took under a millisecond, which says nothing about how much under.
    const r = pitfallRatios({ naiveWallClockMs: 0, firstRunMs: 0.5, steadyP50Ms: 0.2, resolutionMs: 0.1 });
    expect(r.naiveOverSteady.value).toBeNull();
    expect(r.naiveOverSteady.reason).toMatch(/below what its clock can resolve/);
    expect(r.naiveOverFirst.value).toBeNull();
    expect(r.firstOverSteady.value).toBe(2.5);
    // A steady median under the browser's 0.1 ms step is no denominator.
    const coarse = pitfallRatios({ naiveWallClockMs: 30, firstRunMs: 2, steadyP50Ms: 0.05, resolutionMs: 0.1 });
    expect(coarse.firstOverSteady.value).toBeNull();
    expect(coarse.firstOverSteady.reason).toMatch(/steady-state/);
  });
});

describe("unsyncVerdict", () => {
  it("says run() resolves early when most of the GPU time was still pending", () => {
    // What SwiftShader showed: run() back in ~4 ms, the queue drained ~50 ms later.
    expect(unsyncVerdict({ runOnlyMs: 4.7, runAndDrainMs: 50, pendingAfterRunMs: 48.7, resolutionMs: 0.005 })).toBe("resolves-early");
  });

  it("says run() waits for the GPU when nothing measurable was pending", () => {
    expect(unsyncVerdict({ runOnlyMs: 20, runAndDrainMs: 20.3, pendingAfterRunMs: 0.2, resolutionMs: 0.1 })).toBe("waits-for-gpu");
    expect(unsyncVerdict({ runOnlyMs: 0.5, runAndDrainMs: 0.55, pendingAfterRunMs: 0.15, resolutionMs: 0.1 })).toBe("waits-for-gpu");
  });

  it("says partly early in between", () => {
    expect(unsyncVerdict({ runOnlyMs: 7, runAndDrainMs: 10, pendingAfterRunMs: 3, resolutionMs: 0.005 })).toBe("partly-early");
  });
});
