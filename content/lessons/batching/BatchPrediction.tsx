"use client";
import { useId, useRef, useState } from "react";
import { quote, siblingExperiment } from "../../shared/read-table";
import { sweepRows } from "../../shared/sweep-rows";

const BUCKETS = [
  { label: "About the same (under 1.5×)", low: 0, high: 1.5 },
  { label: "1.5× to 4×", low: 1.5, high: 4 },
  { label: "4× to 16×", low: 4, high: 16 },
  { label: "More than 16×", low: 16, high: Number.POSITIVE_INFINITY },
] as const;

const bucketOf = (ratio: number) => BUCKETS.findIndex((b) => ratio >= b.low && ratio < b.high);

/**
 * Predict, then measure: how much more throughput batch 64 gives the wide MLP than
 * batch 1 on the server's CPU. The page holds no answer; the learner's sweep does.
 */
export function BatchPrediction() {
  const [picked, setPicked] = useState<number | null>(null);
  const [check, setCheck] = useState<string | null>(null);
  const root = useRef<HTMLElement>(null);
  const headingId = useId();

  const compare = () => {
    const rows = sweepRows(siblingExperiment(root.current, "batch-sweep", "next"));
    const one = rows.find((r) => r.batch === 1);
    const big = rows.find((r) => r.batch === 64);
    if (!one || !big || one.throughput <= 0) {
      setCheck("No server-CPU sweep with batches 1 and 64 yet: run the sweep below with the Server CPU lane ticked, then compare again.");
      return;
    }
    const ratio = big.throughput / one.throughput;
    const measured = bucketOf(ratio);
    const off = picked === null ? null : Math.abs(measured - picked);
    setCheck(
      `Your server CPU did ${quote(one.throughput)} items/s at batch 1 and ${quote(big.throughput)} items/s at batch 64: ${quote(ratio, 2)}× ("${BUCKETS[measured]!.label}"). ` +
        (off === null ? "" : off === 0 ? "Your prediction was in the right range." : `Your prediction was ${off} range${off > 1 ? "s" : ""} away.`),
    );
  };

  return (
    <section className="panel" aria-labelledby={headingId} ref={root} data-testid="batch-prediction">
      <p id={headingId}>
        <strong>Predict first.</strong> The wide MLP below holds 134 MB of weights. On the server&apos;s CPU, how many times more items per second will it process at batch 64
        than at batch 1?
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
            Noted: {BUCKETS[picked]!.label}. Run the sweep below with the Server CPU lane ticked, then come back.{" "}
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
