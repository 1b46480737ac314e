import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import evaluation from "@/lib/models/evaluation.json";
import { DIGITS_ACCURACY_TARGET } from "@/lib/models/digits";
import { compareWithBase, type EvalSize, FULL_EVAL } from "@/lib/models/evaluate.server";
import { generatedModelsStaleReason, ModelFileError, modelFilePath, readModelBytes } from "@/lib/models/files.server";
import { getModel, models } from "@/lib/models/registry";
import { nodeRunner, wasmRunner } from "@/lib/models/runners.server";

/** Smaller than models:eval's sets so the suite stays quick; tolerances cover the sampling difference. */
const QUICK: EvalSize = { digits: 500, pages: 2, lines: 8, vectors: 2 };
const TOLERANCE = { accuracy: 0.02, maskIoU: 0.12, textAgreement: 0.3, cosine: 0.02 } as const;

const recorded = evaluation.models as Record<string, { metric?: { name: keyof typeof TOLERANCE; value: number } }>;

beforeAll(() => {
  if (generatedModelsStaleReason() !== null) execFileSync("npx", ["tsx", "scripts/models/build.ts"], { stdio: "inherit" });
}, 120_000);

describe.each(["digits-mlp", "digits-cnn"])("digit classifier %s", (id) => {
  it(`reaches ≥ ${DIGITS_ACCURACY_TARGET * 100}% on the held-out split`, async () => {
    const runner = await nodeRunner(getModel(id)!);
    const metric = await compareWithBase(getModel(id)!, runner.run, runner.run, FULL_EVAL);
    await runner.release();
    expect(metric.samples).toBe(2000);
    expect(metric.value).toBeGreaterThanOrEqual(DIGITS_ACCURACY_TARGET);
  });
});

const variants = models.filter((m) => m.variant !== "fp32");

describe.each(variants.map((m) => [m.id, m] as const))("%s", (id, spec) => {
  const base = getModel(spec.baseId)!;
  const expected = recorded[id]?.metric;

  it("has a recorded evaluation", () => {
    expect(expected).toBeDefined();
  });

  it.each([
    ["onnxruntime-node", nodeRunner],
    ["onnxruntime-web (WASM)", wasmRunner],
  ] as const)("meets its recorded agreement in %s", async (_runtime, makeRunner) => {
    const [variant, fp32] = [await makeRunner(spec), await makeRunner(base)];
    try {
      const metric = await compareWithBase(spec, variant.run, fp32.run, QUICK);
      expect(metric.name).toBe(expected!.name);
      expect(Math.abs(metric.value - expected!.value)).toBeLessThanOrEqual(TOLERANCE[metric.name]);
    } finally {
      await Promise.all([variant.release(), fp32.release()]);
    }
  });
});

describe("damaged model files", () => {
  const directory = mkdtempSync(path.join(os.tmpdir(), "models-"));
  // Read in a hook, not at collection: on a fresh clone the file exists only after the build above.
  let original: Buffer;
  beforeAll(() => {
    original = readFileSync(modelFilePath(getModel("digits-mlp")!));
  });

  it("names a truncated file", () => {
    const file = path.join(directory, "truncated.onnx");
    writeFileSync(file, original.subarray(0, Math.floor(original.byteLength / 2)));
    expect(() => readModelBytes(file)).toThrow(ModelFileError);
    expect(() => readModelBytes(file)).toThrow(/truncated\.onnx is corrupt or truncated/);
  });

  it("names an empty, a missing and a non-ONNX file", () => {
    const empty = path.join(directory, "empty.onnx");
    writeFileSync(empty, new Uint8Array());
    expect(() => readModelBytes(empty)).toThrow(/empty\.onnx is empty/);
    expect(() => readModelBytes(path.join(directory, "generated/models/nowhere.onnx"))).toThrow(/nowhere\.onnx is missing; run npm run models:build/);
    const text = path.join(directory, "notes.onnx");
    writeFileSync(text, "these are not the weights you are looking for");
    expect(() => readModelBytes(text)).toThrow(/notes\.onnx/);
  });

  it("rejects a model whose inputs differ from the registry", () => {
    const file = path.join(directory, "renamed.onnx");
    writeFileSync(file, original);
    expect(() => readModelBytes(file, ["x"])).toThrow(/renamed\.onnx lacks input\(s\) x/);
  });
});
