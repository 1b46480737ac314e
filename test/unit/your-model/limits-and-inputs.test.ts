import { describe, expect, it } from "vitest";
import type { TensorSignature } from "@/lib/models/onnx-inspect";
import { concreteShape, isOwnModelId, ownModelFeeds, ownModelId, unfeedableInputs } from "@/lib/models/own-model";
import { defaultDimValue, editableDims, MAX_INPUT_BYTES, parseDims } from "@/lib/your-model/dims";
import { DEFAULT_MAX_MODEL_BYTES, plainRuntimeError, sizeRefusal } from "@/lib/your-model/limits";

const GiB = 1024 ** 3;
const inputs: TensorSignature[] = [
  { name: "tokens", elementType: "float32", shape: ["batch", "seq", 12] },
  { name: "ids", elementType: "int64", shape: ["batch", "seq"] },
];

describe("limits checked from the file's size before it is read", () => {
  it("refuses over the configured cap, over WebAssembly's 4 GiB, and over what the device reports", () => {
    expect(sizeRefusal(DEFAULT_MAX_MODEL_BYTES + 1, DEFAULT_MAX_MODEL_BYTES, null)).toMatch(/accepts models up to 1\.00 GiB/);
    expect(sizeRefusal(DEFAULT_MAX_MODEL_BYTES, DEFAULT_MAX_MODEL_BYTES, null)).toBeNull();
    expect(sizeRefusal(1.5 * GiB, 8 * GiB, null)).toMatch(/4 GiB/);
    // 2 GiB of device memory: a 400 MiB model held three times is more than half of it.
    expect(sizeRefusal(400 * 1024 ** 2, GiB, 2)).toMatch(/2 GiB your browser reports/);
    expect(sizeRefusal(100 * 1024 ** 2, GiB, 2)).toBeNull();
  });

  it("puts onnxruntime-web's shape errors in plain words and keeps its own", () => {
    const raw = "Got invalid dimensions for input: tokens for the following indices\n index: 2 Got: 10 Expected: 12";
    expect(plainRuntimeError(raw)).toMatch(/^The model refuses this shape.*Got: 10 Expected: 12/s);
    expect(plainRuntimeError("Non-zero status code returned while running Reshape node. Cannot reshape input")).toMatch(/^The model refuses these dimension values/);
    expect(plainRuntimeError("something else")).toBe("something else");
  });
});

describe("symbolic dimensions", () => {
  it("defaults by name and leaves the batch to the experiments", () => {
    expect(defaultDimValue("seq")).toBe(128);
    expect(defaultDimValue("height")).toBe(224);
    expect(defaultDimValue("anchors")).toBe(1);
    expect(editableDims(["batch", "seq"], "batch")).toEqual(["seq"]);
  });

  it("names the field that is wrong, and refuses inputs too large to generate", () => {
    expect(parseDims(inputs, { seq: "0" }, "batch")).toEqual({ ok: false, errors: { seq: "seq must be at least 1" } });
    expect(parseDims(inputs, { seq: "2.5" }, "batch")).toMatchObject({ ok: false, errors: { seq: expect.stringContaining("whole number") } });
    expect(parseDims(inputs, { seq: "20" }, "batch")).toEqual({ ok: true, dims: { seq: 20 } });
    const wide: TensorSignature[] = [{ name: "frames", elementType: "float32", shape: ["batch", "seq", 4096] }];
    const tooMany = Math.ceil(MAX_INPUT_BYTES / (4096 * 4)) + 1;
    expect(parseDims(wide, { seq: String(tooMany - 1) }, "batch")).toMatchObject({ ok: true });
    expect(parseDims(wide, { seq: String(tooMany) }, "batch")).toMatchObject({ ok: false, errors: { seq: expect.stringContaining("more than the 256.0 MiB") } });
  });
});

describe("inputs for a learner's model", () => {
  it("shapes each input at the batch and the given sizes, floats random and ids zero", () => {
    const model = { inputs, dims: { seq: 5 }, batchDim: "batch" };
    expect(concreteShape(inputs[0]!.shape!, model, 3)).toEqual([3, 5, 12]);
    const [tokens, ids] = ownModelFeeds(model, 3, 7);
    expect(tokens!.dims).toEqual([3, 5, 12]);
    expect(tokens!.data).toBeInstanceOf(Float32Array);
    expect(new Set(tokens!.data as Float32Array).size).toBeGreaterThan(100);
    expect([...(tokens!.data as Float32Array)].every((v) => v >= -1 && v < 1)).toBe(true);
    expect(ids!.data).toBeInstanceOf(BigInt64Array);
    expect([...(ids!.data as BigInt64Array)].every((v) => v === 0n)).toBe(true);
    expect(() => concreteShape(["batch", "width"], model, 1)).toThrow(/"width"/);
  });

  it("says which inputs the lab cannot generate", () => {
    expect(unfeedableInputs([{ name: "text", elementType: "string", shape: [1] }, { name: "x", elementType: "float32", shape: null }, ...inputs])).toEqual([
      expect.stringContaining('"text" is string'),
      expect.stringContaining('"x" has no recorded shape'),
    ]);
  });

  it("identifies a model by its SHA-256", () => {
    const id = ownModelId("ab".repeat(32));
    expect(id).toBe(`sha256:${"ab".repeat(32)}`);
    expect(isOwnModelId(id)).toBe(true);
    expect(isOwnModelId("digits-mlp")).toBe(false);
  });
});
