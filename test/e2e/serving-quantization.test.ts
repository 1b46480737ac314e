import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openBrowser, type LabBrowser } from "./browser";
import { laneAvailable, setLanes } from "./lab-page";

const baseUrl = inject("baseUrl");
const SERVING_PAGE = `${baseUrl}/lessons/latency-is-a-distribution`;
const QUANT_PAGE = `${baseUrl}/lessons/quantization`;
const num = (text: string) => Number(text.replace(/,/g, ""));

describe("open-loop serving and live int8 quality", () => {
  let browser: LabBrowser;
  beforeAll(async () => {
    browser = await openBrowser({ webgpu: true });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("sends Poisson arrivals at the rates asked for on server cpu, with and without batching, and shows Little's law", async () => {
    const { page } = browser;
    await page.goto(SERVING_PAGE);
    const section = page.locator('[data-experiment="serving"]');
    await setLanes(page, "serving", ["server-cpu"]);
    await section.getByLabel("Open loop: Poisson arrivals").check();
    // A rate that is not a positive number is named back as it is typed, and a run with it measures nothing.
    await section.getByLabel("Arrival rates (requests/s)").fill("200, 0");
    await expect.poll(() => section.getByRole("alert").allInnerTexts()).toContainEqual(expect.stringMatching(/rates: “0” is not a positive number/));
    await section.getByRole("button", { name: "Run" }).click();
    await expect.poll(() => section.locator('.lane-failures li[data-lane="server-cpu"]').innerText(), { timeout: 20_000 }).toMatch(/rates: “0” is not a positive number/);
    expect(await page.locator('[data-testid="open-loop-table"]').count()).toBe(0);

    await section.getByLabel("Arrival rates (requests/s)").fill("200, 800");
    await section.getByLabel("Dynamic batching").uncheck();
    await section.getByRole("button", { name: "Run" }).click();
    const rows = page.locator('[data-testid="open-loop-table"] tr[data-rate]');
    await expect.poll(() => rows.count(), { timeout: 110_000 }).toBe(2);
    for (const rate of [200, 800]) {
      const row = page.locator(`[data-testid="open-loop-table"] tr[data-rate="${rate}"]`);
      const achieved = num(await row.locator('[data-field="achieved"]').innerText());
      // A short run's Poisson draw strays by ~1/√n from the target; the sender keeps the draw.
      expect(achieved / rate).toBeGreaterThan(0.8);
      expect(achieved / rate).toBeLessThan(1.2);
      expect(num(await row.locator('[data-field="rejected"]').innerText())).toBeGreaterThanOrEqual(0);
      const l = num(await row.locator('[data-field="little-l"]').innerText());
      const lw = num(await row.locator('[data-field="little-lw"]').innerText());
      // A short run on a shared 2-core VM has a heavy tail that a finite window clips unevenly; the
      // integration test and npm run bench:serving hold the law to ±10% on longer runs.
      if ((await row.getAttribute("data-stable")) === "true") expect(Math.abs(l / lw - 1), `L ${l} vs λW ${lw} at ${rate}/s`).toBeLessThan(0.35);
    }
    expect(await section.getByTestId("littles-law").innerText()).toMatch(/L = [\d.,]+ requests .* λ × W = /);
    expect(await section.locator('[data-testid="open-loop-table"] tbody').getAttribute("data-batching")).toBe("off");
    expect(await section.locator("figure svg").count()).toBeGreaterThan(0);
    await expect.poll(() => section.locator("a.permalink").count(), { timeout: 10_000 }).toBe(1);
  });

  it("scores int8 against fp32 on held-out digits in this run on server cpu and browser wasm, beside the stored evaluation", async () => {
    const { page } = browser;
    await page.goto(QUANT_PAGE);
    // The quantization lesson has one experiment per model; this is the digit classifier's.
    const section = page.locator('[data-experiment="quantization"][aria-label*="the small digit classifier"]');
    // Browser WebGPU on SwiftShader did not finish scoring the 2000 digits four times within 200 s here; not run.
    expect(await laneAvailable(page, "quantization", "browser-wasm", section)).toBe(true);
    await setLanes(page, "quantization", ["server-cpu", "browser-wasm"], section);
    await section.getByRole("button", { name: "Run" }).click();
    const rows = page.locator('[data-testid="quality-table"] tr[data-variant]');
    // Three int8 variants (weight-only, dynamic, static), each scored on each lane.
    await expect.poll(() => rows.count(), { timeout: 150_000 }).toBe(6);
    expect(await page.locator('[data-testid="quality-table"] [data-field="quality-error"]').count()).toBe(0);
    for (const lane of ["server-cpu", "browser-wasm"]) {
      const row = page.locator(`[data-testid="quality-table"] tr[data-lane="${lane}"][data-variant="int8-static"]`);
      const now = await row.locator('[data-field="quality-now"]').innerText();
      const stored = await row.locator('[data-field="quality-stored"]').innerText();
      expect(now, lane).toMatch(/^accuracy 0\.9\d/);
      expect(stored).toMatch(/^accuracy 0\.9\d/);
      // Same digits, same model: measured now agrees with the stored evaluation within half a point.
      expect(Math.abs(Number(now.split(" ")[1]) - Number(stored.split(" ")[1])), lane).toBeLessThanOrEqual(0.005);
    }
    expect(await page.locator('[data-testid="quality-table"] tbody[data-lane="browser-wasm"] [data-field="device"]').innerText()).not.toMatch(/gpu/i);
    await expect.poll(() => section.locator("a.permalink").count(), { timeout: 10_000 }).toBe(1);
  }, 240_000);
});
