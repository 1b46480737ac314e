import { describe, expect, it, vi } from "vitest";
import type { WireDevices } from "@/lib/inference/wire";

vi.hoisted(() => {
  process.env.ORT_DISABLE_TELEMETRY = "1";
});

describe("GET /api/devices", () => {
  it("names each lane's execution provider and the variables that select its device", async () => {
    const route = await import("@/app/api/devices/route");
    const response = await route.GET(new Request("http://lab.test/api/devices"));
    expect(response.status).toBe(200);
    const body = (await response.json()) as WireDevices;
    expect(body.lanes.map((l) => l.lane)).toEqual(["cpu", "cuda", "webgpu", "remote"]);
    const byId = Object.fromEntries(body.lanes.map((l) => [l.lane, l]));
    expect(byId.cpu!.executionProvider).toMatch(/CPUExecutionProvider/);
    expect(byId.cuda!.executionProvider).toMatch(/CUDAExecutionProvider/);
    expect(byId.cuda!.variables.map((v) => v.name)).toContain("CUDA_VISIBLE_DEVICES");
    expect(byId.webgpu!.variables.map((v) => v.name)).toContain("VK_ICD_FILENAMES");
    expect(byId.remote!.executionProvider).toBeNull();
    // Every CUDA_VISIBLE_DEVICES value is read by NVIDIA's rule, whether or not the probe could run.
    const rows = Object.fromEntries(body.cuda.rows.map((r) => [r.value ?? "(unset)", r]));
    expect(rows["-1"]!.rule.exposed).toEqual([]);
    expect(rows["0,-1,1"]!.rule.ignored).toEqual(["1"]);
  }, 120_000);

  it("on a machine without CUDA, says the probe cannot run and exactly why", async (ctx) => {
    const { cudaProbe } = await import("@/lib/inference/devices.server");
    const probe = await cudaProbe();
    if (probe.canRun) ctx.skip(); // a GPU host: the rows carry what the runtime saw instead
    expect(probe.checks).toHaveLength(3);
    const failed = probe.checks.filter((c) => !c.ok);
    expect(failed.length).toBeGreaterThan(0);
    for (const check of failed) expect(probe.reason).toContain(check.name);
    expect(probe.rows.every((r) => r.observed === null)).toBe(true);
  });

  it("shares one probe between callers and refuses to re-probe within the interval", async () => {
    const { cudaProbe, CUDA_PROBE_MIN_INTERVAL_MS } = await import("@/lib/inference/devices.server");
    const first = cudaProbe();
    const now = Date.now();
    expect(cudaProbe()).toBe(first);
    expect(cudaProbe({ refresh: true, now })).toBe(first);
    const later = cudaProbe({ refresh: true, now: now + CUDA_PROBE_MIN_INTERVAL_MS + 1 });
    expect(later).not.toBe(first);
    await later;
  });

  it("answers 400 naming the field for a bad refresh value", async () => {
    const route = await import("@/app/api/devices/route");
    const response = await route.GET(new Request("http://lab.test/api/devices?refresh=yes"));
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toMatch(/refresh/);
  });
});
