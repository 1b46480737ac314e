import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { countFlops } from "@/lib/models/flops.server";

import { generatedModelsStaleReason, modelFilePath } from "@/lib/models/files.server";
import { DIGITS_MLP_WIDTHS, evaluationOf, getModel, makeInput } from "@/lib/models/registry";
import { toFeeds } from "@/lib/models/session.server";
import { execFileSync } from "node:child_process";

beforeAll(() => {
  if (generatedModelsStaleReason() !== null) execFileSync("npx", ["tsx", "scripts/models/build.ts"], { stdio: "inherit" });
}, 120_000);

async function flopsOf(id: string, batch = 1) {
  const spec = getModel(id)!;
  return countFlops(readFileSync(modelFilePath(spec)), toFeeds(makeInput(spec, batch, 1)));
}

describe("FLOP counting from a model's own shapes", () => {
  it("counts an MLP's matrix products exactly: 2 per multiply-add, times the batch", async () => {
    const widths = DIGITS_MLP_WIDTHS;
    const perItem = widths.slice(1).reduce((sum, out, i) => sum + 2 * widths[i]! * out, 0);
    expect((await flopsOf("digits-mlp")).flops).toBe(perItem);
    expect((await flopsOf("digits-mlp", 8)).flops).toBe(8 * perItem);
  });

  it("counts convolutions at the input size it is given, as the registry records for the detector", async () => {
    const counted = await flopsOf("ocr-det");
    expect(counted.byOp.Conv).toBeGreaterThan(0);
    expect(counted.byOp.ConvTranspose).toBeGreaterThan(0);
    expect(counted.flops).toBe(evaluationOf("ocr-det")?.flopsPerItem);
    expect(getModel("ocr-det")!.flopsPerItem).toBe(counted.flops);
    // A 640×640 page has four times the pixels, so four times the work of every layer.
    const spec = getModel("ocr-det")!;
    const large = makeInput({ ...spec, axisDefaults: { height: 640, width: 640 } }, 1, 1);
    const bigger = await countFlops(readFileSync(modelFilePath(spec)), toFeeds(large));
    expect(bigger.flops / counted.flops).toBeCloseTo(4, 1);
  });
});
