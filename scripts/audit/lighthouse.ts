/**
 * `npm run audit:lighthouse`: Lighthouse's performance and accessibility
 * scores for two lessons, against the production build on a free port, in
 * Debian's Chromium with the project's known-good flags (test/e2e/browser.ts).
 * Prints a table; the failing accessibility audits are listed under it.
 *
 *   npm run audit:lighthouse                    # mobile preset (Lighthouse's default)
 *   npm run audit:lighthouse -- --desktop       # desktop preset
 *   npm run audit:lighthouse -- --lessons=batching
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import type { Result as LighthouseResult } from "lighthouse";
import { baseArgs, chromiumPath } from "../../test/e2e/browser";
import { freePort, migrate, startServer, stopServer } from "../../test/helpers/server";

const DEFAULT_LESSONS = ["cpu-or-gpu", "batching"];

const lighthouseCli = path.join(path.dirname(createRequire(import.meta.url).resolve("lighthouse/package.json")), "cli", "index.js");

/**
 * Lighthouse's CLI in plain Node, not inside this tsx process: tsx's transform
 * adds helpers to functions that Lighthouse serialises and runs in the page,
 * where they do not exist. The CLI launches Chromium itself (a fresh profile), with our flags.
 */
function runLighthouse(url: string, output: string, desktop: boolean): Promise<LighthouseResult> {
  const args = [
    lighthouseCli,
    url,
    "--output=json",
    `--output-path=${output}`,
    "--only-categories=performance,accessibility",
    "--quiet",
    // --headless=new keeps Chromium's full renderer (the old headless mode skews paint timings).
    `--chrome-flags=${[...baseArgs, "--headless=new", "--disable-gpu"].join(" ")}`,
    ...(desktop ? ["--preset=desktop"] : []),
  ];
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { env: { ...process.env, CHROME_PATH: chromiumPath }, timeout: 240_000, maxBuffer: 16 * 1024 * 1024 }, (error, _stdout, stderr) => {
      if (error) return reject(new Error(`lighthouse failed on ${url}: ${error.message}\n${stderr}`));
      resolve(JSON.parse(readFileSync(output, "utf8")) as LighthouseResult);
    });
  });
}

function option(name: string): string | undefined {
  return process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

interface Row {
  lesson: string;
  performance: number | null;
  accessibility: number | null;
  lcpMs: number | null;
  tbtMs: number | null;
  cls: number | null;
  failing: Array<{ id: string; title: string; items: string[] }>;
}

async function main() {
  const lessons = option("lessons")?.split(",").filter(Boolean) ?? DEFAULT_LESSONS;
  const desktop = process.argv.includes("--desktop");
  const dir = mkdtempSync(path.join(os.tmpdir(), "inference-lab-lighthouse-"));
  const database = `file:${path.join(dir, "audit.db")}`;
  migrate(database);
  const port = await freePort();
  const server = await startServer(database, port);
  const rows: Row[] = [];
  let version = "?";
  try {
    for (const lesson of lessons) {
      const url = `${server.baseUrl}/lessons/${lesson}`;
      const lhr = await runLighthouse(url, path.join(dir, `${lesson}.json`), desktop);
      version = lhr.lighthouseVersion;
      if (lhr.runtimeError) throw new Error(`Lighthouse could not audit ${url}: ${lhr.runtimeError.message}`);
      const score = (id: string) => (lhr.categories[id]?.score === null || lhr.categories[id]?.score === undefined ? null : Math.round(lhr.categories[id]!.score! * 100));
      const numeric = (id: string) => lhr.audits[id]?.numericValue ?? null;
      const failing = (lhr.categories.accessibility?.auditRefs ?? [])
        .map((ref) => lhr.audits[ref.id]!)
        .filter((a) => a.score !== null && a.score < 1 && a.scoreDisplayMode !== "notApplicable" && a.scoreDisplayMode !== "manual" && a.scoreDisplayMode !== "informative")
        .map((a) => {
          const details = a.details as { items?: Array<{ node?: { selector?: string; snippet?: string } }> } | undefined;
          return { id: a.id, title: a.title, items: (details?.items ?? []).slice(0, 5).map((i) => i.node?.selector ?? i.node?.snippet ?? "?") };
        });
      rows.push({ lesson, performance: score("performance"), accessibility: score("accessibility"), lcpMs: numeric("largest-contentful-paint"), tbtMs: numeric("total-blocking-time"), cls: numeric("cumulative-layout-shift"), failing });
    }
  } finally {
    await stopServer(server);
    rmSync(dir, { recursive: true, force: true });
  }

  const header = ["lesson", "performance", "accessibility", "LCP (ms)", "TBT (ms)", "CLS"];
  const body = rows.map((r) => [r.lesson, String(r.performance ?? "—"), String(r.accessibility ?? "—"), r.lcpMs === null ? "—" : r.lcpMs.toFixed(0), r.tbtMs === null ? "—" : r.tbtMs.toFixed(0), r.cls === null ? "—" : r.cls.toFixed(3)]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  console.log(`\naudit:lighthouse (${new Date().toISOString()}, Lighthouse ${version}, ${desktop ? "desktop" : "mobile"} preset, simulated throttling, ${os.cpus()[0]?.model ?? "cpu"} × ${os.cpus().length}, load average ${os.loadavg()[0]!.toFixed(1)})`);
  console.log(line(header));
  for (const b of body) console.log(line(b));
  for (const r of rows) {
    for (const f of r.failing) console.log(`  ${r.lesson}: accessibility audit "${f.id}" fails (${f.title})${f.items.length ? `: ${f.items.join("; ")}` : ""}`);
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
