import { existsSync } from "node:fs";
import { Tensor } from "onnxruntime-node";
import { afterAll, describe, expect, it } from "vitest";
import { classifyIcd, detectLanes, getLane, laneSummary, parseNvidiaSmi, requireLane, SWIFTSHADER_ICD } from "@/lib/inference/lanes.server";
import { getRunner, releaseAllRunners, runnerCount } from "@/lib/inference/sessions.server";
import { fixtureModel, seededFloats } from "./helpers";

// As taught to learners: SwiftShader's Vulkan driver from Debian's chromium package.
if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD)) process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;

const model = fixtureModel("lanes-mlp", [64, 256, 10]);
afterAll(() => releaseAllRunners());

describe("lane detection", () => {
  it("lists every lane, each available or with a reason", async () => {
    const lanes = await detectLanes();
    expect(lanes.map((l) => l.id)).toEqual(["cpu", "cuda", "webgpu", "remote"]);
    for (const lane of lanes) {
      if (lane.available) expect(lane.reason).toBeNull();
      else expect(lane.reason).toMatch(/\w{10,}/);
    }
    const cpu = lanes[0]!;
    expect(cpu.available).toBe(true);
    expect(cpu.software).toBe(false);
    expect(cpu.threads!.max).toBeGreaterThanOrEqual(1);
    expect((await laneSummary()).map((l) => l.id)).toEqual(["cpu", "cuda", "webgpu", "remote"]);
  });

  it("gives cuda's real runtime error when it cannot run, and never substitutes another lane", async () => {
    const cuda = await getLane("cuda");
    if (cuda.available) {
      expect(cuda.software).toBe(false);
      return;
    }
    expect(cuda.reason).toMatch(/CUDA execution provider: .+/);
    await expect(requireLane("cuda")).rejects.toMatchObject({ status: 422, message: expect.stringContaining("lane cuda is unavailable") });
  });

  it("reports the remote lane's configuration problem", async () => {
    const saved = process.env.REMOTE_INFERENCE_URL;
    try {
      delete process.env.REMOTE_INFERENCE_URL;
      expect((await detectLanes()).find((l) => l.id === "remote")!.reason).toMatch(/REMOTE_INFERENCE_URL is not set/);
      process.env.REMOTE_INFERENCE_URL = "http://127.0.0.1:9";
      const remote = (await detectLanes()).find((l) => l.id === "remote")!;
      expect(remote.available).toBe(false);
      expect(remote.reason).toMatch(/cannot reach http:\/\/127\.0\.0\.1:9/);
    } finally {
      if (saved === undefined) delete process.env.REMOTE_INFERENCE_URL;
      else process.env.REMOTE_INFERENCE_URL = saved;
    }
  });

  it("rejects an unknown lane with 404", async () => {
    await expect(requireLane("tpu")).rejects.toMatchObject({ status: 404 });
  });

  it("names the CUDA device as nvidia-smi reports it", () => {
    expect(parseNvidiaSmi("NVIDIA H100 80GB HBM3, 81559 MiB, 550.54.15\n")).toBe("NVIDIA H100 80GB HBM3 (81559 MiB, driver 550.54.15)");
    expect(parseNvidiaSmi("Tesla T4\n")).toBe("Tesla T4");
    expect(parseNvidiaSmi("")).toBeNull();
  });

  it("classifies Vulkan drivers as software or hardware", () => {
    if (existsSync(SWIFTSHADER_ICD)) expect(classifyIcd(SWIFTSHADER_ICD)).toMatchObject({ software: true });
    expect(classifyIcd("/usr/share/vulkan/icd.d/nvidia_icd.json")).toMatchObject({ software: false, vendor: "NVIDIA" });
    expect(classifyIcd("/usr/share/vulkan/icd.d/lvp_icd.x86_64.json")).toMatchObject({ software: true });
  });
});

describe("sessions", () => {
  it("creates one session per (model, lane, threads) and reuses it", async () => {
    const cpu = await getLane("cpu");
    const first = await getRunner(model, cpu, { threads: 1 });
    const again = await getRunner(model, cpu, { threads: 1 });
    const [a, b] = await Promise.all([getRunner(model, cpu, { threads: cpu.threads!.max }), getRunner(model, cpu, { threads: cpu.threads!.max })]);
    expect(first.created).toBe(true);
    expect(again.created).toBe(false);
    expect(again.runner).toBe(first.runner);
    expect(a.runner).toBe(b.runner);
    expect([a.created, b.created].filter(Boolean)).toHaveLength(1);
    if (cpu.threads!.max > 1) expect(a.runner).not.toBe(first.runner);
    expect(first.runner.createMs).toBeGreaterThan(0);
    expect(first.runner.firstRunMs).toBeNull();
    await first.runner.run({ input: new Tensor("float32", seededFloats(64, 1), [1, 64]) });
    expect(first.runner.firstRunMs).toBeGreaterThan(0);
    expect(first.runner.runs).toBe(1);
    expect(runnerCount()).toBeGreaterThanOrEqual(1);
    await expect(getRunner(model, cpu, { threads: 999 })).rejects.toMatchObject({ status: 400 });
  });
});

describe("webgpu lane", () => {
  it("matches cpu output within 1e-4 and says when it is a software GPU", async () => {
    const webgpu = await getLane("webgpu");
    if (!webgpu.available) {
      // No Vulkan driver on this machine: the lane must say why instead of pretending.
      expect(webgpu.reason).toMatch(/WebGPU|Vulkan/);
      return;
    }
    if ((process.env.VK_ICD_FILENAMES ?? "").includes("swiftshader")) {
      expect(webgpu.software).toBe(true);
      expect(webgpu.device).toMatch(/software GPU/);
    }
    const input = new Tensor("float32", seededFloats(4 * 64, 9), [4, 64]);
    const cpuOut = await (await getRunner(model, await getLane("cpu"), { threads: 1 })).runner.run({ input });
    const gpuOut = await (await getRunner(model, webgpu)).runner.run({ input });
    const want = cpuOut.output!.data as Float32Array;
    const got = gpuOut.output!.data as Float32Array;
    expect(got.length).toBe(want.length);
    let worst = 0;
    for (let i = 0; i < want.length; i += 1) worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
    expect(worst).toBeLessThan(1e-4);
  });
});
