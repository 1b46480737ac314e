import { describe, expect, it } from "vitest";
import { parseServerEnvForTests } from "@/lib/env.server";

describe("server environment", () => {
  it("defaults to the SQLite file in the project", () => {
    expect(parseServerEnvForTests({} as NodeJS.ProcessEnv).DATABASE_URL).toBe("file:./data/dev.db");
  });

  it("names the variable that is wrong", () => {
    expect(() => parseServerEnvForTests({ DATABASE_URL: "mysql://x" } as unknown as NodeJS.ProcessEnv)).toThrow(/DATABASE_URL: must start with file:/);
  });
});
