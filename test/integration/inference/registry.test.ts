import { InferenceSession, Tensor } from "onnxruntime-node";
import { afterAll, describe, expect, it, vi } from "vitest";
import { modelFileExists } from "@/lib/models/files.server";
import { getModel, makeInput } from "@/lib/models/registry";

vi.hoisted(() => {
  process.env.ORT_DISABLE_TELEMETRY = "1";
});

afterAll(async () => {
  const { releaseAllRunners } = await import("@/lib/inference/sessions.server");
  await releaseAllRunners();
});

const json = (body: unknown) => new Request("http://t/api/infer", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

describe("registry models through the API", () => {
  it("lists every registry model with its tensors in /api/capabilities", async () => {
    const body = await (await (await import("@/app/api/capabilities/route")).GET()).json();
    const narrow = body.models.find((m: { id: string }) => m.id === "mlp-narrow");
    const spec = getModel("mlp-narrow")!;
    expect(narrow.inputs).toEqual(spec.inputs.map(({ name, dtype, shape }) => ({ name, dtype, shape })));
    expect(narrow.maxBatch).toBe(spec.maxBatch);
    expect(narrow.flopsPerItem).toBe(spec.flopsPerItem);
    const vad = body.models.find((m: { id: string }) => m.id === "silero-vad");
    expect(vad.batchAxis).toBeNull();
    expect(vad.ready).toBe(true);
  });

  it("runs mlp-narrow on cpu with the registry's input and matches a plain session", async () => {
    const spec = getModel("mlp-narrow")!;
    const infer = (await import("@/app/api/infer/route")).POST;
    const response = await infer(json({ model: "mlp-narrow", lane: "cpu", batch: 2, seed: 3 }));
    if (!modelFileExists(spec)) {
      expect(response.status).toBe(404);
      expect((await response.json()).error).toMatch(/npm run models:build/);
      return;
    }
    expect(response.status).toBe(200);
    const body = await response.json();
    const { modelFilePath } = await import("@/lib/models/files.server");
    const session = await InferenceSession.create(modelFilePath(spec), { executionProviders: ["cpu"] });
    const feeds = Object.fromEntries(makeInput(spec, 2, 3).map((t) => [t.name, new Tensor(t.dtype, t.data as Float32Array, t.dims)]));
    const direct = await session.run(feeds);
    await session.release();
    const want = Array.from(direct.output!.data as Float32Array);
    expect(body.outputs.output.shape).toEqual([2, spec.outputs[0]!.shape[1]]);
    body.outputs.output.data.forEach((v: number, i: number) => expect(Math.abs(v - want[i]!)).toBeLessThan(1e-5));
  });

  it("runs the Silero VAD (constant int64 sample rate, recurrent state) and refuses a batch", async () => {
    const infer = (await import("@/app/api/infer/route")).POST;
    const ok = await infer(json({ model: "silero-vad", lane: "cpu" }));
    expect(ok.status).toBe(200);
    const body = await ok.json();
    expect(body.outputs.output.shape).toEqual([1, 1]);
    expect(body.outputs.stateN.shape).toEqual([2, 1, 128]);
    const batched = await infer(json({ model: "silero-vad", lane: "cpu", batch: 2 }));
    expect(batched.status).toBe(400);
    expect((await batched.json()).error).toMatch(/exactly one item/);
    const meta = await (await (await import("@/app/v2/models/[name]/route")).GET(new Request("http://t"), { params: Promise.resolve({ name: "silero-vad" }) })).json();
    expect(meta.inputs).toContainEqual({ name: "sr", datatype: "INT64", shape: [] });
  });
});

describe("inputs the runtime would refuse are answered 4xx, never 500", () => {
  const infer = async (body: unknown) => {
    const response = await (await import("@/app/api/infer/route")).POST(json(body));
    return { status: response.status, error: ((await response.json()) as { error?: string }).error ?? "" };
  };
  const v2 = async (model: string, body: unknown) => {
    const response = await (await import("@/lib/inference/oip-api.server")).v2Infer(model, json(body));
    return { status: response.status, error: ((await response.json()) as { error?: string }).error ?? "" };
  };

  it.each([
    ["ocr-det 0×0", { model: "ocr-det", lane: "cpu", inputs: { x: { shape: [1, 3, 0, 0], data: [] } } }, /dimension 2 must be a positive integer, got 0/],
    ["ocr-rec width 0", { model: "ocr-rec", lane: "cpu", inputs: { x: { shape: [1, 3, 48, 0], data: [] } } }, /dimension 3 must be a positive integer, got 0/],
    ["silero-vad sr 0", { model: "silero-vad", lane: "cpu", inputs: { input: { shape: [1, 512], data: Array(512).fill(0) }, state: { shape: [2, 1, 128], data: Array(256).fill(0) }, sr: { shape: [], data: [0] } } }, /sr: 0 is not accepted; the model takes 8000 or 16000/],
    ["silero-vad sr −5", { model: "silero-vad", lane: "cpu", inputs: { input: { shape: [1, 512], data: Array(512).fill(0) }, state: { shape: [2, 1, 128], data: Array(256).fill(0) }, sr: { shape: [], data: [-5] } } }, /-5 is not accepted/],
  ])("%s → 400 naming the problem", async (_name, body, message) => {
    const { status, error } = await infer(body);
    expect(status, error).toBe(400);
    expect(error).toMatch(message);
  });

  it("v2: ocr-det 0×0 → 400", async () => {
    const { status, error } = await v2("ocr-det", { inputs: [{ name: "x", shape: [1, 3, 0, 0], datatype: "FP32", data: [] }] });
    expect(status, error).toBe(400);
  });

  it("what the runtime still refuses (a 1×1 image through the detector's strides) is 422 with the runtime's words", async () => {
    const { status, error } = await infer({ model: "ocr-det", lane: "cpu", inputs: { x: { shape: [1, 3, 1, 1], data: [0, 0, 0] } } });
    // Either the runtime copes (200) or it refuses: then it is the input's fault, said as such.
    if (status !== 200) {
      expect(status, error).toBe(422);
      expect(error).toMatch(/^the model refused this input: /);
    }
  });
});
