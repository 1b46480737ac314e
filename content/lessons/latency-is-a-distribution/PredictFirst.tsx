"use client";
import { useId, useState } from "react";

interface Option {
  label: string;
  correct: boolean;
}

/**
 * "Predict, then learn": the learner commits to a guess before the reasoning
 * is shown. Nothing is graded or stored; quizzes do that.
 */
export function PredictFirst({ question, options, reveal }: { question: string; options: Option[]; reveal: string }) {
  const [picked, setPicked] = useState<number | null>(null);
  const headingId = useId();
  const choice = picked === null ? undefined : options[picked];
  return (
    <section className="panel" aria-labelledby={headingId}>
      <p id={headingId}>
        <strong>Predict first.</strong> {question}
      </p>
      <div role="group" aria-label="Your prediction" style={{ display: "flex", gap: ".5rem", flexWrap: "wrap" }}>
        {options.map((option, index) => (
          <button key={option.label} type="button" aria-pressed={picked === index} onClick={() => setPicked(index)}>
            {option.label}
          </button>
        ))}
      </div>
      <div aria-live="polite">
        {choice && (
          <p data-testid="prediction-feedback">
            {choice.correct ? "Right. " : "Not quite. "}
            {reveal}
          </p>
        )}
      </div>
    </section>
  );
}
