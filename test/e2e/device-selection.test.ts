import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openBrowser, type LabBrowser } from "./browser";

const baseUrl = inject("baseUrl");
const EXPERIMENT = "device-selection";

describe("device selection, live", () => {
  let browser: LabBrowser;
  beforeAll(async () => {
    browser = await openBrowser({ webgpu: true });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("lists the browser's adapters with SwiftShader as software, runs the model on each distinct adapter and on WASM, and shows how the server picks its devices", async () => {
    const { page } = browser;
    await page.goto(`${baseUrl}/devices`);
    const section = page.locator(`[data-experiment="${EXPERIMENT}"]`);

    // Every requestAdapter() option is asked; on this machine each answer is SwiftShader, labelled software.
    const adapters = section.locator('[data-testid="adapter-table"]');
    await expect.poll(() => adapters.locator("tbody tr").count(), { timeout: 20_000 }).toBe(4);
    const fallback = adapters.locator('tr[data-request="fallback"]');
    expect(await fallback.getAttribute("data-software")).toBe("true");
    expect(await fallback.innerText()).toMatch(/swiftshader/i);
    expect(await fallback.locator('[data-field="kind"]').innerText()).toMatch(/software GPU/);
    const numbers = new Set<string>();
    for (const row of await adapters.locator("tbody tr").all()) {
      const number = await row.getAttribute("data-adapter");
      if (!number) continue;
      numbers.add(number);
      if (/swiftshader/i.test(await row.innerText())) expect(await row.getAttribute("data-software")).toBe("true");
    }
    expect(numbers.size).toBeGreaterThanOrEqual(1);

    // The server: each lane's execution provider and what selects it; the CUDA probe says why it cannot run here.
    const lanes = section.locator('[data-testid="server-lanes"]');
    await expect.poll(() => lanes.locator("tbody tr").count(), { timeout: 60_000 }).toBe(4);
    expect(await lanes.locator('tr[data-lane="cuda"]').innerText()).toMatch(/CUDAExecutionProvider[\s\S]*CUDA_VISIBLE_DEVICES/);
    const probe = section.locator('[data-testid="cuda-probe"]');
    expect(await probe.locator("tbody tr").count()).toBeGreaterThanOrEqual(6);
    expect(await probe.innerText()).toMatch(/"0,-1,1"\s+enumeration stops at "-1"/);
    if ((await probe.getAttribute("data-can-run")) === "false") {
      expect(await section.locator('[data-testid="cuda-probe-reason"]').innerText()).toMatch(/cannot run on this server: .+ is missing \(/);
    }

    // Both lanes are ticked from the start: one WebGPU run per distinct adapter, then WASM.
    await section.getByRole("button", { name: "Run" }).click();
    const results = section.locator('[data-testid="device-results"]');
    await expect.poll(() => results.locator("tbody tr").count(), { timeout: 240_000 }).toBe(numbers.size + 1);
    for (const row of await results.locator('tbody tr[data-lane="browser-webgpu"]').all()) {
      expect(await row.getAttribute("data-software")).toBe("true");
      // onnxruntime-web ran on the GPUDevice made from the chosen adapter, not one of its own.
      expect(await row.getAttribute("data-device-owner")).toBe("lab");
      expect(await row.locator('[data-field="device"]').innerText()).toMatch(/swiftshader.*\(software GPU\)/i);
      expect(Number((await row.locator('[data-field="p50"]').innerText()).replace(/[<,\s]/g, ""))).toBeGreaterThan(0);
    }
    const wasm = results.locator('tbody tr[data-lane="browser-wasm"]');
    expect(await wasm.getAttribute("data-software")).toBe("false");
    expect(await wasm.locator('[data-field="device"]').innerText()).toMatch(/browser CPU/);
    expect(await section.locator('[data-testid="device-verdict"]').innerText()).toMatch(/software GPU.*× WASM/);
  }, 300_000);
});
