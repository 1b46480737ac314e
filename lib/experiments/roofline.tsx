"use client";
import { useMemo, useState } from "react";
import { arithmeticIntensity, attainableGflops, REGIME_WORDS, regimeOf } from "@/lib/inference/roofline";
import { getModel } from "@/lib/models/registry";
import { PlotChart } from "./chart";
import { type LaneCeilings, laneCeilings } from "./ceilings";
import { LANE_KEYS, type LaneKey, type LaneOutcome, type LaneResult } from "./lanes";
import { SWEEP_MEASURE, sweepBatches } from "./sweep";
import { fmt, plural } from "./format";
import { ExperimentFrame } from "./components/frame";
import { LaneGroupRow } from "./components/lane-group-row";
import { ResultActions } from "./components/result-actions";
import { BrowserEnvironmentNote, TimerNote } from "./components/result-notes";
import { LaneRunControls } from "./components/run-controls";
import { useLabContext } from "./hooks/lab-context";
import { type Measure, useLaneRuns } from "./hooks/lane-runs";
import { laneRecord, pageEnvironment, resultRows } from "./records";
import { type RooflinePoint, rooflineChart } from "./roofline-chart";
import { runLanes } from "./run-lanes";
import { ServerThreadsField } from "./threads-field";

export { arithmeticIntensity } from "@/lib/inference/roofline";

export interface RooflineExperimentProps {
  /** The first model; lanes are offered when they can run it. */
  model?: string;
  /** Every model whose (batch) points go on the roof; a lane skips those it cannot run (too large for a browser). */
  models?: string[];
  maxBatch?: number;
  lanes?: LaneKey[];
  title?: string;
}

/** One model's sweep on one lane, under that lane's measured ceilings. */
interface RooflineRun {
  key: LaneKey;
  model: string;
  ceilings: LaneCeilings;
  sweep: LaneResult;
}

function pointsOf(run: RooflineRun): Array<RooflinePoint & { attainable: number }> {
  const spec = getModel(run.model);
  if (!spec) return [];
  const roof = { bandwidthGBps: run.ceilings.bandwidthGBps, computeGflops: run.ceilings.computeGflops };
  return run.sweep.points.flatMap((p) => {
    const intensity = arithmeticIntensity(spec, p.batch);
    if (intensity === null || p.gflopsPerSecond === null) return [];
    return [{ model: spec.title, batch: p.batch, intensity, gflops: p.gflopsPerSecond, regime: regimeOf(intensity, p.gflopsPerSecond, roof), attainable: attainableGflops(intensity, roof) }];
  });
}

