import { describe, expect, it } from "vitest";
import { groupDeviceResults, hardwareKind, laneLabel, median, type DeviceResult } from "@/lib/instructor/devices";

function result(partial: Partial<DeviceResult>): DeviceResult {
  return {
    id: Math.random().toString(36), createdAt: "2026-11-25T00:00:00.000Z", userId: "u1", learner: "A", lessonSlug: "l", experiment: "latency",
    modelId: "mlp-wide", lane: "browser-webgpu", device: "apple m2", software: false, threads: null, batchSize: 1, p50Ms: 1, throughput: 1000, source: "learner",
    ...partial,
  };
}

describe("device results", () => {
  it("never calls a software GPU a GPU", () => {
    expect(hardwareKind("browser-webgpu", true)).toBe("software GPU");
    expect(hardwareKind("server-webgpu", true)).toBe("software GPU");
    expect(hardwareKind("browser-webgpu", false)).toBe("GPU");
    expect(hardwareKind("server-cuda", false)).toBe("GPU");
    expect(hardwareKind("browser-wasm", false)).toBe("CPU");
    expect(hardwareKind("server-cpu", false)).toBe("CPU");
    expect(hardwareKind("server-remote", false)).toBe("remote");
    expect(laneLabel("browser-webgpu", true)).toBe("browser-webgpu (software GPU)");
  });

  it("takes medians per model, lane, device and batch, and keeps software and server rows apart", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
    const groups = groupDeviceResults([
      result({ p50Ms: 1, userId: "u1" }),
      result({ p50Ms: 3, userId: "u2" }),
      result({ p50Ms: 2, userId: "u2", throughput: null }),
      result({ device: "google swiftshader", software: true, p50Ms: 14 }),
      result({ lane: "server-webgpu", device: "google swiftshader", software: true, p50Ms: 15, source: "server", userId: null }),
      result({ batchSize: 8, p50Ms: 4 }),
    ]);
    expect(groups).toHaveLength(4);
    const m2 = groups.find((g) => g.device === "apple m2" && g.batchSize === 1)!;
    expect(m2).toMatchObject({ kind: "GPU", results: 3, learners: 2, p50Ms: 2, throughput: 1000 });
    expect(groups.filter((g) => g.device === "google swiftshader").every((g) => g.kind === "software GPU")).toBe(true);
    expect(groups.at(-1)!.source).toBe("server");
  });
});
