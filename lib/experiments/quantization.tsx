"use client";
import { useMemo } from "react";
import { DEFAULT_MEASURE, type MeasureOptions } from "@/lib/inference/stats";
import { evaluationOf, getModel, variantsOf } from "@/lib/models/registry";
import { PlotChart, type PlotModule, wrappedLabelAxis } from "./chart";
import { ExperimentFrame } from "./components/frame";
import { deviceLabel, LaneGroupRow } from "./components/lane-group-row";
import { ResultActions } from "./components/result-actions";
import { BrowserEnvironmentNote, TimerNote } from "./components/result-notes";
import { LaneRunControls } from "./components/run-controls";
import { fmt, tickFormat } from "./format";
import { useLaneRuns } from "./hooks/lane-runs";
import type { LaneKey, LaneOutcome, LaneResult } from "./lanes";
import { laneRecord, pageEnvironment, resultRows } from "./records";
import { runLanes } from "./run-lanes";

export interface QuantizationExperimentProps {
  /** The fp32 model; every int8 variant of it in the registry is measured beside it. */
  model?: string;
  batch?: number;
  lanes?: LaneKey[];
  minDurationMs?: number;
  title?: string;
}

/** One variant measured on one lane. */
interface VariantResult {
  id: string;
  result: LaneResult;
}

const QUANT_LANES: LaneKey[] = ["server-cpu", "browser-wasm", "browser-webgpu", "server-webgpu"];

export function QuantizationExperiment({ model = "digits-mlp", batch = 1, lanes = QUANT_LANES, minDurationMs = 500, title }: QuantizationExperimentProps) {
  const base = getModel(model);
  const variants = useMemo(() => (base ? variantsOf(base.baseId) : []), [base]);
  // A lane counts as usable when it can run every variant (the browser size cap applies per file).
  const variantIds = useMemo(() => variants.map((v) => v.id), [variants]);
  const measure: MeasureOptions = { ...DEFAULT_MEASURE, minDurationMs };
  const runs = useLaneRuns<VariantResult>({
    model,
    models: variantIds,
    lanes,
    experiment: "quantization",
    initialLanes: ["server-cpu"],
    // Variant by variant, each on every chosen lane, shown as it finishes; a Stop keeps what was shown and saves nothing.
    measure: async (chosen, { signal, onProgress, probe, runtime, show }) => {
      const collected: Array<LaneOutcome<VariantResult>> = [];
      for (const variant of variants) {
        if (signal.aborted) break;
        const outcomes = await runLanes(chosen, { modelId: variant.id, batches: [batch], measure, flopsPerItem: variant.flopsPerItem }, probe, (key, f, m) => onProgress(key, f, `${variant.variant}: ${m}`), signal, runtime);
        collected.push(...outcomes.map((o) => (o.ok ? { ...o, result: { id: variant.id, result: o.result } } : o)));
        show([...collected]);
      }
      return signal.aborted ? null : collected;
    },
    record: ({ id, result }) => laneRecord(id, result, { output: undefined, sizeBytes: sizeOf(id), metric: modelMetric(id) }, false),
  });
  const { probe, results: rows, saved } = runs;

  const chart = useMemo(() => (rows.length ? quantChart(rows) : null), [rows]);
  if (!base) return <p className="quiz-error">QuantizationExperiment: unknown model “{model}”.</p>;
  const fp32P50 = (key: LaneKey) => rows.find((r) => r.id === base.id && r.result.key === key)?.result.points[0]!.latencyMs.p50;

  return (
    <ExperimentFrame title={title ?? `fp32 against int8: ${base.title}`} kind="quantization">
      <p className="muted">
        Runs {variants.map((v) => v.variant).join(", ")} at batch {batch} on each lane you pick. File sizes are the real files; accuracy or agreement was measured on real data by <code>npm run models:eval</code> ({variants.map((v) => modelMetric(v.id)?.samples).find(Boolean) ?? "held-out"} samples).
      </p>
      <LaneRunControls lanes={lanes} runs={runs} stoppedNote="Stopped. Variants measured before Stop are shown; nothing was saved." />
      {rows.length > 0 && (
        <>
          {chart && <PlotChart build={chart} label="Bar chart of median latency in milliseconds per variant and lane; the table below has the numbers." />}
          <table className="result-table" data-testid="quantization-table">
            <caption>Size in MB, median latency in ms (steady state), speed relative to fp32 on the same lane, and quality on real data</caption>
            <thead>
              <tr>
                <th scope="col">Variant</th>
                <th scope="col">File (MB)</th>
                <th scope="col">p50 (ms)</th>
                <th scope="col">Speed vs fp32</th>
                <th scope="col">Quality (real data)</th>
              </tr>
            </thead>
            {byLane(rows).map(({ lane, group }) => (
              <tbody key={lane.key} data-lane={lane.key}>
                <LaneGroupRow title={lane.title} device={deviceLabel(lane)} colSpan={5} />
                {group.map(({ id, result }) => {
                  const metric = modelMetric(id);
                  const p50 = result.points[0]!.latencyMs.p50;
                  const ref = fp32P50(result.key);
                  return (
                    <tr key={id} data-variant={getModel(id)?.variant} data-lane={result.key}>
                      <th scope="row">{getModel(id)?.variant ?? id}</th>
                      <td data-label="File (MB)" data-field="size">{fmt((sizeOf(id) ?? 0) / 1e6)}</td>
                      <td data-label="p50 (ms)" data-field="p50">{fmt(p50)}</td>
                      <td data-label="Speed vs fp32">{ref ? `${fmt(ref / p50)}×` : "—"}</td>
                      <td data-label="Quality (real data)">{metric ? `${metric.name} ${fmt(metric.value, 4)}` : "reference"}</td>
                    </tr>
                  );
                })}
              </tbody>
            ))}
          </table>
          <TimerNote results={rows.map((r) => r.result)} />
          <BrowserEnvironmentNote results={rows.map((r) => r.result)} />
          <ResultActions name={`quantization-${model}`} rows={rows.flatMap(({ id, result }) => resultRows("quantization", id, [result]).map((row) => ({ ...row, size_bytes: sizeOf(id), metric: modelMetric(id) })))} json={{ experiment: "quantization", model, batch, measure, environment: pageEnvironment(probe), results: rows.map(({ id, result }) => ({ variant: id, sizeBytes: sizeOf(id), metric: modelMetric(id), ...result, output: undefined })) }} saved={saved} />
        </>
      )}
    </ExperimentFrame>
  );
}

