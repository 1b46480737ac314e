"use client";
import { useCallback, useMemo, useState } from "react";
import { DEFAULT_MEASURE, type MeasureOptions } from "@/lib/inference/stats";
import { evaluationOf, getModel, variantsOf } from "@/lib/models/registry";
import { PlotChart, type PlotModule, wrappedLabelAxis } from "./chart";
import { type LaneKey, type LaneOutcome, type LaneResult, runLanes } from "./lanes";
import { fmt, tickFormat } from "./format";
import { BrowserEnvironmentNote, deviceLabel, DownloadNote, ExperimentFrame, FailedLanes, LaneGroupRow, LanePicker, laneRecord, pageEnvironment, ResultActions, resultRows, RunButtons, RunProgress, saveRun, type SaveState, TimerNote, useLabContext, useRun } from "./ui";

export interface QuantizationExperimentProps {
  /** The fp32 model; every int8 variant of it in the registry is measured beside it. */
  model?: string;
  batch?: number;
  lanes?: LaneKey[];
  minDurationMs?: number;
  title?: string;
}

interface VariantResult {
  id: string;
  outcome: LaneOutcome;
}

const QUANT_LANES: LaneKey[] = ["server-cpu", "browser-wasm", "browser-webgpu", "server-webgpu"];

export function QuantizationExperiment({ model = "digits-mlp", batch = 1, lanes = QUANT_LANES, minDurationMs = 500, title }: QuantizationExperimentProps) {
  const base = getModel(model);
  const variants = useMemo(() => (base ? variantsOf(base.baseId) : []), [base]);
  const { probe, runtime, lessonSlug, status } = useLabContext();
  // A lane counts as usable when it can run every variant (the browser size cap applies per file).
  const laneStatus = useCallback((key: LaneKey) => variants.map((v) => status(key, v.id)).find((s) => !s.available) ?? status(key, model), [status, variants, model]);
  const [selected, setSelected] = useState<LaneKey[]>(["server-cpu"]);
  const [results, setResults] = useState<VariantResult[]>([]);
  const [saved, setSaved] = useState<SaveState>({ state: "idle" });
  const run = useRun();
  const measure: MeasureOptions = { ...DEFAULT_MEASURE, minDurationMs };
  const chosen = lanes.filter((k) => selected.includes(k) && laneStatus(k).available);

  const start = async () => {
    setResults([]);
    setSaved({ state: "idle" });
    const all = await run.start(async (signal, onProgress) => {
      const collected: VariantResult[] = [];
      for (const variant of variants) {
        if (signal.aborted) break;
        const outcomes = await runLanes(chosen, { modelId: variant.id, batches: [batch], measure, flopsPerItem: variant.flopsPerItem }, probe, (key, f, m) => onProgress(key, f, `${variant.variant}: ${m}`), signal, runtime);
        collected.push(...outcomes.map((outcome) => ({ id: variant.id, outcome })));
        setResults([...collected]);
      }
      return signal.aborted ? null : collected;
    });
    if (!all) return;
    const ok = all.flatMap((r) => (r.outcome.ok ? [{ id: r.id, result: r.outcome.result }] : []));
    if (ok.length > 0) {
      setSaved({ state: "saving" });
      setSaved(await saveRun(lessonSlug, "quantization", ok.slice(0, 12).map(({ id, result }) => laneRecord(id, result, { output: undefined, sizeBytes: sizeOf(id), metric: modelMetric(id) }, false)), pageEnvironment(probe)));
    }
  };

  const rows = useMemo(() => results.flatMap((r) => (r.outcome.ok ? [{ id: r.id, result: r.outcome.result }] : [])), [results]);
  const chart = useMemo(() => (rows.length ? quantChart(rows) : null), [rows]);
  if (!base) return <p className="quiz-error">QuantizationExperiment: unknown model “{model}”.</p>;
  const fp32P50 = (key: LaneKey) => rows.find((r) => r.id === base.id && r.result.key === key)?.result.points[0]!.latencyMs.p50;

  return (
    <ExperimentFrame title={title ?? `fp32 against int8: ${base.title}`} kind="quantization">
      <p className="muted">
        Runs {variants.map((v) => v.variant).join(", ")} at batch {batch} on each lane you pick. File sizes are the real files; accuracy or agreement was measured on real data by <code>npm run models:eval</code> ({variants.map((v) => modelMetric(v.id)?.samples).find(Boolean) ?? "held-out"} samples).
      </p>
      <LanePicker lanes={lanes} selected={selected} onChange={setSelected} status={laneStatus} disabled={run.running} />
      <DownloadNote lanes={chosen} modelIds={variants.map((v) => v.id)} runtime={runtime} />
      <RunButtons running={run.running} onStart={() => void start()} onStop={run.stop} canStart={chosen.length > 0} busyElsewhere={run.busyElsewhere} />
      <RunProgress progress={run.progress} />
      {run.stopped && <p role="status">Stopped. Variants measured before Stop are shown; nothing was saved.</p>}
      <FailedLanes outcomes={results.map((r) => r.outcome)} />
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
function byLane(rows: Array<{ id: string; result: LaneResult }>) {
  const lanes = new Map<LaneKey, { lane: LaneResult; group: Array<{ id: string; result: LaneResult }> }>();
  for (const row of rows) {
    const entry = lanes.get(row.result.key) ?? { lane: row.result, group: [] };
    entry.group.push(row);
    lanes.set(row.result.key, entry);
  }
  return [...lanes.values()];
}

const sizeOf = (id: string): number | null => evaluationOf(id)?.sizeBytes ?? null;
const modelMetric = (id: string) => evaluationOf(id)?.metric ?? null;

function quantChart(rows: Array<{ id: string; result: LaneResult }>) {
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
