"use client";
import { useMemo, useState } from "react";
import type { SingleStreamResult } from "@/lib/inference/wire";
import { getModel, models } from "@/lib/models/registry";
import { PlotChart, type PlotModule } from "./chart";
import { fmt, plural, tickFormat } from "./format";
import { runServerJob } from "./api";
import type { LaneRunRecord } from "./schema";
import { SWEEP_MEASURE } from "./sweep";
import { ExperimentFrame } from "./components/frame";
import { ResultActions } from "./components/result-actions";
import { RunButtons, RunProgress } from "./components/run-controls";
import { useLabContext } from "./hooks/lab-context";
import { useRun } from "./hooks/run";
import { pageEnvironment, saveRun, type SaveState } from "./records";

export interface ThreadsExperimentProps {
  model?: string;
  batch?: number;
  title?: string;
}

/** Thread counts a scaling run measures: powers of two up to the cores, and the cores themselves (at most 12, one stored row each). */
export function threadCounts(cores: number): number[] {
  const counts = new Set<number>();
  for (let t = 1; t <= cores; t *= 2) counts.add(t);
  counts.add(cores);
  return [...counts].sort((a, b) => a - b).slice(-12);
}

interface ThreadPoint {
  threads: number;
  result: SingleStreamResult;
  benchmarkRunId: string;
  device: string | null;
}

/** Models the server can time at a batch: every registry model whose batch axis takes it. */
const threadModels = models.filter((m) => m.variant === "fp32");

/**
 * The server CPU lane at 1 … cores intra-op threads: throughput and latency
 * against threads, so a learner sees where more threads stop paying (memory
 * bandwidth, or a model too small to split).
 */
