"use client";
import { useId, useRef, useState } from "react";
import { cellNumber, quote, siblingExperiment } from "../../shared/read-table";

const BUCKETS = [
  { label: "Fewer than 100 requests/s", low: 0, high: 100 },
  { label: "100 to 1,000 requests/s", low: 100, high: 1_000 },
  { label: "1,000 to 10,000 requests/s", low: 1_000, high: 10_000 },
  { label: "More than 10,000 requests/s", low: 10_000, high: Number.POSITIVE_INFINITY },
] as const;

function bucketOf(rate: number): number {
  return BUCKETS.findIndex((b) => rate >= b.low && rate < b.high);
}

/**
 * Predict, then measure: the learner commits to a range before running the
 * latency experiment below, then compares it with their own server-CPU median.
 * The page holds no answer: the answer is whatever the learner's run measures.
 */
export function RatePrediction() {
  const [picked, setPicked] = useState<number | null>(null);
  const [check, setCheck] = useState<string | null>(null);
  const root = useRef<HTMLElement>(null);
  const headingId = useId();

  const compare = () => {
    const section = siblingExperiment(root.current, "latency", "next");
    const p50 = cellNumber(section?.querySelector('[data-testid="latency-table"] tr[data-lane="server-cpu"] [data-field="p50"]'));
    if (p50 === null || p50 <= 0) {
      setCheck("No server-CPU result yet: tick the Server CPU lane in the experiment below, press Run, then compare again.");
      return;
    }
    const rate = 1000 / p50;
    const measured = bucketOf(rate);
    const off = picked === null ? null : Math.abs(measured - picked);
    setCheck(
      `Your server CPU's median call took ${quote(p50)} ms, so one stream of requests, one at a time, finishes about ${quote(rate)} requests per second (1000 ÷ ${quote(p50)}): "${BUCKETS[measured]!.label}". ` +
        (off === null ? "" : off === 0 ? "Your prediction was in the right range." : `Your prediction was ${off} range${off > 1 ? "s" : ""} away.`),
    );
  };

  return (
    <section className="panel" aria-labelledby={headingId} ref={root} data-testid="rate-prediction">
      <p id={headingId}>
        <strong>Predict first.</strong> The digit classifier below runs on the server&apos;s CPU, one request at a time, nothing else in flight. How many requests per
        second will that single stream finish?
      </p>
      <div role="group" aria-label="Your prediction" style={{ display: "flex", gap: ".5rem", flexWrap: "wrap" }}>
        {BUCKETS.map((bucket, index) => (
          <button key={bucket.label} type="button" aria-pressed={picked === index} onClick={() => setPicked(index)}>
            {bucket.label}
          </button>
        ))}
      </div>
      <div aria-live="polite">
        {picked !== null && (
          <p data-testid="prediction-locked">
            Noted: {BUCKETS[picked]!.label.toLowerCase()}. Now run the experiment below with the Server CPU lane ticked and come back to compare.{" "}
            <button type="button" onClick={compare}>
              Compare with my run
            </button>
          </p>
        )}
        {check && <p data-testid="prediction-check">{check}</p>}
      </div>
    </section>
  );
}
