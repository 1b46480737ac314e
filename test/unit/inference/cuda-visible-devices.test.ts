import { describe, expect, it } from "vitest";
import { hidesEveryGpu, parseCudaVisibleDevices } from "@/lib/inference/cuda-visible-devices";

const physical = (value: string | null, count: number | null = null) => parseCudaVisibleDevices(value, count).exposed.map((d) => d.physicalIndex ?? d.entry);

describe("CUDA_VISIBLE_DEVICES, read by NVIDIA's rule", () => {
  it("unset leaves every GPU visible; empty hides them all", () => {
    const unset = parseCudaVisibleDevices(undefined);
    expect(unset.unfiltered).toBe(true);
    expect(hidesEveryGpu(unset)).toBe(false);
    const empty = parseCudaVisibleDevices("");
    expect(empty.unfiltered).toBe(false);
    expect(hidesEveryGpu(empty)).toBe(true);
  });

  it('"-1" hides every GPU, not only ""', () => {
    const hidden = parseCudaVisibleDevices("-1");
    expect(hidesEveryGpu(hidden)).toBe(true);
    expect(hidden.stoppedAt).toMatchObject({ entry: "-1", position: 0 });
  });

  it('"all" is not a CUDA value: an invalid first entry, so nothing is visible', () => {
    const all = parseCudaVisibleDevices("all");
    expect(hidesEveryGpu(all)).toBe(true);
    expect(all.stoppedAt?.why).toMatch(/neither a GPU index nor/);
  });

  it("exposes the listed GPUs in the order listed, renumbered from 0", () => {
    expect(physical("0")).toEqual([0]);
    expect(physical("1")).toEqual([1]);
    expect(physical("0,1")).toEqual([0, 1]);
    const swapped = parseCudaVisibleDevices("1,0");
    expect(swapped.exposed).toEqual([
      { ordinal: 0, entry: "1", physicalIndex: 1 },
      { ordinal: 1, entry: "0", physicalIndex: 0 },
    ]);
  });

  it("stops at an invalid entry in the middle: 0,-1,1 exposes GPU 0 alone", () => {
    const middle = parseCudaVisibleDevices("0,-1,1");
    expect(physical("0,-1,1")).toEqual([0]);
    expect(middle.stoppedAt).toMatchObject({ entry: "-1", position: 1 });
    expect(middle.ignored).toEqual(["1"]);
    expect(middle.summary).toMatch(/only GPU 0 as device 0 is visible/);
    expect(physical("0,2,-1,1")).toEqual([0, 2]);
  });

  it("with a known GPU count, an index past the last GPU is invalid and stops the list", () => {
    expect(physical("1", 1)).toEqual([]);
    expect(physical("0,1", 1)).toEqual([0]);
    expect(physical("0,1", 2)).toEqual([0, 1]);
  });

  it("accepts GPU and MIG UUIDs (or unique prefixes), and refuses a repeated GPU", () => {
    expect(physical("GPU-8932f937-d72c-4106-c12f-20bd9faed9f6,1")).toEqual(["GPU-8932f937-d72c-4106-c12f-20bd9faed9f6", 1]);
    expect(physical("GPU-89")).toEqual(["GPU-89"]);
    expect(physical("0,0,1")).toEqual([0]);
  });

  it("trims spaces around entries and treats an empty entry as invalid", () => {
    expect(physical(" 0 , 1")).toEqual([0, 1]);
    expect(physical("0,,1")).toEqual([0]);
  });
});
