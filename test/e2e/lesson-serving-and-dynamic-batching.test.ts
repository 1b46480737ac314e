import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openBrowser, type LabBrowser } from "./browser";
import { setLanes } from "./lab-page";

/**
 * Lesson 5 in Chromium against the production build: the curriculum frame around it (estimated time, pager,
 * glossary), two open-loop runs of the wide MLP on the server CPU (batching off, then on), the reader quoting
 * them, and a question graded against the learner's own stored run.
 */
const baseUrl = inject("baseUrl");
const SLUG = "serving-and-dynamic-batching";
// Gentle and heavy: on a fast CPU the heavy rate may not overload the lane, so the test reads what happened
// rather than assuming refusals.
const RATES = "5, 40";

let browser: LabBrowser;
beforeAll(async () => {
  browser = await openBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const num = (text: string) => Number(text.replace(/,/g, "").trim());

describe("lesson 5: serving and dynamic batching", () => {
  it("shows lessons in order with estimated times, and a glossary with one anchor per term linked from the header and the lessons", async () => {
    const { page } = browser;
    await page.goto(baseUrl);
    const card = page.locator(".lesson-card", { hasText: "Serving: random arrivals, queues and dynamic batching" });
    await expect.poll(() => card.innerText()).toMatch(/About 35 min/);
    // Anonymous: no per-lesson badges, one line saying why.
    await expect.poll(() => page.getByTestId("progress-sign-in-hint").count(), { timeout: 10_000 }).toBe(1);
    expect(await page.getByTestId(`progress-${SLUG}`).count()).toBe(0);

    await page.locator("header").getByRole("link", { name: "Glossary" }).click();
    await page.waitForURL("**/glossary");
    expect(await page.locator("h1").innerText()).toBe("Glossary");
    for (const id of ["p99", "dynamic-batching", "swiftshader", "cuda-visible-devices", "littles-law"]) expect(await page.locator(`#${id}`).count(), id).toBe(1);
    expect(await page.locator("#dynamic-batching").getByRole("link", { name: /Serving: random arrivals/ }).count()).toBe(1);

    // A lesson's glossary link lands on its term.
    await page.goto(`${baseUrl}/lessons/${SLUG}`);
    await page.locator('article a[href="/glossary#open-loop"]').first().click();
    await page.waitForURL("**/glossary#open-loop");
    expect(await page.locator("#open-loop dt").innerText()).toBe("Open-loop load");
  });

  it("runs batching off and on in an open loop on the server CPU, reads both runs back, and grades the learner's own refusals", { timeout: 300_000 }, async () => {
    const learner = await openBrowser();
    try {
      const { page } = learner;
      await page.goto(`${baseUrl}/sign-up`);
      await page.getByLabel("Email").fill("lesson5@example.com");
      await page.getByLabel(/^Password/).fill("curriculum password");
      await page.getByRole("button", { name: "Sign up" }).click();
      await page.waitForURL(`${baseUrl}/`);

      await page.goto(`${baseUrl}/lessons/${SLUG}`);
      expect(await page.getByTestId("lesson-meta").innerText()).toMatch(/Lesson 5 of \d+[\s\S]*About 35 min/);
      expect(await page.locator('a[rel="prev"]').innerText()).toContain("Batching");
      expect(await page.locator('a[rel="next"]').innerText()).toContain("Quantization");
      expect((await page.getByTestId("serving-figure").locator('svg[role="img"]').getAttribute("aria-label"))!.length).toBeGreaterThan(150);

      // Predict first: noted, nothing revealed.
      await page.getByRole("button", { name: "p99 becomes many times the median and requests are refused" }).click();
      await expect.poll(() => page.getByTestId("prediction-noted").innerText()).toMatch(/^You predicted/);

      const [off, on] = [page.locator('[data-experiment="serving"]').nth(0), page.locator('[data-experiment="serving"]').nth(1)];
      await setLanes(page, "serving", ["server-cpu"]);
      // The lesson sets each experiment up as its side of the comparison.
      expect(await off.getByLabel("Dynamic batching").isChecked()).toBe(false);
      expect(await on.getByLabel("Dynamic batching").isChecked()).toBe(true);
      expect(await on.getByLabel("Max batch").inputValue()).toBe("16");

      for (const section of [off, on]) {
        await section.getByLabel("Arrival rates (requests/s)").fill(RATES);
        await section.getByRole("button", { name: "Run" }).click();
        await expect.poll(() => section.locator('[data-testid="open-loop-table"] tr[data-lane="server-cpu"][data-rate]').count(), { timeout: 120_000 }).toBe(2);
        await expect.poll(() => section.locator("a.permalink").count(), { timeout: 10_000 }).toBe(1);
      }
      const cellOf = (section: typeof off, rate: number, field: string) => section.locator(`tr[data-lane="server-cpu"][data-rate="${rate}"] [data-field="${field}"]`);
      expect(await off.locator('[data-testid="open-loop-table"] tbody').getAttribute("data-batching")).toBe("off");
      expect(await on.locator('[data-testid="open-loop-table"] tbody').getAttribute("data-batching")).toMatch(/^max 16, 2 ms$/);
      // Batching off runs every request alone; on, no batch holds more than the max.
      for (const rate of [5, 40]) expect(num(await cellOf(off, rate, "batch-rows").innerText())).toBe(1);
      const rowsOn = num(await cellOf(on, 40, "batch-rows").innerText());
      expect(rowsOn).toBeGreaterThanOrEqual(1);
      expect(rowsOn).toBeLessThanOrEqual(16);
      const rejectedOff = num(await cellOf(off, 40, "rejected").innerText());
      expect(Number.isInteger(rejectedOff) && rejectedOff >= 0).toBe(true);

      await page.getByRole("button", { name: "Read my two runs" }).click();
      await expect.poll(() => page.getByTestId("reading-off").innerText()).toMatch(new RegExp(`refused ${rejectedOff.toLocaleString("en-US")} request`));
      await expect.poll(() => page.getByTestId("reading-on").innerText()).toMatch(/Batching on \(max 16, 2 ms\)\. At 40\/s the batches held [\d.,]+ requests/);
      await expect.poll(() => page.getByTestId("reading-compare").innerText()).toMatch(/batching served [\d.,]+ times as many requests per second/);

      // The refusals question is graded against the server's record of this learner's run: right with the table's number…
      const quiz = page.getByTestId(`quiz-${SLUG}`);
      await expect.poll(() => quiz.getByRole("button", { name: "Submit answers" }).isEnabled(), { timeout: 20_000 }).toBe(true);
      await quiz.locator('input[type="number"][id$="-own-rejected-off-input"]').fill(String(rejectedOff));
      await quiz.locator('input[type="number"][id$="-own-batch-rows-on-input"]').fill(String(rowsOn + 5));
      await quiz.getByRole("button", { name: "Submit answers" }).click();
      await expect.poll(() => page.getByTestId("quiz-status").innerText(), { timeout: 20_000 }).toMatch(/^Submitted\./);
      const feedback = (prompt: string) => page.locator('[data-testid="quiz-feedback"] > ol > li', { hasText: prompt });
      const right = feedback("how many requests did the full queue refuse");
      expect(await right.getAttribute("class")).toBe("right");
      expect(await right.innerText()).toMatch(/^Right:/);
      // …and wrong with a number the run did not produce.
      expect(await feedback("how many requests did a batch hold on average").getAttribute("class")).not.toBe("right");

      // The home page shows this learner's progress on the lesson: the runs and the quiz score.
      await page.goto(baseUrl);
      await expect.poll(() => page.getByTestId(`progress-${SLUG}`).innerText(), { timeout: 20_000 }).toMatch(/[1-9]\d* experiments? run[\s\S]*Best quiz score: \d+%/);
      expect(await page.getByTestId("progress-sign-in-hint").count()).toBe(0);
    } finally {
      await learner.close();
    }
  });
});
