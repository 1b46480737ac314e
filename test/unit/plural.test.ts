import { describe, expect, it } from "vitest";
import { plural } from "@/lib/plural";

describe("plural", () => {
  it("uses the singular only for exactly one", () => {
    expect(plural(1, "run")).toBe("1 run");
    expect(plural(0, "run")).toBe("0 runs");
    expect(plural(2, "learner")).toBe("2 learners");
  });

  it("takes an irregular plural form", () => {
    expect(plural(1, "class", "classes")).toBe("1 class");
    expect(plural(3, "class", "classes")).toBe("3 classes");
  });
});
