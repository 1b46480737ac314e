import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";

const originalUrl = process.env.DATABASE_URL;
afterEach(() => {
  process.env.DATABASE_URL = originalUrl;
  vi.resetModules();
});

async function healthWith(databaseUrl: string) {
  process.env.DATABASE_URL = databaseUrl;
  vi.resetModules();
  (globalThis as { inferenceLabDb?: unknown; inferenceLabDbReady?: unknown }).inferenceLabDb = undefined;
  (globalThis as { inferenceLabDbReady?: unknown }).inferenceLabDbReady = undefined;
  const { GET } = await import("@/app/api/health/route");
  return GET();
}

describe("GET /api/health", () => {
  it("is 200 with the database state when SQLite opens", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "health-"));
    try {
      const response = await healthWith(`file:${path.join(dir, "health.db")}`);
      expect(response.status).toBe(200);
      const body = await response.json();
      expect(body).toMatchObject({ status: "ok", database: { ok: true, provider: "sqlite" } });
      expect(body.lanes.find((lane: { id: string }) => lane.id === "cpu")).toMatchObject({ available: true, software: false });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("is 503 naming the problem when the database cannot be opened", async () => {
    const response = await healthWith("file:/nonexistent-directory/for/sure/lab.db");
    expect(response.status).toBe(503);
    const body = await response.json();
    expect(body.status).toBe("degraded");
    expect(body.database.ok).toBe(false);
    expect(body.database.error).toMatch(/directory does not exist|unable to open/i);
  });
});
