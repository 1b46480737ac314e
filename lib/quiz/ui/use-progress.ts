"use client";
import { useCallback, useEffect, useState } from "react";

export interface ProgressEntry {
  read: boolean;
  experimentsRun: number;
  bestScore: number | null;
  attempts: number;
}

export interface ProgressState {
  loaded: boolean;
  signedIn: boolean;
  lessons: Record<string, ProgressEntry>;
}

export const PROGRESS_CHANGED = "inference-lab:progress-changed";

/** Progress is fetched in the browser so lesson and home pages stay static (decision 0005). */
export function useProgress(): ProgressState & { refresh: () => void } {
  const [state, setState] = useState<ProgressState>({ loaded: false, signedIn: false, lessons: {} });
  const refresh = useCallback(() => {
    fetch("/api/progress", { cache: "no-store" })
      .then((response) => (response.ok ? response.json() : Promise.reject(new Error(String(response.status)))))
      .then((body: { signedIn: boolean; lessons: Record<string, ProgressEntry> }) =>
        setState({ loaded: true, signedIn: body.signedIn, lessons: body.lessons }),
      )
      .catch(() => setState((previous) => ({ ...previous, loaded: true })));
  }, []);
  useEffect(() => {
    refresh();
    window.addEventListener(PROGRESS_CHANGED, refresh);
    return () => window.removeEventListener(PROGRESS_CHANGED, refresh);
  }, [refresh]);
  return { ...state, refresh };
}

export function announceProgressChanged() {
  window.dispatchEvent(new Event(PROGRESS_CHANGED));
}
