"use client";
import { useMemo, useState } from "react";
import { batchMemory } from "@/lib/inference/memory";
import { getModel } from "@/lib/models/registry";
import { LOG_AXIS_TICKS, PlotChart, type PlotModule } from "./chart";
import { LANE_KEYS, type LaneKey, type LaneResult } from "./lanes";
import { bestUnderBudget, kneeOf, SWEEP_MEASURE, SWEEP_MODELS, sweepBatches } from "./sweep";
import { fmt, fmtMB, plural, tickFormat } from "./format";
import { ExperimentFrame } from "./components/frame";
import { deviceLabel, LaneGroupRow } from "./components/lane-group-row";
import { ResultActions } from "./components/result-actions";
import { BrowserEnvironmentNote, TimerNote } from "./components/result-notes";
import { LaneRunControls } from "./components/run-controls";
import { useLabContext } from "./hooks/lab-context";
import { useLaneRuns } from "./hooks/lane-runs";
import { MemoryTable, useModelMemory } from "./memory";
import { laneRecord, pageEnvironment, resultRows } from "./records";
import { ServerThreadsField } from "./threads-field";

export interface BatchSweepExperimentProps {
  /** The model selected first. */
  model?: string;
  /** Models to choose among (registry ids); the default offers digits-mlp, digits-cnn, mlp-wide and ocr-rec. */
  models?: string[];
  maxBatch?: number;
  /** Latency budget per call (p99, ms) the best batch must meet; the learner can change it. */
  budgetMs?: number;
  lanes?: LaneKey[];
  title?: string;
}

