"use client";
import type { UnsynchronisedTiming } from "@/lib/browser/protocol";
import { DEFAULT_MEASURE, type MeasureOptions } from "@/lib/inference/stats";
import { pitfallRatios, type Ratio, unsyncVerdict } from "@/lib/inference/timing-pitfalls";
import { getModel } from "@/lib/models/registry";
import type { Figures } from "./figures";
import { type LaneKey, type LaneResult } from "./lanes";
import { fmt, fmtMs, plural } from "./format";
import { ExperimentFrame } from "./components/frame";
import { deviceLabel } from "./components/lane-group-row";
import { ResultActions } from "./components/result-actions";
import { BrowserEnvironmentNote, TimerNote } from "./components/result-notes";
import { LaneRunControls } from "./components/run-controls";
import { useLaneRuns } from "./hooks/lane-runs";
import { laneRecord, pageEnvironment, resultRows } from "./records";

export interface TimingPitfallsExperimentProps {
  model?: string;
  batch?: number;
  lanes?: LaneKey[];
  /** Runs after the first timed one by one, before warm-up. */
  coldRuns?: number;
  minRuns?: number;
  minDurationMs?: number;
  warmupRuns?: number;
  title?: string;
}

const DEFAULT_LANES: LaneKey[] = ["server-cpu", "server-webgpu", "server-cuda", "browser-wasm", "browser-webgpu"];

/**
 * What this lab measured itself, said once here so the experiment's text and
 * the finding cannot drift apart: onnxruntime-web 1.30's WebGPU build in
 * Debian's headless Chromium 156 on SwiftShader (2026-12), digits-mlp and
 * mlp-narrow, outputs kept on the GPU.
 */
export const LAB_UNSYNC_FINDING =
  "What this lab found on its own machine (onnxruntime-web 1.30, Chromium's SwiftShader software adapter): with outputs kept on the GPU, session.run() resolved after about 3–5 ms while the GPU queue needed another 20–60 ms to drain, so a timer around run() alone read the call 6–12× faster than it was. onnxruntime-web submits the GPU work and resolves without waiting for it; getData() waits for it. We have not measured a hardware GPU: how large the gap is there depends on the GPU, its driver and the model, so read your own numbers above, not ours.";

function fmtRatio(r: Ratio | null | undefined) {
  if (!r) return "—";
  if (r.value === null) return <span title={r.reason}>—</span>;
  return `${fmt(r.value)}×`;
}

/** The three ways, from a lane's result; null when the lane reported no cold start. */
function threeWays(r: LaneResult) {
  const steady = r.points[0]?.latencyMs;
  if (!r.cold || !steady) return null;
  const resolutionMs = r.timer?.resolutionMs ?? 0;
  return { cold: r.cold, steady, resolutionMs, ratios: pitfallRatios({ naiveWallClockMs: r.cold.naiveWallClockMs, firstRunMs: r.cold.firstRunMs, steadyP50Ms: steady.p50, resolutionMs }) };
}

/**
 * Quiz figures under the shared names (./figures); on server lanes the server
 * derives its own from the cited run, so these count for browser lanes.
 */
function quizFigures(r: LaneResult): Figures {
  const t = threeWays(r);
  const p = r.points[0];
  const figures: Figures = {};
  if (p && Number.isFinite(p.latencyMs.p50)) figures.p50Ms = p.latencyMs.p50;
  if (p && Number.isFinite(p.latencyMs.p99)) figures.p99Ms = p.latencyMs.p99;
  if (p && Number.isFinite(p.itemsPerSecond)) figures.throughput = p.itemsPerSecond;
  if (t) figures.coldStartMs = t.cold.sessionCreateMs + t.cold.firstRunMs;
  if (t?.ratios.firstOverSteady.value != null) figures.coldSteadyRatio = t.ratios.firstOverSteady.value;
  return figures;
}

/** This experiment's own figures, beside the shared ones: the naive reading and the unsynchronised WebGPU call. */
function timingFigures(r: LaneResult) {
  const t = threeWays(r);
  const u = r.unsynchronised;
  return {
    sessionCreateMs: t?.cold.sessionCreateMs ?? null,
    firstRunMs: t?.cold.firstRunMs ?? null,
    naiveWallClockMs: t?.cold.naiveWallClockMs ?? null,
    naiveSteadyRatio: t?.ratios.naiveOverSteady.value ?? null,
    unsyncRunOnlyP50Ms: u?.runOnlyMs.p50 ?? null,
    unsyncRunAndReadP50Ms: u?.runAndReadMs.p50 ?? null,
    unsyncPendingAfterRunP50Ms: u?.pendingAfterRunMs?.p50 ?? null,
  };
}

