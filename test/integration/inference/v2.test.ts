import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { fixtureModel, seededFloats } from "../../unit/inference/helpers";
import { sqliteDatabase, type TestDatabase } from "../../helpers/databases";

vi.hoisted(() => {
  process.env.ORT_DISABLE_TELEMETRY = "1";
});

const model = fixtureModel("v2-mlp", [8, 16, 4], 16);
let server: { url: string; close: () => Promise<void> };

let database: TestDatabase | undefined;

// Migrating runs the project's migrate step in a child process: seconds on a busy machine.
beforeAll(async () => {
  database = sqliteDatabase();
  process.env.DATABASE_URL = database.url;
  const { registerModel } = await import("@/lib/inference/catalog.server");
  registerModel(model);
  const { startStandaloneServer } = await import("@/lib/inference/standalone.server");
  server = await startStandaloneServer();
}, 60_000);

afterAll(async () => {
  await server?.close();
  const { releaseAllRunners } = await import("@/lib/inference/sessions.server");
  await releaseAllRunners();
  await database?.stop();
});

const params = <T>(value: T) => ({ params: Promise.resolve(value) });
const json = (body: unknown) => ({ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

describe("Open Inference Protocol (route handlers)", () => {
  it("serves server metadata, health and model metadata", async () => {
    const meta = await (await (await import("@/app/v2/route")).GET()).json();
    expect(meta).toMatchObject({ name: "inference-lab", version: expect.any(String), extensions: expect.any(Array) });
    expect((await (await import("@/app/v2/health/live/route")).GET()).status).toBe(200);
    const modelRoute = await import("@/app/v2/models/[name]/route");
    const metadata = await (await modelRoute.GET(new Request("http://t"), params({ name: "v2-mlp" }))).json();
    expect(metadata).toEqual({
      name: "v2-mlp",
      versions: ["1"],
      platform: "onnxruntime_onnx",
      inputs: [{ name: "input", datatype: "FP32", shape: [-1, 8] }],
      outputs: [{ name: "output", datatype: "FP32", shape: [-1, 4] }],
    });
    const unknown = await modelRoute.GET(new Request("http://t"), params({ name: "nope" }));
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: expect.stringContaining('unknown model "nope"') });
    const ready = await (await import("@/app/v2/models/[name]/ready/route")).GET(new Request("http://t"), params({ name: "v2-mlp" }));
    expect(ready.status).toBe(200);
    const versioned = await (await import("@/app/v2/models/[name]/versions/[version]/route")).GET(new Request("http://t"), params({ name: "v2-mlp", version: "7" }));
    expect(versioned.status).toBe(404);
  });

  it("infers with nested data and the outputs field, and equals /api/infer", async () => {
    const flat = Array.from(seededFloats(16, 3));
    const nested = [flat.slice(0, 8), flat.slice(8)];
    const route = await import("@/app/v2/models/[name]/infer/route");
    const response = await route.POST(
      new Request("http://t/v2/models/v2-mlp/infer", json({ id: "42", inputs: [{ name: "input", shape: [2, 8], datatype: "FP32", data: nested }], outputs: [{ name: "output" }] })),
      params({ name: "v2-mlp" }),
    );
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({ model_name: "v2-mlp", id: "42", outputs: [{ name: "output", datatype: "FP32", shape: [2, 4] }] });
    const viaApi = await (await (await import("@/app/api/infer/route")).POST(new Request("http://t/api/infer", json({ model: "v2-mlp", inputs: { input: { shape: [2, 8], data: flat } } })))).json();
    expect(body.outputs[0].data).toEqual(viaApi.outputs.output.data);
  });

  it("answers bad v2 requests with a 4xx and the spec's error shape", async () => {
    const route = await import("@/app/v2/models/[name]/infer/route");
    const cases: Array<[unknown, number, RegExp]> = [
      [{ inputs: [{ name: "input", shape: [1, 8], datatype: "INT32", data: [1, 2, 3, 4, 5, 6, 7, 8] }] }, 400, /datatype INT32 does not match the model's FP32/],
      [{ inputs: [{ name: "input", shape: [1, 9], datatype: "FP32", data: new Array(9).fill(0) }] }, 400, /dimension 1 must be 8/],
      [{ inputs: [{ name: "other", shape: [1, 8], datatype: "FP32", data: new Array(8).fill(0) }] }, 400, /unexpected inference input 'other'/],
      [{ inputs: [{ name: "input", shape: [1, 8], datatype: "FP32", data: [1] }] }, 400, /needs 8 values, got 1/],
      [{ inputs: [{ name: "input", shape: [32, 8], datatype: "FP32", data: new Array(256).fill(0) }] }, 413, /over this model's cap of 16/],
      [{ inputs: [{ name: "input", shape: [1, 8], datatype: "FP32", data: new Array(8).fill(0) }], outputs: [{ name: "nope" }] }, 400, /unknown output/],
      [{ inputs: [{ name: "input", shape: [1, 8], datatype: "FP32", parameters: { binary_data_size: 32 }, data: [] }] }, 400, /binary tensor data extension/],
      [{ inputs: [] }, 400, /at least one tensor/],
      [{}, 400, /inputs/],
    ];
    for (const [body, status, message] of cases) {
      const response = await route.POST(new Request("http://t", json(body)), params({ name: "v2-mlp" }));
      expect(response.status, JSON.stringify(body)).toBe(status);
      const error = await response.json();
      expect(Object.keys(error)).toEqual(["error"]);
      expect(error.error).toMatch(message);
    }
    const malformed = await route.POST(new Request("http://t", { method: "POST", body: "[1," }), params({ name: "v2-mlp" }));
    expect(malformed.status).toBe(400);
  });
});

describe("v2 over HTTP and the remote lane", () => {
  it("round-trips through a real HTTP server", async () => {
    expect((await fetch(`${server.url}/v2/health/ready`)).status).toBe(200);
    const response = await fetch(`${server.url}/v2/models/v2-mlp/infer`, json({ inputs: [{ name: "input", shape: [1, 8], datatype: "FP32", data: Array.from(seededFloats(8, 1)) }] }));
    expect(response.status).toBe(200);
    expect((await response.json()).outputs[0].shape).toEqual([1, 4]);
    expect((await fetch(`${server.url}/v2/models/v2-mlp/infer`, { method: "GET" })).status).toBe(405);
  });

  it("runs the remote lane against an Open Inference Protocol server and matches cpu", async () => {
    const saved = process.env.REMOTE_INFERENCE_URL;
    process.env.REMOTE_INFERENCE_URL = server.url;
    try {
      const { getLane } = await import("@/lib/inference/lanes.server");
      const remote = await getLane("remote");
      expect(remote.available, remote.reason ?? "").toBe(true);
      expect(remote.device).toContain(server.url);
      const infer = (await import("@/app/api/infer/route")).POST;
      const input = { input: { shape: [3, 8], data: Array.from(seededFloats(24, 5)) } };
      const viaRemote = await (await infer(new Request("http://t", json({ model: "v2-mlp", lane: "remote", inputs: input })))).json();
      const viaCpu = await (await infer(new Request("http://t", json({ model: "v2-mlp", lane: "cpu", inputs: input })))).json();
      expect(viaRemote.lane.id).toBe("remote");
      expect(viaRemote.outputs.output.data).toEqual(viaCpu.outputs.output.data);
    } finally {
      if (saved === undefined) delete process.env.REMOTE_INFERENCE_URL;
      else process.env.REMOTE_INFERENCE_URL = saved;
    }
  });
});
