import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { signUp } from "../helpers/server";
import { openBrowser, type LabBrowser } from "./browser";
import { leaks } from "./quiz-secrets";

const baseUrl = inject("baseUrl");
const lesson = `${baseUrl}/lessons/cpu-or-gpu`;
let browser: LabBrowser;

beforeAll(async () => {
  browser = await openBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe("reviewing past quiz attempts", () => {
  it("reopens a past attempt's per-choice feedback after a reload, and shows none of it before submitting", async () => {
    const { page } = browser;
    // A visitor: the served HTML and the hydrated page carry no explanation.
    const anonymous = await page.goto(lesson);
    expect(leaks(await anonymous!.text())).toEqual([]);
    const quiz = page.getByTestId("quiz-cpu-or-gpu");
    await quiz.getByRole("button", { name: "Sign up to submit" }).waitFor();
    expect(leaks(await page.content())).toEqual([]);

    await page.goto(`${baseUrl}/sign-up?next=${encodeURIComponent("/lessons/cpu-or-gpu")}`);
    await page.getByLabel("Email").fill("reviewer@example.com");
    await page.getByLabel(/^Password/).fill("reviewer password");
    await page.getByRole("button", { name: "Sign up" }).click();
    await page.waitForURL(lesson);

    // Signed in, nothing submitted yet: still no key in the HTML the server sends this learner or in the page.
    await quiz.getByRole("button", { name: "Submit answers" }).waitFor();
    const ownHtml = await page.evaluate(async () => (await fetch(window.location.href)).text());
    expect(ownHtml).toContain("cpu-or-gpu");
    expect(leaks(ownHtml)).toEqual([]);
    expect(leaks(await page.content())).toEqual([]);
    expect(await quiz.getByTestId("quiz-history").count()).toBe(0);

    await quiz.getByRole("radio", { name: "Reading the 67 MB of weights from memory" }).check();
    await quiz.getByRole("checkbox", { name: "Whether the model was trained on a GPU" }).check();
    await quiz.getByRole("button", { name: "Submit answers" }).click();
    // memory-bound right (1), three-numbers (0 right − 1 wrong) floored at 0, the rest unanswered.
    await expect.poll(() => quiz.getByTestId("quiz-score").innerText()).toBe("You scored 1 out of 9");

    await page.reload();
    await expect.poll(() => quiz.getByTestId("quiz-previous").innerText()).toBe("Your best so far: 1 of 9 (1 attempt).");
    // The form comes back empty for a new attempt; the feedback waits until asked for.
    await quiz.getByRole("button", { name: "Submit answers" }).waitFor();
    expect(await quiz.getByTestId("quiz-feedback").count()).toBe(0);

    await quiz.getByText("Review past feedback (1 attempt)").click();
    await quiz.getByRole("button", { name: "Review attempt 1" }).click();
    await expect.poll(() => quiz.getByTestId("quiz-score").innerText()).toBe("Attempt 1: you scored 1 out of 9");
    expect(await quiz.getByTestId("feedback-memory-bound-bandwidth").innerText()).toMatch(
      /^You chose: Reading the 67 MB of weights from memory — correct\. Right: every weight is read once/,
    );
    expect(await quiz.getByTestId("feedback-three-numbers-training").innerText()).toMatch(
      /^You chose: Whether the model was trained on a GPU — incorrect\. No: where a model was trained/,
    );
    // Choices not picked are explained too, and the numeric questions show what was expected.
    expect(await quiz.getByTestId("feedback-three-numbers-rate").innerText()).toMatch(/^The request rate — correct\. Yes: high rates/);
    expect(await quiz.getByTestId("quiz-feedback").innerText()).toMatch(/You answered nothing; expected 32 ± 0\.5\. Intensity = 2 × 64/);
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute("data-testid"))).toBe("quiz-score");

    await quiz.getByRole("button", { name: "Back to the questions" }).click();
    await quiz.getByRole("button", { name: "Submit answers" }).waitFor();
    expect(await quiz.getByTestId("quiz-feedback").count()).toBe(0);

    // Only the owner gets an attempt's feedback: another learner sees no attempt and gets a 404 for this one.
    const { attempts } = (await page.evaluate(async () => (await fetch("/api/quizzes/cpu-or-gpu/attempts")).json())) as { attempts: { attemptId: string }[] };
    expect(attempts).toHaveLength(1);
    const other = await signUp(baseUrl, "someone-else@example.com", "someone else password");
    const theirs = (await (await fetch(`${baseUrl}/api/quizzes/cpu-or-gpu/attempts`, { headers: { cookie: other } })).json()) as { attempts: unknown[] };
    expect(theirs.attempts).toEqual([]);
    const stolen = await fetch(`${baseUrl}/api/quizzes/cpu-or-gpu/attempts/${attempts[0]!.attemptId}`, { headers: { cookie: other } });
    expect(stolen.status).toBe(404);
    expect(leaks(await stolen.text())).toEqual([]);
  });
});
