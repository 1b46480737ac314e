import { describe, expect, it } from "vitest";
import { batchMemory, footprintFrom } from "@/lib/inference/memory";
import { arithmeticIntensity, attainableGflops, regimeOf, ridgePoint } from "@/lib/inference/roofline";
import { buildProbe, PROBE_SETS, probeBytes, probeFlops } from "@/lib/models/ceiling-probes";
import { decodeModel } from "@/lib/models/onnx-builder";
import { getModel } from "@/lib/models/registry";

const roof = { bandwidthGBps: 40, computeGflops: 200 };

describe("roofline math", () => {
  it("puts the ridge where the slope meets the flat line", () => {
    expect(ridgePoint(roof)).toBe(5);
    expect(attainableGflops(ridgePoint(roof), roof)).toBeCloseTo(200, 10);
  });

  it("caps attainable FLOP/s by bandwidth × intensity left of the ridge and by the peak right of it", () => {
    expect(attainableGflops(0.5, roof)).toBe(20);
    expect(attainableGflops(2, roof)).toBe(80);
    expect(attainableGflops(50, roof)).toBe(200);
    expect(attainableGflops(1e6, roof)).toBe(200);
  });

  it("names the regime of a point: overhead far under the roof, else by its side of the ridge", () => {
    expect(regimeOf(0.5, 18, roof)).toBe("memory-bound");
    expect(regimeOf(0.5, 5, roof)).toBe("overhead");
    expect(regimeOf(100, 150, roof)).toBe("compute-bound");
    expect(regimeOf(100, 20, roof)).toBe("overhead");
    // Exactly at the ridge the compute line is the limit.
    expect(regimeOf(5, 190, roof)).toBe("compute-bound");
  });

  it("raises a weight-heavy model's intensity with batch, towards FLOPs per input byte", () => {
    const wide = getModel("mlp-wide")!;
    const one = arithmeticIntensity(wide, 1)!;
    const big = arithmeticIntensity(wide, 256)!;
    // Batch 1 reads every weight for 2 FLOPs per 4 bytes: about 0.5 FLOP/byte.
    expect(one).toBeGreaterThan(0.45);
    expect(one).toBeLessThan(0.5);
    expect(big / one).toBeGreaterThan(100);
  });

  it("builds probes whose bytes and FLOPs are those of one MatMul", () => {
    const p = PROBE_SETS.webgpu.compute[1]!;
    expect(probeFlops(p)).toBe(2 * 256 * 1024 * 1024);
    expect(probeBytes(p)).toBe(4 * (1024 * 1024 + 2 * 256 * 1024));
    // The bandwidth probe's W is far larger than a 32 MiB cache; its intensity is under 1 FLOP/byte.
    for (const set of Object.values(PROBE_SETS)) {
      expect(4 * set.bandwidth.inWidth * set.bandwidth.outWidth).toBeGreaterThanOrEqual(64 * 2 ** 20);
      expect(probeFlops(set.bandwidth) / probeBytes(set.bandwidth)).toBeLessThan(1);
      for (const c of set.compute) expect(probeFlops(c) / probeBytes(c)).toBeGreaterThan(50);
    }
    const model = decodeModel(buildProbe({ batch: 2, inWidth: 8, outWidth: 4 }, "tiny"));
    expect(model.graph!.node!.map((n) => n.opType)).toEqual(["MatMul"]);
    expect(model.graph!.initializer![0]!.rawData!.byteLength).toBe(8 * 4 * 4);
  });
});

describe("memory per batch", () => {
  it("counts input and output bytes per item, activations as fixed + per item, and weights once", () => {
    const spec = getModel("digits-mlp")!;
    const m = batchMemory(spec, 8, { fixedBytes: 100, perItemBytes: 2344 });
    expect(m.inputBytes).toBe(8 * 784 * 4);
    expect(m.outputBytes).toBe(8 * 10 * 4);
    expect(m.activationBytes).toBe(100 + 8 * 2344);
    expect(m.weightBytes).toBe(spec.weightBytes);
    expect(m.totalBytes).toBe(m.inputBytes + m.outputBytes + m.activationBytes! + spec.weightBytes!);
  });

  it("uses the model's default sizes for dynamic axes other than batch", () => {
    const rec = getModel("ocr-rec")!;
    const m = batchMemory(rec, 2, null);
    expect(m.inputBytes).toBe(2 * 3 * 48 * 320 * 4);
    expect(m.outputBytes).toBe(2 * 40 * 6625 * 4);
    expect(m.activationBytes).toBeNull();
  });

  it("counts a model without a batch axis once, whatever batch is asked", () => {
    const vad = getModel("silero-vad")!;
    expect(batchMemory(vad, 1, { fixedBytes: 10, perItemBytes: 5 }).activationBytes).toBe(15);
  });

  it("splits two measured totals into a fixed part and a per-item slope", () => {
    expect(footprintFrom(1100, 2100)).toEqual({ fixedBytes: 100, perItemBytes: 1000 });
    expect(footprintFrom(500, 500)).toEqual({ fixedBytes: 500, perItemBytes: 0 });
  });
});

describe("sweep marks and thread counts", async () => {
  const { bestUnderBudget } = await import("@/lib/experiments/sweep");
  const { threadCounts } = await import("@/lib/experiments/threads");
  const point = (batch: number, itemsPerSecond: number, p99: number) => ({ batch, itemsPerSecond, gflopsPerSecond: null, cappedEarly: false, latencyMs: { n: 20, min: 0, mean: p99, p50: p99, p90: p99, p95: p99, p99, max: p99, stddev: 0, medianCi95: null, warnings: [] } });

  it("picks the most throughput whose p99 stays within the budget, or none", () => {
    const points = [point(1, 100, 1), point(2, 180, 2), point(4, 300, 4.5), point(8, 320, 9)];
    expect(bestUnderBudget(points, 5)?.batch).toBe(4);
    expect(bestUnderBudget(points, 100)?.batch).toBe(8);
    expect(bestUnderBudget(points, 0.5)).toBeNull();
  });

  it("measures powers of two up to the cores and the cores themselves, at most 12", () => {
    expect(threadCounts(1)).toEqual([1]);
    expect(threadCounts(2)).toEqual([1, 2]);
    expect(threadCounts(6)).toEqual([1, 2, 4, 6]);
    expect(threadCounts(4096).length).toBeLessThanOrEqual(12);
    expect(threadCounts(4096).at(-1)).toBe(4096);
  });
});
