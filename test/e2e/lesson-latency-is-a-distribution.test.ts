import { describe, expect, inject, it } from "vitest";
import { openBrowser, type LabBrowser } from "./browser";
import { laneAvailable, setLanes } from "./lab-page";

const baseUrl = inject("baseUrl");
const num = (text: string) => Number(text.replace(/,/g, "").replace(/×$/, "").trim());

/** A signed-in learner, so the run is stored against the account the quiz grades. */
async function signedIn(email: string): Promise<LabBrowser> {
  const learner = await openBrowser();
  await learner.page.goto(`${baseUrl}/sign-up`);
  await learner.page.getByLabel("Email").fill(email);
  await learner.page.getByLabel(/^Password/).fill("curriculum password");
  await learner.page.getByRole("button", { name: "Sign up" }).click();
  await learner.page.waitForURL(`${baseUrl}/`);
  return learner;
}

describe("lesson 2, Measuring inference honestly", () => {
  it("times one model three ways on a cold server CPU session, reads the stopwatches back, and grades the learner's own first-call ratio", { timeout: 240_000 }, async () => {
    const learner = await signedIn(`lesson2-${Date.now()}@example.com`);
    try {
      const { page } = learner;
      await page.goto(`${baseUrl}/lessons/latency-is-a-distribution`);
      await expect.poll(() => page.locator("h1").innerText()).toBe("Measuring inference honestly");
      const figure = page.getByTestId("measurement-figure").locator('svg[role="img"]');
      expect((await figure.getAttribute("aria-label"))!.length).toBeGreaterThan(150);
      // The old predict-first block answered the quiz's fan-out question in the page; nothing of it remains.
      expect(await page.content()).not.toContain("0.99^20");
      await page.getByRole("button", { name: "2× to 10×" }).click();
      await expect.poll(() => page.getByTestId("prediction-noted").innerText()).toMatch(/^You predicted “2× to 10×”/);

      const section = page.locator('[data-experiment="timing-pitfalls"]');
      expect(await laneAvailable(page, "timing-pitfalls", "server-cpu")).toBe(true);
      await setLanes(page, "timing-pitfalls", ["server-cpu"]);
      await section.getByRole("button", { name: "Run" }).click();
      const row = page.locator('[data-testid="pitfalls-table"] tr[data-lane="server-cpu"]');
      await row.waitFor({ timeout: 180_000 });
      await expect.poll(() => section.locator("a.permalink").count(), { timeout: 20_000 }).toBe(1);
      const steady = num(await row.locator('[data-field="steady-p50"]').innerText());
      const first = num(await row.locator('[data-field="first"]').innerText());
      const firstRatio = num(await row.locator('[data-field="first-ratio"]').innerText());
      expect(steady).toBeGreaterThan(0);
      // A cold first call costs more than a warm one.
      expect(first).toBeGreaterThan(steady);
      expect(firstRatio).toBeGreaterThan(1);

      // The reader quotes the learner's own cells back.
      await page.getByRole("button", { name: "Read my timings" }).click();
      const reading = page.getByTestId("timing-reading").locator('li[data-lane="server-cpu"]');
      await expect.poll(() => reading.innerText()).toContain(`steady median of`);
      expect(await reading.innerText()).toMatch(/the first call alone took [\d,.]+ ms \([\d,.]+× steady\)/);

      const quiz = page.getByTestId("quiz-latency-is-a-distribution");
      await expect.poll(() => quiz.getByRole("button", { name: "Submit answers" }).isEnabled(), { timeout: 20_000 }).toBe(true);
      await quiz.getByLabel(/Your answer \(× steady p50\)/).fill(String(firstRatio));
      await quiz.getByRole("button", { name: "Submit answers" }).click();
      await expect.poll(() => page.getByTestId("quiz-status").innerText(), { timeout: 20_000 }).toMatch(/^Submitted\./);
      const feedback = page.locator('[data-testid="quiz-feedback"] > ol > li', { hasText: "How many times its steady-state median did the server CPU's first call alone take" });
      expect(await feedback.innerText()).toMatch(/^Right:/);
      expect(await feedback.getAttribute("class")).toBe("right");
      // The corrected percentile question is graded by the lab's own interpolation, not "the slowest run".
      expect(await page.getByTestId("quiz-feedback").innerText()).toContain("9 + 0.51 × 10 = 14.1 ms");
    } finally {
      await learner.close();
    }
  });
});
