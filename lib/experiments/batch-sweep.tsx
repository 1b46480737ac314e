"use client";
import { useMemo } from "react";
import { getModel } from "@/lib/models/registry";
import { LOG_AXIS_TICKS, PlotChart, type PlotModule } from "./chart";
import { LANE_KEYS, type LaneKey, type LaneResult } from "./lanes";
import { kneeOf, SWEEP_MEASURE, sweepBatches } from "./sweep";
import { fmt, plural, tickFormat } from "./format";
import { ExperimentFrame } from "./components/frame";
import { deviceLabel, LaneGroupRow } from "./components/lane-group-row";
import { ResultActions } from "./components/result-actions";
import { BrowserEnvironmentNote, TimerNote } from "./components/result-notes";
import { LaneRunControls } from "./components/run-controls";
import { useLaneRuns } from "./hooks/lane-runs";
import { laneRecord, pageEnvironment, resultRows } from "./records";

export interface BatchSweepExperimentProps {
  model?: string;
  maxBatch?: number;
  lanes?: LaneKey[];
  title?: string;
}

export function BatchSweepExperiment({ model = "digits-mlp", maxBatch = 64, lanes = LANE_KEYS, title }: BatchSweepExperimentProps) {
  const spec = getModel(model);
  const cap = Math.min(maxBatch, spec?.batchAxis ? spec.maxBatch : 1);
  const batches = sweepBatches(cap);
  const runs = useLaneRuns({
    model,
    lanes,
    experiment: "batch-sweep",
    plan: () => ({ modelId: model, batches, measure: SWEEP_MEASURE, flopsPerItem: spec?.flopsPerItem }),
    record: (r) => laneRecord(model, r, { output: undefined, kneeBatch: kneeOf(r.points)?.batch ?? null }, false),
  });
  const { probe, results, saved } = runs;
  const throughputChart = useMemo(() => (results.length ? sweepChart(results, "throughput") : null), [results]);
  const latencyChart = useMemo(() => (results.length ? sweepChart(results, "latency") : null), [results]);
  if (!spec) return <p className="quiz-error">BatchSweepExperiment: unknown model “{model}”.</p>;

  return (
    <ExperimentFrame title={title ?? `Batch sweep of ${spec.title}: batch 1 to ${cap}`} kind="batch-sweep">
      <p className="muted">Each lane runs batches {batches.join(", ")} with the server&apos;s offline-scenario rules (at least {plural(SWEEP_MEASURE.minRuns, "sample")} and {fmt(SWEEP_MEASURE.minDurationMs)} ms per batch after warm-up). The knee is the smallest batch within 10% of the lane&apos;s best throughput.</p>
      <LaneRunControls lanes={lanes} runs={runs} />
      {results.length > 0 && (
        <>
          {throughputChart && <PlotChart build={throughputChart} label="Line chart of throughput in items per second against batch size, one line per lane, knee marked; the table below has the numbers." />}
          {latencyChart && <PlotChart build={latencyChart} label="Line chart of median latency per batch in milliseconds against batch size, one line per lane; the table below has the numbers." />}
          <table className="result-table" data-testid="sweep-table">
            <caption>Throughput (items/s) and latency per batch (ms) for each lane; ★ marks the knee</caption>
            <thead>
              <tr>
                <th scope="col">Batch</th>
                <th scope="col">Throughput (items/s)</th>
                <th scope="col">p50 per batch (ms)</th>
                <th scope="col">p99 per batch (ms)</th>
                <th scope="col">ms per item</th>
              </tr>
            </thead>
            {results.map((r) => {
              const knee = kneeOf(r.points);
              return (
                <tbody key={r.key} data-lane={r.key}>
                  <LaneGroupRow title={r.title} device={deviceLabel(r)} colSpan={5} />
                  {r.points.map((p) => (
                    <tr key={p.batch} data-lane={r.key} data-batch={p.batch}>
                      <th scope="row" data-label="Batch">
                        {p.batch}
                        {knee?.batch === p.batch ? " ★ knee" : ""}
                      </th>
                      <td data-label="Throughput (items/s)" data-field="throughput">{fmt(p.itemsPerSecond)}</td>
                      <td data-label="p50 per batch (ms)" data-field="p50">{fmt(p.latencyMs.p50)}</td>
                      <td data-label="p99 per batch (ms)">{fmt(p.latencyMs.p99)}</td>
                      <td data-label="ms per item">{fmt(p.latencyMs.p50 / p.batch)}</td>
                    </tr>
                  ))}
                </tbody>
              );
            })}
          </table>
          <TimerNote results={results} />
          <BrowserEnvironmentNote results={results} />
          <ResultActions name={`batch-sweep-${model}`} rows={resultRows("batch-sweep", model, results)} json={{ experiment: "batch-sweep", model, batches, measure: SWEEP_MEASURE, environment: pageEnvironment(probe), results: results.map((r) => ({ ...r, output: undefined, kneeBatch: kneeOf(r.points)?.batch ?? null })) }} saved={saved} />
        </>
      )}
    </ExperimentFrame>
  );
}

function sweepChart(results: LaneResult[], what: "throughput" | "latency") {
  return (Plot: PlotModule, width: number) => {
    const rows = results.flatMap((r) => r.points.map((p) => ({ lane: r.title, batch: p.batch, value: what === "throughput" ? p.itemsPerSecond : p.latencyMs.p50 })));
    const knees = results.flatMap((r) => {
      const k = kneeOf(r.points);
      return k ? [{ lane: r.title, batch: k.batch, value: what === "throughput" ? k.itemsPerSecond : k.latencyMs.p50 }] : [];
    });
    return Plot.plot({
      width,
      height: 280,
      marginLeft: 64,
      x: { type: "log", base: 2, label: "Batch size (items) →", grid: true, tickFormat: tickFormat() },
      y: { type: "log", label: what === "throughput" ? "↑ Throughput (items/s, log scale)" : "↑ Median latency per batch (log scale)", grid: true, ticks: LOG_AXIS_TICKS, tickFormat: tickFormat(what === "throughput" ? undefined : "ms") },
      color: { legend: true },
      marks: [
        Plot.line(rows, { x: "batch", y: "value", stroke: "lane", marker: "circle" }),
        Plot.dot(knees, { x: "batch", y: "value", stroke: "lane", r: 8, strokeWidth: 2 }),
        Plot.text(knees, { x: "batch", y: "value", text: () => "knee", dy: -14, fill: "lane" }),
      ],
    });
  };
}
