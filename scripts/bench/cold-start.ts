// npm run bench:cold-start — 50 learners in a row each ask the production server
// (dist/server.cjs, started as npm start runs it, its own process and SQLite file)
// for a cold start on a server lane; the server's resident memory is read from
// /proc after each, and the growth from the 5th to the 50th is the figure
// (goal: at most 64 MiB). Every cold start creates a session for that job
// alone, so a session that is not released shows here as ~its weights per run
// (mlp-wide: 128 MiB). RSS also swings by about one model's bytes as V8
// collects the buffers a session was read from, so the range over the later
// cold starts is printed too. Prints one table. Not a test: the figures depend
// on the machine and on what else runs on its cores.
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { WireCapabilities, WireJobSnapshot } from "@/lib/inference/wire";
import { median } from "@/lib/inference/stats";
import { freePort, migrate, startServer, stopServer, type RunningServer } from "../../test/helpers/server";

const COLD_STARTS = Number(process.env.BENCH_COLD_STARTS ?? 50);
const AFTER_FIRST = 5;
const GOAL_MIB = 64;
const MiB = 2 ** 20;

function rssBytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8").split("\n").find((l) => l.startsWith("VmRSS:"));
  if (!line) throw new Error(`no VmRSS for process ${pid}`);
  return Number(/(\d+)/.exec(line)![1]) * 1024;
}

/** One learner (a new visitor cookie each time), one cold-start job, followed to its end; a 429 is waited out as its Retry-After says. */
async function coldStart(server: RunningServer, model: string, lane: string): Promise<NonNullable<WireJobSnapshot["results"]>> {
  const body = { model, lane, coldStart: { runs: 10 }, scenario: { kind: "single-stream", warmupRuns: 5, minRuns: 30, minDurationMs: 100 } };
  for (;;) {
    const response = await fetch(`${server.baseUrl}/api/benchmarks`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie: `lab_visitor=${randomUUID()}` },
      body: JSON.stringify(body),
    });
    if (response.status === 429) {
      await new Promise((resolve) => setTimeout(resolve, Number(response.headers.get("retry-after") ?? 1) * 1000));
      continue;
    }
    if (response.status !== 202) throw new Error(`POST /api/benchmarks answered ${response.status}: ${await response.text()}`);
    const { id } = (await response.json()) as { id: string };
    await (await fetch(`${server.baseUrl}/api/benchmarks/${id}/events`)).text();
    const job = (await (await fetch(`${server.baseUrl}/api/benchmarks/${id}`)).json()) as WireJobSnapshot;
    if (job.state !== "done" || !job.results?.coldStart) throw new Error(`cold start ${id} ended ${job.state}: ${job.error}`);
    return job.results;
  }
}

interface Row {
  lane: string;
  model: string;
  device: string;
  rssAfterFirst: number;
  rssAfterAll: number;
  rssMin: number;
  rssMax: number;
  createMs: number;
  firstMs: number;
  naiveMs: number;
  secondMs: number;
  steadyP50Ms: number;
}

async function laneRun(server: RunningServer, lane: string, model: string, device: string): Promise<Row> {
  const pid = server.process.pid!;
  const results: Array<NonNullable<WireJobSnapshot["results"]>> = [];
  const rss: number[] = [];
  for (let i = 1; i <= COLD_STARTS; i += 1) {
    results.push(await coldStart(server, model, lane));
    rss.push(rssBytes(pid));
    if (i % 10 === 0) console.error(`[bench] ${lane} ${model}: ${i}/${COLD_STARTS} cold starts, server RSS ${(rssBytes(pid) / MiB).toFixed(0)} MiB`);
  }
  const cold = results.map((r) => r.coldStart!);
  const steady = results.map((r) => (r.scenario.kind === "single-stream" ? r.scenario.latencyMs.p50 : Number.NaN));
  return {
    lane,
    model,
    device,
    rssAfterFirst: rss[AFTER_FIRST - 1]!,
    rssAfterAll: rss[rss.length - 1]!,
    rssMin: Math.min(...rss.slice(AFTER_FIRST)),
    rssMax: Math.max(...rss.slice(AFTER_FIRST)),
    createMs: median(cold.map((c) => c.sessionCreateMs))!,
    firstMs: median(cold.map((c) => c.firstRunMs))!,
    naiveMs: median(cold.map((c) => c.naiveWallClockMs))!,
    secondMs: median(cold.map((c) => c.nextRunsMs[0]!))!,
    steadyP50Ms: median(steady)!,
  };
}

