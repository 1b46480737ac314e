import { describe, expect, inject, it } from "vitest";
import { getModel, makeInput } from "@/lib/models/registry";

// The inference API as a class's scripts meet it: the production server npm start
// runs (server/main.ts in front of the Next build), real onnxruntime-node sessions
// on the registry's models.
const baseUrl = inject("baseUrl");

async function getJson(path: string) {
  const response = await fetch(`${baseUrl}${path}`);
  return { status: response.status, body: await response.json() };
}

async function postJson(path: string, body: unknown) {
  const response = await fetch(`${baseUrl}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

interface Lane {
  id: string;
  available: boolean;
  software: boolean | null;
  reason: string | null;
}

describe("inference API on the production server", () => {
  it("reports the database and every lane in /api/health, with a reason for each unavailable one", async () => {
    const { status, body } = await getJson("/api/health");
    expect(status).toBe(200);
    expect(body.database.ok).toBe(true);
    const lanes = body.lanes as Lane[];
    expect(lanes.map((lane) => lane.id)).toEqual(["cpu", "cuda", "webgpu", "remote"]);
    expect(lanes[0]).toMatchObject({ id: "cpu", available: true, software: false });
    for (const lane of lanes.filter((l) => !l.available)) expect(lane.reason).toMatch(/\w{8,}/);
  });

  it("lists the registry's models with their tensors in /api/capabilities", async () => {
    const { status, body } = await getJson("/api/capabilities");
    expect(status).toBe(200);
    const digits = body.models.find((m: { id: string }) => m.id === "digits-mlp");
    expect(digits.inputs).toEqual(getModel("digits-mlp")!.inputs.map(({ name, dtype, shape }) => ({ name, dtype, shape })));
    expect(body.models.map((m: { id: string }) => m.id)).toEqual(expect.arrayContaining(["digits-mlp-int8-dynamic", "ocr-det", "silero-vad"]));
    // The zoo's measured facts travel with each model: quality against fp32, and FLOPs for GFLOP/s.
    const detector = body.models.find((m: { id: string }) => m.id === "ocr-det-int8-static");
    expect(detector.catalog).toMatchObject({ variant: "int8-static", baseId: "ocr-det", evaluation: { metric: { name: "maskIoU" } } });
    expect(detector.flopsPerItem).toBeGreaterThan(1e9);
  });

  it("gives the same digits on cpu and on the webgpu lane, and labels a software GPU as one", async () => {
    const spec = getModel("digits-mlp")!;
    const input = makeInput(spec, 4, 7)[0]!;
    const inputs = { [input.name]: { shape: input.dims, data: Array.from(input.data as Float32Array) } };
    const cpu = await postJson("/api/infer", { model: spec.id, lane: "cpu", inputs });
    expect(cpu.status).toBe(200);
    expect(cpu.body.lane.id).toBe("cpu");
    const outputName = Object.keys(cpu.body.outputs)[0]!;
    expect(cpu.body.outputs[outputName].shape).toEqual([4, 10]);

    const lanes = (await getJson("/api/capabilities")).body.lanes as (Lane & { device: string })[];
    const webgpu = lanes.find((lane) => lane.id === "webgpu")!;
    const gpu = await postJson("/api/infer", { model: spec.id, lane: "webgpu", inputs });
    if (!webgpu.available) {
      expect(gpu.status).toBe(422);
      expect(gpu.body.error).toContain(webgpu.reason);
      return;
    }
    expect(gpu.status).toBe(200);
    expect(gpu.body.lane).toMatchObject({ id: "webgpu", software: webgpu.software });
    if (/swiftshader/i.test(webgpu.device ?? "")) expect(gpu.body.lane.software).toBe(true);
    const expected: number[] = cpu.body.outputs[outputName].data;
    (gpu.body.outputs[outputName].data as number[]).forEach((value, i) => expect(Math.abs(value - expected[i]!)).toBeLessThan(1e-4));
  });

  it("refuses bad requests with a 4xx JSON error that names the problem", async () => {
    const malformed = await postJson("/api/infer", "{\"model\": ");
    expect(malformed.status).toBe(400);
    expect(malformed.body.error).toMatch(/JSON/);
    const unknownModel = await postJson("/api/infer", { model: "no-such-model" });
    expect(unknownModel.status).toBe(404);
    expect(unknownModel.body.error).toContain("no-such-model");
    const unknownLane = await postJson("/api/infer", { model: "digits-mlp", lane: "tpu" });
    expect(unknownLane.status).toBe(404);
    expect(unknownLane.body.error).toMatch(/tpu/);
    const cuda = (await getJson("/api/health")).body.lanes.find((lane: Lane) => lane.id === "cuda") as Lane;
    if (!cuda.available) {
      const refused = await postJson("/api/infer", { model: "digits-mlp", lane: "cuda" });
      expect(refused.status).toBe(422);
      expect(refused.body.error).toContain(cuda.reason);
    }
  });

  it("speaks the Open Inference Protocol for a registry model", async () => {
    expect((await fetch(`${baseUrl}/v2/health/ready`)).status).toBe(200);
    const metadata = await getJson("/v2/models/digits-mlp");
    expect(metadata.status).toBe(200);
    expect(metadata.body.name).toBe("digits-mlp");
    const input = metadata.body.inputs[0];
    const data = Array.from({ length: 784 }, (_, i) => (i % 28) / 28);
    const result = await postJson("/v2/models/digits-mlp/infer", { inputs: [{ name: input.name, shape: [1, 784], datatype: "FP32", data }] });
    expect(result.status).toBe(200);
    expect(result.body.outputs[0]).toMatchObject({ datatype: "FP32", shape: [1, 10] });
    const unknown = await fetch(`${baseUrl}/v2/models/nope`);
    expect(unknown.status).toBe(404);
  });

  it("answers /api/infer and v2 before Next, sharing one session cache with Next's benchmark jobs", async () => {
    // The fast path (server/main.ts) runs the session; a benchmark job in Next's copy of lib/inference must reuse it.
    const inferred = await postJson("/api/infer", { model: "digits-mlp", lane: "cpu", threads: 1, batch: 1 });
    expect(inferred.status).toBe(200);
    const live = await fetch(`${baseUrl}/v2/health/live`);
    expect(live.status).toBe(200);
    // Next's route handlers add its router's Vary header; the fast path answers without it.
    expect(live.headers.get("vary") ?? "").not.toMatch(/rsc/);
    const created = await postJson("/api/benchmarks", {
      model: "digits-mlp",
      lane: "cpu",
      threads: 1,
      scenario: { kind: "single-stream", warmupRuns: 2, minRuns: 10, minDurationMs: 50, maxDurationMs: 5000 },
    });
    expect(created.status).toBe(202);
    await (await fetch(`${baseUrl}/api/benchmarks/${created.body.id}/events`)).text();
    const { body } = await getJson(`/api/benchmarks/${created.body.id}`);
    expect(body.state).toBe("done");
    expect(body.results.session.created).toBe(false);
  });

  it("runs a benchmark job to completion, streaming progress over Server-Sent Events", async () => {
    const created = await postJson("/api/benchmarks", {
      model: "digits-mlp",
      lane: "cpu",
      scenario: { kind: "single-stream", warmupRuns: 5, minRuns: 50, minDurationMs: 200, maxDurationMs: 5000 },
    });
    expect(created.status).toBe(202);
    const events = await fetch(`${baseUrl}/api/benchmarks/${created.body.id}/events`);
    expect(events.headers.get("content-type")).toMatch(/text\/event-stream/);
    const stream = await events.text();
    expect(stream).toMatch(/event: end\ndata: .*"state":"done"/);
    const { body } = await getJson(`/api/benchmarks/${created.body.id}`);
    expect(body.state).toBe("done");
    expect(body.results.scenario.latencyMs.n).toBeGreaterThanOrEqual(50);
    expect(body.results.scenario.latencyMs.p50).toBeGreaterThan(0);
    expect(body.results.session.createMs).toBeGreaterThan(0);

    const listed = await getJson("/api/benchmarks?model=digits-mlp&lane=cpu&limit=5");
    expect(listed.status).toBe(200);
    expect(listed.body.runs.map((run: { id: string }) => run.id)).toContain(created.body.id);
    const bad = await getJson("/api/benchmarks?lane=tpu");
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/lane/);
  });
});
