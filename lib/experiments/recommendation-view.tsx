import type { ReactNode } from "react";
import { fmt } from "./format";
import { type MissingMeasurement, type Recommendation, SOURCE_TITLES } from "./recommend";

/**
 * A recommendation as the experiment and its permalink (/results/{id}) show it:
 * the answer, every lane's verdict, and the arithmetic step by step. No hooks,
 * so the server-rendered results page uses it as it is.
 */
export function RecommendationAnswer({ recommendation, missingAction }: { recommendation: Recommendation; missingAction?: (missing: MissingMeasurement) => ReactNode }) {
  const { workload, lanes, recommended, summary, missing, notes } = recommendation;
  return (
    <div className="recommendation" data-testid="recommendation" data-recommended={lanes.find((l) => l.id === recommended)?.lane ?? "none"}>
      <p className={recommended ? "lead" : "quiz-error"} data-field="summary">
        {summary}
      </p>
      {notes.map((note) => (
        <p key={note} className="muted">
          {note}
        </p>
      ))}
      {lanes.length > 0 && (
        <table className="result-table" data-testid="recommendation-table">
          <caption>
            Each lane against {fmt(workload.p99TargetMs)} ms p99 at {fmt(workload.requestsPerSecond)} requests/s, {fmt(workload.busyHoursPerDay)} busy of {fmt(workload.billedHoursPerDay)} billed hours a day
          </caption>
          <thead>
            <tr>
              <th scope="col">Lane, device and source</th>
              <th scope="col">Verdict</th>
              <th scope="col">p99 at batch 1 (ms)</th>
              <th scope="col">Best batch</th>
              <th scope="col">Capacity (items/s)</th>
              <th scope="col">Headroom (%)</th>
              <th scope="col">$ per million</th>
            </tr>
          </thead>
          <tbody>
            {lanes.map((lane) => (
              <tr key={lane.id} data-lane={lane.lane} data-source={lane.source} data-meets={lane.meets ? "yes" : "no"} data-recommended={lane.id === recommended ? "yes" : "no"}>
                <th scope="row">
                  {lane.laneTitle}
                  {lane.id === recommended ? " (recommended)" : ""}
                  <span className="cell-note" data-field="device">
                    {lane.device ?? "unknown device"}
                    {lane.software ? " (software GPU: CPU speed, not GPU speed)" : ""}
                  </span>
                  <span className="cell-note" data-field="source">
                    from {SOURCE_TITLES[lane.source]}
                    {lane.verified ? "" : ", reported by a browser"}
                  </span>
                </th>
                <td data-label="Verdict" data-field="verdict">
                  {lane.meets ? "Meets the target" : lane.refusals.map((r) => r.text).join(" ")}
                </td>
                <td data-label="p99 at batch 1 (ms)">{fmt(lane.batch1P99Ms)}</td>
                <td data-label="Best batch">{lane.bestBatch ?? "—"}</td>
                <td data-label="Capacity (items/s)" data-field="capacity">{fmt(lane.capacityPerSecond)}</td>
                <td data-label="Headroom (%)" data-field="headroom">{fmt(lane.headroomPercent)}</td>
                <td data-label="$ per million" data-field="dollars">{fmt(lane.dollarsPerMillion)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {lanes.map((lane) => (
        <details key={lane.id} data-steps={lane.lane} open={lane.id === recommended}>
          <summary>
            The arithmetic for {lane.laneTitle} ({lane.device ?? "unknown device"}, {SOURCE_TITLES[lane.source]})
          </summary>
          <ol>
            {lane.steps.map((step, i) => (
              <li key={i}>{step}</li>
            ))}
          </ol>
        </details>
      ))}
      {missing.length > 0 && (
        <div data-testid="recommendation-missing">
          <h4>Measurements of yours that are missing</h4>
          <ul>
            {missing.map((m) => (
              <li key={`${m.lane}-${m.kind}`} data-lane={m.lane} data-kind={m.kind}>
                {m.text} {missingAction?.(m)}
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
