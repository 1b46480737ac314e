"use client";
import { useId, useRef, useState } from "react";
import { quote, siblingExperiment } from "../../shared/read-table";
import { type SweepRow, sweepRows } from "../../shared/sweep-rows";

export interface SweepReaderProps {
  /** Bytes of weights one call reads (fp32), to turn the batch-1 time into a bandwidth; omit for models that stay in cache. */
  weightBytes?: number;
  /** Floating-point operations per item, to turn the best point into GFLOP/s. */
  flopsPerItem: number;
}

/**
 * The learner's own server-CPU sweep (the batch-sweep experiment just above),
 * read back as the figures the lesson talks about: gain over batch 1, knee,
 * achieved bandwidth and GFLOP/s, and the best batch under a latency budget.
 */
export function SweepReader({ weightBytes, flopsPerItem }: SweepReaderProps) {
  const root = useRef<HTMLElement>(null);
  const [rows, setRows] = useState<SweepRow[] | null>(null);
  const [budget, setBudget] = useState("");
  const headingId = useId();
  const budgetMs = Number(budget);

  const one = rows?.find((r) => r.batch === 1);
  const best = rows && rows.length > 0 ? rows.reduce((a, b) => (b.throughput > a.throughput ? b : a)) : undefined;
  const knee = rows?.find((r) => r.knee);
  const last = rows && rows.length > 0 ? rows[rows.length - 1] : undefined;
  const fits = rows && budget !== "" && budgetMs > 0 ? rows.filter((r) => r.p99 <= budgetMs) : null;
  const bestFit = fits && fits.length > 0 ? fits.reduce((a, b) => (b.throughput > a.throughput ? b : a)) : null;

  return (
    <section className="panel" aria-labelledby={headingId} ref={root} data-testid="sweep-reader">
      <p id={headingId}>
        <strong>Your numbers, read for you.</strong> After the sweep above has finished on the Server CPU lane, read its table here.{" "}
        <button type="button" onClick={() => setRows(sweepRows(siblingExperiment(root.current, "batch-sweep", "previous")))}>
          Read my sweep
        </button>
      </p>
      {rows !== null && rows.length === 0 && <p role="status">No server-CPU sweep on this page yet: run the experiment above first.</p>}
      {rows !== null && one && best && last && (
        <ul data-testid="sweep-reading">
          <li>
            Batch 1: {quote(one.throughput)} items/s, one batch in {quote(one.p50)} ms (median).
            {weightBytes !== undefined && (
              <>
                {" "}
                Each call reads all {quote(weightBytes / 1e6)} MB of weights, so your CPU streamed about{" "}
                <strong data-field="bandwidth">{quote(weightBytes / 1e6 / one.p50)} GB/s</strong> from memory ({quote(weightBytes / 1e6)} MB ÷ {quote(one.p50)} ms).
              </>
            )}
          </li>
          <li>
            Best: <strong data-field="best">{quote(best.throughput)} items/s at batch {best.batch}</strong>, that is{" "}
            <strong data-field="gain">{quote(best.throughput / one.throughput, 2)}×</strong> batch 1&apos;s throughput, doing about{" "}
            {quote((flopsPerItem * best.throughput) / 1e9)} GFLOP/s of arithmetic.
          </li>
          {knee && (
            <li>
              Knee: batch {knee.batch}, the smallest batch within 10% of the best. Going from batch {knee.batch} to {last.batch} multiplied the time of one batch by{" "}
              {quote(last.p50 / knee.p50, 2)} for {quote(last.throughput / knee.throughput, 2)}× the throughput.
            </li>
          )}
          {last.batch !== best.batch && (
            <li>
              Your largest batch ({last.batch}) was not your fastest: {quote(last.throughput)} items/s against {quote(best.throughput)} at batch {best.batch}. Past some size, a bigger
              batch costs throughput as well as latency.
            </li>
          )}
        </ul>
      )}
      {rows !== null && rows.length > 0 && (
        <>
          <p>
            <label>
              Latency budget for one batch, p99 (ms){" "}
              <input type="number" min={0} step="any" value={budget} onChange={(e) => setBudget(e.target.value)} style={{ width: "7rem" }} />
            </label>
          </p>
          {fits !== null && (
            <p data-testid="budget-answer" aria-live="polite">
              {bestFit
                ? `Within ${quote(budgetMs)} ms per batch (p99), your best choice is batch ${bestFit.batch}: ${quote(bestFit.throughput)} items/s, p99 ${quote(bestFit.p99)} ms per batch.`
                : `No batch met a p99 of ${quote(budgetMs)} ms, not even batch 1 (p99 ${quote(rows[0]!.p99)} ms): this lane cannot serve this model within that budget.`}
            </p>
          )}
        </>
      )}
    </section>
  );
}
