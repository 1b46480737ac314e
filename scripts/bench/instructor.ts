// npm run bench:instructor: seeds the demo class (200 learners by default) into a fresh SQLite file,
// starts the production build on it, signs in as its instructor and times the matrix page, the other
// report pages and each CSV export: the median and max of several sequential requests after a warm-up,
// measured to the last byte on localhost (so it is server time plus a loopback hop).
//   INSTRUCTOR_BENCH_LEARNERS (200), INSTRUCTOR_BENCH_RUNS (9) override the defaults.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { median as medianOf } from "@/lib/inference/stats";
import { freePort, migrate, startServer, stopServer } from "../../test/helpers/server";

const learners = Number(process.env.INSTRUCTOR_BENCH_LEARNERS ?? 200);
const runs = Number(process.env.INSTRUCTOR_BENCH_RUNS ?? 9);
const password = "bench instructor password";

function median(values: number[]): number {
  return medianOf(values) ?? Number.NaN;
}

async function timed(url: string, cookie: string): Promise<{ ms: number; bytes: number; status: number }> {
  const started = performance.now();
  const response = await fetch(url, { headers: { cookie } });
  const body = await response.arrayBuffer();
  return { ms: performance.now() - started, bytes: body.byteLength, status: response.status };
}

async function main() {
  const dir = mkdtempSync(path.join(os.tmpdir(), "inference-lab-bench-instructor-"));
  const databaseUrl = `file:${path.join(dir, "bench.db")}`;
  migrate(databaseUrl);
  process.env.DATABASE_URL = databaseUrl;
  // Imported after DATABASE_URL is set: the Prisma client reads it once.
  const { seedDemo } = await import("@/lib/instructor/demo-seed.server");
  const { db } = await import("@/lib/db/client.server");
  const seedStarted = performance.now();
  const seeded = await seedDemo({ learners, instructorPassword: password, seed: 1 });
  const seedMs = performance.now() - seedStarted;
  await db.$disconnect();
  const server = await startServer(databaseUrl, await freePort());
  try {
    const signIn = await fetch(`${server.baseUrl}/api/auth/sign-in/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: server.baseUrl },
      body: JSON.stringify({ email: seeded.instructor.email, password }),
    });
    if (!signIn.ok) throw new Error(`sign-in failed: ${signIn.status} ${await signIn.text()}`);
    const cookie = signIn.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
    const base = `${server.baseUrl}/instructor/classes/${seeded.classId}`;
    const api = `${server.baseUrl}/api/instructor/classes/${seeded.classId}`;
    const targets: [string, string, number][] = [
      ["matrix page (HTML)", base, 300],
      ["matrix API (JSON)", `${api}/matrix`, 300],
      ["question statistics page", `${base}/questions`, 300],
      ["device results page", `${base}/devices`, 300],
      ["grades CSV", `${api}/exports/grades`, 1000],
      ["attempts CSV", `${api}/exports/attempts`, 1000],
      ["experiments CSV", `${api}/exports/experiments`, 1000],
    ];
    const rows: string[][] = [];
    let failed = false;
    for (const [name, url, goal] of targets) {
      // Warm-up: the very first request also compiles the lessons' metadata; reported apart as "first".
      const first = await timed(url, cookie);
      await timed(url, cookie);
      const samples: number[] = [];
      let bytes = 0;
      for (let i = 0; i < runs; i++) {
        const result = await timed(url, cookie);
        if (result.status !== 200) throw new Error(`${name}: status ${result.status}`);
        samples.push(result.ms);
        bytes = result.bytes;
      }
      const med = median(samples);
      if (med > goal) failed = true;
      rows.push([name, med.toFixed(1), Math.max(...samples).toFixed(1), first.ms.toFixed(0), `< ${goal}`, med <= goal ? "yes" : "NO", (bytes / 1024).toFixed(0)]);
    }
    const counts = seeded.counts;
    console.log(`\nSQLite (WAL), production server (npm start's), production build; ${counts.learners} learners, ${counts.attempts} attempts, ${counts.results} experiment results, ${counts.progress} lesson visits (seeded in ${(seedMs / 1000).toFixed(1)} s); ${runs} runs each after 2 warm-ups\n`);
    const header = ["request", "median ms", "max ms", "first ms", "goal ms", "met", "KiB"];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
    console.log(line(header));
    console.log(`| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`);
    for (const row of rows) console.log(line(row));
    if (failed) process.exitCode = 1;
  } finally {
    await stopServer(server);
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