export function BatchSweepExperiment({ model: initialModel = "digits-mlp", models = [...SWEEP_MODELS], maxBatch = 64, budgetMs: initialBudget = 5, lanes = LANE_KEYS, title }: BatchSweepExperimentProps) {
  const choices = [...new Set([initialModel, ...models])].filter((id) => getModel(id));
  const [model, setModel] = useState(initialModel);
  const [budgetMs, setBudgetMs] = useState(initialBudget);
  const [threads, setThreads] = useState<number | undefined>(undefined);
  const [ran, setRan] = useState<{ model: string; batches: number[] } | null>(null);
  const { capabilities } = useLabContext();
  const spec = getModel(model);
  const cap = Math.min(maxBatch, spec?.batchAxis ? spec.maxBatch : 1);
  const batches = sweepBatches(cap);
  const ranSpec = ran ? getModel(ran.model) : undefined;
  const memory = useModelMemory(ran?.model ?? model);
  const runs = useLaneRuns({
    model,
    lanes,
    experiment: "batch-sweep",
    plan: () => {
      setRan({ model, batches });
      return { modelId: model, batches, measure: SWEEP_MEASURE, flopsPerItem: spec?.flopsPerItem, threads };
    },
    record: (r) => {
      const knee = kneeOf(r.points);
      const best = r.points.reduce((a, b) => (b.itemsPerSecond > a.itemsPerSecond ? b : a), r.points[0]!);
      const underBudget = bestUnderBudget(r.points, budgetMs);
      return {
        ...laneRecord(model, r, { output: undefined, kneeBatch: knee?.batch ?? null, budgetMs, bestBatchUnderBudget: underBudget?.batch ?? null, cappedBy: r.cappedBy ?? null, failures: r.failures ?? [] }, false),
        figures: { bestBatch: best.batch, ...(knee ? { kneeBatch: knee.batch } : {}) },
      };
    },
  });
  const { probe, results, saved } = runs;
  const throughputChart = useMemo(() => (results.length ? sweepChart(results, "throughput", budgetMs) : null), [results, budgetMs]);
  const latencyChart = useMemo(() => (results.length ? sweepChart(results, "latency", budgetMs) : null), [results, budgetMs]);
  if (!spec) return <p className="quiz-error">BatchSweepExperiment: unknown model “{model}”.</p>;
  const cores = capabilities?.lanes.find((l) => l.id === "cpu")?.threads?.max ?? null;

  return (
    <ExperimentFrame title={title ?? "Batch sweep: throughput, latency and memory against batch size"} kind="batch-sweep">
      <p className="muted">
        Each lane runs batches {batches.join(", ")} of {spec.title} with the server&apos;s offline-scenario rules (at least {plural(SWEEP_MEASURE.minRuns, "sample")} and {fmt(SWEEP_MEASURE.minDurationMs)} ms per batch after warm-up). The knee is the smallest batch within 10% of the lane&apos;s best throughput; the best batch under the budget is the one with the most throughput whose p99 per call stays within it.
      </p>
      <LaneRunControls lanes={lanes} runs={runs}>
        <div className="experiment-controls">
          <label>
            Model{" "}
            <select name="sweep-model" value={model} disabled={runs.run.running} onChange={(e) => setModel(e.target.value)}>
              {choices.map((id) => (
                <option key={id} value={id}>
                  {getModel(id)!.title}
                </option>
              ))}
            </select>
          </label>{" "}
          <label>
            Latency budget, p99 per call (ms){" "}
            <input type="number" name="budget-ms" min={0.01} step="any" value={budgetMs} onChange={(e) => Number(e.target.value) > 0 && setBudgetMs(Number(e.target.value))} />
          </label>{" "}
          <ServerThreadsField cores={cores} value={threads} onChange={setThreads} disabled={runs.run.running} />
        </div>
      </LaneRunControls>
      {results.length > 0 && ran && ranSpec && (
        <>
          {throughputChart && <PlotChart build={throughputChart} label="Line chart of throughput in items per second against batch size, one line per lane, knee and best batch under the budget marked; the table below has the numbers." />}
          {latencyChart && <PlotChart build={latencyChart} label="Line chart of p99 latency per call in milliseconds against batch size, one line per lane, with the latency budget as a horizontal line; the table below has the numbers." />}
          <table className="result-table" data-testid="sweep-table">
            <caption>
              {ranSpec.title}: throughput (items/s), latency per call (ms) and memory per call (MB) for each lane; ★ marks the knee, ✓ the best batch within a p99 of {fmt(budgetMs)} ms
            </caption>
            <thead>
              <tr>
                <th scope="col">Batch</th>
                <th scope="col">Throughput (items/s)</th>
                <th scope="col">p50 per call (ms)</th>
                <th scope="col">p99 per call (ms)</th>
                <th scope="col">ms per item</th>
                <th scope="col">Memory (MB)</th>
              </tr>
            </thead>
            {results.map((r) => {
              const knee = kneeOf(r.points);
              const best = bestUnderBudget(r.points, budgetMs);
              return (
                <tbody key={r.key} data-lane={r.key}>
                  <LaneGroupRow title={`${r.title}${r.threads ? `, ${plural(r.threads, "thread")}` : ""}`} device={deviceLabel(r)} colSpan={6} />
                  {r.points.map((p) => (
                    <tr key={p.batch} data-lane={r.key} data-batch={p.batch} data-knee={knee?.batch === p.batch} data-best-under-budget={best?.batch === p.batch}>
                      <th scope="row" data-label="Batch">
                        {p.batch}
                        {knee?.batch === p.batch ? " ★ knee" : ""}
                        {best?.batch === p.batch ? " ✓ best under budget" : ""}
                      </th>
                      <td data-label="Throughput (items/s)" data-field="throughput">{fmt(p.itemsPerSecond)}</td>
                      <td data-label="p50 per call (ms)" data-field="p50">{fmt(p.latencyMs.p50)}</td>
                      <td data-label="p99 per call (ms)" data-field="p99" className={p.latencyMs.p99 > budgetMs ? "over-budget" : undefined}>
                        {fmt(p.latencyMs.p99)}
                        {p.latencyMs.p99 > budgetMs ? " (over budget)" : ""}
                      </td>
                      <td data-label="ms per item">{fmt(p.latencyMs.p50 / p.batch)}</td>
                      <td data-label="Memory (MB)" data-field="memory">{fmtMB(batchMemory(ranSpec, p.batch, memory.footprint).totalBytes)}</td>
                    </tr>
                  ))}
                  {(r.failures ?? []).map((f) => (
                    <tr key={`failed-${f.batch}`} data-lane={r.key} data-failed-batch={f.batch}>
                      <th scope="row" data-label="Batch">{f.batch}</th>
                      <td colSpan={5} data-field="failure">failed: {f.reason}</td>
                    </tr>
                  ))}
                  {!best && (
                    <tr data-lane={r.key}>
                      <td colSpan={6} className="muted">No batch met the budget on this lane: even batch 1 took longer than {fmt(budgetMs)} ms at p99.</td>
                    </tr>
                  )}
                </tbody>
              );
            })}
          </table>
          <ul className="muted" data-testid="sweep-stops">
            {(ranSpec.batchAxis ? ranSpec.maxBatch : 1) < maxBatch && <li>{spec.batchAxis ? `${ranSpec.title} takes at most ${ranSpec.maxBatch} items per call, so the sweep stops at batch ${ran.batches[ran.batches.length - 1]}.` : `${ranSpec.title} takes one item per call (it has no batch axis), so there is nothing to sweep.`}</li>}
            {results
              .filter((r) => r.cappedBy)
              .map((r) => (
                <li key={r.key} data-lane={r.key} data-field="capped-by">
                  {r.title} stopped early: {r.cappedBy}.
                </li>
              ))}
          </ul>
          <MemoryTable spec={ranSpec} batches={ran.batches} footprint={memory.footprint} error={memory.error} />
          <TimerNote results={results} />
          <BrowserEnvironmentNote results={results} />
          <ResultActions name={`batch-sweep-${ran.model}`} rows={resultRows("batch-sweep", ran.model, results)} json={{ experiment: "batch-sweep", model: ran.model, batches: ran.batches, budgetMs, measure: SWEEP_MEASURE, environment: pageEnvironment(probe), results: results.map((r) => ({ ...r, output: undefined, kneeBatch: kneeOf(r.points)?.batch ?? null, bestBatchUnderBudget: bestUnderBudget(r.points, budgetMs)?.batch ?? null })) }} saved={saved} />
        </>
      )}
    </ExperimentFrame>
  );
}

