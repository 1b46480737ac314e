"use client";
import { useId, useState } from "react";

/**
 * A prediction the learner commits to before running the experiment below it.
 * It has no answer key: the learner's own measurement is the answer, so the page
 * ships nothing a quiz question could copy. Nothing is stored or graded.
 */
export function PredictThenMeasure({ question, options, lookAt }: { question: string; options: string[]; lookAt: string }) {
  const [picked, setPicked] = useState<string | null>(null);
  const headingId = useId();
  return (
    <section className="panel" aria-labelledby={headingId} data-testid="predict-first">
      <p id={headingId}>
        <strong>Predict first.</strong> {question}
      </p>
      <div role="group" aria-label="Your prediction" style={{ display: "flex", gap: ".5rem", flexWrap: "wrap" }}>
        {options.map((option) => (
          <button key={option} type="button" aria-pressed={picked === option} onClick={() => setPicked(option)}>
            {option}
          </button>
        ))}
      </div>
      <div aria-live="polite">
        {picked && (
          <p data-testid="prediction-noted">
            You predicted “{picked}”. Now run the experiment below: {lookAt}
          </p>
        )}
      </div>
    </section>
  );
}
