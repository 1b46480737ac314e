import { describe, expect, it } from "vitest";
import { modelNameProblem, axisSizesSchema } from "@/lib/inference/uploads/spec";
import { validateOnnxUpload, type ValidationLimits } from "@/lib/inference/uploads/validate";
import { badModels, goodModel, hangingModel } from "../../helpers/upload-models";

const limits: ValidationLimits = {
  maxTensorBytes: 64 * 1024 * 1024,
  feedableTypes: new Map([["float32", 4], ["float64", 8], ["int64", 8], ["int32", 4], ["int8", 1], ["uint8", 1], ["bool", 1]]),
};

describe("the upload validator, on each bad input", () => {
  it.each([
    ["empty file", badModels.empty, 400, "empty", /empty \(0 bytes\)/],
    ["text renamed .onnx", badModels.text, 400, "not-protobuf", /text, not an ONNX model/],
    ["truncated model", badModels.truncated, 400, "truncated", /ends early/],
    ["protobuf of the wrong message", badModels.wrongMessage, 400, "wrong-message", /not an ONNX model/],
    ["external data", badModels.externalData, 422, "external-data", /separate file\(s\) \(\.\.\/\.\.\/\.\.\/\.\.\/etc\/passwd\)/],
    ["initializer larger than its bytes", badModels.initializerTooShort, 422, "initializer-too-short", /declares 1000×1000 float32 \(4000000 bytes\) but the file holds 16 bytes/],
    ["custom domain", badModels.customDomain, 422, "custom-domain", /com\.example\.customops/],
    ["huge declared dimension", badModels.hugeDimension, 422, "too-large", /input "x" declares shape \[batch, 1000000000, 1000000000\].*over the server's limit of 64\.0 MiB/],
  ] as const)("refuses %s, naming the problem", (_label, make, status, code, message) => {
    const result = validateOnnxUpload(make(), limits);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.status).toBe(status);
    expect(result.code).toBe(code);
    expect(result.error).toMatch(message);
  });

  it("passes an unknown operator on to the child process: only onnxruntime knows its kernels", () => {
    const result = validateOnnxUpload(badModels.unknownOperator(), limits);
    expect(result.ok).toBe(true);
  });

  it("derives the engine's spec from a good model: two inputs, a batch axis and a named sequence axis", () => {
    const result = validateOnnxUpload(goodModel(), { ...limits, axisSizes: { sequence: 16 } });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.spec.inputs).toEqual([
      { name: "a", dtype: "float32", shape: ["batch", "sequence", 8] },
      { name: "b", dtype: "float32", shape: ["batch", "sequence", 4] },
    ]);
    expect(result.spec.outputs).toEqual([{ name: "y", dtype: "float32", shape: ["batch", "sequence", 4] }]);
    expect(result.spec).toMatchObject({ batchAxis: 0, axisDefaults: { sequence: 16 }, parameters: 32, weightBytes: 128, opset: 17, producer: "upload-test" });
    expect(result.spec.maxBatch).toBe(64);
  });

  it("lowers the batch cap when one item is large, and refuses an axis the model does not have", () => {
    const small = validateOnnxUpload(goodModel(), { ...limits, maxTensorBytes: 16 * 1024, axisSizes: { sequence: 100 } });
    // One item: 100×8 + 100×4 + 100×4 floats = 6400 bytes, so 16 KiB holds two.
    expect(small.ok && small.spec.maxBatch).toBe(2);
    const unknown = validateOnnxUpload(goodModel(), { ...limits, axisSizes: { height: 4 } });
    expect(unknown).toMatchObject({ ok: false, status: 400, error: expect.stringMatching(/no dynamic axis height; its axes are sequence/) });
  });

  it("accepts a valid model that only misbehaves when run (the hang is the child's to catch)", () => {
    expect(validateOnnxUpload(hangingModel(), limits)).toMatchObject({ ok: true, spec: { batchAxis: null, maxBatch: 1 } });
  });
});

describe("an uploaded model's name", () => {
  it.each([
    ["../../etc/passwd", /path separator/],
    ["models\\evil", /path separator/],
    ["bad\u0000name", /control character/],
    ["tab\tname", /control character/],
    ["rtl\u202ename", /control character/],
    ["x".repeat(65), /65 characters; at most 64/],
    ["", /required/],
    ["..", /letters, digits/],
    ["-leading-dash", /start with a letter or digit/],
    ["has space", /letters, digits/],
  ])("refuses %j", (name, problem) => {
    expect(modelNameProblem(name)).toMatch(problem);
  });

  it("accepts ids that need no escaping in a URL path", () => {
    for (const name of ["resnet-50", "my_model.v2", "A1"]) expect(modelNameProblem(name)).toBeNull();
  });

  it("parses axis sizes and refuses malformed ones", () => {
    expect(axisSizesSchema.parse("sequence=128, height=224")).toEqual({ sequence: 128, height: 224 });
    expect(axisSizesSchema.safeParse("sequence=0").success).toBe(false);
    expect(axisSizesSchema.safeParse("sequence").success).toBe(false);
  });
});
