import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openBrowser, type LabBrowser } from "./browser";
import { cell as latencyCell, laneAvailable, setLanes } from "./lab-page";

const baseUrl = inject("baseUrl");
const PAGE = `${baseUrl}/lessons/latency-is-a-distribution`;
const EXPERIMENT = "timing-pitfalls";

const number = (text: string) => Number(text.replace(/[,×]/g, ""));

describe("naive against honest timing", () => {
  let browser: LabBrowser;
  beforeAll(async () => {
    browser = await openBrowser({ webgpu: true });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("times one model three ways on server cpu, browser wasm and browser webgpu (SwiftShader, labelled software), cold each time, with the unsynchronised WebGPU view", async () => {
    const { page } = browser;
    await page.goto(PAGE);
    const section = page.locator(`[data-experiment="${EXPERIMENT}"]`);
    const lanes = ["server-cpu", "browser-wasm", "browser-webgpu"];
    for (const lane of lanes) expect(await laneAvailable(page, EXPERIMENT, lane), lane).toBe(true);
    await setLanes(page, EXPERIMENT, lanes);
    await section.getByRole("button", { name: "Run" }).click();

    const table = section.locator('[data-testid="pitfalls-table"]');
    await expect.poll(() => table.locator("tbody tr").count(), { timeout: 240_000 }).toBe(lanes.length);
    const cell = (lane: string, field: string) => table.locator(`tr[data-lane="${lane}"] [data-field="${field}"]`).innerText();
    for (const lane of lanes) {
      const naive = number(await cell(lane, "naive"));
      const first = number(await cell(lane, "first"));
      const steady = number(await cell(lane, "steady-p50"));
      expect(steady, lane).toBeGreaterThan(0);
      expect(first, lane).toBeGreaterThan(0);
      // The naive reading holds session creation and the first run: never below the first run alone (1 ms clock).
      expect(naive, lane).toBeGreaterThanOrEqual(Math.floor(first));
      const naiveRatio = await cell(lane, "naive-ratio");
      expect(naiveRatio, lane).toMatch(/×$/);
      // The ratio is computed from the unrounded figures; the table shows three significant digits of each.
      expect(Math.abs(number(naiveRatio) / (naive / steady) - 1), lane).toBeLessThan(0.02);
      expect(number(naiveRatio), lane).toBeGreaterThan(1);
      expect(await cell(lane, "first-ratio"), lane).toMatch(/×$/);
    }
    // Truthful labels: SwiftShader is a software GPU; the WASM lane never claims a GPU.
    expect(await cell("browser-webgpu", "device")).toMatch(/swiftshader.*\(software GPU\)/i);
    expect(await cell("browser-wasm", "device")).toMatch(/browser CPU/);

    // The cold start run by run: creation, run 1 and the next ten, on every lane.
    const slide = section.locator('[data-testid="cold-slide"]');
    for (const lane of lanes) {
      const next = (await slide.locator(`tr[data-lane="${lane}"] [data-field="next-runs"]`).innerText()).split(", ");
      expect(next, lane).toHaveLength(10);
      expect(number(await slide.locator(`tr[data-lane="${lane}"] [data-field="session-create"]`).innerText()), lane).toBeGreaterThan(0);
    }

    // Unsynchronised timing on browser WebGPU only: both numbers, and what onnxruntime-web did.
    const views = section.locator('[data-testid="unsync-view"]');
    expect(await views.count()).toBe(1);
    const view = views.first();
    expect(await view.getAttribute("data-lane")).toBe("browser-webgpu");
    expect(await view.locator('[data-field="output-location"]').innerText()).toBe("gpu-buffer");
    const runOnly = number(await view.locator('[data-field="run-only"]').innerText());
    const runRead = number(await view.locator('[data-field="run-read"]').innerText());
    expect(runOnly).toBeGreaterThan(0);
    expect(runRead).toBeGreaterThan(0);
    expect(number(await view.locator('[data-field="run-drain"]').innerText())).toBeGreaterThan(0);
    expect(await view.innerText()).toMatch(/software GPU/);
    expect(await view.locator('[data-field="verdict"]').innerText()).toMatch(/^In your browser, run\(\) resolved after [\d.,]+ ms and the GPU queue still needed [\d.,]+ ms more/);
    expect(await view.locator('[data-field="lab-finding"]').innerText()).toMatch(/not measured a hardware GPU/);

    // Saved, and the server lane's job was a cold start on a session of its own, released after.
    await expect.poll(() => section.locator("a.permalink").count(), { timeout: 20_000 }).toBe(1);
    const runs = (await (await fetch(`${baseUrl}/api/benchmarks?model=digits-mlp&lane=cpu&limit=1`)).json()) as { runs: Array<{ results: { session: { created: boolean }; coldStart?: { released: boolean; nextRunsMs: number[] } } }> };
    expect(runs.runs[0]!.results.session.created).toBe(true);
    expect(runs.runs[0]!.results.coldStart).toMatchObject({ released: true });
    expect(runs.runs[0]!.results.coldStart!.nextRunsMs).toHaveLength(10);
  }, 300_000);

  it("gives a learner who asks their own cold start in the latency experiment, where the shared session would be someone else's", async () => {
    const { page } = browser;
    await page.goto(PAGE);
    const section = page.locator('[data-experiment="latency"]');
    await setLanes(page, "latency", ["server-cpu"]);
    const rows = section.locator('[data-testid="latency-table"] tbody tr');
    const runOnce = async () => {
      await section.getByRole("button", { name: "Run" }).click();
      await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(0);
      await expect.poll(() => rows.count(), { timeout: 60_000 }).toBe(1);
      return latencyCell(page, "server-cpu", "first-run").innerText();
    };
    // Twice on the shared session: the second run's first run belongs to an earlier job.
    await runOnce();
    expect(await runOnce()).toBe("earlier job");
    // Asked for, a session of this run's own: its creation and first run are timed for this learner.
    await section.locator('input[name="cold-start"]').check();
    expect(number(await runOnce())).toBeGreaterThan(0);
    expect(await section.locator('[data-testid="latency-table"] tr[data-lane="server-cpu"]').innerText()).not.toMatch(/reused/);
  }, 180_000);
});
