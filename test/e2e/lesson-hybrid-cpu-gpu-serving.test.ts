import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openBrowser, type LabBrowser } from "./browser";

const baseUrl = inject("baseUrl");
const num = (text: string) => Number(text.replace(/,/g, "").trim());

describe("lesson 8: hybrid CPU+GPU serving", () => {
  let learner: LabBrowser;
  beforeAll(async () => {
    learner = await openBrowser();
    await learner.page.goto(`${baseUrl}/sign-up`);
    await learner.page.getByLabel("Email").fill("lesson8@example.com");
    await learner.page.getByLabel(/^Password/).fill("lesson eight password");
    await learner.page.getByRole("button", { name: "Sign up" }).click();
    await learner.page.waitForURL(`${baseUrl}/`);
  });
  afterAll(async () => {
    await learner?.close();
  });

  it("predicts, runs the router live on the server's cpu lane, reads the run back and is graded on it", { timeout: 420_000 }, async () => {
    const { page } = learner;
    await page.goto(`${baseUrl}/lessons/hybrid-cpu-gpu-serving`);
    expect((await page.getByTestId("hybrid-figure").locator('svg[role="img"]').getAttribute("aria-label"))!.length).toBeGreaterThan(100);
    await page.getByRole("button", { name: "No, it will be worse" }).click();

    const section = page.locator('[data-experiment="hybrid-router"]');
    await section.getByRole("button", { name: "Measure profiles now" }).click();
    await section.getByTestId("hybrid-profiles").waitFor({ timeout: 240_000 });
    await section.getByLabel("policy").selectOption("threshold");
    await section.getByRole("button", { name: "Run live on the server" }).click();
    const comparison = section.getByTestId("hybrid-comparison");
    await comparison.waitFor({ timeout: 300_000 });
    await expect.poll(() => section.locator("a.permalink").count(), { timeout: 15_000 }).toBe(1);
    const onB = num(await comparison.locator('tr[data-figure="on-b"] [data-field="measured"]').innerText());

    // The lesson quotes the learner's own run.
    await page.getByRole("button", { name: "Read my run" }).click();
    const reading = page.getByTestId("hybrid-reading");
    await expect.poll(() => reading.locator('[data-field="on-b"]').innerText()).toBe(String(onB));

    const quiz = page.getByTestId("quiz-hybrid-cpu-gpu-serving");
    await expect.poll(() => quiz.getByRole("button", { name: "Submit answers" }).isEnabled(), { timeout: 20_000 }).toBe(true);
    await quiz.getByLabel(/Your answer \(requests on lane B\)/).fill(String(onB));
    await quiz.getByRole("button", { name: "Submit answers" }).click();
    await expect.poll(() => page.getByTestId("quiz-status").innerText(), { timeout: 20_000 }).toMatch(/^Submitted\./);
    const feedback = page.locator('[data-testid="quiz-feedback"] > ol > li', { hasText: "how many requests did the policy send to lane B" });
    expect(await feedback.getAttribute("class")).toBe("right");
    expect(await feedback.innerText()).toMatch(/^Right:/);
  });
});
