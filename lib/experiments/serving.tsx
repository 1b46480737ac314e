"use client";
import { useMemo, useState } from "react";
import type { ServerPointStats } from "@/lib/inference/wire";
import { getModel } from "@/lib/models/registry";
import { runServerJob } from "./api";
import { PlotChart, type PlotModule } from "./chart";
import { ExperimentFrame } from "./components/frame";
import { LaneGroupRow } from "./components/lane-group-row";
import { ResultActions } from "./components/result-actions";
import { LaneRunControls } from "./components/run-controls";
import { fmt, tickFormat } from "./format";
import { littleSentence, type OpenLoopPoint, openLoopCurve, openLoopRows, OpenLoopTable, parseRates, throughputP99Chart } from "./open-loop-view";
import { useLaneRuns } from "./hooks/lane-runs";
import { isServerLaneKey, LANE_KEYS, LANE_TITLES, type LaneKey, storedLane } from "./lanes";
import { pageEnvironment } from "./records";
import { eachLane } from "./run-lanes";

export interface ServingExperimentProps {
  model?: string;
  concurrency?: number[];
  /** Target arrival rates (requests/s) of the open-loop mode, offered as its default. */
  rates?: number[];
  /** Which load the experiment starts on; the learner can switch. */
  load?: "concurrency" | "poisson";
  /** Whether dynamic batching starts on, and its max batch: a lesson can set up one side of a comparison. */
  batching?: boolean;
  maxBatch?: number;
  title?: string;
}

/** A closed-loop load level of the server scenario (declared in lib/inference/wire.ts). */
type ServingPoint = ServerPointStats & { concurrency: number };

interface ServingSettings {
  key: LaneKey;
  jobId: string;
  device: string | null;
  software: boolean;
  /** 1 when dynamic batching is off: every request runs alone, through the same bounded queue. */
  maxBatch: number;
  maxQueueDelayMs: number;
  maxQueueSize: number;
}

type ServingResult = ServingSettings & ({ mode: "concurrency"; points: ServingPoint[] } | { mode: "poisson"; points: OpenLoopPoint[] });
type ClosedLoopResult = Extract<ServingResult, { mode: "concurrency" }>;

const SERVING_LANES: LaneKey[] = LANE_KEYS.filter(isServerLaneKey);

/**
 * The server scenario: closed-loop clients at rising concurrency against the
 * server's dynamic batcher. Browser lanes have no batcher to measure, so only
 * server lanes are offered.
 */
