"use client";
import { useId, useRef, useState } from "react";
import { cellNumber, quote } from "../../shared/read-table";

/** One arrival rate of an open-loop run, as the experiment's table printed it. */
interface RateRow {
  rate: number;
  served: number;
  p50: number;
  p99: number;
  queue: number;
  rows: number;
  rejected: number;
}

interface Run {
  /** "off", or "max 16, 2 ms" as the table's group says. */
  batching: string;
  rates: RateRow[];
}

/** The server-CPU open-loop runs on this page, batching off first. */
function readRuns(from: Element | null): Run[] {
  const doc = from?.ownerDocument;
  if (!doc) return [];
  const groups = [...doc.querySelectorAll('[data-testid="open-loop-table"] tbody[data-lane="server-cpu"]')];
  const runs = groups.flatMap((group) => {
    const rates = [...group.querySelectorAll("tr[data-rate]")].flatMap((tr) => {
      const cell = (field: string) => cellNumber(tr.querySelector(`[data-field="${field}"]`));
      const row = { rate: Number(tr.getAttribute("data-rate")), served: cell("served"), p50: cell("p50"), p99: cell("p99"), queue: cell("queue"), rows: cell("batch-rows"), rejected: cell("rejected") };
      return Object.values(row).every((v) => v !== null && Number.isFinite(v)) ? [row as RateRow] : [];
    });
    return rates.length > 0 ? [{ batching: group.getAttribute("data-batching") ?? "", rates: rates.sort((a, b) => a.rate - b.rate) }] : [];
  });
  return runs.sort((a, b) => Number(b.batching === "off") - Number(a.batching === "off"));
}

const best = (run: Run) => run.rates.reduce((a, b) => (b.served > a.served ? b : a));
const top = (run: Run) => run.rates[run.rates.length - 1]!;
const plural = (n: number, word: string) => `${quote(n)} ${word}${n === 1 ? "" : "s"}`;

/**
 * Reads the two open-loop runs above (batching off, then on) and says what they show in the learner's own
 * numbers: where the server stopped keeping up, what the full queue refused, what batching changed.
 */
export function BatchingOnOffReader() {
  const root = useRef<HTMLElement>(null);
  const [runs, setRuns] = useState<Run[] | null>(null);
  const headingId = useId();
  const off = runs?.find((r) => r.batching === "off");
  const on = runs?.find((r) => r.batching !== "off");

  return (
    <section className="panel" aria-labelledby={headingId} ref={root} data-testid="batching-reader">
      <p id={headingId}>
        <strong>Your numbers, read for you.</strong> Once both runs above have finished on the Server CPU lane, read them here.{" "}
        <button type="button" onClick={() => setRuns(readRuns(root.current))}>
          Read my two runs
        </button>
      </p>
      <div aria-live="polite">
        {runs !== null && !off && !on && <p role="status">No open-loop server-CPU run on this page yet: run the two experiments above first.</p>}
        {off && (
          <p data-testid="reading-off">
            <strong>Batching off.</strong> Your server answered at most {quote(best(off).served)} requests/s (at a target of {quote(best(off).rate)}/s). At the highest
            rate you asked for, {quote(top(off).rate)}/s, its p99 was {quote(top(off).p99)} ms against a median of {quote(off.rates[0]!.p50)} ms at the lowest rate, and
            the full queue refused {plural(top(off).rejected, "request")}.
            {top(off).rejected === 0 && " Nothing was refused: your highest rate did not overload this lane. Add a higher rate and run it again."}
          </p>
        )}
        {on && (
          <p data-testid="reading-on">
            <strong>Batching on ({on.batching}).</strong> At {quote(top(on).rate)}/s the batches held {quote(top(on).rows)} requests on average (against{" "}
            {quote(on.rates[0]!.rows)} at {quote(on.rates[0]!.rate)}/s), requests waited a median {quote(top(on).queue)} ms in the queue, p99 was {quote(top(on).p99)} ms, and{" "}
            {plural(top(on).rejected, "request")} {top(on).rejected === 1 ? "was" : "were"} refused. The most it served was {quote(best(on).served)} requests/s.
          </p>
        )}
        {off && on && (
          <p data-testid="reading-compare">
            Same model, same lane, same arrivals: batching served {quote(best(on).served / best(off).served)} times as many requests per second.
            {top(on).rate === top(off).rate &&
              ` At ${quote(top(on).rate)}/s the p99 went from ${quote(top(off).p99)} ms without batching to ${quote(top(on).p99)} ms with it${top(on).p99 < top(off).p99 ? ": under load, batching made the slow requests faster, not slower" : ""}.`}
          </p>
        )}
      </div>
    </section>
  );
}
