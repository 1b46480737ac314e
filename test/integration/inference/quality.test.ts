import { afterAll, describe, expect, it } from "vitest";
import { getQualityData, postQuality } from "@/lib/inference/quality.server";
import type { QualityDataHeader, QualityResult } from "@/lib/inference/quality";
import { releaseAllRunners } from "@/lib/inference/sessions.server";
import { request } from "../../helpers/route-requests";

afterAll(() => releaseAllRunners());

const score = async (body: unknown) => {
  const response = await postQuality(request("/api/quality", { body }));
  return { status: response.status, body: (await response.json()) as QualityResult & { error?: string } };
};

describe("int8 quality measured live (POST /api/quality)", () => {
  it("scores a digit classifier's int8 variant on the held-out digits, beside the stored reference", async () => {
    const { status, body } = await score({ model: "digits-cnn-int8-static", lane: "cpu" });
    expect(status).toBe(200);
    expect(body).toMatchObject({ model: "digits-cnn-int8-static", base: "digits-cnn", lane: "cpu" });
    expect(body.metric.name).toBe("accuracy");
    expect(body.metric.samples).toBe(2000);
    // Same models, same digits, same runtime as models:eval: the live figure is the stored one.
    expect(body.reference!.name).toBe("accuracy");
    expect(Math.abs(body.metric.value - body.reference!.value)).toBeLessThanOrEqual(0.005);
    expect(body.metric.baseline).toBeGreaterThan(0.95);
  });

  it("shows weight-only int8 hurting the text recognizer and dynamic int8 not", async () => {
    const weight = await score({ model: "ocr-rec-int8-weight", lane: "cpu" });
    const dynamic = await score({ model: "ocr-rec-int8-dynamic", lane: "cpu" });
    expect(weight.body.metric).toMatchObject({ name: "textAgreement", samples: 32 });
    expect(weight.body.metric.value).toBeLessThan(0.8);
    expect(dynamic.body.metric.value).toBeGreaterThan(0.9);
    expect(Math.abs(weight.body.metric.value - weight.body.reference!.value)).toBeLessThanOrEqual(0.1);
  });

  it("answers a repeated request from what it measured", async () => {
    const first = await score({ model: "digits-mlp-int8-weight", lane: "cpu" });
    const again = await score({ model: "digits-mlp-int8-weight", lane: "cpu" });
    expect(again.body).toEqual(first.body);
  });

  it("refuses bad requests with a 4xx naming the field", async () => {
    const cases: Array<[unknown, number, RegExp]> = [
      [{ model: "digits-mlp", lane: "cpu" }, 400, /model: must be an int8 variant/],
      [{ model: "gpt-5", lane: "cpu" }, 400, /model/],
      [{ model: "ocr-det-int8-static", lane: "cpu" }, 400, /model/],
      [{ lane: "cpu" }, 400, /model/],
      [{ model: "digits-mlp-int8-weight", lane: "tpu" }, 404, /unknown lane "tpu"/],
      [{ model: "digits-mlp-int8-weight", lane: "cuda" }, 422, /cuda is unavailable/],
      [{ model: "digits-mlp-int8-weight", lane: "cpu", samples: 5 }, 400, /samples/],
    ];
    for (const [body, status, message] of cases) {
      const result = await score(body);
      expect(result.status, JSON.stringify(body)).toBe(status);
      expect(result.body.error).toMatch(message);
    }
  });
});

describe("held-out data for the browser (GET /api/quality-data/{base})", () => {
  it("sends the digits with their labels, as float32 after a JSON header", async () => {
    const response = await getQualityData("digits-mlp");
    expect(response.status).toBe(200);
    const bytes = new Uint8Array(await response.arrayBuffer());
    const length = new DataView(bytes.buffer).getUint32(0, true);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + length))) as QualityDataHeader;
    expect(header.labels).toHaveLength(2000);
    expect(header.batches).toEqual([[{ name: "pixels", dims: [2000, 784] }]]);
    const floats = new Float32Array(bytes.buffer, Math.ceil((4 + length) / 4) * 4);
    expect(floats.length).toBe(2000 * 784);
    expect(Math.max(...floats.subarray(0, 784))).toBeLessThanOrEqual(1);
    expect(new Set(header.labels).size).toBe(10);
  });

  it("is 404 for a model it has no held-out data for", async () => {
    const response = await getQualityData("ocr-det");
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: string }).error).toMatch(/no held-out data for "ocr-det"/);
  });
});
