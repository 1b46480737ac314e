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
 * Ticks a log axis asks for. d3 labels only the mantissas its count leaves
 * room for: at 5, one decade reads 0.1, 0.2, 0.3, 0.4 ms and many decades
 * read 0.01, 0.1, 1, 10 ms; at Plot's default (about one per 80 px) a
 * decade labels every tick, and with units the labels collide.
 */
export const LOG_AXIS_TICKS = 5;

/**
 * An axis of lane titles ("Your browser: WASM, 1 thread") that wraps them onto
 * lines rather than clipping them at the margin, with a margin that leaves
 * narrow screens room for the data. Spread `margin` into the plot options and
 * add `mark` to its marks (with the scale's own axis turned off).
 */
export function wrappedLabelAxis(Plot: PlotModule, width: number, scale: "y" | "fy", anchor: "left" | "right") {
  // Plot measures lineWidth in ems of its 10 px axis font.
  const ems = width < 560 ? 9 : 17;
  const px = ems * 10 + 14;
  const options = { anchor, label: null, lineWidth: ems, tickSize: 0 } as const;
  return {
    margin: anchor === "left" ? { marginLeft: px } : { marginRight: px },
    mark: scale === "y" ? Plot.axisY(options) : Plot.axisFy(options),
  };
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
