// npm run bench:quiz: autocannon against POST /api/quizzes/cpu-or-gpu/attempts on the production
// build with a fresh SQLite file: 50 connections (one learner each) for about 20 s, then counts
// the attempts in the database and compares them with the 2xx responses.
//   QUIZ_BENCH_CONNECTIONS, QUIZ_BENCH_SECONDS override the defaults.
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { freePort, migrate, signUp, startServer, stopServer } from "../../test/helpers/server";

interface Histogram { average: number; mean: number; p50: number; p90: number; p99: number; max: number }
interface Result { requests: Histogram & { total: number; sent: number }; latency: Histogram; "2xx": number; non2xx: number; errors: number; timeouts: number; duration: number }
interface Client { setHeaders(headers: Record<string, string>): void }
type Autocannon = (options: Record<string, unknown>) => Promise<Result>;

const require = createRequire(import.meta.url);
const autocannon = require("autocannon") as Autocannon;

const connections = Number(process.env.QUIZ_BENCH_CONNECTIONS ?? 50);
const seconds = Number(process.env.QUIZ_BENCH_SECONDS ?? 20);

function countAttempts(file: string): number {
  const sqlite = new Database(file, { readonly: true });
  try {
    return (sqlite.prepare("SELECT COUNT(*) AS n FROM QuizAttempt").get() as { n: number }).n;
  } finally {
    sqlite.close();
  }
}

/** Waits until the server has finished what it accepted (a cut-off run leaves requests in flight). */
async function settledCount(file: string): Promise<number> {
  let count = countAttempts(file);
  for (let stable = 0; stable < 5; ) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    const now = countAttempts(file);
    stable = now === count ? stable + 1 : 0;
    count = now;
  }
  return count;
}

async function main() {
  const dir = mkdtempSync(path.join(os.tmpdir(), "inference-lab-bench-quiz-"));
  const file = path.join(dir, "bench.db");
  migrate(`file:${file}`);
  const server = await startServer(`file:${file}`, await freePort());
  try {
    // One learner per connection, as in a class; signed up one after another before the clock starts.
    const cookies: string[] = [];
    for (let i = 0; i < connections; i++) cookies.push(await signUp(server.baseUrl, `bench-${i}@example.com`, "bench password"));
    const body = JSON.stringify({
      seed: 1,
      answers: { "memory-bound": "bandwidth", "three-numbers": ["latency", "rate", "size"], "intensity-batch-64": 32, "weights-mb": 67.1 },
    });
    const load = (options: Record<string, unknown>) => {
      let next = 0;
      return autocannon({
        url: `${server.baseUrl}/api/quizzes/cpu-or-gpu/attempts`,
        method: "POST",
        connections,
        body,
        headers: { "content-type": "application/json" },
        setupClient: (client: Client) => client.setHeaders({ "content-type": "application/json", cookie: cookies[next++ % cookies.length]! }),
        ...options,
      });
    };
    // A clock-stopped run drops the replies still in flight, which makes "attempts == 2xx" unprovable.
    // So a short run measures the rate, and the real run gives each connection a fixed number of
    // requests that takes about `seconds` at that rate, then waits for every reply.
    await load({ duration: 2 }); // warm-up: JIT, caches, SQLite pages
    const calibration = await load({ duration: 4 });
    const perConnection = Math.max(1, Math.round((calibration.requests.average * seconds) / connections));
    const before = await settledCount(file);
    const result = await load({ maxConnectionRequests: perConnection, duration: seconds * 10 });
    const stored = (await settledCount(file)) - before;
    const rows: [string, string][] = [
      ["database", "SQLite (WAL), next start, production build"],
      ["connections × requests each", `${connections} × ${perConnection} (${(result.duration).toFixed(1)} s)`],
      ["requests/s (mean)", result.requests.average.toFixed(1)],
      ["latency p50 / p99 (ms)", `${result.latency.p50} / ${result.latency.p99}`],
      ["latency max (ms)", String(result.latency.max)],
      ["2xx responses", String(result["2xx"])],
      ["non-2xx / errors / timeouts", `${result.non2xx} / ${result.errors} / ${result.timeouts}`],
      ["attempts in database", String(stored)],
      ["attempts == 2xx", stored === result["2xx"] ? "yes" : `NO (${stored - result["2xx"]})`],
    ];
    const width = Math.max(...rows.map(([k]) => k.length));
    console.log(`\n| ${"measure".padEnd(width)} | value |\n| ${"-".repeat(width)} | ----- |`);
    for (const [key, value] of rows) console.log(`| ${key.padEnd(width)} | ${value} |`);
    if (stored !== result["2xx"] || result.non2xx > 0 || result.errors > 0) process.exitCode = 1;
  } finally {
    await stopServer(server);
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
