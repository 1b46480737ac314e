"use client";
import { usePathname } from "next/navigation";
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import type { BrowserRuntimeSizes } from "@/lib/browser/builds";
import { probeBrowser, type BrowserProbe } from "@/lib/browser/probe";
import { csvField, type CsvCell } from "@/lib/csv-cell";
import type { WireCapabilities } from "@/lib/inference/wire";
import { preloadPlot } from "./chart";
import { fmt, fmtMB, plural } from "./format";
import { browserDownloadBytes, type Capabilities, errorText, LANE_TITLES, type LaneKey, type LaneOutcome, type LaneResult, laneStatus, type LaneStatus, runLanes, type RunPlan } from "./lanes";
import type { ExperimentKind, LaneRunRecord } from "./schema";

let capabilitiesPromise: Promise<Capabilities> | null = null;
let probePromise: Promise<BrowserProbe> | null = null;
let runtimePromise: Promise<BrowserRuntimeSizes | null> | null = null;
let activeRun: AbortController | null = null;

/** Server lanes and the browser's abilities, asked once per page however many experiments it holds. */
export function useLabContext() {
  const [capabilities, setCapabilities] = useState<Capabilities | null>(null);
  const [capabilitiesError, setCapabilitiesError] = useState<string | null>(null);
  const [probe, setProbe] = useState<BrowserProbe | null>(null);
  const [runtime, setRuntime] = useState<BrowserRuntimeSizes | null>(null);
  useEffect(() => {
    // Sizes only (a small JSON): the runtime itself is not fetched before Run.
    runtimePromise ??= fetch("/api/browser-runtime").then(
      async (r) => (r.ok ? ((await r.json()) as BrowserRuntimeSizes) : null),
      () => null,
    );
    capabilitiesPromise ??= fetch("/api/capabilities").then(async (r) => (r.ok ? ((await r.json()) as WireCapabilities) : Promise.reject(new Error(await errorText(r)))));
    probePromise ??= probeBrowser();
    let live = true;
    capabilitiesPromise.then(
      (c) => live && setCapabilities(c),
      (e: unknown) => {
        capabilitiesPromise = null;
        if (live) setCapabilitiesError(e instanceof Error ? e.message : String(e));
      },
    );
    void probePromise.then((p) => live && setProbe(p));
    void runtimePromise.then((r) => live && setRuntime(r));
    return () => {
      live = false;
    };
  }, []);
  const pathname = usePathname();
  const lessonSlug = /^\/lessons\/([^/]+)/.exec(pathname ?? "")?.[1] ?? "unknown";
  const status = useCallback((key: LaneKey, modelId: string) => laneStatus(key, modelId, capabilities, capabilitiesError, probe), [capabilities, capabilitiesError, probe]);
  return { capabilities, probe, runtime, lessonSlug, status };
}

/**
 * A message that may run to several lines (a runtime's stack of errors): its
 * first line in the text, the whole of it behind a disclosure.
 */
export function FirstLine({ text, summary = "details" }: { text: string; summary?: string }) {
  const [first, ...rest] = text.trim().split(/\r?\n/);
  const short = first!.length > 160 ? `${first!.slice(0, 157).trimEnd()}…` : first!;
  if (rest.length === 0 && short === first) return <>{text}</>;
  return (
    <>
      {short}{" "}
      <details className="long-text">
        <summary>{summary}</summary>
        <pre>{text}</pre>
      </details>
    </>
  );
}

export function LanePicker({ lanes, selected, onChange, status, disabled }: { lanes: LaneKey[]; selected: LaneKey[]; onChange: (next: LaneKey[]) => void; status: (key: LaneKey) => LaneStatus; disabled: boolean }) {
  return (
    <fieldset className="lane-picker" disabled={disabled}>
      <legend>Lanes</legend>
      <ul>
        {lanes.map((key) => {
          const s = status(key);
          const id = `lane-${key}`;
          return (
            <li key={key} data-lane={key} data-available={s.available}>
              <label>
                <input type="checkbox" name="lane" value={key} disabled={!s.available} checked={s.available && selected.includes(key)} onChange={(e) => onChange(e.target.checked ? [...selected, key] : selected.filter((k) => k !== key))} aria-describedby={`${id}-note`} />{" "}
                {LANE_TITLES[key]}
              </label>{" "}
              <span id={`${id}-note`} className="lane-note">
                {s.available ? [s.device, s.software ? "software GPU: CPU speed, not GPU speed" : key.endsWith("webgpu") && s.software === null ? "could not tell a hardware GPU from a software one" : null].filter(Boolean).join(" · ") : s.reason}
              </span>
              {!s.available && s.detail && (
                <details className="lane-detail">
                  <summary>What the server says</summary>
                  <pre>{s.detail}</pre>
                </details>
              )}
            </li>
          );
        })}
      </ul>
    </fieldset>
  );
}

