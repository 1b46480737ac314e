"use client";
import { useId, useRef, useState } from "react";
import { getModel } from "@/lib/models/registry";
import { cellNumber, quote, siblingExperiment } from "../../shared/read-table";
import { type SweepRow, sweepRows } from "../../shared/sweep-rows";

const WIDE = getModel("mlp-wide");

interface Reading {
  one: SweepRow;
  big: SweepRow;
  /** The server CPU's ceilings from the roofline experiment on this page, when it has run. */
  ceilings: { bandwidth: number; compute: number } | null;
}

function serverCeilings(doc: Document | undefined): Reading["ceilings"] {
  const row = doc?.querySelector('[data-experiment="roofline"] [data-testid="ceilings-table"] tr[data-lane="server-cpu"]');
  const bandwidth = cellNumber(row?.querySelector('[data-field="bandwidth"]'));
  const compute = cellNumber(row?.querySelector('[data-field="compute"]'));
  return bandwidth && compute ? { bandwidth, compute } : null;
}

/**
 * The learner's own wide-MLP sweep on the server CPU, read back as the two cases
 * the lesson describes: batch 1 as a bandwidth (every call streams all weights)
 * and batch 64 as arithmetic, each against the roofline's ceilings when measured.
 */
export function WideReader() {
  const root = useRef<HTMLElement>(null);
  const [reading, setReading] = useState<Reading | "none" | null>(null);
  const headingId = useId();

  const read = () => {
    const section = siblingExperiment(root.current, "batch-sweep", "previous");
    const caption = section?.querySelector('[data-testid="sweep-table"] caption')?.textContent ?? "";
    const rows = WIDE && caption.startsWith(WIDE.title) ? sweepRows(section) : [];
    const one = rows.find((r) => r.batch === 1);
    const big = rows.find((r) => r.batch === 64);
    setReading(one && big ? { one, big, ceilings: serverCeilings(root.current?.ownerDocument) } : "none");
  };

  const weightsMB = (WIDE?.weightBytes ?? 0) / 1e6;
  const flopsPerItem = WIDE?.flopsPerItem ?? 0;

  return (
    <section className="panel" aria-labelledby={headingId} ref={root} data-testid="wide-reader">
      <p id={headingId}>
        <strong>Your numbers, read for you.</strong> After the sweep above has run the wide MLP on the Server CPU lane, read batch 1 and batch 64 here.{" "}
        <button type="button" onClick={read}>
          Read my wide-MLP run
        </button>
      </p>
      {reading === "none" && <p role="status">No server-CPU sweep of the wide MLP with batches 1 and 64 on this page yet: run the experiment above with that model and lane first.</p>}
      {reading && reading !== "none" && (
        <ul data-testid="wide-reading">
          <li>
            Batch 1: one call took {quote(reading.one.p50)} ms (median) and read all {quote(weightsMB)} MB of weights, so your CPU streamed about{" "}
            <strong data-field="bandwidth">{quote(weightsMB / reading.one.p50)} GB/s</strong>
            {reading.ceilings
              ? `, ${quote((100 * weightsMB) / reading.one.p50 / reading.ceilings.bandwidth, 2)}% of the ${quote(reading.ceilings.bandwidth)} GB/s bandwidth ceiling your roofline measured.`
              : ". Run the roofline experiment above on the Server CPU lane to compare it with the bandwidth ceiling."}
          </li>
          <li>
            Batch 64: one call took {quote(reading.big.p50)} ms, {quote(reading.big.p50 / reading.one.p50, 2)}× batch 1&apos;s time for 64× the inputs. That is{" "}
            <strong data-field="gflops">{quote((flopsPerItem * reading.big.throughput) / 1e9)} GFLOP/s</strong>
            {reading.ceilings
              ? `, ${quote((100 * flopsPerItem * reading.big.throughput) / 1e9 / reading.ceilings.compute, 2)}% of your ${quote(reading.ceilings.compute)} GFLOP/s compute ceiling`
              : ""}
            , against {quote((flopsPerItem * reading.one.throughput) / 1e9)} GFLOP/s at batch 1.
          </li>
          <li>
            One operation at a time, a processor would need a clock of <strong data-field="equivalent-clock">{quote((flopsPerItem * reading.big.throughput) / 1e9)} GHz</strong> to match batch 64. The CPU got there by doing many
            operations per tick: SIMD lanes on each core, and several cores.
          </li>
        </ul>
      )}
    </section>
  );
}
