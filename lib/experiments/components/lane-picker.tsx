"use client";
import { useId } from "react";
import { LANE_TITLES, type LaneKey, type LaneStatus } from "../lanes";

export function LanePicker({ lanes, selected, onChange, status, disabled }: { lanes: LaneKey[]; selected: LaneKey[]; onChange: (next: LaneKey[]) => void; status: (key: LaneKey) => LaneStatus; disabled: boolean }) {
  // Several experiments on one lesson page each have a picker: ids must not repeat across them.
  const pickerId = useId();
  return (
    <fieldset className="lane-picker" disabled={disabled}>
      <legend>Lanes</legend>
      <ul>
        {lanes.map((key) => {
          const s = status(key);
          const id = `${pickerId}-lane-${key}`;
          return (
            <li key={key} data-lane={key} data-available={s.available}>
              <label>
                <input type="checkbox" name="lane" value={key} disabled={!s.available} checked={s.available && selected.includes(key)} onChange={(e) => onChange(e.target.checked ? [...selected, key] : selected.filter((k) => k !== key))} aria-describedby={`${id}-note`} />{" "}
                {LANE_TITLES[key]}
              </label>{" "}
              <span id={`${id}-note`} className="lane-note">
                {s.available ? [s.device, s.software ? "software GPU: CPU speed, not GPU speed" : key.endsWith("webgpu") && s.software === null ? "could not tell a hardware GPU from a software one" : null].filter(Boolean).join(" · ") : s.reason}
              </span>
              {!s.available && s.detail && (
                <details className="lane-detail">
                  <summary>What the server says</summary>
                  <pre>{s.detail}</pre>
                </details>
              )}
            </li>
          );
        })}
      </ul>
    </fieldset>
  );
}
