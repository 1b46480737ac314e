import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openBrowser, type LabBrowser } from "./browser";

const baseUrl = inject("baseUrl");
const PAGE = `${baseUrl}/lessons/choosing-hardware`;
const num = (text: string) => Number(text.replace(/,/g, "").trim());

interface StoredRun {
  results: { scenario: { kind: string; points?: Array<{ batch: number; itemsPerSecond: number }> } };
}

describe("the hardware recommendation in a real browser", () => {
  let learner: LabBrowser;
  beforeAll(async () => {
    learner = await openBrowser();
    const { page } = learner;
    await page.goto(`${baseUrl}/sign-up`);
    await page.getByLabel("Email").fill("recommendation@example.com");
    await page.getByLabel(/^Password/).fill("recommendation password");
    await page.getByRole("button", { name: "Sign up" }).click();
    await page.waitForURL(`${baseUrl}/`);
  });
  afterAll(async () => {
    await learner?.close();
  });

  it("lists the learner's missing run, runs it from its button, reads the stored result back into the answer and links it", { timeout: 300_000 }, async () => {
    const { page } = learner;
    await page.goto(PAGE);
    const section = page.locator('[data-experiment="recommendation"]');

    // A bad number is refused by the server, naming the field, and shown in plain words.
    await section.locator('input[name="requestsPerSecond"]').fill("0");
    await section.getByRole("button", { name: "Recommend" }).click();
    await expect.poll(() => section.getByRole("alert").innerText()).toMatch(/requestsPerSecond: must be more than 0/);
    await section.locator('input[name="requestsPerSecond"]').fill("200");
    // A target this shared test machine meets at batch 1 however busy it is, with room for batches that fill in time.
    await section.locator('input[name="p99TargetMs"]').fill("100");

    await section.getByRole("button", { name: "Recommend" }).click();
    const answer = section.getByTestId("recommendation");
    await answer.waitFor({ timeout: 30_000 });
    // Nothing of this learner's yet: the server CPU run is listed as missing, with a button that runs it.
    const missingCpu = answer.locator('[data-testid="recommendation-missing"] li[data-lane="server-cpu"][data-kind="no-run"]');
    await missingCpu.waitFor();
    expect(await answer.locator('tr[data-lane="server-cpu"][data-source="yours"]').count()).toBe(0);
    await missingCpu.getByRole("button", { name: /Run a batch sweep .* on Server CPU/ }).click();

    // The sweep is stored, and the recommendation asks again by itself and now reads it.
    const own = answer.locator('tr[data-lane="server-cpu"][data-source="yours"]');
    await own.waitFor({ timeout: 240_000 });
    expect(await own.locator('[data-field="source"]').innerText()).toBe("from your own runs");
    expect(await answer.locator('li[data-lane="server-cpu"]').count()).toBe(0);

    // Its capacity is the throughput the server stored for the best batch within the target.
    const bestBatch = num(await own.locator('td[data-label="Best batch"]').innerText());
    const capacity = num(await own.locator('[data-field="capacity"]').innerText());
    const runs = (await (await fetch(`${baseUrl}/api/benchmarks?model=digits-mlp&lane=cpu&limit=1`)).json()) as { runs: StoredRun[] };
    const scenario = runs.runs[0]!.results.scenario;
    expect(scenario.kind).toBe("offline");
    const stored = scenario.points!.find((p) => p.batch === bestBatch)?.itemsPerSecond;
    expect(stored, `best batch ${bestBatch} among ${JSON.stringify(scenario.points!.map((p) => p.batch))}`).toBeDefined();
    expect(Math.abs(capacity / stored! - 1)).toBeLessThan(0.005);

    // The arithmetic for that lane, step by step, names the same figures.
    // Only the recommended lane's steps start open, and whether this lane wins depends on the machine's speed.
    const details = answer.locator('details[data-steps="server-cpu"]').first();
    await details.evaluate((element) => ((element as HTMLDetailsElement).open = true));
    const steps = await details.innerText();
    expect(steps).toMatch(/from your own runs: batch 1, 2, 4/);
    expect(steps).toMatch(/per million/);

    // Stored and linkable: the permalink shows the same answer.
    const link = section.locator('a[href^="/results/"]');
    await link.waitFor();
    const href = (await link.getAttribute("href"))!;
    const summary = await answer.locator('[data-field="summary"]').innerText();
    await page.goto(`${baseUrl}${href}`);
    expect(await page.locator("h1").innerText()).toMatch(/^recommendation experiment: digits-mlp/);
    expect(await page.getByTestId("recommendation").locator('[data-field="summary"]').innerText()).toBe(summary);
    expect(await page.locator('[data-testid="recommendation"] tr[data-lane="server-cpu"][data-source="yours"]').count()).toBe(1);
  });
});
