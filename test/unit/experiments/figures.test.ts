import { describe, expect, it } from "vitest";
import { FIGURE_NAMES, figureKey, figuresSchema } from "@/lib/experiments/figures";

describe("stored figures", () => {
  it("accepts every named figure and a p99 per rate", () => {
    const scalars = Object.fromEntries(FIGURE_NAMES.filter((n) => n !== "p99MsAtRate").map((n, i) => [n, i + 0.5]));
    const parsed = figuresSchema.parse({ ...scalars, p99MsAtRate: { [figureKey(50)]: 3.2, [figureKey(12.5)]: 1 } });
    expect(parsed.kneeBatch).toBeTypeOf("number");
    expect(parsed.p99MsAtRate).toEqual({ "50": 3.2, "12.5": 1 });
  });

  it("names the field it refuses", () => {
    const unknown = figuresSchema.safeParse({ kneebatch: 8 });
    expect(unknown.success).toBe(false);
    expect(JSON.stringify(unknown.error?.issues)).toContain("kneebatch");
    const negative = figuresSchema.safeParse({ int8Speedup: -1 });
    expect(negative.error?.issues[0]?.path).toEqual(["int8Speedup"]);
    const badRate = figuresSchema.safeParse({ p99MsAtRate: { fast: 2 } });
    expect(badRate.error?.issues[0]?.path).toEqual(["p99MsAtRate", "fast"]);
    expect(figuresSchema.safeParse({ p50Ms: Number.NaN }).success).toBe(false);
  });
});
