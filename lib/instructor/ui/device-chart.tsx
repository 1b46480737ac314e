"use client";
import * as Plot from "@observablehq/plot";
import { useEffect, useMemo, useRef, useState } from "react";
import { LOG_AXIS_TICKS, wrappedLabelAxis } from "@/lib/experiments/chart";
import { tickFormat } from "@/lib/experiments/format";
import { hardwareKind, laneLabel, type DeviceResult, type HardwareKind } from "../devices";

const kinds: HardwareKind[] = ["GPU", "software GPU", "CPU", "remote"];
const colors = ["#0b5cad", "#b35c00", "#1b6e33", "#6b3fa0"];

/**
 * Every stored result as a dot on a log latency axis, one row per lane and
 * device, for one model at a time. The table beside it (rendered by the page)
 * carries the same numbers as text.
 */
export function DeviceChart({ results, models }: { results: DeviceResult[]; models: string[] }) {
  const [model, setModel] = useState(models[0] ?? "");
  const [batch, setBatch] = useState<string>("1");
  const ref = useRef<HTMLDivElement>(null);
  const batches = useMemo(() => [...new Set(results.filter((r) => r.modelId === model).map((r) => String(r.batchSize ?? 1)))].sort((a, b) => Number(a) - Number(b)), [results, model]);
  const effectiveBatch = batches.includes(batch) ? batch : (batches[0] ?? "1");
  const shown = useMemo(
    () =>
      results
        .filter((r) => r.modelId === model && String(r.batchSize ?? 1) === effectiveBatch && r.p50Ms !== null && r.p50Ms > 0)
        .map((r) => ({
          p50Ms: r.p50Ms!,
          row: `${laneLabel(r.lane, r.software)} · ${r.device ?? "unknown device"}`,
          kind: hardwareKind(r.lane, r.software),
          source: r.source === "server" ? "server benchmark" : "learner",
        })),
    [results, model, effectiveBatch],
  );

  useEffect(() => {
    const host = ref.current;
    if (!host) return;
    host.replaceChildren();
    if (shown.length === 0) return;
    // Fastest row first, by its median, so the ranking reads top to bottom.
    const byRow = new Map<string, number[]>();
    for (const d of shown) byRow.set(d.row, [...(byRow.get(d.row) ?? []), d.p50Ms]);
    const mid = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1]!;
    const rows = [...byRow.keys()].sort((a, b) => mid(byRow.get(a)!) - mid(byRow.get(b)!));
    const width = Math.max(320, host.clientWidth || 720);
    // Row labels wrap onto lines instead of being cut at the margin: the "software GPU" mark must stay readable.
    const rowAxis = wrappedLabelAxis(Plot, width, "y", "left");
    const chart = Plot.plot({
      width,
      height: 60 + rows.length * 44,
      ...rowAxis.margin,
      marginRight: 24,
      // Not Plot's SI default, which would print 0.1 ms as "100m".
      x: { type: "log", label: "p50 latency per batch (log scale) →", grid: true, ticks: LOG_AXIS_TICKS, tickFormat: tickFormat("ms") },
      y: { label: null, domain: rows, axis: null },
      color: { domain: kinds, range: colors, legend: true },
      symbol: { domain: ["learner", "server benchmark"], legend: true },
      marks: [
        rowAxis.mark,
        Plot.dot(shown, { x: "p50Ms", y: "row", stroke: "kind", symbol: "source", r: 3.5, strokeOpacity: 0.75, tip: true }),
        Plot.tickX(shown, Plot.groupY({ x: "median" }, { x: "p50Ms", y: "row", stroke: "#1d1f21", strokeWidth: 2 })),
      ],
    });
    host.append(chart);
    return () => chart.remove();
  }, [shown]);

  if (models.length === 0) return <p>No stored experiment results with a latency yet.</p>;
  return (
    <figure className="ir-figure" aria-describedby="device-table-note">
      <div className="ir-controls">
        <label>
          Model{" "}
          <select value={model} onChange={(e) => setModel(e.target.value)}>
            {models.map((m) => (
              <option key={m}>{m}</option>
            ))}
          </select>
        </label>
        <label>
          Batch size{" "}
          <select value={effectiveBatch} onChange={(e) => setBatch(e.target.value)}>
            {batches.map((b) => (
              <option key={b}>{b}</option>
            ))}
          </select>
        </label>
      </div>
      <div ref={ref} data-testid="device-chart" role="img" aria-label={`p50 latency of ${model} at batch ${effectiveBatch} by lane and device; the table below has the same numbers`} />
      <figcaption>
        Each dot is one stored result; the black tick is the median of its row. Software GPUs (SwiftShader) run on the CPU and are
        marked as such: their numbers say nothing about GPU speed.
      </figcaption>
    </figure>
  );
}
