import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openBrowser, type LabBrowser } from "./browser";

const baseUrl = inject("baseUrl");
const PAGE = `${baseUrl}/lessons/hybrid-cpu-gpu-serving`;
const num = (text: string) => Number(text.replace(/,/g, "").replace("%", "").trim());

describe("the hybrid router experiment", () => {
  let browser: LabBrowser;
  beforeAll(async () => {
    browser = await openBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  // Profiles on both lanes (a software GPU among them), then a live run of ~20 s: minutes on two shared cores.
  it("measures both lanes' profiles, simulates every policy in the browser, runs one live and shows both side by side", { timeout: 420_000 }, async () => {
    const { page } = browser;
    await page.goto(PAGE);
    const section = page.locator('[data-experiment="hybrid-router"]');
    expect(await section.getByTestId("shared-cores").innerText()).toMatch(/both lanes share the same two CPU cores/);

    // A bad mix is a plain message in the browser, and nothing is simulated.
    await section.getByRole("button", { name: "Measure profiles now" }).click();
    const profiles = section.getByTestId("hybrid-profiles");
    await profiles.waitFor({ timeout: 240_000 });
    expect(await profiles.locator('tr[data-lane="server-webgpu"] th').innerText()).toMatch(/software GPU/);
    await section.getByLabel("request mix").fill("70% 1, 20% 32");
    await section.getByRole("button", { name: "Simulate every policy" }).click();
    await expect.poll(() => section.getByTestId("hybrid-message").innerText()).toMatch(/^Request mix: percentages must sum to 100, not 90\./);
    expect(await section.getByTestId("hybrid-simulated").count()).toBe(0);

    await section.getByLabel("request mix").fill("80% 1, 20% 32");
    await section.getByRole("button", { name: "Simulate every policy" }).click();
    const simulated = section.getByTestId("hybrid-simulated");
    await simulated.waitFor();
    expect(await simulated.locator("tr[data-policy]").count()).toBe(4);
    // Below saturation every policy serves what arrives (10 requests/s), and each routes by its rule.
    for (const policy of ["all-a", "threshold", "least-completion"]) {
      const throughput = num(await simulated.locator(`tr[data-policy="${policy}"] [data-field="throughput"]`).innerText());
      expect(throughput, policy).toBeGreaterThan(8);
      expect(throughput, policy).toBeLessThan(12);
    }
    expect(await simulated.locator('tr[data-policy="all-a"] td').nth(4).innerText()).toMatch(/^20000 \/ 0$/);

    // The threshold swept in the browser, then the threshold policy run for real.
    await section.getByRole("button", { name: "Sweep the threshold" }).click();
    expect(await section.getByTestId("hybrid-sweep").locator("tbody tr").count()).toBeGreaterThanOrEqual(5);
    await section.getByLabel("policy").selectOption("threshold");
    await section.getByRole("button", { name: "Run live on the server" }).click();
    const comparison = section.getByTestId("hybrid-comparison");
    await comparison.waitFor({ timeout: 300_000 });
    const cell = async (figure: string, field: string) => num(await comparison.locator(`tr[data-figure="${figure}"] [data-field="${field}"]`).innerText());
    expect((await cell("on-a", "measured")) + (await cell("on-b", "measured"))).toBe(200);
    // The simulation replays the same drawn schedule: the same requests go to each lane.
    expect(await cell("on-b", "simulated")).toBe(await cell("on-b", "measured"));
    expect(await cell("throughput", "measured")).toBeGreaterThan(0);
    expect(await comparison.locator('tr[data-figure="p99"] [data-field="difference"]').innerText()).toMatch(/^[+-]?[\d,.]+%$/);
    const measuredEffects = await section.getByTestId("hybrid-contention").innerText();
    expect(measuredEffects).toMatch(/lane A [\d,.]+ ms a call alone/);
    // The threshold sends single items to A and batches of 32 to B: each lane's wake-up cost was measured at its own size.
    expect(measuredEffects).toMatch(/after its lane sat idle .*lane A at batch 1: [\d,.]+ ms back to back, [+-][\d,.e-]+ ms after [\d,.]+ ms idle; lane B at batch 32:/);
    await expect.poll(() => section.locator("a.permalink").count(), { timeout: 15_000 }).toBe(1);
  });
});
