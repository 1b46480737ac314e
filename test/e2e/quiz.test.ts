import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openBrowser, type LabBrowser } from "./browser";
import { leaks, quizzes, secrets } from "./quiz-secrets";

const baseUrl = inject("baseUrl");
let browser: LabBrowser;

beforeAll(async () => {
  browser = await openBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe("no answer key reaches the browser before submitting", () => {
  it("appears in no HTML, JS, RSC or JSON response of the lesson pages, for a visitor and a signed-in learner", async () => {
    // The detector itself must fire on the real key files, or an empty result would prove nothing.
    expect(leaks(JSON.stringify(quizzes)).length).toBeGreaterThan(secrets.length);
    const { context } = await openBrowser().then((b) => {
      afterAll(() => b.close());
      return b;
    });
    const page = await context.newPage();
    const checked: string[] = [];
    const problems: string[] = [];
    const pending: Promise<void>[] = [];
    page.on("response", (response) => {
      const type = response.headers()["content-type"] ?? "";
      if (!/html|javascript|json|x-component|text\/plain/.test(type)) return;
      pending.push(
        response.text().then(
          (body) => {
            checked.push(response.url());
            const found = leaks(body);
            if (found.length > 0) problems.push(`${response.url()}: ${found.join(", ")}`);
          },
          () => undefined,
        ),
      );
    });
    for (const slug of ["cpu-or-gpu", "latency-is-a-distribution", "latency-vs-throughput", "batching"]) {
      await page.goto(`${baseUrl}/lessons/${slug}`);
      await page.getByRole("button", { name: "Sign up to submit" }).waitFor();
    }
    // Sign up, then load again: the signed-in learner's requests (session, progress, own attempts) carry no key either.
    await page.goto(`${baseUrl}/sign-up`);
    await page.getByLabel("Email").fill("leak-check@example.com");
    await page.getByLabel(/^Password/).fill("leak check password");
    await page.getByRole("button", { name: "Sign up" }).click();
    await page.waitForURL(`${baseUrl}/`);
    for (const slug of ["cpu-or-gpu", "latency-is-a-distribution", "latency-vs-throughput", "batching"]) {
      await page.goto(`${baseUrl}/lessons/${slug}`);
      await page.getByRole("button", { name: "Submit answers" }).waitFor();
      // Client-side navigation fetches the RSC payload, which carries the page's props.
      const rsc = await page.evaluate(async (url) => (await fetch(url, { headers: { RSC: "1" } })).text(), `${baseUrl}/lessons/${slug}`);
      const found = leaks(rsc);
      if (found.length > 0) problems.push(`RSC ${slug}: ${found.join(", ")}`);
      checked.push(`RSC ${slug}`);
    }
    await Promise.all(pending);
    for (const quiz of quizzes) {
      const text = await (await fetch(`${baseUrl}/api/quizzes/${quiz.id}`)).text();
      expect(text).toContain('"questions"');
      problems.push(...leaks(text).map((l) => `/api/quizzes/${quiz.id}: ${l}`));
    }
    expect(checked.filter((url) => url.includes("/_next/static/") && url.endsWith(".js")).length).toBeGreaterThan(3);
    expect(checked.some((url) => url.includes("/api/quizzes/") && url.endsWith("/attempts"))).toBe(true);
    expect(problems).toEqual([]);
  });
});

describe("quiz and progress in a real browser", () => {
  it("asks a visitor to sign up, keeps their answers, grades, explains, and shows progress after a reload", async () => {
    const { page } = browser;
    await page.goto(`${baseUrl}/lessons/cpu-or-gpu`);
    const quiz = page.getByTestId("quiz-cpu-or-gpu");
    // The quiz is interactive once it knows the visitor is anonymous; a key pressed before hydration
    // checks the native radio, which React then resets (a race a loaded CI machine lost).
    await expect.poll(() => quiz.getByRole("button", { name: "Sign up to submit" }).isEnabled(), { timeout: 20_000 }).toBe(true);
    // Keyboard only for the first answer: focus the first radio of the group, then arrow keys move the choice.
    await quiz.getByRole("radio", { name: "Reading the 67 MB of weights from memory" }).focus();
    await page.keyboard.press("Space");
    expect(await quiz.getByRole("radio", { name: "Reading the 67 MB of weights from memory" }).isChecked()).toBe(true);
    await quiz.getByRole("checkbox", { name: "The latency target each request must meet" }).check();
    await quiz.getByRole("button", { name: "Sign up to submit" }).click();

    await page.waitForURL("**/sign-up?next=*");
    await page.getByLabel("Email").fill("learner@example.com");
    await page.getByLabel(/^Password/).fill("learner password");
    await page.getByRole("button", { name: "Sign up" }).click();
    await page.waitForURL("**/lessons/cpu-or-gpu*");

    // The answers given before signing up are still there.
    await quiz.getByRole("button", { name: "Submit answers" }).waitFor();
    // The saved answers are restored once the quiz knows who answers, a moment after the button appears.
    await expect.poll(() => quiz.getByRole("radio", { name: "Reading the 67 MB of weights from memory" }).isChecked(), { timeout: 10_000 }).toBe(true);
    await expect.poll(() => quiz.getByRole("checkbox", { name: "The latency target each request must meet" }).isChecked(), { timeout: 10_000 }).toBe(true);
    await quiz.getByRole("checkbox", { name: "The request rate" }).check();
    await quiz.getByRole("checkbox", { name: "Whether the model was trained on a GPU" }).check();
    await quiz.getByLabel(/Your answer \(FLOP\/byte\)/).fill("32");
    await quiz.getByLabel(/Your answer \(MB\)/).fill("80");
    await quiz.getByRole("button", { name: "Submit answers" }).click();

    // 1 + (2 right − 1 wrong)/3 + 1 + 0 = 2.33 of 9; announced politely and shown with every choice explained.
    await expect.poll(() => page.getByTestId("quiz-status").innerText()).toBe("Submitted. You scored 2.33 out of 9.");
    expect(await page.getByTestId("quiz-status").getAttribute("aria-live")).toBe("polite");
    expect(await page.getByTestId("quiz-score").innerText()).toBe("You scored 2.33 out of 9");
    expect(await page.getByTestId("feedback-three-numbers-training").innerText()).toMatch(/^You chose: Whether the model was trained on a GPU — incorrect\. No: where a model was trained/);
    expect(await page.getByTestId("feedback-memory-bound-arithmetic").innerText()).toMatch(/incorrect\. 16\.8 million multiply-adds \(33\.6 million FLOPs\)/);
    expect(await page.getByTestId("quiz-feedback").innerText()).toMatch(/You answered 80; expected 67\.1 ± 2%\. 4096 × 4096/);

    await page.reload();
    await expect.poll(() => page.getByTestId("quiz-previous").innerText(), { timeout: 15_000 }).toBe("Your best so far: 2.33 of 9 (1 attempt).");
    await expect.poll(() => page.getByTestId("lesson-progress").innerText(), { timeout: 15_000 }).toContain("Best quiz score: 26%");
    // Scrolled to the end of the lesson → read.
    await page.getByTestId("lesson-progress").scrollIntoViewIfNeeded();
    await expect.poll(() => page.getByTestId("progress-read").innerText(), { timeout: 15_000 }).toBe("✓ Read");

    await page.goto(baseUrl);
    await expect.poll(() => page.getByTestId("progress-cpu-or-gpu").innerText(), { timeout: 15_000 }).toMatch(/✓ Read[\s\S]*Best quiz score: 26%/);
    await expect.poll(() => page.getByTestId("progress-latency-is-a-distribution").innerText()).toMatch(/Not read yet[\s\S]*Best quiz score: —/);
  });

  it("shows the same progress on another device after signing in", async () => {
    const other = await openBrowser();
    try {
      const { page } = other;
      await page.goto(`${baseUrl}/login?next=/`);
      await page.getByLabel("Email").fill("learner@example.com");
      await page.getByLabel("Password").fill("learner password");
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL(`${baseUrl}/`);
      await expect.poll(() => page.getByTestId("progress-cpu-or-gpu").innerText(), { timeout: 15_000 }).toMatch(/✓ Read[\s\S]*Best quiz score: 26%/);
      expect(await page.getByTestId("signed-in-as").innerText()).toBe("learner");
      await page.getByRole("button", { name: "Sign out" }).click();
      await expect.poll(() => page.getByRole("link", { name: "Sign in" }).count(), { timeout: 15_000 }).toBe(1);
      expect(await page.getByTestId("progress-cpu-or-gpu").count()).toBe(0);
    } finally {
      await other.close();
    }
  });
});
