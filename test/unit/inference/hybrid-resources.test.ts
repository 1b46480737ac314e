import { describe, expect, it } from "vitest";
import { hybridResources, resourceOf } from "@/lib/inference/jobs.server";
import type { LaneInfo } from "@/lib/inference/lanes.server";

const lane = (id: LaneInfo["id"], software: boolean | null = null): LaneInfo => ({ id, title: id, available: true, reason: null, device: null, software, threads: null, notes: [] });

describe("which hardware a hybrid job holds", () => {
  it("cpu and a software WebGPU adapter are one resource: one queue, nothing else held", () => {
    expect(resourceOf(lane("webgpu", true))).toBe(resourceOf(lane("cpu")));
    expect(hybridResources(lane("cpu"), lane("webgpu", true))).toEqual({ queue: "host-cpu", alsoHolds: null });
  });

  it("cpu with cuda or remote queues on one and holds the other, in the same order whichever lane is A", () => {
    expect(hybridResources(lane("cpu"), lane("cuda"))).toEqual({ queue: "gpu", alsoHolds: "host-cpu" });
    expect(hybridResources(lane("cuda"), lane("cpu"))).toEqual({ queue: "gpu", alsoHolds: "host-cpu" });
    expect(hybridResources(lane("remote"), lane("cpu"))).toEqual(hybridResources(lane("cpu"), lane("remote")));
    // A real GPU's WebGPU adapter is the gpu resource, not the host's cores.
    expect(hybridResources(lane("cpu"), lane("webgpu", false))).toEqual({ queue: "gpu", alsoHolds: "host-cpu" });
  });
});
