import { beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { concreteDims, getModel, makeInput, mlpFlopsPerItem, models } from "@/lib/models/registry";
import { generatedModelsStaleReason, modelFileExists } from "@/lib/models/files.server";
import { createCpuSession, toFeeds } from "@/lib/models/session.server";

beforeAll(() => {
  if (generatedModelsStaleReason() !== null) execFileSync("npx", ["tsx", "scripts/models/build.ts"], { stdio: "inherit" });
}, 120_000);

describe("model registry", () => {
  it("has unique url-safe ids and every variant points at an fp32 base", () => {
    const ids = models.map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const model of models) {
      expect(model.id).toMatch(/^[a-z0-9-]+$/);
      const base = getModel(model.baseId);
      expect(base?.variant).toBe("fp32");
      if (model.variant !== "fp32") expect(model.inputs).toEqual(base?.inputs);
    }
  });

  it("counts FLOPs of a MatMul stack exactly", () => {
    // 64→256: 2·64·256 + 256 bias + 256 relu; 256→64: 2·256·64 + 64 bias.
    expect(mlpFlopsPerItem([64, 256, 64])).toBe(32768 + 512 + 32768 + 64);
    expect(getModel("mlp-wide")?.weightBytes).toBe((4096 * 4096 + 4096) * 2 * 4);
  });

  it("generates the same inputs for the same seed and different ones for another", () => {
    const spec = getModel("mlp-narrow")!;
    const a = makeInput(spec, 3, 7)[0]!;
    const b = makeInput(spec, 3, 7)[0]!;
    const c = makeInput(spec, 3, 8)[0]!;
    expect(a.dims).toEqual([3, 64]);
    expect(a.data).toEqual(b.data);
    expect(a.data).not.toEqual(c.data);
  });
});

describe.each(models.map((m) => [m.id, m] as const))("%s", (_id, spec) => {
  it("loads and runs on CPU with its registry shapes", async () => {
    expect(modelFileExists(spec)).toBe(true);
    const session = await createCpuSession(spec);
    try {
      expect([...session.inputNames].sort()).toEqual(spec.inputs.map((i) => i.name).sort());
      expect([...session.outputNames].sort()).toEqual(spec.outputs.map((o) => o.name).sort());
      const batch = spec.batchAxis ? Math.min(2, spec.maxBatch) : 1;
      const results = await session.run(toFeeds(makeInput(spec, batch, 1)));
      for (const output of spec.outputs) {
        const tensor = results[output.name]!;
        expect(tensor.type).toBe(output.dtype);
        expect([...tensor.dims]).toEqual(concreteDims(spec, output, batch));
        const values = tensor.data as Float32Array;
        expect(values.every(Number.isFinite)).toBe(true);
      }
    } finally {
      await session.release();
    }
  });
});
