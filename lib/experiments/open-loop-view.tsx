"use client";
import type { OpenLoopStats, ServerPointStats } from "@/lib/inference/wire";
import { LOG_AXIS_TICKS, type PlotModule } from "./chart";
import { fmt, tickFormat } from "./format";
import { LaneGroupRow } from "./components/lane-group-row";

/** One open-loop load level of the server scenario (declared in lib/inference/wire.ts). */
export type OpenLoopPoint = ServerPointStats & { targetRate: number; openLoop: OpenLoopStats };

export interface OpenLoopRun {
  title: string;
  device: string;
  laneKey: string;
  batching: string;
  points: OpenLoopPoint[];
}

/** "Rates (requests/s)" as typed: numbers only, every one > 0; anything else is named back to the learner. */
export function parseRates(text: string): { rates: number[] } | { error: string } {
  const parts = text.split(/[\s,]+/).filter(Boolean);
  if (parts.length === 0) return { error: "rates: give at least one arrival rate in requests per second" };
  const rates: number[] = [];
  for (const part of parts) {
    const value = Number(part);
    if (!Number.isFinite(value) || value <= 0) return { error: `rates: “${part}” is not a positive number of requests per second` };
    rates.push(value);
  }
  return { rates };
}

/** Little's law in the run's own numbers, for the sentence under the table. */
export function littleSentence(point: OpenLoopPoint | null): string | null {
  const law = point?.openLoop.littlesLaw;
  if (!law || law.ratio === null) return null;
  return `At ${fmt(point!.targetRate)} requests/s: L = ${fmt(law.meanInSystem)} requests in the system on average (measured from when each one arrived and left), and λ × W = ${fmt(law.arrivalRatePerSecond)}/s × ${fmt(law.meanLatencyMs)} ms = ${fmt(law.predictedInSystem)}: a ratio of ${fmt(law.ratio)}.`;
}

export function OpenLoopTable({ runs }: { runs: OpenLoopRun[] }) {
  return (
    <table className="result-table" data-testid="open-loop-table">
      <caption>
        Per target arrival rate (Poisson): the rate drawn and actually sent, what was served, latency from each request&apos;s scheduled arrival (ms), median time queued before its batch ran (ms), mean requests per batch, requests refused by a full queue, and Little&apos;s law (L against λ × W)
      </caption>
      <thead>
        <tr>
          <th scope="col">Target (req/s)</th>
          <th scope="col">Sent (req/s)</th>
          <th scope="col">Served (req/s)</th>
          <th scope="col">p50 (ms)</th>
          <th scope="col">p99 (ms)</th>
          <th scope="col">Queue p50 (ms)</th>
          <th scope="col">Rows per batch</th>
          <th scope="col">Rejected</th>
          <th scope="col">L</th>
          <th scope="col">λ × W</th>
          <th scope="col">Stable</th>
        </tr>
      </thead>
      {runs.map((r) => (
        <tbody key={`${r.laneKey}-${r.batching}`} data-lane={r.laneKey} data-batching={r.batching}>
          <LaneGroupRow title={`${r.title}, batching ${r.batching}`} device={r.device} colSpan={11} />
          {r.points.map((p) => (
            <tr key={p.targetRate} data-lane={r.laneKey} data-rate={p.targetRate} data-stable={p.openLoop.stable}>
              <th scope="row" data-label="Target (req/s)">{fmt(p.targetRate)}</th>
              <td data-label="Sent (req/s)" data-field="achieved" title={`drawn schedule ${fmt(p.openLoop.scheduledRate)}/s; sender lag p99 ${fmt(p.openLoop.senderLagMs.p99)} ms`}>
                {fmt(p.openLoop.achievedRate)}
                {p.openLoop.keptSchedule ? "" : " (sender fell behind)"}
              </td>
              <td data-label="Served (req/s)" data-field="served">{fmt(p.throughputPerSecond)}</td>
              <td data-label="p50 (ms)" data-field="p50">{fmt(p.latencyMs.p50)}</td>
              <td data-label="p99 (ms)" data-field="p99">{fmt(p.latencyMs.p99)}</td>
              <td data-label="Queue p50 (ms)" data-field="queue">{fmt(p.queueMs.p50)}</td>
              <td data-label="Rows per batch" data-field="batch-rows">{fmt(p.meanBatchRows)}</td>
              <td data-label="Rejected" data-field="rejected">{p.rejected.toLocaleString("en-US")}</td>
              <td data-label="L" data-field="little-l">{fmt(p.openLoop.littlesLaw?.meanInSystem)}</td>
              <td data-label="λ × W" data-field="little-lw">{fmt(p.openLoop.littlesLaw?.predictedInSystem)}</td>
              <td data-label="Stable">{p.openLoop.stable ? "yes" : p.rejected > 0 ? "no: queue full" : "no: falling behind"}</td>
            </tr>
          ))}
        </tbody>
      ))}
    </table>
  );
}

export function openLoopRows(runs: OpenLoopRun[]) {
  return runs.flatMap((r) =>
    r.points.map((p) => ({
      lane: r.laneKey,
      batching: r.batching,
      target_rate: p.targetRate,
      scheduled_rate: p.openLoop.scheduledRate,
      achieved_rate: p.openLoop.achievedRate,
      served_per_s: p.throughputPerSecond,
      p50_ms: p.latencyMs.p50,
      p99_ms: p.latencyMs.p99,
      queue_p50_ms: p.queueMs.p50,
      mean_batch_rows: p.meanBatchRows,
      rejected: p.rejected,
      completed: p.completed,
      little_l: p.openLoop.littlesLaw?.meanInSystem ?? null,
      little_lambda_w: p.openLoop.littlesLaw?.predictedInSystem ?? null,
      stable: p.openLoop.stable,
      sender_lag_p99_ms: p.openLoop.senderLagMs.p99,
    })),
  );
}

/** One point of a throughput-vs-p99 curve: its line (`series`) and the load it was measured at (`label`). */
export interface CurvePoint {
  series: string;
  p99: number;
  throughput: number;
  label: string;
}

/** Triton's Model Analyzer view, for either load: throughput against tail latency, one point per load level. */
export function throughputP99Chart(rows: CurvePoint[], yLabel: string, caption: string) {
  return (Plot: PlotModule, width: number) =>
    Plot.plot({
      width,
      height: 280,
      // Room for five-figure throughputs ("12,000"), which the default 40 px clips.
      marginLeft: 64,
      marginRight: 24,
      x: { type: "log", label: "p99 latency (log scale) →", grid: true, ticks: LOG_AXIS_TICKS, tickFormat: tickFormat("ms") },
      y: { label: yLabel, grid: true, tickFormat: tickFormat() },
      color: { legend: true },
      marks: [Plot.line(rows, { x: "p99", y: "throughput", stroke: "series", marker: "circle" }), Plot.text(rows, { x: "p99", y: "throughput", text: "label", dy: -10 })],
      caption,
    });
}

/** Served throughput against p99, one line per lane and batching setting, one point per rate. */
export function openLoopCurve(runs: OpenLoopRun[]) {
  const rows = runs.flatMap((r) => r.points.map((p) => ({ series: `${r.title}, batching ${r.batching}`, p99: p.latencyMs.p99, throughput: p.throughputPerSecond, label: `${fmt(p.targetRate)}/s` })));
  return throughputP99Chart(rows, "↑ Served (requests/s)", "Each point is one target arrival rate. Past saturation, served throughput stops rising while p99 climbs and the queue starts refusing requests.");
}
