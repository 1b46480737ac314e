"use client";
import { useMemo, useState } from "react";
import type { ServerPointStats } from "@/lib/inference/wire";
import { getModel } from "@/lib/models/registry";
import { runServerJob } from "./api";
import { LOG_AXIS_TICKS, PlotChart, type PlotModule } from "./chart";
import { ExperimentFrame } from "./components/frame";
import { LaneGroupRow } from "./components/lane-group-row";
import { ResultActions } from "./components/result-actions";
import { LaneRunControls } from "./components/run-controls";
import { fmt, tickFormat } from "./format";
import { useLaneRuns } from "./hooks/lane-runs";
import { isServerLaneKey, LANE_KEYS, LANE_TITLES, type LaneKey, storedLane } from "./lanes";
import { pageEnvironment } from "./records";
import { eachLane } from "./run-lanes";

export interface ServingExperimentProps {
  model?: string;
  concurrency?: number[];
  title?: string;
}

/** A closed-loop load level of the server scenario (declared in lib/inference/wire.ts). */
type ServingPoint = ServerPointStats & { concurrency: number };

interface ServingResult {
  key: LaneKey;
  jobId: string;
  device: string | null;
  software: boolean;
  maxBatch: number;
  maxQueueDelayMs: number;
  points: ServingPoint[];
}

const SERVING_LANES: LaneKey[] = LANE_KEYS.filter(isServerLaneKey);

/**
 * The server scenario: closed-loop clients at rising concurrency against the
 * server's dynamic batcher. Browser lanes have no batcher to measure, so only
 * server lanes are offered.
 */
export function ServingExperiment({ model = "digits-mlp", concurrency = [1, 2, 4, 8, 16], title }: ServingExperimentProps) {
  const spec = getModel(model);
  const [maxBatch, setMaxBatch] = useState(8);
  const [maxQueueDelayMs, setMaxQueueDelayMs] = useState(2);
  const runs = useLaneRuns<ServingResult>({
    model,
    lanes: SERVING_LANES,
    experiment: "serving",
    initialLanes: ["server-cpu"],
    // Shown when every lane has finished; a Stop cancels the server job and keeps nothing.
    measure: async (chosen, { signal, onProgress }) => {
      const outcomes = await eachLane(chosen, signal, onProgress, async (key, progress) => {
        const job = await runServerJob(
          {
            model,
            lane: key.replace("server-", ""),
            scenario: { kind: "server", load: { mode: "concurrency", concurrency }, batching: { maxBatchSize: maxBatch, maxQueueDelayMs }, warmupRequests: 20, minRequests: 100, minDurationMs: 800, maxDurationMs: 3000 },
          },
          progress,
          signal,
        );
        const scenario = job.results!.scenario;
        if (scenario.kind !== "server") throw new Error(`the server answered a ${scenario.kind} result to a server-scenario request`);
        // Closed-loop levels only (load mode "concurrency"): every point has its concurrency.
        return { key, jobId: job.id, device: job.lane.device, software: job.lane.software === true, maxBatch, maxQueueDelayMs, points: scenario.points as ServingPoint[] };
      });
      return signal.aborted ? null : outcomes;
    },
    record: (r) => {
      const best = r.points.reduce((a, b) => (b.throughputPerSecond > a.throughputPerSecond ? b : a), r.points[0]!);
      return { lane: storedLane(r.key), modelId: model, device: r.device, software: r.software, threads: null, batchSize: r.maxBatch, p50Ms: best.latencyMs.p50, throughput: best.throughputPerSecond, environment: { server: true }, results: { maxBatch: r.maxBatch, maxQueueDelayMs: r.maxQueueDelayMs, points: r.points }, benchmarkRunId: r.jobId };
    },
  });
  const { probe, results, saved, run } = runs;

  const curve = useMemo(() => (results.length ? curveChart(results) : null), [results]);
  const split = useMemo(() => (results.length ? splitChart(results) : null), [results]);
  if (!spec) return <p className="quiz-error">ServingExperiment: unknown model “{model}”.</p>;
  const rows = results.flatMap((r) => r.points.map((p) => ({ lane: r.key, device: r.device, maxBatch: r.maxBatch, maxQueueDelayMs: r.maxQueueDelayMs, concurrency: p.concurrency, throughput_per_s: p.throughputPerSecond, p50_ms: p.latencyMs.p50, p99_ms: p.latencyMs.p99, queue_p50_ms: p.queueMs.p50, compute_p50_ms: p.computeMs.p50, mean_batch_rows: p.meanBatchRows, rejected: p.rejected })));

  return (
    <ExperimentFrame title={title ?? `Serving ${spec.title} with a dynamic batcher`} kind="serving">
      <p className="muted">
        {concurrency.join(", ")} clients send one-item requests back to back; the server&apos;s batcher groups waiting requests up to the max batch, holding the first one at most the max queue delay. Runs on server lanes only: your browser has no batcher to measure.
      </p>
      <LaneRunControls lanes={SERVING_LANES} runs={runs} stoppedNote="Stopped; the server job was cancelled. Nothing is shown or saved.">
        <div className="serving-controls">
          <label>
            Max batch{" "}
            <select value={maxBatch} onChange={(e) => setMaxBatch(Number(e.target.value))} disabled={run.running}>
              {[1, 2, 4, 8, 16, 32, 64].map((b) => (
                <option key={b} value={b}>
                  {b}
                </option>
              ))}
            </select>
          </label>{" "}
          <label>
            Max queue delay (ms){" "}
            <input type="number" min={0} max={50} step={0.5} value={maxQueueDelayMs} onChange={(e) => setMaxQueueDelayMs(Math.max(0, Math.min(50, Number(e.target.value))))} disabled={run.running} />
          </label>
        </div>
      </LaneRunControls>
      {results.length > 0 && (
        <>
          {curve && <PlotChart build={curve} label="Chart of throughput in requests per second against p99 latency in milliseconds, one point per concurrency; the table below has the numbers." />}
          {split && <PlotChart build={split} label="Stacked bars of median queue time and compute time in milliseconds per concurrency; the table below has the numbers." />}
          <table className="result-table" data-testid="serving-table">
            <caption>Per concurrency: throughput (requests/s), latency p50/p99 (ms), median queue and compute time (ms), mean rows per batch</caption>
            <thead>
              <tr>
                <th scope="col">Clients</th>
                <th scope="col">Throughput (req/s)</th>
                <th scope="col">p50 (ms)</th>
                <th scope="col">p99 (ms)</th>
                <th scope="col">Queue p50 (ms)</th>
                <th scope="col">Compute p50 (ms)</th>
                <th scope="col">Rows per batch</th>
              </tr>
            </thead>
            {results.map((r) => (
              <tbody key={r.key} data-lane={r.key}>
                <LaneGroupRow title={`${LANE_TITLES[r.key]}, max batch ${r.maxBatch}, max queue delay ${fmt(r.maxQueueDelayMs)} ms`} device={`${r.device ?? "unknown device"}${r.software ? " (software GPU)" : ""}`} colSpan={7} />
                {r.points.map((p) => (
                  <tr key={p.concurrency} data-lane={r.key} data-concurrency={p.concurrency}>
                    <th scope="row" data-label="Clients">{p.concurrency}</th>
                    <td data-label="Throughput (req/s)" data-field="throughput">{fmt(p.throughputPerSecond)}</td>
                    <td data-label="p50 (ms)">{fmt(p.latencyMs.p50)}</td>
                    <td data-label="p99 (ms)" data-field="p99">{fmt(p.latencyMs.p99)}</td>
                    <td data-label="Queue p50 (ms)" data-field="queue">{fmt(p.queueMs.p50)}</td>
                    <td data-label="Compute p50 (ms)" data-field="compute">{fmt(p.computeMs.p50)}</td>
                    <td data-label="Rows per batch">{fmt(p.meanBatchRows)}</td>
                  </tr>
                ))}
              </tbody>
            ))}
          </table>
          <ResultActions name={`serving-${model}`} rows={rows} json={{ experiment: "serving", model, concurrency, environment: pageEnvironment(probe), results }} saved={saved} />
        </>
      )}
    </ExperimentFrame>
  );
}

