import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openBrowser, type LabBrowser } from "./browser";
import { cell, laneAvailable, lanesSettled, setLanes } from "./lab-page";

const baseUrl = inject("baseUrl");
const LATENCY_PAGE = `${baseUrl}/lessons/latency-is-a-distribution`;
const SWEEP_PAGE = `${baseUrl}/lessons/cpu-or-gpu`;
const QUANT_PAGE = `${baseUrl}/lessons/quantization`;
const COST_PAGE = `${baseUrl}/lessons/cost-power-and-tco`;

describe("experiments with WebGPU on (SwiftShader)", () => {
  let browser: LabBrowser;
  const requested: string[] = [];
  beforeAll(async () => {
    browser = await openBrowser({ webgpu: true });
    browser.page.on("request", (r) => requested.push(new URL(r.url()).pathname));
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("runs the latency experiment on server cpu, server webgpu, browser wasm and browser webgpu with truthful labels", async () => {
    const { page } = browser;
    await page.goto(LATENCY_PAGE);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    // Nothing of onnxruntime-web or the model before the learner presses Run.
    await lanesSettled(page, "latency");
    await page.waitForTimeout(1000);
    expect(requested.filter((p) => p.startsWith("/ort/") || p.startsWith("/models/"))).toEqual([]);

    expect(await laneAvailable(page, "latency", "browser-webgpu")).toBe(true);
    // Before Run the page says what the browser will download, from the real files' sizes.
    await setLanes(page, "latency", ["browser-wasm"]);
    const mb = (files: string[]) => `${Number((files.reduce((sum, f) => sum + statSync(path.join("public", "ort", f)).size, 0) / 1e6).toPrecision(3))} MB`;
    const wasmRuntime = mb(["ort.wasm.min.mjs", "ort-wasm-simd-threaded.mjs", "ort-wasm-simd-threaded.wasm"]);
    const webgpuRuntime = mb(["ort.webgpu.min.mjs", "ort-wasm-simd-threaded.asyncify.mjs", "ort-wasm-simd-threaded.asyncify.wasm"]);
    const downloadNote = page.locator('[data-experiment="latency"] [data-testid="download-note"]');
    await expect.poll(() => downloadNote.innerText(), { timeout: 10_000 }).toContain(`WASM runtime ${wasmRuntime}`);
    expect(await downloadNote.innerText()).toMatch(/model 0\.\d+ MB/);
    await setLanes(page, "latency", ["browser-wasm", "browser-webgpu"]);
    await expect.poll(() => downloadNote.innerText()).toContain(`WebGPU runtime ${webgpuRuntime}`);
    expect(requested.filter((p) => p.startsWith("/ort/") || p.startsWith("/models/"))).toEqual([]);
    expect(await page.locator('[data-experiment="latency"] li[data-lane="browser-webgpu"] .lane-note').innerText()).toMatch(/swiftshader.*software GPU/i);
    expect(await laneAvailable(page, "latency", "server-cpu")).toBe(true);
    const serverWebgpu = await laneAvailable(page, "latency", "server-webgpu");
    // The server adopts Chromium's SwiftShader Vulkan driver when it is installed (npm test installs it as root).
    if (existsSync("/usr/lib/chromium/vk_swiftshader_icd.json")) expect(serverWebgpu).toBe(true);
    const lanes = ["server-cpu", "browser-wasm", "browser-webgpu", ...(serverWebgpu ? ["server-webgpu"] : [])];
    await setLanes(page, "latency", lanes);
    await page.locator('[data-experiment="latency"]').getByRole("button", { name: "Run" }).click();

    // The page answers clicks while the lanes run: the worker keeps the main thread free.
    await expect.poll(() => page.locator('[data-experiment="latency"] progress').count(), { timeout: 20_000 }).toBeGreaterThan(0);
    const clickedAt = Date.now();
    await page.getByRole("button", { name: "10× to 100×" }).click();
    await expect.poll(() => page.getByTestId("prediction-noted").innerText(), { timeout: 2000 }).toMatch(/^You predicted/);
    expect(Date.now() - clickedAt).toBeLessThan(2000);

    await expect.poll(() => page.locator('[data-testid="latency-table"] tbody tr').count(), { timeout: 110_000 }).toBe(lanes.length);
    for (const lane of lanes) {
      const p50 = Number((await cell(page, lane, "p50").innerText()).replace(/,/g, ""));
      expect(p50, lane).toBeGreaterThan(0);
      expect(Number((await cell(page, lane, "first-run").innerText()).replace(/,/g, "")) || 0, lane).toBeGreaterThanOrEqual(0);
    }
    // SwiftShader is labelled a software GPU, never a GPU; the WASM lane never claims WebGPU.
    expect(await cell(page, "browser-webgpu", "device").innerText()).toMatch(/swiftshader.*\(software GPU\)/i);
    if (serverWebgpu) expect(await cell(page, "server-webgpu", "device").innerText()).toMatch(/\(software GPU\)/);
    expect(await cell(page, "browser-wasm", "device").innerText()).toMatch(/browser CPU/);
    expect(await cell(page, "browser-wasm", "device").innerText()).not.toMatch(/gpu/i);
    expect(await cell(page, "browser-wasm", "threads").innerText()).toBe("1");
    const env = page.locator('[data-testid="browser-environment"]');
    await env.locator("summary").click();
    expect(await env.locator('li[data-lane="browser-webgpu"]').innerText()).toMatch(/ort\.webgpu.*isFallbackAdapter true \(software GPU\), shader-f16 (yes|no)/);
    expect(await env.locator('li[data-lane="browser-wasm"]').innerText()).toMatch(/ort\.wasm.*1 thread/);
    expect(await env.innerText()).toMatch(/cross-origin isolated: yes/);
    // Same seeded input in the browser and on the server: WASM output equals server CPU within 1e-4.
    const diff = Number(await cell(page, "browser-wasm", "agreement").innerText());
    expect(diff).toBeLessThanOrEqual(1e-4);
    expect(Number(await cell(page, "browser-webgpu", "agreement").innerText())).toBeLessThanOrEqual(1e-3);
    // Browser lanes say how they were timed: the measured clock step and runs per sample (≥ 1).
    const timerNote = page.locator('[data-experiment="latency"] [data-testid="timer-note"]');
    for (const lane of ["browser-wasm", "browser-webgpu"]) {
      expect(await timerNote.locator(`li[data-lane="${lane}"]`).innerText()).toMatch(/timer resolution [\d.]+(e-\d+)? ms; [\d,]+ runs? per sample/);
    }
    expect(await timerNote.locator('li[data-lane="server-cpu"]').count()).toBe(0);
    // Downloads happened only now, from this origin.
    expect(requested.some((p) => p === "/models/digits-mlp.onnx")).toBe(true);
    expect(requested.some((p) => p.startsWith("/ort/ort.wasm"))).toBe(true);

    // Chart drawn (Observable Plot SVG) and the permalink stores every lane with its device.
    await expect.poll(() => page.locator('[data-experiment="latency"] figure svg').count()).toBeGreaterThan(0);
    const permalink = page.locator('[data-experiment="latency"] a.permalink');
    await expect.poll(() => permalink.count(), { timeout: 10_000 }).toBe(1);
    const href = (await permalink.getAttribute("href"))!;
    const api = await page.request.get(`${baseUrl}/api/experiment-results/${href.split("/").pop()}`);
    expect(api.status()).toBe(200);
    const stored = (await api.json()) as { group: Array<{ lane: string; software: boolean; device: string; environment: Record<string, unknown> }> };
    expect(stored.group.map((r) => r.lane).sort()).toEqual(lanes.map((l) => l).sort());
    const gpuRow = stored.group.find((r) => r.lane === "browser-webgpu")!;
    expect(gpuRow.software).toBe(true);
    expect(gpuRow.environment.crossOriginIsolated).toBe(true);
    expect((gpuRow.environment.adapter as { isFallbackAdapter: boolean }).isFallbackAdapter).toBe(true);
    await page.goto(`${baseUrl}${href}`);
    expect(await page.locator('[data-testid="stored-result"] tbody tr').count()).toBe(lanes.length);
    expect(await page.locator('[data-testid="stored-result"] tr[data-lane="browser-webgpu"]').innerText()).toMatch(/software GPU/);
  });

  it("uses several WASM threads on the cross-origin isolated lesson page", async () => {
    const { page } = browser;
    await page.goto(LATENCY_PAGE);
    const threadsLane = await laneAvailable(page, "latency", "browser-wasm-threads");
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    expect(threadsLane).toBe(cores > 1);
    if (!threadsLane) return;
    await setLanes(page, "latency", ["browser-wasm-threads"]);
    await page.locator('[data-experiment="latency"]').getByRole("button", { name: "Run" }).click();
    await expect.poll(() => page.locator('[data-testid="latency-table"] tbody tr').count(), { timeout: 60_000 }).toBe(1);
    expect(Number(await cell(page, "browser-wasm-threads", "threads").innerText())).toBeGreaterThan(1);
  });

  it("stops a run when asked and shows no result for it", async () => {
    const { page } = browser;
    await page.goto(LATENCY_PAGE);
    await laneAvailable(page, "latency", "browser-wasm");
    await setLanes(page, "latency", ["browser-wasm"]);
    const section = page.locator('[data-experiment="latency"]');
    await section.getByRole("button", { name: "Run" }).click();
    await expect.poll(() => section.locator("progress").count(), { timeout: 10_000 }).toBe(1);
    await section.getByRole("button", { name: "Stop" }).click();
    await expect.poll(() => section.getByRole("status").innerText()).toMatch(/^Stopped/);
    expect(await section.getByRole("button", { name: "Run" }).isEnabled()).toBe(true);
    expect(await page.locator('[data-testid="latency-table"]').count()).toBe(0);
  });

  it("sweeps batch sizes on every lane, with the knee marked", async () => {
    const { page } = browser;
    await page.goto(SWEEP_PAGE);
    // The lesson's sweep opens on the wide MLP (too large for a tab); the digit classifier runs on every lane.
    await page.locator('[data-experiment="batch-sweep"] select[name="sweep-model"]').selectOption("digits-mlp");
    const lanes = ["server-cpu", "browser-wasm"];
    for (const gpu of ["browser-webgpu", "server-webgpu"]) if (await laneAvailable(page, "batch-sweep", gpu)) lanes.push(gpu);
    await setLanes(page, "batch-sweep", lanes);
    await page.locator('[data-experiment="batch-sweep"]').getByRole("button", { name: "Run" }).click();
    const rows = page.locator('[data-testid="sweep-table"] tr[data-batch]');
    await expect.poll(() => rows.count(), { timeout: 110_000 }).toBe(7 * lanes.length);
    for (const lane of ["server-cpu", "browser-wasm"]) {
      const at64 = page.locator(`[data-testid="sweep-table"] tr[data-lane="${lane}"][data-batch="64"] [data-field="throughput"]`);
      const at1 = page.locator(`[data-testid="sweep-table"] tr[data-lane="${lane}"][data-batch="1"] [data-field="throughput"]`);
      const n = async (l: typeof at1) => Number((await l.innerText()).replace(/,/g, ""));
      // Batching a small MLP multiplies throughput on both sides.
      expect(await n(at64), lane).toBeGreaterThan(await n(at1));
      expect(await page.locator(`[data-testid="sweep-table"] tr[data-lane="${lane}"]`, { hasText: "knee" }).count(), lane).toBe(1);
    }
    for (const lane of lanes) expect(await page.locator(`[data-testid="sweep-table"] tr[data-lane="${lane}"]`, { hasText: "knee" }).count(), lane).toBe(1);
    expect(await page.locator('[data-experiment="batch-sweep"] figure svg').count()).toBeGreaterThan(0);
  });

  it("compares fp32 with its int8 variants on server cpu and browser wasm", async () => {
    const { page } = browser;
    await page.goto(QUANT_PAGE);
    // The quantization lesson has one experiment per model; this is the digit classifier's.
    const section = page.locator('[data-experiment="quantization"][aria-label*="the small digit classifier"]');
    await setLanes(page, "quantization", ["server-cpu", "browser-wasm"], section);
    await section.getByRole("button", { name: "Run" }).click();
    const rows = page.locator('[data-testid="quantization-table"] tr[data-variant]');
    await expect.poll(() => rows.count(), { timeout: 110_000 }).toBe(8);
    // The run is saved once int8 quality has been scored on each lane too, which takes a while on a loaded machine.
    await expect.poll(() => section.locator("a.permalink").count(), { timeout: 150_000 }).toBe(1);
    const size = async (variant: string) => Number(await page.locator(`[data-testid="quantization-table"] tr[data-variant="${variant}"][data-lane="browser-wasm"] [data-field="size"]`).innerText());
    // int8 weights make the file about four times smaller.
    expect(await size("int8-weight")).toBeLessThan((await size("fp32")) / 3);
    expect(await page.locator('[data-testid="quantization-table"] tr[data-variant="int8-static"]').first().innerText()).toMatch(/accuracy 0\.9/);
  });

  it("turns measured throughput into cost and energy with editable prices", async () => {
    const { page } = browser;
    await page.goto(COST_PAGE);
    await setLanes(page, "cost", ["server-cpu"]);
    const section = page.locator('[data-experiment="cost"]');
    await section.getByLabel("server-cpu dollars per hour").fill("3.6");
    await section.getByLabel("server-cpu watts").fill("100");
    await section.getByRole("button", { name: "Run" }).click();
    await expect.poll(() => page.locator('[data-testid="cost-table"] tbody tr').count(), { timeout: 60_000 }).toBe(1);
    const row = page.locator('[data-testid="cost-table"] tr[data-lane="server-cpu"]');
    const throughput = Number((await row.locator('[data-field="throughput"]').innerText()).replace(/,/g, ""));
    const dollars = Number(await row.locator('[data-field="dollars"]').innerText());
    const joules = Number(await row.locator('[data-field="joules"]').innerText());
    // $3.60/hour is $0.001/s: per million = 1000 / throughput; 100 W → 100 / throughput J.
    expect(dollars).toBeCloseTo(1000 / throughput, 2);
    expect(joules).toBeCloseTo(100 / throughput, 4);
  });

  it("serves with a dynamic batcher on the server and splits queue from compute time", async () => {
    const { page } = browser;
    await page.goto(LATENCY_PAGE);
    const section = page.locator('[data-experiment="serving"]');
    expect(await section.locator('input[value="browser-wasm"]').count()).toBe(0);
    await setLanes(page, "serving", ["server-cpu"]);
    await section.getByLabel("Max batch").selectOption("8");
    await section.getByRole("button", { name: "Run" }).click();
    await expect.poll(() => section.locator("progress").count(), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => page.locator('[data-testid="serving-table"] tr[data-concurrency]').count(), { timeout: 110_000 }).toBe(5);
    const at16 = page.locator('[data-testid="serving-table"] tr[data-concurrency="16"]');
    expect(Number(await at16.locator('[data-field="queue"]').innerText())).toBeGreaterThan(0);
    expect(Number(await at16.locator('[data-field="compute"]').innerText())).toBeGreaterThan(0);
    await expect.poll(() => section.locator("a.permalink").count(), { timeout: 10_000 }).toBe(1);
  });
});

describe("experiments with WebGPU off", () => {
  let browser: LabBrowser;
  beforeAll(async () => {
    browser = await openBrowser({ webgpu: false });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("explains why the browser WebGPU lane is unavailable and shows no WebGPU result", async () => {
    const { page } = browser;
    await page.goto(LATENCY_PAGE);
    expect(await laneAvailable(page, "latency", "browser-webgpu")).toBe(false);
    const note = await page.locator('[data-experiment="latency"] li[data-lane="browser-webgpu"] .lane-note').innerText();
    expect(note).toMatch(/WebGPU|GPU adapter/);
    expect(await page.locator('[data-experiment="latency"] input[value="browser-webgpu"]').isDisabled()).toBe(true);
    await setLanes(page, "latency", ["browser-wasm"]);
    await page.locator('[data-experiment="latency"]').getByRole("button", { name: "Run" }).click();
    await expect.poll(() => page.locator('[data-testid="latency-table"] tbody tr').count(), { timeout: 60_000 }).toBe(1);
    expect(await page.locator('[data-testid="latency-table"] tr[data-lane="browser-webgpu"]').count()).toBe(0);
  });
});

describe("download progress on a slow network", () => {
  let browser: LabBrowser;
  beforeAll(async () => {
    browser = await openBrowser({ webgpu: false });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("moves the progress bar with the bytes received, not at 0% until the download ends", async () => {
    const { page } = browser;
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Network.enable");
    // ~3 MB/s: the 14 MB WASM runtime takes a few seconds, long enough to watch.
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 20, downloadThroughput: 3_000_000, uploadThroughput: 1_000_000 });
    await page.goto(LATENCY_PAGE);
    await setLanes(page, "latency", ["browser-wasm"]);
    const section = page.locator('[data-experiment="latency"]');
    await section.getByRole("button", { name: "Run" }).click();
    const bar = section.locator('progress[data-lane="browser-wasm"]');
    const during: Array<{ value: number; text: string }> = [];
    await expect
      .poll(
        async () => {
          const text = await section.locator(".run-progress").innerText().catch(() => "");
          if (/downloading/.test(text)) during.push({ value: Number(await bar.getAttribute("value")), text });
          return during.filter((d) => d.value > 0.2 && d.value < 0.9).length;
        },
        { timeout: 30_000, interval: 250 },
      )
      .toBeGreaterThan(0);
    expect(during.at(-1)!.text).toMatch(/downloading the runtime and model: [\d.]+ of 14\.\d MB/);
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    await section.getByRole("button", { name: "Stop" }).click();
  });
});

describe("experiment results API", () => {
  it("rejects bad bodies with a 4xx JSON error naming the field, and oversized ones with 413", async () => {
    const post = (body: string) => fetch(`${baseUrl}/api/experiment-results`, { method: "POST", headers: { "content-type": "application/json" }, body });
    const missing = await post(JSON.stringify({ lessonSlug: "cpu-or-gpu", experiment: "latency", runs: [] }));
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: string }).error).toMatch(/runs/);
    const badLane = await post(JSON.stringify({ lessonSlug: "cpu-or-gpu", experiment: "latency", runs: [{ lane: "browser-gpu", modelId: "x", device: null, software: false, threads: null, batchSize: 1, p50Ms: 1, throughput: 1, environment: {}, results: {}, benchmarkRunId: null }] }));
    expect(badLane.status).toBe(400);
    expect(((await badLane.json()) as { error: string }).error).toMatch(/runs\.0\.lane/);
    expect((await post("{not json")).status).toBe(400);
    const unknownLesson = await post(JSON.stringify({ lessonSlug: "nope", experiment: "latency", runs: [{ lane: "server-cpu", modelId: "x", device: null, software: false, threads: null, batchSize: 1, p50Ms: 1, throughput: 1, environment: {}, results: {}, benchmarkRunId: null }] }));
    expect(unknownLesson.status).toBe(404);
    const huge = await post(JSON.stringify({ lessonSlug: "cpu-or-gpu", experiment: "latency", runs: [], pad: "x".repeat(600_000) }));
    expect(huge.status).toBe(413);
    expect((await fetch(`${baseUrl}/api/experiment-results/00000000-0000-0000-0000-000000000000`)).status).toBe(404);
    expect((await fetch(`${baseUrl}/api/experiment-results/not-an-id`)).status).toBe(404);
  });

  it("serves registry models same-origin with a long cache and a resource policy, and nothing else", async () => {
    const ok = await fetch(`${baseUrl}/models/digits-mlp.onnx`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("cross-origin-resource-policy")).toBe("same-origin");
    expect(ok.headers.get("cache-control")).toMatch(/max-age=\d{5,}/);
    expect((await ok.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
    const again = await fetch(`${baseUrl}/models/digits-mlp.onnx`, { headers: { "if-none-match": ok.headers.get("etag")! } });
    expect(again.status).toBe(304);
    expect((await fetch(`${baseUrl}/models/..%2Fpackage.json`)).status).toBe(404);
    expect((await fetch(`${baseUrl}/models/nope.onnx`)).status).toBe(404);
    const ort = await fetch(`${baseUrl}/ort/ort.wasm.min.mjs`);
    expect(ort.status).toBe(200);
    expect(ort.headers.get("cross-origin-resource-policy")).toBe("same-origin");
  });
});
