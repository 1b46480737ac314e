"use client";
import { LANE_TITLES, type LaneOutcome } from "../lanes";

/**
 * A message that may run to several lines (a runtime's stack of errors): its
 * first line in the text, the whole of it behind a disclosure.
 */
export function FirstLine({ text, summary = "details" }: { text: string; summary?: string }) {
  const [first, ...rest] = text.trim().split(/\r?\n/);
  const short = first!.length > 160 ? `${first!.slice(0, 157).trimEnd()}…` : first!;
  if (rest.length === 0 && short === first) return <>{text}</>;
  return (
    <>
      {short}{" "}
      <details className="long-text">
        <summary>{summary}</summary>
        <pre>{text}</pre>
      </details>
    </>
  );
}

/** Lanes that could not run: explained, never silently dropped or replaced. */
export function FailedLanes({ outcomes }: { outcomes: Array<LaneOutcome<unknown>> }) {
  const failed = outcomes.filter((o): o is Extract<LaneOutcome<unknown>, { ok: false }> => !o.ok);
  if (failed.length === 0) return null;
  return (
    <ul className="lane-failures">
      {failed.map((o) => (
        <li key={o.key} data-lane={o.key} data-unavailable={o.unavailable}>
          <strong>{LANE_TITLES[o.key]}</strong> {o.unavailable ? "is unavailable here" : "failed"}; no result is shown for it: <FirstLine text={o.message} />
        </li>
      ))}
    </ul>
  );
}
