"use client";
import { useMemo, useState } from "react";
import { DEFAULT_MEASURE, type MeasureOptions } from "@/lib/inference/stats";
import { getModel } from "@/lib/models/registry";
import { LOG_AXIS_TICKS, PlotChart, type PlotModule, wrappedLabelAxis } from "./chart";
import { LANE_KEYS, LANE_TITLES, type LaneKey, type LaneResult } from "./lanes";
import { fmt, fmtMB, fmtMs, plural, tickFormat } from "./format";
import { ExperimentFrame } from "./components/frame";
import { deviceLabel } from "./components/lane-group-row";
import { ResultActions } from "./components/result-actions";
import { BrowserEnvironmentNote, TimerNote } from "./components/result-notes";
import { LaneRunControls } from "./components/run-controls";
import { useLabContext } from "./hooks/lab-context";
import { useLaneRuns } from "./hooks/lane-runs";
import { laneRecord, pageEnvironment, resultRows } from "./records";
import { ServerThreadsField } from "./threads-field";

export interface LatencyExperimentProps {
  model?: string;
  batch?: number;
  lanes?: LaneKey[];
  /** Defaults are the server engine's (DEFAULT_MEASURE), so browser and server numbers compare. */
  minRuns?: number;
  minDurationMs?: number;
  warmupRuns?: number;
  title?: string;
}