export function RooflineExperiment({ model = "digits-mlp", models, maxBatch = 256, lanes = LANE_KEYS, title }: RooflineExperimentProps) {
  const modelIds = useMemo(() => [...new Set([model, ...(models ?? [])])].filter((id) => getModel(id)?.flopsPerItem && getModel(id)?.weightBytes), [model, models]);
  const [remeasure, setRemeasure] = useState(false);
  const [threads, setThreads] = useState<number | undefined>(undefined);
  const { capabilities, status } = useLabContext();
  const cores = capabilities?.lanes.find((l) => l.id === "cpu")?.threads?.max ?? null;

  const measure: Measure<RooflineRun> = async (chosen, { signal, onProgress, probe, runtime }) => {
    const outcomes: Array<LaneOutcome<RooflineRun>> = [];
    for (const key of chosen) {
      if (signal.aborted) return null;
      let ceilings: LaneCeilings;
      try {
        ceilings = await laneCeilings(key, { remeasure, threads, probe, signal, onProgress: (f, m) => onProgress(key, f / 3, `ceilings: ${m}`) });
      } catch (error) {
        if (signal.aborted) return null;
        outcomes.push({ key, ok: false, unavailable: false, message: `the ceilings could not be measured: ${error instanceof Error ? error.message : String(error)}` });
        continue;
      }
      const runnable = modelIds.filter((id) => status(key, id).available);
      for (const [index, id] of runnable.entries()) {
        const spec = getModel(id)!;
        const plan = { modelId: id, batches: sweepBatches(Math.min(maxBatch, spec.batchAxis ? spec.maxBatch : 1)), measure: SWEEP_MEASURE, flopsPerItem: spec.flopsPerItem, threads };
        const [outcome] = await runLanes([key], plan, probe, (_k, f, m) => onProgress(key, (1 + (2 * (index + f)) / runnable.length) / 3, `${spec.title}: ${m}`), signal, runtime);
        if (signal.aborted) return null;
        if (!outcome) continue;
        outcomes.push(outcome.ok ? { key, ok: true, result: { key, model: id, ceilings, sweep: outcome.result } } : { ...outcome, message: `${spec.title}: ${outcome.message}` });
      }
    }
    return outcomes;
  };

  const runs = useLaneRuns<RooflineRun>({
    model,
    lanes,
    experiment: "roofline",
    measure,
    record: (r) => laneRecord(r.model, r.sweep, { output: undefined, ceilings: r.ceilings, roofline: pointsOf(r) }, false),
  });
  const { probe, results, saved } = runs;
  const byLane = useMemo(() => {
    const lanesSeen = new Map<LaneKey, { ceilings: LaneCeilings; runs: RooflineRun[] }>();
    for (const r of results) {
      const entry = lanesSeen.get(r.key) ?? { ceilings: r.ceilings, runs: [] };
      entry.runs.push(r);
      lanesSeen.set(r.key, entry);
    }
    return [...lanesSeen.values()];
  }, [results]);
  const charts = useMemo(() => byLane.map((l) => ({ key: l.ceilings.key, title: l.ceilings.title, build: rooflineChart(l.ceilings, l.runs.flatMap(pointsOf)) })), [byLane]);
  const first = getModel(model);
  if (!first) return <p className="quiz-error">RooflineExperiment: unknown model “{model}”.</p>;
  if (!first.flopsPerItem || !first.weightBytes) return <p className="quiz-error">RooflineExperiment: {first.title} has no exact FLOP and weight count, so it cannot be placed on a roofline.</p>;

  return (
    <ExperimentFrame title={title ?? "Roofline: measured ceilings and where each model and batch sits under them"} kind="roofline">
      <p className="muted">
        Each lane first measures its two ceilings with generated probes (no download): <strong>memory bandwidth</strong>, a matrix-vector product that streams a weight far larger than the last-level cache, and <strong>compute</strong>, a large-batch matrix multiply. They are kept per lane and device (the server&apos;s on the server, a browser lane&apos;s in this browser) until you ask for a new measurement. Then it sweeps {modelIds.map((id) => getModel(id)!.title).join(", ")} over batch sizes and places each (model, batch) at its arithmetic intensity: FLOPs per byte of weights, inputs and outputs moved. A lane skips models too large for it.
      </p>
      <LaneRunControls lanes={lanes} runs={runs}>
        <div className="experiment-controls">
          <label>
            <input type="checkbox" name="remeasure" checked={remeasure} disabled={runs.run.running} onChange={(e) => setRemeasure(e.target.checked)} /> Measure the ceilings again (otherwise this lane and device&apos;s last measurement is reused)
          </label>{" "}
          <ServerThreadsField cores={cores} value={threads} onChange={setThreads} disabled={runs.run.running} />
        </div>
      </LaneRunControls>
      {byLane.length > 0 && (
        <>
          <table className="result-table" data-testid="ceilings-table">
            <caption>Measured ceilings per lane</caption>
            <thead>
              <tr>
                <th scope="col">Lane and device</th>
                <th scope="col">Bandwidth (GB/s)</th>
                <th scope="col">Compute (GFLOP/s)</th>
                <th scope="col">Ridge (FLOP/byte)</th>
                <th scope="col">Probes</th>
              </tr>
            </thead>
            <tbody>
              {byLane.map(({ ceilings: c }) => (
                <tr key={c.key} data-lane={c.key}>
                  <th scope="row">
                    {c.title}
                    {c.threads && c.key === "server-cpu" ? `, ${plural(c.threads, "thread")}` : ""}{" "}
                    <span className="cell-note" data-field="device">
                      {c.device}
                    </span>
                  </th>
                  <td data-label="Bandwidth (GB/s)" data-field="bandwidth">{fmt(c.bandwidthGBps)}</td>
                  <td data-label="Compute (GFLOP/s)" data-field="compute">{fmt(c.computeGflops)}</td>
                  <td data-label="Ridge (FLOP/byte)" data-field="ridge">{fmt(c.ridgeFlopsPerByte)}</td>
                  <td data-label="Probes" className="muted">
                    {c.note}; median call {fmt(c.bandwidthProbe.p50Ms)} ms and {fmt(c.computeProbe.p50Ms)} ms; {c.cached ? `measured earlier (${new Date(c.measuredAt).toLocaleString()})` : "measured now"}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {charts.map((c) => (
            <PlotChart key={c.key} build={c.build} label={`Roofline of ${c.title}: log-log chart of GFLOP/s against arithmetic intensity, with the bandwidth slope, the flat compute line, the ridge point, the overhead region under half the roof, and each measured model and batch as a dot; the table below has the numbers.`} />
          ))}
          <table className="result-table" data-testid="roofline-table">
            <caption>Each (model, batch) against its lane&apos;s roof: achieved and attainable GFLOP/s and the regime it is in</caption>
            <thead>
              <tr>
                <th scope="col">Model, batch</th>
                <th scope="col">Intensity (FLOP/byte)</th>
                <th scope="col">Achieved (GFLOP/s)</th>
                <th scope="col">Roof there (GFLOP/s)</th>
                <th scope="col">% of roof</th>
                <th scope="col">Regime</th>
              </tr>
            </thead>
            {byLane.map(({ ceilings, runs: laneRuns }) => (
              <tbody key={ceilings.key} data-lane={ceilings.key}>
                <LaneGroupRow title={ceilings.title} device={ceilings.device} colSpan={6} />
                {laneRuns.flatMap((r) =>
                  pointsOf(r).map((p) => (
                    <tr key={`${r.model}-${p.batch}`} data-lane={r.key} data-model={r.model} data-batch={p.batch}>
                      <th scope="row" data-label="Model, batch">
                        {p.model}, {p.batch}
                      </th>
                      <td data-label="Intensity (FLOP/byte)" data-field="intensity">{fmt(p.intensity)}</td>
                      <td data-label="Achieved (GFLOP/s)" data-field="gflops">{fmt(p.gflops)}</td>
                      <td data-label="Roof there (GFLOP/s)">{fmt(p.attainable)}</td>
                      <td data-label="% of roof">{fmt((100 * p.gflops) / p.attainable)}%</td>
                      <td data-label="Regime" data-field="regime" title={REGIME_WORDS[p.regime]}>
                        {p.regime}
                      </td>
                    </tr>
                  )),
                )}
              </tbody>
            ))}
          </table>
          <p className="muted">
            A point above 100% of the roof means the model kept part of its data in cache (the ceilings stream from memory) or its FLOPs are a lower bound; the roof is measured, not a datasheet number. Regimes: {Object.values(REGIME_WORDS).join("; ")}.
          </p>
          <TimerNote results={results.map((r) => r.sweep)} />
          <BrowserEnvironmentNote results={results.map((r) => r.sweep)} />
          <ResultActions
            name="roofline"
            rows={results.flatMap((r) => resultRows("roofline", r.model, [r.sweep]).map((row, i) => ({ ...row, bandwidth_gbps: r.ceilings.bandwidthGBps, compute_gflops: r.ceilings.computeGflops, ridge_flops_per_byte: r.ceilings.ridgeFlopsPerByte, regime: pointsOf(r).find((p) => p.batch === r.sweep.points[i]?.batch)?.regime ?? null })))}
            json={{ experiment: "roofline", models: modelIds, environment: pageEnvironment(probe), lanes: byLane.map((l) => ({ ceilings: l.ceilings, runs: l.runs.map((r) => ({ model: r.model, points: pointsOf(r), sweep: { ...r.sweep, output: undefined } })) })) }}
            saved={saved}
          />
        </>
      )}
    </ExperimentFrame>
  );
}
