import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openBrowser, type LabBrowser } from "./browser";
import { laneAvailable, setLanes } from "./lab-page";

const QUANTIZATION_TITLE = "Quantization: when int8 helps, when it does nothing, and when it breaks the model";
const COST_TITLE = "Cost, power and total cost of ownership, per inference";

const baseUrl = inject("baseUrl");
let browser: LabBrowser;

beforeAll(async () => {
  browser = await openBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe("lessons in a real browser", () => {
  it("lists lessons on the home page in order and follows one to its rendered MDX", async () => {
    const { page } = browser;
    await page.goto(baseUrl);
    const titles = await page.locator(".lesson-card h3").allTextContents();
    expect(titles.slice(0, 4)).toEqual([
      "CPU vs GPU: the mental model",
      "Measuring inference honestly",
      "Latency and throughput are different questions",
      "Batching: sharing the cost of a call",
    ]);
    // Lessons 6 and 7 of the curriculum follow, in their declared order.
    const quantization = titles.indexOf(QUANTIZATION_TITLE);
    expect(quantization).toBeGreaterThan(3);
    expect(titles.indexOf(COST_TITLE)).toBeGreaterThan(quantization);
    await expect.poll(() => page.locator(".lesson-card").first().innerText()).toMatch(/About \d+ min/);

    await page.getByRole("link", { name: "Measuring inference honestly" }).click();
    await page.waitForURL("**/lessons/latency-is-a-distribution");
    await expect.poll(() => page.locator("h1").innerText()).toBe("Measuring inference honestly");
    // Rendered from MDX: headings with ids from rehype-slug, and the table of contents that links to them.
    expect(await page.locator("article h2#percentiles-say-what-users-feel").count()).toBe(1);
    expect(await page.locator('nav[aria-label="On this page"] a[href="#how-many-runs-are-enough"]').count()).toBe(1);
    expect(await page.locator(".callout").innerText()).toContain("Warm-up is not cheating");
  });

  it("hydrates a component imported from the lesson's own folder, which responds to clicks", async () => {
    const { page } = browser;
    await page.goto(`${baseUrl}/lessons/latency-is-a-distribution`);
    // The lesson's own reader of the three-stopwatch table: before a run it says what to run.
    expect(await page.getByTestId("timing-reading").count()).toBe(0);
    await page.getByRole("button", { name: "Read my timings" }).click();
    await expect.poll(() => page.getByTestId("timing-reader").getByRole("status").innerText()).toMatch(/^No timings on this page yet/);
    // The shared predict-first step notes the guess and gives nothing away.
    await page.getByRole("button", { name: "10× to 100×" }).click();
    await expect.poll(() => page.getByTestId("prediction-noted").innerText()).toMatch(/^You predicted “10× to 100×”/);
    expect(await page.getByRole("button", { name: "10× to 100×" }).getAttribute("aria-pressed")).toBe("true");
  });

  it("highlights code at build time and links lessons to each other", async () => {
    const { page } = browser;
    await page.goto(`${baseUrl}/lessons/cpu-or-gpu`);
    expect(await page.locator("pre code.hljs .hljs-keyword").count()).toBeGreaterThan(0);
    await page.getByRole("link", { name: /Measuring inference honestly/ }).last().click();
    await page.waitForURL("**/lessons/latency-is-a-distribution");
    expect(await page.locator('a[rel="prev"]').innerText()).toContain("CPU vs GPU");
  });

  it("answers an unknown lesson with the 404 page", async () => {
    const { page } = browser;
    const response = await page.goto(`${baseUrl}/lessons/no-such-lesson`);
    expect(response?.status()).toBe(404);
    expect(await page.locator("h1").innerText()).toBe("Page not found");
  });
});

describe("curriculum lessons 3 and 4 in a real browser", () => {
  const num = (text: string) => Number(text.replace(/,/g, "").trim());

  /** A signed-in learner, so runs are stored against the account the quiz grades. */
  async function signedIn(email: string): Promise<LabBrowser> {
    const learner = await openBrowser();
    await learner.page.goto(`${baseUrl}/sign-up`);
    await learner.page.getByLabel("Email").fill(email);
    await learner.page.getByLabel(/^Password/).fill("curriculum password");
    await learner.page.getByRole("button", { name: "Sign up" }).click();
    await learner.page.waitForURL(`${baseUrl}/`);
    return learner;
  }

  /** Answers one numeric question, submits, and returns that question's feedback item. */
  async function answerOwnResult(page: LabBrowser["page"], quizId: string, unit: RegExp, value: number, promptText: string) {
    const quiz = page.getByTestId(`quiz-${quizId}`);
    await expect.poll(() => quiz.getByRole("button", { name: "Submit answers" }).isEnabled(), { timeout: 20_000 }).toBe(true);
    await quiz.getByLabel(unit).fill(String(value));
    await quiz.getByRole("button", { name: "Submit answers" }).click();
    await expect.poll(() => page.getByTestId("quiz-status").innerText(), { timeout: 20_000 }).toMatch(/^Submitted\./);
    return page.locator('[data-testid="quiz-feedback"] > ol > li', { hasText: promptText });
  }

  it("latency vs throughput: measures one stream and a serving sweep, reads them back, and grades a question on the learner's own run", async () => {
    const learner = await signedIn("lesson3@example.com");
    try {
      const { page } = learner;
      await page.goto(`${baseUrl}/lessons/latency-vs-throughput`);
      expect(await page.locator('a[rel="prev"]').innerText()).toContain("Measuring inference honestly");
      expect(await page.locator('a[rel="next"]').innerText()).toContain("Batching");
      const figure = page.getByTestId("littles-law-figure").locator('svg[role="img"]');
      expect((await figure.getAttribute("aria-label"))!.length).toBeGreaterThan(100);

      // Predict, then measure one stream on the server CPU and compare.
      await page.getByRole("button", { name: "1,000 to 10,000 requests/s" }).click();
      await page.getByRole("button", { name: "Compare with my run" }).click();
      await expect.poll(() => page.getByTestId("prediction-check").innerText()).toMatch(/^No server-CPU result yet/);
      expect(await laneAvailable(page, "latency", "server-cpu")).toBe(true);
      await setLanes(page, "latency", ["server-cpu"]);
      await page.locator('[data-experiment="latency"]').getByRole("button", { name: "Run" }).click();
      const p50Cell = page.locator('[data-testid="latency-table"] tr[data-lane="server-cpu"] [data-field="p50"]');
      await p50Cell.waitFor({ timeout: 110_000 });
      const p50 = num(await p50Cell.innerText());
      expect(p50).toBeGreaterThan(0);
      await expect.poll(() => page.locator('[data-experiment="latency"] a.permalink').count(), { timeout: 10_000 }).toBe(1);
      await page.getByRole("button", { name: "Compare with my run" }).click();
      await expect.poll(() => page.getByTestId("prediction-check").innerText()).toContain(`median call took ${await p50Cell.innerText()} ms`);

      // Serving with batching off; the reader applies Little's law to the learner's own rows.
      const serving = page.locator('[data-experiment="serving"]');
      await setLanes(page, "serving", ["server-cpu"]);
      await serving.getByLabel("Max batch").selectOption("1");
      await serving.getByRole("button", { name: "Run" }).click();
      await expect.poll(() => page.locator('[data-testid="serving-table"] tr[data-concurrency]').count(), { timeout: 110_000 }).toBe(5);
      await expect.poll(() => serving.locator("a.permalink").count(), { timeout: 10_000 }).toBe(1);
      await page.getByRole("button", { name: "Read my serving run" }).click();
      const little = page.locator('[data-testid="littles-law-table"] tr[data-concurrency]');
      await expect.poll(() => little.count()).toBe(5);
      // A closed loop keeps N requests inside: throughput × mean latency (from the stored result) comes back as N.
      for (const n of [1, 2, 4, 8, 16]) {
        const little = num(await page.locator(`[data-testid="littles-law-table"] tr[data-concurrency="${n}"] [data-field="little-mean"]`).innerText());
        expect(little, `${n} clients`).toBeGreaterThan(n * 0.8);
        expect(little, `${n} clients`).toBeLessThan(n * 1.2);
      }
      await page.getByLabel("Your p99 budget (ms)").fill("100000");
      await expect.poll(() => page.getByTestId("budget-answer").innerText()).toMatch(/your run sustained at most [\d,.]+ requests\/s/);

      // The result-backed question is right with the learner's own number, read from the table.
      const feedback = await answerOwnResult(page, "latency-vs-throughput", /Your answer \(req\/s, one stream\)/, Number((1000 / p50).toPrecision(4)), "From your server-CPU median");
      expect(await feedback.getAttribute("class")).toBe("right");
      expect(await feedback.innerText()).toMatch(/^Right:/);
    } finally {
      await learner.close();
    }
  });

  // The wide MLP's sweep does 17 GFLOP per batch-256 call: on two shared cores it alone can take a minute.
  it("batching: sweeps the memory-bound model on the server CPU, reads the learner's bandwidth and gain, and grades their best throughput", { timeout: 300_000 }, async () => {
    const learner = await signedIn("lesson4@example.com");
    try {
      const { page } = learner;
      await page.goto(`${baseUrl}/lessons/batching`);
      for (const id of ["batching-figure", "pipeline-figure"]) expect((await page.getByTestId(id).locator('svg[role="img"]').getAttribute("aria-label"))!.length).toBeGreaterThan(100);
      const wide = page.locator('[data-experiment="batch-sweep"]').first();
      expect(await wide.getAttribute("aria-label")).toMatch(/Wide MLP.*batch 1 to 256/);
      // The wide MLP is server-only: the browser lanes say why instead of offering to download 134 MB.
      expect(await wide.locator('li[data-lane="browser-wasm"]').getAttribute("data-available")).toBe("false");

      await page.getByRole("button", { name: "4× to 16×" }).click();
      await lanesAndRun(page);
      const rows = page.locator('[data-testid="sweep-table"] tr[data-lane="server-cpu"][data-batch]');
      await expect.poll(() => rows.count(), { timeout: 240_000 }).toBe(9);
      const batches = [1, 2, 4, 8, 16, 32, 64, 128, 256];
      const throughputs = await Promise.all(batches.map(async (b) => num(await page.locator(`[data-testid="sweep-table"] tr[data-lane="server-cpu"][data-batch="${b}"] [data-field="throughput"]`).innerText())));
      const best = Math.max(...throughputs);
      // A memory-bound layer batched on a CPU: the best batch beats batch 1 by a wide margin.
      expect(best).toBeGreaterThan(2 * throughputs[0]!);
      await expect.poll(() => wide.locator("a.permalink").count(), { timeout: 10_000 }).toBe(1);
      await page.getByRole("button", { name: "Compare with my run" }).click();
      await expect.poll(() => page.getByTestId("prediction-check").innerText()).toMatch(/at batch 1 and [\d,.]+ items\/s at batch 64: [\d.]+×/);
      await page.getByRole("button", { name: "Read my sweep" }).first().click();
      const reading = page.getByTestId("sweep-reading").first();
      await expect.poll(() => reading.locator('[data-field="bandwidth"]').innerText()).toMatch(/^[\d,.]+ GB\/s$/);
      expect(num((await reading.locator('[data-field="best"]').innerText()).split(" items/s")[0]!)).toBe(best);

      const knee = Number(await page.locator('[data-testid="sweep-table"] tr[data-lane="server-cpu"][data-batch]', { hasText: "knee" }).getAttribute("data-batch"));
      await expect.poll(() => page.getByTestId("quiz-batching").getByRole("button", { name: "Submit answers" }).isEnabled(), { timeout: 20_000 }).toBe(true);
      await page.getByTestId("quiz-batching").getByLabel(/Your answer \(knee batch\)/).fill(String(knee));
      const feedback = await answerOwnResult(page, "batching", /Your answer \(items\/s, best\)/, best, "What was your server CPU's highest throughput in that sweep");
      expect(await feedback.getAttribute("class")).toBe("right");
      const kneeFeedback = page.locator('[data-testid="quiz-feedback"] > ol > li', { hasText: "which batch did the table mark as the knee" });
      expect(await kneeFeedback.getAttribute("class")).toBe("right");
    } finally {
      await learner.close();
    }
  });

  async function lanesAndRun(page: LabBrowser["page"]) {
    const wide = page.locator('[data-experiment="batch-sweep"]').first();
    await expect.poll(() => wide.locator('li[data-lane="server-cpu"]').getAttribute("data-available"), { timeout: 20_000 }).toBe("true");
    for (const box of await wide.locator('input[name="lane"]').all()) {
      if (await box.isDisabled()) continue;
      if ((await box.getAttribute("value")) === "server-cpu") await box.check();
      else await box.uncheck();
    }
    await wide.getByRole("button", { name: "Run" }).click();
  }
});

describe("lessons 6 and 7: predict, measure on a real lane, and be graded on one's own result", () => {
  let own: LabBrowser;
  beforeAll(async () => {
    own = await openBrowser();
    const { page } = own;
    await page.goto(`${baseUrl}/sign-up`);
    await page.getByLabel("Email").fill("curriculum-6-7@example.com");
    await page.getByLabel(/^Password/).fill("curriculum password");
    await page.getByRole("button", { name: "Sign up" }).click();
    await page.waitForURL(`${baseUrl}/`);
  });
  afterAll(async () => {
    await own?.close();
  });

  /** Answers numeric questions by id, submits, and returns each one's feedback line (found by a piece of its prompt). */
  async function answer(slug: string, answers: Array<{ id: string; prompt: string; value: string }>) {
    const { page } = own;
    const quiz = page.getByTestId(`quiz-${slug}`);
    await expect.poll(() => quiz.getByRole("button", { name: "Submit answers" }).isEnabled(), { timeout: 20_000 }).toBe(true);
    for (const { id, value } of answers) await quiz.locator(`input[type="number"][id$="-${id}-input"]`).fill(value);
    await quiz.getByRole("button", { name: "Submit answers" }).click();
    await expect.poll(() => page.getByTestId("quiz-status").innerText(), { timeout: 20_000 }).toMatch(/^Submitted\./);
    return Promise.all(answers.map(({ prompt }) => page.getByTestId("quiz-feedback").locator("ol > li", { hasText: prompt }).first().innerText()));
  }

  it("quantization: runs the wide MLP's int8 variants on the server CPU and grades the learner's own speed-up", async () => {
    const { page } = own;
    await page.goto(`${baseUrl}/lessons/quantization`);
    expect(await page.locator("h1").innerText()).toBe(QUANTIZATION_TITLE);
    expect(await page.locator('a[rel="next"]').innerText()).toContain(COST_TITLE);
    expect(await page.locator('figure svg[role="img"] title').first().textContent()).toBe("What the three int8 methods change");
    // Predict first: the guess is noted, and no answer is given away.
    await page.getByRole("button", { name: "More than 4×" }).click();
    await expect.poll(() => page.getByTestId("prediction-noted").innerText()).toMatch(/^You predicted “More than 4×”\. Now run the experiment below/);

    const wide = page.locator('[data-experiment="quantization"]').first();
    await expect.poll(() => wide.locator('li[data-lane="server-cpu"]').getAttribute("data-available"), { timeout: 20_000 }).toBe("true");
    await wide.getByRole("button", { name: "Run" }).click();
    const rows = wide.locator('[data-testid="quantization-table"] tr[data-variant]');
    await expect.poll(() => rows.count(), { timeout: 110_000 }).toBe(3);
    await expect.poll(() => wide.locator("a.permalink").count(), { timeout: 20_000 }).toBe(1);
    const row = (variant: string) => wide.locator(`tr[data-variant="${variant}"][data-lane="server-cpu"]`);
    expect(Number(await row("int8-weight").locator('[data-field="size"]').innerText())).toBeLessThan(Number(await row("fp32").locator('[data-field="size"]').innerText()) / 3);
    const speedup = (await row("int8-dynamic").locator('td[data-label="Speed vs fp32"]').innerText()).replace("×", "");
    expect(Number(speedup)).toBeGreaterThan(0);

    const [feedback] = await answer("quantization", [{ id: "own-wide-speedup", prompt: "wide-MLP experiment", value: speedup }]);
    expect(feedback).toMatch(/^Right:/);
  });

  it("cost: turns the server CPU's measured throughput into cost and energy, and grades both against the stored run", async () => {
    const { page } = own;
    await page.goto(`${baseUrl}/lessons/cost-power-and-tco`);
    expect(await page.locator("h1").innerText()).toBe(COST_TITLE);
    expect(await page.locator('a[rel="prev"]').innerText()).toContain(QUANTIZATION_TITLE);
    await page.getByRole("button", { name: "About ten million or more" }).click();
    await expect.poll(() => page.getByTestId("prediction-noted").innerText()).toMatch(/^You predicted/);

    const cost = page.locator('[data-experiment="cost"]');
    // The defaults are the lesson's cited prices, not the component's fallback.
    expect(await cost.getByLabel("server-cpu dollars per hour").inputValue()).toBe("0.0816");
    expect(await cost.getByLabel("server-cuda watts").inputValue()).toBe("300");
    await expect.poll(() => cost.locator('li[data-lane="server-cpu"]').getAttribute("data-available"), { timeout: 20_000 }).toBe("true");
    await cost.getByRole("button", { name: "Run" }).click();
    const row = page.locator('[data-testid="cost-table"] tr[data-lane="server-cpu"]');
    await expect.poll(() => row.count(), { timeout: 60_000 }).toBe(1);
    await expect.poll(() => cost.locator("a.permalink").count(), { timeout: 20_000 }).toBe(1);
    const throughput = (await row.locator('[data-field="throughput"]').innerText()).replace(/,/g, "");
    const dollars = await row.locator('[data-field="dollars"]').innerText();
    const joules = await row.locator('[data-field="joules"]').innerText();
    // Three significant figures on screen: compare relatively.
    const near = (a: number, b: number) => Math.abs(a / b - 1) < 0.01;
    expect(near(Number(dollars), (0.0816 / (Number(throughput) * 3600)) * 1e6), `${dollars} at ${throughput}/s`).toBe(true);

    // The calculator, fed the same throughput, agrees at full utilisation and costs ten times more at 10%.
    const calc = page.getByTestId("utilisation-calculator");
    await calc.getByTestId("calc-throughput").fill(throughput);
    const calcDollars = () => calc.locator('[data-field="dollars"]').innerText().then(Number);
    await expect.poll(async () => near(await calcDollars(), Number(dollars))).toBe(true);
    await calc.getByTestId("calc-utilisation").fill("10");
    await expect.poll(async () => near(await calcDollars(), Number(dollars) * 10)).toBe(true);
    expect(await calc.locator('[data-field="joules"]').innerText()).toBe("—");

    const feedback = await answer("cost-power-and-tco", [
      { id: "own-dollars-per-million", prompt: "under “$ per million”", value: dollars },
      { id: "own-joules", prompt: "joules per inference did the server CPU row show", value: joules },
    ]);
    expect(feedback[0]).toMatch(/^Right:/);
    expect(feedback[1]).toMatch(/^Right:/);
  });
});

describe("health endpoint", () => {
  it("reports the database as reachable", async () => {
    const response = await fetch(`${baseUrl}/api/health`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { status: string; database: { ok: boolean; provider: string } };
    expect(body.status).toBe("ok");
    expect(body.database).toMatchObject({ ok: true, provider: "sqlite" });
  });
});
