"use client";
import { useId, useRef, useState } from "react";
import { cellNumber, quote, siblingExperiment } from "../../shared/read-table";

interface Reading {
  figure: string;
  simulated: number | null;
  measured: number | null;
}

const FIGURES = ["throughput", "p50", "p99", "on-a", "on-b"] as const;

/**
 * The learner's own live router run (the experiment just above), read back:
 * what the server measured beside what the simulation predicted, and by how much they differ.
 */
export function HybridReader() {
  const root = useRef<HTMLElement>(null);
  const [readings, setReadings] = useState<Reading[] | null>(null);
  const headingId = useId();
  const read = () => {
    const table = siblingExperiment(root.current, "hybrid-router", "previous")?.querySelector('[data-testid="hybrid-comparison"]');
    if (!table) return setReadings([]);
    setReadings(
      FIGURES.map((figure) => {
        const row = table.querySelector(`tr[data-figure="${figure}"]`);
        return { figure, simulated: cellNumber(row?.querySelector('[data-field="simulated"]')), measured: cellNumber(row?.querySelector('[data-field="measured"]')) };
      }),
    );
  };
  const get = (figure: string) => readings?.find((r) => r.figure === figure);
  const throughput = get("throughput");
  const p50 = get("p50");
  const p99 = get("p99");
  const onA = get("on-a");
  const onB = get("on-b");
  const gap = (r: Reading | undefined) => (r?.simulated != null && r.measured != null && r.measured > 0 ? `${quote(((r.simulated - r.measured) / r.measured) * 100, 2)}%` : "—");

  return (
    <section className="panel" aria-labelledby={headingId} ref={root} data-testid="hybrid-reader">
      <p id={headingId}>
        <strong>Your numbers, read for you.</strong> After a live run of the router above has finished, read its comparison here.{" "}
        <button type="button" onClick={read}>
          Read my run
        </button>
      </p>
      {readings !== null && readings.length === 0 && <p role="status">No live run on this page yet: run the router live above first.</p>}
      {readings !== null && readings.length > 0 && throughput?.measured != null && (
        <ul data-testid="hybrid-reading">
          <li>
            The server served <strong data-field="throughput">{quote(throughput.measured)} requests/s</strong>; the simulation said {quote(throughput.simulated ?? NaN)} ({gap(throughput)} off). Below
            saturation both should equal the arrival rate: a lane that keeps up serves what arrives.
          </li>
          {p50?.measured != null && p99?.measured != null && (
            <li>
              Median latency was <strong data-field="p50">{quote(p50.measured)} ms</strong> live against {quote(p50.simulated ?? NaN)} ms simulated ({gap(p50)}); p99 was{" "}
              <strong data-field="p99">{quote(p99.measured)} ms</strong> against {quote(p99.simulated ?? NaN)} ms ({gap(p99)}).
            </li>
          )}
          {onA?.measured != null && onB?.measured != null && (
            <li>
              The policy sent <strong data-field="on-a">{quote(onA.measured, 6)}</strong> requests to lane A and <strong data-field="on-b">{quote(onB.measured, 6)}</strong> to lane B; together they are every request of the run.
            </li>
          )}
        </ul>
      )}
    </section>
  );
}
