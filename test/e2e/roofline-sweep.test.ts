import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openBrowser, type LabBrowser } from "./browser";
import { laneAvailable, setLanes } from "./lab-page";

const baseUrl = inject("baseUrl");
const PAGE = `${baseUrl}/lessons/cpu-or-gpu`;
const num = (text: string) => Number.parseFloat(text.replace(/,/g, ""));

describe("roofline, batch sweep and threads for real (WebGPU on SwiftShader)", () => {
  let browser: LabBrowser;
  beforeAll(async () => {
    browser = await openBrowser({ webgpu: true });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("measures each lane's ceilings and places every (model, batch) under its roof, on browser WASM, browser WebGPU and server CPU", { timeout: 480_000 }, async () => {
    const { page } = browser;
    await page.goto(PAGE);
    const lanes = ["server-cpu", "browser-wasm", "browser-webgpu"];
    expect(await laneAvailable(page, "roofline", "browser-webgpu")).toBe(true);
    await setLanes(page, "roofline", lanes);
    const section = page.locator('[data-experiment="roofline"]');
    await section.getByRole("button", { name: "Run" }).click();
    const ceilings = page.locator('[data-testid="ceilings-table"] tbody tr');
    await expect.poll(() => ceilings.count(), { timeout: 460_000, interval: 2000 }).toBe(lanes.length);
    expect(await section.locator(".lane-failures").count()).toBe(0);
    for (const lane of lanes) {
      const row = page.locator(`[data-testid="ceilings-table"] tr[data-lane="${lane}"]`);
      const bandwidth = num(await row.locator('[data-field="bandwidth"]').innerText());
      const compute = num(await row.locator('[data-field="compute"]').innerText());
      const ridge = num(await row.locator('[data-field="ridge"]').innerText());
      expect(bandwidth, lane).toBeGreaterThan(0);
      expect(compute, lane).toBeGreaterThan(0);
      // The ridge is compute ÷ bandwidth (3 significant figures shown).
      expect(Math.abs(ridge - compute / bandwidth) / ridge, lane).toBeLessThan(0.02);
    }
    // SwiftShader is a software GPU and says so; WASM is a browser CPU and never claims a GPU.
    expect(await page.locator('[data-testid="ceilings-table"] tr[data-lane="browser-webgpu"] [data-field="device"]').innerText()).toMatch(/swiftshader.*\(software GPU\)/i);
    expect(await page.locator('[data-testid="ceilings-table"] tr[data-lane="browser-wasm"] [data-field="device"]').innerText()).toMatch(/browser CPU/);
    expect(await page.locator('[data-testid="ceilings-table"] tr[data-lane="browser-wasm"]').innerText()).toMatch(/128 MiB/);
    expect(await page.locator('[data-testid="ceilings-table"] tr[data-lane="browser-webgpu"]').innerText()).toMatch(/64 MiB/);
    expect(await page.locator('[data-testid="ceilings-table"] tr[data-lane="server-cpu"]').innerText()).toMatch(/256 MiB.*measured now/);

    // Points: browsers run the digit models (mlp-wide is too large for a tab), the server all three.
    const points = page.locator('[data-testid="roofline-table"] tr[data-batch]');
    for (const lane of ["browser-wasm", "browser-webgpu"]) {
      expect(await page.locator(`[data-testid="roofline-table"] tr[data-lane="${lane}"][data-model="mlp-wide"]`).count(), lane).toBe(0);
      expect(await page.locator(`[data-testid="roofline-table"] tr[data-lane="${lane}"][data-model="digits-mlp"]`).count(), lane).toBe(7);
    }
    expect(await page.locator('[data-testid="roofline-table"] tr[data-lane="server-cpu"][data-model="mlp-wide"]').count()).toBe(7);
    const regimes = await points.locator('[data-field="regime"]').allInnerTexts();
    expect(regimes.every((r) => ["overhead", "memory-bound", "compute-bound"].includes(r))).toBe(true);
    // mlp-wide at batch 1 streams 128 MiB of weights per call: on the server it sits left of the ridge, never compute-bound.
    expect(await page.locator('[data-testid="roofline-table"] tr[data-lane="server-cpu"][data-model="mlp-wide"][data-batch="1"] [data-field="regime"]').innerText()).not.toBe("compute-bound");
    // One roof per lane, each with its ridge and the three regions labelled.
    const charts = section.locator("figure.experiment-chart");
    expect(await charts.count()).toBe(lanes.length);
    await expect.poll(() => charts.first().locator("svg").count(), { timeout: 10_000 }).toBeGreaterThan(0);
    const chartText = await charts.first().textContent();
    for (const label of ["ridge", "memory-bound", "compute-bound", "overhead", "bandwidth", "compute"]) expect(chartText).toContain(label);

    // Asked again, the ceilings come from the cache (the server's, this browser's storage) unless re-measure is ticked.
    const again = (await (await page.request.post(`${baseUrl}/api/ceilings`, { data: { lane: "cpu" } })).json()) as { cached: boolean; bandwidthGBps: number };
    expect(again.cached).toBe(true);
    expect(again.bandwidthGBps).toBeCloseTo(num(await page.locator('[data-testid="ceilings-table"] tr[data-lane="server-cpu"] [data-field="bandwidth"]').innerText()), -1);
    const stored = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("inference-lab:ceilings:")));
    expect(stored.some((k) => k.includes("browser-wasm"))).toBe(true);
    expect(stored.some((k) => k.includes("browser-webgpu"))).toBe(true);
  });

  it("sweeps a chosen model with a latency budget, the knee, the best batch under budget and memory per batch", { timeout: 300_000 }, async () => {
    const { page } = browser;
    await page.goto(PAGE);
    const section = page.locator('[data-experiment="batch-sweep"]');
    const options = await section.locator('select[name="sweep-model"] option').evaluateAll((els) => els.map((e) => (e as HTMLOptionElement).value));
    for (const id of ["digits-mlp", "digits-cnn", "mlp-wide", "ocr-rec"]) expect(options).toContain(id);
    await section.locator('select[name="sweep-model"]').selectOption("digits-cnn");
    await section.locator('input[name="budget-ms"]').fill("2");
    await section.locator('select[name="server-threads"]').selectOption("1");
    const lanes = ["server-cpu", "browser-wasm", "browser-webgpu"];
    await setLanes(page, "batch-sweep", lanes);
    await section.getByRole("button", { name: "Run" }).click();
    const rows = page.locator('[data-testid="sweep-table"] tr[data-batch]');
    await expect.poll(() => rows.count(), { timeout: 280_000, interval: 2000 }).toBe(7 * lanes.length);
    await expect.poll(() => section.getByRole("button", { name: "Run" }).isEnabled(), { timeout: 60_000 }).toBe(true);
    for (const lane of lanes) {
      expect(await page.locator(`[data-testid="sweep-table"] tr[data-lane="${lane}"][data-knee="true"]`).count(), lane).toBe(1);
      const best = page.locator(`[data-testid="sweep-table"] tr[data-lane="${lane}"][data-best-under-budget="true"]`);
      const over = await page.locator(`[data-testid="sweep-table"] tr[data-lane="${lane}"] [data-field="p99"]`).allInnerTexts();
      if ((await best.count()) === 1) {
        // The marked batch meets the budget, and no batch with more throughput does.
        expect(num((await best.locator('[data-field="p99"]').innerText()).replace(/ \(over budget\)/, "")), lane).toBeLessThanOrEqual(2);
      } else {
        expect(over.every((t) => t.includes("over budget")), lane).toBe(true);
      }
    }
    // The server ran with the 1 thread asked for, and says so.
    expect(await page.locator('[data-testid="sweep-table"] tbody[data-lane="server-cpu"] tr.lane-group').innerText()).toMatch(/1 thread/);
    // Memory per batch: inputs are 784 floats per item; activations measured on the server grow with the batch.
    const memory = page.locator('[data-testid="memory-table"]');
    await expect.poll(() => memory.locator('tr[data-batch="64"] [data-field="activations"]').innerText(), { timeout: 20_000 }).toMatch(/MB/);
    expect(await memory.locator('tr[data-batch="1"] [data-field="input"]').innerText()).toBe(`${Number(((784 * 4) / 1e6).toPrecision(3))} MB`);
    expect(num(await memory.locator('tr[data-batch="64"] [data-field="activations"]').innerText())).toBeGreaterThan(num(await memory.locator('tr[data-batch="1"] [data-field="activations"]').innerText()));
    // The latency chart draws the budget line.
    expect(await section.locator("figure svg").last().textContent()).toContain("budget 2 ms");
  });

  it("scales the server CPU over 1 … cores threads and stores one result per thread count", { timeout: 180_000 }, async () => {
    const { page } = browser;
    await page.goto(PAGE);
    const section = page.locator('[data-experiment="threads"]');
    await section.locator('select[name="threads-model"]').selectOption("mlp-narrow");
    await expect.poll(() => section.getByRole("button", { name: "Run" }).isEnabled(), { timeout: 20_000 }).toBe(true);
    await section.getByRole("button", { name: "Run" }).click();
    const capabilities = (await (await page.request.get(`${baseUrl}/api/capabilities`)).json()) as { lanes: Array<{ id: string; threads: { max: number } | null }> };
    const cores = capabilities.lanes.find((l) => l.id === "cpu")!.threads!.max;
    const expected = [...new Set([...Array.from({ length: Math.floor(Math.log2(cores)) + 1 }, (_, i) => 2 ** i), cores])].filter((t) => t <= cores);
    await expect.poll(() => page.locator('[data-testid="threads-table"] tr[data-threads]').count(), { timeout: 170_000, interval: 1000 }).toBe(expected.length);
    await expect.poll(() => section.locator("a.permalink").count(), { timeout: 20_000 }).toBe(1);
    for (const t of expected) expect(num(await page.locator(`[data-testid="threads-table"] tr[data-threads="${t}"] [data-field="throughput"]`).innerText())).toBeGreaterThan(0);
    expect(await page.locator('[data-testid="threads-table"] tr[data-threads="1"] [data-field="speedup"]').innerText()).toBe("1×");
    // Each stored row carries the thread count the server really ran with (from its own benchmark run).
    const href = (await section.locator("a.permalink").getAttribute("href"))!;
    const stored = (await (await page.request.get(`${baseUrl}/api/experiment-results/${href.split("/").pop()}`)).json()) as { group: Array<{ threads: number; lane: string; experiment: string }> };
    expect(stored.group.map((r) => r.threads).sort((a, b) => a - b)).toEqual(expected);
    expect(stored.group.every((r) => r.lane === "server-cpu" && r.experiment === "threads")).toBe(true);
  });
});
