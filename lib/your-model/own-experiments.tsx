"use client";
import { useState } from "react";
import { DEFAULT_MEASURE } from "@/lib/inference/stats";
import type { OnnxInspection } from "@/lib/models/onnx-inspect";
import { ownModelId, type OwnModelInputs } from "@/lib/models/own-model";
import { fmt, fmtMs, plural } from "@/lib/experiments/format";
import { ExperimentFrame } from "@/lib/experiments/components/frame";
import { FailedLanes } from "@/lib/experiments/components/failed-lanes";
import { deviceLabel, LaneGroupRow } from "@/lib/experiments/components/lane-group-row";
import { LanePicker } from "@/lib/experiments/components/lane-picker";
import { ResultActions } from "@/lib/experiments/components/result-actions";
import { BrowserEnvironmentNote, TimerNote } from "@/lib/experiments/components/result-notes";
import { RunButtons, RunProgress } from "@/lib/experiments/components/run-controls";
import { useLaneRuns, type LaneRuns, type MeasureContext } from "@/lib/experiments/hooks/lane-runs";
import type { LaneKey, LaneOutcome, LaneResult, RunPlan } from "@/lib/experiments/lanes";
import { laneRecord, pageEnvironment, resultRows } from "@/lib/experiments/records";
import { runLanes } from "@/lib/experiments/run-lanes";
import { bestUnderBudget, kneeOf, SWEEP_MEASURE, sweepBatches } from "@/lib/experiments/sweep";
import { plainRuntimeError } from "./limits";

/** The file as the page holds it: bytes stay here and in the workers this page starts. */
export interface LoadedModel {
  name: string;
  sizeBytes: number;
  sha256: string;
  bytes: Uint8Array;
  inspection: OnnxInspection;
}

const BROWSER_LANES: LaneKey[] = ["browser-webgpu", "browser-wasm", "browser-wasm-threads"];
const INITIAL_LANES: LaneKey[] = ["browser-webgpu", "browser-wasm"];

/** What identifies the model in stored results and exports: never its bytes. */
export function modelIdentity(model: LoadedModel) {
  return { name: model.name, sizeBytes: model.sizeBytes, sha256: model.sha256 };
}

function planFor(model: LoadedModel, inputs: OwnModelInputs, batches: number[], cold: boolean): RunPlan {
  const flops = model.inspection.flops;
  return {
    modelId: ownModelId(model.sha256),
    batches,
    measure: batches.length > 1 ? SWEEP_MEASURE : DEFAULT_MEASURE,
    flopsPerItem: flops.counted ? flops.flopsPerItem : null,
    ...(cold ? { coldStart: { runs: 10 } } : {}),
    // The page's own buffer, not a copy: run-lanes hands each lane a copy of it to transfer.
    ownModel: { ...inputs, bytes: wholeBuffer(model.bytes) },
  };
}

function wholeBuffer(bytes: Uint8Array): ArrayBuffer {
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  return (whole ? bytes.buffer : bytes.slice().buffer) as ArrayBuffer;
}

/** Lane failures in plain words first, onnxruntime-web's own after (a refused shape, memory). */
async function measureOwn(keys: LaneKey[], plan: RunPlan, ctx: MeasureContext<LaneResult>): Promise<LaneOutcome[]> {
  const outcomes = await runLanes(keys, plan, ctx.probe, ctx.onProgress, ctx.signal, ctx.runtime);
  return outcomes.map((o) => (o.ok ? { ...o, result: { ...o.result, failures: (o.result.failures ?? []).map((f) => ({ ...f, reason: plainRuntimeError(f.reason) })) } } : { ...o, message: plainRuntimeError(o.message) }));
}