export function ServingExperiment({ model = "digits-mlp", concurrency = [1, 2, 4, 8, 16], rates = [250, 1000, 4000], load = "concurrency", batching: batchingAtStart = true, maxBatch: maxBatchAtStart = 8, title }: ServingExperimentProps) {
  const spec = getModel(model);
  const [mode, setMode] = useState<"concurrency" | "poisson">(load);
  const [ratesText, setRatesText] = useState(rates.join(", "));
  const parsedRates = parseRates(ratesText);
  const [batching, setBatching] = useState(batchingAtStart);
  const [maxBatch, setMaxBatch] = useState(maxBatchAtStart);
  const [maxQueueDelayMs, setMaxQueueDelayMs] = useState(2);
  const [maxQueueSize, setMaxQueueSize] = useState(64);
  const runs = useLaneRuns<ServingResult>({
    model,
    lanes: SERVING_LANES,
    experiment: "serving",
    initialLanes: ["server-cpu"],
    // Shown when every lane has finished; a Stop cancels the server job and keeps nothing.
    measure: async (chosen, { signal, onProgress }) => {
      const rateList = "rates" in parsedRates ? parsedRates.rates : null;
      // Off is one request per batch through the same bounded queue, so refusals count the same way.
      const batchSettings = batching ? { maxBatchSize: maxBatch, maxQueueDelayMs, maxQueueSize } : { maxBatchSize: 1, maxQueueDelayMs: 0, maxQueueSize };
      const outcomes = await eachLane(chosen, signal, onProgress, async (key, progress) => {
        if (mode === "poisson" && !rateList) throw new Error("error" in parsedRates ? parsedRates.error : "rates: none given");
        const loadSpec = mode === "poisson" ? { mode: "poisson", rate: rateList } : { mode: "concurrency", concurrency };
        const job = await runServerJob(
          {
            model,
            lane: key.replace("server-", ""),
            scenario: { kind: "server", load: loadSpec, batching: batchSettings, warmupRequests: 20, minRequests: mode === "poisson" ? 300 : 100, minDurationMs: mode === "poisson" ? 1500 : 800, maxDurationMs: mode === "poisson" ? 6000 : 3000 },
          },
          progress,
          signal,
        );
        const scenario = job.results!.scenario;
        if (scenario.kind !== "server") throw new Error(`the server answered a ${scenario.kind} result to a server-scenario request`);
        const settings = { key, jobId: job.id, device: job.lane.device, software: job.lane.software === true, maxBatch: batchSettings.maxBatchSize, maxQueueDelayMs: batchSettings.maxQueueDelayMs, maxQueueSize };
        // The points carry what their load mode measured: concurrency, or target rate and open-loop stats.
        return scenario.mode === "poisson" ? { ...settings, mode: "poisson" as const, points: scenario.points as OpenLoopPoint[] } : { ...settings, mode: "concurrency" as const, points: scenario.points as ServingPoint[] };
      });
      return signal.aborted ? null : outcomes;
    },
    record: (r) => {
      const best = r.points.reduce((a, b) => (b.throughputPerSecond > a.throughputPerSecond ? b : a), r.points[0]!);
      return { lane: storedLane(r.key), modelId: model, device: r.device, software: r.software, threads: null, batchSize: r.maxBatch, p50Ms: best.latencyMs.p50, throughput: best.throughputPerSecond, environment: { server: true }, results: { mode: r.mode, maxBatch: r.maxBatch, maxQueueDelayMs: r.maxQueueDelayMs, maxQueueSize: r.maxQueueSize, points: r.points }, benchmarkRunId: r.jobId };
    },
  });
  const { probe, results, saved, run } = runs;

  const closed = useMemo(() => results.filter((r): r is ClosedLoopResult => r.mode === "concurrency"), [results]);
  const open = useMemo(
    () => results.flatMap((r) => (r.mode === "poisson" ? [{ title: LANE_TITLES[r.key], device: `${r.device ?? "unknown device"}${r.software ? " (software GPU)" : ""}`, laneKey: r.key, batching: r.maxBatch > 1 ? `max ${r.maxBatch}, ${fmt(r.maxQueueDelayMs)} ms` : "off", points: r.points }] : [])),
    [results],
  );
  const curve = useMemo(() => (closed.length ? curveChart(closed) : open.length ? openLoopCurve(open) : null), [closed, open]);
  const split = useMemo(() => (closed.length ? splitChart(closed) : null), [closed]);
  if (!spec) return <p className="quiz-error">ServingExperiment: unknown model “{model}”.</p>;
  const rows = [
    ...closed.flatMap((r) => r.points.map((p) => ({ lane: r.key, device: r.device, maxBatch: r.maxBatch, maxQueueDelayMs: r.maxQueueDelayMs, concurrency: p.concurrency, throughput_per_s: p.throughputPerSecond, p50_ms: p.latencyMs.p50, p99_ms: p.latencyMs.p99, queue_p50_ms: p.queueMs.p50, compute_p50_ms: p.computeMs.p50, mean_batch_rows: p.meanBatchRows, rejected: p.rejected }))),
    ...openLoopRows(open),
  ];
  const stable = open.flatMap((r) => r.points).filter((p) => p.openLoop.stable);
  const little = littleSentence(stable[stable.length - 1] ?? open[0]?.points[0] ?? null);

  return (
    <ExperimentFrame title={title ?? `Serving ${spec.title} with a dynamic batcher`} kind="serving">
      <p className="muted">
        {mode === "concurrency" ? (
          <>{concurrency.join(", ")} clients send one-item requests back to back (closed loop: a client waits for its answer before sending again).</>
        ) : (
          <>Requests arrive at random (Poisson) at each target rate, whether or not earlier ones have been answered (open loop), and each latency counts from when the request was due to arrive.</>
        )}{" "}
        With dynamic batching, the server&apos;s batcher groups waiting requests up to the max batch, holding the first one at most the max queue delay; a full queue refuses requests. Runs on server lanes only: your browser has no batcher to measure.
      </p>
      <LaneRunControls lanes={SERVING_LANES} runs={runs} stoppedNote="Stopped; the server job was cancelled. Nothing is shown or saved.">
        <fieldset className="serving-controls" disabled={run.running}>
          <legend>Load</legend>
          <label>
            <input type="radio" name="serving-load" checked={mode === "concurrency"} onChange={() => setMode("concurrency")} /> Closed loop: clients
          </label>{" "}
          <label>
            <input type="radio" name="serving-load" checked={mode === "poisson"} onChange={() => setMode("poisson")} /> Open loop: Poisson arrivals
          </label>
          {mode === "poisson" && (
            <>
              {" "}
              <label>
                Arrival rates (requests/s) <input type="text" inputMode="decimal" value={ratesText} onChange={(e) => setRatesText(e.target.value)} aria-invalid={"error" in parsedRates} />
              </label>
              {"error" in parsedRates && <p role="alert">{parsedRates.error}</p>}
            </>
          )}
        </fieldset>
        <div className="serving-controls">
          <label>
            <input type="checkbox" checked={batching} onChange={(e) => setBatching(e.target.checked)} disabled={run.running} /> Dynamic batching
          </label>{" "}
          <label>
            Max batch{" "}
            <select value={maxBatch} onChange={(e) => setMaxBatch(Number(e.target.value))} disabled={run.running || !batching}>
              {[1, 2, 4, 8, 16, 32, 64].map((b) => (
                <option key={b} value={b}>
                  {b}
                </option>
              ))}
            </select>
          </label>{" "}
          <label>
            Max queue delay (ms){" "}
            <input type="number" min={0} max={50} step={0.5} value={maxQueueDelayMs} onChange={(e) => setMaxQueueDelayMs(Math.max(0, Math.min(50, Number(e.target.value))))} disabled={run.running || !batching} />
          </label>{" "}
          <label>
            Max queue size{" "}
            <select value={maxQueueSize} onChange={(e) => setMaxQueueSize(Number(e.target.value))} disabled={run.running}>
              {[8, 64, 512, 4096].map((q) => (
                <option key={q} value={q}>
                  {q}
                </option>
              ))}
            </select>
          </label>
        </div>
      </LaneRunControls>
      {results.length > 0 && (
        <>
          {curve && <PlotChart build={curve} label={`Chart of throughput in requests per second against p99 latency in milliseconds, one point per ${closed.length ? "concurrency" : "arrival rate"}; the table below has the numbers.`} />}
          {split && <PlotChart build={split} label="Stacked bars of median queue time and compute time in milliseconds per concurrency; the table below has the numbers." />}
          {open.length > 0 && (
            <>
              <OpenLoopTable runs={open} />
              {little && (
                <p data-testid="littles-law">
                  <strong>Little&apos;s law</strong> (requests in the system = arrival rate × time in the system): {little}
                </p>
              )}
            </>
          )}
          {closed.length > 0 && (
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
              {closed.map((r) => (
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
          )}
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

function curveChart(results: ClosedLoopResult[]) {
  const rows = results.flatMap((r) => r.points.map((p) => ({ series: LANE_TITLES[r.key], p99: p.latencyMs.p99, throughput: p.throughputPerSecond, label: String(p.concurrency) })));
  return throughputP99Chart(rows, "↑ Throughput (requests/s)", "Each point is one concurrency, labelled with its number of clients.");
}

function splitChart(results: ClosedLoopResult[]) {
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