export function ThreadsExperiment({ model: initialModel = "mlp-wide", batch: initialBatch = 1, title }: ThreadsExperimentProps) {
  const { capabilities, lessonSlug, probe } = useLabContext();
  const [model, setModel] = useState(initialModel);
  const [batch, setBatch] = useState(initialBatch);
  const [points, setPoints] = useState<ThreadPoint[]>([]);
  const [failure, setFailure] = useState<string | null>(null);
  const [saved, setSaved] = useState<SaveState>({ state: "idle" });
  const run = useRun();
  const spec = getModel(model);
  // Models instructors added to the server's catalogue are server-lane models like the rest: offered here beside the registry's.
  const uploaded = (capabilities?.models ?? []).filter((m) => m.catalog?.addedBy);
  const upload = spec ? undefined : uploaded.find((m) => m.id === model);
  const cpu = capabilities?.lanes.find((l) => l.id === "cpu");
  const cores = cpu?.threads?.max ?? null;
  const counts = cores ? threadCounts(cores) : [];
  const maxBatch = spec ? (spec.batchAxis ? spec.maxBatch : 1) : upload && upload.batchAxis !== null && upload.batchAxis !== undefined ? (upload.maxBatch ?? 1) : 1;
  const build = useMemo(() => (points.length ? scalingChart(points) : null), [points]);
  if (!spec && !upload) return <p className="quiz-error">ThreadsExperiment: unknown model “{model}”.</p>;

  const start = async () => {
    setPoints([]);
    setFailure(null);
    setSaved({ state: "idle" });
    const measured: ThreadPoint[] = [];
    try {
      await run.start(async (signal, onProgress) => {
        for (const [index, threads] of counts.entries()) {
          const job = await runServerJob({ model, lane: "cpu", threads, scenario: { kind: "single-stream", batch, ...SWEEP_MEASURE } }, (f, m) => onProgress("server-cpu", (index + f) / counts.length, `${plural(threads, "thread")}: ${m}`), signal);
          const result = job.results?.scenario;
          if (result?.kind !== "single-stream") throw new Error(`the server answered a ${result?.kind ?? "missing"} result to a single-stream request`);
          measured.push({ threads, result, benchmarkRunId: job.id, device: job.lane.device });
          setPoints([...measured]);
        }
      });
    } catch (error) {
      setFailure(error instanceof Error ? error.message : String(error));
    }
    if (measured.length > 0) {
      setSaved({ state: "saving" });
      const records: LaneRunRecord[] = measured.map((p) => ({
        lane: "server-cpu",
        modelId: model,
        device: p.device,
        software: false,
        threads: p.threads,
        batchSize: batch,
        p50Ms: p.result.latencyMs.p50,
        throughput: p.result.itemsPerSecond,
        environment: { server: true },
        results: { threads: p.threads, batch, latencyMs: p.result.latencyMs, itemsPerSecond: p.result.itemsPerSecond, gflopsPerSecond: p.result.gflopsPerSecond },
        benchmarkRunId: p.benchmarkRunId,
      }));
      setSaved(await saveRun(lessonSlug, "threads", records, pageEnvironment(probe)));
    }
  };

  const base = points[0];
  return (
    <ExperimentFrame title={title ?? "Threads: how throughput and latency scale with intra-op threads"} kind="threads">
      <p className="muted">
        The server CPU lane runs the model at {counts.length ? counts.join(", ") : "1 … cores"} intra-op threads (this server has {cores ?? "?"} cores), one benchmark job each with the engine&apos;s rules (at least {plural(SWEEP_MEASURE.minRuns, "sample")} and {fmt(SWEEP_MEASURE.minDurationMs)} ms after warm-up). Speed-up is throughput against 1 thread; perfect scaling would equal the thread count.
      </p>
      <div className="experiment-controls">
        <label>
          Model{" "}
          <select name="threads-model" value={model} disabled={run.running} onChange={(e) => setModel(e.target.value)}>
            {threadModels.map((m) => (
              <option key={m.id} value={m.id}>
                {m.title}
              </option>
            ))}
            {uploaded.length > 0 && (
              <optgroup label="Added by instructors">
                {uploaded.map((m) => (
                  <option key={m.id} value={m.id}>
                    {m.title ?? m.id} (added by {m.catalog!.addedBy!.name})
                  </option>
                ))}
              </optgroup>
            )}
          </select>
        </label>{" "}
        <label>
          Batch{" "}
          <input type="number" name="threads-batch" min={1} max={maxBatch} value={batch} disabled={run.running || maxBatch === 1} onChange={(e) => setBatch(Math.max(1, Math.min(maxBatch, Math.floor(Number(e.target.value) || 1))))} />
        </label>
      </div>
      {!cores && <p className="muted">{cpu && !cpu.available ? `The server CPU lane is unavailable: ${cpu.reason}` : "Asking the server how many cores it has…"}</p>}
      <RunButtons running={run.running} onStart={() => void start()} onStop={run.stop} canStart={counts.length > 0} busyElsewhere={run.busyElsewhere} />
      <RunProgress progress={run.progress} />
      {run.stopped && <p role="status">Stopped. Thread counts measured to the end are shown.</p>}
      {failure && !run.stopped && <p className="quiz-error">The run stopped: {failure}</p>}
      {points.length > 0 && (
        <>
          {build && <PlotChart build={build} label="Two line charts against intra-op threads: throughput in items per second, and median and p99 latency in milliseconds; the table below has the numbers." />}
          <table className="result-table" data-testid="threads-table">
            <caption>Server CPU at each thread count, batch {batch}</caption>
            <thead>
              <tr>
                <th scope="col">Threads</th>
                <th scope="col">Throughput (items/s)</th>
                <th scope="col">Speed-up vs 1 thread</th>
                <th scope="col">p50 (ms)</th>
                <th scope="col">p99 (ms)</th>
              </tr>
            </thead>
            <tbody>
              {points.map((p) => (
                <tr key={p.threads} data-threads={p.threads}>
                  <th scope="row" data-label="Threads">{p.threads}</th>
                  <td data-label="Throughput (items/s)" data-field="throughput">{fmt(p.result.itemsPerSecond)}</td>
                  <td data-label="Speed-up vs 1 thread" data-field="speedup">{base && base.threads === 1 ? `${fmt(p.result.itemsPerSecond / base.result.itemsPerSecond)}×` : "—"}</td>
                  <td data-label="p50 (ms)" data-field="p50">{fmt(p.result.latencyMs.p50)}</td>
                  <td data-label="p99 (ms)">{fmt(p.result.latencyMs.p99)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <ResultActions
            name={`threads-${model}`}
            rows={points.map((p) => ({ experiment: "threads", model, lane: "server-cpu", device: p.device, threads: p.threads, batch, n: p.result.latencyMs.n, p50_ms: p.result.latencyMs.p50, p99_ms: p.result.latencyMs.p99, items_per_s: p.result.itemsPerSecond, gflops_per_s: p.result.gflopsPerSecond }))}
            json={{ experiment: "threads", model, batch, measure: SWEEP_MEASURE, environment: pageEnvironment(probe), points }}
            saved={saved}
          />
        </>
      )}
    </ExperimentFrame>
  );
}

function scalingChart(points: ThreadPoint[]) {
  return (Plot: PlotModule, width: number) => {
    const rows = points.flatMap((p) => [
      { threads: p.threads, panel: "Throughput (items/s)", series: "throughput", value: p.result.itemsPerSecond },
      { threads: p.threads, panel: "Latency (ms)", series: "p50", value: p.result.latencyMs.p50 },
      { threads: p.threads, panel: "Latency (ms)", series: "p99", value: p.result.latencyMs.p99 },
    ]);
    return Plot.plot({
      width,
      height: 360,
      marginLeft: 64,
      x: { label: "Intra-op threads →", ticks: points.map((p) => p.threads), tickFormat: tickFormat() },
      y: { label: null, grid: true, tickFormat: tickFormat() },
      fy: { label: null },
      facet: { data: rows, y: "panel", marginRight: 110 },
      color: { legend: true },
      marks: [Plot.line(rows, { x: "threads", y: "value", stroke: "series", marker: "circle" }), Plot.frame({ strokeOpacity: 0.2 })],
    });
  };
}
