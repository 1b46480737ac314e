import { describe, expect, inject, it } from "vitest";
import { openBrowser, type LabBrowser } from "./browser";
import { setLanes } from "./lab-page";

const baseUrl = inject("baseUrl");
const num = (text: string) => Number(text.replace(/,/g, "").trim());

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

describe("lesson 1, CPU vs GPU: the mental model", () => {
  // The wide MLP at batch 64 is 4.3 GFLOP per call: the sweep to 64 takes a while on two shared cores.
  it("sweeps the wide MLP on the server CPU, reads batch 1 as a bandwidth, and grades that bandwidth against the learner's own run", { timeout: 300_000 }, async () => {
    const learner = await signedIn(`lesson1-${Date.now()}@example.com`);
    try {
      const { page } = learner;
      await page.goto(`${baseUrl}/lessons/cpu-or-gpu`);
      await expect.poll(() => page.locator("h1").innerText()).toBe("CPU vs GPU: the mental model");
      const figure = page.getByTestId("processors-figure").locator('svg[role="img"]');
      expect((await figure.getAttribute("aria-label"))!.length).toBeGreaterThan(150);
      // The predict-first step ships no answer: it only notes the guess.
      await page.getByRole("button", { name: "2× to 8× t" }).click();
      await expect.poll(() => page.getByTestId("prediction-noted").innerText()).toMatch(/^You predicted “2× to 8× t”/);

      const sweep = page.locator('[data-experiment="batch-sweep"]');
      expect(await sweep.locator('select[name="sweep-model"]').inputValue()).toBe("mlp-wide");
      // The page's first question to a freshly started server can take a while on two shared cores.
      await expect.poll(() => sweep.locator('li[data-lane="server-cpu"]').getAttribute("data-available"), { timeout: 60_000 }).toBe("true");
      // 134 MB of weights are not offered to a browser tab.
      expect(await sweep.locator('li[data-lane="browser-wasm"]').getAttribute("data-available")).toBe("false");
      await setLanes(page, "batch-sweep", ["server-cpu"]);
      // Before any run the reader says what to run rather than inventing numbers.
      await page.getByRole("button", { name: "Read my wide-MLP run" }).click();
      await expect.poll(() => page.getByTestId("wide-reader").getByRole("status").innerText()).toMatch(/^No server-CPU sweep of the wide MLP/);

      await sweep.getByRole("button", { name: "Run" }).click();
      const rows = page.locator('[data-testid="sweep-table"] tr[data-lane="server-cpu"][data-batch]');
      await expect.poll(() => rows.count(), { timeout: 240_000 }).toBe(7);
      await expect.poll(() => sweep.locator("a.permalink").count(), { timeout: 20_000 }).toBe(1);
      const cell = (batch: number, field: string) => page.locator(`[data-testid="sweep-table"] tr[data-lane="server-cpu"][data-batch="${batch}"] [data-field="${field}"]`);
      const p50At1 = num(await cell(1, "p50").innerText());
      const p50At64 = num(await cell(64, "p50").innerText());
      // Memory-bound at batch 1: 64 times the inputs take far less than 64 times as long.
      expect(p50At64).toBeLessThan(32 * p50At1);

      await page.getByRole("button", { name: "Read my wide-MLP run" }).click();
      const reading = page.getByTestId("wide-reading");
      const bandwidthText = await reading.locator('[data-field="bandwidth"]').innerText();
      expect(bandwidthText).toMatch(/^[\d,.]+ GB\/s$/);
      const bandwidth = num(bandwidthText.split(" ")[0]!);
      // The reader's figure is the registry's weight bytes over the table's own batch-1 median.
      expect(bandwidth).toBeCloseTo(134.250496 / p50At1, 0);
      expect(await reading.locator('[data-field="gflops"]').innerText()).toMatch(/^[\d,.]+ GFLOP\/s$/);

      const quiz = page.getByTestId("quiz-cpu-or-gpu");
      await expect.poll(() => quiz.getByRole("button", { name: "Submit answers" }).isEnabled(), { timeout: 20_000 }).toBe(true);
      await quiz.getByLabel(/Your answer \(GB\/s at batch 1\)/).fill(String(bandwidth));
      await quiz.getByRole("button", { name: "Submit answers" }).click();
      await expect.poll(() => page.getByTestId("quiz-status").innerText(), { timeout: 20_000 }).toMatch(/^Submitted\./);
      const feedback = page.locator('[data-testid="quiz-feedback"] > ol > li', { hasText: "how many GB/s of weights did your server CPU stream" });
      expect(await feedback.getAttribute("class")).toBe("right");
      expect(await feedback.innerText()).toMatch(/^Right:/);
    } finally {
      await learner.close();
    }
  });
});