export function RunProgress({ progress }: { progress: Partial<Record<LaneKey, { fraction: number; message: string }>> }) {
  const entries = Object.entries(progress) as Array<[LaneKey, { fraction: number; message: string }]>;
  if (entries.length === 0) return null;
  return (
    <div className="run-progress" aria-live="polite">
      {entries.map(([key, p]) => (
        <div key={key} className="run-progress-row">
          <label>
            {LANE_TITLES[key]}: <progress max={1} value={p.fraction} data-lane={key} /> {Math.round(p.fraction * 100)}% <span className="muted">{p.message}</span>
          </label>
        </div>
      ))}
    </div>
  );
}


/** Lanes that could not run: explained, never silently dropped or replaced. */
export function FailedLanes({ outcomes }: { outcomes: LaneOutcome[] }) {
  const failed = outcomes.filter((o): o is Extract<LaneOutcome, { ok: false }> => !o.ok);
  if (failed.length === 0) return null;
  return (
    <ul className="lane-failures">
      {failed.map((o) => (
        <li key={o.key} data-lane={o.key} data-unavailable={o.unavailable}>
          <strong>{LANE_TITLES[o.key]}</strong> {o.unavailable ? "is unavailable here" : "failed"}; no result is shown for it: <FirstLine text={o.message} />
        </li>
      ))}
    </ul>
  );
}

export function deviceLabel(r: LaneResult): string {
  const note = r.software ? " (software GPU)" : r.softwareUnknown ? " (the adapter did not say whether it is hardware or software)" : "";
  return `${r.device ?? "unknown device"}${note}`;
}

/** The environment every export and stored result carries, so numbers can be compared later. */
export function pageEnvironment(probe: BrowserProbe | null) {
  return {
    userAgent: probe?.userAgent ?? (typeof navigator === "undefined" ? null : navigator.userAgent),
    crossOriginIsolated: probe?.crossOriginIsolated ?? null,
    hardwareConcurrency: probe?.hardwareConcurrency ?? null,
    webgpu: probe?.webgpu ?? null,
    page: typeof location === "undefined" ? null : location.pathname,
    at: new Date().toISOString(),
  };
}

function download(name: string, type: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// Strings can come from the device (adapter names, user agents): csvField keeps a spreadsheet from running them as formulas.
function csvCell(value: unknown): string {
  return csvField(value !== null && typeof value === "object" && !(value instanceof Date) ? JSON.stringify(value) : (value as CsvCell));
}

export function toCsv(rows: Array<Record<string, unknown>>): string {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return [columns.map(csvCell).join(","), ...rows.map((r) => columns.map((c) => csvCell(r[c])).join(","))].join("\n") + "\n";
}

/** One CSV row per lane and batch; the environment of each lane goes along as JSON. */
export function resultRows(experiment: ExperimentKind, modelId: string, results: LaneResult[]): Array<Record<string, unknown>> {
  return results.flatMap((r) =>
    r.points.map((p) => ({
      experiment,
      model: modelId,
      lane: r.key,
      device: r.device,
      software: r.software,
      threads: r.threads,
      batch: p.batch,
      n: p.latencyMs.n,
      runs_per_sample: p.runsPerSample ?? 1,
      timer_resolution_ms: r.timer?.resolutionMs ?? null,
      p50_ms: p.latencyMs.p50,
      p90_ms: p.latencyMs.p90,
      p99_ms: p.latencyMs.p99,
      mean_ms: p.latencyMs.mean,
      items_per_s: p.itemsPerSecond,
      gflops_per_s: p.gflopsPerSecond,
      first_run_ms: r.phases.firstRunMs,
      session_create_ms: r.phases.sessionCreateMs,
      download_ms: r.phases.downloadMs,
      environment: r.environment,
    })),
  );
}

export function laneRecord(modelId: string, r: LaneResult, extra: Record<string, unknown> = {}, keepSamples = true): LaneRunRecord {
  const main = r.points.reduce((a, b) => (b.itemsPerSecond > a.itemsPerSecond ? b : a), r.points[0]!);
  return {
    lane: r.lane,
    modelId,
    device: r.device,
    software: r.software,
    threads: r.threads,
    batchSize: r.points.length === 1 ? r.points[0]!.batch : main.batch,
    p50Ms: Number.isFinite(main.latencyMs.p50) ? main.latencyMs.p50 : null,
    throughput: Number.isFinite(main.itemsPerSecond) ? main.itemsPerSecond : null,
    environment: r.environment,
    results: { key: r.key, title: r.title, phases: r.phases, points: keepSamples ? r.points : r.points.map(({ samplesMs: _s, ...p }) => p), ...extra },
    benchmarkRunId: r.benchmarkRunId,
  };
}

export type SaveState = { state: "idle" } | { state: "saving" } | { state: "saved"; url: string } | { state: "failed"; message: string };

export async function saveRun(lessonSlug: string, experiment: ExperimentKind, runs: LaneRunRecord[], pageEnv: Record<string, unknown>): Promise<SaveState> {
  try {
    const response = await fetch("/api/experiment-results", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ lessonSlug, experiment, runs: runs.map((run) => ({ ...run, environment: { ...pageEnv, ...run.environment } })) }),
    });
    if (!response.ok) return { state: "failed", message: await errorText(response) };
    const body = (await response.json()) as { url: string };
    return { state: "saved", url: body.url };
  } catch (error) {
    return { state: "failed", message: error instanceof Error ? error.message : String(error) };
  }
}