function Controls({ runs, children }: { runs: LaneRuns<LaneResult>; children?: React.ReactNode }) {
  const { selected, setSelected, laneStatus, run, start, chosen, outcomes } = runs;
  return (
    <>
      <LanePicker lanes={BROWSER_LANES} selected={selected} onChange={setSelected} status={laneStatus} disabled={run.running} />
      {children}
      <p className="muted" data-testid="download-note">
        Run downloads only onnxruntime-web (once, then from the browser&apos;s cache). Your model is not downloaded or uploaded: each lane&apos;s worker gets a copy from this tab.
      </p>
      <RunButtons running={run.running} onStart={() => void start()} onStop={run.stop} canStart={chosen.length > 0} busyElsewhere={run.busyElsewhere} />
      <RunProgress progress={run.progress} />
      {run.stopped && <p role="status">Stopped. Nothing was measured to the end, so nothing is shown or saved.</p>}
      <FailedLanes outcomes={outcomes} />
    </>
  );
}

function PlacementNotes({ results }: { results: LaneResult[] }) {
  const webgpu = results.filter((r) => r.key === "browser-webgpu" && r.placement);
  if (webgpu.length === 0) return null;
  return (
    <ul className="muted" data-testid="placement-notes">
      {webgpu.map((r) => {
        const onCpu = r.placement!.nodesOnCpu;
        return (
          <li key={r.key} data-lane={r.key} data-nodes-on-cpu={onCpu ?? "unknown"}>
            {onCpu === null
              ? "WebGPU: onnxruntime-web did not say where each node ran; its log lines are below if it said anything."
              : onCpu === 0
                ? "WebGPU: onnxruntime-web placed every node on WebGPU."
                : `WebGPU: onnxruntime-web ran ${plural(onCpu, "node")} on the CPU because WebGPU has no kernel for them (or keeps shape work on the CPU), so this lane is a WebGPU and CPU mix, labelled so.`}
            {r.placement!.log.length > 0 && (
              <details>
                <summary>onnxruntime-web&apos;s words</summary>
                <pre>{r.placement!.log.join("\n")}</pre>
              </details>
            )}
          </li>
        );
      })}
    </ul>
  );
}

function exportRows(kind: "latency" | "batch-sweep", model: LoadedModel, results: LaneResult[]) {
  return resultRows(kind, ownModelId(model.sha256), results).map((row) => ({ ...row, model_name: model.name, model_bytes: model.sizeBytes }));
}

