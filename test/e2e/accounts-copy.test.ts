import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openBrowser, type LabBrowser } from "./browser";
import { freePort, migrate, startServer, stopServer, type RunningServer } from "../helpers/server";

// Its own server and database: the first instructor is created through /setup, which works once per database.
const dir = mkdtempSync(path.join(os.tmpdir(), "inference-lab-accounts-e2e-"));
const instructor = { email: "first-teacher@example.com", password: "first teacher password", name: "Ms Teacher" };
const learner = { email: "joiner@example.com", password: "joiner password" };
let server: RunningServer;
let teacher: LabBrowser;
let student: LabBrowser;

beforeAll(async () => {
  const databaseUrl = `file:${path.join(dir, "accounts.db")}`;
  migrate(databaseUrl);
  server = await startServer(databaseUrl, await freePort());
  const setup = await fetch(`${server.baseUrl}/api/setup`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: server.baseUrl },
    body: JSON.stringify(instructor),
  });
  expect(setup.status).toBe(201);
  teacher = await openBrowser();
  student = await openBrowser();
}, 120_000);

afterAll(async () => {
  await teacher?.close();
  await student?.close();
  if (server) await stopServer(server);
  rmSync(dir, { recursive: true, force: true });
});

describe("site basics", () => {
  it("serves a favicon at /favicon.ico and links an SVG icon", async () => {
    const ico = await fetch(`${server.baseUrl}/favicon.ico`);
    expect(ico.status).toBe(200);
    expect(ico.headers.get("content-type")).toMatch(/image\/(x-icon|vnd\.microsoft\.icon)/);
    expect([...new Uint8Array(await ico.arrayBuffer()).slice(0, 4)]).toEqual([0, 0, 1, 0]);
    const html = await (await fetch(server.baseUrl)).text();
    const icon = /<link rel="icon" href="(\/icon\.svg[^"]*)"/.exec(html)?.[1];
    expect(icon).toBeDefined();
    const svg = await fetch(`${server.baseUrl}${icon}`);
    expect(svg.status).toBe(200);
    expect(svg.headers.get("content-type")).toContain("image/svg+xml");
  });

  it("loads a lesson for an anonymous visitor without a single failed request or console error", async () => {
    const browser = await openBrowser();
    try {
      const { page } = browser;
      const failures: string[] = [];
      page.on("response", (response) => {
        if (response.status() >= 400) failures.push(`${response.status()} ${response.url()}`);
      });
      page.on("console", (message) => {
        if (message.type() === "error") failures.push(`console: ${message.text()}`);
      });
      await page.goto(`${server.baseUrl}/lessons/cpu-or-gpu`);
      await page.getByRole("button", { name: "Sign up to submit" }).waitFor();
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Sign in" }).waitFor();
      await page.waitForLoadState("networkidle");
      expect(failures).toEqual([]);
    } finally {
      await browser.close();
    }
    // The routes that need a learner still say so to a direct call.
    expect((await fetch(`${server.baseUrl}/api/quizzes/cpu-or-gpu/attempts`)).status).toBe(401);
    const progress = await fetch(`${server.baseUrl}/api/progress`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ lessonSlug: "cpu-or-gpu", event: "read" }),
    });
    expect(progress.status).toBe(401);
  });
});