export function ResultActions({ name, rows, json, saved }: { name: string; rows: Array<Record<string, unknown>>; json: unknown; saved: SaveState }) {
  return (
    <div className="result-actions">
      <button type="button" onClick={() => download(`${name}.csv`, "text/csv", toCsv(rows))}>
        Export CSV
      </button>{" "}
      <button type="button" onClick={() => download(`${name}.json`, "application/json", JSON.stringify(json, null, 2))}>
        Export JSON
      </button>{" "}
      {saved.state === "saving" && <span>Saving…</span>}
      {saved.state === "saved" && (
        <a href={saved.url} className="permalink">
          Permalink to this result
        </a>
      )}
      {saved.state === "failed" && <span className="quiz-error">Not saved: {saved.message}</span>}
    </div>
  );
}

/** Start/Stop and the run's lifecycle; Stop terminates browser workers and cancels server jobs. */
export function useRun() {
  const [running, setRunning] = useState(false);
  const [progress, setProgress] = useState<Partial<Record<LaneKey, { fraction: number; message: string }>>>({});
  const controller = useRef<AbortController | null>(null);
  const [stopped, setStopped] = useState(false);
  const [busyElsewhere, setBusyElsewhere] = useState(false);
  const start = useCallback(async <T,>(work: (signal: AbortSignal, onProgress: (key: LaneKey, fraction: number, message: string) => void) => Promise<T>): Promise<T | null> => {
    // Two experiments measuring at once on the same cores would corrupt both: one at a time per page.
    if (activeRun) {
      setBusyElsewhere(true);
      return null;
    }
    setBusyElsewhere(false);
    const c = new AbortController();
    activeRun = c;
    controller.current = c;
    setRunning(true);
    setStopped(false);
    setProgress({});
    // Loaded on Run, not on page load: charts are only needed once there are results.
    void preloadPlot().catch(() => undefined);
    try {
      return await work(c.signal, (key, fraction, message) => setProgress((p) => ({ ...p, [key]: { fraction, message } })));
    } finally {
      if (activeRun === c) activeRun = null;
      setRunning(false);
      setProgress({});
      if (c.signal.aborted) setStopped(true);
    }
  }, []);
  const stop = useCallback(() => controller.current?.abort(), []);
  useEffect(() => () => controller.current?.abort(), []);
  return { running, progress, start, stop, stopped, busyElsewhere };
}

export function ExperimentFrame({ title, kind, children }: { title: string; kind: string; children: ReactNode }) {
  return (
    <section className="panel experiment" data-experiment={kind} aria-label={title}>
      <h3>{title}</h3>
      {children}
    </section>
  );
}

