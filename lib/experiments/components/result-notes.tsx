"use client";
import { fmt, plural } from "../format";
import type { LaneKey, LaneResult } from "../lanes";

/** How the browser lanes were timed: the clock's measured step and how many runs each sample spans. */
export function TimerNote({ results }: { results: LaneResult[] }) {
  // One line per lane, however many models it ran (the quantization experiment runs several).
  const lanes = new Map<LaneKey, { title: string; timer: NonNullable<LaneResult["timer"]>; counts: number[] }>();
  for (const r of results) {
    if (r.timer === null) continue;
    const lane = lanes.get(r.key) ?? { title: r.title, timer: r.timer, counts: [] };
    // The coarsest clock any of its runs saw is the one to report.
    if (r.timer.resolutionMs > lane.timer.resolutionMs) lane.timer = r.timer;
    lane.counts.push(...r.points.map((p) => p.runsPerSample ?? 1));
    lanes.set(r.key, lane);
  }
  if (lanes.size === 0) return null;
  return (
    <div className="muted timer-note" data-testid="timer-note">
      Browser timing: each sample times enough runs to span at least 100 ticks of the clock, and reports their mean, so no figure is below what the clock can resolve.
      <ul>
        {[...lanes].map(([key, { title, timer, counts }]) => {
          const low = Math.min(...counts);
          const high = Math.max(...counts);
          return (
            <li key={key} data-lane={key}>
              {title}: timer resolution {fmt(timer.resolutionMs)} ms{timer.crossOriginIsolated ? "" : " (page not cross-origin isolated)"}; {low === high ? `${plural(low, "run")} per sample` : `${low.toLocaleString("en-US")}–${high.toLocaleString("en-US")} runs per sample (more for faster runs)`}
            </li>
          );
        })}
      </ul>
    </div>
  );
}

/** What really ran in the browser: isolation, threads, adapter and its features, user agent. */
export function BrowserEnvironmentNote({ results }: { results: LaneResult[] }) {
  const browser = results.filter((r) => r.key.startsWith("browser-"));
  if (browser.length === 0) return null;
  const first = browser[0]!.environment as { userAgent?: string; crossOriginIsolated?: boolean; onnxruntimeWeb?: string };
  return (
    <details className="environment-note" data-testid="browser-environment">
      <summary>What ran in your browser</summary>
      <ul>
        <li>
          onnxruntime-web {first.onnxruntimeWeb ?? "?"}; page cross-origin isolated: {first.crossOriginIsolated ? "yes" : "no (WASM limited to 1 thread, timers coarsened)"}
        </li>
        {browser.map((r) => {
          const env = r.environment as { build?: string; threads?: number; adapter?: { vendor: string; architecture: string; description: string; isFallbackAdapter: boolean | null; shaderF16: boolean } | null };
          return (
            <li key={r.key} data-lane={r.key}>
              {r.title}: build {env.build}, {plural(env.threads ?? 1, "thread")}
              {env.adapter
                ? `; adapter ${[env.adapter.vendor, env.adapter.architecture, env.adapter.description].filter(Boolean).join(" ") || "unnamed"}, isFallbackAdapter ${String(env.adapter.isFallbackAdapter)}${env.adapter.isFallbackAdapter !== false ? " (software GPU)" : ""}, shader-f16 ${env.adapter.shaderF16 ? "yes" : "no"}`
                : ""}
            </li>
          );
        })}
        <li>User agent: {first.userAgent}</li>
      </ul>
    </details>
  );
}