/** Largest |a − b| over two outputs of the same shape; null when they cannot be compared. */
export function maxAbsDiff(a: number[] | undefined, b: number[] | undefined): number | null {
  if (!a || !b || a.length !== b.length || a.length === 0) return null;
  let max = 0;
  for (let i = 0; i < a.length; i += 1) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

export function LatencyExperiment({ model = "digits-mlp", batch = 1, lanes = LANE_KEYS, minRuns, minDurationMs, warmupRuns, title }: LatencyExperimentProps) {
  const spec = getModel(model);
  const measure: MeasureOptions = { ...DEFAULT_MEASURE, minRuns: minRuns ?? DEFAULT_MEASURE.minRuns, minDurationMs: minDurationMs ?? DEFAULT_MEASURE.minDurationMs, warmupRuns: warmupRuns ?? DEFAULT_MEASURE.warmupRuns };
  // Server sessions are shared and usually warm: a learner who asks gets a session of their own, so the diamond is their cold start.
  const [cold, setCold] = useState(false);
  const [threads, setThreads] = useState<number | undefined>(undefined);
  const cores = useLabContext().capabilities?.lanes.find((l) => l.id === "cpu")?.threads?.max ?? null;
  const runs = useLaneRuns({
    model,
    lanes,
    experiment: "latency",
    plan: () => ({ modelId: model, batches: [batch], measure, returnOutput: true, flopsPerItem: spec?.flopsPerItem, threads, ...(cold ? { coldStart: { runs: 10 } } : {}) }),
    record: (r, finished) => laneRecord(model, r, { output: undefined, agreementVsServerCpu: agreement(finished).get(r.key) ?? null }),
  });
  const { probe, results, saved } = runs;
  const diffs = agreement(results);
  const build = useMemo(() => (results.length ? boxPlot(results) : null), [results]);
  if (!spec) return <p className="quiz-error">LatencyExperiment: unknown model “{model}”.</p>;

  return (
    <ExperimentFrame title={title ?? `Latency of ${spec.title}, batch ${batch}`} kind="latency">
      <p className="muted">
        Each lane loads the model, times its first run, warms up ({plural(measure.warmupRuns, "untimed run")}), then measures at least {plural(measure.minRuns, "sample")} and {fmt(measure.minDurationMs / 1000)} s: the server engine&apos;s rules, so the lanes compare.
      </p>
      <LaneRunControls lanes={lanes} runs={runs}>
        <label className="cold-start-option">
          <input type="checkbox" name="cold-start" checked={cold} disabled={runs.run.running} onChange={(e) => setCold(e.target.checked)} /> Start the server lanes cold: a new session for this run alone, so its creation and first run are yours, not an earlier learner&apos;s
        </label>
        <ServerThreadsField cores={cores} value={threads} onChange={setThreads} disabled={runs.run.running} />
      </LaneRunControls>
      {results.length > 0 && (
        <>
          {build && <PlotChart build={build} label={`Box plot of steady-state latency per run in milliseconds for ${results.map((r) => r.title).join(", ")}; the table below has the numbers.`} />}
          <table className="result-table" data-testid="latency-table">
            <caption>Latency in milliseconds (steady state after warm-up; first run, session creation and download timed separately)</caption>
            <thead>
              <tr>
                <th scope="col">Lane and device</th>
                <th scope="col">Samples</th>
                <th scope="col">p50 (ms)</th>
                <th scope="col">p50 95% CI</th>
                <th scope="col">p90 / p99</th>
                <th scope="col">Start-up (ms)</th>
                <th scope="col">Max |Δ| vs server CPU</th>
              </tr>
            </thead>
            <tbody>
              {results.map((r) => {
                const s = r.points[0]!.latencyMs;
                const tick = r.timer?.resolutionMs ?? null;
                return (
                  <tr key={r.key} data-lane={r.key}>
                    <th scope="row">
                      {r.title}
                      {r.key === "server-cpu" && r.threads ? <span data-field="threads">, {plural(r.threads, "thread")}</span> : null}
                      <span className="cell-note" data-field="device">
                        {deviceLabel(r)}
                      </span>
                      <span className="cell-note">
                        threads: <span data-field="threads">{r.threads ?? "server default"}</span>
                      </span>
                    </th>
                    <td data-label="Samples">{s.n.toLocaleString("en-US")}</td>
                    <td data-label="p50 (ms)" data-field="p50">{fmt(s.p50)}</td>
                    <td data-label="p50 95% CI">{s.medianCi95 ? `${fmt(s.medianCi95.low)}–${fmt(s.medianCi95.high)}` : "—"}</td>
                    <td data-label="p90 / p99">
                      <span data-field="p90">{fmt(s.p90)}</span> / <span data-field="p99">{fmt(s.p99)}</span>
                    </td>
                    <td data-label="Start-up (ms)">
                      <span className="cell-line">
                        first run <span data-field="first-run">{r.phases.sessionReused ? "earlier job" : fmtMs(r.phases.firstRunMs, tick)}</span>
                      </span>
                      <span className="cell-line">session {r.phases.sessionReused ? "reused" : fmtMs(r.phases.sessionCreateMs, tick)}</span>
                      {r.phases.downloadMs !== null && (
                        <span className="cell-line">
                          download {fmtMs(r.phases.downloadMs, tick)} ({fmtMB(r.phases.downloadBytes)})
                        </span>
                      )}
                    </td>
                    <td data-label="Max |Δ| vs server CPU" data-field="agreement">{diffs.has(r.key) ? diffs.get(r.key)!.toExponential(2) : "—"}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <TimerNote results={results} />
          {results.some((r) => r.points[0]!.latencyMs.warnings.length > 0) && (
            <details>
              <summary>Statistical caveats</summary>
              <ul>
                {results.flatMap((r) => r.points[0]!.latencyMs.warnings.map((w) => <li key={r.key + w}>{`${LANE_TITLES[r.key]}: ${w}`}</li>))}
              </ul>
            </details>
          )}
          <BrowserEnvironmentNote results={results} />
          <ResultActions name={`latency-${model}`} rows={resultRows("latency", model, results)} json={{ experiment: "latency", model, batch, measure, environment: pageEnvironment(probe), results: results.map((r) => ({ ...r, output: undefined })) }} saved={saved} />
        </>
      )}
    </ExperimentFrame>
  );
}

/** Each lane's output against the server CPU's for the same seeded input. */
function agreement(results: LaneResult[]): Map<LaneKey, number> {
  const reference = results.find((r) => r.key === "server-cpu")?.output;
  const map = new Map<LaneKey, number>();
  if (!reference) return map;
  for (const r of results) {
    if (r.key === "server-cpu") continue;
    const d = maxAbsDiff(r.output?.data, reference.data);
    if (d !== null) map.set(r.key, d);
  }
  return map;
}

function boxPlot(results: LaneResult[]) {
  return (Plot: PlotModule, width: number) => {
    const samples = results.flatMap((r) => (r.points[0]!.samplesMs ?? []).map((ms) => ({ lane: r.title, ms })));
    const firsts = results.filter((r) => r.phases.firstRunMs !== null && !r.phases.sessionReused).map((r) => ({ lane: r.title, ms: r.phases.firstRunMs! }));
    const laneAxis = wrappedLabelAxis(Plot, width, "y", "left");
    return Plot.plot({
      width,
      ...laneAxis.margin,
      marginRight: 24,
      x: { type: "log", label: "Latency per run (log scale) →", grid: true, ticks: LOG_AXIS_TICKS, tickFormat: tickFormat("ms") },
      y: { label: null, axis: null },
      marks: [laneAxis.mark, Plot.boxX(samples, { x: "ms", y: "lane" }), Plot.dot(firsts, { x: "ms", y: "lane", stroke: "#b42318", symbol: "diamond", r: 5, title: (d: { ms: number }) => `first run ${fmt(d.ms)} ms` })],
      caption: "Boxes: steady-state runs (median, quartiles, outliers). Red diamonds: the first run.",
    });
  };
}
