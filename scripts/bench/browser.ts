/**
 * `npm run bench:browser`: figures for the browser lab, measured in headless
 * Debian Chromium against the production build (not timed tests):
 *  - JS a lesson page transfers (gzip, as served) before any experiment starts;
 *  - main-thread long tasks (PerformanceObserver 'longtask') during a run;
 *  - browser WASM vs server CPU median latency at batch 64 on the same model,
 *    both measured by the batch-sweep experiment with the same stopping rules.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Page } from "playwright-core";
import { openBrowser } from "../../test/e2e/browser";
import { freePort, migrate, startServer, stopServer } from "../../test/helpers/server";

const LESSON = "/lessons/cpu-or-gpu";

interface LongTask {
  start: number;
  duration: number;
}

async function scriptBytesBeforeRun(page: Page, baseUrl: string) {
  const scripts: Array<{ url: string; encoded: number; decoded: number }> = [];
  const pending: Array<Promise<void>> = [];
  page.on("requestfinished", (request) => {
    if (request.resourceType() !== "script") return;
    pending.push(
      (async () => {
        const sizes = await request.sizes();
        const response = await request.response();
        const body = response ? await response.body().catch(() => Buffer.alloc(0)) : Buffer.alloc(0);
        scripts.push({ url: new URL(request.url()).pathname, encoded: sizes.responseBodySize, decoded: body.byteLength });
      })(),
    );
  });
  await page.goto(`${baseUrl}${LESSON}`, { waitUntil: "load" });
  await page.waitForTimeout(3000);
  await Promise.all(pending);
  page.removeAllListeners("requestfinished");
  return scripts;
}

async function main() {
  const dir = mkdtempSync(path.join(os.tmpdir(), "inference-lab-bench-browser-"));
  const database = `file:${path.join(dir, "bench.db")}`;
  migrate(database);
  const server = await startServer(database, await freePort());
  const browser = await openBrowser({ webgpu: true });
  try {
    const { page } = browser;
    await page.addInitScript(() => {
      const tasks: LongTask[] = [];
      (globalThis as unknown as { __longTasks: LongTask[] }).__longTasks = tasks;
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) tasks.push({ start: entry.startTime, duration: entry.duration });
      }).observe({ type: "longtask", buffered: true });
    });
    const scripts = await scriptBytesBeforeRun(page, server.baseUrl);
    const ortBefore = scripts.filter((s) => s.url.startsWith("/ort/")).length;
    const encoded = scripts.reduce((sum, s) => sum + s.encoded, 0);
    const decoded = scripts.reduce((sum, s) => sum + s.decoded, 0);

    const section = page.locator('[data-experiment="batch-sweep"]');
    // The lesson's sweep opens on the wide MLP (server-only); the digit classifier runs on both sides.
    await section.locator('select[name="sweep-model"]').selectOption("digits-mlp");
    const notes = section.locator(".lane-note");
    while ((await notes.allInnerTexts()).some((t) => /^(Checking|Asking)/.test(t))) await page.waitForTimeout(200);
    for (const box of await section.locator('input[name="lane"]').all()) {
      if (await box.isDisabled()) continue;
      const value = await box.getAttribute("value");
      if (value === "server-cpu" || value === "browser-wasm") await box.check();
      else await box.uncheck();
    }
    const runStart = await page.evaluate(() => performance.now());
    await section.getByRole("button", { name: "Run" }).click();
    await page.locator('[data-testid="sweep-table"] tbody tr').nth(13).waitFor({ timeout: 180_000 });
    const runEnd = await page.evaluate(() => performance.now());
    const longTasks = (await page.evaluate(() => (globalThis as unknown as { __longTasks: LongTask[] }).__longTasks)).filter((t) => t.start >= runStart && t.start <= runEnd);
    const p50At = async (lane: string) => Number((await page.locator(`[data-testid="sweep-table"] tr[data-lane="${lane}"][data-batch="64"] [data-field="p50"]`).innerText()).replace(/,/g, ""));
    const wasm = await p50At("browser-wasm");
    const cpu = await p50At("server-cpu");

    const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
    const rows: Array<[string, string, string]> = [
      ["JS transferred before Run (gzip as served)", kb(encoded), "≤ 200 KB"],
      ["JS before Run, uncompressed", kb(decoded), ""],
      ["script files before Run / of them onnxruntime-web", `${scripts.length} / ${ortBefore}`, "0 ORT files"],
      [`long tasks on the main thread during a run (${((runEnd - runStart) / 1000).toFixed(1)} s)`, `${longTasks.length} (longest ${longTasks.length ? Math.max(...longTasks.map((t) => t.duration)).toFixed(0) : 0} ms)`, "none over 50 ms"],
      ["digits-mlp batch 64, p50: browser WASM (1 thread)", `${wasm} ms`, ""],
      ["digits-mlp batch 64, p50: server CPU", `${cpu} ms`, ""],
      ["browser WASM / server CPU", `${(wasm / cpu).toFixed(2)}×`, ""],
    ];
    const width = Math.max(...rows.map((r) => r[0].length));
    console.log(`\nbench:browser (${new Date().toISOString()}, Chromium ${browser.context.browser()?.version() ?? "(persistent context)"}, ${os.cpus()[0]?.model ?? "cpu"} × ${os.cpus().length})`);
    for (const [name, value, goal] of rows) console.log(`${name.padEnd(width)}  ${value.padStart(22)}  ${goal}`);
    for (const t of longTasks) console.log(`  long task: ${t.duration.toFixed(0)} ms, ${(t.start - runStart).toFixed(0)} ms after Run`);
    console.log("\nLargest scripts before Run:");
    for (const s of [...scripts].sort((a, b) => b.encoded - a.encoded).slice(0, 8)) console.log(`  ${kb(s.encoded).padStart(10)}  ${s.url}`);
  } finally {
    await browser.close();
    await stopServer(server);
    rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