export function TimingPitfallsExperiment({ model = "digits-mlp", batch = 1, lanes = DEFAULT_LANES, coldRuns = 10, minRuns, minDurationMs, warmupRuns, title }: TimingPitfallsExperimentProps) {
  const spec = getModel(model);
  const measure: MeasureOptions = { ...DEFAULT_MEASURE, minRuns: minRuns ?? DEFAULT_MEASURE.minRuns, minDurationMs: minDurationMs ?? DEFAULT_MEASURE.minDurationMs, warmupRuns: warmupRuns ?? DEFAULT_MEASURE.warmupRuns };
  const runs = useLaneRuns({
    model,
    lanes,
    experiment: "timing-pitfalls",
    plan: () => ({ modelId: model, batches: [batch], measure, flopsPerItem: spec?.flopsPerItem, coldStart: { runs: coldRuns }, unsynchronised: true }),
    record: (r) => ({ ...laneRecord(model, r, { output: undefined, timing: timingFigures(r), cold: r.cold ?? null, unsynchronised: r.unsynchronised ?? null }, false), figures: quizFigures(r) }),
  });
  const { probe, results, saved } = runs;
  if (!spec) return <p className="quiz-error">TimingPitfallsExperiment: unknown model “{model}”.</p>;

  return (
    <ExperimentFrame title={title ?? `Three stopwatches on ${spec.title}, batch ${batch}`} kind="timing-pitfalls">
      <p className="muted">
        Each lane times the same model three ways. <strong>Naive</strong>: one reading of the millisecond wall clock (Date.now()) around loading the model and its first inference, the way a first benchmark usually does it. <strong>First call</strong>: the first inference alone, on a fine clock. <strong>Steady state</strong>: after {plural(measure.warmupRuns, "untimed warm-up run")}, at least {plural(measure.minRuns, "sample")} and {fmt(measure.minDurationMs / 1000)} s, the median with its 95% interval. Every lane starts cold: server lanes create a new session for this run alone (never the shared warm one) and release it afterwards; the browser starts a new worker. The {plural(coldRuns, "run")} after the first are timed one by one, so you can watch cold become steady.
      </p>
      <LaneRunControls lanes={lanes} runs={runs} />
      {results.length > 0 && (
        <>
          <table className="result-table" data-testid="pitfalls-table">
            <caption>One model, three stopwatches (milliseconds), and how far apart they land</caption>
            <thead>
              <tr>
                <th scope="col">Lane and device</th>
                <th scope="col">Naive: load + first call (Date.now)</th>
                <th scope="col">First call alone</th>
                <th scope="col">Steady p50 (95% CI)</th>
                <th scope="col">Steady p99</th>
                <th scope="col">Naive ÷ steady</th>
                <th scope="col">First ÷ steady</th>
              </tr>
            </thead>
            <tbody>
              {results.map((r) => {
                const t = threeWays(r);
                const tick = r.timer?.resolutionMs ?? null;
                const s = r.points[0]!.latencyMs;
                return (
                  <tr key={r.key} data-lane={r.key}>
                    <th scope="row">
                      {r.title}
                      <span className="cell-note" data-field="device">
                        {deviceLabel(r)}
                      </span>
                    </th>
                    <td data-label="Naive (Date.now)" data-field="naive">
                      {t ? (t.cold.naiveWallClockMs < 1 ? "< 1" : fmt(t.cold.naiveWallClockMs)) : "—"}
                    </td>
                    <td data-label="First call alone" data-field="first">
                      {fmtMs(t?.cold.firstRunMs, tick)}
                    </td>
                    <td data-label="Steady p50 (95% CI)">
                      <span data-field="steady-p50">{fmtMs(s.p50, tick)}</span>
                      {s.medianCi95 && <span className="cell-note">{`${fmtMs(s.medianCi95.low, tick)}–${fmtMs(s.medianCi95.high, tick)}`}</span>}
                    </td>
                    <td data-label="Steady p99" data-field="steady-p99">
                      {fmtMs(s.p99, tick)}
                    </td>
                    <td data-label="Naive ÷ steady" data-field="naive-ratio">
                      {fmtRatio(t?.ratios.naiveOverSteady)}
                    </td>
                    <td data-label="First ÷ steady" data-field="first-ratio">
                      {fmtRatio(t?.ratios.firstOverSteady)}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <ColdSlide results={results} />
          {results.map((r) => r.unsynchronised && <UnsyncView key={`unsync-${r.key}`} result={r} timing={r.unsynchronised} />)}
          <TimerNote results={results} />
          <BrowserEnvironmentNote results={results} />
          <ResultActions
            name={`timing-pitfalls-${model}`}
            rows={resultRows("timing-pitfalls", model, results).map((row) => ({ ...row, ...timingFigures(results.find((r) => r.key === row.lane)!) }))}
            json={{ experiment: "timing-pitfalls", model, batch, coldRuns, measure, environment: pageEnvironment(probe), results: results.map((r) => ({ ...r, output: undefined, figures: quizFigures(r), timing: timingFigures(r) })) }}
            saved={saved}
          />
        </>
      )}
    </ExperimentFrame>
  );
}

/** Session creation, the first run and the next runs one by one: cold becoming steady, per lane. */
function ColdSlide({ results }: { results: LaneResult[] }) {
  const rows = results.filter((r) => r.cold);
  if (rows.length === 0) return null;
  return (
    <table className="result-table" data-testid="cold-slide">
      <caption>The cold start, run by run (milliseconds): session creation, the first run, then each next run alone</caption>
      <thead>
        <tr>
          <th scope="col">Lane</th>
          <th scope="col">Session creation</th>
          <th scope="col">Run 1</th>
          <th scope="col">Runs 2, 3, … one by one</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => {
          const tick = r.timer?.resolutionMs ?? null;
          return (
            <tr key={r.key} data-lane={r.key}>
              <th scope="row">{r.title}</th>
              <td data-label="Session creation" data-field="session-create">
                {fmtMs(r.cold!.sessionCreateMs, tick)}
              </td>
              <td data-label="Run 1" data-field="run-1">
                {fmtMs(r.cold!.firstRunMs, tick)}
              </td>
              <td data-label="Runs 2, 3, …" data-field="next-runs">
                {r.cold!.nextRunsMs.map((ms) => fmtMs(ms, tick)).join(", ")}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function verdictText(r: LaneResult, u: UnsynchronisedTiming): string {
  const tick = r.timer?.resolutionMs ?? 0;
  if (u.outputLocation !== "gpu-buffer") return `onnxruntime-web did not keep the outputs on the GPU here (it reported location "${u.outputLocation}"), so run() already included reading them back: there was nothing unsynchronised to see.`;
  if (!u.runAndDrainMs || !u.pendingAfterRunMs) return `The GPU device onnxruntime-web used could not be reached (${u.deviceError ?? "unknown reason"}), so only run() alone and run() with getData() were timed: ${fmt(u.runAndReadMs.p50 / u.runOnlyMs.p50)}× apart at the median.`;
  const verdict = unsyncVerdict({ runOnlyMs: u.runOnlyMs.p50, runAndDrainMs: u.runAndDrainMs.p50, pendingAfterRunMs: u.pendingAfterRunMs.p50, resolutionMs: tick });
  const gap = `run() resolved after ${fmtMs(u.runOnlyMs.p50, tick)} ms and the GPU queue still needed ${fmtMs(u.pendingAfterRunMs.p50, tick)} ms more (medians)`;
  if (verdict === "resolves-early") return `In your browser, ${gap}: run() resolves before the GPU has done the work, so timing run() alone reads the call ${fmt(u.runAndReadMs.p50 / u.runOnlyMs.p50)}× faster than it takes until its result is on the CPU.`;
  if (verdict === "partly-early") return `In your browser, ${gap}: part of the GPU work was still queued when run() resolved, so timing run() alone understates the call (${fmt(u.runAndReadMs.p50 / u.runOnlyMs.p50)}× against reading the result back).`;
  return `In your browser, ${gap}: run() resolved only once the GPU had (nearly) finished, so here timing run() alone was close to honest. That is this browser's and runtime's behaviour today, not a guarantee; keep timing until the data is on the CPU.`;
}

/** Both readings of the same WebGPU call, side by side, and what they say about onnxruntime-web here. */
function UnsyncView({ result: r, timing: u }: { result: LaneResult; timing: UnsynchronisedTiming }) {
  const tick = r.timer?.resolutionMs ?? null;
  const row = (label: string, field: string, s: UnsynchronisedTiming["runOnlyMs"] | null) => (
    <tr data-row={field}>
      <th scope="row">{label}</th>
      <td data-label="p50 (ms)" data-field={field}>
        {s ? fmtMs(s.p50, tick) : "—"}
      </td>
      <td data-label="p90 (ms)">{s ? fmtMs(s.p90, tick) : "—"}</td>
      <td data-label="n">{s ? s.n.toLocaleString("en-US") : "—"}</td>
    </tr>
  );
  return (
    <section className="unsync-view" data-testid="unsync-view" data-lane={r.key}>
      <h4>{r.title}: timing without synchronising</h4>
      <p className="muted">
        A second session with <code>preferredOutputLocation: &quot;gpu-buffer&quot;</code> keeps its outputs on the GPU (onnxruntime-web reported <span data-field="output-location">{u.outputLocation}</span>). The same call at batch {u.batch} is timed three ways, alternating, each starting from an idle GPU queue.
        {r.software && " This adapter is a software GPU (SwiftShader runs the “GPU” work on CPU threads): its sizes say nothing about a hardware GPU; what run() waits for is onnxruntime-web's behaviour."}
      </p>
      <table className="result-table">
        <thead>
          <tr>
            <th scope="col">Stopwatch stopped at</th>
            <th scope="col">p50 (ms)</th>
            <th scope="col">p90 (ms)</th>
            <th scope="col">n</th>
          </tr>
        </thead>
        <tbody>
          {row("run() resolved (outputs still on the GPU)", "run-only", u.runOnlyMs)}
          {row("run() + getData(): result on the CPU", "run-read", u.runAndReadMs)}
          {row("run() + device.queue.onSubmittedWorkDone()", "run-drain", u.runAndDrainMs)}
          {row("still queued on the GPU when run() resolved", "pending", u.pendingAfterRunMs)}
        </tbody>
      </table>
      <p data-field="verdict">{verdictText(r, u)}</p>
      <p className="muted" data-field="lab-finding">
        {LAB_UNSYNC_FINDING}
      </p>
    </section>
  );
}