function sweepChart(results: LaneResult[], what: "throughput" | "latency", budgetMs: number) {
  return (Plot: PlotModule, width: number) => {
    const value = (p: LaneResult["points"][number]) => (what === "throughput" ? p.itemsPerSecond : p.latencyMs.p99);
    const rows = results.flatMap((r) => r.points.map((p) => ({ lane: r.title, batch: p.batch, value: value(p) })));
    const knees = results.flatMap((r) => {
      const k = kneeOf(r.points);
      return k ? [{ lane: r.title, batch: k.batch, value: value(k) }] : [];
    });
    const bests = results.flatMap((r) => {
      const b = bestUnderBudget(r.points, budgetMs);
      return b ? [{ lane: r.title, batch: b.batch, value: value(b) }] : [];
    });
    return Plot.plot({
      width,
      height: 280,
      marginLeft: 64,
      x: { type: "log", base: 2, label: "Batch size (items) →", grid: true, tickFormat: tickFormat() },
      y: { type: "log", label: what === "throughput" ? "↑ Throughput (items/s, log scale)" : "↑ p99 latency per call (log scale)", grid: true, ticks: LOG_AXIS_TICKS, tickFormat: tickFormat(what === "throughput" ? undefined : "ms") },
      color: { legend: true },
      marks: [
        ...(what === "latency" ? [Plot.ruleY([budgetMs], { stroke: "currentColor", strokeDasharray: "6,4" }), Plot.text([budgetMs], { y: (d: number) => d, frameAnchor: "right", text: () => `budget ${fmt(budgetMs)} ms`, dy: -8 })] : []),
        Plot.line(rows, { x: "batch", y: "value", stroke: "lane", marker: "circle" }),
        Plot.dot(knees, { x: "batch", y: "value", stroke: "lane", r: 8, strokeWidth: 2 }),
        Plot.text(knees, { x: "batch", y: "value", text: () => "knee", dy: -14, fill: "lane" }),
        Plot.dot(bests, { x: "batch", y: "value", stroke: "lane", symbol: "square", r: 7, strokeWidth: 2 }),
        Plot.text(bests, { x: "batch", y: "value", text: () => "best under budget", dy: 16, fill: "lane" }),
      ],
    });
  };
}
