import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openBrowser, type LabBrowser } from "./browser";
import { freePort, migrate, root, signUp, startServer, type RunningServer } from "../helpers/server";

// Its own server and database: the demo seed and a second instructor need a database this file owns.
const dir = mkdtempSync(path.join(os.tmpdir(), "inference-lab-instructor-e2e-"));
const file = path.join(dir, "instructor.db");
const databaseUrl = `file:${file}`;
const password = "demo instructor password";
let server: RunningServer;
let browser: LabBrowser;
let classId = "";

function runScript(script: string, args: string[], env: Record<string, string>) {
  const result = spawnSync(process.execPath, ["--conditions=react-server", "--import", "tsx", path.join(root, "scripts", script), ...args], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: databaseUrl, ...env },
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`${script} failed:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

beforeAll(async () => {
  migrate(databaseUrl);
  const out = runScript("seed-demo.ts", [], { DEMO_LEARNERS: "20", DEMO_INSTRUCTOR_PASSWORD: password, DEMO_SEED: "5" });
  expect(out).toContain(`password: ${password}`);
  classId = /\/instructor\/classes\/([0-9a-f-]{36})/.exec(out)![1]!;
  runScript("create-instructor.ts", ["--email", "other-teacher@example.com", "--password", "other teacher password"], {});
  server = await startServer(databaseUrl, await freePort());
  browser = await openBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (server?.process.exitCode === null) server.process.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

describe("instructor views in Chromium", () => {
  it("sends an anonymous visitor to the login page and back to the class after signing in", async () => {
    const { page } = browser;
    await page.goto(`${server.baseUrl}/instructor/classes/${classId}`);
    await page.waitForURL(/\/login\?next=/);
    expect(new URL(page.url()).searchParams.get("next")).toBe(`/instructor/classes/${classId}`);
    await page.getByLabel("Email").fill("instructor@demo.inference-lab.test");
    await page.getByLabel(/^Password/).fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${server.baseUrl}/instructor/classes/${classId}`);
    await expect.poll(() => page.getByTestId("matrix-count").textContent()).toBe("20 of 20 learners");
    expect(await page.locator('[data-testid="matrix"] tbody tr').count()).toBe(20);
  });

  it("sorts and filters the matrix, and shows the numbers stored in the database", async () => {
    const { page } = browser;
    const sqlite = new Database(file, { readonly: true });
    const bests = sqlite
      .prepare(`SELECT u.name AS name, MAX(a.score / a.maxScore) AS best FROM QuizAttempt a JOIN User u ON u.id = a.userId WHERE a.quizId = 'cpu-or-gpu' GROUP BY a.userId`)
      .all() as { name: string; best: number }[];
    sqlite.close();
    const top = Math.max(...bests.map((b) => b.best));
    await page.getByRole("button", { name: "CPU vs GPU: the mental model" }).click();
    const firstRow = page.locator('[data-testid="matrix"] tbody tr').first();
    await expect.poll(() => firstRow.locator('td[data-lesson="cpu-or-gpu"] strong').textContent()).toBe(`${Math.round(top * 100)}%`);
    const firstName = (await firstRow.locator("th a").textContent())!;
    expect(bests.filter((b) => b.best === top).map((b) => b.name)).toContain(firstName);
    // Sorted the other way, the lowest score (or a learner without an attempt) comes first.
    await page.getByRole("button", { name: "CPU vs GPU: the mental model" }).click();
    await expect.poll(() => firstRow.locator('td[data-lesson="cpu-or-gpu"] strong').textContent()).toBe(`${Math.round(Math.min(...bests.map((b) => b.best)) * 100)}%`);
    await page.getByRole("searchbox").fill("learner-007@");
    await expect.poll(() => page.getByTestId("matrix-count").textContent()).toBe("1 of 20 learners");
    await page.getByRole("searchbox").fill("");
  });

  it("downloads a grades CSV that parses back, one row per learner", async () => {
    const { page } = browser;
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-grades").click()]);
    expect(download.suggestedFilename()).toMatch(/grades.*\.csv$/);
    const saved = path.join(dir, "grades.csv");
    await download.saveAs(saved);
    const records = parse(readFileSync(saved, "utf8"), { columns: true }) as Record<string, string>[];
    expect(records).toHaveLength(20);
    expect(Object.keys(records[0]!)).toEqual(expect.arrayContaining(["name", "email", "cpu-or-gpu best %", "average best %"]));
  });

  it("opens question statistics, device results with a chart, and a learner's attempts", async () => {
    const { page } = browser;
    await page.goto(`${server.baseUrl}/instructor/classes/${classId}/questions`);
    await page.getByTestId("most-missed-cpu-or-gpu").waitFor();
    expect(await page.getByTestId("question-memory-bound").getByTestId("percent-correct").textContent()).toMatch(/^\d+%$/);
    await page.goto(`${server.baseUrl}/instructor/classes/${classId}/devices`);
    await page.locator('[data-testid="device-chart"] svg').first().waitFor();
    expect(await page.getByTestId("device-table").locator("tbody tr").count()).toBeGreaterThan(2);
    await page.goto(`${server.baseUrl}/instructor/classes/${classId}`);
    await page.locator('[data-testid="matrix"] tbody tr th a').first().click();
    await page.waitForURL(/\/learners\//);
    await page.getByRole("heading", { name: /Quiz attempts/ }).waitFor();
  });

  it("answers learners with 403 and other instructors with 404, pages and CSV exports alike", async () => {
    const learner = await signUp(server.baseUrl, "curious-learner@example.com", "learner password");
    const page = await fetch(`${server.baseUrl}/instructor/classes/${classId}`, { headers: { cookie: learner }, redirect: "manual" });
    expect(page.status).toBe(403);
    expect(await page.text()).toContain("instructors only");
    expect((await fetch(`${server.baseUrl}/instructor`, { headers: { cookie: learner }, redirect: "manual" })).status).toBe(403);
    const csv = await fetch(`${server.baseUrl}/api/instructor/classes/${classId}/exports/grades`, { headers: { cookie: learner } });
    expect(csv.status).toBe(403);
    expect(await csv.json()).toEqual({ error: "instructors only" });
    const anonymous = await fetch(`${server.baseUrl}/api/instructor/classes/${classId}/exports/attempts`);
    expect(anonymous.status).toBe(401);

    const signIn = await fetch(`${server.baseUrl}/api/auth/sign-in/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: server.baseUrl },
      body: JSON.stringify({ email: "other-teacher@example.com", password: "other teacher password" }),
    });
    const other = signIn.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
    expect((await fetch(`${server.baseUrl}/instructor/classes/${classId}`, { headers: { cookie: other } })).status).toBe(404);
    expect((await fetch(`${server.baseUrl}/api/instructor/classes/${classId}/exports/grades`, { headers: { cookie: other } })).status).toBe(404);
    expect((await fetch(`${server.baseUrl}/instructor`, { headers: { cookie: other } })).status).toBe(200);
  });
});
