"use client";
import { useCallback, useMemo, useState } from "react";
import { defaultPriceOf, type LanePrice } from "@/lib/inference/prices";
import { DEFAULT_MEASURE } from "@/lib/inference/stats";
import { getModel } from "@/lib/models/registry";
import { PlotChart, type PlotModule, wrappedLabelAxis } from "./chart";
import { LANE_KEYS, LANE_TITLES, type LaneKey, type LaneResult } from "./lanes";
import { fmt, tickFormat } from "./format";
import { ExperimentFrame } from "./components/frame";
import { deviceLabel } from "./components/lane-group-row";
import { ResultActions } from "./components/result-actions";
import { BrowserEnvironmentNote, TimerNote } from "./components/result-notes";
import { LaneRunControls } from "./components/run-controls";
import { useLaneRuns } from "./hooks/lane-runs";
import { laneRecord, pageEnvironment, resultRows } from "./records";

export type { LanePrice };

export interface CostExperimentProps {
  model?: string;
  batch?: number;
  lanes?: LaneKey[];
  /** Overrides of the cited defaults (lib/inference/prices.ts) per lane; learners can edit them either way. */
  prices?: Partial<Record<LaneKey, LanePrice>>;
  title?: string;
}

/** The price a lane has when a lesson gives none: an assumption the learner edits. */
export const FALLBACK_PRICE: LanePrice = { dollarsPerHour: 0.1, watts: 100 };

/** $ per million inferences and joules per inference from a measured steady-state throughput. */
export function costOf(itemsPerSecond: number, price: LanePrice) {
  if (!(itemsPerSecond > 0)) return { dollarsPerMillion: null, joulesPerInference: null };
  return { dollarsPerMillion: (price.dollarsPerHour / (itemsPerSecond * 3600)) * 1e6, joulesPerInference: price.watts / itemsPerSecond };
}

export function CostExperiment({ model = "digits-mlp", batch = 64, lanes = LANE_KEYS, prices = {}, title }: CostExperimentProps) {
  const spec = getModel(model);
  const [edited, setEdited] = useState<Partial<Record<LaneKey, LanePrice>>>({});
  const measure = { ...DEFAULT_MEASURE, minDurationMs: 500 };
  const priceOf = useCallback((key: LaneKey): LanePrice => edited[key] ?? prices[key] ?? defaultPriceOf(key) ?? FALLBACK_PRICE, [edited, prices]);
  const runs = useLaneRuns({
    model,
    lanes,
    experiment: "cost",
    plan: () => ({ modelId: model, batches: [batch], measure, flopsPerItem: spec?.flopsPerItem }),
    record: (r) => laneRecord(model, r, { output: undefined, price: priceOf(r.key), ...costOf(r.points[0]!.itemsPerSecond, priceOf(r.key)) }, false),
  });
  const { probe, results, saved } = runs;
  const chart = useMemo(() => (results.length ? costChart(results, priceOf) : null), [results, priceOf]);
  if (!spec) return <p className="quiz-error">CostExperiment: unknown model “{model}”.</p>;

  return (
    <ExperimentFrame title={title ?? `Cost and energy per inference: ${spec.title}, batch ${batch}`} kind="cost">
      <p className="muted">Measures steady-state throughput at batch {batch}, then turns it into dollars per million inferences and joules per inference from the price and power below (edit them: they are assumptions, the throughput is measured).</p>
      <LaneRunControls lanes={lanes} runs={runs}>
        <table className="result-table">
          <caption>Assumed price ($/hour) and power draw (W) per lane</caption>
          <thead>
            <tr>
              <th scope="col">Lane</th>
              <th scope="col">$/hour</th>
              <th scope="col">Watts</th>
            </tr>
          </thead>
          <tbody>
            {lanes.map((key) => (
              <tr key={key}>
                <th scope="row">{LANE_TITLES[key]}</th>
                <td data-label="$/hour">
                  <input type="number" min={0} step="0.01" aria-label={`${key} dollars per hour`} value={priceOf(key).dollarsPerHour} onChange={(e) => setEdited((p) => ({ ...p, [key]: { ...priceOf(key), dollarsPerHour: Number(e.target.value) } }))} />
                </td>
                <td data-label="Watts">
                  <input type="number" min={0} step="1" aria-label={`${key} watts`} value={priceOf(key).watts} onChange={(e) => setEdited((p) => ({ ...p, [key]: { ...priceOf(key), watts: Number(e.target.value) } }))} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </LaneRunControls>
      {results.length > 0 && (
        <>
          {chart && <PlotChart build={chart} label="Bar chart of dollars per million inferences per lane; the table below has the numbers." />}
          <table className="result-table" data-testid="cost-table">
            <caption>Measured throughput (items/s) turned into cost ($ per million inferences) and energy (J per inference)</caption>
            <thead>
              <tr>
                <th scope="col">Lane and device</th>
                <th scope="col">Throughput (items/s)</th>
                <th scope="col">$ per million</th>
                <th scope="col">J per inference</th>
              </tr>
            </thead>
            <tbody>
              {results.map((r) => {
                const c = costOf(r.points[0]!.itemsPerSecond, priceOf(r.key));
                return (
                  <tr key={r.key} data-lane={r.key}>
                    <th scope="row">
                      {r.title}
                      <span className="cell-note" data-field="device">
                        {deviceLabel(r)}
                      </span>
                    </th>
                    <td data-label="Throughput (items/s)" data-field="throughput">{fmt(r.points[0]!.itemsPerSecond)}</td>
                    <td data-label="$ per million" data-field="dollars">{fmt(c.dollarsPerMillion)}</td>
                    <td data-label="J per inference" data-field="joules">{fmt(c.joulesPerInference)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <TimerNote results={results} />
          <BrowserEnvironmentNote results={results} />
          <ResultActions name={`cost-${model}`} rows={resultRows("cost", model, results).map((row) => ({ ...row, ...priceOf(row.lane as LaneKey), ...costOf(Number(row.items_per_s), priceOf(row.lane as LaneKey)) }))} json={{ experiment: "cost", model, batch, prices: Object.fromEntries(lanes.map((k) => [k, priceOf(k)])), environment: pageEnvironment(probe), results: results.map((r) => ({ ...r, output: undefined, ...costOf(r.points[0]!.itemsPerSecond, priceOf(r.key)) })) }} saved={saved} />
        </>
      )}
    </ExperimentFrame>
  );
}

function costChart(results: LaneResult[], priceOf: (key: LaneKey) => LanePrice) {
  return (Plot: PlotModule, width: number) => {
    const laneAxis = wrappedLabelAxis(Plot, width, "y", "left");
    return Plot.plot({
      width,
      ...laneAxis.margin,
      marginRight: 24,
      x: { label: "$ per million inferences →", grid: true, tickFormat: tickFormat() },
      y: { label: null, axis: null },
      marks: [laneAxis.mark, Plot.barX(results.map((r) => ({ lane: r.title, dollars: costOf(r.points[0]!.itemsPerSecond, priceOf(r.key)).dollarsPerMillion ?? 0 })), { x: "dollars", y: "lane", fill: "#0b5cad" }), Plot.ruleX([0])],
    });
  };
}
