"use client";
import type { ReactNode } from "react";
import type { LaneRuns } from "../hooks/lane-runs";
import type { RunProgressMap } from "../hooks/run";
import { LANE_TITLES, type LaneKey } from "../lanes";
import { DownloadNote } from "./download-note";
import { FailedLanes } from "./failed-lanes";
import { LanePicker } from "./lane-picker";

export function RunButtons({ running, onStart, onStop, canStart, busyElsewhere = false }: { running: boolean; onStart: () => void; onStop: () => void; canStart: boolean; busyElsewhere?: boolean }) {
  return (
    <div className="run-buttons">
      {busyElsewhere && <p role="alert">Another experiment on this page is still running; wait for it or stop it, so the two do not slow each other down.</p>}
      <button type="button" className="primary" onClick={onStart} disabled={running || !canStart}>
        Run
      </button>{" "}
      <button type="button" onClick={onStop} disabled={!running}>
        Stop
      </button>
    </div>
  );
}

export function RunProgress({ progress }: { progress: RunProgressMap }) {
  const entries = Object.entries(progress) as Array<[LaneKey, NonNullable<RunProgressMap[LaneKey]>]>;
  if (entries.length === 0) return null;
  return (
    <div className="run-progress" aria-live="polite">
      {entries.map(([key, p]) => (
        <div key={key} className="run-progress-row">
          <label>
            {LANE_TITLES[key]}: <progress max={1} value={p.fraction} data-lane={key} /> {Math.round(p.fraction * 100)}% <span className="muted">{p.message}</span>
          </label>
        </div>
      ))}
    </div>
  );
}

const NOTHING_KEPT = "Stopped. Nothing was measured to the end, so nothing is shown or saved.";

/**
 * Lanes to pick, the experiment's own settings (children), what Run will
 * download, Start/Stop, progress and what failed: the same block in every lane
 * experiment. `stoppedNote` says what a Stop kept, when that differs.
 */
export function LaneRunControls({ lanes, runs, stoppedNote = NOTHING_KEPT, children }: { lanes: LaneKey[]; runs: LaneRuns<unknown>; stoppedNote?: string; children?: ReactNode }) {
  const { selected, setSelected, laneStatus, run, start, chosen, outcomes, runtime, models } = runs;
  return (
    <>
      <LanePicker lanes={lanes} selected={selected} onChange={setSelected} status={laneStatus} disabled={run.running} />
      {children}
      <DownloadNote lanes={chosen} modelIds={models} runtime={runtime} />
      <RunButtons running={run.running} onStart={() => void start()} onStop={run.stop} canStart={chosen.length > 0} busyElsewhere={run.busyElsewhere} />
      <RunProgress progress={run.progress} />
      {run.stopped && <p role="status">{stoppedNote}</p>}
      <FailedLanes outcomes={outcomes} />
    </>
  );
}
