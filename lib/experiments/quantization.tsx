"use client";
import { useMemo, useRef, useState } from "react";
import { QUALITY_VARIANTS } from "@/lib/inference/quality";
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
import { LiveQualityTable, type QualityOutcome, scoreOnLane } from "./quality-live";
import { laneRecord, pageEnvironment, resultRows } from "./records";
import { runLanes } from "./run-lanes";

export interface QuantizationExperimentProps {
  /** The fp32 model; every int8 variant of it in the registry is measured beside it. */
  model?: string;
  /** Models the learner may switch between (a "Model" menu when more than one), e.g. the four whose int8 quality is scored live (QUALITY_BASES). */
  models?: string[];
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

export function QuantizationExperiment({ model: initialModel = "digits-mlp", models = [initialModel], batch = 1, lanes = QUANT_LANES, minDurationMs = 500, title }: QuantizationExperimentProps) {
  const [model, setModel] = useState(initialModel);
  const base = getModel(model);
  const variants = useMemo(() => (base ? variantsOf(base.baseId) : []), [base]);
  // A lane counts as usable when it can run every variant (the browser size cap applies per file).
  const variantIds = useMemo(() => variants.map((v) => v.id), [variants]);
  const measure: MeasureOptions = { ...DEFAULT_MEASURE, minDurationMs };
  const [quality, setQuality] = useState<QualityOutcome[]>([]);
  // The save reads what this run scored (record runs after measure, outside React's render).
  const scored = useRef<QualityOutcome[]>([]);
  const runs = useLaneRuns<VariantResult>({
    model,
    models: variantIds,
    lanes,
    experiment: "quantization",
    initialLanes: ["server-cpu"],
    // Variant by variant, each on every chosen lane, shown as it finishes; a Stop keeps what was shown and saves nothing.
    measure: async (chosen, { signal, onProgress, probe, runtime, show }) => {
      scored.current = [];
      setQuality([]);
      const collected: Array<LaneOutcome<VariantResult>> = [];
      for (const variant of variants) {
        if (signal.aborted) break;
        const outcomes = await runLanes(chosen, { modelId: variant.id, batches: [batch], measure, flopsPerItem: variant.flopsPerItem }, probe, (key, f, m) => onProgress(key, f, `${variant.variant}: ${m}`), signal, runtime);
        collected.push(...outcomes.map((o) => (o.ok ? { ...o, result: { id: variant.id, result: o.result } } : o)));
        show([...collected]);
      }
      // Then quality, in this run, on every lane that timed: each int8 variant against fp32 on held-out data.
      const timed = [...new Set(collected.filter((o) => o.ok).map((o) => o.key))];
      const scorable = variants.filter((v) => QUALITY_VARIANTS.includes(v.id));
      for (const key of timed) {
        if (signal.aborted || scorable.length === 0) break;
        try {
          scored.current = [...scored.current, ...(await scoreOnLane(key, scorable.map((v) => v.id), probe, (f, m) => onProgress(key, f, `quality: ${m}`), signal))];
        } catch {
          break; // stopped
        }
        setQuality(scored.current);
      }
      return signal.aborted ? null : collected;
    },
    record: ({ id, result }) => {
      const own = scored.current.find((q) => q.ok && q.key === result.key && q.model === id);
      // The server replaces a server lane's figure with what it scored itself; a browser lane reports its own.
      return { ...laneRecord(id, result, { output: undefined, sizeBytes: sizeOf(id), metric: modelMetric(id) }, false), ...(own?.ok ? { figures: { int8Quality: own.result.metric.value } } : {}) };
    },
  });
  const { probe, results: rows, saved } = runs;

  const chart = useMemo(() => (rows.length ? quantChart(rows) : null), [rows]);
  if (!base) return <p className="quiz-error">QuantizationExperiment: unknown model “{model}”.</p>;
  const fp32P50 = (key: LaneKey) => rows.find((r) => r.id === base.id && r.result.key === key)?.result.points[0]!.latencyMs.p50;

  return (
    <ExperimentFrame title={title ?? `fp32 against int8: ${base.title}`} kind="quantization">
      <p className="muted">
        Runs {variants.map((v) => v.variant).join(", ")} at batch {batch} on each lane you pick, then scores each int8 variant against fp32 on the same lane, now, on held-out data ({qualitySource(base.baseId)}). File sizes are the real files; the stored evaluation beside it was measured by <code>npm run models:eval</code>.
      </p>
      <LaneRunControls lanes={lanes} runs={runs} stoppedNote="Stopped. Variants measured before Stop are shown; nothing was saved.">
        {models.length > 1 && (
          <label>
            Model{" "}
            <select value={model} onChange={(e) => setModel(e.target.value)} disabled={runs.run.running}>
              {models.map((id) => (
                <option key={id} value={id}>
                  {getModel(id)?.title ?? id}
                </option>
              ))}
            </select>
          </label>
        )}
      </LaneRunControls>
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
          {quality.length > 0 && <LiveQualityTable outcomes={quality} />}
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

function qualitySource(baseId: string): string {
  if (baseId.startsWith("digits")) return "2000 digits of the mnist package the classifiers never trained on";
  if (baseId === "ocr-rec") return "32 text lines rendered from held-out digits; agreement with fp32's reading";
  return "seeded input vectors; cosine similarity with fp32's output";
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
