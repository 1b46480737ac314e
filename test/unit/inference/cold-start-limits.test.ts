import { describe, expect, it } from "vitest";
import { HttpError } from "@/lib/http/errors";
import { ColdStartLimiter } from "@/lib/inference/cold-start-limits.server";

function refused(fn: () => unknown): HttpError {
  try {
    fn();
  } catch (error) {
    if (error instanceof HttpError) return error;
    throw error;
  }
  throw new Error("was admitted");
}

describe("ColdStartLimiter", () => {
  it("admits one live cold start per lane, whoever asks, until it is released", () => {
    const limiter = new ColdStartLimiter({ perClient: 10, windowMs: 60_000 }, () => 0);
    const release = limiter.acquire("cpu", "visitor:a", () => 7.2);
    const error = refused(() => limiter.acquire("cpu", "visitor:b", () => 7.2));
    expect(error.status).toBe(429);
    expect(error.headers?.["retry-after"]).toBe("8");
    expect(error.message).toMatch(/^coldStart: .*lane cpu/);
    // Another lane is another slot.
    limiter.acquire("webgpu", "visitor:b", () => 1)();
    release();
    release();
    limiter.acquire("cpu", "visitor:b", () => 1)();
  });

  it("limits each client to perClient cold starts per window, with Retry-After until the oldest leaves it", () => {
    let now = 1_000_000;
    const limiter = new ColdStartLimiter({ perClient: 3, windowMs: 60_000 }, () => now);
    for (let i = 0; i < 3; i += 1) {
      limiter.acquire("cpu", "user:u", () => 1)();
      now += 10_000;
    }
    const error = refused(() => limiter.acquire("cpu", "user:u", () => 1));
    expect(error.status).toBe(429);
    // The first start was 30 s ago: it leaves the 60 s window in 30 s.
    expect(error.headers?.["retry-after"]).toBe("30");
    expect(error.message).toMatch(/coldStart: at most 3 cold starts/);
    // Others are not held back by this client.
    limiter.acquire("cpu", "user:v", () => 1)();
    now += 30_000;
    limiter.acquire("cpu", "user:u", () => 1)();
  });
});