/** Rows regrouped lane by lane (they arrive variant by variant), so each lane's device is said once. */
function byLane(rows: VariantResult[]) {
  const lanes = new Map<LaneKey, { lane: LaneResult; group: VariantResult[] }>();
  for (const row of rows) {
    const entry = lanes.get(row.result.key) ?? { lane: row.result, group: [] };
    entry.group.push(row);
    lanes.set(row.result.key, entry);
  }
  return [...lanes.values()];
}

const sizeOf = (id: string): number | null => evaluationOf(id)?.sizeBytes ?? null;
const modelMetric = (id: string) => evaluationOf(id)?.metric ?? null;

function quantChart(rows: VariantResult[]) {
  return (Plot: PlotModule, width: number) => {
    // Lanes label their facet on the right, wrapped: their titles are too long for one line beside the bars.
    const laneAxis = wrappedLabelAxis(Plot, width, "fy", "right");
    return Plot.plot({
      width,
      marginLeft: 90,
      ...laneAxis.margin,
      x: { label: "Median latency →", grid: true, tickFormat: tickFormat("ms") },
      y: { label: null },
      fy: { label: null, axis: null },
      color: { legend: true },
      marks: [laneAxis.mark, Plot.barX(rows.map(({ id, result }) => ({ variant: getModel(id)?.variant ?? id, lane: result.title, ms: result.points[0]!.latencyMs.p50 })), { x: "ms", y: "variant", fy: "lane", fill: "variant" }), Plot.ruleX([0])],
    });
  };
}
