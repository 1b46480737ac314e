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

describe("server environment: the lab's own settings", () => {
  const parse = (env: Record<string, string>) => parseServerEnvForTests(env as unknown as NodeJS.ProcessEnv);

  it("defaults what it can and treats empty values as unset", () => {
    const env = parse({ V2_LANE: "", BENCHMARK_QUEUE_SIZE: " " });
    expect(env).toMatchObject({ V2_LANE: "cpu", BENCHMARK_QUEUE_SIZE: 3, BENCHMARK_TIME_CAP_MS: 180_000 });
    expect(env.REMOTE_INFERENCE_URL).toBeUndefined();
  });

  it("reads numbers and lanes, never falling back silently from a typo", () => {
    expect(parse({ BENCHMARK_QUEUE_SIZE: "0", V2_LANE: "webgpu" })).toMatchObject({ BENCHMARK_QUEUE_SIZE: 0, V2_LANE: "webgpu" });
    expect(() => parse({ BENCHMARK_QUEUE_SIZE: "three" })).toThrow(/BENCHMARK_QUEUE_SIZE/);
    expect(() => parse({ V2_LANE: "gpu" })).toThrow(/V2_LANE/);
    expect(() => parse({ REMOTE_INFERENCE_URL: "triton:8000" })).toThrow(/REMOTE_INFERENCE_URL: must be an http\(s\) URL/);
    expect(() => parse({ BETTER_AUTH_SECRET: "short" })).toThrow(/BETTER_AUTH_SECRET: must be at least 32 characters/);
  });

  it("names every wrong variable at once", () => {
    expect(() => parse({ V2_LANE: "gpu", BENCHMARK_TIME_CAP_MS: "-5" })).toThrow(/V2_LANE[\s\S]*BENCHMARK_TIME_CAP_MS/);
  });
});
