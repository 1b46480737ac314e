"use client";
import { useMemo } from "react";
import { getModel, type ModelSpec } from "@/lib/models/registry";
import { LOG_AXIS_TICKS, PlotChart, type PlotModule } from "./chart";
import { LANE_KEYS, type LaneKey, type LaneResult } from "./lanes";
import { SWEEP_MEASURE, sweepBatches } from "./sweep";
import { fmt, tickFormat } from "./format";
import { ExperimentFrame } from "./components/frame";
import { deviceLabel, LaneGroupRow } from "./components/lane-group-row";
import { ResultActions } from "./components/result-actions";
import { BrowserEnvironmentNote, TimerNote } from "./components/result-notes";
import { LaneRunControls } from "./components/run-controls";
import { useLaneRuns } from "./hooks/lane-runs";
import { laneRecord, pageEnvironment, resultRows } from "./records";

export interface RooflineExperimentProps {
  model?: string;
  maxBatch?: number;
  lanes?: LaneKey[];
  title?: string;
}

/**
 * FLOPs per byte of weights and activations moved for one batch: weights are
 * read once per batch, inputs and outputs once per item (fp32).
 */
export function arithmeticIntensity(spec: ModelSpec, batch: number): number | null {
  if (!spec.flopsPerItem || !spec.weightBytes) return null;
  const ioPerItem = [...spec.inputs, ...spec.outputs].reduce((sum, t) => sum + 4 * t.shape.reduce<number>((n, d, axis) => (axis === 0 && spec.batchAxis ? n : n * (typeof d === "number" ? d : (spec.axisDefaults?.[d] ?? 1))), 1), 0);
  return (spec.flopsPerItem * batch) / (spec.weightBytes + ioPerItem * batch);
}

/** The best GFLOP/s a lane reached: a measured ceiling for this model and lane, not a datasheet number. */
export function measuredPeak(result: LaneResult): number | null {
  const values = result.points.map((p) => p.gflopsPerSecond).filter((v): v is number => v !== null);
  return values.length ? Math.max(...values) : null;
}

export function RooflineExperiment({ model = "digits-mlp", maxBatch = 256, lanes = LANE_KEYS, title }: RooflineExperimentProps) {
  const spec = getModel(model);
  const batches = sweepBatches(Math.min(maxBatch, spec?.maxBatch ?? 1));
  const runs = useLaneRuns({
    model,
    lanes,
    experiment: "roofline",
    plan: () => ({ modelId: model, batches, measure: SWEEP_MEASURE, flopsPerItem: spec?.flopsPerItem }),
    record: (r) => laneRecord(model, r, { output: undefined, peakGflops: measuredPeak(r) }, false),
  });
  const { probe, results, saved } = runs;
  const chart = useMemo(() => (results.length && spec ? rooflineChart(results, spec) : null), [results, spec]);
  if (!spec) return <p className="quiz-error">RooflineExperiment: unknown model “{model}”.</p>;
  if (!spec.flopsPerItem) return <p className="quiz-error">RooflineExperiment: {spec.title} has no exact FLOP count, so GFLOP/s cannot be computed.</p>;

  return (
    <ExperimentFrame title={title ?? `Roofline: ${spec.title}`} kind="roofline">
      <p className="muted">
        Sweeps batch 1 to {batches[batches.length - 1]} and converts each median latency into achieved GFLOP/s ({fmt(spec.flopsPerItem / 1e6)} MFLOP per item). Bigger batches reuse the same weights for more arithmetic, so arithmetic intensity rises; each lane&apos;s dashed line is the best it measured.
      </p>
      <LaneRunControls lanes={lanes} runs={runs} />
      {results.length > 0 && (
        <>
          {chart && <PlotChart build={chart} label="Log-log chart of achieved GFLOP/s against arithmetic intensity in FLOPs per byte, one line per lane with its measured peak; the table below has the numbers." />}
          <table className="result-table" data-testid="roofline-table">
            <caption>Achieved GFLOP/s per batch against each lane&apos;s measured peak</caption>
            <thead>
              <tr>
                <th scope="col">Batch</th>
                <th scope="col">Intensity (FLOP/byte)</th>
                <th scope="col">Achieved (GFLOP/s)</th>
                <th scope="col">% of measured peak</th>
              </tr>
            </thead>
            {results.map((r) => {
              const peak = measuredPeak(r);
              return (
                <tbody key={r.key} data-lane={r.key}>
                  <LaneGroupRow title={r.title} device={deviceLabel(r)} colSpan={4} />
                  {r.points.map((p) => (
                    <tr key={p.batch} data-lane={r.key} data-batch={p.batch}>
                      <th scope="row" data-label="Batch">{p.batch}</th>
                      <td data-label="Intensity (FLOP/byte)">{fmt(arithmeticIntensity(spec, p.batch))}</td>
                      <td data-label="Achieved (GFLOP/s)" data-field="gflops">{fmt(p.gflopsPerSecond)}</td>
                      <td data-label="% of measured peak">{peak && p.gflopsPerSecond !== null ? `${fmt((100 * p.gflopsPerSecond) / peak)}%` : "—"}</td>
                    </tr>
                  ))}
                </tbody>
              );
            })}
          </table>
          <TimerNote results={results} />
          <BrowserEnvironmentNote results={results} />
          <ResultActions name={`roofline-${model}`} rows={resultRows("roofline", model, results)} json={{ experiment: "roofline", model, batches, environment: pageEnvironment(probe), results: results.map((r) => ({ ...r, output: undefined, peakGflops: measuredPeak(r) })) }} saved={saved} />
        </>
      )}
    </ExperimentFrame>
  );
}

function rooflineChart(results: LaneResult[], spec: ModelSpec) {
  return (Plot: PlotModule, width: number) => {
    const rows = results.flatMap((r) => r.points.filter((p) => p.gflopsPerSecond !== null).map((p) => ({ lane: r.title, intensity: arithmeticIntensity(spec, p.batch), gflops: p.gflopsPerSecond, batch: p.batch })));
    const peaks = results.flatMap((r) => (measuredPeak(r) !== null ? [{ lane: r.title, gflops: measuredPeak(r)! }] : []));
    return Plot.plot({
      width,
      height: 300,
      marginLeft: 56,
      x: { type: "log", label: "Arithmetic intensity (FLOP per byte moved) →", grid: true, ticks: LOG_AXIS_TICKS, tickFormat: tickFormat() },
      y: { type: "log", label: "↑ Achieved GFLOP/s", grid: true, ticks: LOG_AXIS_TICKS, tickFormat: tickFormat() },
      color: { legend: true },
      marks: [Plot.ruleY(peaks, { y: "gflops", stroke: "lane", strokeDasharray: "4,3" }), Plot.line(rows, { x: "intensity", y: "gflops", stroke: "lane", marker: "circle" })],
    });
  };
}