export function RunButtons({ running, onStart, onStop, canStart, busyElsewhere = false }: { running: boolean; onStart: () => void; onStop: () => void; canStart: boolean; busyElsewhere?: boolean }) {
  return (
    <div className="run-buttons">
      {busyElsewhere && <p role="alert">Another experiment on this page is still running; wait for it or stop it, so the two do not slow each other down.</p>}
      <button type="button" className="primary" onClick={onStart} disabled={running || !canStart}>
        Run
      </button>{" "}
      <button type="button" onClick={onStop} disabled={!running}>
        Stop
      </button>
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

/**
 * What the latency, batch-sweep, roofline and cost experiments share: lanes to
 * pick, one run over the chosen lanes, and saving every lane that finished
 * (`record` sees all finished lanes, for figures that compare them).
 */
export function useLaneRuns({ model, lanes, experiment, plan, record }: {
  model: string;
  lanes: LaneKey[];
  experiment: ExperimentKind;
  plan: () => RunPlan;
  record: (result: LaneResult, finished: LaneResult[]) => LaneRunRecord;
}) {
  const { probe, runtime, lessonSlug, status } = useLabContext();
  const laneStatus = useCallback((key: LaneKey) => status(key, model), [status, model]);
  const [selected, setSelected] = useState<LaneKey[]>(["server-cpu", "browser-wasm"]);
  const [outcomes, setOutcomes] = useState<LaneOutcome[]>([]);
  const [saved, setSaved] = useState<SaveState>({ state: "idle" });
  const run = useRun();
  const chosen = lanes.filter((k) => selected.includes(k) && laneStatus(k).available);

  const start = async () => {
    setOutcomes([]);
    setSaved({ state: "idle" });
    const result = await run.start((signal, onProgress) => runLanes(chosen, plan(), probe, onProgress, signal, runtime));
    if (!result) return;
    setOutcomes(result);
    const finished = result.flatMap((o) => (o.ok ? [o.result] : []));
    if (finished.length > 0) {
      setSaved({ state: "saving" });
      setSaved(await saveRun(lessonSlug, experiment, finished.map((r) => record(r, finished)), pageEnvironment(probe)));
    }
  };

  const results = useMemo(() => outcomes.flatMap((o) => (o.ok ? [o.result] : [])), [outcomes]);
  return { probe, runtime, model, laneStatus, selected, setSelected, outcomes, results, saved, run, chosen, start };
}

/** Lanes to pick, Start/Stop, progress and what failed: the same block in every lane experiment. */
export function LaneRunControls({ lanes, runs, children }: { lanes: LaneKey[]; runs: ReturnType<typeof useLaneRuns>; children?: ReactNode }) {
  const { selected, setSelected, laneStatus, run, start, chosen, outcomes, runtime, model } = runs;
  return (
    <>
      <LanePicker lanes={lanes} selected={selected} onChange={setSelected} status={laneStatus} disabled={run.running} />
      {children}
      <DownloadNote lanes={chosen} modelIds={[model]} runtime={runtime} />
      <RunButtons running={run.running} onStart={() => void start()} onStop={run.stop} canStart={chosen.length > 0} busyElsewhere={run.busyElsewhere} />
      <RunProgress progress={run.progress} />
      {run.stopped && <p role="status">Stopped. Nothing was measured to the end, so nothing is shown or saved.</p>}
      <FailedLanes outcomes={outcomes} />
    </>
  );
}

/**
 * What Run will download into the learner's browser, from the files' real
 * sizes (the server stats public/ort; the registry knows each model's size),
 * said before they press it.
 */
export function DownloadNote({ lanes, modelIds, runtime }: { lanes: LaneKey[]; modelIds: string[]; runtime: BrowserRuntimeSizes | null }) {
  const browser = lanes.filter((k) => k.startsWith("browser-"));
  if (browser.length === 0) return null;
  // The WASM lanes share one runtime; each file is downloaded once and then comes from the browser's cache.
  const runtimes = new Map<string, number | null>();
  for (const key of browser) runtimes.set(key === "browser-webgpu" ? "WebGPU runtime" : "WASM runtime", browserDownloadBytes(key, modelIds[0]!, runtime).runtime);
  const modelBytes = modelIds.map((id) => browserDownloadBytes(browser[0]!, id, runtime).model);
  const parts = [...runtimes].map(([name, bytes]) => `${name} ${bytes === null ? "(size unknown)" : fmtMB(bytes)}`);
  const modelsKnown = modelBytes.every((b) => b !== null);
  parts.push(`${modelIds.length === 1 ? "model" : `${modelIds.length} models`} ${modelsKnown ? fmtMB(modelBytes.reduce<number>((a, b) => a + b!, 0)) : "(size unknown)"}`);
  const total = [...runtimes.values(), ...modelBytes].every((b) => b !== null) ? [...runtimes.values(), ...modelBytes].reduce<number>((a, b) => a + b!, 0) : null;
  return (
    <p className="muted download-note" data-testid="download-note">
      Run downloads{total === null ? null : <> <strong>{fmtMB(total)}</strong></>} into your browser: {parts.join(", ")}. Later runs take them from the browser&apos;s cache.
    </p>
  );
}

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

/** A lane's heading row in a table grouped by lane: its title and device, said once rather than on every row. */
export function LaneGroupRow({ title, device, colSpan }: { title: string; device: string; colSpan: number }) {
  return (
    <tr className="lane-group">
      <th scope="rowgroup" colSpan={colSpan}>
        {title} <span className="muted" data-field="device">{device}</span>
      </th>
    </tr>
  );
}
