import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, startServer, stopServer, type RunningServer } from "../helpers/server";
import { postgresDatabase, type TestDatabase } from "../helpers/databases";

/**
 * Two production servers on one PostgreSQL behind a load balancer: a benchmark
 * job created on one is read, followed and cancelled on the other. The job runs
 * where it was accepted (that server's hardware); the database is the record.
 */
let database: TestDatabase | undefined;
let skip: string | undefined;
const servers: RunningServer[] = [];

beforeAll(async () => {
  const started = await postgresDatabase();
  if ("skip" in started) {
    skip = started.skip;
    return;
  }
  database = started;
  const env = { BETTER_AUTH_SECRET: "shared-secret-shared-secret-shared-0123" };
  for (let i = 0; i < 2; i += 1) servers.push(await startServer(database.url, await freePort(), env));
}, 180_000);

afterAll(async () => {
  for (const server of servers) await stopServer(server);
  await database?.stop();
});

async function readEvents(url: string, until: (events: Array<{ event: string; data: { state: string; progress: number } }>) => boolean, timeoutMs: number) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const events: Array<{ event: string; data: { state: string; progress: number } }> = [];
  try {
    const response = await fetch(url, { signal: controller.signal });
    expect(response.status).toBe(200);
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffer += value;
      let split: number;
      while ((split = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, split);
        buffer = buffer.slice(split + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event && data) events.push({ event, data: JSON.parse(data) as { state: string; progress: number } });
      }
      if (until(events)) break;
    }
    controller.abort();
  } catch (error) {
    if (!controller.signal.aborted) throw error;
  } finally {
    clearTimeout(timer);
  }
  return events;
}

describe("benchmark jobs across two instances on one PostgreSQL", () => {
  it("creates on A; reads, follows and cancels on B", async (context) => {
    if (skip) context.skip(skip);
    const [a, b] = servers as [RunningServer, RunningServer];
    const created = await fetch(`${a.baseUrl}/api/benchmarks`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "mlp-wide", lane: "cpu", threads: 1, scenario: { kind: "single-stream", warmupRuns: 2, minRuns: 100_000, minDurationMs: 60_000, maxDurationMs: 60_000 } }),
    });
    expect(created.status).toBe(202);
    const { id } = (await created.json()) as { id: string };

    const onB = await fetch(`${b.baseUrl}/api/benchmarks/${id}`);
    expect(onB.status).toBe(200);
    expect(["queued", "running"]).toContain(((await onB.json()) as { state: string }).state);

    // B streams A's progress as it moves.
    const events = await readEvents(`${b.baseUrl}/api/benchmarks/${id}/events`, (e) => e.filter((x) => x.event === "progress" && x.data.state === "running" && x.data.progress > 0).length >= 2, 30_000);
    const progress = events.filter((e) => e.event === "progress" && e.data.state === "running").map((e) => e.data.progress);
    expect(progress.length, JSON.stringify(events.map((e) => [e.event, e.data.state, e.data.progress]))).toBeGreaterThanOrEqual(2);
    expect(progress.at(-1)!).toBeGreaterThan(progress[0]!);

    // Cancelled on B, stopped on A, and both agree.
    const cancelled = await fetch(`${b.baseUrl}/api/benchmarks/${id}`, { method: "DELETE", headers: { origin: b.baseUrl } });
    expect(cancelled.status).toBe(200);
    expect(((await cancelled.json()) as { state: string }).state).toBe("cancelled");
    for (const server of [a, b]) {
      const final = (await (await fetch(`${server.baseUrl}/api/benchmarks/${id}`)).json()) as { state: string };
      expect(final.state, server.baseUrl).toBe("cancelled");
    }
    // A's hardware is free again: the next job there runs to the end.
    const next = await fetch(`${a.baseUrl}/api/benchmarks`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "digits-mlp", lane: "cpu", threads: 1, scenario: { kind: "single-stream", warmupRuns: 2, minRuns: 20, minDurationMs: 100, maxDurationMs: 5000 } }),
    });
    const nextId = ((await next.json()) as { id: string }).id;
    const ended = await readEvents(`${b.baseUrl}/api/benchmarks/${nextId}/events`, (e) => e.some((x) => x.event === "end"), 60_000);
    expect(ended.find((e) => e.event === "end")?.data.state).toBe("done");
  }, 180_000);
});
