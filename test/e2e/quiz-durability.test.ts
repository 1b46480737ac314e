import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { freePort, migrate, signUp, startServer, type RunningServer } from "../helpers/server";

const dir = mkdtempSync(path.join(os.tmpdir(), "inference-lab-durability-"));
const file = path.join(dir, "durable.db");
const databaseUrl = `file:${file}`;
let server: RunningServer | undefined;

afterAll(() => {
  if (server?.process.exitCode === null) server.process.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

// Every stored attempt grades the whole quiz, answered or not.
const questionCount = (JSON.parse(readFileSync(path.join(import.meta.dirname, "..", "..", "content", "lessons", "cpu-or-gpu", "quiz.json"), "utf8")) as { questions: unknown[] }).questions.length;
const answers = { "memory-bound": "bandwidth", "three-numbers": ["latency", "rate"], "intensity-batch-64": 32 };

describe("acknowledged attempts survive SIGKILL", () => {
  it("keeps every attempt the server answered 201 to, when the server is killed mid-burst", async () => {
    migrate(databaseUrl);
    const port = await freePort();
    server = await startServer(databaseUrl, port);
    const users = await Promise.all(Array.from({ length: 6 }, (_, i) => signUp(server!.baseUrl, `durable-${i}@example.com`)));

    const acknowledged = new Map<string, string>(); // attemptId → cookie
    let failures = 0;
    let stop = false;
    const worker = async (cookie: string) => {
      while (!stop) {
        try {
          const response = await fetch(`${server!.baseUrl}/api/quizzes/cpu-or-gpu/attempts`, {
            method: "POST",
            headers: { "content-type": "application/json", cookie },
            body: JSON.stringify({ seed: 7, answers }),
          });
          if (response.status !== 201) throw new Error(`status ${response.status}: ${await response.text()}`);
          const body = (await response.json()) as { attemptId: string };
          acknowledged.set(body.attemptId, cookie);
        } catch {
          failures++;
          return; // the server is gone
        }
      }
    };
    // Two workers per user: twelve requests in flight, several writers racing for each attempt number.
    const burst = Promise.all([...users, ...users].map(worker));
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const beforeKill = acknowledged.size;
    server.process.kill("SIGKILL");
    await burst;
    stop = true;
    expect(beforeKill).toBeGreaterThan(20);
    expect(failures).toBeGreaterThan(0);

    // The file is consistent after the crash, and holds every acknowledged attempt.
    const sqlite = new Database(file);
    try {
      expect(sqlite.pragma("integrity_check", { simple: true })).toBe("ok");
      const stored = new Set((sqlite.prepare("SELECT id FROM QuizAttempt").all() as { id: string }[]).map((r) => r.id));
      const lost = [...acknowledged.keys()].filter((id) => !stored.has(id));
      expect(lost).toEqual([]);
      expect(stored.size).toBeGreaterThanOrEqual(acknowledged.size);
      // All or nothing: every stored attempt is whole (answers and results parse, score present).
      const rows = sqlite.prepare("SELECT answers, results, score FROM QuizAttempt").all() as { answers: string; results: string; score: number }[];
      for (const row of rows) {
        expect(JSON.parse(row.answers)).toEqual(answers);
        expect(JSON.parse(row.results)).toHaveLength(questionCount);
        expect(row.score).toBeCloseTo(1 + 2 / 3 + 1, 3);
      }
    } finally {
      sqlite.close();
    }

    // Restarted on the same file, the API reports the same attempts to their owners.
    server = await startServer(databaseUrl, await freePort());
    let listed = 0;
    for (const cookie of users) {
      const response = await fetch(`${server.baseUrl}/api/quizzes/cpu-or-gpu/attempts`, { headers: { cookie } });
      expect(response.status).toBe(200);
      const body = (await response.json()) as { attempts: { attemptId: string; attemptNumber: number }[] };
      const numbers = body.attempts.map((a) => a.attemptNumber).sort((a, b) => a - b);
      expect(numbers).toEqual(numbers.map((_, i) => i + 1));
      for (const attempt of body.attempts) if (acknowledged.get(attempt.attemptId) === cookie) listed++;
    }
    expect(listed).toBe(acknowledged.size);
    console.info(`durability: ${acknowledged.size} attempts acknowledged before SIGKILL, ${acknowledged.size} found after restart`);
    server.process.kill("SIGTERM");
  });
});