export function OwnLatencyExperiment({ model, inputs }: { model: LoadedModel; inputs: OwnModelInputs }) {
  const modelId = ownModelId(model.sha256);
  const runs = useLaneRuns<LaneResult>({
    model: modelId,
    lanes: BROWSER_LANES,
    initialLanes: INITIAL_LANES,
    experiment: "latency",
    measure: (keys, ctx) => measureOwn(keys, planFor(model, inputs, [1], true), ctx),
    record: (r) => laneRecord(modelId, r, { output: undefined, ownModel: modelIdentity(model), dims: inputs.dims, cold: r.cold ?? null, placement: r.placement ?? null }),
  });
  const { results, saved, probe } = runs;
  return (
    <ExperimentFrame title={`Latency of ${model.name}, batch 1: cold start and steady state`} kind="latency">
      <p className="muted">
        Each lane starts cold (a new session, its first run and the next ten timed one by one), then warms up ({plural(DEFAULT_MEASURE.warmupRuns, "untimed run")}) and measures steady state with at least {plural(DEFAULT_MEASURE.minRuns, "sample")} and {fmt(DEFAULT_MEASURE.minDurationMs / 1000)} s, the rules every lesson uses.
      </p>
      <Controls runs={runs} />
      {results.length > 0 && (
        <>
          <table className="result-table" data-testid="own-latency-table">
            <caption>{model.name}: cold start and steady-state latency in milliseconds, batch 1</caption>
            <thead>
              <tr>
                <th scope="col">Lane and device</th>
                <th scope="col">Session creation (cold)</th>
                <th scope="col">First run (cold)</th>
                <th scope="col">Steady p50</th>
                <th scope="col">p50 95% CI</th>
                <th scope="col">p90 / p99</th>
                <th scope="col">Samples</th>
              </tr>
            </thead>
            <tbody>
              {results.map((r) => {
                const s = r.points[0]!.latencyMs;
                const tick = r.timer?.resolutionMs ?? null;
                return (
                  <tr key={r.key} data-lane={r.key} data-software={r.software}>
                    <th scope="row">
                      <span data-field="lane-title">{r.title}</span>
                      <span className="cell-note" data-field="device">
                        {deviceLabel(r)}
                      </span>
                    </th>
                    <td data-label="Session creation (cold)" data-field="session-create">{fmtMs(r.phases.sessionCreateMs, tick)}</td>
                    <td data-label="First run (cold)" data-field="first-run">{fmtMs(r.phases.firstRunMs, tick)}</td>
                    <td data-label="Steady p50" data-field="p50">{fmt(s.p50)}</td>
                    <td data-label="p50 95% CI">{s.medianCi95 ? `${fmt(s.medianCi95.low)}–${fmt(s.medianCi95.high)}` : "—"}</td>
                    <td data-label="p90 / p99">
                      {fmt(s.p90)} / {fmt(s.p99)}
                    </td>
                    <td data-label="Samples">{s.n.toLocaleString("en-US")}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <PlacementNotes results={results} />
          <TimerNote results={results} />
          <BrowserEnvironmentNote results={results} />
          <ResultActions name={`latency-${model.sha256.slice(0, 12)}`} rows={exportRows("latency", model, results)} json={{ experiment: "latency", model: modelIdentity(model), dims: inputs.dims, measure: DEFAULT_MEASURE, environment: pageEnvironment(probe), results: results.map((r) => ({ ...r, output: undefined })) }} saved={saved} />
        </>
      )}
    </ExperimentFrame>
  );
}

export function OwnBatchSweepExperiment({ model, inputs }: { model: LoadedModel; inputs: OwnModelInputs }) {
  const modelId = ownModelId(model.sha256);
  const [maxBatch, setMaxBatch] = useState(16);
  const [budgetMs, setBudgetMs] = useState(50);
  const batches = sweepBatches(maxBatch);
  const [ran, setRan] = useState<number[] | null>(null);
  const runs = useLaneRuns<LaneResult>({
    model: modelId,
    lanes: BROWSER_LANES,
    initialLanes: INITIAL_LANES,
    experiment: "batch-sweep",
    measure: (keys, ctx) => {
      setRan(batches);
      return measureOwn(keys, planFor(model, inputs, batches, false), ctx);
    },
    record: (r) => {
      const knee = kneeOf(r.points);
      const best = r.points.reduce((a, b) => (b.itemsPerSecond > a.itemsPerSecond ? b : a), r.points[0]!);
      const underBudget = bestUnderBudget(r.points, budgetMs);
      return {
        ...laneRecord(modelId, r, { output: undefined, ownModel: modelIdentity(model), dims: inputs.dims, kneeBatch: knee?.batch ?? null, budgetMs, bestBatchUnderBudget: underBudget?.batch ?? null, cappedBy: r.cappedBy ?? null, failures: r.failures ?? [], placement: r.placement ?? null }, false),
        figures: { bestBatch: best.batch, ...(knee ? { kneeBatch: knee.batch } : {}) },
      };
    },
  });
  const { results, saved, probe } = runs;
  if (!inputs.batchDim) {
    return (
      <ExperimentFrame title={`Batch sweep of ${model.name}`} kind="batch-sweep">
        <p data-testid="no-batch-axis">This model has no symbolic batch dimension (every input&apos;s first size is fixed), so it takes one fixed batch per call and there is nothing to sweep.</p>
      </ExperimentFrame>
    );
  }
  return (
    <ExperimentFrame title={`Batch sweep of ${model.name}: throughput and latency against batch size`} kind="batch-sweep">
      <p className="muted">
        Each lane runs batches {batches.join(", ")} (the dimension “{inputs.batchDim}”) with the offline-scenario rules the lessons use: at least {plural(SWEEP_MEASURE.minRuns, "sample")} and {fmt(SWEEP_MEASURE.minDurationMs)} ms per batch after warm-up. The knee is the smallest batch within 10% of the lane&apos;s best throughput.
      </p>
      <Controls runs={runs}>
        <div className="experiment-controls">
          <label>
            Largest batch{" "}
            <select name="own-max-batch" value={maxBatch} disabled={runs.run.running} onChange={(e) => setMaxBatch(Number(e.target.value))}>
              {[4, 8, 16, 32, 64].map((b) => (
                <option key={b} value={b}>
                  {b}
                </option>
              ))}
            </select>
          </label>{" "}
          <label>
            Latency budget, p99 per call (ms){" "}
            <input type="number" name="own-budget-ms" min={0.01} step="any" value={budgetMs} onChange={(e) => Number(e.target.value) > 0 && setBudgetMs(Number(e.target.value))} />
          </label>
        </div>
      </Controls>
      {results.length > 0 && ran && (
        <>
          <table className="result-table" data-testid="own-sweep-table">
            <caption>
              {model.name}: throughput (items/s) and latency per call (ms) for each lane; ★ marks the knee, ✓ the best batch within a p99 of {fmt(budgetMs)} ms
            </caption>
            <thead>
              <tr>
                <th scope="col">Batch</th>
                <th scope="col">Throughput (items/s)</th>
                <th scope="col">p50 per call (ms)</th>
                <th scope="col">p99 per call (ms)</th>
                <th scope="col">GFLOP/s</th>
              </tr>
            </thead>
            {results.map((r) => {
              const knee = kneeOf(r.points);
              const best = bestUnderBudget(r.points, budgetMs);
              return (
                <tbody key={r.key} data-lane={r.key} data-software={r.software}>
                  <LaneGroupRow title={`${r.title}${r.threads ? `, ${plural(r.threads, "thread")}` : ""}`} device={deviceLabel(r)} colSpan={5} />
                  {r.points.map((p) => (
                    <tr key={p.batch} data-lane={r.key} data-batch={p.batch} data-knee={knee?.batch === p.batch}>
                      <th scope="row" data-label="Batch">
                        {p.batch}
                        {knee?.batch === p.batch ? " ★ knee" : ""}
                        {best?.batch === p.batch ? " ✓ best under budget" : ""}
                      </th>
                      <td data-label="Throughput (items/s)" data-field="throughput">{fmt(p.itemsPerSecond)}</td>
                      <td data-label="p50 per call (ms)" data-field="p50">{fmt(p.latencyMs.p50)}</td>
                      <td data-label="p99 per call (ms)" data-field="p99">{fmt(p.latencyMs.p99)}</td>
                      <td data-label="GFLOP/s">{p.gflopsPerSecond === null ? "—" : fmt(p.gflopsPerSecond)}</td>
                    </tr>
                  ))}
                  {(r.failures ?? []).map((f) => (
                    <tr key={`failed-${f.batch}`} data-lane={r.key} data-failed-batch={f.batch}>
                      <th scope="row" data-label="Batch">{f.batch}</th>
                      <td colSpan={4} data-field="failure">failed: {f.reason}</td>
                    </tr>
                  ))}
                </tbody>
              );
            })}
          </table>
          {results.some((r) => r.points.every((p) => p.gflopsPerSecond === null)) && <p className="muted">GFLOP/s is blank where the inspector could not count this model&apos;s FLOPs (its reason is in the inspector above).</p>}
          <PlacementNotes results={results} />
          <TimerNote results={results} />
          <BrowserEnvironmentNote results={results} />
          <ResultActions name={`batch-sweep-${model.sha256.slice(0, 12)}`} rows={exportRows("batch-sweep", model, results)} json={{ experiment: "batch-sweep", model: modelIdentity(model), dims: inputs.dims, batches: ran, budgetMs, measure: SWEEP_MEASURE, environment: pageEnvironment(probe), results: results.map((r) => ({ ...r, output: undefined })) }} saved={saved} />
        </>
      )}
    </ExperimentFrame>
  );
}
