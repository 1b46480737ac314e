"use client";
import { useEffect, useRef, useState } from "react";

export type PlotModule = typeof import("@observablehq/plot");

let plotModule: Promise<PlotModule> | null = null;

/**
 * Starts fetching and evaluating the plotting library; experiments call it when
 * a run starts so its one-off evaluation overlaps the run instead of delaying the result.
 */
export function preloadPlot(): Promise<PlotModule> {
  plotModule ??= import("@observablehq/plot");
  return plotModule;
}

/**
 * An Observable Plot chart, loaded only once there is something to draw: the
 * library never weighs on a lesson page before a learner runs an experiment.
 * Every chart sits beside a table with the same numbers (the text alternative).
 */
export function PlotChart({ build, label }: { build: (Plot: PlotModule, width: number) => SVGSVGElement | HTMLElement; label: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    let chart: Element | null = null;
    preloadPlot().then(
      async (Plot) => {
        // Each chart renders in its own task, so several charts never add up to one long main-thread task.
        await new Promise((resolve) => setTimeout(resolve, 0));
        if (cancelled || !ref.current) return;
        chart = build(Plot, Math.min(ref.current.clientWidth || 640, 720));
        chart.setAttribute("aria-hidden", "true");
        ref.current.replaceChildren(chart);
      },
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      cancelled = true;
      chart?.remove();
    };
  }, [build]);
  return (
    <figure className="experiment-chart" role="img" aria-label={label}>
      <div ref={ref} />
      {error && <p className="quiz-error">The chart could not load ({error}); the table below has the same numbers.</p>}
    </figure>
  );
}
