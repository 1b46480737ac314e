"use client";
import { useId, useRef, useState } from "react";
import { cellNumber, quote, siblingExperiment } from "../../shared/read-table";

interface Reading {
  lane: string;
  source: string;
  dollars: number | null;
  headroom: number | null;
  capacity: number | null;
  rate: number | null;
  target: number | null;
  refused: Array<{ lane: string; verdict: string }>;
}

/** What the recommendation just above answered, read from its own table, in the lesson's words. */
function read(section: Element | null): Reading | null {
  const table = section?.querySelector('[data-testid="recommendation-table"]');
  if (!section || !table) return null;
  const input = (name: string) => {
    const value = Number((section.querySelector(`input[name="${name}"]`) as HTMLInputElement | null)?.value);
    return Number.isFinite(value) ? value : null;
  };
  const row = table.querySelector('tr[data-recommended="yes"]');
  const title = (tr: Element) => tr.querySelector("th")?.childNodes[0]?.textContent?.trim() ?? tr.getAttribute("data-lane") ?? "";
  return {
    lane: row ? title(row) : "",
    source: row?.querySelector('[data-field="source"]')?.textContent?.trim() ?? "",
    dollars: cellNumber(row?.querySelector('[data-field="dollars"]')),
    headroom: cellNumber(row?.querySelector('[data-field="headroom"]')),
    capacity: cellNumber(row?.querySelector('[data-field="capacity"]')),
    rate: input("requestsPerSecond"),
    target: input("p99TargetMs"),
    refused: [...table.querySelectorAll('tr[data-meets="no"]')].map((tr) => ({ lane: title(tr), verdict: tr.querySelector('[data-field="verdict"]')?.textContent?.trim() ?? "" })),
  };
}

export function RecommendationReader() {
  const root = useRef<HTMLElement>(null);
  const [reading, setReading] = useState<Reading | null | "none">(null);
  const headingId = useId();
  return (
    <section className="panel" aria-labelledby={headingId} ref={root} data-testid="recommendation-reader">
      <p id={headingId}>
        <strong>Your answer, read back.</strong> After the recommendation above has answered, read it here.{" "}
        <button type="button" onClick={() => setReading(read(siblingExperiment(root.current, "recommendation", "previous")) ?? "none")}>
          Read my recommendation
        </button>
      </p>
      {reading === "none" && <p role="status">No recommendation on this page yet: press Recommend above first (and run what it says is missing).</p>}
      {reading && reading !== "none" && (
        <ul data-testid="recommendation-reading">
          {reading.lane ? (
            <>
              <li>
                For {quote(reading.rate ?? 0)} requests/s within {quote(reading.target ?? 0)} ms p99, the cheapest lane that meets the target is{" "}
                <strong data-field="lane">{reading.lane}</strong> ({reading.source}), at <strong data-field="dollars">${quote(reading.dollars ?? 0)} per million</strong>.
              </li>
              {reading.capacity !== null && reading.rate !== null && reading.headroom !== null && (
                <li>
                  Within the target it sustains {quote(reading.capacity)} items/s, so your traffic keeps it busy {quote((reading.rate / reading.capacity) * 100)}% of the time it runs:{" "}
                  <strong data-field="headroom">{quote(reading.headroom)}% headroom</strong>, room for about {quote(reading.capacity / reading.rate, 2)}× today&apos;s rate before one machine is not enough.
                </li>
              )}
            </>
          ) : (
            <li data-field="none">No lane met the target. Each row of the table says why; the next step is the measurement or the change its reason names.</li>
          )}
          {reading.refused.map((r, i) => (
            <li key={`${r.lane}-${i}`}>
              {r.lane} was turned down: {r.verdict}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
