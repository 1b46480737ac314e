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
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";
import desktopConfig from "lighthouse/core/config/desktop-config.js";
import { baseArgs, chromiumPath } from "../../test/e2e/browser";
import { freePort, migrate, startServer, stopServer } from "../../test/helpers/server";

const DEFAULT_LESSONS = ["cpu-or-gpu", "batching"];

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
  const chrome = await chromeLauncher.launch({
    chromePath: chromiumPath,
    userDataDir: path.join(dir, "profile"),
    // --headless=new keeps Chromium's full renderer (the old headless mode skews paint timings).
    chromeFlags: [...baseArgs, "--headless=new", "--disable-gpu"],
    logLevel: "silent",
  });
  const rows: Row[] = [];
  let version = "?";
  try {
    for (const lesson of lessons) {
      const url = `${server.baseUrl}/lessons/${lesson}`;
      const result = await lighthouse(url, { port: chrome.port, output: "json", logLevel: "error", onlyCategories: ["performance", "accessibility"] }, desktop ? desktopConfig : undefined);
      if (!result) throw new Error(`Lighthouse returned nothing for ${url}`);
      const { lhr } = result;
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
    await chrome.kill();
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