/**
 * The concurrencies measured, as numbers in ascending order: as strings an
 * ordinal axis sorts "16" before "2", and Plot flags numeric strings with a ⚠.
 */
export function clientsDomain(results: Array<{ points: Array<{ concurrency: number }> }>): number[] {
  return [...new Set(results.flatMap((r) => r.points.map((p) => p.concurrency)))].sort((a, b) => a - b);
}

/** One bar segment per lane, concurrency and part (queue or compute), for the stacked split chart. */
export function splitRows(results: Array<{ key: LaneKey; points: Array<Pick<ServingPoint, "concurrency" | "queueMs" | "computeMs">> }>) {
  return results.flatMap((r) =>
    r.points.flatMap((p) => [
      { lane: LANE_TITLES[r.key], clients: p.concurrency, part: "queue", ms: p.queueMs.p50 },
      { lane: LANE_TITLES[r.key], clients: p.concurrency, part: "compute", ms: p.computeMs.p50 },
    ]),
  );
}

function curveChart(results: ServingResult[]) {
  return (Plot: PlotModule, width: number) => {
    const rows = results.flatMap((r) => r.points.map((p) => ({ lane: LANE_TITLES[r.key], p99: p.latencyMs.p99, throughput: p.throughputPerSecond, clients: p.concurrency })));
    return Plot.plot({
      width,
      height: 280,
      // Room for five-figure throughputs ("12,000"), which the default 40 px clips.
      marginLeft: 64,
      marginRight: 24,
      x: { type: "log", label: "p99 latency (log scale) →", grid: true, ticks: LOG_AXIS_TICKS, tickFormat: tickFormat("ms") },
      y: { label: "↑ Throughput (requests/s)", grid: true, tickFormat: tickFormat() },
      color: { legend: true },
      marks: [Plot.line(rows, { x: "p99", y: "throughput", stroke: "lane", marker: "circle" }), Plot.text(rows, { x: "p99", y: "throughput", text: (d: { clients: number }) => String(d.clients), dy: -10 })],
      caption: "Each point is one concurrency, labelled with its number of clients.",
    });
  };
}

function splitChart(results: ServingResult[]) {
  return (Plot: PlotModule, width: number) =>
    Plot.plot({
      width,
      height: 240,
      marginLeft: 48,
      x: { type: "band", domain: clientsDomain(results), label: "Concurrent clients" },
      y: { label: "↑ Median time (ms)", grid: true, tickFormat: tickFormat() },
      fx: { label: null },
      color: { legend: true },
      marks: [Plot.barY(splitRows(results), { x: "clients", y: "ms", fill: "part", fx: "lane" }), Plot.ruleY([0])],
    });
}
