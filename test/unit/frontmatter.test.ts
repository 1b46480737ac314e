import { describe, expect, it } from "vitest";
import { lessonFrontmatterSchema } from "@/lib/content/frontmatter";

describe("lesson frontmatter", () => {
  it("rejects a lesson without objectives", () => {
    const result = lessonFrontmatterSchema.safeParse({ title: "Latency", summary: "What latency means here", order: 1, objectives: [] });
    expect(result.success).toBe(false);
  });
});