function print(rows: Row[]): void {
  const header = ["lane", "model", `RSS after ${AFTER_FIRST}`, `RSS after ${COLD_STARTS}`, "growth", `goal: growth ≤ ${GOAL_MIB} MiB`, `RSS range ${AFTER_FIRST + 1}–${COLD_STARTS}`, "create", "first run", "naive (Date.now)", "2nd run", "steady p50", "first / p50"];
  const table = rows.map((r) => {
    const growth = (r.rssAfterAll - r.rssAfterFirst) / MiB;
    return [
      r.lane,
      r.model,
      `${(r.rssAfterFirst / MiB).toFixed(0)} MiB`,
      `${(r.rssAfterAll / MiB).toFixed(0)} MiB`,
      `${growth >= 0 ? "+" : ""}${growth.toFixed(1)} MiB`,
      growth <= GOAL_MIB ? "PASS" : "FAIL",
      `${(r.rssMin / MiB).toFixed(0)}–${(r.rssMax / MiB).toFixed(0)} MiB`,
      `${r.createMs.toFixed(1)} ms`,
      `${r.firstMs.toFixed(2)} ms`,
      `${r.naiveMs.toFixed(0)} ms`,
      `${r.secondMs.toFixed(3)} ms`,
      `${r.steadyP50Ms.toFixed(3)} ms`,
      `${(r.firstMs / r.steadyP50Ms).toFixed(1)}×`,
    ];
  });
  const widths = header.map((h, c) => Math.max(h.length, ...table.map((r) => r[c]!.length)));
  const line = (cells: string[]) => `| ${cells.map((cell, c) => cell.padStart(widths[c]!)).join(" | ")} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
  for (const r of table) console.log(line(r));
  console.log(`Timing columns are medians over the ${COLD_STARTS} cold starts; each is a new session, created for that job and released after it.`);
  for (const r of rows) console.log(`${r.lane}: ${r.device}`);
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "inference-lab-bench-cold-"));
  const databaseUrl = `file:${path.join(dataDir, "bench.db")}`;
  migrate(databaseUrl);
  const server = await startServer(databaseUrl, await freePort());
  console.error(`[bench] production server (node dist/server.cjs, as npm start runs it) on ${server.baseUrl}, pid ${server.process.pid}`);
  const rows: Row[] = [];
  try {
    const capabilities = (await (await fetch(`${server.baseUrl}/api/capabilities`)).json()) as WireCapabilities;
    // The largest registry model on the cpu lane (a leaked session would cost its 128 MiB of weights each time);
    // a small one on webgpu, where SwiftShader makes every run slow.
    const plan: Array<[string, string]> = [["cpu", "mlp-wide"], ["webgpu", "digits-mlp"]];
    for (const [laneId, model] of plan) {
      const lane = capabilities.lanes.find((l) => l.id === laneId);
      if (!lane?.available) {
        console.log(`${laneId}: unavailable here (${lane?.reason ?? "not listed"}); skipped`);
        continue;
      }
      const device = `${lane.device ?? "unknown device"}${lane.software ? " (software GPU)" : ""}`;
      rows.push(await laneRun(server, laneId, model, device));
    }
  } finally {
    await stopServer(server);
    rmSync(dataDir, { recursive: true, force: true });
  }
  print(rows);
  process.exit(rows.some((r) => (r.rssAfterAll - r.rssAfterFirst) / MiB > GOAL_MIB) ? 1 : 0);
}

// CommonJS under tsx (package.json has no "type"): no top-level await.
void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