describe("signing in and classes", () => {
  it("takes an instructor to their classes after signing in, unless `next` says otherwise", async () => {
    const { page } = teacher;
    await page.goto(server.baseUrl);
    await page.getByRole("link", { name: "Sign in" }).click();
    await page.waitForURL(`${server.baseUrl}/login`);
    await page.getByLabel("Email").fill(instructor.email);
    await page.getByLabel("Password").fill(instructor.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${server.baseUrl}/instructor`);
    // No class yet: one way to create one, not also "another".
    expect(await page.locator("main").innerText()).toContain("You teach no class yet. Create one and give learners its join code.");
    expect(await page.getByRole("link", { name: "Create another class" }).count()).toBe(0);

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(`${server.baseUrl}/`);
    await page.goto(`${server.baseUrl}/login?next=/classes`);
    await page.getByLabel("Email").fill(instructor.email);
    await page.getByLabel("Password").fill(instructor.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${server.baseUrl}/classes`);

    await page.getByLabel("New class name").fill("Period 3");
    await page.getByRole("button", { name: "Create class" }).click();
    await expect.poll(() => page.getByTestId("classes-message").innerText()).toMatch(/^Created\. Join code: \w+$/);
    expect(await page.getByLabel("New class name").inputValue()).toBe("");
    await expect.poll(() => page.getByTestId("classes-list").innerText()).toMatch(/Period 3 — join code \w+, 0 learners/);
  });

  it("brings a learner back to the lesson they were reading, and empties the join code once joined", async () => {
    const teacherPage = teacher.page;
    await teacherPage.goto(`${server.baseUrl}/instructor`);
    const code = (await teacherPage.getByTestId("instructor-classes").locator("code").innerText()).trim();

    const { page } = student;
    await page.goto(`${server.baseUrl}/lessons/cpu-or-gpu`);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Sign up" }).click();
    await page.waitForURL(/\/sign-up\?next=/);
    await page.getByLabel("Email").fill(learner.email);
    await page.getByLabel(/^Password/).fill(learner.password);
    await page.getByRole("button", { name: "Sign up" }).click();
    await page.waitForURL(`${server.baseUrl}/lessons/cpu-or-gpu`);

    await page.goto(`${server.baseUrl}/classes`);
    await page.getByLabel("Join code").fill(code);
    await page.getByRole("button", { name: "Join class" }).click();
    await expect.poll(() => page.getByTestId("classes-message").innerText()).toBe("Joined Period 3.");
    expect(await page.getByLabel("Join code").inputValue()).toBe("");

    // Signing in again from the home page (no `next`) keeps a learner on the lessons.
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(`${server.baseUrl}/`);
    await page.getByRole("link", { name: "Sign in" }).click();
    await page.getByLabel("Email").fill(learner.email);
    await page.getByLabel("Password").fill(learner.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${server.baseUrl}/`);
  });

  it("counts one of anything in the singular on the learner's and the instructor's pages", async () => {
    const { page } = student;
    const post = (url: string, body: unknown) =>
      page.evaluate(
        async ([u, b]) => (await fetch(u as string, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(b) })).status,
        [url, body] as const,
      );
    expect(await post("/api/progress", { lessonSlug: "cpu-or-gpu", event: "experiment" })).toBe(200);
    expect(await post("/api/quizzes/cpu-or-gpu/attempts", { seed: 1, answers: { "memory-bound": "bandwidth" } })).toBe(201);
    await page.goto(`${server.baseUrl}/lessons/cpu-or-gpu`);
    await expect.poll(() => page.getByTestId("progress-experiments").innerText()).toBe("1 experiment run");
    await expect.poll(() => page.getByTestId("quiz-previous").innerText()).toBe("Your best so far: 1 of 9 (1 attempt).");
    // The quiz sits under the lesson's own "Check yourself" heading without repeating it, and says once how to answer.
    const quiz = page.getByTestId("quiz-cpu-or-gpu");
    expect(await quiz.getByRole("heading").first().innerText()).toBe("CPU vs GPU: the mental model");
    // Once per question that takes several answers, not again in the quiz's own instructions.
    const quizFile = JSON.parse(readFileSync(path.join(import.meta.dirname, "..", "..", "content", "lessons", "cpu-or-gpu", "quiz.json"), "utf8")) as { questions: { type: string }[] };
    expect((await quiz.innerText()).match(/select all that apply/gi)).toHaveLength(quizFile.questions.filter((q) => q.type === "multiple").length);

    const teacherPage = teacher.page;
    await teacherPage.goto(`${server.baseUrl}/instructor`);
    await teacherPage.getByTestId("instructor-classes").getByRole("link", { name: "Period 3" }).click();
    const cell = teacherPage.locator('[data-testid="matrix"] td[data-lesson="cpu-or-gpu"]');
    await expect.poll(() => cell.innerText()).toMatch(/\b1 run\n/);
    expect(await teacherPage.getByTestId("matrix-count").innerText()).toBe("1 of 1 learner");
    await teacherPage.getByRole("link", { name: "Question statistics" }).click();
    await expect.poll(() => teacherPage.locator("main").innerText()).toContain("1 attempt by 1 learner.");
    await teacherPage.getByRole("link", { name: "Progress matrix" }).click();
    await teacherPage.locator('[data-testid="matrix"] tbody tr th a').first().click();
    await teacherPage.waitForURL(/\/learners\//);
    await expect.poll(() => teacherPage.getByTestId("learner-attempt").getByRole("heading").innerText()).toBe("Attempt 1 · CPU vs GPU: the mental model");
  });
});
