"use client";
import type { LaneResult } from "../lanes";

/** A lane's device as a table shows it, never calling a software or unknown adapter a GPU. */
export function deviceLabel(r: LaneResult): string {
  const note = r.software ? " (software GPU)" : r.softwareUnknown ? " (the adapter did not say whether it is hardware or software)" : "";
  return `${r.device ?? "unknown device"}${note}`;
}

/** A lane's heading row in a table grouped by lane: its title and device, said once rather than on every row. */
export function LaneGroupRow({ title, device, colSpan }: { title: string; device: string; colSpan: number }) {
  return (
    <tr className="lane-group">
      <th scope="rowgroup" colSpan={colSpan}>
        {title} <span className="muted" data-field="device">{device}</span>
      </th>
    </tr>
  );
}
