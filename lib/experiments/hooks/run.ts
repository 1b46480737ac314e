"use client";
import { useCallback, useEffect, useRef, useState } from "react";
import { preloadPlot } from "../chart";
import type { LaneKey } from "../lanes";
import type { LanesProgress } from "../run-lanes";

export type RunProgressMap = Partial<Record<LaneKey, { fraction: number; message: string }>>;

/*
 * Module-level on purpose, and private to useRun: "one run at a time" is a
 * rule of the page, across every experiment's useRun, not of one component.
 */
let activeRun: AbortController | null = null;

/** Start/Stop and the run's lifecycle; Stop terminates browser workers and cancels server jobs. */
export function useRun() {
  const [running, setRunning] = useState(false);
  const [progress, setProgress] = useState<RunProgressMap>({});
  const controller = useRef<AbortController | null>(null);
  const [stopped, setStopped] = useState(false);
  const [busyElsewhere, setBusyElsewhere] = useState(false);
  const start = useCallback(async <T,>(work: (signal: AbortSignal, onProgress: LanesProgress) => Promise<T>): Promise<T | null> => {
    // Two experiments measuring at once on the same cores would corrupt both: one at a time per page.
    if (activeRun) {
      setBusyElsewhere(true);
      return null;
    }
    setBusyElsewhere(false);
    const c = new AbortController();
    activeRun = c;
    controller.current = c;
    setRunning(true);
    setStopped(false);
    setProgress({});
    // Loaded on Run, not on page load: charts are only needed once there are results.
    void preloadPlot().catch(() => undefined);
    try {
      return await work(c.signal, (key, fraction, message) => setProgress((p) => ({ ...p, [key]: { fraction, message } })));
    } finally {
      if (activeRun === c) activeRun = null;
      setRunning(false);
      setProgress({});
      if (c.signal.aborted) setStopped(true);
    }
  }, []);
  const stop = useCallback(() => controller.current?.abort(), []);
  useEffect(() => () => controller.current?.abort(), []);
  return { running, progress, start, stop, stopped, busyElsewhere };
}
