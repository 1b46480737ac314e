"use client";
import { useId, useRef, useState } from "react";
import { cellNumber, quote, siblingExperiment } from "../../shared/read-table";

interface LaneTimings {
  lane: string;
  title: string;
  naive: number | null;
  first: number | null;
  steady: number | null;
}

/** Each lane's three stopwatches, as the learner's own run printed them in the table above. */
function laneTimings(section: Element | null): LaneTimings[] {
  if (!section) return [];
  return [...section.querySelectorAll('[data-testid="pitfalls-table"] tbody tr[data-lane]')].map((tr) => ({
    lane: tr.getAttribute("data-lane")!,
    title: tr.querySelector("th")?.firstChild?.textContent?.trim() ?? tr.getAttribute("data-lane")!,
    naive: cellNumber(tr.querySelector('[data-field="naive"]')),
    first: cellNumber(tr.querySelector('[data-field="first"]')),
    steady: cellNumber(tr.querySelector('[data-field="steady-p50"]')),
  }));
}

/**
 * The learner's three-stopwatch run read back in sentences: how far the naive
 * reading and the first call land from the steady state on each lane.
 */
export function TimingReader() {
  const root = useRef<HTMLElement>(null);
  const [lanes, setLanes] = useState<LaneTimings[] | null>(null);
  const headingId = useId();

  return (
    <section className="panel" aria-labelledby={headingId} ref={root} data-testid="timing-reader">
      <p id={headingId}>
        <strong>Your numbers, read for you.</strong> After the experiment above has run, read its three stopwatches here.{" "}
        <button type="button" onClick={() => setLanes(laneTimings(siblingExperiment(root.current, "timing-pitfalls", "previous")))}>
          Read my timings
        </button>
      </p>
      {lanes !== null && lanes.length === 0 && <p role="status">No timings on this page yet: run the experiment above first.</p>}
      {lanes !== null && lanes.length > 0 && (
        <ul data-testid="timing-reading">
          {lanes.map((l) => (
            <li key={l.lane} data-lane={l.lane}>
              <strong>{l.title}:</strong>{" "}
              {l.steady === null
                ? "no steady-state median (the run did not finish)."
                : [
                    l.naive !== null ? `the naive stopwatch read ${quote(l.naive)} ms, ${quote(l.naive / l.steady)}× the steady median of ${quote(l.steady)} ms` : `the naive stopwatch read under 1 ms, below what Date.now() can resolve, against a steady median of ${quote(l.steady)} ms`,
                    l.first !== null ? `; the first call alone took ${quote(l.first)} ms (${quote(l.first / l.steady)}× steady)` : "",
                    ".",
                  ].join("")}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
