"use client";
import { useCallback, useMemo, useState } from "react";
import type { BrowserRuntimeSizes } from "@/lib/browser/builds";
import type { BrowserProbe } from "@/lib/browser/probe";
import type { LaneKey, LaneOutcome, LaneResult, LaneStatus, RunPlan } from "../lanes";
import { pageEnvironment, saveRun, type SaveState } from "../records";
import { type LanesProgress, runLanes } from "../run-lanes";
import { MAX_RUNS_PER_SAVE, type ExperimentKind, type LaneRunRecord } from "../schema";
import { UNKNOWN_LESSON, useLabContext } from "./lab-context";
import { useRun } from "./run";

/** What a run's measuring gets besides the chosen lanes. */
export interface MeasureContext<R> {
  signal: AbortSignal;
  onProgress: LanesProgress;
  probe: BrowserProbe | null;
  runtime: BrowserRuntimeSizes | null;
  /** Shows outcomes before the run ends (the quantization experiment, variant by variant). */
  show: (outcomes: Array<LaneOutcome<R>>) => void;
}

/**
 * Measures the chosen lanes. Null: the run was stopped and nothing more is
 * shown or saved; outcomes: shown, and every finished lane saved.
 */
export type Measure<R> = (chosen: LaneKey[], run: MeasureContext<R>) => Promise<Array<LaneOutcome<R>> | null>;

interface LaneRunsOptions<R> {
  /** The model the lane statuses are about. */
  model: string;
  /** Every model the run measures, when more than `model` (a lane is offered when it can run them all). */
  models?: string[];
  lanes: LaneKey[];
  experiment: ExperimentKind;
  /** Ticked before the learner picks. */
  initialLanes?: LaneKey[];
  /** The stored record of one finished result; `finished` is all of them, for figures that compare lanes. */
  record: (result: R, finished: R[]) => LaneRunRecord;
}

const DEFAULT_LANES: LaneKey[] = ["server-cpu", "browser-wasm"];

/**
 * What every lane experiment shares: lanes to pick, one run over the chosen
 * lanes, and saving every result that finished. A plan runs it on each lane
 * (latency, batch sweep, roofline, cost); an experiment that measures
 * something else, or several models, brings its own `measure`.
 */
export function useLaneRuns(options: LaneRunsOptions<LaneResult> & { plan: () => RunPlan }): LaneRuns<LaneResult>;
export function useLaneRuns<R>(options: LaneRunsOptions<R> & { measure: Measure<R> }): LaneRuns<R>;
export function useLaneRuns<R>(options: LaneRunsOptions<R> & ({ plan: () => RunPlan } | { measure: Measure<R> })): LaneRuns<R> {
  const { model, models, lanes, experiment, initialLanes = DEFAULT_LANES, record } = options;
  const { probe, runtime, lessonSlug, status } = useLabContext();
  const modelIds = useMemo(() => models ?? [model], [models, model]);
  const laneStatus = useCallback((key: LaneKey) => modelIds.map((id) => status(key, id)).find((s) => !s.available) ?? status(key, model), [status, modelIds, model]);
  const [selected, setSelected] = useState<LaneKey[]>(initialLanes);
  const [outcomes, setOutcomes] = useState<Array<LaneOutcome<R>>>([]);
  const [saved, setSaved] = useState<SaveState>({ state: "idle" });
  const run = useRun();
  const chosen = lanes.filter((k) => selected.includes(k) && laneStatus(k).available);
  const measure: Measure<R> = "plan" in options ? (keys, ctx) => runLanes(keys, options.plan(), ctx.probe, ctx.onProgress, ctx.signal, ctx.runtime) as Promise<Array<LaneOutcome<R>>> : options.measure;

  const start = async () => {
    setOutcomes([]);
    setSaved({ state: "idle" });
    const result = await run.start((signal, onProgress) => measure(chosen, { signal, onProgress, probe, runtime, show: setOutcomes }));
    if (!result) return;
    setOutcomes(result);
    const finished = result.flatMap((o) => (o.ok ? [o.result] : []));
    // Results are stored per lesson; on a page outside the lessons (/devices) they are exported, not stored.
    if (finished.length > 0 && lessonSlug !== UNKNOWN_LESSON) {
      setSaved({ state: "saving" });
      setSaved(await saveRun(lessonSlug, experiment, finished.slice(0, MAX_RUNS_PER_SAVE).map((r) => record(r, finished)), pageEnvironment(probe)));
    }
  };

  const results = useMemo(() => outcomes.flatMap((o) => (o.ok ? [o.result] : [])), [outcomes]);
  return { probe, runtime, models: modelIds, laneStatus, selected, setSelected, outcomes, results, saved, run, chosen, start };
}

export interface LaneRuns<R> {
  probe: BrowserProbe | null;
  runtime: BrowserRuntimeSizes | null;
  models: string[];
  laneStatus: (key: LaneKey) => LaneStatus;
  selected: LaneKey[];
  setSelected: (next: LaneKey[]) => void;
  outcomes: Array<LaneOutcome<R>>;
  results: R[];
  saved: SaveState;
  run: ReturnType<typeof useRun>;
  chosen: LaneKey[];
  start: () => Promise<void>;
}
